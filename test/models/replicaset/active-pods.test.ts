import t from "tap";
import {
  activePodsLess,
  activePodsWithRanksLess,
  getDeletionCostFromPodAnnotations,
  logarithmicRankDiff,
  POD_DELETION_COST_ANNOTATION,
  sortActivePodsWithRanks,
  type RankedPod,
} from "../../../models/replicaset/active-pods.js";
import type { Pod } from "../../../models/cluster/types.js";
import { names, pod } from "./fixtures.js";

const HOUR_MS = 3_600_000;
const MONTH_MS = 30 * 24 * HOUR_MS;
const now_ms = 6 * MONTH_MS;
const then_ms = now_ms - MONTH_MS;

// Deterministic shuffles (an LCG), standing in for upstream's 20 rand.Perm rounds.
function permutations<T>(items: readonly T[], rounds: number): T[][] {
  let seed = 12345;
  const out: T[][] = [];
  for (let r = 0; r < rounds; r++) {
    const a = [...items];
    for (let i = a.length - 1; i > 0; i--) {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      const j = seed % (i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    out.push(a);
  }
  return out;
}

t.test("TestSortingActivePods (ActivePods.Less)", async (t) => {
  // Upstream's "runningNoLastTransitionTime" row needs Go's zero time, which kubesim pod times
  // never hold; the rest of the table is as upstream.
  const pods: Pod[] = [
    pod("unscheduled", { nodeName: "", phase: "Pending" }),
    pod("scheduledButPending", { nodeName: "bar", phase: "Pending" }),
    pod("unknownPhase", { nodeName: "foo", phase: "Unknown" }),
    pod("runningButNotReady", { nodeName: "foo", phase: "Running" }),
    pod("runningWithLastTransitionTime", { nodeName: "foo", ready: true, readySince_ms: now_ms, restarts: [3, 0] }),
    pod("runningLongerTime", { nodeName: "foo", ready: true, readySince_ms: then_ms, restarts: [3, 0] }),
    pod("lowerContainerRestartCount", { nodeName: "foo", ready: true, readySince_ms: then_ms, restarts: [2, 1], created_ms: now_ms }),
    pod("oldest", { nodeName: "foo", ready: true, readySince_ms: then_ms, restarts: [2, 1], created_ms: then_ms }),
  ];
  const wantOrder = names(pods);
  for (const perm of permutations(pods, 20)) {
    const sorted = [...perm].sort((a, b) => (activePodsLess(a, b) ? -1 : activePodsLess(b, a) ? 1 : 0));
    t.same(names(sorted), wantOrder);
  }
});

t.test("TestSortingActivePodsWithRanks", async (t) => {
  const then2Hours = now_ms - 2 * HOUR_MS;
  const then5Hours = now_ms - 5 * HOUR_MS;
  const then8Hours = now_ms - 8 * HOUR_MS;
  const mk = (
    name: string,
    nodeName: string,
    phase: Pod["status"]["phase"],
    ready: boolean,
    restarts: number,
    readySince_ms: number,
    created_ms: number,
    annotations: Record<string, string> = {},
  ) => pod(name, { nodeName, phase, ready: ready ? true : undefined, readySince_ms, created_ms, restarts: ready ? [restarts] : [], annotations, uid: "" });
  const unscheduledPod = mk("unscheduled", "", "Pending", false, 0, 0, 0);
  const scheduledPendingPod = mk("pending", "node", "Pending", false, 0, 0, 0);
  const unknownPhasePod = mk("unknown-phase", "node", "Unknown", false, 0, 0, 0);
  const runningNotReadyPod = mk("not-ready", "node", "Running", false, 0, 0, 0);
  const runningReadyNow = mk("ready-now", "node", "Running", true, 0, now_ms, now_ms);
  const runningReadyThen = mk("ready-then", "node", "Running", true, 0, then_ms, then_ms);
  const runningReadyNowHighRestarts = mk("ready-high-restarts", "node", "Running", true, 9001, now_ms, now_ms);
  const runningReadyNowCreatedThen = mk("ready-now-created-then", "node", "Running", true, 0, now_ms, then_ms);
  const lowPodDeletionCost = mk("low-deletion-cost", "node", "Running", true, 0, now_ms, then_ms, { [POD_DELETION_COST_ANNOTATION]: "10" });
  const highPodDeletionCost = mk("high-deletion-cost", "node", "Running", true, 0, now_ms, then_ms, { [POD_DELETION_COST_ANNOTATION]: "100" });
  const unscheduled5Hours = mk("unscheduled-5-hours", "", "Pending", false, 0, then5Hours, then5Hours);
  const unscheduled8Hours = mk("unscheduled-10-hours", "", "Pending", false, 0, then8Hours, then8Hours);
  const ready2Hours = mk("ready-2-hours", "", "Running", true, 0, then2Hours, then_ms);
  const ready5Hours = mk("ready-5-hours", "", "Running", true, 0, then5Hours, then_ms);
  const ready10Hours = mk("ready-10-hours", "", "Running", true, 0, then8Hours, then_ms);

  const equalityTests: { p1: Pod; p2?: Pod; disableLogarithmicScaleDown?: boolean }[] = [
    { p1: unscheduledPod },
    { p1: scheduledPendingPod },
    { p1: unknownPhasePod },
    { p1: runningNotReadyPod },
    { p1: runningReadyNowCreatedThen },
    { p1: runningReadyNow },
    { p1: runningReadyThen },
    { p1: runningReadyNowHighRestarts },
    { p1: runningReadyNowCreatedThen },
    // 5 h and 8 h share the log2 bucket (2^44 ns), and the UIDs are equal.
    { p1: unscheduled5Hours, p2: unscheduled8Hours },
    { p1: ready5Hours, p2: ready10Hours },
  ];
  for (const [i, test] of equalityTests.entries()) {
    const gates = { podDeletionCost: true, logarithmicScaleDown: !test.disableLogarithmicScaleDown };
    const a: RankedPod = { pod: test.p1, rank: 1 };
    const b: RankedPod = { pod: test.p2 ?? test.p1, rank: 1 };
    t.notOk(activePodsWithRanksLess(a, b, now_ms, gates) || activePodsWithRanksLess(b, a, now_ms, gates), `equality ${i}: ${test.p1.metadata.name}`);
  }

  // Upstream's rows with "ready-no-last-transition-time" test Go's zero time; the one that
  // depends on it (no-LTT < ready-now) is dropped, the two decided earlier are kept with a set time.
  const runningReadyOtherTime = mk("ready-other", "node", "Running", true, 0, now_ms - 1000, now_ms);
  const inequalityTests: { lesser: RankedPod; greater: RankedPod; disablePodDeletionCost?: boolean; disableLogarithmicScaleDown?: boolean }[] = [
    { lesser: { pod: unscheduledPod, rank: 1 }, greater: { pod: scheduledPendingPod, rank: 2 } },
    { lesser: { pod: unscheduledPod, rank: 2 }, greater: { pod: scheduledPendingPod, rank: 1 } },
    { lesser: { pod: scheduledPendingPod, rank: 1 }, greater: { pod: unknownPhasePod, rank: 2 } },
    { lesser: { pod: unknownPhasePod, rank: 1 }, greater: { pod: runningNotReadyPod, rank: 2 } },
    { lesser: { pod: runningNotReadyPod, rank: 1 }, greater: { pod: runningReadyOtherTime, rank: 1 } },
    { lesser: { pod: runningReadyNow, rank: 2 }, greater: { pod: runningReadyOtherTime, rank: 1 } },
    { lesser: { pod: runningReadyNow, rank: 1 }, greater: { pod: runningReadyThen, rank: 1 } },
    { lesser: { pod: runningReadyNow, rank: 2 }, greater: { pod: runningReadyThen, rank: 1 } },
    { lesser: { pod: runningReadyNowHighRestarts, rank: 1 }, greater: { pod: runningReadyNow, rank: 1 } },
    { lesser: { pod: runningReadyNow, rank: 2 }, greater: { pod: runningReadyNowHighRestarts, rank: 1 } },
    { lesser: { pod: runningReadyNow, rank: 1 }, greater: { pod: runningReadyNowCreatedThen, rank: 1 } },
    { lesser: { pod: runningReadyNowCreatedThen, rank: 2 }, greater: { pod: runningReadyNow, rank: 1 } },
    { lesser: { pod: lowPodDeletionCost, rank: 2 }, greater: { pod: highPodDeletionCost, rank: 1 } },
    { lesser: { pod: highPodDeletionCost, rank: 2 }, greater: { pod: lowPodDeletionCost, rank: 1 }, disablePodDeletionCost: true },
    { lesser: { pod: ready2Hours, rank: 1 }, greater: { pod: ready5Hours, rank: 1 } },
    // Without LogarithmicScaleDown the exact ready time decides: 5 h is newer than 8 h.
    { lesser: { pod: ready5Hours, rank: 1 }, greater: { pod: ready10Hours, rank: 1 }, disableLogarithmicScaleDown: true },
  ];
  for (const [i, test] of inequalityTests.entries()) {
    const gates = { podDeletionCost: !test.disablePodDeletionCost, logarithmicScaleDown: !test.disableLogarithmicScaleDown };
    const label = `inequality ${i}: ${test.lesser.pod.metadata.name}/${test.lesser.rank} < ${test.greater.pod.metadata.name}/${test.greater.rank}`;
    t.ok(activePodsWithRanksLess(test.lesser, test.greater, now_ms, gates), label);
    t.notOk(activePodsWithRanksLess(test.greater, test.lesser, now_ms, gates), label + " (reverse)");
  }
});

t.test("same log2 age bucket falls back to UID order", async (t) => {
  const a = pod("a", { nodeName: "n", ready: true, readySince_ms: now_ms - 5 * HOUR_MS, uid: "uid-b" });
  const b = pod("b", { nodeName: "n", ready: true, readySince_ms: now_ms - 8 * HOUR_MS, uid: "uid-a" });
  t.ok(activePodsWithRanksLess({ pod: b, rank: 0 }, { pod: a, rank: 0 }, now_ms));
  t.notOk(activePodsWithRanksLess({ pod: a, rank: 0 }, { pod: b, rank: 0 }, now_ms));
  // A null Now (Go's zero Now) compares exact times: the newer (5 h) goes first.
  t.ok(activePodsWithRanksLess({ pod: a, rank: 0 }, { pod: b, rank: 0 }, null));
});

t.test("logarithmicRankDiff buckets ages in ns on a log2 scale", async (t) => {
  const cases: { t1: number; t2: number; want: number }[] = [
    { t1: now_ms - 1000, t2: now_ms - 2000, want: -1 }, // 1e9 ns -> 29, 2e9 ns -> 30
    { t1: now_ms - 2 * HOUR_MS, t2: now_ms - 5 * HOUR_MS, want: -2 }, // 42 vs 44
    { t1: now_ms - 5 * HOUR_MS, t2: now_ms - 8 * HOUR_MS, want: 0 }, // both 44
    { t1: now_ms, t2: now_ms - 1, want: -1 - 19 }, // age 0 ranks -1; 1e6 ns -> 19
    { t1: now_ms + 5000, t2: now_ms, want: 0 }, // non-positive ages both rank -1
  ];
  for (const c of cases) t.equal(logarithmicRankDiff(c.t1, c.t2, now_ms), c.want, `${now_ms - c.t1} vs ${now_ms - c.t2}`);
});

t.test("GetDeletionCostFromPodAnnotations", async (t) => {
  const cases: [string | undefined, number][] = [
    [undefined, 0],
    ["10", 10],
    ["-5", -5],
    ["0", 0],
    ["+10", 0],
    ["008", 0],
    ["", 0],
    ["1.5", 0],
    ["abc", 0],
    ["2147483647", 2147483647],
    ["2147483648", 0],
    ["-2147483648", -2147483648],
    ["-2147483649", 0],
  ];
  for (const [value, want] of cases) {
    const annotations: Record<string, string> = value === undefined ? {} : { [POD_DELETION_COST_ANNOTATION]: value };
    t.equal(getDeletionCostFromPodAnnotations(annotations), want, JSON.stringify(value));
  }
});

t.test("sortActivePodsWithRanks is a total order independent of input order", async (t) => {
  // Equivalent pods (same everything but identity) plus a mix that upstream leaves to Go's sort.
  const pods: RankedPod[] = [
    { pod: pod("p1", { nodeName: "n1", ready: true, readySince_ms: now_ms - 5 * HOUR_MS, uid: "u3" }), rank: 2 },
    { pod: pod("p2", { nodeName: "n1", ready: true, readySince_ms: now_ms - 6 * HOUR_MS, uid: "u1" }), rank: 2 },
    { pod: pod("p3", { nodeName: "n2", ready: true, readySince_ms: now_ms - 5 * HOUR_MS, uid: "u2", restarts: [4] }), rank: 2 },
    { pod: pod("p4", { nodeName: "n2", ready: true, readySince_ms: now_ms - 5 * HOUR_MS, uid: "u4" }), rank: 1 },
    { pod: pod("p5", { nodeName: "", phase: "Pending", uid: "u5" }), rank: 1 },
    { pod: pod("p6", { nodeName: "", phase: "Pending", uid: "u6" }), rank: 1 },
  ];
  const expected = names(sortActivePodsWithRanks(pods, now_ms).map((r) => r.pod));
  t.same(expected.slice(0, 2), ["p5", "p6"], "unscheduled first, then by uid");
  t.equal(expected[expected.length - 1], "p4", "lowest rank last");
  for (const perm of permutations(pods, 20)) t.same(names(sortActivePodsWithRanks(perm, now_ms).map((r) => r.pod)), expected);
});
