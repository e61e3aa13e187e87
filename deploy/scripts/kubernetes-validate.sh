#!/usr/bin/env bash
# Renders every Kustomize overlay and schema-checks the built-in objects, offline apart from npm.
# Needs kubectl (for `kubectl kustomize`) and Node.js >= 20. Output: artifacts/kubernetes/<overlay>.yaml
#   deploy/scripts/kubernetes-validate.sh
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tools="$root/.tools/k8s-validate"
out="$root/artifacts/kubernetes"

command -v kubectl >/dev/null || { echo "kubernetes-validate: kubectl is required (kubectl kustomize)" >&2; exit 1; }
command -v npm >/dev/null || { echo "kubernetes-validate: Node.js/npm is required" >&2; exit 1; }

if [[ ! -d "$tools/node_modules/kubernetes-models" ]]; then
  mkdir -p "$tools"
  (cd "$tools" && echo '{"private":true,"type":"module"}' > package.json \
    && npm install --silent --no-audit --no-fund kubernetes-models@5.1.0 yaml@2 >/dev/null)
fi
cp "$root/deploy/scripts/validate-k8s-schemas.mjs" "$tools/"

mkdir -p "$out"
rendered=()
for overlay in "$root"/deploy/kubernetes/overlays/*/; do
  name="$(basename "$overlay")"
  kubectl kustomize "$overlay" > "$out/$name.yaml"
  rendered+=("$out/$name.yaml")
done
node "$tools/validate-k8s-schemas.mjs" "${rendered[@]}" "$root/deploy/kubernetes/secret.example.yaml"
echo "kubernetes-validate: OK (${#rendered[@]} overlays rendered to ${out#"$root"/})"
