import t from "tap";
import {
  BURST_REPLICAS,
  getPodsRankedByRelatedPodsOnSameNode,
  getPodsToDelete,
  manageReplicas,
  slowStartBatchSizes,
} from "../../../models/replicaset/manage-replicas.js";
import type { Pod } from "../../../models/cluster/types.js";
import { names, pod, replicaSet } from "./fixtures.js";

const now_ms = 1_000_000;

t.test("slowStartBatch batch sizes: 1, 2, 4, ... capped by what remains", async (t) => {
  const cases: { count: number; initial?: number; want: number[] }[] = [
    { count: 0, want: [] },
    { count: 1, want: [1] },
    { count: 2, want: [1, 1] },
    { count: 3, want: [1, 2] },
    { count: 10, want: [1, 2, 4, 3] },
    { count: 15, want: [1, 2, 4, 8] },
    { count: 500, want: [1, 2, 4, 8, 16, 32, 64, 128, 245] },
    { count: 10, initial: 10, want: [10] },
    { count: 25, initial: 10, want: [10, 15] },
  ];
  for (const c of cases) {
    const got = slowStartBatchSizes(c.count, c.initial);
    t.same(got, c.want, `count ${c.count} initial ${c.initial ?? 1}`);
    t.equal(got.reduce((a, b) => a + b, 0), c.count, "batches add up to count");
    // controller_utils.go: the number of batches is 1+floor(log2(ceil(N/initial))) for N > 0.
    if (c.count > 0) t.equal(got.length, 1 + Math.floor(Math.log2(Math.ceil(c.count / (c.initial ?? 1)))), "batch count formula");
  }
  t.throws(() => slowStartBatchSizes(-1));
  t.throws(() => slowStartBatchSizes(3, 0));
});

t.test("manageReplicas diff: create, delete, none, capped at burstReplicas", async (t) => {
  const podsN = (n: number) => Array.from({ length: n }, (_, i) => pod(`p${i}`, { nodeName: "n", ready: true }));
  t.same(manageReplicas(podsN(3), replicaSet("rs", 3), [], now_ms), { action: "none" });
  t.same(manageReplicas(podsN(0), replicaSet("rs", 3), [], now_ms), { action: "create", count: 3, batchSizes: [1, 2] });
  t.same(manageReplicas(podsN(2), replicaSet("rs", 12), [], now_ms), { action: "create", count: 10, batchSizes: [1, 2, 4, 3] });
  const big = manageReplicas(podsN(0), replicaSet("rs", 2000), [], now_ms);
  t.equal(big.action === "create" ? big.count : -1, BURST_REPLICAS, "creations capped at 500 per sync");
  const del = manageReplicas(podsN(5), replicaSet("rs", 2), podsN(5), now_ms);
  t.equal(del.action, "delete");
  t.equal(del.action === "delete" ? del.pods.length : -1, 3);
  const bigDel = manageReplicas(podsN(600), replicaSet("rs", 0), [], now_ms);
  t.equal(bigDel.action === "delete" ? bigDel.pods.length : -1, BURST_REPLICAS, "deletions capped at 500 per sync");
  const small = manageReplicas(podsN(0), replicaSet("rs", 20), [], now_ms, {
    burstReplicas: 7,
    gates: { podDeletionCost: true, logarithmicScaleDown: true },
  });
  t.same(small, { action: "create", count: 7, batchSizes: [1, 2, 4] });
});

t.test("TestGetPodsToDelete", async (t) => {
  const unscheduledPendingPod = pod("unscheduled-pending-pod", { phase: "Pending" });
  const scheduledPendingPod = pod("scheduled-pending-pod", { phase: "Pending", nodeName: "fake-node" });
  const scheduledRunningNotReadyPod = pod("scheduled-running-not-ready-pod", { nodeName: "fake-node", ready: false });
  const scheduledRunningReadyPodOnNode1 = pod("scheduled-running-ready-pod-on-node-1", { nodeName: "fake-node-1", ready: true });
  const scheduledRunningReadyPodOnNode2 = pod("scheduled-running-ready-pod-on-node-2", { nodeName: "fake-node-2", ready: true });
  const tests: { name: string; pods: Pod[]; related?: Pod[]; diff: number; expected: Pod[] }[] = [
    { name: "len(pods) = 0 (i.e., diff = 0 too)", pods: [], diff: 0, expected: [] },
    {
      name: "diff = len(pods)",
      pods: [scheduledRunningNotReadyPod, scheduledRunningReadyPodOnNode1],
      diff: 2,
      expected: [scheduledRunningNotReadyPod, scheduledRunningReadyPodOnNode1],
    },
    {
      name: "diff < len(pods)",
      pods: [scheduledRunningReadyPodOnNode1, scheduledRunningNotReadyPod],
      diff: 1,
      expected: [scheduledRunningNotReadyPod],
    },
    {
      name: "various pod phases and conditions, diff = len(pods)",
      pods: [
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode2,
        scheduledRunningNotReadyPod,
        scheduledPendingPod,
        unscheduledPendingPod,
      ],
      diff: 6,
      expected: [
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode2,
        scheduledRunningNotReadyPod,
        scheduledPendingPod,
        unscheduledPendingPod,
      ],
    },
    {
      name: "various pod phases and conditions, diff = len(pods), relatedPods empty",
      pods: [
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode2,
        scheduledRunningNotReadyPod,
        scheduledPendingPod,
        unscheduledPendingPod,
      ],
      related: [],
      diff: 6,
      expected: [
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode1,
        scheduledRunningReadyPodOnNode2,
        scheduledRunningNotReadyPod,
        scheduledPendingPod,
        unscheduledPendingPod,
      ],
    },
    { name: "scheduled vs unscheduled, diff < len(pods)", pods: [scheduledPendingPod, unscheduledPendingPod], diff: 1, expected: [unscheduledPendingPod] },
    {
      name: "ready vs not-ready, diff < len(pods)",
      pods: [scheduledRunningReadyPodOnNode1, scheduledRunningNotReadyPod, scheduledRunningNotReadyPod],
      diff: 2,
      expected: [scheduledRunningNotReadyPod, scheduledRunningNotReadyPod],
    },
    {
      name: "ready and colocated with another ready pod vs not colocated, diff < len(pods)",
      pods: [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2],
      related: [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2, scheduledRunningReadyPodOnNode2],
      diff: 1,
      expected: [scheduledRunningReadyPodOnNode2],
    },
    { name: "pending vs running, diff < len(pods)", pods: [scheduledPendingPod, scheduledRunningNotReadyPod], diff: 1, expected: [scheduledPendingPod] },
    {
      name: "various pod phases and conditions, diff < len(pods)",
      pods: [scheduledRunningReadyPodOnNode1, scheduledRunningReadyPodOnNode2, scheduledRunningNotReadyPod, scheduledPendingPod, unscheduledPendingPod],
      diff: 3,
      expected: [unscheduledPendingPod, scheduledPendingPod, scheduledRunningNotReadyPod],
    },
  ];
  for (const test of tests) {
    const got = getPodsToDelete(test.pods, test.related ?? test.pods, test.diff, now_ms);
    t.same(names(got), names(test.expected), test.name);
  }
});

t.test("ranks count active related pods per node", async (t) => {
  const a = pod("a", { nodeName: "n1" });
  const b = pod("b", { nodeName: "n1" });
  const gone = pod("gone", { nodeName: "n1", deleted_ms: 5 });
  const done = pod("done", { nodeName: "n2", phase: "Succeeded" });
  const c = pod("c", { nodeName: "n2" });
  const ranked = getPodsRankedByRelatedPodsOnSameNode([a, c], [a, b, gone, done, c]);
  t.same(ranked.map((r) => [r.pod.metadata.name, r.rank]), [["a", 2], ["c", 1]]);
});
