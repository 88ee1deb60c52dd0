/**
 * The Cluster Autoscaler walkthrough (../shared/oracle/cluster-autoscaler/walkthrough.md) through
 * the whole simulator, from the shipped scenario: EKS m5.large group 3..6, nginx-to-scaleout
 * (500m / 512Mi) scaled 1 -> 40 at 1 min and back to 1 at 8 min.
 */
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import type { Node, Pod } from "../../../models/cluster/types.js";
import { CA_DECISION_COLUMNS } from "../../../models/cluster-autoscaler/controller.js";

const SCENARIO = new URL("../../../experiments/scenarios/cluster-autoscaler/scenario.yaml", import.meta.url).pathname;
const SCALE_UP_AT_MS = 60_000;
const SCALE_BACK_AT_MS = 480_000;

function nginx(sim: ClusterSimulation): { running: number; pending: number } {
  let running = 0;
  let pending = 0;
  for (const p of sim.store.list<Pod>("Pod")) {
    if (p.metadata.labels.app !== "nginx" || p.metadata.deletionTimestamp_ms !== null) continue;
    if (p.status.phase === "Running") running++;
    else if (p.status.phase === "Pending") pending++;
  }
  return { running, pending };
}

const ready = (sim: ClusterSimulation) =>
  sim.store.list<Node>("Node").filter((n) => n.status.conditions.some((c) => c.type === "Ready" && c.status === "True")).length;

t.test("walkthrough: 31 pend, one +3 scale-up capped at max 6, 18/22 at max, 3 removed ~10 min after the scale-back", async (t) => {
  const loaded = loadScenario(SCENARIO);
  t.same(loaded.errors, []);
  const sim = new ClusterSimulation(loaded.config!);
  const ca = sim.clusterAutoscaler!;
  const cloud = sim.cloud!;
  t.ok(ca !== null && cloud !== null, "the node group is autoscaled");
  t.equal(sim.store.count("Node"), 3, "the group starts at min 3");

  // The scheduler binds what fits (3 per node, coredns included) within a second.
  sim.run(SCALE_UP_AT_MS + 2_000);
  const pods = sim.store.list<Pod>("Pod").filter((p) => p.metadata.labels.app === "nginx");
  t.equal(pods.filter((p) => p.spec.nodeName !== "").length, 9, "9 bind (3 nodes x 3)");
  t.equal(pods.filter((p) => p.status.conditions.some((c) => c.type === "PodScheduled" && c.reason === "Unschedulable")).length, 31, "31 pend Unschedulable");

  // One scale-up, +3 to max 6, 2-12 s after the command.
  sim.run(SCALE_UP_AT_MS + 13_000);
  const scaledUp = sim.events.recorder.all().filter((r) => r[5] === "ScaledUpGroup");
  t.equal(scaledUp.length, 1, "exactly one scale-up");
  t.equal(scaledUp[0][6], "Scale-up: setting group ng-m5-large size to 6 instead of 3 (max: 6)");
  const at_s = Number(scaledUp[0][0]);
  t.ok(at_s >= 62 && at_s <= 72, `scale-up at ${at_s}s, 2-12 s after the scale command`);
  t.equal(cloud.targetSize("ng-m5-large"), 6);
  t.equal(sim.events.count("cluster-autoscaler", "Normal", "TriggeredScaleUp"), 9, "9 pods triggered it (3 new nodes x 3)");
  const decisions = ca.decisions.all();
  const col = (name: (typeof CA_DECISION_COLUMNS)[number]) => CA_DECISION_COLUMNS.indexOf(name);
  const upRow = decisions.find((r) => r[col("scale_up")] !== "")!;
  t.equal(upRow[col("pending_pods")], 31);
  t.equal(upRow[col("options")], "ng-m5-large: 3 node(s) for 9 pod(s)", "the estimator's 11 nodes capped at max - target = 3");
  t.equal(upRow[col("expander_reason")], "only option");

  // The loop right after: 9 pods fit the upcoming nodes, the other 22 get NotTriggerScaleUp.
  const next = decisions[decisions.indexOf(upRow) + 1];
  t.equal(next[0], upRow[0], "a productive loop is followed by another at once");
  t.equal(next[col("pods_fit_upcoming_or_existing")], 9);
  t.equal(next[col("scale_up")], "", "the second attempt adds no nodes");
  const notTriggered = sim.events.recorder.all().filter((r) => r[5] === "NotTriggerScaleUp");
  t.equal(notTriggered.length, 22, "one NotTriggerScaleUp per pod left (repeats folded)");
  t.equal(notTriggered[0][6], "pod didn't trigger scale-up: 1 max node group size reached");

  // The new nodes register and turn Ready 60-90 s after the scale-up; 18 Running, 22 Pending at max.
  sim.run(SCALE_UP_AT_MS + 12_000 + 59_000);
  t.ok(ready(sim) < 6, "not all new nodes Ready within 59 s");
  sim.run(SCALE_BACK_AT_MS - 1);
  t.equal(ready(sim), 6);
  t.same(nginx(sim), { running: 18, pending: 22 });
  t.equal(sim.events.count("cluster-autoscaler", "Normal", "ScaledUpGroup"), 1, "CA never goes past max 6");

  // Scale back to 1: three nodes go a little over 10 minutes later, in one loop; the group is at min.
  sim.run(SCALE_BACK_AT_MS + 600_000);
  t.equal(sim.store.count("Node"), 6, "nothing removed before scale-down-unneeded-time");
  sim.run(SCALE_BACK_AT_MS + 640_000);
  const removed = sim.events.recorder.all().filter((r) => r[5] === "ScaleDownEmpty" && r[2] === "Node");
  t.equal(removed.length, 3, "three empty nodes removed");
  const times = new Set(removed.map((r) => Number(r[0])));
  t.equal(times.size, 1, "in the same loop");
  const removedAt_s = [...times][0];
  t.ok(removedAt_s > 1080 && removedAt_s <= 1080 + 30, `removed at ${removedAt_s}s, a little over 10 min after the scale-back at 480 s`);
  t.equal(sim.store.count("Node"), 3);
  t.equal(cloud.targetSize("ng-m5-large"), 3, "back at min 3");
  sim.run();
  t.equal(sim.store.count("Node"), 3, "min size protects the rest");
  t.same(nginx(sim), { running: 1, pending: 0 });
  t.equal(sim.events.count("cluster-autoscaler", "Warning", "ScaleDownFailed"), 0);
});
