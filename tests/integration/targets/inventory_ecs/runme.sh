#!/usr/bin/env bash
# Builds instances (stand-alone and from an Auto Scaling group) in two regions with the collection's modules, lists
# them through the lowlatency.alicloud.ecs inventory plugin with ansible-inventory and checks hosts, variables, groups,
# filters, host names, the cache and that the secret never shows; removes everything afterwards, even on failure.
set -euo pipefail
export ANSIBLE_LOCALHOST_WARNING=false  # the plays target the implicit localhost on purpose

config=../../integration_config.yml  # written by tests/utils/integration-config.sh next to the targets
[[ -f $config ]] || { echo "inventory_ecs: $config is missing (run through make integration)"; exit 1; }
work=$(mktemp -d)
cleanup() {
  ansible-playbook teardown.yml -e "@$config" || echo "inventory_ecs: teardown failed" >&2
  rm -rf "$work"
}
trap cleanup EXIT

ansible-playbook main.yml -e "@$config" -e "work_dir=$work"
echo "inventory_ecs: hosts, variables, groups, filters, host names, cache and secret masking checked"
