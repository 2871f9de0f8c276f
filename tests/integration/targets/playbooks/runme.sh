#!/usr/bin/env bash
# The deployment playbooks against the emulator, with the local inventory: infra.yml and cluster.yml build everything
# and a second run changes nothing (no mutating call either); scale.yml changes a group's sizes, then is a no-op; bad
# settings are refused before any mutating call; teardown.yml removes everything, a second teardown changes nothing,
# and the deployment's *_info lookups find nothing left. Prints the wall time of each run.
set -euo pipefail
export ANSIBLE_LOCALHOST_WARNING=false

config=../../integration_config.yml  # written by tests/utils/integration-config.sh next to the targets
[[ -f $config ]] || { echo "playbooks: $config is missing (run through make integration)"; exit 1; }
top=$PWD  # the collection's root in the test tree (ansible-test runs a copy of the target below tests/output)
until [[ -f $top/galaxy.yml ]]; do [[ $top != / ]] || { echo "playbooks: no collection root above $PWD"; exit 1; }; top=$(dirname "$top"); done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# The local inventory reads the emulator's address and key pair from the environment, as the modules do.
setting() { python -c 'import sys, yaml; c = yaml.safe_load(open(sys.argv[1])); print(eval(sys.argv[2], {}, c))' "$config" "$1"; }
ALICLOUD_ENDPOINT_URL=$(setting 'alicloud_connection["endpoint_url"]')
ALIBABA_CLOUD_ACCESS_KEY_ID=$(setting 'alicloud_connection["access_key_id"]')
ALIBABA_CLOUD_ACCESS_KEY_SECRET=$(setting 'alicloud_connection["access_key_secret"]')
admin_url=$(setting 'emulator_admin_url')
export ALICLOUD_ENDPOINT_URL ALIBABA_CLOUD_ACCESS_KEY_ID ALIBABA_CLOUD_ACCESS_KEY_SECRET
export AMS_LOCAL_NAME=itest-pb
export AMS_LOCAL_PUBLIC_KEY_FILE=$work/admin.pub AMS_LOCAL_CERTIFICATE_FILE=$work/cert.pem
export AMS_LOCAL_PRIVATE_KEY_FILE=$work/key.pem
ssh-keygen -q -t ed25519 -N '' -C itest-admin -f "$work/admin"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=$AMS_LOCAL_NAME.example.com" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null

timings=()
run() {  # run LOG PLAYBOOK [ARGS...]: ansible-playbook with the local inventory; output kept, wall time recorded
  local log=$1 playbook=$2 start status=0
  shift 2
  start=$EPOCHREALTIME
  ansible-playbook -i "$top/inventories/local" "$top/playbooks/$playbook" "$@" > "$work/$log" 2>&1 || status=$?
  timings+=("$(awk -v run="$log ($playbook)" -v start="$start" -v end="$EPOCHREALTIME" \
    'BEGIN { printf "%-44s %6.1f s", run, end - start }')")
  return $status
}
changed() { sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' "$work/$1"; }
fail() { echo "playbooks: $*"; for log in "$work"/*.log; do echo "== $log"; tail -n 40 "$log"; done; exit 1; }
expect_changes() { [[ $(changed "$1") -gt 0 ]] || fail "$1: changed nothing"; }
expect_no_change() { [[ $(changed "$1") -eq 0 ]] || fail "$1: changed something on a re-run"; }
marker() { curl -sf -X POST "$admin_url/marker" | python -c 'import json, sys; print(json.load(sys.stdin)["marker"])'; }
mutating_since() { curl -sf "$admin_url/counts?since=$1" | python -c 'import json, sys; print(json.load(sys.stdin)["mutating"])'; }
refused() {  # refused LOG PLAYBOOK ARGS... MESSAGE: the run fails and its output says why
  local log=$1 playbook=$2 message=${*: -1}
  run "$log" "$playbook" "${@:3:$#-3}" && fail "$log: bad input was accepted"
  grep -qF -- "$message" "$work/$log" || fail "$log: the failure does not say '$message'"
}

# First run: the whole deployment. Its wall time is infra + cluster.
run infra-first.log infra.yml || fail "infra.yml failed"
expect_changes infra-first.log
run cluster-first.log cluster.yml || fail "cluster.yml failed"
expect_changes cluster-first.log
if ! grep -q '"origin": 1' "$work/cluster-first.log" || ! grep -q '"edge": 2' "$work/cluster-first.log"; then
  fail "cluster.yml did not report 1 origin and 2 edge nodes in service"
fi

# Second run: nothing changes, and no mutating call is made. The numbers come as strings this time, as
# `-e key=value` gives them: the same values, so the same deployment.
since=$(marker)
run infra-second.log infra.yml -e deployment_mongodb_disk_size=40 || fail "infra.yml's second run failed"
expect_no_change infra-second.log
run cluster-second.log cluster.yml -e deployment_dns_ttl=600 -e deployment_node_bandwidth_out=100 \
  -e deployment_node_disk_size=60 -e deployment_origin_min_size=1 || fail "cluster.yml's second run failed"
expect_no_change cluster-second.log
[[ $(mutating_since "$since") -eq 0 ]] || fail "the second run made mutating calls"

# Scaling: the edge group grows to 3 (and may reach 5), then the same request is a no-op.
scale='{"scale": {"edge": {"desired_capacity": 3, "max_size": 5}}}'
run scale-first.log scale.yml -e "$scale" || fail "scale.yml failed"
expect_changes scale-first.log
grep -q 'itest-pb-edge: min 1, desired 3, max 5' "$work/scale-first.log" || fail "scale.yml did not report the new sizes"
run scale-second.log scale.yml -e "$scale" || fail "scale.yml's second run failed"
expect_no_change scale-second.log

# Bad settings: each refused with a message, and none of them makes a mutating call.
since=$(marker)
refused bad-scale-group.log scale.yml -e '{"scale": {"egde": {"desired_capacity": 2}}}' 'groups origin, edge'
refused bad-scale-size.log scale.yml -e '{"scale": {"edge": {"desired_capacity": 9}}}' 'it needs min <= desired <= max'
refused bad-scale-type.log scale.yml -e '{"scale": {"origin": {"max_size": "lots"}}}' 'whole numbers from 0 to 2000'
refused bad-admin-cidr.log infra.yml -e deployment_admin_cidr=0.0.0.0/0 'not the internet'
refused bad-access-mode.log infra.yml -e deployment_access_mode=open 'must be one of: public'
refused bad-bandwidth.log infra.yml -e deployment_mongodb_bandwidth_out=0 'deployment_mongodb_bandwidth_out 1 to 100'
refused bad-vswitch.log infra.yml -e '{"deployment_vswitch_cidrs": ["10.20.1.0/24", "10.99.2.0/24"]}' \
  'The network does not fit together: vSwitch block 10.99.2.0/24 is not inside deployment_vpc_cidr 10.20.0.0/16.'
refused bad-region.log infra.yml -e deployment_region= "deployment_region must name a region, for example cn-hangzhou (got '')"
refused bad-ttl.log cluster.yml -e deployment_dns_ttl=ten \
  "argument 'deployment_dns_ttl' is of type str and we were unable to convert to int"
refused bad-sizes.log cluster.yml -e deployment_origin_min_size=3 'The origin group needs'
refused bad-password.log cluster.yml -e deployment_mongodb_password=short 'deployment_mongodb_password at least 8'
refused bad-name.log teardown.yml -e deployment_name=Not_A_Name 'deployment_name must be'
[[ $(mutating_since "$since") -eq 0 ]] || fail "refused input made mutating calls"

# Teardown, twice; then nothing of the deployment is left.
run teardown-first.log teardown.yml || fail "teardown.yml failed"
expect_changes teardown-first.log
run teardown-second.log teardown.yml || fail "teardown.yml's second run failed"
expect_no_change teardown-second.log
ansible-playbook leftovers.yml -e "@$config" -e deployment_name=$AMS_LOCAL_NAME > "$work/leftovers.log" 2>&1 \
  || fail "resources of the deployment are left after teardown"

printf 'playbooks: wall time per run\n'
printf '  %s\n' "${timings[@]}"
echo "playbooks: built, re-run with no change, scaled, refused bad input, torn down twice, nothing left"
