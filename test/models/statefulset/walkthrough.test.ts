/**
 * The course-notes StatefulSet walkthrough on the whole simulated cluster (scheduler, kubelets,
 * volume controller), beside a ReplicaSet doing the same:
 * - replicas 1 -> 3 creates web-1 then web-2, each only after the previous pod is Ready;
 * - deleting web-1 recreates web-1, bound to the same PersistentVolumeClaim and volume;
 * - replicas -> 0 deletes web-2, web-1, web-0 in that order, each after the previous is gone,
 *   and keeps the claims.
 * The ReplicaSet creates its pods with random names in one sync and deletes them together.
 */
import t from "tap";
import type { PersistentVolumeClaim, Pod, ReplicaSet, StatefulSet } from "../../../models/cluster/types.js";
import { cluster, recordPods, replicaSet, statefulSet, type PodMoment } from "./fixtures.js";

const at = (moments: PodMoment[], pod: string, what: PodMoment["what"], after_ms = -1): number => {
  const m = moments.find((x) => x.pod === pod && x.what === what && x.t_ms > after_ms);
  if (m === undefined) throw new Error(`no ${what} of ${pod} after ${after_ms}`);
  return m.t_ms;
};

t.test("StatefulSet: ordered scale-up, same identity and claim after deletion, ordered scale-down", (t) => {
  const c = cluster([statefulSet("web", 1)]);
  const moments = recordPods(c);
  const set = () => c.store.get<StatefulSet>("StatefulSet", "default", "web")!;
  c.run(60_000);
  t.equal(set().status.readyReplicas, 1, "web-0 Ready");

  set().spec.replicas = 3;
  c.store.update(set());
  const scaledUp_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 120_000);
  const created1 = at(moments, "web-1", "created");
  const ready1 = at(moments, "web-1", "ready");
  const created2 = at(moments, "web-2", "created");
  t.ok(created1 >= scaledUp_ms, "web-1 created after the scale-up");
  t.ok(created2 >= ready1, `web-2 created (${created2}) only once web-1 is Ready (${ready1})`);
  t.ok(ready1 > created1, "web-1 took time to become Ready");
  t.same(c.store.list<Pod>("Pod").map((p) => p.metadata.name).sort(), ["web-0", "web-1", "web-2"], "stable ordinal names");
  t.equal(set().status.readyReplicas, 3);
  const claims = () => c.store.list<PersistentVolumeClaim>("PersistentVolumeClaim").map((pvc) => `${pvc.metadata.name}:${pvc.status.phase}`);
  t.same(claims(), ["data-web-0:Bound", "data-web-1:Bound", "data-web-2:Bound"], "one bound claim per ordinal");

  const claim1 = c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "data-web-1")!;
  const volume1 = claim1.spec.volumeName;
  const oldUid = c.store.get<Pod>("Pod", "default", "web-1")!.metadata.uid;
  const pod1 = c.store.get<Pod>("Pod", "default", "web-1")!;
  pod1.metadata.deletionTimestamp_ms = c.sim.now_ms + 30_000;
  c.store.update(pod1);
  const deleted_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 120_000);
  const again = c.store.get<Pod>("Pod", "default", "web-1")!;
  t.not(again.metadata.uid, oldUid, "web-1 is a new pod");
  t.ok(at(moments, "web-1", "created", deleted_ms) >= at(moments, "web-1", "deleted", deleted_ms), "recreated after the old one was gone");
  t.same(again.spec.volumes, [{ name: "data", persistentVolumeClaim: { claimName: "data-web-1" } }], "same claim");
  t.equal(c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "data-web-1")!.metadata.uid, claim1.metadata.uid, "the claim was kept");
  t.equal(c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "data-web-1")!.spec.volumeName, volume1, "same volume");
  t.equal(set().status.readyReplicas, 3);

  set().spec.replicas = 0;
  c.store.update(set());
  const down_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 300_000);
  const term = (p: string) => at(moments, p, "terminating", down_ms);
  const gone = (p: string) => at(moments, p, "deleted", down_ms);
  t.ok(term("web-1") >= gone("web-2"), "web-1 is deleted only after web-2 is gone");
  t.ok(term("web-0") >= gone("web-1"), "web-0 is deleted only after web-1 is gone");
  t.same(moments.filter((m) => m.t_ms >= down_ms && m.what === "deleted").map((m) => m.pod), ["web-2", "web-1", "web-0"]);
  t.equal(c.store.count("Pod"), 0);
  t.same(claims(), ["data-web-0:Bound", "data-web-1:Bound", "data-web-2:Bound"], "claims kept on scale-down (whenScaled: Retain)");
  t.equal(set().status.replicas, 0);
  t.end();
});

t.test("ReplicaSet doing the same: random names, parallel creates and deletes", (t) => {
  const c = cluster([replicaSet("web", 1)]);
  const moments = recordPods(c);
  const rs = () => c.store.get<ReplicaSet>("ReplicaSet", "default", "web")!;
  c.run(60_000);
  rs().spec.replicas = 3;
  c.store.update(rs());
  const up_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 120_000);
  const created = moments.filter((m) => m.t_ms >= up_ms && m.what === "created");
  t.equal(created.length, 2);
  t.equal(created[0].t_ms, created[1].t_ms, "both pods created at the same instant, neither waiting for the other to be Ready");
  for (const p of c.store.list<Pod>("Pod")) t.match(p.metadata.name, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/, "random suffix");
  rs().spec.replicas = 0;
  c.store.update(rs());
  const down_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 120_000);
  const terminating = moments.filter((m) => m.t_ms >= down_ms && m.what === "terminating");
  t.equal(terminating.length, 3);
  t.ok(terminating.every((m) => m.t_ms === terminating[0].t_ms), "all three deleted together");
  t.equal(c.store.count("PersistentVolumeClaim"), 0, "no claims");
  t.end();
});
