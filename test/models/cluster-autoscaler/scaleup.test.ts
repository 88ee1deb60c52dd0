import t from "tap";
import { parseExpanderChain } from "../../../models/cluster-autoscaler/expander/expander.js";
import {
  balanceScaleUpBetweenGroups,
  DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS,
  genericNodeInfoComparator,
} from "../../../models/cluster-autoscaler/nodegroupset.js";
import { buildPodGroups, getCappedNewNodeCount, scaleUp, scaleUpToNodeGroupMinSize, type ScaleUpOptions } from "../../../models/cluster-autoscaler/scaleup/orchestrator.js";
import { QuotaTracker } from "../../../models/cluster-autoscaler/scaleup/quotas.js";
import { newNodeInfo } from "../../../models/cluster-autoscaler/snapshot.js";
import type { CaPod } from "../../../models/cluster-autoscaler/types.js";
import { GiB, group, MiB, node, pod } from "./helpers.js";

const OPTIONS: ScaleUpOptions = {
  expander: { chain: parseExpanderChain("least-waste"), config: { pick: () => 0 } },
  estimatorThresholds: "production",
  maxNodesPerScaleUp: 1000,
  maxNodeGroupBinpackingDuration_ms: 10_000,
  maxNodesTotal: 0,
  maxCoresTotal: 320_000,
  maxMemoryTotalBytes: 6_400_000 * GiB,
  balanceSimilarNodeGroups: false,
  nodeGroupDifferenceRatios: DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS,
  balancingIgnoredLabels: [],
  allOrNothing: false,
  fastpathBinpacking: false,
  nodeGroupScaleUpSafety: () => null,
};

const m5 = (name: string) => node(name, 1930, 7623 * MiB, { group: "ng-m5", capacity: { cpuMilli: 2000, memoryBytes: 8 * GiB, pods: 29, gpu: 0, ephemeralBytes: 0 } });
const nginx = (i: number, nodeName = ""): CaPod => pod(`nginx-${String(i).padStart(2, "0")}`, 500, 512 * MiB, { nodeName, owner: { kind: "ReplicaSet", name: "nginx", apiVersion: "apps/v1" } });

t.test("walkthrough: 31 pending nginx on 3 full m5.large, group 3..6 → +3, then nothing more", async (t) => {
  const nodes = [m5("ip-1"), m5("ip-2"), m5("ip-3")];
  const running = Array.from({ length: 9 }, (_, i) => nginx(i + 31, `ip-${(i % 3) + 1}`));
  const pending = Array.from({ length: 31 }, (_, i) => nginx(i));
  const first = scaleUp({ nodeGroups: [group("ng-m5", 3, 6, 3, m5("t"))], nodes, scheduledPods: running, pendingPods: pending }, OPTIONS);
  t.equal(first.result, "Successful");
  t.same(first.scaleUpInfos.map((i) => [i.group, i.currentSize, i.newSize]), [["ng-m5", 3, 6]]);
  t.equal(first.podsTriggeredScaleUp.length, 9, "3 nodes × 3 pods");
  t.equal(first.decidedBy, "least-waste");
  const atMax = scaleUp({ nodeGroups: [group("ng-m5", 3, 6, 6, m5("t"))], nodes, scheduledPods: running, pendingPods: pending.slice(9) }, OPTIONS);
  t.equal(atMax.result, "NoOptionsAvailable");
  t.same([...atMax.skippedNodeGroups], [["ng-m5", { reason: "MaxLimitReached" }]]);
  t.equal(atMax.podsRemainUnschedulable.length, 22);
});

t.test("a pod no group can fit stays unschedulable with each group's reason", async (t) => {
  const r = scaleUp({ nodeGroups: [group("ng-m5", 3, 6, 3, m5("t"))], nodes: [], scheduledPods: [], pendingPods: [pod("huge", 64_000)] }, OPTIONS);
  t.equal(r.result, "NoOptionsAvailable");
  t.equal(r.podsRemainUnschedulable.length, 1);
  t.same(r.podsRemainUnschedulable[0].rejectedNodeGroups.get("ng-m5"), { predicate: "NodeResourcesFit", reasons: ["Insufficient cpu"] });
});

t.test("max-nodes-total counts every node; nothing left is an error", async (t) => {
  t.same(getCappedNewNodeCount(5, 8, 10), { count: 2 });
  t.same(getCappedNewNodeCount(5, 8, 0), { count: 5 });
  t.same(getCappedNewNodeCount(1, 10, 10), { error: "max node total count already reached" });
});

t.test("core quota counts ⌈capacity millicores / 1000⌉ per node, for every node", async (t) => {
  const odd = node("odd", 1500, GiB, { group: null });
  const tracker = new QuotaTracker([odd, odd], { cpu: 10, memory: 100 * GiB });
  // 2 nodes × ⌈1.5⌉ = 4 cores used, 6 left: three 2-core nodes.
  t.same(tracker.checkDelta("ng", node("t", 2000, GiB), 4), { allowedDelta: 3, exceededResources: ["cpu"] });
  t.equal(tracker.consume("ng", node("t", 2000, GiB), 3).allowedDelta, 3);
  t.same(tracker.checkDelta("ng", node("t", 2000, GiB), 1), { allowedDelta: 0, exceededResources: ["cpu"] });
});

t.test("all-or-nothing: no scale-up when the capped option cannot take every pod", async (t) => {
  const pending = Array.from({ length: 12 }, (_, i) => nginx(i));
  const r = scaleUp({ nodeGroups: [group("ng-m5", 3, 6, 3, m5("t"))], nodes: [], scheduledPods: [], pendingPods: pending }, { ...OPTIONS, allOrNothing: true });
  t.equal(r.result, "NoOptionsAvailable", "3 nodes hold 9 of the 12 pods");
  const ok = scaleUp({ nodeGroups: [group("ng-m5", 3, 6, 3, m5("t"))], nodes: [], scheduledPods: [], pendingPods: pending.slice(0, 9) }, { ...OPTIONS, allOrNothing: true });
  t.equal(ok.result, "Successful");
});

t.test("balance-similar-node-groups spreads the new nodes over zonal copies of a group", async (t) => {
  const zonal = (zone: string) => m5(`t-${zone}`);
  const groups = ["a", "b", "c"].map((z, i) => group(`ng-${z}`, 0, 10, [2, 1, 1][i], { ...zonal(z), labels: { "topology.kubernetes.io/zone": z } }));
  const pending = Array.from({ length: 15 }, (_, i) => nginx(i));
  const r = scaleUp({ nodeGroups: groups, nodes: [], scheduledPods: [], pendingPods: pending }, { ...OPTIONS, balanceSimilarNodeGroups: true });
  t.equal(r.result, "Successful");
  // 5 nodes: smallest groups first, so b and c reach 3 and a reaches 3.
  t.same(r.scaleUpInfos.map((i) => [i.group, i.newSize - i.currentSize]).sort(), [["ng-a", 1], ["ng-b", 2], ["ng-c", 2]]);
});

t.test("BalanceScaleUpBetweenGroups fills the smallest first and caps at max", async (t) => {
  const r = balanceScaleUpBetweenGroups(
    [
      { name: "a", targetSize: 1, max: 2 },
      { name: "b", targetSize: 3, max: 10 },
      { name: "c", targetSize: 5, max: 5 },
    ],
    6,
  );
  t.same(r.map((i) => [i.group, i.newSize]), [["a", 2], ["b", 8]]);
  t.throws(() => balanceScaleUpBetweenGroups([], 1), /0 groups/);
});

t.test("similar node groups: ignored labels and tolerances", async (t) => {
  const cmp = genericNodeInfoComparator(["eks.amazonaws.com/nodegroup"], DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS);
  const a = newNodeInfo({ ...m5("a"), labels: { "topology.kubernetes.io/zone": "a", "eks.amazonaws.com/nodegroup": "x", team: "web" } });
  const b = newNodeInfo({ ...m5("b"), labels: { "topology.kubernetes.io/zone": "b", "eks.amazonaws.com/nodegroup": "y", team: "web" } });
  t.ok(cmp(a, b));
  t.notOk(cmp(a, newNodeInfo({ ...b.node, labels: { ...b.node.labels, team: "db" } })), "a label that differs");
  t.notOk(cmp(a, newNodeInfo({ ...b.node, capacity: { ...b.node.capacity, cpuMilli: 4000 } })), "capacity CPU must be equal");
  t.ok(cmp(a, newNodeInfo({ ...b.node, capacity: { ...b.node.capacity, memoryBytes: 8 * GiB - 100 * MiB } })), "memory within 1.5 %");
  t.notOk(cmp(a, newNodeInfo(b.node, [pod("busy", 500, 0, { nodeName: "b" })])), "free CPU differs by more than 5 %");
});

t.test("BuildPodGroups: one group per controller and spec; bare pods alone", async (t) => {
  const groups = buildPodGroups([nginx(1), nginx(2), pod("bare", 500, 0, { owner: null }), pod("bare2", 500, 0, { owner: null }), { ...nginx(3), labels: { v: "2" } }]);
  t.same(
    groups.map((g) => g.pods.map((p) => p.name)),
    [["nginx-01", "nginx-02"], ["bare"], ["bare2"], ["nginx-03"]],
  );
});

t.test("ScaleUpToNodeGroupMinSize raises groups below min, within the core quota", async (t) => {
  const big = node("n", 16_000, GiB);
  const r = scaleUpToNodeGroupMinSize(
    { nodeGroups: [group("ng1", 3, 10, 1, big), group("ng2", 1, 10, 1, big)], nodes: [{ ...big, group: "ng1" }, { ...big, name: "m", group: "ng2" }] },
    { maxNodesTotal: 0, maxCoresTotal: 48, maxMemoryTotalBytes: 100 * GiB, nodeGroupScaleUpSafety: () => null },
  );
  t.same(r, { result: "Successful", scaleUpInfos: [{ group: "ng1", currentSize: 1, newSize: 2, maxSize: 10 }] });
});
