#!/usr/bin/env bash
# Run one Molecule scenario against the test hosts, with the shared base config.
#
# usage: tests/molecule/run.sh SCENARIO_DIR [MOLECULE_COMMAND [ARGS...]]     (command defaults to `test`)
#   e.g. tests/molecule/run.sh tests/molecule/test-hosts
#        tests/molecule/run.sh roles/mongodb/molecule/default converge
# A scenario directory sits in a directory named "molecule" whose parent is Molecule's project directory.
set -euo pipefail
REPO_DIR=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=tests/hosts/lib.sh
source "$REPO_DIR/tests/hosts/lib.sh"

scenario_dir=$(cd "${1:?usage: run.sh SCENARIO_DIR [MOLECULE_COMMAND [ARGS...]]}" && pwd)
shift
[[ -f $scenario_dir/molecule.yml && $(basename "$(dirname "$scenario_dir")") == molecule ]] ||
  die "$scenario_dir is not a Molecule scenario (molecule/<name>/molecule.yml)"
[[ $# -gt 0 ]] || set -- test

export LOWLATENCY_REPO_DIR=$REPO_DIR
export PATH=$REPO_DIR/.venv/bin:$PATH  # molecule runs ansible-config and ansible-playbook from PATH
export ANSIBLE_COLLECTIONS_PATH=${ANSIBLE_COLLECTIONS_PATH:-$CACHE/collections}
export MOLECULE_NO_LOG=false
command=$1
shift
cd "$(dirname "$(dirname "$scenario_dir")")"
read -ra molecule_options <<< "${MOLECULE_OPTIONS:-}"  # e.g. MOLECULE_OPTIONS=-vv
exec molecule "${molecule_options[@]}" --base-config "$REPO_DIR/tests/molecule/base.yml" "$command" --scenario-name "$(basename "$scenario_dir")" "$@"
