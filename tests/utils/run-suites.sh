#!/usr/bin/env bash
# Run each `make <suite>` in turn, keep going after a failure, then print one summary line per suite and, last,
# the end of each failed suite's output (CI shows only the end of the log). Exit non-zero when any suite failed.
set -u
logs=$(mktemp -d)
trap 'rm -rf "$logs"' EXIT
declare -a results=() failures=()
for suite in "$@"; do
  echo "=== make $suite"
  start=$SECONDS
  if make --no-print-directory "$suite" 2>&1 | tee "$logs/$suite"; [ "${PIPESTATUS[0]}" -eq 0 ]; then
    status=PASS
  else
    status=FAIL
    failures+=("$suite")
  fi
  results+=("$(printf '%-16s %s  %4ss' "$suite" "$status" "$((SECONDS - start))")")
done
for suite in "${failures[@]}"; do
  echo
  echo "=== end of the failed suite's output: make $suite"
  tail -n 60 "$logs/$suite"
done
echo
echo "=== summary"
printf '%s\n' "${results[@]}"
[ "${#failures[@]}" -eq 0 ]
