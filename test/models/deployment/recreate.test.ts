import t from "tap";
import type { Pod } from "../../../models/cluster/types.js";
import { oldPodsRunning, scaleDownOldReplicaSetsForRecreate, scaleUpNewReplicaSetForRecreate } from "../../../models/deployment/recreate.js";
import { pod } from "../replicaset/fixtures.js";
import { newDeployment, rs } from "./fixtures.js";

t.test("TestScaleDownOldReplicaSets", async (t) => {
  const d = newDeployment("foo", 3, { selector: { foo: "bar" }, recreate: true });
  const got = scaleDownOldReplicaSetsForRecreate([rs("foo-0", 3), rs("foo-1", 0)], d);
  t.equal(got.scaled, true);
  t.same(got.actions.map((a) => [a.replicaSetName, a.newReplicas, a.scalingOperation]), [["foo-0", 0, "down"]]);
  t.same(scaleDownOldReplicaSetsForRecreate([rs("foo-1", 0)], d), { scaled: false, actions: [] });
});

t.test("TestOldPodsRunning", async (t) => {
  const running = (name: string) => pod(name, { phase: "Running" });
  const podMap = (entries: [string, Pod[]][]) => new Map(entries);
  const tests: { name: string; newRS?: ReturnType<typeof rs>; oldRSs: ReturnType<typeof rs>[]; podMap: Map<string, Pod[]>; want: boolean }[] = [
    { name: "no old RSs", oldRSs: [], podMap: podMap([]), want: false },
    {
      name: "old RSs with running pods",
      oldRSs: [rs("a", 0, 0, { uid: "some-uid" }), rs("b", 0, 0, { uid: "other-uid" })],
      podMap: podMap([["some-uid", [running("p1")]], ["other-uid", [running("p2")]]]),
      want: true,
    },
    { name: "old RSs without pods but with non-zero status replicas", oldRSs: [rs("rs-1", 0, 0, { statusReplicas: 1 })], podMap: podMap([]), want: true },
    { name: "old RSs without pods or non-zero status replicas", oldRSs: [rs("rs-1", 0)], podMap: podMap([]), want: false },
    {
      name: "old RSs with zero status replicas but pods in terminal state are present",
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([["uid-1", [pod("f", { phase: "Failed" }), pod("s", { phase: "Succeeded" })]]]),
      want: false,
    },
    {
      name: "old RSs with zero status replicas but pod in unknown phase present",
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([["uid-1", [pod("u", { phase: "Unknown" })]]]),
      want: true,
    },
    {
      name: "old RSs with zero status replicas with pending pod present",
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([["uid-1", [pod("p", { phase: "Pending" })]]]),
      want: true,
    },
    {
      name: "old RSs with zero status replicas with running pod present",
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([["uid-1", [running("r")]]]),
      want: true,
    },
    {
      name: "old RSs with zero status replicas but pods in terminal state and pending are present",
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([
        ["uid-1", [pod("f", { phase: "Failed" }), pod("s", { phase: "Succeeded" })]],
        ["uid-2", []],
        ["uid-3", [pod("p", { phase: "Pending" })]],
      ]),
      want: true,
    },
    {
      name: "the new RS's own running pods are not old",
      newRS: rs("new", 3, 0, { uid: "new-uid" }),
      oldRSs: [rs("rs-1", 0)],
      podMap: podMap([["new-uid", [running("n")]]]),
      want: false,
    },
  ];
  for (const test of tests) t.equal(oldPodsRunning(test.newRS ?? null, test.oldRSs, test.podMap), test.want, test.name);
});

t.test("scaleUpNewReplicaSetForRecreate goes straight to spec.replicas", async (t) => {
  const d = newDeployment("foo", 5, { recreate: true });
  const got = scaleUpNewReplicaSetForRecreate(rs("new", 0), d);
  t.same(got.actions.map((a) => [a.newReplicas, a.desiredReplicas, a.maxReplicas]), [[5, 5, 5]], "Recreate has no surge");
});
