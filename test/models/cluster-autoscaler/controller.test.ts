/**
 * The Cluster Autoscaler controller through the whole simulator, on small programmatic clusters:
 * a pod no group can fit, an instance that never registers (max-node-provision-time, backoff),
 * a drain (eviction, reschedule, node deleted), pods binding only to Ready nodes, and cost.
 */
import t from "tap";
import { ClusterSimulation, type NodeGroup, type SimulationConfig } from "../../../experiments/simulator.js";
import { cpuHpa, deployment, service } from "../../../experiments/builders.js";
import { step } from "../../../models/workload/load-profiles.js";
import type { Node, Pod } from "../../../models/cluster/types.js";
import { CA_DECISION_COLUMNS } from "../../../models/cluster-autoscaler/controller.js";

const GiB = 2 ** 30;

function group(over: Partial<NodeGroup> = {}): NodeGroup {
  return {
    name: "ng",
    count: 1,
    cpu_mcores: 2000,
    memory_bytes: 8 * GiB,
    autoscaling: { min: 1, max: 3 },
    price_usd_per_h: 0.1,
    provisioning: { delayMin_ms: 60_000, delayMax_ms: 60_000, readyDelay_ms: 10_000, failureProbability: 0 },
    ...over,
  };
}

function config(groups: NodeGroup[], objects: SimulationConfig["objects"], over: Partial<SimulationConfig> = {}): SimulationConfig {
  return { seed: 1, duration_ms: 3_600_000, nodeGroups: groups, objects, apps: [], traffic: [], sampleInterval_ms: 15_000, components: {}, ...over };
}

const events = (sim: ClusterSimulation, reason: string) => sim.events.recorder.all().filter((r) => r[5] === reason);

t.test("a pod no node group can fit: NotTriggerScaleUp with upstream's message, no scale-up, no crash", async (t) => {
  const sim = new ClusterSimulation(config([group()], [deployment({ name: "big", replicas: 1, containers: [{ request_mcores: 3000 }] })]));
  sim.run(120_000);
  const not = events(sim, "NotTriggerScaleUp");
  t.equal(not.length, 1, "once per pod while the message stays the same");
  t.equal(not[0][6], "pod didn't trigger scale-up: 1 Insufficient cpu");
  t.equal(events(sim, "ScaledUpGroup").length, 0);
  t.equal(sim.cloud!.targetSize("ng"), 1);
});

t.test("pods bind only to Ready nodes: a registered NotReady node is tainted not-ready", async (t) => {
  const sim = new ClusterSimulation(config([group()], [deployment({ name: "web", replicas: 2, containers: [{ request_mcores: 1500 }] })]));
  sim.run(5_000);
  const first = sim.clusterAutoscaler!.decisions.all();
  t.equal(first.length, 1, "the pending pod triggered a loop at once");
  t.equal(sim.cloud!.targetSize("ng"), 1, "that loop saw only pods younger than 2 s: no scale-up");
  sim.run(21_000);
  t.equal(sim.cloud!.targetSize("ng"), 2, "scale-up at the next loop");
  const upAt = Number(events(sim, "ScaledUpGroup")[0][0]) * 1000;
  sim.run(upAt + 60_000 + 1);
  const fresh = sim.store.list<Node>("Node").find((n) => n.metadata.name === "ng-1")!;
  t.ok(fresh !== undefined, "registered after the provisioning delay");
  t.equal(fresh.status.conditions[0].status, "False");
  t.ok(fresh.spec.taints.some((x) => x.key === "node.kubernetes.io/not-ready"));
  const pending = () => sim.store.list<Pod>("Pod").filter((p) => p.spec.nodeName === "").length;
  t.equal(pending(), 1, "nothing binds to the NotReady node");
  sim.run(upAt + 70_000 + 100);
  t.equal(fresh.status.conditions[0].status, "True");
  t.equal(pending(), 0, "the pod binds once the node is Ready");
});

t.test("an instance that never registers: scale-up times out after max-node-provision-time, the group backs off", async (t) => {
  const g = group({ provisioning: { delayMin_ms: 60_000, delayMax_ms: 60_000, readyDelay_ms: 10_000, failureProbability: 1 } });
  const sim = new ClusterSimulation(config([g], [deployment({ name: "web", replicas: 2, containers: [{ request_mcores: 1500 }] })]));
  sim.run(30_000);
  t.equal(sim.cloud!.targetSize("ng"), 2);
  const upAt = Number(events(sim, "ScaledUpGroup")[0][0]) * 1000;
  sim.run(upAt + 15 * 60_000 - 1);
  t.equal(events(sim, "ScaleUpTimedOut").length, 0);
  sim.run(upAt + 15 * 60_000 + 10_000);
  const timedOut = events(sim, "ScaleUpTimedOut");
  t.equal(timedOut.length, 1);
  t.equal(timedOut[0][6], "Nodes added to group ng failed to register within 15m0s");
  t.equal(events(sim, "DeleteUnregistered")[0][6], "Removed unregistered node ng-1");
  t.equal(sim.cloud!.targetSize("ng"), 1, "the unregistered instance is given back");
  const not = events(sim, "NotTriggerScaleUp").at(-1)!;
  t.equal(not[6], "pod didn't trigger scale-up: 1 in backoff after failed scale-up");
  // Backoff 5 min: the next scale-up comes after it.
  const timedOutAt = Number(timedOut[0][0]) * 1000;
  sim.run(timedOutAt + 5 * 60_000 - 1);
  t.equal(events(sim, "ScaledUpGroup").length, 1, "no scale-up during the 5 min backoff");
  sim.run(timedOutAt + 5 * 60_000 + 10_000);
  t.equal(events(sim, "ScaledUpGroup").length, 2, "scale-up again after it");
});

t.test("drain: an underutilized node's pod is evicted, rescheduled, and the node deleted", async (t) => {
  // Two nodes, each with one 600m pod (30 % of 2000m): one node can take both, so one goes.
  const sim = new ClusterSimulation(
    config([group({ count: 2, autoscaling: { min: 1, max: 3 } })], [deployment({ name: "web", replicas: 2, containers: [{ request_mcores: 600 }] })], {
      components: { scheduler: { weights: { taintToleration: 3, nodeAffinity: 2, nodeResourcesFit: 1, balancedAllocation: 1 } } },
    }),
  );
  sim.run(20 * 60_000);
  const removed = sim.events.recorder.all().filter((r) => r[5] === "ScaleDown" && r[2] === "Node" && String(r[6]).includes("removed with drain"));
  t.equal(removed.length, 1, "one node removed with a drain");
  t.equal(sim.store.count("Node"), 1);
  t.equal(sim.cloud!.targetSize("ng"), 1);
  t.equal(events(sim, "ScaleDownFailed").length, 0);
  const evicted = sim.events.recorder.all().filter((r) => r[5] === "ScaleDown" && r[2] === "Pod");
  t.equal(evicted.length, 1);
  t.equal(evicted[0][6], "deleting pod for node scale down");
  const pods = sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
  t.equal(pods.length, 2, "the ReplicaSet replaced the evicted pod");
  t.ok(pods.every((p) => p.spec.nodeName === sim.store.list<Node>("Node")[0].metadata.name), "both pods on the remaining node");
  const rows = sim.clusterAutoscaler!.decisions.all();
  const drainRow = rows.find((r) => String(r[CA_DECISION_COLUMNS.indexOf("scale_down")]).includes("(drain)"))!;
  t.ok(Number(drainRow[0]) > 600, "not before scale-down-unneeded-time");
});

t.test("cost: node-hours and dollars of an autoscaled group", async (t) => {
  const sim = new ClusterSimulation(config([group({ count: 2, autoscaling: { min: 2, max: 3 } })], []));
  sim.run(1_800_000);
  const c = sim.nodeHoursAndCost();
  t.equal(c.node_hours, 1, "2 nodes for half an hour");
  t.ok(Math.abs(c.cost_usd - 0.1) < 1e-12);
});

t.test("two groups: the expander chain picks, and ca-decisions.csv says which and why", async (t) => {
  const groups = [group({ name: "small", count: 1, autoscaling: { min: 1, max: 5 } }), group({ name: "big", count: 0, cpu_mcores: 6000, memory_bytes: 32 * GiB, autoscaling: { min: 0, max: 5 }, price_usd_per_h: 0.4 })];
  const objects = [deployment({ name: "web", replicas: 5, containers: [{ request_mcores: 1500 }] })];
  const run = (components: SimulationConfig["components"]) => {
    const sim = new ClusterSimulation(config(groups, objects, { components }));
    sim.run(30_000);
    return sim.clusterAutoscaler!.decisions.all().find((r) => r[CA_DECISION_COLUMNS.indexOf("scale_up")] !== "")!;
  };
  const col = (name: (typeof CA_DECISION_COLUMNS)[number]) => CA_DECISION_COLUMNS.indexOf(name);
  const waste = run({});
  t.equal(waste[col("options")], "small: 4 node(s) for 4 pod(s); big: 1 node(s) for 4 pod(s)");
  t.equal(waste[col("expander_choice")], "big", "least-waste: one 6-core node filled by 4 pods wastes less CPU than four 2-core ones");
  t.equal(waste[col("expander_reason")], "decided by least-waste");
  const prio = run({ clusterAutoscaler: { expander: ["priority", "least-waste"], expanderPriorities: { 10: ["^small$"], 1: [".*"] } } });
  t.equal(prio[col("expander_choice")], "small");
  t.equal(prio[col("expander_reason")], "decided by priority");
  t.equal(prio[col("scale_up")], "small 1->5");
  const nodes = run({ clusterAutoscaler: { expander: ["least-nodes"] } });
  t.equal(nodes[col("expander_choice")], "big");
});

t.test("enforce-node-group-min-size: a group below its min grows to it, without pending pods", async (t) => {
  const below = group({ count: 0, autoscaling: { min: 2, max: 4 } });
  const off = new ClusterSimulation(config([below], []));
  off.run(60_000);
  t.equal(off.cloud!.targetSize("ng"), 0, "off by default (upstream's default)");
  const on = new ClusterSimulation(config([below], [], { components: { clusterAutoscaler: { enforceNodeGroupMinSize: true } } }));
  on.run(11_000);
  t.equal(on.cloud!.targetSize("ng"), 2);
  t.equal(events(on, "ScaledUpGroup")[0][6], "Scale-up: setting group ng size to 2 instead of 0 (max: 4)");
  t.equal(on.clusterAutoscaler!.decisions.all()[0][CA_DECISION_COLUMNS.indexOf("scale_up")], "ng 0->2 (min size)");
  on.run(11_000 + 71_000);
  t.equal(on.store.count("Node"), 2, "both registered and Ready after the provisioning delay");
});

t.test("HPA + CA: a load step scales the Deployment past the nodes, CA adds nodes, the pods run", async (t) => {
  const objects = [
    deployment({ name: "api", replicas: 1, app: "api", containers: [{ request_mcores: 500, limit_mcores: 1000 }] }),
    service("api"),
    cpuHpa({ name: "api", target: "api", minReplicas: 1, maxReplicas: 10, cpuUtilization_percent: 60 }),
  ];
  const sim = new ClusterSimulation(
    config([group({ count: 1, autoscaling: { min: 1, max: 5 } })], objects, {
      apps: [{ name: "api", cpuPerRequest_mcore_s: 30, baselineCpu_mcores: 2, memoryBaseline_bytes: 64 * 2 ** 20, memoryPerInflight_bytes: 1024, queueCapacity_requests: 1000, warmup_ms: 0, shutdown_ms: 500 }],
      // 100 rps × 30 mcore·s = 3 cores: 10 pods at 60 % of 500m; a 2-core node holds 3 such pods.
      traffic: [{ namespace: "default", service: "api", profile: step([{ at_ms: 60_000, rate_rps: 100 }], 0), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" }],
    }),
  );
  sim.run(20 * 60_000);
  t.ok(events(sim, "ScaledUpGroup").length >= 1, "CA scaled the group up");
  t.ok(sim.cloud!.targetSize("ng") >= 3, `target size ${sim.cloud!.targetSize("ng")}: room for the HPA's replicas`);
  const pods = sim.store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
  t.ok(pods.length >= 7, `${pods.length} replicas`);
  t.equal(pods.filter((p) => p.status.phase !== "Running").length, 0, "every replica runs: none left pending");
  t.ok(events(sim, "TriggeredScaleUp").length >= 1);
});

t.test("a node whose removal simulation fails is not simulated again before --unremovable-node-recheck-timeout", async (t) => {
  // Two 2000m nodes: one runs a 1000m pod (utilization 0.5: eligible), the other a 1000m and a
  // 600m pod (0.8). The first node's pod fits nowhere else (400m free): NoPlaceToMovePods.
  const objects = [
    deployment({ name: "big", replicas: 2, containers: [{ request_mcores: 1000 }] }),
    deployment({ name: "small", replicas: 1, containers: [{ request_mcores: 600 }] }),
  ];
  const candidatesColumn = CA_DECISION_COLUMNS.indexOf("scale_down_candidates");
  const run = (recheck_ms: number | undefined) => {
    const components = recheck_ms === undefined ? {} : { clusterAutoscaler: { unremovableNodeRecheckTimeout_ms: recheck_ms } };
    const sim = new ClusterSimulation(config([group({ count: 2, autoscaling: { min: 1, max: 3 } })], objects, { duration_ms: 20 * 60_000, components }));
    sim.run();
    return sim.clusterAutoscaler!.decisions.all().map((r) => ({ time_s: Number(r[0]), candidates: String(r[candidatesColumn]) }));
  };
  const simulated = (rows: ReturnType<typeof run>) => rows.filter((r) => r.candidates.includes("NoPlaceToMovePods")).map((r) => r.time_s);

  const rows = run(undefined);
  const times = simulated(rows);
  t.ok(times.length >= 3, `simulated at ${times.join(", ")} s`);
  for (let i = 1; i < times.length; i++) t.ok(times[i] - times[i - 1] >= 300, "at least the 5 min default apart");
  const between = rows.filter((r) => r.time_s > times[0] && r.time_s < times[1]);
  t.ok(between.length > 20, "loops ran in between");
  t.ok(between.every((r) => r.candidates.includes("RecentlyUnremovable")), "and reported the node RecentlyUnremovable without simulating it");

  // A zero timeout re-simulates it at every loop, as before this rule existed.
  const every = run(0);
  t.equal(every.filter((r) => r.candidates.includes("RecentlyUnremovable")).length, 0);
  t.ok(simulated(every).length > 100);
});
