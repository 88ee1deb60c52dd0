/**
 * ClusterStore.indexVersion and PodSelection: a cached selection answers what selectPods answers
 * now, and is recomputed exactly when its bucket changed (pod added, updated, relabelled,
 * deleted), not when other buckets change.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { PodSelection, selectPods } from "../../../models/cluster/pod-index.js";
import type { LabelSelector, Pod } from "../../../models/cluster/types.js";
import { container, pod } from "../pipeline/fixtures.js";

const web: LabelSelector = { matchLabels: { app: "web" }, matchExpressions: [] };
const webCanary: LabelSelector = { matchLabels: { app: "web" }, matchExpressions: [{ key: "track", operator: "In", values: ["canary"] }] };

t.test("indexVersion changes with its bucket only", async (t) => {
  const store = new ClusterStore(new Simulation({ seed: 1 }));
  store.addIndex<Pod>("Pod", "app", (p) => [p.metadata.labels.app ?? ""]);
  const v0 = store.indexVersion("Pod", "app", "web");
  const a = store.create(pod("a", { app: "web" }, [container("c", 100)]));
  const v1 = store.indexVersion("Pod", "app", "web");
  t.not(v1, v0, "add");
  const other = store.create(pod("x", { app: "db" }, [container("c", 100)]));
  t.equal(store.indexVersion("Pod", "app", "web"), v1, "a pod of another bucket added");
  store.update(other);
  t.equal(store.indexVersion("Pod", "app", "web"), v1, "a pod of another bucket updated");
  a.status.phase = "Running";
  store.update(a);
  const v2 = store.indexVersion("Pod", "app", "web");
  t.not(v2, v1, "a member updated in place");
  a.metadata.labels.app = "db";
  store.update(a);
  const v3 = store.indexVersion("Pod", "app", "web");
  t.not(v3, v2, "a member left by relabelling");
  t.not(store.indexVersion("Pod", "app", "db"), 0, "and entered another bucket");
  store.create(pod("b", { app: "web" }, [container("c", 100)]));
  store.delete("Pod", "default", "b");
  t.ok(store.indexVersion("Pod", "app", "web") > v3, "add then delete: never back to an old value");
});

t.test("PodSelection answers selectPods and recomputes only on change", async (t) => {
  const store = new ClusterStore(new Simulation({ seed: 1 }));
  const sel = new PodSelection();
  t.equal(sel.refresh(store, "default", web), true, "first call computes");
  t.same(sel.pods, []);
  const a = store.create(pod("a", { app: "web", track: "canary" }, [container("c", 100)]));
  store.create(pod("b", { app: "web" }, [container("c", 100)]));
  store.create(pod("c", { app: "db" }, [container("c", 100)]));
  t.equal(sel.refresh(store, "default", web), true);
  t.same(sel.names, ["a", "b"]);
  const before = sel.pods;
  store.update(store.get<Pod>("Pod", "default", "c")!);
  t.equal(sel.refresh(store, "default", web), false, "another bucket's pod changed: kept");
  t.equal(sel.pods, before, "same array");
  a.metadata.labels.app = "db";
  store.update(a);
  t.equal(sel.refresh(store, "default", web), true, "a member relabelled out");
  t.same(sel.names, ["b"]);
  t.equal(sel.refresh(store, "default", webCanary), true, "another selector object");
  t.same(sel.pods, selectPods(store, "default", webCanary));
  a.metadata.labels.app = "web";
  store.update(a);
  t.equal(sel.refresh(store, "default", webCanary), true, "relabelled back in");
  t.same(sel.names, ["a"]);
  t.same(sel.pods.map((p) => p.metadata.name), selectPods(store, "default", webCanary).map((p) => p.metadata.name));
  store.delete("Pod", "default", "a");
  t.equal(sel.refresh(store, "default", webCanary), true, "deleted");
  t.same(sel.names, []);
  t.equal(sel.refresh(store, "other", webCanary), true, "another namespace");
});
