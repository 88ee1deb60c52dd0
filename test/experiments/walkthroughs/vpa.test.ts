/**
 * The VPA walkthrough (../shared/oracle/vpa/walkthrough.md) through the whole simulator, from the
 * shipped scenario: 2 pods requesting 100m / 256Mi that use 500m / 200Mi, Recreate mode, every
 * flag at its default. Every number is the walkthrough's.
 */
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import type { Pod } from "../../../models/cluster/types.js";
import type { StoredVerticalPodAutoscaler } from "../../../models/vpa/object.js";
import { fixture, HEADER } from "../scenario/helpers.js";

const SCENARIO = new URL("../../../experiments/scenarios/vpa/scenario.yaml", import.meta.url).pathname;

/** The container recommendation as [cpu millicores, memory bytes] per bound. */
function bounds(sim: ClusterSimulation, name = "app"): Record<"lower" | "target" | "upper", [number, number]> | null {
  const vpa = sim.store.get<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler", "default", name)!;
  const c = vpa.status.recommendation?.containerRecommendations[0];
  if (c === undefined) return null;
  const pair = (l: typeof c.target): [number, number] => [Number(l!.cpu), Number(l!.memory! / 1000n)];
  return { lower: pair(c.lowerBound), target: pair(c.target), upper: pair(c.upperBound) };
}

t.test("recommender: first recommendation at 60 s, the bounds of every loop as the walkthrough's table", async (t) => {
  const loaded = loadScenario(SCENARIO);
  t.strictSame(loaded.errors, []);
  t.strictSame(loaded.warnings, []);
  const sim = new ClusterSimulation(loaded.config!);
  const seen = new Map<number, ReturnType<typeof bounds>>();
  sim.vpaRecommender!.onLoop = (now_ms) => seen.set(now_ms / 1000, bounds(sim));
  sim.run(59_999);
  t.equal(bounds(sim), null, "no recommendation before the first loop");
  sim.run(240_000);
  const MEM = 262_144_000; // the 250Mi pod minimum
  t.strictSame(seen.get(60), { lower: [25, MEM], target: [587, MEM], upper: [1e14, 1e14] }, "t = 60 s: first recommendation");
  t.strictSame(seen.get(120), { lower: [98, MEM], target: [587, MEM], upper: [845867, 357589164680] });
  t.strictSame(seen.get(180), { lower: [198, MEM], target: [587, MEM], upper: [423227, 178918659080] });
  t.equal(seen.get(240)!.lower[0], 267);
  t.equal(seen.get(240)!.upper[0], 282347);
  const vpa = sim.store.get<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler", "default", "app")!;
  t.strictSame(vpa.status.conditions.map((c) => [c.type, c.status, c.lastTransitionTime_ms]), [["RecommendationProvided", "True", 60_000]]);
});

t.test("updater and admission: pod-a evicted at 210 s, pod-b at 270 s, replacements get 587m / 250Mi, nothing more", async (t) => {
  const loaded = loadScenario(SCENARIO);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(1_000);
  const original = sim.store.list<Pod>("Pod").map((p) => p.metadata.name);
  t.equal(original.length, 2);
  sim.run(loaded.config!.duration_ms);
  const evictions = [...sim.events.recorder.rows()].filter((r) => r[5] === "EvictedByVPA").map((r) => [r[0], r[3]]);
  t.strictSame(evictions, [[210, original[0]], [270, original[1]]], "one eviction per loop: the 2-replica budget tolerates one pod down");
  const live = sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
  t.equal(live.length, 2);
  for (const pod of live) {
    t.notOk(original.includes(pod.metadata.name), "a replacement");
    t.strictSame(pod.spec.containers[0].resources, { requests: { cpu_mcores: 587, memory_bytes: 262_144_000 }, limits: {} }, "requests from the target, no limits");
    t.equal(pod.metadata.annotations.vpaObservedContainers, "app");
    t.equal(pod.metadata.annotations.vpaUpdates, "Pod resources updated by app: container 0: cpu request, memory request");
  }
  const rows = [...sim.vpaUpdater!.decisions.rows()];
  const at210 = rows.filter((r) => r[0] === 210).map((r) => [r[2], r[7], r[8]]);
  t.strictSame(at210, [
    [original[0], "evicted", "requests outside the recommended range"],
    [original[1], "kept", "eviction budget exhausted (eviction tolerance)"],
  ]);
  // Outputs: per VPA and container, the bounds and the live pods' mean requests at each recommender loop.
  const at = (metric: string) => new Map(sim.timeseries.get("VerticalPodAutoscaler", "app/app", metric).map(([ms, v]) => [ms / 1000, v]));
  t.strictSame([at("recommendation_target_cpu_mcores").get(60), at("recommendation_lower_cpu_mcores").get(180), at("recommendation_upper_cpu_mcores").get(120)], [587, 198, 845867]);
  const requests = at("requests_cpu_mcores");
  t.strictSame([requests.get(180), requests.get(240), requests.get(300)], [100, (100 + 587) / 2, 587], "one pod replaced by 240 s, both by 300 s");
  t.ok(rows.filter((r) => r[0] === 90).every((r) => r[8] === "short-lived pod within recommended range"), "at 90 s 100m is inside [25m, 1e14]: the 12 h rule holds");
});

t.test("updater: a 1-replica Deployment is never evicted (min-replicas 2) unless its VPA sets minReplicas 1", async (t) => {
  for (const [minReplicas, expected] of [[null, 0], [1, 1]] as const) {
    const loaded = loadScenario(SCENARIO);
    const config = structuredClone(loaded.config!);
    for (const o of config.objects as unknown as { kind: string; spec: Record<string, unknown> }[]) {
      if (o.kind === "Deployment") o.spec.replicas = 1;
      if (o.kind === "VerticalPodAutoscaler" && minReplicas !== null) (o.spec.updatePolicy as { minReplicas: number | null }).minReplicas = minReplicas;
    }
    const sim = new ClusterSimulation({ ...config, duration_ms: 600_000 });
    sim.run(600_000);
    t.equal(sim.events.count("vpa-updater", "Normal", "EvictedByVPA"), expected, `minReplicas ${minReplicas}: ${expected} eviction(s)`);
    t.ok(sim.store.get<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler", "default", "app")!.status.recommendation !== null, "the recommendation is still published");
  }
});

t.test("admission: a 200m limit keeps its ratio (1174m), or under RequestsOnly stays and caps the request (200m)", async (t) => {
  for (const [controlledValues, expected] of [
    [null, { requests: { cpu_mcores: 587, memory_bytes: 262_144_000 }, limits: { cpu_mcores: 1174 } }],
    ["RequestsOnly", { requests: { cpu_mcores: 200, memory_bytes: 262_144_000 }, limits: { cpu_mcores: 200 } }],
  ] as const) {
    const config = structuredClone(loadScenario(SCENARIO).config!);
    for (const o of config.objects as unknown as { kind: string; spec: Record<string, any> }[]) {
      if (o.kind === "Deployment") o.spec.template.spec.containers[0].resources.limits = { cpu_mcores: 200 };
      if (o.kind === "VerticalPodAutoscaler" && controlledValues !== null) {
        o.spec.resourcePolicy = { containerPolicies: [{ containerName: "app", mode: null, minAllowed: null, maxAllowed: null, controlledResources: null, controlledValues }] };
      }
    }
    const sim = new ClusterSimulation({ ...config, duration_ms: 300_000 });
    sim.run(300_000);
    const live = sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
    t.equal(sim.events.count("vpa-updater", "Normal", "EvictedByVPA"), 2);
    for (const pod of live) t.strictSame(pod.spec.containers[0].resources, expected, `controlledValues ${controlledValues ?? "RequestsAndLimits"}`);
  }
});

t.test("recommender: an OOM kill bumps the memory recommendation above the request", async (t) => {
  const f = fixture({
    "w.yaml": `apiVersion: apps/v1
kind: Deployment
metadata: {name: hog}
spec:
  replicas: 1
  selector: {matchLabels: {app: hog}}
  template:
    metadata: {labels: {app: hog}}
    spec:
      containers:
      - {name: app, image: x, resources: {requests: {cpu: 100m, memory: 300Mi}, limits: {memory: 300Mi}}}
---
apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: hog}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: hog}
  updatePolicy: {updateMode: "Off"}
`,
    "s.yaml": `${HEADER}metadata: {name: oom}
duration: 10m
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
manifests: [w.yaml]
apps: [{name: hog, deployments: [hog], baselineCpu: 100m, memory: 400Mi}]
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(180_000);
  const pod = sim.store.list<Pod>("Pod")[0];
  t.equal(pod.status.containerStatuses[0].lastTerminated?.reason, "OOMKilled", "the kubelet OOM-killed the container");
  t.ok(sim.events.count("kubelet", "Killing", "OOMKilled") >= 1, "an OOMKilled event, which summary.csv's oom_kills counts");
  const b = bounds(sim, "hog")!;
  // RecordOOM: max(300Mi + 100Mi, 300Mi × 1.2) = 400Mi as a memory peak, then the histogram
  // bucket's end plus the 15 % margin: well above the 300Mi request.
  t.ok(b.target[1] > 400 * 1024 * 1024, `memory target ${b.target[1]} B is above the OOM bump of 400Mi`);
});

t.test("recommender: a VPA whose target is missing reports ConfigUnsupported and no recommendation", async (t) => {
  const f = fixture({
    "w.yaml": `apiVersion: autoscaling.k8s.io/v1
kind: VerticalPodAutoscaler
metadata: {name: lost}
spec:
  targetRef: {apiVersion: apps/v1, kind: Deployment, name: nowhere}
`,
    "s.yaml": `${HEADER}metadata: {name: lost}
duration: 5m
cluster: {nodeGroups: [{name: pool, count: 1, cpu: "4", memory: 16Gi}]}
manifests: [w.yaml]
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.equal(loaded.warnings.length, 1, "warned at load");
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(61_000);
  const vpa = sim.store.get<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler", "default", "lost")!;
  t.equal(vpa.status.recommendation, null);
  t.strictSame(vpa.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]), [
    ["ConfigUnsupported", "True", "", "Cannot read targetRef"],
    ["NoPodsMatched", "True", "NoPodsMatched", "No pods match this VPA object"],
    ["RecommendationProvided", "False", "NoPodsMatched", "No pods match this VPA object"],
  ]);
});

// LimitRanger defaults the missing limit to the max (400m, ratio 4 to the 100m request); the
// capping keeps limit/request, so the limit's max caps the CPU target at 400m / 4 = 100m: nothing
// to evict. Had the calculator kept the wide 2-core max instead of the lowest, the target would be
// 587m × 2000 / 2348 = 500m and both pods would go.
t.test("updater: the lowest LimitRange max caps the recommendation in proportion to the limit (no eviction)", async (t) => {
  const workload = (await import("node:fs")).readFileSync(new URL("../../../experiments/scenarios/vpa/workload.yaml", import.meta.url), "utf8");
  const f = fixture({
    "w.yaml": `${workload}---
apiVersion: v1
kind: LimitRange
metadata: {name: wide}
spec:
  limits: [{type: Container, max: {cpu: "2"}}]
---
apiVersion: v1
kind: LimitRange
metadata: {name: narrow}
spec:
  limits: [{type: Container, max: {cpu: 400m}}]
`,
    "s.yaml": `${HEADER}metadata: {name: lr}
duration: 5m
cluster: {nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]}
manifests: [w.yaml]
apps: [{name: app, deployments: [app], baselineCpu: 500m, memory: 200Mi}]
components:
  kubelet: {defaultImagePull: 0s, containerStartMin: 0s, containerStartMax: 0s}
  metricsServer: {metricResolution: 60s, phase: 0s, scrapeLatency: 0s}
  vpa: {updaterPhase: 30s}
`,
  });
  const loaded = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded.errors, []);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(300_000);
  t.equal(sim.events.count("vpa-updater", "Normal", "EvictedByVPA"), 0);
  const live = sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
  t.strictSame(live.map((p) => p.spec.containers[0].resources), [0, 1].map(() => ({ requests: { cpu_mcores: 100, memory_bytes: 268_435_456 }, limits: { cpu_mcores: 400 } })));
  // Only memory differs: |262144000 − 268435456| / 268435456.
  const last = [...sim.vpaUpdater!.decisions.rows()].slice(-2).map((r) => [r[4], r[6], r[7], r[8]]);
  t.strictSame(last, [0, 1].map(() => ["false", 0.023438, "kept", "short-lived pod within recommended range"]));
});
