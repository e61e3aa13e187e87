// Validates every built-in Kubernetes object in the given YAML files against the Kubernetes
// OpenAPI schemas (npm kubernetes-models: types, required fields, enums, string-only annotations).
// Dapr kinds (dapr.io/*) have no schema here; the Deploy unit tests check them.
import { parseAllDocuments } from "yaml";
import { readFileSync } from "node:fs";

let failures = 0;
for (const file of process.argv.slice(2)) {
  for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
    const obj = doc.toJS();
    if (!obj) continue;
    const id = `${file}: ${obj.kind}/${obj.metadata?.name}`;
    const [group, version] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [null, obj.apiVersion];
    let mod;
    try {
      mod = await import(`kubernetes-models/${group ? group + "/" : ""}${version}`);
    } catch {
      console.log(`skip ${id} (custom resource)`);
      continue;
    }
    try {
      new mod[obj.kind](obj).validate();
      console.log(`ok   ${id}`);
    } catch (e) {
      failures++;
      console.error(`FAIL ${id}: ${e.message}`);
    }
  }
}
process.exit(failures ? 1 : 0);
