import t from "tap";
import type { Deployment, ReplicaSet } from "../../../models/cluster/types.js";
import { cleanupDeployment, calculateStatus, checkPausedConditions, isScalingEvent, scale } from "../../../models/deployment/sync.js";
import { maxSurge, RevisionAnnotation, setReplicasAnnotations } from "../../../models/deployment/util.js";
import { newDeployment, rs, withAnnotations } from "./fixtures.js";

const HOUR_MS = 3_600_000;
const newTimestamp = 2 * HOUR_MS;
const oldTimestamp = 1 * HOUR_MS;
const olderTimestamp = 0;

t.test("TestScale (proportional scaling)", async (t) => {
  const d = (replicas: number, surge?: number, unavailable?: number) => newDeployment("foo", replicas, { maxSurge: surge, maxUnavailable: unavailable });
  const tests: {
    name: string;
    deployment: Deployment;
    oldDeployment: Deployment;
    newRS: ReplicaSet | null;
    oldRSs: ReplicaSet[];
    expectedNew: number | null;
    expectedOld: number[];
    wasntUpdated?: string[];
    desiredReplicasAnnotations?: Record<string, number>;
  }[] = [
    { name: "normal scaling event: 10 -> 12", deployment: d(12), oldDeployment: d(10), newRS: rs("foo-v1", 10, newTimestamp), oldRSs: [], expectedNew: 12, expectedOld: [] },
    { name: "normal scaling event: 10 -> 5", deployment: d(5), oldDeployment: d(10), newRS: rs("foo-v1", 10, newTimestamp), oldRSs: [], expectedNew: 5, expectedOld: [] },
    { name: "proportional scaling: 5 -> 10", deployment: d(10), oldDeployment: d(5), newRS: rs("foo-v2", 2, newTimestamp), oldRSs: [rs("foo-v1", 3, oldTimestamp)], expectedNew: 4, expectedOld: [6] },
    { name: "proportional scaling: 5 -> 3", deployment: d(3), oldDeployment: d(5), newRS: rs("foo-v2", 2, newTimestamp), oldRSs: [rs("foo-v1", 3, oldTimestamp)], expectedNew: 1, expectedOld: [2] },
    { name: "proportional scaling: 9 -> 4", deployment: d(4), oldDeployment: d(9), newRS: rs("foo-v2", 8, newTimestamp), oldRSs: [rs("foo-v1", 1, oldTimestamp)], expectedNew: 4, expectedOld: [0] },
    {
      name: "proportional scaling: 7 -> 10",
      deployment: d(10),
      oldDeployment: d(7),
      newRS: rs("foo-v3", 2, newTimestamp),
      oldRSs: [rs("foo-v2", 3, oldTimestamp), rs("foo-v1", 2, olderTimestamp)],
      expectedNew: 3,
      expectedOld: [4, 3],
    },
    {
      name: "proportional scaling: 13 -> 8",
      deployment: d(8),
      oldDeployment: d(13),
      newRS: rs("foo-v3", 2, newTimestamp),
      oldRSs: [rs("foo-v2", 8, oldTimestamp), rs("foo-v1", 3, olderTimestamp)],
      expectedNew: 1,
      expectedOld: [5, 2],
    },
    {
      name: "leftover distribution: 3 -> 4",
      deployment: d(4),
      oldDeployment: d(3),
      newRS: rs("foo-v3", 1, newTimestamp),
      oldRSs: [rs("foo-v2", 1, oldTimestamp), rs("foo-v1", 1, olderTimestamp)],
      expectedNew: 2,
      expectedOld: [1, 1],
    },
    {
      name: "leftover distribution: 3 -> 2",
      deployment: d(2),
      oldDeployment: d(3),
      newRS: rs("foo-v3", 1, newTimestamp),
      oldRSs: [rs("foo-v2", 1, oldTimestamp), rs("foo-v1", 1, olderTimestamp)],
      expectedNew: 1,
      expectedOld: [1, 0],
    },
    {
      name: "proportional scaling (no new rs): 4 -> 5",
      deployment: d(5),
      oldDeployment: d(4),
      newRS: null,
      oldRSs: [rs("foo-v2", 2, oldTimestamp), rs("foo-v1", 2, olderTimestamp)],
      expectedNew: null,
      expectedOld: [3, 2],
    },
    {
      name: "proportional scaling: 6 -> 0",
      deployment: d(0),
      oldDeployment: d(6),
      newRS: rs("foo-v3", 3, newTimestamp),
      oldRSs: [rs("foo-v2", 2, oldTimestamp), rs("foo-v1", 1, olderTimestamp)],
      expectedNew: 0,
      expectedOld: [0, 0],
    },
    {
      name: "proportional scaling: 0 -> 6",
      deployment: d(6),
      oldDeployment: d(6),
      newRS: rs("foo-v3", 0, newTimestamp),
      oldRSs: [rs("foo-v2", 0, oldTimestamp), rs("foo-v1", 0, olderTimestamp)],
      expectedNew: 6,
      expectedOld: [0, 0],
      wasntUpdated: ["foo-v2", "foo-v1"],
    },
    {
      // foo-v3 and foo-v1 updates fail upstream; only foo-v2's write is observed.
      name: "failed rs update",
      deployment: d(5),
      oldDeployment: d(5),
      newRS: rs("foo-v3", 2, newTimestamp),
      oldRSs: [rs("foo-v2", 1, oldTimestamp), rs("foo-v1", 1, olderTimestamp)],
      expectedNew: 2,
      expectedOld: [2, 1],
      wasntUpdated: ["foo-v3", "foo-v1"],
      desiredReplicasAnnotations: { "foo-v2": 3 },
    },
    {
      name: "deployment with surge pods",
      deployment: d(20, 2),
      oldDeployment: d(10, 2),
      newRS: rs("foo-v2", 6, newTimestamp),
      oldRSs: [rs("foo-v1", 6, oldTimestamp)],
      expectedNew: 11,
      expectedOld: [11],
    },
    {
      name: "change both surge and size",
      deployment: d(50, 6),
      oldDeployment: d(10, 3),
      newRS: rs("foo-v2", 5, newTimestamp),
      oldRSs: [rs("foo-v1", 8, oldTimestamp)],
      expectedNew: 22,
      expectedOld: [34],
    },
    {
      name: "change both size and template",
      deployment: d(14),
      oldDeployment: d(10),
      newRS: null,
      oldRSs: [rs("foo-v2", 7, newTimestamp), rs("foo-v1", 3, oldTimestamp)],
      expectedNew: null,
      expectedOld: [10, 4],
    },
    {
      name: "saturated but broken new replica set does not affect old pods",
      deployment: d(2, 1, 1),
      oldDeployment: d(2, 1, 1),
      newRS: rs("foo-v2", 2, newTimestamp, { available: 0 }),
      oldRSs: [rs("foo-v1", 1, oldTimestamp)],
      expectedNew: 2,
      expectedOld: [1],
    },
  ];
  for (const test of tests) {
    // The annotations the previous resize left: sized for oldDeployment.
    const annotate = (r: ReplicaSet): ReplicaSet => {
      const desired = test.desiredReplicasAnnotations?.[r.metadata.name] ?? test.oldDeployment.spec.replicas;
      return withAnnotations(r, setReplicasAnnotations({}, desired, desired + maxSurge(test.oldDeployment)).annotations);
    };
    const newRS = test.newRS === null ? null : annotate(test.newRS);
    const oldRSs = test.oldRSs.map(annotate);
    const actions = scale(test.deployment, newRS, oldRSs);
    const nameToSize = new Map<string, number>();
    if (newRS !== null) nameToSize.set(newRS.metadata.name, newRS.spec.replicas);
    for (const r of oldRSs) nameToSize.set(r.metadata.name, r.spec.replicas);
    for (const a of actions) if (!(test.wasntUpdated ?? []).includes(a.replicaSetName)) nameToSize.set(a.replicaSetName, a.newReplicas);
    if (test.expectedNew !== null && newRS !== null) t.equal(nameToSize.get(newRS.metadata.name), test.expectedNew, `${test.name}: new`);
    t.same(oldRSs.map((r) => nameToSize.get(r.metadata.name)), test.expectedOld, `${test.name}: old`);
  }
});

t.test("scale writes the new size into every active ReplicaSet's annotations", async (t) => {
  const d = newDeployment("foo", 10, { maxSurge: 2 });
  const prev = (r: ReplicaSet) => withAnnotations(r, setReplicasAnnotations({}, 5, 7).annotations);
  const actions = scale(d, prev(rs("foo-v2", 2, newTimestamp)), [prev(rs("foo-v1", 3, oldTimestamp))]);
  t.same(
    actions.map((a) => [a.replicaSetName, a.oldReplicas, a.newReplicas, a.desiredReplicas, a.maxReplicas, a.scalingOperation]),
    // Sized for 5+2, now 10+2: 7 to add. Largest first: foo-v1 round(3*12/7)-3 = +2, foo-v2
    // round(2*12/7)-2 = +1; the leftover 4 goes to the first (largest): foo-v1 3+2+4 = 9.
    [
      ["foo-v1", 3, 9, 10, 12, "up"],
      ["foo-v2", 2, 3, 10, 12, "up"],
    ],
  );
});

t.test("HPA resize mid-rollout: isScalingEvent then proportional scale", async (t) => {
  // A rollout at 25%/25% of 10 replicas is half way (old 5, new 8); the HPA sets 20.
  const before = newDeployment("web", 10, { maxSurge: "25%", maxUnavailable: "25%" });
  const sized = (r: ReplicaSet) => withAnnotations(r, setReplicasAnnotations({}, 10, 13).annotations);
  const newRS = sized(rs("web-new", 8, newTimestamp, { available: 3 }));
  const oldRS = sized(rs("web-old", 5, oldTimestamp, { available: 5 }));
  t.notOk(isScalingEvent(before, newRS, [oldRS]), "no resize yet");
  const after = newDeployment("web", 20, { maxSurge: "25%", maxUnavailable: "25%" });
  t.ok(isScalingEvent(after, newRS, [oldRS]), "desired-replicas 10 != 20");
  // allowed 20 + 5 = 25, current 13 -> +12: new gets round(8*25/13)-8 = 7, old round(5*25/13)-5 = 5.
  t.same(scale(after, newRS, [oldRS]).map((a) => [a.replicaSetName, a.newReplicas, a.maxReplicas]), [
    ["web-new", 15, 25],
    ["web-old", 10, 25],
  ]);
});

t.test("calculateStatus sets Available from minimum availability", async (t) => {
  const d = newDeployment("d", 10, { maxSurge: "25%", maxUnavailable: "25%" });
  const newRS = rs("new", 5, 0, { statusReplicas: 5, available: 3 });
  const oldRS = rs("old", 6, 0, { statusReplicas: 6, available: 5 });
  const s = calculateStatus([oldRS, newRS], newRS, d, 777);
  t.same(
    [s.observedGeneration, s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas],
    [1, 11, 5, 0, 8, 3],
  );
  t.same(s.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime_ms]), [["Available", "True", "MinimumReplicasAvailable", 777]]);
  const low = calculateStatus([rs("old", 10, 0, { statusReplicas: 10, available: 7 })], null, { ...d, status: { ...d.status, conditions: s.conditions } }, 900);
  t.same(low.conditions.map((c) => [c.type, c.status, c.reason, c.lastTransitionTime_ms]), [["Available", "False", "MinimumReplicasUnavailable", 900]]);
  t.equal(low.updatedReplicas, 0, "no new RS: no updated replicas");
});

t.test("cleanupDeployment keeps revisionHistoryLimit old ReplicaSets", async (t) => {
  const rev = (r: ReplicaSet, n: number) => withAnnotations(r, { [RevisionAnnotation]: String(n) });
  const olds = [rev(rs("r3", 0, 3000), 3), rev(rs("r1", 0, 1000), 1), rev(rs("r2", 0, 2000), 2), rev(rs("r4", 1, 4000), 4)];
  t.same(cleanupDeployment(olds, newDeployment("d", 1, { revisionHistoryLimit: 1 })), ["r1", "r2", "r3"]);
  t.same(cleanupDeployment(olds, newDeployment("d", 1, { revisionHistoryLimit: 2 })), ["r1", "r2"]);
  t.same(cleanupDeployment(olds, newDeployment("d", 1, { revisionHistoryLimit: 0 })), ["r1", "r2", "r3"], "r4 still has replicas");
  t.same(cleanupDeployment(olds, newDeployment("d", 1)), [], "MaxInt32: keep all");
});

t.test("checkPausedConditions", async (t) => {
  const d = newDeployment("d", 1);
  const paused = { ...d, spec: { ...d.spec, paused: true } };
  const conds = checkPausedConditions(paused, 50);
  t.same(conds?.map((c) => [c.type, c.status, c.reason]), [["Progressing", "Unknown", "DeploymentPaused"]]);
  t.equal(checkPausedConditions({ ...paused, status: { ...paused.status, conditions: conds! } }, 60), null, "already paused");
  const resumed = checkPausedConditions({ ...d, status: { ...d.status, conditions: conds! } }, 70);
  t.same(resumed?.map((c) => [c.type, c.status, c.reason]), [["Progressing", "Unknown", "DeploymentResumed"]]);
});
