// minReplicas 0 and the HPAScaleToZero feature gate (components.hpa.scaleToZero): the API
// server's validation messages, with file:line, and what passes.
import t from "tap";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture, HEADER } from "./helpers.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
      - {name: worker, image: busybox, resources: {requests: {cpu: 100m}}}
`;

const hpa = (metrics: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: worker}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 0
  maxReplicas: 5
  metrics:
${metrics}`;

const EXTERNAL = `  - type: External
    external:
      metric: {name: queue_messages_ready}
      target: {type: AverageValue, averageValue: "30"}
`;
const CPU = `  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
`;

const scenario = (components: string) => `${HEADER}metadata: {name: s2z}
duration: 5m
cluster:
  nodeGroups:
    - {name: pool, count: 1, cpu: "4", memory: 16Gi}
manifests: [app.yaml]
${components}`;

t.test("gate off: minReplicas 0 is refused, naming the gate", async (t) => {
  const f = fixture({ "app.yaml": `${DEPLOYMENT}---\n${hpa(EXTERNAL)}`, "scenario.yaml": scenario("") });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  t.strictSame(loaded.errors.map(formatDiagnostic), [
    `${f.file("app.yaml")}:17 spec.minReplicas: Invalid value: 0: must be greater than or equal to 1 (minReplicas 0 needs the HPAScaleToZero feature gate: components: {hpa: {scaleToZero: true}})`,
  ]);
});

t.test("gate on, only a CPU metric: no metric could bring the target back from zero", async (t) => {
  const f = fixture({ "app.yaml": `${DEPLOYMENT}---\n${hpa(CPU)}`, "scenario.yaml": scenario("components: {hpa: {scaleToZero: true}}\n") });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.equal(loaded.config, null);
  t.match(loaded.errors.map(formatDiagnostic).join("\n"), /app\.yaml:\d+ spec\.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas/);
});

t.test("gate on with an External metric: accepted, minReplicas 0 kept", async (t) => {
  const f = fixture({ "app.yaml": `${DEPLOYMENT}---\n${hpa(EXTERNAL)}`, "scenario.yaml": scenario("components: {hpa: {scaleToZero: true}}\n") });
  const loaded = loadScenario(f.file("scenario.yaml"));
  t.strictSame(loaded.errors.map(formatDiagnostic), []);
  const stored = loaded.config!.objects.find((o) => o.kind === "HorizontalPodAutoscaler") as unknown as { spec: { minReplicas: number } };
  t.equal(stored.spec.minReplicas, 0);
  t.equal(loaded.config!.components.hpa?.scaleToZero, true);
});
