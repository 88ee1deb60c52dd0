import t from "tap";
import { BinpackingNodeEstimator, decreasingPodOrder, determineBestPEGToFastpath, type PodEquivalenceGroup } from "../../../models/cluster-autoscaler/estimator/binpacking.js";
import {
  clusterCapacityNodeLimit,
  getMinLimit,
  productionThresholds,
  sngCapacityNodeLimit,
  staticThreshold,
  ThresholdBasedEstimationLimiter,
  type EstimationContext,
} from "../../../models/cluster-autoscaler/estimator/limiter.js";
import { ClusterSnapshot, newNodeInfo } from "../../../models/cluster-autoscaler/snapshot.js";
import { MiB, node, pod } from "./helpers.js";

const ctx = (max: number, targetSize: number, clusterMaxNodeLimit = 0, currentNodeCount = 0): EstimationContext => ({
  nodeGroup: { max, targetSize },
  similarNodeGroups: [],
  clusterMaxNodeLimit,
  currentNodeCount,
});

const copies = (name: string, n: number, cpuMilli: number, memoryBytes = 0): PodEquivalenceGroup => ({
  pods: Array.from({ length: n }, (_, i) => pod(`${name}-${i}`, cpuMilli, memoryBytes)),
});

// m5.large as in the walkthrough: 1930m allocatable, with the two DaemonSets (125m) on every node.
const m5 = newNodeInfo(node("m5", 1930, 7623 * MiB), [pod("aws-node", 25, 0, { nodeName: "m5" }), pod("kube-proxy", 100, 0, { nodeName: "m5" })]);

function estimate(groups: PodEquivalenceGroup[], thresholds = productionThresholds(), context = ctx(6, 3), fastpath = false) {
  return new BinpackingNodeEstimator(new ClusterSnapshot(), new ThresholdBasedEstimationLimiter(thresholds), context, fastpath).estimate(groups, m5);
}

t.test("walkthrough: 31 nginx pods, 3 per node, capped by the group's room (6 - 3)", async (t) => {
  const r = estimate([copies("nginx", 31, 500, 512 * MiB)]);
  t.equal(r.nodeCount, 3);
  t.equal(r.pods.length, 9);
  const unlimited = estimate([copies("nginx", 31, 500, 512 * MiB)], []);
  t.equal(unlimited.nodeCount, 11, "⌈31 / 3⌉ without thresholds");
  t.equal(unlimited.pods.length, 31);
});

t.test("fastpath gives the same count for a single group", async (t) => {
  for (const n of [1, 3, 4, 31]) {
    const slow = estimate([copies("p", n, 500)], [], ctx(100, 0));
    const fast = estimate([copies("p", n, 500)], [], ctx(100, 0), true);
    t.equal(fast.nodeCount, slow.nodeCount, `${n} pods`);
    t.equal(fast.pods.length, slow.pods.length);
  }
});

t.test("a pod that fits no fresh node ends its group but not the estimate", async (t) => {
  const r = estimate([copies("huge", 2, 5000), copies("small", 4, 500)], [], ctx(100, 0));
  t.equal(r.pods.filter((p) => p.name.startsWith("huge")).length, 0);
  t.equal(r.pods.filter((p) => p.name.startsWith("small")).length, 4);
  // The empty node added for "huge" takes the first small pods: 3 per node, so 2 nodes hold pods.
  t.equal(r.nodeCount, 2);
});

t.test("decreasingPodOrder: larger cpu/alloc + mem/alloc first, stable on ties", async (t) => {
  const a = copies("a", 1, 100);
  const b = copies("b", 1, 900);
  const c = copies("c", 1, 100);
  t.same(decreasingPodOrder([a, b, c], m5), [b, a, c]);
});

t.test("determineBestPEGToFastpath: most simulations saved, ties to the later group, no spread groups", async (t) => {
  t.equal(determineBestPEGToFastpath([copies("a", 10, 500), copies("b", 10, 500)], m5), 1);
  t.equal(determineBestPEGToFastpath([copies("a", 30, 500), copies("b", 4, 500)], m5), 0);
  const spread = { pods: copies("s", 10, 500).pods.map((p) => ({ ...p, topologySpread: [{ maxSkew: 1, topologyKey: "zone", whenUnsatisfiable: "DoNotSchedule" as const, labelSelector: null, minDomains: null }] })) };
  t.equal(determineBestPEGToFastpath([spread], m5), -1);
});

t.test("getMinLimit: negative wins, 0 is no limit, else the smaller", async (t) => {
  for (const [base, target, want] of [
    [0, 0, 0],
    [0, 5, 5],
    [5, 0, 5],
    [5, 3, 3],
    [3, 5, 3],
    [-1, 5, -1],
    [5, -1, -1],
  ]) {
    t.equal(getMinLimit(base, target), want, `${base}, ${target}`);
  }
});

t.test("thresholds: group room summed over similar groups, cluster room from max-nodes-total", async (t) => {
  t.equal(sngCapacityNodeLimit({ ...ctx(6, 3), similarNodeGroups: [{ max: 5, targetSize: 5 }, { max: 4, targetSize: 2 }] }), 5);
  t.equal(sngCapacityNodeLimit(ctx(6, 6)), -1, "no room anywhere denies every node");
  t.equal(clusterCapacityNodeLimit(ctx(0, 0, 0, 50)), 0);
  t.equal(clusterCapacityNodeLimit(ctx(0, 0, 50, 50)), -1);
  t.equal(clusterCapacityNodeLimit(ctx(0, 0, 50, 45)), 5);
});

t.test("the limiter grants nodes up to the smallest limit and stops after the duration", async (t) => {
  let now = 0;
  const limiter = new ThresholdBasedEstimationLimiter([staticThreshold(3, 10_000), staticThreshold(0, 0)], () => now);
  limiter.startEstimation(ctx(0, 0));
  t.same([limiter.permissionToAddNode(), limiter.permissionToAddNode()], [true, true]);
  now = 10_001;
  t.equal(limiter.permissionToAddNode(), false, "elapsed > 10 s");
  limiter.startEstimation(ctx(0, 0));
  t.same([1, 2, 3, 4].map(() => limiter.permissionToAddNode()), [true, true, true, false]);
  t.equal(limiter.grantedNodes(), 3);
});
