#!/usr/bin/env bash
# Compiles the Azure Container Apps Bicep with the Bicep CLI from NuGet and fails on ANY
# diagnostic (Bicep reports type mistakes as warnings with exit code 0) or on unformatted files.
# Offline apart from NuGet. Output: artifacts/bicep/. Called by `make ci`.
#   deploy/scripts/bicep-build.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
src="$root/deploy/azure-container-apps"
tools="$root/deploy/tools/bicep.proj"
out="$root/artifacts/bicep"

dotnet restore "$tools" --nologo --verbosity quiet
bicep="$(dotnet msbuild "$tools" -getProperty:BicepPath -nologo | tr -d '[:space:]')"
if [[ ! -f "$bicep" ]]; then
  echo "bicep-build: Bicep CLI not found at '$bicep' after restoring $tools" >&2
  exit 1
fi
[[ -x "$bicep" ]] || chmod u+x "$bicep"
echo "bicep-build: $("$bicep" --version)"

mkdir -p "$out"
diagnostics="$(mktemp)"
trap 'rm -f "$diagnostics"' EXIT

# --no-restore: only local modules are used, and it skips the registry lookup of aka.ms.
"$bicep" build "$src/main.bicep" --no-restore --outdir "$out" 2>>"$diagnostics"
"$bicep" build-params "$src/main.example.bicepparam" --no-restore \
  --outfile "$out/main.example.parameters.json" 2>>"$diagnostics"

unformatted=0
while IFS= read -r -d '' file; do
  if ! "$bicep" format --stdout "$file" | diff -q "$file" - >/dev/null; then
    echo "bicep-build: not formatted: ${file#"$root"/} (run: bicep format <file>)" >>"$diagnostics"
    unformatted=1
  fi
done < <(find "$src" \( -name '*.bicep' -o -name '*.bicepparam' \) -print0)

if [[ -s "$diagnostics" ]]; then
  echo "bicep-build: FAILED, diagnostics (warnings count as errors):" >&2
  cat "$diagnostics" >&2
  exit 1
fi
echo "bicep-build: OK, no diagnostics -> ${out#"$root"/}/main.json"
exit "$unformatted"
