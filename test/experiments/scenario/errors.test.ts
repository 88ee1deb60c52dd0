// Every problem of a scenario, its bases, manifests and traces at once, each as
// `file:line path: message`; warnings for what a real cluster would accept and then report.
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

t.test("all errors at once, in file and line order", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS,
    // base.yaml extends the scenario back: a cycle.
    "base.yaml": `${HEADER}extends: scenario.yaml\nseed: 2\n`,
    "scenario.yaml": `${HEADER}metadata:
  name: broken
extends: base.yaml
duration: 30 minutes
cluster:
  nodeGroups:
    - {name: pool, count: 2, cpu: "4", memory: 16Gi}
manifests: [web.yaml, missing.yaml]
patches:
  - target: {kind: Deployment, name: web}
    jsonPatch:
      - {op: replace, path: /spec/template/spec/containers/1/image, value: "nginx:2"}
apps:
  - name: web
    deployments: [web, api]
load:
  - service: wbe
    profile: {type: constant, rps: -5}
components:
  metricsServer: {metricResolutoin: 30s}
  hpa: {syncPeriod: 0s}
`,
  });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  const s = f.file("scenario.yaml");
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${s}:6 duration: expected a duration such as 15s, 1m30s or 500ms, got "30 minutes"`,
    `${s}:10 manifests[1]: cannot read manifest file "${f.file("missing.yaml")}": no such file`,
    `${s}:14 patches[0].jsonPatch[0].path: Invalid value: "/spec/template/spec/containers/1/image": /spec/template/spec/containers has no element 1 (it has 1)`,
    `${s}:17 apps[0].deployments[1]: Deployment "default/api" not found in the manifests`,
    `${s}:19 load[0].service: Service "default/wbe" not found in the manifests (did you mean "web"?)`,
    `${s}:20 load[0].profile.rps: expected a number ≥ 0 (requests/s), got -5`,
    `${s}:22 components.metricsServer.metricResolutoin: unknown field "metricResolutoin" (did you mean "metricResolution"?)`,
    `${s}:23 components.hpa.syncPeriod: expected a period of at least 100ms, got "0s"`,
    `${f.file("base.yaml")}:3 extends: extends cycle: ${s} -> ${f.file("base.yaml")} -> ${s}`,
  ]);
  t.strictSame(loaded.warnings, []);
  // The files read, for the run manifest's hash: a missing one is not among them.
  t.strictSame(loaded.scenario.files, [s, f.file("base.yaml"), f.file("web.yaml")]);
});

t.test("top-level and nested keys are checked; required fields after the chain is merged", async (t) => {
  const f = fixture({
    "s.yaml": `apiVersion: kubesim.io/v1beta1
kind: Scenario
metadata: {name: Bad_Name, descripton: x}
durration: 1m
cluster:
  nodeGroups:
    - {name: pool, count: -1, cpu: 4 cores, memory: 16Gi, maxpods: 10}
    - {name: pool, count: 1, cpu: "4", memory: 16Gi, taints: [{key: a, effect: NoWhere}]}
apps: [{name: web, cpuPerRequest: 0ms, baselineCpu: "0"}]
load:
  - service: web
    profile: {type: sine, mean: 1, amplitude: 2, period: 0s}
  - service: web
    profile: {type: zigzag}
  - service: web
    profile: {type: step, steps: [{at: 2m, rps: 1}, {at: 1m, rps: 2}]}
`,
  });
  const s = f.file("s.yaml");
  t.strictSame(loadScenario(s).errors.map(formatDiagnostic), [
    `${s}:1 apiVersion: Unsupported value: "kubesim.io/v1beta1": supported values: "kubesim.io/v1alpha1"`,
    `${s}:1 duration: Required value`,
    `${s}:3 metadata.descripton: unknown field "descripton" (did you mean "description"?)`,
    `${s}:3 metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    `${s}:4 durration: unknown field "durration" (did you mean "duration"?)`,
    `${s}:7 cluster.nodeGroups[0].maxpods: unknown field "maxpods" (did you mean "maxPods"?)`,
    `${s}:7 cluster.nodeGroups[0].count: expected an integer ≥ 0, got -1`,
    `${s}:7 cluster.nodeGroups[0].cpu: expected a quantity such as 500m, 2, 1.5Gi or 128Mi, got "4 cores"`,
    `${s}:8 cluster.nodeGroups[1].taints[0].effect: Unsupported value: "NoWhere": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"`,
    `${s}:9 apps[0].cpuPerRequest: expected a CPU time > 0, got "0ms"`,
    `${s}:9 apps[0].baselineCpu: expected a quantity > 0, got "0"`,
    `${s}:11 load[0].service: Service "default/web" not found in the manifests (the manifests define no Service)`,
    `${s}:12 load[0].profile.period: expected a duration > 0, got "0s"`,
    `${s}:13 load[1].service: Service "default/web" not found in the manifests (the manifests define no Service)`,
    `${s}:14 load[1].profile.type: Unsupported value: "zigzag": supported values: "constant", "step", "ramp", "sine", "diurnal", "spikes", "poissonSpikes", "trace", "users"`,
    `${s}:15 load[2].service: Service "default/web" not found in the manifests (the manifests define no Service)`,
    `${s}:16 load[2].profile.steps[1].at: must be after steps[0].at`,
  ]);
});

t.test("trace files, manifest errors and patch targets are reported in their own files", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS + `---\napiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec: {ports: [{port: 81}]}\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\nspec: {ports: [{port: 0}]}\n`,
    "trace.csv": "time_s,rps\n0,1\n5,-2\n",
    "s.yaml": `${HEADER}metadata: {name: t}
duration: 1m
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
manifests: [web.yaml]
patches:
  - target: {kind: Deployment, name: api}
    patch: {spec: {replicas: 2}}
load:
  - {service: web, profile: {type: trace, file: trace.csv}}
  - {service: other/web, profile: {type: trace, file: none.csv}}
`,
  });
  const s = f.file("s.yaml");
  t.strictSame(loadScenario(s).errors.map(formatDiagnostic), [
    `${s}:8 patches[0].target: no Deployment "api" in the manifests to patch (Deployment objects: "web")`,
    `${s}:12 load[1].service: Service "other/web" not found in the manifests (did you mean "web"?)`,
    `${s}:12 load[1].profile.file: cannot read trace file "${f.file("none.csv")}": no such file`,
    `${f.file("web.yaml")}:40 metadata.name: Duplicate value: Service "default/web" is already defined at line 22`,
    `${f.file("web.yaml")}:46 spec.ports[0].port: expected an integer between 1 and 65535, got 0`,
    `${f.file("trace.csv")}:3: rps must be a finite number >= 0, got -2`,
  ]);
});

t.test("warnings: a missing HPA target, a pod larger than any node", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS.replace("name: web}\n  maxReplicas", "name: webb}\n  maxReplicas").replace("{cpu: 250m, memory: 128Mi}", "{cpu: 250m, memory: 20Gi}"),
    "s.yaml": `${HEADER}metadata: {name: w}
duration: 1m
cluster: {nodeGroups: [{name: small, count: 1, cpu: "2", memory: 8Gi}, {name: large, count: 1, cpu: "8", memory: 16Gi}]}
manifests: [web.yaml]
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  t.ok(loaded.config !== null, "warnings do not stop a run");
  const w = f.file("web.yaml");
  t.strictSame(loaded.warnings.map(formatDiagnostic), [
    `${w}:12 spec.template.spec.containers: a pod requests cpu 250m, memory 20Gi, more than any node's allocatable (small: cpu 2, memory 8Gi; large: cpu 8, memory 16Gi); it will stay Pending with FailedScheduling`,
    `${w}:32 spec.scaleTargetRef.name: Deployment "default/webb" not found in the manifests (did you mean "web"?); the HPA will report FailedGetScale and not scale`,
  ]);
});

t.test("unreadable and malformed scenario files", async (t) => {
  const f = fixture({ "syntax.yaml": "apiVersion: [\n", "list.yaml": "- a\n", "two.yaml": `${HEADER}---\n${HEADER}` });
  t.strictSame(loadScenario(f.file("nope.yaml")).errors.map(formatDiagnostic), [`${f.file("nope.yaml")}: cannot read scenario file: no such file`]);
  t.match(loadScenario(f.file("syntax.yaml")).errors.map(formatDiagnostic), [new RegExp(`^${f.file("syntax.yaml")}:\\d+: YAML syntax error`)]);
  t.strictSame(loadScenario(f.file("list.yaml")).errors.map(formatDiagnostic), [
    `${f.file("list.yaml")}:1: expected a map with apiVersion: kubesim.io/v1alpha1 and kind: Scenario`,
  ]);
  // The first document is still checked.
  t.strictSame(loadScenario(f.file("two.yaml")).errors.map(formatDiagnostic), [
    `${f.file("two.yaml")}:1 metadata.name: Required value`,
    `${f.file("two.yaml")}:1 duration: Required value`,
    `${f.file("two.yaml")}:1 cluster: Required value`,
    `${f.file("two.yaml")}:4: a scenario file holds one YAML document, found 2`,
  ]);
  t.strictSame(loadScenario(f.file("missing-base.yaml")).config, null);
});

t.test("a missing base is reported at the extends line", async (t) => {
  const f = fixture({ "s.yaml": `${HEADER}extends: ../nowhere/base.yaml\n` });
  t.strictSame(loadScenario(f.file("s.yaml")).errors.map(formatDiagnostic), [
    `${f.file("s.yaml")}:3 extends: cannot read base scenario "${f.file("../nowhere/base.yaml")}": no such file`,
  ]);
});

t.test("warning: a Service selector matching no pod template", async (t) => {
  const f = fixture({
    "web.yaml": WEB_MANIFESTS.replace("selector: {app: web}\n  ports", "selector: {app: wbe}\n  ports"),
    "s.yaml": `${HEADER}metadata: {name: s}\nduration: 10m\ncluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}\nmanifests: [web.yaml]\n`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  t.strictSame(loaded.warnings.map(formatDiagnostic), [
    `${f.file("web.yaml")}:24 spec.selector: selector {"app":"wbe"} matches no pod template in the manifests; the Service will have no endpoints and its traffic will be dropped`,
  ]);
});
