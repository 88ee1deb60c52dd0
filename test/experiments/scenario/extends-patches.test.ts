// `extends` layers a scenario over a base; `patches` edit the base's manifests as written
// (strategic-merge-like or RFC 6902), before they are decoded.
import t from "tap";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Deployment } from "../../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../../models/hpa/controller.js";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { jsonPatch, loadScenario, strategicMerge } from "../../../experiments/scenario/index.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const dir = path.join(root, "experiments/scenarios/php-apache");

t.test("tuned.yaml: the php-apache scenario with a scale-down behavior", async (t) => {
  const base = loadScenario(path.join(dir, "scenario.yaml"));
  const tuned = loadScenario(path.join(dir, "tuned.yaml"));
  t.strictSame(tuned.errors, []);
  t.equal(tuned.scenario.name, "php-apache-tuned");
  t.strictSame(tuned.scenario.files, ["tuned.yaml", "scenario.yaml", "php-apache.yaml", "hpa.yaml"].map((f) => path.join(dir, f)));
  const hpa = tuned.config!.objects[2] as unknown as StoredHorizontalPodAutoscaler;
  t.strictSame(hpa.spec.behavior, {
    scaleUp: null,
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: null, policies: [{ type: "Percent", value: 50, periodSeconds: 15 }], tolerance: null },
  });
  // Everything else is the base's.
  const baseHpa = base.config!.objects[2] as unknown as StoredHorizontalPodAutoscaler;
  t.strictSame({ ...hpa.spec, behavior: null }, baseHpa.spec);
  t.strictSame({ ...tuned.config!, objects: [] }, { ...base.config!, objects: [], traffic: tuned.config!.traffic });
  t.strictSame(tuned.config!.objects.slice(0, 2), base.config!.objects.slice(0, 2));
});

t.test("extends: the derived file's fields win; components and outputs merge per key", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "base.yaml": `${HEADER}metadata: {name: base, description: the base}
seed: 3
duration: 1h
cluster: {nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]}
manifests: [web.yaml]
apps: [{name: web, deployments: [web], cpuPerRequest: 5ms}]
load: [{service: web, profile: {type: constant, rps: 10}}]
components:
  hpa: {syncPeriod: 30s, tolerance: 0.2}
  kubelet: {imagePull: {nginx: 3s}}
outputs: {sampleInterval: 10s}
`,
    "variant.yaml": `${HEADER}metadata: {name: variant}
extends: base.yaml
duration: 2h
components:
  hpa: {tolerance: 0.05}
  kubelet: {imagePull: {redis: 4s}}
outputs: {slo: {latencyP95: 200ms}}
`,
  });
  const loaded = loadScenario(f.file("variant.yaml"));
  t.strictSame(loaded.errors, []);
  const c = loaded.config!;
  t.equal(loaded.scenario.name, "variant");
  t.equal(loaded.scenario.description, "the base");
  t.equal(c.seed, 3);
  t.equal(c.duration_ms, 7_200_000);
  t.equal(c.sampleInterval_ms, 10_000);
  t.equal(loaded.scenario.slo.latencyP95_ms, 200);
  t.strictSame(c.components, { hpa: { syncPeriod_ms: 30_000, tolerance: 0.05 }, kubelet: { imagePull_ms: { nginx: 3000, redis: 4000 } } });
  t.equal(c.apps[0].cpuPerRequest_mcore_s, 5);
  t.equal(c.traffic[0].profile.rateAt(0), 10);
  t.strictSame(loaded.scenario.files, [f.file("variant.yaml"), f.file("base.yaml"), f.file("web.yaml")]);
});

t.test("strategic-merge and JSON patches on the base's objects", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "extra.yaml": `apiVersion: v1\nkind: Service\nmetadata: {name: extra}\nspec:\n  selector: {app: web}\n  ports: [{port: 8080}]\n`,
    "base.yaml": `${HEADER}metadata: {name: base}
duration: 1h
cluster: {nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]}
manifests: [web.yaml, extra.yaml]
patches:
  - target: {kind: Deployment, name: web}
    patch: {spec: {replicas: 2}}
`,
    "s.yaml": `${HEADER}extends: base.yaml
metadata: {name: patched}
patches:
  - target: {kind: Deployment, name: web}
    jsonPatch:
      - {op: test, path: /spec/replicas, value: 2}
      - {op: replace, path: /spec/template/spec/containers/0/resources/limits/cpu, value: "1"}
      - {op: add, path: /spec/template/metadata/labels/tier, value: web}
      - {op: remove, path: /spec/template/spec/containers/0/resources/requests/memory}
  - target: {kind: HorizontalPodAutoscaler, name: web, namespace: default}
    patch:
      spec:
        minReplicas: 2
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
        behavior: {scaleDown: {stabilizationWindowSeconds: 60}}
  - target: {kind: Service, name: extra}
    patch: {$patch: delete}
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), []);
  const objects = loaded.config!.objects;
  t.strictSame(objects.map((o) => `${o.kind}/${o.metadata.name}`), ["Deployment/web", "Service/web", "HorizontalPodAutoscaler/web"]);
  const deployment = objects[0] as unknown as Deployment;
  t.equal(deployment.spec.replicas, 2);
  t.strictSame(deployment.spec.template.metadata.labels, { app: "web", tier: "web" });
  t.strictSame(deployment.spec.template.spec.containers[0].resources, { requests: { cpu_mcores: 250 }, limits: { cpu_mcores: 1000 } });
  const hpa = objects[2] as unknown as StoredHorizontalPodAutoscaler;
  t.equal(hpa.spec.minReplicas, 2);
  t.equal(hpa.spec.metrics[0].resource!.target.averageUtilization_percent, 80);
  t.equal(hpa.spec.behavior!.scaleDown!.stabilizationWindowSeconds, 60);
});

t.test("a decode error in a patched value names the patch", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    "s.yaml": `${HEADER}metadata: {name: bad-patch}
duration: 1h
cluster: {nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]}
manifests: [web.yaml]
patches:
  - target: {kind: Deployment, name: web}
    jsonPatch: [{op: replace, path: /spec/template/spec/containers/0/resources/limits/cpu, value: lots}]
`,
  });
  t.strictSame(loadScenario(f.file("s.yaml")).errors.map(formatDiagnostic), [
    `${f.file("web.yaml")}:17 spec.template.spec.containers[0].resources.limits.cpu: expected a quantity such as 500m, 2, 1.5Gi or 128Mi, got "lots" (value set by the patch at ${f.file("s.yaml")}:8)`,
  ]);
});

t.test("strategicMerge: maps merge, lists replace, null and $patch delete", async (t) => {
  const target = { a: { b: 1, c: [1, 2], d: { e: 1 } }, f: "x" };
  const r = strategicMerge(target, { a: { b: 2, c: [3], d: { $patch: "delete" } }, f: null, g: { $patch: "replace", h: 1 } });
  t.strictSame(r.value, { a: { b: 2, c: [3] }, g: { h: 1 } });
  t.strictSame(r.problems, []);
  t.strictSame(r.touched, [["a", "b"], ["a", "c"], ["a", "d"], ["f"], ["g"]]);
  t.strictSame(target, { a: { b: 1, c: [1, 2], d: { e: 1 } }, f: "x" }, "the target is not modified");
  t.equal(strategicMerge(target, { $patch: "delete" }).value, null);
  t.strictSame(strategicMerge(target, { a: { $patch: "remove" } }).problems, [{ path: ["a", "$patch"], message: 'Unsupported value: "remove": supported values: "delete", "replace", "merge"' }]);
});

t.test("jsonPatch: RFC 6902 add/remove/replace/test with RFC 6901 pointers", async (t) => {
  const doc = { spec: { list: [1, 2], "a/b": { "c~d": 1 } } };
  const r = jsonPatch(doc, [
    { op: "add", path: "/spec/list/-", value: 3 },
    { op: "add", path: "/spec/list/0", value: 0 },
    { op: "remove", path: "/spec/list/1" },
    { op: "replace", path: "/spec/a~1b/c~0d", value: 2 },
    { op: "test", path: "/spec/list", value: [0, 2, 3] },
  ]);
  t.strictSame(r.value, { spec: { list: [0, 2, 3], "a/b": { "c~d": 2 } } });
  t.strictSame(r.problems, []);
  const bad = jsonPatch(doc, [
    { op: "replace", path: "/spec/missing/x", value: 1 },
    { op: "remove", path: "/spec/list/5" },
    { op: "test", path: "/spec/list/0", value: 9 },
  ]);
  t.strictSame(bad.problems, [
    { path: [0, "path"], message: 'Invalid value: "/spec/missing/x": /spec has no field "missing"' },
    { path: [1, "path"], message: 'Invalid value: "/spec/list/5": /spec/list has no element 5 (it has 2)' },
    { path: [2, "value"], message: "test failed: /spec/list/0 is 1, expected 9" },
  ]);
});
