// Messages for the mistakes a new user makes with public manifests, each with its exact text:
// a kustomization or a Helm chart template listed as a manifest, a name in another namespace,
// an HPA on pods without the request its utilization is relative to, v2 fields on a v1 HPA.
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { runScenario } from "../../../experiments/runner.js";
import { fixture, HEADER, WEB_MANIFESTS } from "./helpers.js";

const scenario = (manifests: string, rest = "") => `${HEADER}metadata: {name: s}
duration: 10m
cluster:
  nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]
manifests: [${manifests}]
${rest}`;

const load = (files: Record<string, string>) => {
  const f = fixture(files);
  const loaded = loadScenario(f.file("scenario.yaml"));
  return { f, errors: loaded.errors.map(formatDiagnostic), warnings: loaded.warnings.map(formatDiagnostic) };
};

t.test("a Kustomization listed as a manifest: build it with kubectl kustomize", async (t) => {
  const { f, errors } = load({
    "scenario.yaml": scenario("kustomization.yaml"),
    "kustomization.yaml": "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources: [web.yaml]\n",
  });
  t.strictSame(errors, [`${f.file("kustomization.yaml")}:2 kind: a Kustomization is not a manifest: run \`kubectl kustomize ${f.dir} > out.yaml\` and list out.yaml in manifests`]);
});

t.test("a raw Helm template listed as a manifest: one error at its first {{, not a screen of YAML errors", async (t) => {
  const { f, errors } = load({
    "scenario.yaml": scenario("deployment.yaml"),
    "deployment.yaml": "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"podinfo.fullname\" . }}\n  labels:\n    {{- include \"podinfo.labels\" . | nindent 4 }}\n",
  });
  t.strictSame(errors, [`${f.file("deployment.yaml")}:4: a raw Helm template ({{ ... }}), not a manifest: run \`helm template RELEASE CHART > out.yaml\` and list out.yaml in manifests`]);
});

t.test("a quoted {{ ... }} value is an ordinary string, not a template", async (t) => {
  const annotated = WEB_MANIFESTS.replace("metadata:\n  name: web\nspec:\n  selector", 'metadata:\n  name: web\n  annotations: {note: "{{ not a template }}"}\nspec:\n  selector');
  t.not(annotated, WEB_MANIFESTS, "fixture changed");
  const { errors } = load({ "scenario.yaml": scenario("web.yaml"), "web.yaml": annotated });
  t.strictSame(errors, []);
});

t.test("a name not found in its namespace suggests the namespace it is in", async (t) => {
  const namespaced = WEB_MANIFESTS.replace(/metadata:\n  name: web\n/g, "metadata:\n  name: web\n  namespace: webapp\n");
  const { f, errors, warnings } = load({
    "scenario.yaml": scenario("web.yaml", "apps: [{name: web, deployments: [web]}]\nload: [{service: webapp/web, profile: {type: constant, rps: 1}}]\n"),
    "web.yaml": namespaced,
  });
  t.strictSame(errors, [`${f.file("scenario.yaml")}:8 apps[0].deployments[0]: Deployment "default/web" not found in the manifests (did you mean "webapp/web"?)`]);
  t.strictSame(warnings, []);
});

t.test("an HPA on CPU utilization over pods without a CPU request is reported before any run", async (t) => {
  // Without a limit too: the API server defaults a missing request to the limit.
  const noRequest = WEB_MANIFESTS.replace("requests: {cpu: 250m, memory: 128Mi}\n          limits: {cpu: 500m}", "requests: {memory: 128Mi}");
  t.not(noRequest, WEB_MANIFESTS, "fixture changed");
  const { f, errors, warnings } = load({ "scenario.yaml": scenario("web.yaml"), "web.yaml": noRequest });
  t.strictSame(errors, []);
  t.strictSame(warnings, [
    `${f.file("web.yaml")}:34 spec.metrics[0]: scales on cpu utilization, but container "web" of Deployment "default/web" has no cpu request; the HPA will report FailedGetResourceMetric (missing request for cpu) and not scale: set resources.requests.cpu`,
  ]);
  // With the request there is nothing to report.
  t.strictSame(load({ "scenario.yaml": scenario("web.yaml"), "web.yaml": WEB_MANIFESTS }).warnings, []);
});

t.test("an autoscaling/v1 HPA: no request is reported at its target; behavior (also from a patch) is an error naming autoscaling/v2", async (t) => {
  const v1 = `${WEB_MANIFESTS.slice(0, WEB_MANIFESTS.indexOf("apiVersion: autoscaling/v2"))}apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
  targetCPUUtilizationPercentage: 60
`;
  const { f, errors, warnings } = load({
    "scenario.yaml": scenario("web.yaml", "patches:\n  - target: {kind: HorizontalPodAutoscaler, name: web}\n    patch: {spec: {behavior: {scaleDown: {stabilizationWindowSeconds: 0}}}}\n"),
    "web.yaml": v1.replace("requests: {cpu: 250m, memory: 128Mi}\n          limits: {cpu: 500m}", "requests: {memory: 128Mi}"),
  });
  t.strictSame(errors, [
    `${f.file("web.yaml")}:30 spec.behavior: behavior is not a field of autoscaling/v1; write apiVersion: autoscaling/v2 to use it (value set by the patch at ${f.file("scenario.yaml")}:9)`,
  ]);
  t.strictSame(warnings, []);
  const unpatched = load({ "scenario.yaml": scenario("web.yaml"), "web.yaml": v1.replace("requests: {cpu: 250m, memory: 128Mi}\n          limits: {cpu: 500m}", "requests: {memory: 128Mi}") });
  t.strictSame(unpatched.warnings, [
    `${unpatched.f.file("web.yaml")}:33 spec.targetCPUUtilizationPercentage: scales on cpu utilization, but container "web" of Deployment "default/web" has no cpu request; the HPA will report FailedGetResourceMetric (missing request for cpu) and not scale: set resources.requests.cpu`,
  ]);
});

t.test("a ReplicationController listed under an app's deployments: a warning, and its pods run the app", async (t) => {
  const f = fixture({
    "rc.yaml": `apiVersion: v1
kind: ReplicationController
metadata: {name: guestbook}
spec:
  replicas: 2
  selector: {app: guestbook}
  template:
    metadata: {labels: {app: guestbook}}
    spec:
      containers: [{name: guestbook, image: guestbook, resources: {requests: {cpu: 100m}}}]
`,
    "s.yaml": `${HEADER}metadata: {name: rc}
duration: 1m
cluster: {nodeGroups: [{name: p, count: 1, cpu: "4", memory: 8Gi}]}
manifests: [rc.yaml]
apps: [{name: guestbook, deployments: [guestbook], cpuPerRequest: 20ms}]
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  t.match(loaded.warnings.map(formatDiagnostic).join("\n"), /s\.yaml:7 apps\[0\]\.deployments\[0\]: "default\/guestbook" is a ReplicationController, not a Deployment; its pods run app "guestbook"/);
  const rc = loaded.config!.objects.find((o) => o.kind === "ReplicationController") as unknown as { spec: { template: { metadata: { annotations: Record<string, string> } } } };
  t.equal(rc.spec.template.metadata.annotations["sim.kubesim.io/app"], "guestbook");
  const output = runScenario(loaded.config!, { name: "rc", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  t.equal(output.summary.replicas_mean, 2, "its replicas count in the summary");
});
