#!/usr/bin/env bash
# Build the test-host image from Debian packages and import it into podman (there is no registry to pull from):
# a minbase bookworm rootfs with systemd as init, python3 and python3-apt for Ansible, sudo, openssh-server,
# and this machine's apt sources and Acquire settings, so `apt-get` inside reaches the same mirror.
#
# The image is tagged with a hash of this recipe (this script plus the host apt files it copies), so it is rebuilt
# only when the recipe changes; otherwise the script only re-points :latest and returns in about a second.
#
# usage: build-image.sh            prints the image reference (IMAGE:HASH) on stdout
# env:   CACHE (build area and .deb cache), CONTAINERS_CONF
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
source "$(dirname "$0")/lib.sh"

SUITE=bookworm
PACKAGES=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,openssh-server,ca-certificates,iproute2,procps,curl
# Timers and units that do nothing useful in a test container; apt-daily would take the dpkg lock mid-converge.
MASKED_UNITS=(apt-daily.timer apt-daily-upgrade.timer dpkg-db-backup.timer e2scrub_all.timer fstrim.timer
  e2scrub_reap.service systemd-pstore.service getty@tty1.service)

# The host's own apt configuration: sources, plus the locally added (not package-owned) files that set Acquire options.
host_apt_files() {
  local file
  for file in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources /etc/apt/auth.conf.d/*; do
    [[ -f $file ]] && echo "$file"
  done
  grep -l 'Acquire::' /etc/apt/apt.conf.d/* 2>/dev/null | while read -r file; do
    dpkg -S "$file" >/dev/null 2>&1 || echo "$file"
  done
}

recipe_hash() {
  local file
  { cat "${BASH_SOURCE[0]}"; for file in $(host_apt_files); do echo "$file"; cat "$file"; done; } | sha256sum | cut -c1-12
}

host_mirror() {
  local mirror
  mirror=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [[ -n $mirror ]] || mirror=$(awk '/^deb / && !/security/ {print $2; exit}' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt"
  echo "$mirror"
}

bootstrap_rootfs() {
  local rootfs=$1
  mkdir -p "$HOSTS_CACHE/debs"
  debootstrap --variant=minbase --include="$PACKAGES" --cache-dir="$HOSTS_CACHE/debs" "$SUITE" "$rootfs" "$(host_mirror)" \
    > "$HOSTS_CACHE/debootstrap.log" 2>&1 || die "debootstrap failed; see $HOSTS_CACHE/debootstrap.log"
}

copy_host_apt_config() {
  local rootfs=$1 file
  rm -f "$rootfs/etc/apt/sources.list"  # debootstrap's holds the main suite only; the host's files replace it
  for file in $(host_apt_files); do
    mkdir -p "$rootfs$(dirname "$file")"
    cp "$file" "$rootfs$file"
  done
}

configure_for_containers() {
  local rootfs=$1 unit
  for unit in "${MASKED_UNITS[@]}"; do ln -sf /dev/null "$rootfs/etc/systemd/system/$unit"; done
  # Every container gets its own machine-id and ssh host keys on first boot, not copies baked into the image.
  : > "$rootfs/etc/machine-id"
  rm -f "$rootfs/var/lib/dbus/machine-id" "$rootfs"/etc/ssh/ssh_host_*
  mkdir -p "$rootfs/etc/systemd/system/ssh.service.d"
  cat > "$rootfs/etc/systemd/system/ssh.service.d/host-keys.conf" <<'UNIT'
[Service]
ExecStartPre=
ExecStartPre=/usr/bin/ssh-keygen -A
ExecStartPre=/usr/sbin/sshd -t
UNIT
  # Leave documentation out of later installs: smaller containers, faster apt in converge.
  cat > "$rootfs/etc/dpkg/dpkg.cfg.d/01-nodoc" <<'DPKG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
DPKG
  # Warm package lists, so a role's first apt task does not have to refresh them.
  chroot "$rootfs" apt-get -qq update >/dev/null
  chroot "$rootfs" apt-get -qq clean
  rm -f "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"  # podman provides both per container
}

import_image() {
  local rootfs=$1 reference=$2
  tar --numeric-owner -C "$rootfs" -c . | podman import -q \
    --change 'CMD ["/sbin/init"]' --change 'ENV container=podman' --change 'STOPSIGNAL SIGRTMIN+3' \
    - "$reference" >/dev/null
}

remove_older_builds() {
  local current=$1 tag
  for tag in $(podman images --format '{{.Repository}}:{{.Tag}}' --filter "reference=$IMAGE_NAME"); do
    [[ $tag == "$current" || $tag == "$IMAGE_NAME:latest" ]] || podman rmi "$tag" >/dev/null 2>&1 || true
  done
}

build() {
  local reference=$1 started=$SECONDS
  local rootfs=$HOSTS_CACHE/build/rootfs
  say "building $reference (about a minute)"
  rm -rf "$HOSTS_CACHE/build" && mkdir -p "$HOSTS_CACHE/build"
  bootstrap_rootfs "$rootfs"
  copy_host_apt_config "$rootfs"
  configure_for_containers "$rootfs"
  import_image "$rootfs" "$reference"
  rm -rf "$HOSTS_CACHE/build"
  say "built $reference in $((SECONDS - started)) s"
}

[[ $(id -u) -eq 0 ]] || die "run as root (debootstrap and rootful podman)"
[[ -f $CONTAINERS_CONF ]] || die "no $CONTAINERS_CONF: run tests/hosts/setup.sh first"
reference=$IMAGE_NAME:$(recipe_hash)
podman image exists "$reference" || build "$reference"
podman tag "$reference" "$IMAGE_NAME:latest"
remove_older_builds "$reference"
echo "$reference"
