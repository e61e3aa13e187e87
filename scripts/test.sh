#!/usr/bin/env bash
# Runs every test project of the solution and the node-zendesk check (tests/node-zendesk), then prints one summary line:
#   tests: N passed, M failed[, K skipped]
# Exits non-zero when anything failed, a test host crashed, or no test ran.
set -uo pipefail
cd "$(dirname "$0")/.."

configuration="${CONFIGURATION:-Release}"
log="artifacts/test-results/dotnet-test.log"
mkdir -p "$(dirname "$log")"

# Every project once, then the end-to-end subset that covers state, leases, webhooks and runs again with the
# stand-in's state store behaving like state.postgresql v2 and state.redis (docs/testing.md).
personality_subset=(--filter-class "*StandInSidecarTests" --filter-class "*CronToWorkflowTests" --filter-class "*TicketFlowTests")
passed=0 failed=0 skipped=0 status=0

# Microsoft.Testing.Platform's closing block: "total: N", "failed: N", "succeeded: N", "skipped: N".
value() { grep -E "^[[:space:]]+$1: [0-9]+" "$2" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
count() {
  local run_log=$1 run_status=$2 f
  f=$(value failed "$run_log")
  passed=$((passed + $(value succeeded "$run_log")))
  skipped=$((skipped + $(value skipped "$run_log")))
  if [ "$run_status" -ne 0 ] && [ "$f" -eq 0 ]; then
    # A crashed or misconfigured test host: count it as a failure so the summary cannot look green.
    f=1
    echo "dotnet test exited with code $run_status (a test host failed outside any test); see $run_log" >&2
  fi
  failed=$((failed + f))
  [ "$run_status" -ne 0 ] && status=$run_status
}

dotnet test --solution AcumaticaZendesk.sln -c "$configuration" --no-build --no-progress "$@" 2>&1 | tee "$log"
count "$log" "${PIPESTATUS[0]}"

if [ $# -eq 0 ]; then
  for personality in postgresql redis; do
    plog="artifacts/test-results/dotnet-test-$personality.log"
    echo "== end-to-end subset with the stand-in's state store as $personality"
    STANDIN_STATE_STORE=$personality dotnet test --project tests/AcumaticaZendesk.EndToEndTests/AcumaticaZendesk.EndToEndTests.csproj \
      -c "$configuration" --no-build --no-progress -- "${personality_subset[@]}" 2>&1 | tee "$plog"
    count "$plog" "${PIPESTATUS[0]}"
  done

  # node-zendesk (a real Zendesk client from npm, installed by `make client-deps`) against the sandbox.
  node_log="artifacts/test-results/node-zendesk.log"
  if [ -d tests/node-zendesk/node_modules ]; then
    (cd tests/node-zendesk && CONFIGURATION="$configuration" node --test --test-reporter=tap) > "$node_log" 2>&1
    node_status=$?
    node_value() { grep -E "^# $1 [0-9]+" "$node_log" | tail -n 1 | grep -oE '[0-9]+' || echo 0; }
    node_passed=$(node_value pass)
    node_failed=$(node_value fail)
    echo "node-zendesk against the sandbox: ${node_passed} passed, ${node_failed} failed (log: $node_log)"
    if [ "$node_status" -ne 0 ] && [ "$node_failed" -eq 0 ]; then
      node_failed=1
      echo "node --test exited with code $node_status outside any test; see $node_log" >&2
    fi
    passed=$((passed + node_passed))
    failed=$((failed + node_failed))
  else
    failed=$((failed + 1))
    echo "tests/node-zendesk/node_modules is missing: run 'make client-deps' (npm ci) first" >&2
  fi
fi

summary="tests: ${passed} passed, ${failed} failed"
[ "$skipped" -gt 0 ] && summary="${summary}, ${skipped} skipped"
echo "$summary"

[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
