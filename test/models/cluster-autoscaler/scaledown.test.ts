import t from "tap";
import { DEFAULT_NODE_DELETE_OPTIONS, getPodsToMove, type DrainContext } from "../../../models/cluster-autoscaler/scaledown/drain.js";
import { filterOutUnremovable, type EligibilityOptions } from "../../../models/cluster-autoscaler/scaledown/eligibility.js";
import { categorizeNodes, shortestUpdateInterval_ms, unneededNodesLimit } from "../../../models/cluster-autoscaler/scaledown/planner.js";
import { removableAt, type UnneededNode } from "../../../models/cluster-autoscaler/scaledown/unneeded.js";
import { UnremovableNodes } from "../../../models/cluster-autoscaler/scaledown/unremovable.js";
import { calculateUtilization } from "../../../models/cluster-autoscaler/scaledown/utilization.js";
import { buildClusterSnapshot } from "../../../models/cluster-autoscaler/scaleup/orchestrator.js";
import { newNodeInfo } from "../../../models/cluster-autoscaler/snapshot.js";
import type { CaPod, PodDisruptionBudget } from "../../../models/cluster-autoscaler/types.js";
import { node, pod } from "./helpers.js";

const NOW = 1_000_000_000;
const ctx = (pdbs: PodDisruptionBudget[] = []): DrainContext => ({ pdbs, listers: null, now_ms: NOW });
const ds = (name: string, cpu = 100): CaPod => pod(name, cpu, 0, { owner: { kind: "DaemonSet", name: "ds", apiVersion: "apps/v1" } });
const blocking = (pods: CaPod[], pdbs: PodDisruptionBudget[] = []) => {
  const r = getPodsToMove(pods, ctx(pdbs), DEFAULT_NODE_DELETE_OPTIONS).blockingPod;
  return r === null ? null : [r.pod.name, r.reason];
};

t.test("drain rules: DaemonSet, safe-to-evict and terminal pods pass before any blocking rule", async (t) => {
  const strict: PodDisruptionBudget = { namespace: "default", selector: { matchLabels: { app: "web" }, matchExpressions: [] }, disruptionsAllowed: 0 };
  const web = pod("web", 100, 0, { labels: { app: "web" } });
  t.same(blocking([web], [strict]), ["web", "NotEnoughPdb"]);
  t.same(blocking([{ ...web, annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "true" } }], [strict]), null, "safe-to-evict bypasses the PDB");
  t.same(blocking([{ ...web, owner: null }]), ["web", "NotReplicated"]);
  t.same(blocking([{ ...web, owner: null, phase: "Failed" }]), null, "a failed bare pod is terminal, so drainable");
  t.same(blocking([{ ...web, volumes: [{ name: "scratch", type: "emptyDir", medium: "" }] }]), ["web", "LocalStorageRequested"]);
  t.same(blocking([{ ...web, volumes: [{ name: "scratch", type: "emptyDir", medium: "Memory" }] }]), null, "memory-backed emptyDir is not local storage");
  t.same(blocking([{ ...web, annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "false" } }]), ["web", "NotSafeToEvictAnnotation"]);
});

t.test("drain rules: a PDB with a nil selector matches nothing, an empty one matches its namespace only", async (t) => {
  const web = pod("web", 100);
  t.same(blocking([web], [{ namespace: "default", selector: null, disruptionsAllowed: 0 }]), null);
  t.same(blocking([web], [{ namespace: "default", selector: { matchLabels: {}, matchExpressions: [] }, disruptionsAllowed: 0 }]), ["web", "NotEnoughPdb"]);
  t.same(blocking([web], [{ namespace: "other", selector: { matchLabels: {}, matchExpressions: [] }, disruptionsAllowed: 0 }]), null);
});

t.test("kube-system pods without a PDB block for 1 h after creation; zero creation time blocks for ever", async (t) => {
  const sys = (created: number | null) => pod("coredns", 100, 0, { namespace: "kube-system", creationTimestamp_ms: created });
  t.same(blocking([sys(NOW - 3_600_000)]), ["coredns", "UnmovableKubeSystemPod"], "exactly 1 h: not after");
  t.same(blocking([sys(NOW - 3_600_001)]), null);
  t.same(blocking([sys(null)]), ["coredns", "UnmovableKubeSystemPod"]);
});

t.test("GetPodsToMove sorts pods and stops at the first blocking pod", async (t) => {
  const mirror = pod("static", 100, 0, { annotations: { "kubernetes.io/config.mirror": "x" } });
  const waiting = pod("job", 100, 0, { annotations: { "cluster-autoscaler.kubernetes.io/safe-to-evict": "on-completion" } });
  const r = getPodsToMove([pod("a", 1), ds("d"), mirror, waiting, pod("bare", 1, 0, { owner: null }), pod("after", 1)], ctx(), DEFAULT_NODE_DELETE_OPTIONS);
  t.same(r.pods.map((p) => p.name), ["a"]);
  t.same(r.daemonSetPods.map((p) => p.name), ["d"]);
  t.same(r.onCompletionPods.map((p) => p.name), ["job"]);
  t.same([r.blockingPod?.pod.name, r.blockingPod?.reason], ["bare", "NotReplicated"]);
});

t.test("utilization: max of cpu and memory; skipped DaemonSet requests leave allocatable too", async (t) => {
  const n = node("n", 2000, 1000);
  const info = newNodeInfo(n, [pod("a", 500, 100), ds("d", 500)]);
  const all = calculateUtilization(info, false, false, NOW);
  t.same(all.ok && [all.info.cpuUtil, all.info.memUtil, all.info.utilization], [0.5, 0.1, 0.5]);
  const skip = calculateUtilization(info, true, false, NOW);
  t.same(skip.ok && skip.info.cpuUtil, 500 / 1500);
  t.same(calculateUtilization(newNodeInfo(node("z", 0, 1000)), false, false, NOW), { ok: false, error: "cpuMilli is 0 at z" });
});

const ELIGIBILITY: EligibilityOptions = {
  scaleDownUtilizationThreshold: 0.5,
  scaleDownGpuUtilizationThreshold: 0.5,
  scaleDownUnreadyEnabled: true,
  ignoreDaemonSetsUtilization: false,
  ignoreMirrorPodsUtilization: false,
};

t.test("eligibility: exactly at the threshold is eligible; above is not; checks in upstream order", async (t) => {
  const infos = [
    newNodeInfo(node("half", 1000, 1000), [pod("p", 500)]),
    newNodeInfo(node("more", 1000, 1000), [pod("p", 501)]),
    newNodeInfo(node("static", 1000, 1000, { group: null })),
    newNodeInfo(node("deleting", 1000, 1000, { toBeDeletedTaintTime_ms: NOW - 299_000, annotations: { "cluster-autoscaler.kubernetes.io/scale-down-disabled": "true" } })),
    newNodeInfo(node("old-taint", 1000, 1000, { toBeDeletedTaintTime_ms: NOW - 300_000 })),
  ];
  const r = filterOutUnremovable(infos, ELIGIBILITY, NOW);
  t.same(r.unneeded, ["half", "old-taint"]);
  t.same(r.unremovable, [
    { node: "more", reason: "NotUnderutilized" },
    { node: "static", reason: "NotAutoscaled" },
    { node: "deleting", reason: "CurrentlyBeingDeleted" },
  ]);
  const unready = filterOutUnremovable([newNodeInfo(node("u", 1000, 1000, { ready: null }))], { ...ELIGIBILITY, scaleDownUnreadyEnabled: false }, NOW);
  t.same(unready.unremovable, [{ node: "u", reason: "ScaleDownUnreadyDisabled" }]);
});

t.test("recently unremovable nodes: skipped first, until their timeout is no longer after now or the node is gone", async (t) => {
  const recent = new UnremovableNodes();
  recent.addTimeout("half", NOW + 300_000);
  recent.addTimeout("gone", NOW + 300_000);
  recent.addTimeout("static", NOW + 1);
  const infos = [newNodeInfo(node("half", 1000, 1000), [pod("p", 500)]), newNodeInfo(node("static", 1000, 1000, { group: null }))];
  const inCluster = (name: string) => infos.some((i) => i.node.name === name);
  recent.update(inCluster, NOW);
  t.notOk(recent.has("gone"), "a node no longer in the cluster is forgotten");
  const r = filterOutUnremovable(infos, ELIGIBILITY, NOW, undefined, recent);
  t.same(r.unneeded, []);
  t.same(r.unremovable, [{ node: "half", reason: "RecentlyUnremovable" }, { node: "static", reason: "RecentlyUnremovable" }], "before every other check");
  t.notOk(r.utilization.has("half"), "without computing its utilization");
  recent.update(inCluster, NOW + 1);
  t.notOk(recent.has("static"), "a timeout equal to now has run out (Go's After is strict)");
  t.ok(recent.has("half"));
  recent.update(inCluster, NOW + 300_000);
  t.same(filterOutUnremovable(infos, ELIGIBILITY, NOW + 300_000, undefined, recent).unneeded, ["half"]);
});

const unneeded = (name: string, since: number, extra: Partial<UnneededNode> = {}): UnneededNode => ({
  name,
  group: "ng",
  ready: true,
  annotations: {},
  unneededSince_ms: since,
  podsToReschedule: [],
  ...extra,
});

t.test("removableAt: strictly longer than the unneeded time, empties first, min size holds", async (t) => {
  const base = {
    now_ms: NOW,
    scaleDownUnneededTime_ms: 600_000,
    scaleDownUnreadyTime_ms: 1_200_000,
    nodeGroups: new Map([["ng", { min: 3, targetSize: 6 }]]),
    deletionsInProgress: new Map<string, number>(),
    consumeMinQuota: () => true,
  };
  const exact = removableAt({ ...base, unneeded: [unneeded("n", NOW - 600_000)] });
  t.same(exact.unremovable, [{ node: "n", reason: "NotUnneededLongEnough" }]);
  const r = removableAt({
    ...base,
    unneeded: [
      unneeded("drain", NOW - 700_000, { podsToReschedule: ["p"] }),
      unneeded("e1", NOW - 700_000),
      unneeded("e2", NOW - 700_000),
      unneeded("e3", NOW - 700_000),
      unneeded("unready", NOW - 700_000, { ready: null }),
    ],
  });
  t.same(r.empty.map((n) => n.name), ["e1", "e2", "e3"]);
  t.same(r.unremovable, [
    { node: "unready", reason: "NotUnreadyLongEnough" },
    { node: "drain", reason: "NodeGroupMinSizeReached" },
  ]);
  const inFlight = removableAt({ ...base, deletionsInProgress: new Map([["ng", 2]]), unneeded: [unneeded("e1", NOW - 700_000), unneeded("e2", NOW - 700_000)] });
  t.same(inFlight.empty.map((n) => n.name), ["e1"], "6 - 2 in progress - 1 accepted = min");
});

t.test("planner: a removed node's pods stay where the simulation put them", async (t) => {
  const nodes = [node("n1", 1000, 1000), node("n2", 1000, 1000), node("n3", 1000, 1000)];
  const pods = [pod("a", 600, 0, { nodeName: "n1" }), pod("b", 300, 0, { nodeName: "n2" }), pod("c", 300, 0, { nodeName: "n3" })];
  const snapshot = buildClusterSnapshot(nodes, pods);
  const ctxOf = () => ({ deleteOptions: DEFAULT_NODE_DELETE_OPTIONS, pdbs: [], listers: null, now_ms: NOW });
  const r = categorizeNodes(snapshot, ["n1", "n2", "n3"], ["n2", "n3", "n1"], ctxOf());
  // n2's pod moves to n3 (600m used); n3 would then have to move 600m, but n1 has only 400m free;
  // n1's 600m fits neither n3 (600m used) nor the removed n2.
  t.same(r.removable.map((n) => n.node), ["n2"]);
  t.same(r.unremovable, [
    { node: "n3", reason: "NoPlaceToMovePods" },
    { node: "n1", reason: "NoPlaceToMovePods" },
  ]);
  t.equal(snapshot.getNodeInfo("n2")?.pods.length, 1, "the snapshot is restored after the pass");
  const pdbBlocked = categorizeNodes(buildClusterSnapshot(nodes, pods), ["n1", "n2", "n3"], ["n2", "n3"], {
    ...ctxOf(),
    pdbs: [{ namespace: "default", selector: { matchLabels: {}, matchExpressions: [] }, disruptionsAllowed: 1 }],
  });
  // The first removal uses the only disruption the PDB allows; the second node's pod is then blocked.
  t.same(pdbBlocked.removable.map((n) => n.node), ["n2"]);
  t.same(pdbBlocked.unremovable, [{ node: "n3", reason: "BlockedByPod", blockingPod: { pod: "c", reason: "NotEnoughPdb" } }]);
});

t.test("planner.go unneededNodesLimit: the unneeded nodes + 2 × parallelism, at most parallelism × U / interval + parallelism", async (t) => {
  const MIN = 60_000;
  const cases: [string, { parallelism: number; unneeded_ms: number; unneededNodes: number; interval_ms: number }, number][] = [
    ["none unneeded yet: 2 × parallelism", { parallelism: 10, unneeded_ms: 10 * MIN, unneededNodes: 0, interval_ms: 10_000 }, 20],
    ["grows with the unneeded nodes", { parallelism: 10, unneeded_ms: 10 * MIN, unneededNodes: 25, interval_ms: 10_000 }, 45],
    ["bounded by 10 × (600 s / 10 s) + 10", { parallelism: 10, unneeded_ms: 10 * MIN, unneededNodes: 700, interval_ms: 10_000 }, 610],
    ["before a second update the interval is the unneeded time: 10 × 1 + 10", { parallelism: 10, unneeded_ms: 10 * MIN, unneededNodes: 5, interval_ms: 10 * MIN }, 20],
    ["an unneeded time shorter than the interval counts as the interval", { parallelism: 2, unneeded_ms: 0, unneededNodes: 9, interval_ms: 10_000 }, 4],
    ["loops at the same instant: no bound but the first", { parallelism: 10, unneeded_ms: 10 * MIN, unneededNodes: 700, interval_ms: 0 }, 720],
  ];
  for (const [name, c, want] of cases) {
    t.equal(
      unneededNodesLimit({ maxScaleDownParallelism: c.parallelism, scaleDownUnneededTime_ms: c.unneeded_ms, unneededNodes: c.unneededNodes, minUpdateInterval_ms: c.interval_ms }),
      want,
      name,
    );
  }
  t.equal(shortestUpdateInterval_ms(600_000, null, 10_000), 600_000, "the first update (after Go's zero time) keeps the unneeded time");
  t.equal(shortestUpdateInterval_ms(600_000, 10_000, 20_000), 10_000, "a shorter gap replaces it");
  t.equal(shortestUpdateInterval_ms(10_000, 20_000, 50_000), 10_000, "a longer one does not");
});
