/**
 * The VPA walkthrough in InPlaceOrRecreate mode, through the whole simulator: the updater resizes
 * the pods through the resize subresource, the kubelet admits, defers or refuses each resize,
 * and the updater falls back to eviction as upstream when a resize is Infeasible or Deferred for
 * over 5 minutes (pods_inplace_restriction.go CanEvictInPlacingPod).
 */
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { getPodCondition, type Pod } from "../../../models/cluster/types.js";

const SCENARIO = new URL("../../../experiments/scenarios/vpa/in-place.yaml", import.meta.url).pathname;

function simulation(nodeCpu_mcores?: number): ClusterSimulation {
  const loaded = loadScenario(SCENARIO);
  if (loaded.config === null) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  const config = structuredClone(loaded.config);
  if (nodeCpu_mcores !== undefined) {
    // One node: both pods share it.
    config.nodeGroups = [{ ...config.nodeGroups[0], count: 1, cpu_mcores: nodeCpu_mcores }];
  }
  return new ClusterSimulation(config);
}

const events = (sim: ClusterSimulation, reason: string) => [...sim.events.recorder.rows()].filter((r) => r[5] === reason).map((r) => [r[0], r[3]]);
const live = (sim: ClusterSimulation) => sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);

t.test("the walkthrough's pods resized in place at 210 s and 270 s: same pods, no eviction, status follows a second later", async (t) => {
  const sim = simulation();
  sim.run(1_000);
  const original = live(sim).map((p) => p.metadata.name);
  const started = live(sim).map((p) => p.status.startTime_ms);
  sim.run(sim.config.duration_ms);
  t.strictSame(events(sim, "InPlaceResizedByVPA"), [[210, original[0]], [270, original[1]]], "one resize per loop: the 2-replica budget tolerates one pod resizing");
  t.strictSame(events(sim, "ResizeCompleted"), [[211, original[0]], [271, original[1]]], "the kubelet reports each resize done 1 s later");
  t.strictSame(events(sim, "EvictedByVPA"), [], "nothing evicted");
  const pods = live(sim);
  t.strictSame(pods.map((p) => p.metadata.name), original, "the same pods");
  t.strictSame(pods.map((p) => p.status.startTime_ms), started, "never restarted");
  for (const pod of pods) {
    const resized = { requests: { cpu_mcores: 587, memory_bytes: 262_144_000 }, limits: {} };
    t.strictSame(pod.spec.containers[0].resources, resized, "spec: the target");
    t.strictSame(pod.status.containerStatuses[0].resources, resized, "status: running with it");
    t.strictSame(pod.status.containerStatuses[0].allocatedResources, resized.requests);
    t.equal(pod.metadata.annotations.vpaInPlaceUpdated, "true");
    t.equal(pod.status.containerStatuses[0].restartCount, 0);
    t.notOk(getPodCondition(pod, "PodResizeInProgress") ?? getPodCondition(pod, "PodResizePending"), "no resize left in flight");
  }
  const rows = [...sim.vpaUpdater!.decisions.rows()];
  t.strictSame(rows.filter((r) => r[0] === 210).map((r) => [r[2], r[7], r[8]]), [
    [original[0], "resized", "requests outside the recommended range"],
    [original[1], "kept", "in-place update deferred: resizing it could take its replica group below its availability (eviction tolerance)"],
  ]);
  const requests = new Map(sim.timeseries.get("VerticalPodAutoscaler", "app/app", "requests_cpu_mcores").map(([ms, v]) => [ms / 1000, v]));
  t.strictSame([requests.get(180), requests.get(240), requests.get(300)], [100, (100 + 587) / 2, 587]);
});

t.test("a resize that does not fit beside the other pod is Deferred, then evicted after 5 minutes", async (t) => {
  // 1 core for both pods: the first resize (587m + 100m) fits, the second (587m + 587m) does not.
  const sim = simulation(1_000);
  sim.run(1_000);
  const [first, second] = live(sim).map((p) => p.metadata.name);
  sim.run(280_000);
  t.strictSame(events(sim, "InPlaceResizedByVPA"), [[210, first], [270, second]]);
  t.strictSame(events(sim, "ResizeCompleted"), [[211, first]], "only the first fits");
  const pod = sim.store.get<Pod>("Pod", "default", second)!;
  const pending = getPodCondition(pod, "PodResizePending")!;
  t.strictSame([pending.status, pending.reason, pending.message], ["True", "Deferred", "Node didn't have enough resource: cpu, requested: 587, used: 587, capacity: 1000"]);
  t.strictSame(pod.status.containerStatuses[0].resources!.requests, { cpu_mcores: 100, memory_bytes: 268_435_456 }, "still running with what it had");
  t.strictSame(pod.status.containerStatuses[0].allocatedResources, { cpu_mcores: 100, memory_bytes: 268_435_456 });
  sim.run(sim.config.duration_ms);
  // First seen resizing at 330 s; evicted at the first loop more than 5 minutes later.
  t.strictSame(events(sim, "EvictedByVPA"), [[690, second]]);
  const rows = [...sim.vpaUpdater!.decisions.rows()].filter((r) => r[2] === second);
  t.strictSame(rows.find((r) => r[0] === 630)!.slice(7), ["kept", "in-place update deferred: an in-place resize is pending or in progress"]);
  t.strictSame(rows.find((r) => r[0] === 690)!.slice(7), ["evicted", "requests outside the recommended range; its in-place resize failed or stalled, falling back to eviction"]);
});

t.test("a resize beyond the node's allocatable is Infeasible and the pod is evicted once the group can spare it", async (t) => {
  // 500m nodes: 587m can never fit.
  const loaded = loadScenario(SCENARIO);
  const config = structuredClone(loaded.config!);
  config.nodeGroups = [{ ...config.nodeGroups[0], cpu_mcores: 500 }];
  const sim = new ClusterSimulation(config);
  sim.run(1_000);
  const [first] = live(sim).map((p) => p.metadata.name);
  sim.run(215_000);
  const pending = getPodCondition(sim.store.get<Pod>("Pod", "default", first)!, "PodResizePending")!;
  t.strictSame([pending.reason, pending.message], ["Infeasible", "Node didn't have enough capacity: cpu, requested: 587, capacity: 500"]);
  sim.run(400_000);
  // At 270 s the in-place pass comes first (updater.go): the second pod's resize spends the
  // budget, so the first, sent to eviction, is kept; it goes at 330 s.
  const rows = [...sim.vpaUpdater!.decisions.rows()].filter((r) => r[2] === first);
  t.strictSame(rows.find((r) => r[0] === 270)!.slice(7), ["kept", "eviction budget exhausted (eviction tolerance)"]);
  t.strictSame(events(sim, "EvictedByVPA"), [[330, first]]);
  t.strictSame(rows.find((r) => r[0] === 330)!.slice(7), ["evicted", "requests outside the recommended range; its in-place resize failed or stalled, falling back to eviction"]);
  const replacement = live(sim).find((p) => p.status.phase === "Pending")!;
  t.equal(replacement.spec.containers[0].resources.requests.cpu_mcores, 587, "its replacement asks for 587m, which no 500m node can give: Pending");
});
