#!/usr/bin/env bash
# Runs every test project of the solution and prints one summary line:
#   tests: N passed, M failed[, K skipped]
# Exits non-zero when anything failed, a test host crashed, or no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
log="artifacts/test-results/dotnet-test.log"
mkdir -p "$(dirname "$log")"

dotnet test --solution AcumaticaZendesk.sln -c "$configuration" --no-build --no-progress "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# Microsoft.Testing.Platform's closing block: "total: N", "failed: N", "succeeded: N", "skipped: N".
value() { grep -E "^[[:space:]]+$1: [0-9]+" "$log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
passed=$(value succeeded)
failed=$(value failed)
skipped=$(value skipped)

if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A crashed or misconfigured test host: count it as a failure so the summary cannot look green.
  failed=1
  echo "dotnet test exited with code $status (a test host failed outside any test); see $log" >&2
fi

summary="tests: ${passed} passed, ${failed} failed"
[ "$skipped" -gt 0 ] && summary="${summary}, ${skipped} skipped"
echo "$summary"

[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
