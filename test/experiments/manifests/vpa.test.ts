// autoscaling.k8s.io/v1 VerticalPodAutoscaler: every spec field loaded unchanged, and what the CRD
// schema and the VPA webhook's ValidateVPA reject, each at its file:line and field.
import t from "tap";
import { formatDiagnostic, loadManifestText } from "../../../experiments/manifests/decode.js";
import type { StoredVerticalPodAutoscaler } from "../../../models/vpa/object.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture, HEADER } from "../scenario/helpers.js";

const VPA = `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  targetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  updatePolicy:
    updateMode: InPlaceOrRecreate
    minReplicas: 1
  resourcePolicy:
    containerPolicies:
    - containerName: app
      mode: Auto
      minAllowed: {cpu: 50m, memory: 64Mi}
      maxAllowed: {cpu: "2", memory: 1Gi}
      controlledResources: [cpu]
      controlledValues: RequestsOnly
    - containerName: "*"
      mode: "Off"
  recommenders:
  - name: default
`;

t.test("every field is loaded as written", async (t) => {
  const r = loadManifestText(VPA, "vpa.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings, []);
  const vpa = r.objects[0] as unknown as StoredVerticalPodAutoscaler;
  t.equal(vpa.kind, "VerticalPodAutoscaler");
  t.equal(vpa.metadata.namespace, "shop");
  t.strictSame(vpa.spec.targetRef, { kind: "Deployment", name: "web", apiVersion: "apps/v1" });
  t.strictSame(vpa.spec.updatePolicy, { updateMode: "InPlaceOrRecreate", minReplicas: 1 });
  t.strictSame(vpa.spec.resourcePolicy!.containerPolicies, [
    // Quantities are exact milli-units: 50m = 50, 64Mi = 64·2^20·1000.
    { containerName: "app", mode: "Auto", minAllowed: { cpu: 50n, memory: 67108864000n }, maxAllowed: { cpu: 2000n, memory: 1073741824000n }, controlledResources: ["cpu"], controlledValues: "RequestsOnly" },
    { containerName: "*", mode: "Off", minAllowed: null, maxAllowed: null, controlledResources: null, controlledValues: null },
  ]);
  t.strictSame(vpa.spec.recommenders, ["default"]);
  t.strictSame(vpa.status, { recommendation: null, conditions: [] }, "the status is the recommender's to write");
});

t.test("no updatePolicy and no resourcePolicy stay unset (GetUpdateMode reads Recreate)", async (t) => {
  const r = loadManifestText(VPA.replace(/ {2}updatePolicy:[\s\S]*$/, ""), "vpa.yaml");
  t.strictSame(r.errors, []);
  const vpa = r.objects[0] as unknown as StoredVerticalPodAutoscaler;
  t.equal(vpa.spec.updatePolicy, null);
  t.equal(vpa.spec.resourcePolicy, null);
  t.strictSame(vpa.spec.recommenders, []);
});

t.test("what the CRD schema and ValidateVPA reject, each at its line and field", async (t) => {
  const bad = VPA.replace("updateMode: InPlaceOrRecreate", "updateMode: Sometimes")
    .replace("minReplicas: 1", "minReplicas: 0")
    .replace('maxAllowed: {cpu: "2", memory: 1Gi}', "maxAllowed: {cpu: 20m, memory: 1Gi}")
    .replace('mode: "Off"', 'mode: "Off"\n      controlledValues: RequestsAndLimits')
    .replace("  - name: default\n", "  - name: default\n  - name: other\n");
  const r = loadManifestText(bad, "vpa.yaml");
  t.strictSame(r.objects, [], "nothing half-loaded");
  t.strictSame(r.errors.map(formatDiagnostic), [
    'vpa.yaml:12 spec.updatePolicy.updateMode: Unsupported value: "Sometimes": supported values: "Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"',
    "vpa.yaml:13 spec.updatePolicy.minReplicas: expected an integer ≥ 1, got 0",
    "vpa.yaml:19 spec.resourcePolicy.containerPolicies[0].maxAllowed.cpu: max resource for cpu is lower than min",
    "vpa.yaml:24 spec.resourcePolicy.containerPolicies[1].controlledValues: controlledValues shouldn't be specified if container scaling mode is off",
    "vpa.yaml:25 spec.recommenders: the current version of VPA object shouldn't specify more than one recommenders",
  ]);
});

t.test("a missing targetRef is an error; a wrong apiVersion names the one kubesim reads", async (t) => {
  const r = loadManifestText(VPA.replace(/ {2}targetRef:\n(.*\n){3}/, ""), "vpa.yaml");
  t.strictSame(r.errors.map(formatDiagnostic), ["vpa.yaml:6 spec.targetRef: Required value: targetRef is required. If you're using v1beta1 version of the API, please migrate to v1"]);
  const v1beta2 = loadManifestText(VPA.replace("autoscaling.k8s.io/v1", "autoscaling.k8s.io/v1beta2"), "vpa.yaml");
  t.strictSame(v1beta2.errors.map(formatDiagnostic), ['vpa.yaml:1 apiVersion: no matches for kind "VerticalPodAutoscaler" in version "autoscaling.k8s.io/v1beta2" (kubesim reads autoscaling.k8s.io/v1)']);
});

t.test("a targetRef the manifests do not define is a warning, as a real cluster accepts it", async (t) => {
  const f = fixture({
    "vpa.yaml": VPA.replace("  namespace: shop\n", "").replace("name: web\n  updatePolicy", "name: webb\n  updatePolicy"),
    "app.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: app, image: x, resources: {requests: {cpu: 100m, memory: 256Mi}}}]
`,
    "s.yaml": `${HEADER}metadata: {name: v}
duration: 1m
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
manifests: [app.yaml, vpa.yaml]
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  t.strictSame(loaded.warnings.map(formatDiagnostic), [
    `${f.file("vpa.yaml")}:9 spec.targetRef.name: Deployment "default/webb" not found in the manifests (did you mean "web"?); the VPA will report ConfigUnsupported (Cannot read targetRef) and recommend nothing`,
  ]);
});

t.test("components.vpa: every flag with upstream's default, bad values at their key", async (t) => {
  const scenario = `${HEADER}metadata: {name: v}
duration: 1m
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
components:
  vpa: {minReplicas: 1, evictionTolerance: 0.25, recommenderInterval: 30s, targetCpuPercentile: 1.5}
`;
  const f = fixture({ "s.yaml": scenario });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), [`${f.file("s.yaml")}:7 components.vpa.targetCpuPercentile: expected a fraction between 0 and 1, got 1.5`]);
  const good = fixture({ "s.yaml": scenario.replace(", targetCpuPercentile: 1.5", "") });
  const ok = loadScenario(good.file("s.yaml"));
  t.strictSame(ok.errors, []);
  t.strictSame(ok.config!.components.vpa, { minReplicas: 1, evictionTolerance: 0.25, recommenderInterval_ms: 30_000 });
});
