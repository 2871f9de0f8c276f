#!/usr/bin/env bash
# Run each `make <suite>` in turn, keep going after a failure, then print one summary line per suite.
# Exit non-zero when any suite failed.
set -u
declare -a results=()
failed=0
for suite in "$@"; do
  echo "=== make $suite"
  start=$SECONDS
  if make --no-print-directory "$suite"; then status=PASS; else status=FAIL; failed=1; fi
  results+=("$(printf '%-16s %s  %4ss' "$suite" "$status" "$((SECONDS - start))")")
done
echo
echo "=== summary"
printf '%s\n' "${results[@]}"
exit $failed
