#!/usr/bin/env bash
# Check that COUNT test hosts (default 5) run at once on this machine, and measure what they cost:
# start them, check each one's systemd is "running", that Ansible reaches every host over ssh and every host reaches
# every other by name, then stop them. Prints the start and stop times and the memory per host, then one summary line.
#
# usage: check.sh [COUNT]      env: CACHE, CONTAINERS_CONF; needs the image (build-image.sh) and ansible on PATH
set -euo pipefail
# shellcheck source=tests/hosts/lib.sh
source "$(dirname "$0")/lib.sh"

COUNT=${1:-5}
NETWORK=lowlatency-check
INVENTORY=$HOSTS_CACHE/check/inventory.ini
HOSTS=()
for index in $(seq 1 "$COUNT"); do HOSTS+=("check-$index"); done
passed=0 failed=0

check() {
  local description=$1
  shift
  if "$@"; then passed=$((passed + 1)); else failed=$((failed + 1)); say "FAILED: $description"; fi
}

used_memory_kib() { awk '/^MemTotal:/ {total=$2} /^MemAvailable:/ {available=$2} END {print total - available}' /proc/meminfo; }
# The container's cgroup memory use as podman reports it ("17.44MB / 25.28GB"), in MB.
cgroup_memory_mb() {
  podman stats --no-stream --format '{{.MemUsage}}' "$1" |
    awk '{value = $1 + 0; unit = $1; gsub(/[0-9.]/, "", unit); factor["kB"] = 0.001; factor["MB"] = 1; factor["GB"] = 1000
          printf "%.1f", value * factor[unit]}'
}
elapsed_since() { awk -v start="$1" -v now="$(date +%s%N)" 'BEGIN {printf "%.1f", (now - start) / 1e9}'; }

systemd_running() { [[ $(podman exec "$1" systemctl is-system-running) == running ]]; }

# Each host opens a TCP connection to every other host's sshd by name (through the network's DNS).
reaches_the_others_by_name() {
  local name=$1 other
  for other in "${HOSTS[@]}"; do
    [[ $other == "$name" ]] && continue
    podman exec "$name" timeout 3 bash -c "echo > /dev/tcp/$other/22" || { say "$name cannot reach $other:22"; return 1; }
  done
}

ansible_pings_every_host() {
  local output
  output=$(ansible all -i "$INVENTORY" -m ansible.builtin.ping 2>&1) || { echo "$output" >&2; return 1; }
  [[ $(grep -c '"ping": "pong"' <<< "$output") -eq $COUNT ]]
}

trap '"$HOSTS_DIR/hosts.sh" down --network "$NETWORK"' EXIT
"$HOSTS_DIR/hosts.sh" down --network "$NETWORK"  # leftovers of an interrupted run
memory_before=$(used_memory_kib)
started=$(date +%s%N)
"$HOSTS_DIR/hosts.sh" up "${HOSTS[@]}" --network "$NETWORK" --inventory "$INVENTORY"
start_seconds=$(elapsed_since "$started")
sleep 2  # let the freshly booted hosts settle before measuring memory
memory_per_host_mib=$(( ($(used_memory_kib) - memory_before) / COUNT / 1024 ))
cgroup_memory=()
for name in "${HOSTS[@]}"; do
  check "$name: systemd is running" systemd_running "$name"
  check "$name: reaches the other hosts by name" reaches_the_others_by_name "$name"
  cgroup_memory+=("$(cgroup_memory_mb "$name")")
done
check "ansible reaches every host over ssh" ansible_pings_every_host
stopped=$(date +%s%N)
"$HOSTS_DIR/hosts.sh" down --network "$NETWORK"
stop_seconds=$(elapsed_since "$stopped")
check "no test host is left on $NETWORK" test -z "$("$HOSTS_DIR/hosts.sh" list --network "$NETWORK")"

echo "$COUNT hosts: started (systemd running, sshd ready) in ${start_seconds} s, stopped in ${stop_seconds} s"
echo "memory per host: $memory_per_host_mib MiB more used on this machine; cgroup memory (MB): ${cgroup_memory[*]}"
echo "hosts-check: $passed passed, $failed failed"
[[ $failed -eq 0 ]]
