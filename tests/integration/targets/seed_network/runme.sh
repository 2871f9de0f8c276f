#!/usr/bin/env bash
# The seed's acceptance runs: seed.yml builds the network and the MongoDB host (issue 5), origin.yml the origin
# group on it (issue 6); each runs twice and the second run changes nothing. teardown.yml removes it all, and a
# second teardown changes nothing either.
set -euo pipefail
export ANSIBLE_LOCALHOST_WARNING=false  # the play targets the implicit localhost on purpose

config=../../integration_config.yml  # written by tests/utils/integration-config.sh next to the targets
[[ -f $config ]] || { echo "seed_network: $config is missing (run through make integration)"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ssh-keygen -q -t ed25519 -N '' -C seed-admin -f "$work/admin"

run() {  # run PLAYBOOK LOG: ansible-playbook with the emulator's connection settings, output kept for the recap
  ansible-playbook "$1" -e "@$config" -e "admin_public_key_file=$work/admin.pub" "${@:3}" | tee "$work/$2"
}
recap_changed() {  # the changed= count of localhost's recap line
  sed -n 's/^localhost *: .*changed=\([0-9]*\).*/\1/p' "$work/$1"
}

run seed.yml first.log
[[ $(recap_changed first.log) -gt 0 ]] || { echo "seed_network: the first run changed nothing"; exit 1; }
run seed.yml second.log
[[ $(recap_changed second.log) -eq 0 ]] || { echo "seed_network: the second run changed something"; exit 1; }
run origin.yml origin-first.log
[[ $(recap_changed origin-first.log) -gt 0 ]] || { echo "seed_network: the origin group's first run changed nothing"; exit 1; }
run origin.yml origin-second.log
[[ $(recap_changed origin-second.log) -eq 0 ]] || { echo "seed_network: the origin group's second run changed something"; exit 1; }
run teardown.yml teardown.log
[[ $(recap_changed teardown.log) -gt 0 ]] || { echo "seed_network: teardown removed nothing"; exit 1; }
run teardown.yml teardown-again.log
[[ $(recap_changed teardown-again.log) -eq 0 ]] || { echo "seed_network: a second teardown changed something"; exit 1; }
echo "seed_network: network, MongoDB host and origin group created, converged with no change, removed"
