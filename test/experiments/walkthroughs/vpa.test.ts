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
