#!/usr/bin/env bash
# Re-adds every project under src/, tests/ and bench/ to AcumaticaZendesk.sln (idempotent);
# handy after a merge conflict in the solution file: take either side, then run this.
set -euo pipefail
cd "$(dirname "$0")/.."
for folder in src tests bench; do
  [ -d "$folder" ] || continue
  find "$folder" -mindepth 2 -maxdepth 2 -name '*.csproj' -print0 | sort -z |
    xargs -0 -r -n1 dotnet sln AcumaticaZendesk.sln add --solution-folder "$folder" >/dev/null
done
