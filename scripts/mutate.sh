#!/usr/bin/env bash
# Mutation testing with Stryker.NET (a local tool: .config/dotnet-tools.json); see docs/testing.md.
#   bash scripts/mutate.sh [target ...]        (default: every target below, one after another)
# Targets:
#   sync                 the core, src/AcumaticaZendesk.Sync (summary per folder too)
#   sync/<Folder>        one folder of the core, e.g. sync/Paging
#   sync/root            the files directly in src/AcumaticaZendesk.Sync (no folder), e.g. the service registration
#   webhooks             the webhook verifier, src/AcumaticaZendesk.Zendesk/Webhooks
#   zendesk-jobs         Zendesk job polling and result mapping, src/AcumaticaZendesk.Zendesk/Jobs
#   acumatica-reading    Acumatica paging and reading, src/AcumaticaZendesk.Acumatica/Reading
# Each target writes artifacts/mutation/<target>/reports/mutation-report.{html,json}; its figures are merged into
# artifacts/mutation/summary.json. MUTATE_CONCURRENCY sets Stryker's workers (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out_root="$root/artifacts/mutation"
concurrency="${MUTATE_CONCURRENCY:-2}"

command -v python3 >/dev/null 2>&1 || { echo "make mutate needs python3 (it reads Stryker's JSON report): install it, e.g. apt-get install python3" >&2; exit 1; }
mkdir -p "$out_root"
# One mutation run per clone at a time: a second one would rebuild the same projects under the first.
exec 9>"$out_root/.lock"
flock -n 9 || { echo "another 'make mutate' is running in this clone" >&2; exit 1; }

dotnet tool restore >/dev/null

run_target() {
  local target=$1 project tests key folders="" mutate=()
  case "$target" in
    sync)
      project=src/AcumaticaZendesk.Sync tests=tests/AcumaticaZendesk.Sync.UnitTests key=$project folders=$project
      mutate=("**/*.cs") ;;
    sync/root)
      # Every .cs file, minus each folder of the project: what is left are the files at its top level.
      project=src/AcumaticaZendesk.Sync tests=tests/AcumaticaZendesk.Sync.UnitTests key="$project (root files)"
      mutate=("**/*.cs")
      local dir
      for dir in "$project"/*/; do mutate+=("!**/$(basename "$dir")/**/*.cs"); done ;;
    sync/*)
      local folder=${target#sync/}
      project=src/AcumaticaZendesk.Sync tests=tests/AcumaticaZendesk.Sync.UnitTests key="$project/$folder"
      [ -d "$key" ] || { echo "no folder $key" >&2; return 1; }
      mutate=("**/$folder/**/*.cs") ;;
    webhooks)
      project=src/AcumaticaZendesk.Zendesk tests=tests/AcumaticaZendesk.Zendesk.IntegrationTests key=$project/Webhooks
      mutate=("**/Webhooks/**/*.cs") ;;
    zendesk-jobs)
      project=src/AcumaticaZendesk.Zendesk tests=tests/AcumaticaZendesk.Zendesk.IntegrationTests key=$project/Jobs
      mutate=("**/Jobs/**/*.cs") ;;
    acumatica-reading)
      project=src/AcumaticaZendesk.Acumatica tests=tests/AcumaticaZendesk.Acumatica.IntegrationTests key=$project/Reading
      mutate=("**/Reading/**/*.cs") ;;
    *) echo "unknown target '$target' (see the head of scripts/mutate.sh)" >&2; return 1 ;;
  esac

  local out="$out_root/${target//\//-}"
  rm -rf "$out"
  mkdir -p "$out/tmp"
  local globs=()
  for m in "${mutate[@]}"; do globs+=(--mutate "$m"); done
  echo "== mutation testing $key with $tests (concurrency $concurrency)"
  # Stryker analyses the projects with Buildalyzer, which needs them restored and built (a fresh clone has neither).
  dotnet build "$tests/$(basename "$tests").csproj" -c Release --nologo -v quiet
  # TMPDIR of its own: the MTP runner keeps its active-mutant and coverage files in the temp folder under fixed
  # names, so two Stryker runs on one machine (other clones, other targets) must not share it.
  # On a loaded machine Stryker 5.1.0 can stop at once with "Could not find build environment" (its probe of the SDK
  # did not answer in time): that start is tried again, up to three times; any other failure stops the target.
  local attempt
  for attempt in 1 2 3; do
    if (cd "$project" && TMPDIR="$out/tmp" dotnet dotnet-stryker \
        --config-file "$root/mutation/stryker-config.json" \
        --test-project "$root/$tests/$(basename "$tests").csproj" \
        --concurrency "$concurrency" --output "$out" --skip-version-check "${globs[@]}") 2>&1 | tee "$out/stryker.log"; then
      break
    fi
    grep -q "Could not find build environment" "$out/stryker.log" && [ "$attempt" -lt 3 ] || return 1
    echo "== Stryker did not find the build environment (a loaded machine); trying again ($attempt of 3)"
  done
  rm -rf "$out/tmp"
  python3 scripts/mutation-summary.py "$out/reports/mutation-report.json" "$out_root/summary.json" "$key" ${folders:+--folders "$folders"}
}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(sync webhooks zendesk-jobs acumatica-reading)
for target in "${targets[@]}"; do
  run_target "$target"
done
echo "summary: artifacts/mutation/summary.json"
