/**
 * The KEDA operator on the kernel: the HPA it generates, the scale loop that takes a target to
 * and from zero, the External metrics its metrics server answers, keda-decisions.csv; and the
 * loader's refusals.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import type { Deployment } from "../../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../../models/hpa/controller.js";
import type { StoredScaledObject } from "../../../models/keda/operator.js";
import { fixture, HEADER, outputText } from "../../experiments/scenario/helpers.js";

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: worker}
spec:
  replicas: 2
  selector: {matchLabels: {app: worker}}
  template:
    metadata: {labels: {app: worker}}
    spec:
      containers:
      - {name: worker, image: busybox, resources: {requests: {cpu: 200m, memory: 128Mi}}}
---
apiVersion: v1
kind: Service
metadata: {name: worker}
spec:
  selector: {app: worker}
  ports: [{port: 80}]
`;

const scaledObject = (spec: string) => `apiVersion: keda.sh/v1alpha1
kind: ScaledObject
metadata: {name: worker}
spec:
  scaleTargetRef: {name: worker}
${spec}`;

function load(manifests: string, rest = "") {
  const f = fixture({
    "app.yaml": manifests,
    "scenario.yaml": `${HEADER}metadata: {name: keda}
duration: 15m
cluster:
  nodeGroups: [{name: p, count: 2, cpu: "8", memory: 32Gi}]
manifests: [app.yaml]
${rest}`,
  });
  return { f, loaded: loadScenario(f.file("scenario.yaml")) };
}

function run(manifests: string, rest = "") {
  const { loaded } = load(manifests, rest);
  if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
  const output = runScenario(loaded.config, { name: "keda", description: "", sloLatencyP95_ms: 1000, files: loaded.scenario.files });
  const text = (name: string) => outputText(output.files, name);
  return { output, store: output.simulation.store, text };
}

t.test("a cpu trigger: KEDA's HPA, min 1 / max 10, scales the Deployment on load", async (t) => {
  const { store } = run(
    `${DEPLOYMENT}---\n${scaledObject(`  minReplicaCount: 1
  maxReplicaCount: 10
  triggers:
  - {type: cpu, metricType: Utilization, metadata: {value: "50"}}
`)}`,
    `apps: [{name: worker, deployments: [worker], cpuPerRequest: 100ms}]
load: [{service: worker, profile: {type: constant, rps: 10}}]
`,
  );
  const hpa = store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "keda-hpa-worker")!;
  t.ok(hpa, "keda-hpa-worker exists");
  t.equal(hpa.spec.minReplicas, 1);
  t.equal(hpa.spec.maxReplicas, 10);
  t.strictSame(hpa.spec.metrics.map((m) => [m.type, m.resource?.name, m.resource?.target.averageUtilization_percent]), [["Resource", "cpu", 50]]);
  t.equal(hpa.metadata.labels["app.kubernetes.io/managed-by"], "keda-operator");
  // 10 rps × 100 ms = 1000m over pods of 200m at 50 %: 10 pods.
  t.equal(store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 10, "scaled out to max by the HPA");
});

t.test("a cron trigger: to zero, activated 0 -> 1 by KEDA, 1 -> 3 by the HPA, back to zero after the cooldown", async (t) => {
  // Virtual time 0 is 2025-01-01T00:00Z: the window 00:03-00:07 wants 3 replicas.
  const { store, text, output } = run(`${DEPLOYMENT}---\n${scaledObject(`  minReplicaCount: 0
  maxReplicaCount: 5
  pollingInterval: 15
  cooldownPeriod: 60
  triggers:
  - type: cron
    metadata: {timezone: Etc/UTC, start: "3 0 * * *", end: "7 0 * * *", desiredReplicas: "3"}
`)}`);
  const hpa = store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "keda-hpa-worker")!;
  t.strictSame(hpa.spec.metrics.map((m) => [m.type, m.external?.metric.name, m.external?.target.averageValue_milli]), [["External", "s0-cron-Etc-UTC-30xxx-70xxx", 1000]]);
  const rows = parse(text("keda-decisions.csv"), { columns: true }) as Record<string, string>[];
  const first = (pred: (r: Record<string, string>) => boolean) => rows.find(pred);
  // Each poll reads the clock a little after its tick (pollLatency 1 ms): at the first poll the
  // initial cooldown (creation 0 + initialCooldownPeriod 0, strictly before now) is over, and
  // the Deployment, never active, goes to zero at once.
  t.strictSame([rows[0].time_s, rows[0].action, rows[0].current_replicas, rows[0].scale_to], ["0.001", "scaleToZeroOrIdle", "2", "0"]);
  t.equal(first((r) => r.active === "true")?.time_s, "180.001", "active from the first poll in the window (00:03)");
  t.equal(first((r) => r.action === "scaleFromZeroOrIdle")?.scale_to, "1", "KEDA takes it 0 -> 1");
  const events = [...output.simulation.events.recorder.rows()];
  const rescales = events.filter((e) => e[5] === "SuccessfulRescale" && e[3] === "keda-hpa-worker").map((e) => [e[0], e[6]]);
  t.ok(rescales.some(([, m]) => String(m).startsWith("New size: 3")), `the HPA reads the External metric and goes to 3: ${JSON.stringify(rescales)}`);
  // The last active poll is at 405 s (the window ends at 420 s, exclusive): lastActiveTime 405,
  // and 405 + 60 is before the poll at 465.001.
  t.equal(first((r) => r.action === "scaleToZeroOrIdle" && Number(r.time_s) > 420)?.time_s, "465.001", "to zero again cooldownPeriod after the last active poll");
  t.equal(store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 0);
});

t.test("a prometheus trigger: KEDA asks kubesim's Prometheus, the HPA scales on requests per second", async (t) => {
  const so = (query: string) => `${DEPLOYMENT}---\n${scaledObject(`  minReplicaCount: 1
  maxReplicaCount: 10
  pollingInterval: 15
  triggers:
  - type: prometheus
    metadata: {serverAddress: "http://prometheus:9090", threshold: "10", query: '${query}'}
`)}`;
  const rest = `apps: [{name: worker, deployments: [worker], cpuPerRequest: 20ms}]
load: [{service: worker, profile: {type: constant, rps: 50}}]
components: {prometheus: {scrapeInterval: 15s}}
`;
  const { store, text } = run(so('sum(rate(http_requests_total{service="worker"}[1m]))'), rest);
  t.equal(store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 5, "50 requests/s at 10 per replica");
  const rows = parse(text("keda-decisions.csv"), { columns: true }) as Record<string, string>[];
  t.match(rows[rows.length - 1].triggers, /^s0-prometheus=(49|50)(\.\d+)? \(active\)$/, "the rate as KEDA read it");
  // One element per pod: KEDA's ExecutePromQuery refuses it; the ScaledObject is in error and the HPA cannot read the metric.
  const perPod = run(so("sum by (pod) (rate(http_requests_total[1m]))"), rest);
  const errRows = parse(perPod.text("keda-decisions.csv"), { columns: true }) as Record<string, string>[];
  t.match(errRows[errRows.length - 1].triggers, /^s0-prometheus: error: prometheus query sum by \(pod\) \(rate\(http_requests_total\[1m\]\)\) returned multiple elements$/);
  t.equal(perPod.store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 2, "nothing scaled it");
  const failed = [...perPod.output.simulation.events.recorder.rows()].filter((e) => e[5] === "FailedGetExternalMetric");
  t.ok(failed.length > 0, "the HPA reports FailedGetExternalMetric");
});

t.test("fallback: after failureThreshold failed reads the HPA is served the metric of fallback.replicas", async (t) => {
  const { store, output } = run(`${DEPLOYMENT}---\n${scaledObject(`  minReplicaCount: 1
  maxReplicaCount: 10
  fallback: {failureThreshold: 3, replicas: 6}
  triggers:
  - type: prometheus
    metadata: {serverAddress: "http://prometheus:9090", threshold: "10", query: 'sum by (pod) (rate(http_requests_total[1m]))'}
`)}`, `apps: [{name: worker, deployments: [worker], cpuPerRequest: 20ms}]
load: [{service: worker, profile: {type: constant, rps: 50}}]
`);
  const so = store.get<StoredScaledObject>("ScaledObject", "default", "worker")!;
  t.equal(store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 6, "the fallback's 6 replicas");
  t.equal(so.status.fallback, true, "the Fallback condition");
  t.equal(so.status.health["s0-prometheus"].status, "Failing");
  t.ok(so.status.health["s0-prometheus"].numberOfFailures > 3);
  // The fallback metric is 6 × the target: from 2 replicas the HPA goes 2 → 4 (the legacy limit) → 6.
  const sizes = [...output.simulation.events.recorder.rows()].filter((e) => e[5] === "SuccessfulRescale").map((e) => String(e[6]).match(/^New size: (\d+); reason: external metric s0-prometheus/)?.[1]);
  t.strictSame(sizes, ["4", "6"]);
});

t.test("advanced.horizontalPodAutoscalerConfig: the HPA's name and behavior as written, defaulted by the API server", async (t) => {
  const { store } = run(`${DEPLOYMENT}---\n${scaledObject(`  minReplicaCount: 1
  maxReplicaCount: 10
  advanced:
    horizontalPodAutoscalerConfig:
      name: worker-hpa
      behavior:
        scaleDown:
          stabilizationWindowSeconds: 30
          policies: [{type: Pods, value: 1, periodSeconds: 60}]
  triggers:
  - {type: cpu, metricType: Utilization, metadata: {value: "50"}}
`)}`, `apps: [{name: worker, deployments: [worker], cpuPerRequest: 100ms}]
load: [{service: worker, profile: {type: constant, rps: 1}}]
`);
  t.equal(store.get("HorizontalPodAutoscaler", "default", "keda-hpa-worker"), undefined, "not the default name");
  const hpa = store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "worker-hpa")!;
  t.equal(hpa.spec.behavior!.scaleDown!.stabilizationWindowSeconds, 30);
  t.strictSame(hpa.spec.behavior!.scaleDown!.policies, [{ type: "Pods", value: 1, periodSeconds: 60 }]);
  t.equal(hpa.spec.behavior!.scaleUp!.stabilizationWindowSeconds, 0, "scaleUp defaulted (setDefaultsHorizontalPodAutoscalerBehavior)");
  // 1 rps × 100 ms = 100m over 200m pods at 50 %: 1 pod, reached one pod a minute.
  t.equal(store.get<Deployment>("Deployment", "default", "worker")!.spec.replicas, 1);
});

t.test("the loader refuses what KEDA's webhook and scalers would, with file:line", async (t) => {
  const cases: [string, RegExp][] = [
    ["  triggers:\n  - {type: rabbitmq, metadata: {queueName: q}}\n", /spec\.triggers\[0\]\.type: unknown trigger type "rabbitmq"/],
    ["  triggers:\n  - {type: cron, metadata: {timezone: Etc/UTC, start: \"0 1 * * *\", end: \"0 2 * * *\"}}\n", /spec\.triggers\[0\]\.metadata: missing required parameter "desiredReplicas"/],
    ["  minReplicaCount: 5\n  maxReplicaCount: 2\n  triggers:\n  - {type: cpu, metadata: {value: \"50\"}}\n", /spec\.minReplicaCount: Invalid value: MinReplicaCount=5 must be less than MaxReplicaCount=2/],
    ["  triggers:\n  - {type: cpu, metadata: {value: \"50\"}}\n", /spec\.minReplicaCount: Invalid value: 0: scaledobject has only cpu\/memory triggers AND minReplica is 0 \(scale to zero doesn't work in this case\)/],
    ["  triggers:\n  - {type: redis, metadata: {listName: jobs, listLength: \"5\", address: \"redis:6379\"}}\n", /app\.yaml:\d+ spec\.triggers\[0\]\.metadata\.listName: no redis queue named "jobs" in the scenario's `queues` \(it has no redis queue\)/],
    ["  triggers:\n  - {type: prometheus, metadata: {serverAddress: \"http://p:9090\", query: \"up\", threshold: \"1\"}}\n", /app\.yaml:\d+ spec\.triggers\[0\]\.metadata\.query: Invalid value: "up": no series "up" is scraped/],
    ["  triggers:\n  - {type: prometheus, metadata: {serverAddress: \"http://p:9090\", query: \"sum(rate(http_requests_total[1h]))\", threshold: \"1\"}}\n", /spec\.triggers\[0\]\.metadata\.query: the range \[3600s\] is longer than kubesim's Prometheus keeps samples \(components\.prometheus\.retention 600s\): raise the retention/],
    ["  triggers:\n  - {type: rabbitmq, metadata: {queueName: q}}\n", /spec\.triggers\[0\]\.type: unknown trigger type "rabbitmq"; known: redis, kafka, prometheus, cron, cpu, memory/],
    ["  minReplicaCount: 1\n  fallback: {failureThreshold: 3, replicas: 2}\n  triggers:\n  - {type: cpu, metricType: Utilization, metadata: {value: \"50\"}}\n", /spec\.fallback: Invalid value: type is cpu, but fallback it is not supported by the CPU & memory scalers/],
    ["  fallback: {failureThreshold: -1, replicas: 2}\n  triggers:\n  - {type: cron, metadata: {timezone: Etc/UTC, start: \"0 1 * * *\", end: \"0 2 * * *\", desiredReplicas: \"2\"}}\n", /spec\.fallback: Invalid value: FailureThreshold=-1 & Replicas=2 must both be greater than or equal to 0/],
    ["  advanced: {horizontalPodAutoscalerConfig: {behavior: {scaleDown: {policies: []}}}}\n  triggers:\n  - {type: cron, metadata: {timezone: Etc/UTC, start: \"0 1 * * *\", end: \"0 2 * * *\", desiredReplicas: \"2\"}}\n", /spec\.advanced\.horizontalPodAutoscalerConfig\.behavior\.scaleDown\.policies: Required value: must specify at least one Policy/],
  ];
  for (const [spec, want] of cases) {
    const { loaded } = load(`${DEPLOYMENT}---\n${scaledObject(spec)}`);
    t.equal(loaded.config, null);
    t.match(loaded.errors.map(formatDiagnostic).join("\n"), want, want.source);
  }
});

t.test("KEDA's webhook refuses a ScaledObject on a workload an HPA already scales (warning; left out)", async (t) => {
  const hpa = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: worker-hpa}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: worker}
  minReplicas: 1
  maxReplicas: 3
`;
  const { f, loaded } = load(`${DEPLOYMENT}---\n${hpa}---\n${scaledObject("  minReplicaCount: 1\n  triggers:\n  - {type: cpu, metadata: {value: \"50\"}}\n")}`);
  t.strictSame(loaded.errors, []);
  t.ok(loaded.warnings.map(formatDiagnostic).includes(
    `${f.file("app.yaml")}:32 spec.scaleTargetRef.name: admission webhook "vscaledobject.kb.io" denied the request: the workload 'worker' of type 'apps/v1.Deployment' is already managed by the hpa 'worker-hpa'; the ScaledObject is left out`,
  ), loaded.warnings.map(formatDiagnostic).join("\n"));
  t.notOk(loaded.config!.objects.some((o) => o.kind === "ScaledObject"));
});
