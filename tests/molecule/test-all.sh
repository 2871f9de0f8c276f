#!/usr/bin/env bash
# Run `molecule test` for every scenario, one after another (they would only fight over the two cores), and print
# one line per scenario and a summary line. Exits non-zero when any scenario fails.
#
# usage: tests/molecule/test-all.sh [SCENARIO_DIR...]
#        (default: every tests/molecule/*/ and roles/*/molecule/*/ that holds a molecule.yml)
set -uo pipefail
REPO_DIR=$(cd "$(dirname "$0")/../.." && pwd)
cd "$REPO_DIR" || exit 1
[[ -t 1 ]] || export NO_COLOR=1  # plain logs when not on a terminal

scenarios=("$@")
if [[ $# -eq 0 ]]; then
  for file in tests/molecule/*/molecule.yml roles/*/molecule/*/molecule.yml; do
    [[ -f $file ]] && scenarios+=("$(dirname "$file")")
  done
fi
[[ ${#scenarios[@]} -gt 0 ]] || { echo "molecule-test: no scenario found"; exit 1; }

results=() passed=0 failed=0 started=$SECONDS
for scenario in "${scenarios[@]}"; do
  echo "=== molecule test: $scenario"
  scenario_started=$SECONDS
  if tests/molecule/run.sh "$scenario" test; then status=PASS passed=$((passed + 1)); else status=FAIL failed=$((failed + 1)); fi
  results+=("$(printf '%-48s %s %4ss' "$scenario" "$status" "$((SECONDS - scenario_started))")")
done

echo
printf '%s\n' "${results[@]}"
echo "molecule-test: $passed passed, $failed failed in $((SECONDS - started))s"
[[ $failed -eq 0 ]]
