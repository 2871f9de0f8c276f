#!/usr/bin/env bash
# The whole deployment on this machine, end to end, against the emulator with its podman data plane:
#   tests/e2e/run.sh demo            site.yml, verify.yml, a summary, site.yml again (changed=0), teardown.yml
#   tests/e2e/run.sh test [PROFILE]  the same at -vvv under a profile with faults (default: tests/e2e/faults.json),
#                                    asserting verify passes, changed=0, nothing left after teardown and no secret in
#                                    the Ansible output or the emulator's request log
# Needs `make hosts-setup standins-build` (mk/e2e.mk makes them first). Prints the wall time of each run. Everything
# it starts (emulator, its hosts and proxies, the stand-ins' server) is stopped on exit, also on failure.
set -euo pipefail

mode=${1:-demo}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $mode in
  demo) profile=${2:-fast} ;;
  test) profile=${2:-$top/tests/e2e/faults.json} ;;
  inner) ;;  # below, inside tests/utils/with-emulator.sh
  *) echo "usage: $0 demo|test [PROFILE]" >&2; exit 2 ;;
esac
if [[ $mode != inner ]]; then
  export E2E_MODE=$mode EMULATOR_DATA_PLANE=podman
  exec "$top/tests/utils/with-emulator.sh" --profile "$profile" -- "$0" inner
fi

export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_FORCE_COLOR=false ANSIBLE_NOCOLOR=true
export ANSIBLE_HOST_KEY_CHECKING=false ANSIBLE_PIPELINING=true
cache=${CACHE:-$top/.cache}
standins=$cache/standins
work=$(mktemp -d)
logs=${E2E_LOGS:-$work}  # E2E_LOGS=DIR keeps the playbooks' output
mkdir -p "$logs"
serve_port="" services=""

# admin PATH EXPRESSION [CURL_OPTION...]: a Python EXPRESSION of `d`, the emulator admin API's JSON answer at PATH.
admin() {
  local path=$1 expression=$2
  shift 2
  curl -sf "$@" "$EMULATOR_ADMIN_URL/$path" | python3 -c "import json, sys; d = json.load(sys.stdin); print($expression)"
}

cleanup() {
  [[ -z $serve_port ]] || "$top/tests/standins/serve.sh" stop "$standins" "$services" "$serve_port" || true
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Settings of the run: a name of its own, an admin key pair and a self-signed certificate for the HTTPS listeners,
# groups of one node each.
export AMS_LOCAL_NAME=e2e
export AMS_LOCAL_PUBLIC_KEY_FILE=$work/admin.pub AMS_LOCAL_CERTIFICATE_FILE=$work/cert.pem
export AMS_LOCAL_PRIVATE_KEY_FILE=$work/key.pem
ssh-keygen -q -t ed25519 -N '' -C e2e-admin -f "$work/admin"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$AMS_LOCAL_NAME.example.com" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
sizes=(-e deployment_origin_desired_capacity=1 -e deployment_edge_desired_capacity=1)

# The stand-in mongodb-org repository on the data plane's "internet" services address: the MongoDB host reaches it
# only through its public address (access mode public), as it would reach repo.mongodb.org.
services=$(admin dataplane 'd["internet"]["services"]')
serve_port=$(python3 -c 'import socket, sys; s = socket.socket(); s.bind((sys.argv[1], 0)); print(s.getsockname()[1])' "$services")
"$top/tests/standins/serve.sh" start "$standins" "$services" "$serve_port" >/dev/null
export AMS_LOCAL_STANDINS_URL=http://$services:$serve_port/repo

verbosity=()
[[ $E2E_MODE == test ]] && verbosity=(-vvv)
timings=()
run() {  # run LOG PLAYBOOK [ARGS...]: the playbook with the local inventory, output kept in LOG, wall time recorded
  local log=$1 playbook=$2 start status=0
  shift 2
  start=$EPOCHREALTIME
  echo "e2e: $playbook ..."
  ansible-playbook -i "$top/inventories/local" "$top/playbooks/$playbook" "${sizes[@]}" "${verbosity[@]}" "$@" \
    > "$logs/$log" 2>&1 || status=$?
  timings+=("$(awk -v run="$log" -v start="$start" -v end="$EPOCHREALTIME" 'BEGIN { printf "%-22s %6.1f s", run, end - start }')")
  sed -n '/^PLAY RECAP/,$p' "$logs/$log" | sed '/^$/q'
  return $status
}
changed() { awk '/^PLAY RECAP/ { recap = 1; next } recap && /changed=/ { sub(/.*changed=/, ""); sum += $1 } END { print sum + 0 }' "$logs/$1"; }
fail() {
  echo "e2e: FAILED: $*"
  [[ ${#timings[@]} -eq 0 ]] || printf '  %s\n' "${timings[@]}"
  for log in "$logs"/*.log; do [[ -f $log ]] && { echo "== $(basename "$log") (last lines)"; tail -n 60 "$log"; }; done
  exit 1
}


run site-first.log site.yml || fail "site.yml failed"
run verify.log verify.yml || fail "verify.yml failed"

# Under the enforced security groups (the data plane's strict world): the AMS nodes reach each other on 5000 and 5080
# (their basic group's inner access); this machine, on the internet, reaches neither 27017 at the MongoDB host's
# public address nor any private address.
reaches() {  # reaches [CONTAINER] ADDRESS PORT: whether a TCP connection opens (from CONTAINER, else from here)
  local probe='import socket, sys; socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close()'
  if [[ $# -eq 3 ]]; then podman exec "$1" python3 -c "$probe" "$2" "$3" 2>/dev/null; else python3 -c "$probe" "$1" "$2" 2>/dev/null; fi
}
read -r -a nodes <<< "$(admin dataplane '" ".join(h["container"] + "," + h["address"] for h in d["instances"].values() if "ams" in h["image"])')"
read -r mongodb_private mongodb_public <<< "$(admin dataplane '" ".join(h["address"] + " " + h["public_address"] for h in d["instances"].values() if "ams" not in h["image"])')"
[[ ${#nodes[@]} -ge 2 && -n $mongodb_public ]] || fail "expected two AMS nodes and a MongoDB host with a public address: ${nodes[*]} $mongodb_private $mongodb_public"
for source in "${nodes[@]}"; do
  for target in "${nodes[@]}"; do
    [[ $source == "$target" ]] && continue
    for port in 5000 5080; do
      reaches "${source%,*}" "${target#*,}" "$port" || fail "AMS node ${source%,*} does not reach ${target#*,}:$port"
    done
  done
done
if reaches "$mongodb_public" 27017; then fail "27017 of the MongoDB host is open to the internet ($mongodb_public)"; fi
if reaches "$mongodb_private" 22; then fail "this machine reaches the MongoDB host's private address $mongodb_private"; fi
reaches "$mongodb_public" 22 || fail "SSH to the MongoDB host's public address $mongodb_public is closed to the admin address"
echo "e2e: security groups enforced: nodes reach each other on 5000/5080; 27017 closed to the internet; private addresses unreachable from here"

if [[ $E2E_MODE == test ]]; then
  # verify.yml notices a node that is down: AMS stopped on one node fails it (with a short wait), started again
  # it passes (the second site.yml below runs verify.yml again).
  node=$(admin dataplane 'sorted(h["container"] for h in d["instances"].values() if "ams" in h["image"])[0]')
  podman exec "$node" systemctl stop antmedia
  if run verify-node-down.log verify.yml -e deployment_wait_timeout=30; then fail "verify.yml passed with AMS stopped on $node"; fi
  grep -qE 'as healthy members of their server groups|clusterdb.clusternode lists the live nodes' "$logs/verify-node-down.log" \
    || fail "verify.yml failed with AMS stopped on $node, but not for the stopped node"
  podman exec "$node" systemctl start antmedia
fi

echo "e2e: what was built"
awk '/^TASK \[What was built and verified\]/ { show = 1; next } show && /^(PLAY|TASK)/ { exit } show' "$logs/verify.log" \
  | sed -n '/"msg"/,/^}/p' | sed 's/^/  /'

since=$(admin marker 'd["marker"]' -X POST)
run site-second.log site.yml || fail "the second site.yml failed"
mutating=$(admin "counts?since=$since" 'd["mutating"]')
[[ $mutating -eq 0 ]] || fail "the second site.yml made $mutating mutating calls"
[[ $(changed site-second.log) -eq 0 ]] || fail "the second site.yml changed something: $(grep -E '^(changed|TASK)' "$logs/site-second.log" | grep -B1 '^changed' | head -20)"

run teardown.log teardown.yml || fail "teardown.yml failed"

if [[ $E2E_MODE == test ]]; then
  # Nothing left: no resource in the emulator but the account's DNS domain (seeded on first use), and no host or
  # listener proxy in its data plane.
  left=$("$top/tests/utils/emulator-leftovers.sh")
  [[ -z $left ]] || fail "teardown left resources in the emulator: $left"
  plane=$(admin dataplane 'len(d["instances"]) + len(d["listeners"])')
  [[ $plane -eq 0 ]] || fail "teardown left $plane hosts or listener proxies in the data plane"

  # Faults happened, and were retried through.
  faults=$(admin 'log?since=0' 'sum(1 for e in d["entries"] if e.get("fault"))')
  [[ $faults -gt 0 ]] || fail "the profile injected no fault"

  # No secret in the output (at -vvv) or in the request log.
  secrets=(testAccessKeySecret local-admin-password local-ams-password "$(sed -n 2p "$work/key.pem")")
  for secret in "${secrets[@]}"; do
    [[ -n $secret ]] || continue
    for file in "$logs"/*.log "$EMULATOR_LOG"; do
      if grep -qF -- "$secret" "$file"; then fail "a secret (${secret:0:6}...) is in $(basename "$file")"; fi
    done
  done
  echo "e2e: $faults injected faults retried; no secret in the output or the request log; nothing left after teardown"
fi

printf 'e2e: wall time per run (profile %s)\n' "$(admin profile 'd.get("name")')"
printf '  %s\n' "${timings[@]}"
echo "e2e: built, verified, re-run with no change, torn down"
