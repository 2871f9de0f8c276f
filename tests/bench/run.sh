#!/usr/bin/env bash
# make bench: the cost of the collection's tasks, measured with hyperfine against the emulator (`fast` profile, no
# data plane), as tests/utils/with-emulator.sh starts it:
#   1. per task: 20 x ansible.builtin.ping vs 20 x lowlatency.alicloud.zone_info vs an empty play, in rounds that
#      alternate the three (hyperfine times each command BENCH_RUNS times per round);
#   2. a deployment (infra.yml + cluster.yml), then its no-op runs: wall time, API calls, managed resources;
#   3. the no-op again with the edge group at 2, 10 and 30 instances, and with 50 unrelated resources in the region
#      (a VPC and 49 security groups: the emulator, like the cloud, allows 10 VPCs per region);
#   4. the peer (below).
# BENCH_SECTIONS picks some of: tasks deploy growth unrelated peer (default: all).
# Every figure lands in $BENCH_OUT as hyperfine JSON or the emulator's call counts; tests/bench/report.py turns them
# into the table and docs/benchmarks.md.
set -euo pipefail
export ANSIBLE_LOCALHOST_WARNING=false ANSIBLE_INVENTORY_UNPARSED_WARNING=false
top=$(cd "$(dirname "$0")/../.." && pwd)
out=${BENCH_OUT:?}
runs=${BENCH_RUNS:-3}
rounds=${BENCH_ROUNDS:-3}
admin=${EMULATOR_ADMIN_URL:?run through tests/utils/with-emulator.sh}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$out"
sections=" ${BENCH_SECTIONS:-tasks deploy growth unrelated peer} "
want() { [[ $sections == *" $1 "* ]]; }

# 1. Per task. The module's connection settings come from the environment with-emulator.sh exports.
play() {  # play NAME MODULE: a playbook of 20 tasks of MODULE (none when MODULE is empty)
  {
    printf -- '---\n- name: %s\n  hosts: localhost\n  connection: local\n  gather_facts: false\n  tasks:\n' "$1"
    [[ -n $2 ]] || printf '    []\n'
    for n in $(seq 1 20); do
      [[ -z $2 ]] || printf '    - name: Task %s\n      %s:\n' "$n" "$2"
    done
  } > "$work/$1.yml"
}
play empty ''
play ping ansible.builtin.ping
play zone_info lowlatency.alicloud.zone_info
export ALIBABA_CLOUD_REGION_ID=cn-hangzhou
inventory="-i localhost, -e ansible_python_interpreter=$(command -v python)"
for round in $(seq 1 "$rounds"); do
  want tasks || break
  echo "bench: per-task round $round of $rounds"
  hyperfine -N --style basic --warmup 1 --runs "$runs" --export-json "$out/task-$round.json" \
    -n empty "ansible-playbook $inventory $work/empty.yml" \
    -n ping "ansible-playbook $inventory $work/ping.yml" \
    -n zone_info "ansible-playbook $inventory $work/zone_info.yml" > /dev/null
done

# 2. A deployment of the playbooks, as the `playbooks` integration target makes one.
export AMS_LOCAL_NAME=bench
export AMS_LOCAL_PUBLIC_KEY_FILE=$work/admin.pub AMS_LOCAL_CERTIFICATE_FILE=$work/cert.pem
export AMS_LOCAL_PRIVATE_KEY_FILE=$work/key.pem
ssh-keygen -q -t ed25519 -N '' -C bench-admin -f "$work/admin"
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj "/CN=bench.example.com" \
  -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
playbook() { ansible-playbook -i "$top/inventories/local" "$top/playbooks/$1" "${@:2}"; }
marker() { curl -sf -X POST "$admin/marker" | python -c 'import json, sys; print(json.load(sys.stdin)["marker"])'; }
resources() {  # resources of each kind in the emulator's store
  curl -sf "$admin/state" | python -c '
import json, sys
print(json.dumps(dict((kind, len(items)) for kind, items in json.load(sys.stdin)["resources"].items())))'
}

noop() {  # noop LABEL [ARGS...]: calls of one no-op infra + cluster run, then its wall time over $runs runs
  local label=$1 since
  shift
  since=$(marker)
  playbook infra.yml "$@" > "$work/$label-infra.log" || { tail -n 30 "$work/$label-infra.log"; exit 1; }
  playbook cluster.yml "$@" > "$work/$label-cluster.log" || { tail -n 30 "$work/$label-cluster.log"; exit 1; }
  if ! grep -q 'changed=0 ' "$work/$label-infra.log" || ! grep -q 'changed=0 ' "$work/$label-cluster.log"; then
    echo "bench: the $label no-op run changed something"
    exit 1
  fi
  curl -sf "$admin/counts?since=$since" > "$out/calls-$label.json"
  resources > "$out/resources-$label.json"
  local extra=${*:+ $(printf '%q ' "$@")}
  hyperfine -N --style basic --runs "$runs" --export-json "$out/noop-$label.json" \
    -n infra "ansible-playbook -i $top/inventories/local $top/playbooks/infra.yml$extra" \
    -n cluster "ansible-playbook -i $top/inventories/local $top/playbooks/cluster.yml$extra" > /dev/null
}

if want deploy || want growth || want unrelated; then
echo "bench: first deployment"
start=$EPOCHREALTIME
playbook infra.yml > "$work/first-infra.log" || { tail -n 30 "$work/first-infra.log"; exit 1; }
playbook cluster.yml > "$work/first-cluster.log" || { tail -n 30 "$work/first-cluster.log"; exit 1; }
python -c "import json, sys; json.dump({'seconds': float(sys.argv[2]) - float(sys.argv[1])}, sys.stdout)" \
  "$start" "$EPOCHREALTIME" > "$out/first-deploy.json"
if want deploy; then
  echo "bench: no-op run"
  noop default
fi
fi

# 3. Growth.
for size in 2 10 30; do
  want growth || break
  echo "bench: edge group of $size"
  sizes=(-e "deployment_edge_desired_capacity=$size" -e "deployment_edge_max_size=$size")
  playbook cluster.yml "${sizes[@]}" > "$work/resize-$size.log" || { tail -n 30 "$work/resize-$size.log"; exit 1; }
  noop "edge-$size" "${sizes[@]}"
done
if want unrelated; then
  echo "bench: 50 unrelated resources, the edge group at its default size"
  playbook cluster.yml > "$work/resize-back.log" || { tail -n 30 "$work/resize-back.log"; exit 1; }
  cat > "$work/unrelated.yml" <<'EOF'
---
- name: A VPC and 49 security groups the deployment does not manage
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Unrelated VPC
      lowlatency.alicloud.vpc:
        name: unrelated
        cidr_block: 192.168.0.0/16
      register: unrelated
    - name: Unrelated security groups
      lowlatency.alicloud.security_group:
        name: "unrelated-{{ item }}"
        vpc_id: "{{ unrelated.vpc.vpc_id }}"
      loop: "{{ range(49) | list }}"
EOF
  ansible-playbook -i localhost, -e "ansible_python_interpreter=$(command -v python)" "$work/unrelated.yml" \
    > "$work/unrelated.log" || { tail -n 30 "$work/unrelated.log"; exit 1; }
  noop unrelated-50
fi

# 4. The peer, alibaba's modules over footmark (from PyPI, in a venv of their own: BENCH_PEER_VENV), and ours on the
# same work: a VPC, two vSwitches and a security group (tests/bench/peer/). The peer reaches the emulator through
# tests/bench/peer/sitecustomize.py, which only replaces footmark's endpoint resolution. Each first run starts from
# an empty emulator (this clears the deployment above).
peer=${BENCH_PEER_VENV:-}
if [[ -n $peer ]] && want peer; then
  echo "bench: the peer"
  endpoint=${ALICLOUD_ENDPOINT_URL#*://}
  peer_env=(env "ALICLOUD_ACCESS_KEY=$ALIBABA_CLOUD_ACCESS_KEY_ID" "ALICLOUD_SECRET_KEY=$ALIBABA_CLOUD_ACCESS_KEY_SECRET"
            ALICLOUD_REGION=cn-hangzhou "BENCH_PEER_ENDPOINT=$endpoint" "PYTHONPATH=$top/tests/bench/peer"
            "ANSIBLE_LIBRARY=$(echo "$peer"/lib/python3*/site-packages/ansible/modules/cloud/alicloud)")
  ours_cmd="ansible-playbook $inventory $top/tests/bench/peer/ours.yml"
  peer_cmd="${peer_env[*]} $peer/bin/ansible-playbook -i localhost, -e ansible_python_interpreter=$peer/bin/python $top/tests/bench/peer/peer.yml"
  hyperfine -N --style basic --runs "$runs" --prepare "curl -sf -X POST $admin/reset" \
    --export-json "$out/peer-first.json" -n ours "$ours_cmd" -n peer "$peer_cmd" > /dev/null
  curl -sf -X POST "$admin/reset" > /dev/null
  for side in ours peer; do
    command=${side}_cmd
    ${!command} > "$work/$side-first.log" 2>&1 || { tail -n 30 "$work/$side-first.log"; exit 1; }
    since=$(marker)
    ${!command} > "$work/$side-noop.log" 2>&1 || { tail -n 30 "$work/$side-noop.log"; exit 1; }
    grep -q 'changed=0 ' "$work/$side-noop.log" || { echo "bench: $side's second run changed something"; exit 1; }
    curl -sf "$admin/counts?since=$since" > "$out/peer-calls-$side.json"
  done
  hyperfine -N --style basic --runs "$runs" --export-json "$out/peer-noop.json" \
    -n ours "$ours_cmd" -n peer "$peer_cmd" > /dev/null
fi
