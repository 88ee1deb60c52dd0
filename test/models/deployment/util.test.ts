import t from "tap";
import { getScaledValueFromIntOrPercent } from "../../../models/deployment/intstr.js";
import {
  DesiredReplicasAnnotation,
  findActiveOrLatest,
  getAvailableReplicaCountForReplicaSets,
  getProportion,
  getReplicaCountForReplicaSets,
  isSaturated,
  MaxReplicasAnnotation,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  resolveFenceposts,
} from "../../../models/deployment/util.js";
import { newDeployment, rs, withAnnotations } from "./fixtures.js";

t.test("TestResolveFenceposts", async (t) => {
  const tests: { maxSurge: string | null; maxUnavailable: string | null; desired: number; surge: number; unavailable: number; error?: boolean }[] = [
    { maxSurge: "0%", maxUnavailable: "0%", desired: 0, surge: 0, unavailable: 1 },
    { maxSurge: "39%", maxUnavailable: "39%", desired: 10, surge: 4, unavailable: 3 },
    { maxSurge: "oops", maxUnavailable: "39%", desired: 10, surge: 0, unavailable: 0, error: true },
    { maxSurge: "55%", maxUnavailable: "urg", desired: 10, surge: 0, unavailable: 0, error: true },
    { maxSurge: null, maxUnavailable: "39%", desired: 10, surge: 0, unavailable: 3 },
    { maxSurge: "39%", maxUnavailable: null, desired: 10, surge: 4, unavailable: 0 },
    { maxSurge: null, maxUnavailable: null, desired: 10, surge: 0, unavailable: 1 },
  ];
  for (const [i, test] of tests.entries()) {
    if (test.error) {
      t.throws(() => resolveFenceposts(test.maxSurge, test.maxUnavailable, test.desired), `#${i} errors`);
      continue;
    }
    t.same(resolveFenceposts(test.maxSurge, test.maxUnavailable, test.desired), { surge: test.surge, unavailable: test.unavailable }, `#${i}`);
  }
});

t.test("rolling-update fenceposts with the default 25%/25%", async (t) => {
  const cases: { replicas: number; surge: number; unavailable: number }[] = [
    { replicas: 10, surge: 3, unavailable: 2 }, // ceil(2.5), floor(2.5)
    { replicas: 1, surge: 1, unavailable: 0 }, // ceil(0.25), floor(0.25)
    { replicas: 4, surge: 1, unavailable: 1 },
    { replicas: 3, surge: 1, unavailable: 0 },
    { replicas: 100, surge: 25, unavailable: 25 },
    { replicas: 7, surge: 2, unavailable: 1 },
  ];
  for (const c of cases) {
    const d = newDeployment("d", c.replicas, { maxSurge: "25%", maxUnavailable: "25%" });
    t.same(resolveFenceposts("25%", "25%", c.replicas), { surge: c.surge, unavailable: c.unavailable }, `${c.replicas} replicas`);
    t.equal(maxSurge(d), c.surge, `MaxSurge ${c.replicas}`);
    t.equal(maxUnavailable(d), c.unavailable, `MaxUnavailable ${c.replicas}`);
    t.equal(minAvailable(d), c.replicas - c.unavailable, `MinAvailable ${c.replicas}`);
  }
  // 0%/0% of anything resolves to unavailable 1 so the rollout can move.
  t.equal(maxUnavailable(newDeployment("d", 10, { maxSurge: "0%", maxUnavailable: "0%" })), 1);
  // Percent of 1 replica that rounds both to 0 (1%/1%) also falls back to unavailable 1.
  t.same(resolveFenceposts("1%", "1%", 1), { surge: 1, unavailable: 0 });
  t.same(resolveFenceposts(0, "1%", 1), { surge: 0, unavailable: 1 });
});

t.test("GetScaledValueFromIntOrPercent", async (t) => {
  t.equal(getScaledValueFromIntOrPercent(3, 10, true), 3);
  t.equal(getScaledValueFromIntOrPercent("33%", 10, true), 4);
  t.equal(getScaledValueFromIntOrPercent("33%", 10, false), 3);
  t.equal(getScaledValueFromIntOrPercent("100%", 7, false), 7);
  t.throws(() => getScaledValueFromIntOrPercent("10", 10, true), "a string must be a percentage");
  t.throws(() => getScaledValueFromIntOrPercent("x%", 10, true));
});

t.test("TestNewRSNewReplicas", async (t) => {
  const tests = [
    { name: "can not scale up - to newRSReplicas", recreate: false, depReplicas: 1, newRSReplicas: 5, maxSurge: 1, expected: 5 },
    { name: "scale up - to depReplicas", recreate: false, depReplicas: 6, newRSReplicas: 2, maxSurge: 10, expected: 6 },
    { name: "recreate - to depReplicas", recreate: true, depReplicas: 3, newRSReplicas: 1, maxSurge: 1, expected: 3 },
  ];
  const rs5 = rs("rs5", 5);
  for (const test of tests) {
    const d = newDeployment("nginx", test.depReplicas, { recreate: test.recreate, maxSurge: test.maxSurge, maxUnavailable: 1 });
    const newRC = rs("new", test.newRSReplicas);
    t.equal(newRSNewReplicas(d, [rs5], newRC), test.expected, test.name);
  }
  // Percent surge rounds up here too: 10 replicas, 25% -> room for 13 pods in total.
  const d = newDeployment("d", 10, { maxSurge: "25%", maxUnavailable: "25%" });
  t.equal(newRSNewReplicas(d, [rs("old", 10), rs("new", 0)], rs("new", 0)), 3);
});

t.test("TestMaxUnavailable", async (t) => {
  const tests: { name: string; replicas: number; maxUnavailable: number | string; recreate?: boolean; expected: number }[] = [
    { name: "maxUnavailable less than replicas", replicas: 10, maxUnavailable: 5, expected: 5 },
    { name: "maxUnavailable equal replicas", replicas: 10, maxUnavailable: 10, expected: 10 },
    { name: "maxUnavailable greater than replicas", replicas: 5, maxUnavailable: 10, expected: 5 },
    { name: "maxUnavailable with replicas is 0", replicas: 0, maxUnavailable: 10, expected: 0 },
    { name: "maxUnavailable with Recreate deployment strategy", replicas: 0, maxUnavailable: 0, recreate: true, expected: 0 },
    { name: "maxUnavailable less than replicas with percents", replicas: 10, maxUnavailable: "50%", expected: 5 },
    { name: "maxUnavailable equal replicas with percents", replicas: 10, maxUnavailable: "100%", expected: 10 },
    { name: "maxUnavailable greater than replicas with percents", replicas: 5, maxUnavailable: "100%", expected: 5 },
  ];
  for (const test of tests) {
    const d = newDeployment("d", test.replicas, { maxSurge: 1, maxUnavailable: test.maxUnavailable, recreate: test.recreate });
    t.equal(maxUnavailable(d), test.expected, test.name);
  }
});

t.test("TestGetReplicaCountForReplicaSets", async (t) => {
  const rs1 = rs("rs1", 1, 0, { statusReplicas: 2, available: 1 });
  const rs2 = rs("rs2", 2, 0, { statusReplicas: 3, available: 2 });
  t.equal(getReplicaCountForReplicaSets([rs1]), 1);
  t.equal(getReplicaCountForReplicaSets([rs1, rs2]), 3);
  t.equal(getReplicaCountForReplicaSets([rs1, null, rs2]), 3, "nil skipped");
  t.equal(getAvailableReplicaCountForReplicaSets([rs1, rs2]), 3);
});

t.test("IsSaturated", async (t) => {
  const d = newDeployment("d", 3);
  const sat = withAnnotations(rs("new", 3, 0, { available: 3 }), { [DesiredReplicasAnnotation]: "3" });
  t.ok(isSaturated(d, sat));
  t.notOk(isSaturated(d, null));
  t.notOk(isSaturated(d, rs("noannot", 3, 0, { available: 3 })), "no desired annotation");
  t.notOk(isSaturated(d, withAnnotations(rs("x", 3, 0, { available: 2 }), { [DesiredReplicasAnnotation]: "3" })), "not all available");
  t.notOk(isSaturated(d, withAnnotations(rs("x", 3, 0, { available: 3 }), { [DesiredReplicasAnnotation]: "2" })), "sized for another size");
});

t.test("GetProportion / getReplicaSetFraction", async (t) => {
  // 5 -> 10 with surge 0: an RS of 2 sized for 5 takes round(2*10/5) - 2 = 2.
  const d = newDeployment("d", 10);
  const r2 = withAnnotations(rs("a", 2), { [MaxReplicasAnnotation]: "5" });
  t.equal(getProportion(r2, d, 5, 0), 2);
  t.equal(getProportion(r2, d, 5, 4), 1, "capped by what is left to add");
  t.equal(getProportion(r2, d, 5, 5), 0, "nothing left");
  t.equal(getProportion(rs("z", 0), d, 5, 0), 0, "never from zero");
  // Scaling down: max(fraction, allowed).
  const down = newDeployment("d", 3);
  const r3 = withAnnotations(rs("b", 3), { [MaxReplicasAnnotation]: "5" });
  t.equal(getProportion(r3, down, -2, 0), -1, "round(3*3/5)=2 -> -1");
  t.equal(getProportion(r3, newDeployment("d", 0), -5, 0), -3, "to zero: the whole RS");
  // No annotation: falls back to status.replicas of the Deployment.
  const fallback = { ...d, status: { ...d.status, replicas: 4 } };
  t.equal(getProportion(rs("c", 2), fallback, 6, 0), 3, "round(2*10/4)=5 -> +3");
});

t.test("FindActiveOrLatest", async (t) => {
  const newRS = rs("new", 0, 3000);
  const old1 = rs("old1", 0, 1000);
  const old2 = rs("old2", 0, 2000);
  t.equal(findActiveOrLatest(null, [])?.metadata.name, undefined);
  t.equal(findActiveOrLatest(newRS, [old1, old2])?.metadata.name, "new", "none active: the new one");
  t.equal(findActiveOrLatest(null, [old1, old2])?.metadata.name, "old2", "none active, no new: the newest old");
  t.equal(findActiveOrLatest(newRS, [rs("old1", 2, 1000), old2])?.metadata.name, "old1", "the only active");
  t.equal(findActiveOrLatest(rs("new", 1, 3000), [rs("old1", 2, 1000)]), null, "several active");
});
