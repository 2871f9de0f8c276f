#!/usr/bin/env bash
# Prepare this machine (Debian 12, root) to run systemd test hosts in podman and Molecule against them:
#   1. the Debian packages podman, runc, debootstrap and openssh-client (apt-get update only when a package cannot be found),
#   2. a project-owned containers.conf (runc, cgroupfs, ulimits the host can grant, file events logger),
#   3. the collections Molecule and the roles' tests need, taken from the ansible wheel on PyPI (Galaxy is unreachable).
# Idempotent and quiet: a second run changes nothing and takes well under a second.
#
# usage: setup.sh [COLLECTIONS_DIR]     (default: $COLLECTIONS, else .cache/collections)
# env:   PYTHON (a python with pip, default: the checkout's .venv), CACHE, CONTAINERS_CONF
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
source "$(dirname "$0")/lib.sh"

PACKAGES=(podman runc debootstrap openssh-client)  # ssh: how Ansible reaches the hosts
ANSIBLE_WHEEL_VERSION=12.3.0  # the newest ansible release for ansible-core 2.19 on Python 3.11
WANTED_COLLECTIONS=(containers/podman ansible/posix community/general)
COLLECTIONS_DIR=${1:-${COLLECTIONS:-$CACHE/collections}}
PYTHON=${PYTHON:-$REPO_DIR/.venv/bin/python}

install_packages() {
  local missing=() package
  for package in "${PACKAGES[@]}"; do
    dpkg-query -W -f '${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  say "installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Only refresh the package lists when the ones on disk cannot resolve the packages.
  if ! apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1; then
    apt-get update -qq
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi
}

# crun cannot handle this kernel's hybrid cgroups and podman's default rlimits are above what root may set here.
write_containers_conf() {
  local wanted
  wanted=$(cat <<CONF
# Written by tests/hosts/setup.sh for this machine; podman reads it through CONTAINERS_CONF.
[containers]
default_ulimits = ["nofile=$(ulimit_nofile):$(ulimit_nofile)", "nproc=$(ulimit_nproc):$(ulimit_nproc)"]

[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
CONF
)
  [[ -f $CONTAINERS_CONF && $(cat "$CONTAINERS_CONF") == "$wanted" ]] && return
  mkdir -p "$(dirname "$CONTAINERS_CONF")"
  printf '%s\n' "$wanted" > "$CONTAINERS_CONF"
  say "wrote $CONTAINERS_CONF"
}

collections_stamp() { echo "$COLLECTIONS_DIR/ansible_collections/.test-collections-from-ansible-$ANSIBLE_WHEEL_VERSION"; }

extract_collections() {
  [[ -f $(collections_stamp) ]] && return
  local wheels=$HOSTS_CACHE/wheels
  mkdir -p "$wheels" "$COLLECTIONS_DIR/ansible_collections"
  say "extracting ${WANTED_COLLECTIONS[*]} from ansible==$ANSIBLE_WHEEL_VERSION"
  local output  # pip warns about this machine's find-links; show its output only when it fails
  output=$("$PYTHON" -m pip download -q --disable-pip-version-check --no-deps -d "$wheels" "ansible==$ANSIBLE_WHEEL_VERSION" 2>&1) ||
    die "pip download ansible==$ANSIBLE_WHEEL_VERSION failed: $output"
  "$PYTHON" - "$wheels/ansible-$ANSIBLE_WHEEL_VERSION-py3-none-any.whl" "$COLLECTIONS_DIR" "${WANTED_COLLECTIONS[@]}" <<'PY'
import pathlib
import shutil
import sys
import tempfile
import zipfile

wheel, destination, wanted = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3:]
with zipfile.ZipFile(wheel) as archive, tempfile.TemporaryDirectory(dir=destination) as scratch:
    prefixes = tuple("ansible_collections/%s/" % name for name in wanted)
    archive.extractall(scratch, [member for member in archive.namelist() if member.startswith(prefixes)])
    for name in wanted:
        # replace each collection as a whole, so files a newer wheel dropped do not linger
        target = destination / "ansible_collections" / name
        shutil.rmtree(target, ignore_errors=True)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.move(pathlib.Path(scratch) / "ansible_collections" / name, target)
PY
  touch "$(collections_stamp)"
}

[[ $(id -u) -eq 0 ]] || die "run as root (podman runs rootful here)"
install_packages
write_containers_conf
extract_collections
