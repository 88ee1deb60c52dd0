import t from "tap";
import {
  cleanupUnhealthyReplicas,
  reconcileNewReplicaSet,
  reconcileOldReplicaSets,
  scaleDownOldReplicaSetsForRollingUpdate,
} from "../../../models/deployment/rolling.js";
import { newDeployment, rs } from "./fixtures.js";

t.test("TestDeploymentController_reconcileNewReplicaSet", async (t) => {
  const tests = [
    { deploymentReplicas: 10, maxSurge: 0, oldReplicas: 10, newReplicas: 0, scaleExpected: false }, // should not scale up
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 2 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 5, newReplicas: 0, scaleExpected: true, expectedNewReplicas: 7 },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 10, newReplicas: 2, scaleExpected: false },
    { deploymentReplicas: 10, maxSurge: 2, oldReplicas: 2, newReplicas: 11, scaleExpected: true, expectedNewReplicas: 10 }, // should scale down
  ];
  for (const [i, test] of tests.entries()) {
    const newRS = rs("foo-v2", test.newReplicas);
    const oldRS = rs("foo-v2", test.oldReplicas);
    const d = newDeployment("foo", test.deploymentReplicas, { maxSurge: test.maxSurge, maxUnavailable: 0, selector: { foo: "bar" } });
    const got = reconcileNewReplicaSet([newRS, oldRS], newRS, d);
    if (!test.scaleExpected) {
      t.same(got, { scaled: false, actions: [] }, `scenario ${i}: no scaling`);
      continue;
    }
    t.equal(got.scaled, true, `scenario ${i}: scaled`);
    t.equal(got.actions.length, 1, `scenario ${i}: one update`);
    t.equal(got.actions[0].newReplicas, test.expectedNewReplicas, `scenario ${i}: new replicas`);
    t.equal(got.actions[0].desiredReplicas, test.deploymentReplicas, `scenario ${i}: desired-replicas annotation`);
    t.equal(got.actions[0].maxReplicas, test.deploymentReplicas + test.maxSurge, `scenario ${i}: max-replicas annotation`);
  }
});

t.test("TestDeploymentController_reconcileOldReplicaSets", async (t) => {
  const tests = [
    { deploymentReplicas: 10, maxUnavailable: 0, oldReplicas: 10, newReplicas: 0, readyPodsFromOldRS: 10, readyPodsFromNewRS: 0, scaleExpected: true, expectedOldReplicas: 9 },
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyPodsFromOldRS: 10, readyPodsFromNewRS: 0, scaleExpected: true, expectedOldReplicas: 8 },
    // unhealthy replicas from old replica sets are cleaned up
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyPodsFromOldRS: 8, readyPodsFromNewRS: 0, scaleExpected: true, expectedOldReplicas: 8 },
    // 1 unhealthy replica cleaned up, and 1 ready pod scaled down
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 10, newReplicas: 0, readyPodsFromOldRS: 9, readyPodsFromNewRS: 0, scaleExpected: true, expectedOldReplicas: 8 },
    // the unavailable pods from the newRS would not make us scale down old RSs in a further step
    { deploymentReplicas: 10, maxUnavailable: 2, oldReplicas: 8, newReplicas: 2, readyPodsFromOldRS: 8, readyPodsFromNewRS: 0, scaleExpected: false, expectedOldReplicas: 8 },
  ];
  for (const [i, test] of tests.entries()) {
    const newRS = rs("foo-new", test.newReplicas, 0, { available: test.readyPodsFromNewRS });
    const oldRS = rs("foo-old", test.oldReplicas, 0, { available: test.readyPodsFromOldRS });
    const d = newDeployment("foo", test.deploymentReplicas, { maxSurge: 0, maxUnavailable: test.maxUnavailable, selector: { foo: "new" } });
    const got = reconcileOldReplicaSets([oldRS, newRS], [oldRS], newRS, d);
    t.equal(got.scaled, test.scaleExpected, `scenario ${i}: scaled`);
    // Upstream only checks `scaled`; the final size after all writes is checked here too.
    const last = got.actions.filter((a) => a.replicaSetName === "foo-old").at(-1);
    t.equal(last?.newReplicas ?? test.oldReplicas, test.expectedOldReplicas, `scenario ${i}: old replicas`);
  }
  // scenario 3 in detail: cleanup removes the unhealthy pod, then one healthy pod goes.
  const d = newDeployment("foo", 10, { maxSurge: 0, maxUnavailable: 2 });
  const newRS = rs("foo-new", 0);
  const oldRS = rs("foo-old", 10, 0, { available: 9 });
  t.same(
    reconcileOldReplicaSets([oldRS, newRS], [oldRS], newRS, d).actions.map((a) => [a.oldReplicas, a.newReplicas]),
    [[10, 9], [9, 8]],
  );
});

t.test("TestDeploymentController_cleanupUnhealthyReplicas", async (t) => {
  const tests = [
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 1, cleanupCountExpected: 1 },
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 3, cleanupCountExpected: 2 },
    { oldReplicas: 10, readyPods: 8, maxCleanupCount: 0, cleanupCountExpected: 0 },
    { oldReplicas: 10, readyPods: 10, maxCleanupCount: 3, cleanupCountExpected: 0 },
  ];
  for (const [i, test] of tests.entries()) {
    const oldRS = rs("foo-v2", test.oldReplicas, 0, { available: test.readyPods });
    const d = newDeployment("foo", 10, { maxSurge: 2, maxUnavailable: 2 });
    const got = cleanupUnhealthyReplicas([oldRS], d, test.maxCleanupCount);
    t.equal(got.cleanupCount, test.cleanupCountExpected, `scenario ${i}`);
    t.equal(got.oldRSs[0].spec.replicas, test.oldReplicas - test.cleanupCountExpected, `scenario ${i}: updated copy carried on`);
    t.equal(oldRS.spec.replicas, test.oldReplicas, `scenario ${i}: input untouched`);
  }
  // Oldest first across several old ReplicaSets.
  const d = newDeployment("foo", 10, { maxSurge: 2, maxUnavailable: 2 });
  const got = cleanupUnhealthyReplicas([rs("newer", 4, 2000, { available: 1 }), rs("older", 3, 1000, { available: 2 })], d, 3);
  t.same(got.actions.map((a) => [a.replicaSetName, a.newReplicas]), [["older", 2], ["newer", 2]]);
});

t.test("TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate", async (t) => {
  const tests = [
    { deploymentReplicas: 10, maxUnavailable: 0, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 9 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 10, scaleExpected: true, expectedOldReplicas: 8 },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 8, oldReplicas: 10, scaleExpected: false },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 10, oldReplicas: 0, scaleExpected: false },
    { deploymentReplicas: 10, maxUnavailable: 2, readyPods: 1, oldReplicas: 10, scaleExpected: false },
  ];
  for (const [i, test] of tests.entries()) {
    const oldRS = rs("foo-v2", test.oldReplicas, 0, { available: test.readyPods });
    const d = newDeployment("foo", test.deploymentReplicas, { maxSurge: 0, maxUnavailable: test.maxUnavailable, selector: { foo: "bar" } });
    const got = scaleDownOldReplicaSetsForRollingUpdate([oldRS], [oldRS], d);
    if (!test.scaleExpected) {
      t.equal(got.scaledDownCount, 0, `scenario ${i}: no scaling`);
      t.same(got.actions, [], `scenario ${i}: no update`);
      continue;
    }
    t.ok(got.scaledDownCount > 0, `scenario ${i}: scaled`);
    t.equal(got.actions.length, 1, `scenario ${i}: exactly one update`);
    t.equal(got.actions[0].newReplicas, test.expectedOldReplicas, `scenario ${i}: old replicas`);
  }
});

t.test("a whole 10-replica rollout at 25%/25% in controller steps", async (t) => {
  // New pods become available between steps (as if every new pod turns Ready at once).
  const d = newDeployment("web", 10, { maxSurge: "25%", maxUnavailable: "25%" });
  let oldRS = rs("web-old", 10, 0, { available: 10, statusReplicas: 10 });
  let newRS = rs("web-new", 0, 1000);
  const trace: string[] = [];
  for (let step = 0; step < 20; step++) {
    const up = reconcileNewReplicaSet([oldRS, newRS], newRS, d);
    const actions = up.scaled ? up.actions : reconcileOldReplicaSets([oldRS, newRS], oldRS.spec.replicas > 0 ? [oldRS] : [], newRS, d).actions;
    if (actions.length === 0) break;
    for (const a of actions) {
      if (a.replicaSetName === newRS.metadata.name) newRS = { ...newRS, spec: { ...newRS.spec, replicas: a.newReplicas } };
      else oldRS = { ...oldRS, spec: { ...oldRS.spec, replicas: a.newReplicas } };
    }
    trace.push(`${oldRS.spec.replicas}/${newRS.spec.replicas}`);
    // Pods follow their ReplicaSets; every pod is available by the next sync.
    oldRS = { ...oldRS, status: { ...oldRS.status, replicas: oldRS.spec.replicas, availableReplicas: oldRS.spec.replicas } };
    newRS = { ...newRS, status: { ...newRS.status, replicas: newRS.spec.replicas, availableReplicas: newRS.spec.replicas } };
  }
  // Total never above 13 (10 + surge 3); available never below 8 (10 - 2).
  t.same(trace, ["10/3", "5/3", "5/8", "0/8", "0/10"]);
});
