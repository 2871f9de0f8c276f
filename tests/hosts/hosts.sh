#!/usr/bin/env bash
# Start and stop systemd test hosts: podman containers of the test-host image, each with its own address on a
# project-owned podman network (with DNS, so hosts reach each other by name), reachable from this machine by IP.
# Ansible reaches them over ssh as root with a key generated on first use (.cache/hosts/ssh/, never committed).
#
# usage: hosts.sh up NAME... [--network NET] [--inventory FILE] [--group GROUP:NAME[,NAME...]]...
#        hosts.sh down [NAME...] [--network NET]   (no NAME: every test host on NET, then NET itself)
#        hosts.sh list [--network NET]             (NAME ADDRESS STATE, one host a line)
#        hosts.sh key                              (the private key's path; creates the key pair if missing)
# NET defaults to lowlatency-test. `up` and `down` are idempotent; `up` returns once every host's systemd reports
# "running" and its sshd accepts the key. The inventory (INI) gives each host ansible_host and test_host_ip (its
# address), and every host test_host_gateway (this machine's address on NET, where tests serve files to the hosts).
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
source "$(dirname "$0")/lib.sh"

NETWORK=lowlatency-test
INVENTORY=
NAMES=()
GROUPS_SPEC=()
SSH_KEY=$HOSTS_CACHE/ssh/id_ed25519
SSH_OPTIONS=(-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR -o IdentitiesOnly=yes -o BatchMode=yes)
READY_TIMEOUT=90

parse_arguments() {
  while [[ $# -gt 0 ]]; do
    case $1 in
      --network) NETWORK=${2:?--network needs a name}; shift 2 ;;
      --inventory) INVENTORY=${2:?--inventory needs a file}; shift 2 ;;
      --group) GROUPS_SPEC+=("${2:?--group needs GROUP:NAME}"); shift 2 ;;
      -*) die "unknown option $1" ;;
      *) NAMES+=("$1"); shift ;;
    esac
  done
}

# Run a podman command showing its output only when it fails; aardvark-dns prints syslog noise on every start.
quietly() {
  local output
  output=$("$@" 2>&1) || { echo "$output" >&2; return 1; }
}

ensure_ssh_key() {
  [[ -f $SSH_KEY ]] && return
  mkdir -p "$(dirname "$SSH_KEY")" && chmod 700 "$(dirname "$SSH_KEY")"
  ssh-keygen -q -t ed25519 -N '' -C lowlatency-test-hosts -f "$SSH_KEY"
}

ensure_network() {
  podman network exists "$NETWORK" && return
  # a user-created network has DNS (aardvark); podman's default network does not
  quietly podman network create --label "$HOSTS_LABEL" "$NETWORK"
}

is_test_host() { [[ $(podman container inspect -f '{{index .Config.Labels "lowlatency.test-host"}}' "$1" 2>/dev/null) == 1 ]]; }

# A container of that name may only be a test host of this network (then it is reused).
check_name_is_free() {
  local name=$1 network
  podman container exists "$name" || return 0
  is_test_host "$name" || die "a container named $name exists and is not a test host; not touching it"
  network=$(podman container inspect -f '{{index .Config.Labels "lowlatency.test-network"}}' "$name")
  [[ $network == "$NETWORK" ]] || die "test host $name is on network $network: hosts.sh down --network $network first"
}

start_host() {
  local name=$1
  if podman container exists "$name"; then
    quietly podman start "$name"
  else
    # runc and explicit ulimits: crun and podman's default rlimits both fail on this kind of machine
    quietly podman run -d --name "$name" --hostname "$name" --network "$NETWORK" \
      --label "$HOSTS_LABEL" --label "lowlatency.test-network=$NETWORK" \
      --runtime runc --ulimit "nofile=$(ulimit_nofile):$(ulimit_nofile)" --ulimit "nproc=$(ulimit_nproc):$(ulimit_nproc)" \
      --systemd=always "$IMAGE_NAME:latest" /sbin/init
  fi
  podman exec -i "$name" sh -c 'mkdir -p -m 700 /root/.ssh && cat > /root/.ssh/authorized_keys' < "$SSH_KEY.pub"
}

host_address() { podman container inspect -f "{{(index .NetworkSettings.Networks \"$NETWORK\").IPAddress}}" "$1"; }
network_gateway() { podman network inspect -f '{{range .Subnets}}{{.Gateway}}{{end}}' "$NETWORK"; }

# systemd has finished booting with no failed unit, and sshd lets the key in.
wait_ready() {
  local name=$1 state='' error errors deadline=$((SECONDS + READY_TIMEOUT))
  errors=$(mktemp)
  # An exec into a container that is still being set up can fail without any answer (seen once in CI on an idle
  # machine): ask again until systemd answers or the deadline passes.
  until [[ -n $state || $SECONDS -ge $deadline ]]; do
    state=$(timeout "$((deadline - SECONDS))" podman exec "$name" systemctl is-system-running --wait 2>"$errors") || true
    [[ -n $state ]] || sleep 0.5
  done
  if [[ $state != running ]]; then
    error=$(cat "$errors")
    rm -f "$errors"
    say "$name: systemd is '$state'${error:+ ($error)}; container: $(podman ps -a --filter "name=^$name\$" --format '{{.Status}}'); failed units:"
    podman exec "$name" systemctl --failed --no-legend >&2 || true
    return 1
  fi
  rm -f "$errors"
  until ssh "${SSH_OPTIONS[@]}" -o ConnectTimeout=2 -i "$SSH_KEY" "root@$(host_address "$name")" true 2>/dev/null; do
    [[ $SECONDS -lt $deadline ]] || { say "$name: sshd does not accept the key"; return 1; }
    sleep 0.2
  done
}

wait_all_ready() {
  local name pids=() failed=0 pid
  for name in "${NAMES[@]}"; do wait_ready "$name" & pids+=($!); done
  for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  return $failed
}

groups_of() {
  local name=$1 spec group members
  for spec in "${GROUPS_SPEC[@]}"; do
    group=${spec%%:*} members=,${spec#*:},
    [[ $members == *",$name,"* ]] && echo "$group"
  done
  return 0
}

write_inventory() {
  local name group gateway
  gateway=$(network_gateway)
  mkdir -p "$(dirname "$INVENTORY")"
  {
    echo "# Written by tests/hosts/hosts.sh up: test hosts on podman network $NETWORK."
    echo "[all:vars]"
    echo "ansible_user=root"
    echo "ansible_python_interpreter=/usr/bin/python3"
    echo "ansible_ssh_private_key_file=$SSH_KEY"
    echo "ansible_ssh_common_args='${SSH_OPTIONS[*]} -o ControlMaster=auto -o ControlPersist=60s'"
    echo "ansible_ssh_pipelining=true"
    echo "test_host_gateway=$gateway"
    echo
    echo "[test_hosts]"
    for name in "${NAMES[@]}"; do
      echo "$name ansible_host=$(host_address "$name") test_host_ip=$(host_address "$name")"
    done
    for group in $(for name in "${NAMES[@]}"; do groups_of "$name"; done | sort -u); do
      echo
      echo "[$group]"
      for name in "${NAMES[@]}"; do groups_of "$name" | grep -qx "$group" && echo "$name"; done
    done
  } > "$INVENTORY"
}

hosts_on_network() {
  podman ps -a --filter "label=$HOSTS_LABEL" --filter "label=lowlatency.test-network=$NETWORK" --format '{{.Names}}'
}

command_up() {
  [[ ${#NAMES[@]} -gt 0 ]] || die "up: name at least one host"
  podman image exists "$IMAGE_NAME:latest" || die "no image $IMAGE_NAME:latest: run tests/hosts/build-image.sh"
  local name
  for name in "${NAMES[@]}"; do check_name_is_free "$name"; done
  ensure_ssh_key
  ensure_network
  for name in "${NAMES[@]}"; do start_host "$name"; done
  wait_all_ready || die "hosts did not come up: ${NAMES[*]}"
  [[ -z $INVENTORY ]] || write_inventory
}

command_down() {
  [[ ${#NAMES[@]} -gt 0 ]] || mapfile -t NAMES < <(hosts_on_network)
  local name
  for name in "${NAMES[@]}"; do
    podman container exists "$name" || continue
    is_test_host "$name" || die "$name is not a test host; not touching it"
    quietly podman rm -f -t 2 "$name"
  done
  # the network goes when no test host is left on it, and only if this script made it
  if podman network exists "$NETWORK" && [[ -z $(hosts_on_network) ]] &&
     [[ $(podman network inspect -f '{{index .Labels "lowlatency.test-host"}}' "$NETWORK") == 1 ]]; then
    quietly podman network rm "$NETWORK"
  fi
}

command_list() {
  local name
  podman network exists "$NETWORK" || return 0
  for name in $(hosts_on_network); do
    echo "$name $(host_address "$name") $(podman container inspect -f '{{.State.Status}}' "$name")"
  done
}

action=${1:-}
[[ $# -gt 0 ]] && shift
parse_arguments "$@"
case $action in
  up) command_up ;;
  down) command_down ;;
  list) command_list ;;
  key) ensure_ssh_key; echo "$SSH_KEY" ;;
  *) die "usage: hosts.sh up|down|list|key [NAME...] [--network NET] [--inventory FILE] [--group GROUP:NAME]" ;;
esac
