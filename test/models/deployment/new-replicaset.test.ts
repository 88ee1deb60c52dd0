import t from "tap";
import { canonicalJSON, computeHash, fnv32a, safeEncodeString } from "../../../models/deployment/hash.js";
import {
  equalIgnoreHash,
  findNewReplicaSet,
  findOldReplicaSets,
  newReplicaSetFor,
  setNewReplicaSetAnnotations,
  syncExistingNewReplicaSet,
} from "../../../models/deployment/new-replicaset.js";
import { labelSelectorMatches } from "../../../models/cluster/labels.js";
import type { ReplicaSet } from "../../../models/cluster/types.js";
import { RevisionAnnotation, RevisionHistoryAnnotation } from "../../../models/deployment/util.js";
import { newDeployment, rs, withAnnotations } from "./fixtures.js";

const enc = (s: string) => new TextEncoder().encode(s);

t.test("FNV-32a reference vectors", async (t) => {
  t.equal(fnv32a(enc("")), 0x811c9dc5);
  t.equal(fnv32a(enc("a")), 0xe40c292c);
  t.equal(fnv32a(enc("foobar")), 0xbf9cf968);
  t.equal(fnv32a(enc("bar"), fnv32a(enc("foo"))), 0xbf9cf968, "continues across writes");
});

t.test("SafeEncodeString maps digits as upstream (0-9 -> 456789bcdf)", async (t) => {
  t.equal(safeEncodeString("0123456789"), "456789bcdf");
});

t.test("canonicalJSON sorts keys at every depth", async (t) => {
  t.equal(canonicalJSON({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: null }, u: undefined }), '{"a":{"c":null,"d":[2,{"y":0,"z":1}]},"b":1}');
  t.equal(canonicalJSON({ a: 1, b: 2 }), canonicalJSON({ b: 2, a: 1 }));
});

t.test("ComputeHash: stable, template-sensitive, collision-count-sensitive (TestComputeHash)", async (t) => {
  const d = newDeployment("web", 3, { selector: { app: "web" } });
  const h = computeHash(d.spec.template, null);
  t.match(h, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  t.equal(computeHash(structuredClone(d.spec.template), null), h, "same template, same hash");
  const reordered = { spec: d.spec.template.spec, metadata: { annotations: {}, labels: { app: "web" } } };
  t.equal(computeHash(reordered, null), h, "key order does not matter");
  const changed = structuredClone(d.spec.template);
  changed.spec.containers[0].image = "foo/bar:v2";
  t.not(computeHash(changed, null), h, "a new image gives a new hash");
  const c1 = computeHash(d.spec.template, 1);
  const c2 = computeHash(d.spec.template, 2);
  t.not(c1, h);
  t.not(c2, h);
  t.not(c1, c2);
});

t.test("newReplicaSetFor: name, hash label and selector, size, revision, condition", async (t) => {
  const d = newDeployment("web", 10, { maxSurge: "25%", maxUnavailable: "25%", selector: { app: "web" } });
  d.metadata.annotations = { team: "a", [RevisionAnnotation]: "7" };
  const hash = computeHash(d.spec.template, null);
  const first = newReplicaSetFor(d, [], 5000);
  const r = first.replicaSet;
  t.equal(r.metadata.name, `web-${hash}`);
  t.same(r.metadata.labels, { app: "web", "pod-template-hash": hash });
  t.same(r.spec.template.metadata.labels, { app: "web", "pod-template-hash": hash });
  t.same(r.spec.selector.matchLabels, { app: "web", "pod-template-hash": hash });
  t.ok(labelSelectorMatches(r.spec.selector, r.spec.template.metadata.labels), "its selector selects its pods");
  t.same(r.metadata.ownerReferences, [{ kind: "Deployment", name: "web", uid: d.metadata.uid, controller: true }]);
  t.equal(r.spec.replicas, 10, "first rollout: straight to spec.replicas");
  t.same(r.metadata.annotations, {
    team: "a",
    [RevisionAnnotation]: "1",
    "deployment.kubernetes.io/desired-replicas": "10",
    "deployment.kubernetes.io/max-replicas": "13",
  });
  t.equal(first.deploymentRevision, "1");
  t.same(first.conditions?.map((c) => [c.type, c.status, c.reason, c.message, c.lastUpdateTime_ms]), [
    ["Progressing", "True", "NewReplicaSetCreated", `Created new replica set "web-${hash}"`, 5000],
  ]);
  t.equal(d.spec.template.metadata.labels["pod-template-hash"], undefined, "deployment template untouched");

  const old = withAnnotations(rs("web-old", 10, 0), { [RevisionAnnotation]: "3" });
  const second = newReplicaSetFor(d, [old], 6000);
  t.equal(second.replicaSet.spec.replicas, 3, "mid-rollout start: only the surge");
  t.equal(second.replicaSet.metadata.annotations[RevisionAnnotation], "4");
  t.equal(second.deploymentRevision, "4");
});

t.test("FindNewReplicaSet / FindOldReplicaSets / EqualIgnoreHash", async (t) => {
  const d = newDeployment("web", 3, { selector: { app: "web" } });
  const created = newReplicaSetFor(d, [], 0).replicaSet;
  const current = { ...created, metadata: { ...created.metadata, uid: "u-cur", creationTimestamp_ms: 2000 } };
  const duplicate = { ...created, metadata: { ...created.metadata, uid: "u-dup", name: "web-dup", creationTimestamp_ms: 3000 } };
  const other = structuredClone(created);
  other.metadata.uid = "u-old";
  other.metadata.name = "web-old";
  other.spec.template.spec.containers[0].image = "foo/bar:old";
  t.ok(equalIgnoreHash(current.spec.template, d.spec.template), "hash label ignored");
  t.notOk(equalIgnoreHash(other.spec.template, d.spec.template));
  t.equal(findNewReplicaSet(d, [other, duplicate, current])?.metadata.name, current.metadata.name, "oldest matching wins");
  t.equal(findNewReplicaSet(d, [other]), null);
  const zero: ReplicaSet = { ...other, metadata: { ...other.metadata, uid: "u-zero", name: "web-zero" }, spec: { ...other.spec, replicas: 0 } };
  const { requiredRSs, allRSs } = findOldReplicaSets(d, [other, current, zero]);
  t.same(allRSs.map((r) => r.metadata.name), ["web-old", "web-zero"]);
  t.same(requiredRSs.map((r) => r.metadata.name), ["web-old"]);
});

t.test("SetNewReplicaSetAnnotations: revision and rollback history", async (t) => {
  const d = newDeployment("web", 3);
  d.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{}", note: "x" };
  const a = setNewReplicaSetAnnotations(d, { [RevisionAnnotation]: "2" }, 5, true);
  t.same(a.annotations, { [RevisionAnnotation]: "5", [RevisionHistoryAnnotation]: "2", note: "x" });
  t.equal(a.changed, true);
  const b = setNewReplicaSetAnnotations(d, a.annotations, 7, true);
  t.equal(b.annotations[RevisionHistoryAnnotation], "2,5");
  const same = setNewReplicaSetAnnotations(d, b.annotations, 7, true);
  t.equal(same.changed, false, "nothing to do");
  const limited = setNewReplicaSetAnnotations(d, { [RevisionAnnotation]: "9", [RevisionHistoryAnnotation]: "1,2,3" }, 10, true, 5);
  t.equal(limited.annotations[RevisionHistoryAnnotation], "2,3,9", "oldest revision dropped to fit 5 chars");
});

t.test("syncExistingNewReplicaSet", async (t) => {
  const d = newDeployment("web", 3);
  const created = newReplicaSetFor(d, [], 0).replicaSet;
  const existing = withAnnotations(created, { [RevisionAnnotation]: "1" });
  const old = withAnnotations(rs("web-old", 0), { [RevisionAnnotation]: "4" });
  const upd = syncExistingNewReplicaSet(d, existing, [old], 100);
  t.equal(upd.kind, "updateReplicaSet", "a rollback raises the revision first");
  t.equal(upd.kind === "updateReplicaSet" ? upd.replicaSet.metadata.annotations[RevisionAnnotation] : "", "5");
  const inSync = syncExistingNewReplicaSet(d, existing, [], 100);
  t.same(inSync.kind === "inSync" ? [inSync.deploymentRevision, inSync.conditions?.map((c) => c.reason)] : null, ["1", ["FoundNewReplicaSet"]]);
  const minReady = syncExistingNewReplicaSet({ ...d, spec: { ...d.spec, minReadySeconds: 10 } }, existing, [], 100);
  t.equal(minReady.kind === "updateReplicaSet" ? minReady.replicaSet.spec.minReadySeconds : -1, 10);
});
