#!/usr/bin/env bash
# The line cap of .editorconfig (max_line_length in the [*.cs] section), which dotnet format does not check:
# lists every C# line longer than it (tracked files and new ones git does not ignore) and fails when there is one. Part of `make format-check` and `make ci`.
set -euo pipefail
cd "$(dirname "$0")/.."
max=$(awk '/^\[/ { cs = ($0 == "[*.cs]") } cs && $1 == "max_line_length" { print $3 }' .editorconfig)
[ -n "$max" ] || { echo ".editorconfig has no max_line_length in its [*.cs] section" >&2; exit 1; }
# grep counts characters, not bytes, in a UTF-8 locale (C.UTF-8 is on every Debian image).
long=$(git ls-files -z --cached --others --exclude-standard '*.cs' | LC_ALL=C.UTF-8 xargs -0 grep -nE "^.{$((max + 1)),}" || true)
if [ -n "$long" ]; then
  printf '%s\n' "$long" | cut -c1-200
  echo "$(printf '%s\n' "$long" | wc -l) C# line(s) longer than $max characters (.editorconfig max_line_length): wrap them" >&2
  exit 1
fi
echo "line length: no C# line longer than $max characters"
