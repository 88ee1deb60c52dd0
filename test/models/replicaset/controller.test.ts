import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod, PodSpec, ReplicaSet } from "../../../models/cluster/types.js";
import { setPodCondition } from "../../../models/kubelet/pod-status.js";
import {
  listControlledBy,
  NAME_SUFFIX_ALPHABET,
  REPLICASET_COMPONENT,
  ReplicaSetController,
} from "../../../models/replicaset/controller.js";
import { FakeKubelet } from "./fake-kubelet.js";

const podSpec = (): PodSpec => ({
  containers: [{ name: "app", image: "app:1", resources: { requests: { cpu_mcores: 100 }, limits: {} }, readinessProbe: null }],
  initContainers: [],
  nodeName: "",
  nodeSelector: {},
  nodeAffinity: null,
  tolerations: [],
  terminationGracePeriodSeconds: 30,
  restartPolicy: "Always",
  resources: null,
});

function newReplicaSet(name: string, replicas: number, minReadySeconds = 0): ReplicaSet {
  return {
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "default",
      uid: "",
      labels: { app: name },
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: null,
      resourceVersion: 0,
    },
    spec: {
      replicas,
      minReadySeconds,
      selector: { matchLabels: { app: name }, matchExpressions: [] },
      template: { metadata: { labels: { app: name, tier: "web" }, annotations: { note: "x" } }, spec: podSpec() },
    },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
}

function setup(o: { seed?: number; watchDelay_ms?: number } = {}) {
  const sim = new Simulation({ seed: o.seed ?? 7 });
  const store = new ClusterStore(sim, o.watchDelay_ms ?? 0);
  const events = new EventLog();
  const controller = new ReplicaSetController(sim, store, events);
  return { sim, store, events, controller };
}

const podsOf = (store: ClusterStore, rs: ReplicaSet): Pod[] => listControlledBy<Pod>(store, "Pod", rs.metadata.uid);
const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name);

t.test("scale up creates exactly N pods with deterministic unique names, owner refs and copied templates", async (t) => {
  const { sim, store, events, controller } = setup();
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 5));
  sim.run(0);
  const pods = podsOf(store, rs);
  t.equal(pods.length, 5);
  t.equal(store.count("Pod"), 5);
  t.equal(new Set(names(pods)).size, 5, "names are unique");
  const pattern = new RegExp(`^web-[${NAME_SUFFIX_ALPHABET}]{5}$`);
  for (const pod of pods) {
    t.match(pod.metadata.name, pattern);
    t.same(pod.metadata.ownerReferences, [{ kind: "ReplicaSet", name: "web", uid: rs.metadata.uid, controller: true }]);
    t.same(pod.metadata.labels, { app: "web", tier: "web" });
    t.same(pod.metadata.annotations, { note: "x" });
    t.same(pod.status, { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] });
    t.same(pod.spec, rs.spec.template.spec);
    t.not(pod.spec, rs.spec.template.spec, "spec is a copy");
    t.not(pod.spec.containers, rs.spec.template.spec.containers, "containers are a copy");
  }
  t.not(pods[0].spec.containers[0], pods[1].spec.containers[0], "siblings share no container objects");
  t.not(pods[0].status.conditions, pods[1].status.conditions, "siblings share no condition arrays");
  t.equal(events.count(REPLICASET_COMPONENT, "Normal", "SuccessfulCreate"), 5);
  t.equal(rs.status.replicas, 5, "status written by the sync that saw the pods");

  // Same seed, same names; another seed, other names; another ReplicaSet's draws do not shift them.
  const again = setup();
  again.store.create<ReplicaSet>(newReplicaSet("other", 3));
  const rs2 = again.store.create<ReplicaSet>(newReplicaSet("web", 5));
  again.sim.run(0);
  t.same(names(podsOf(again.store, rs2)), names(pods), "names derive from the stream replicaset/default/web only");
  const reseeded = setup({ seed: 8 });
  const rs3 = reseeded.store.create<ReplicaSet>(newReplicaSet("web", 5));
  reseeded.sim.run(0);
  t.notSame(names(podsOf(reseeded.store, rs3)), names(pods));
  t.equal(controller.podsCreated, 5);
});

t.test("back-to-back syncs before the watch events land do not double-create", async (t) => {
  const { sim, store, controller } = setup({ watchDelay_ms: 1_000 });
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 4));
  // Two syncs at the same instant, before any watch notification has been delivered.
  controller.syncReplicaSet("default/web", sim.now_ms);
  controller.syncReplicaSet("default/web", sim.now_ms);
  t.equal(podsOf(store, rs).length, 4, "the owner index already holds the first sync's pods");
  // The delayed ADDED events then wake the controller again: still no extra pods.
  sim.run(5_000);
  t.equal(podsOf(store, rs).length, 4);
  t.equal(controller.podsCreated, 4);
  t.ok(controller.syncs >= 3, "the delayed watch events did cause more syncs");
});

t.test("at most burstReplicas (500) pods per sync", async (t) => {
  const { sim, store, controller } = setup();
  const rs = store.create<ReplicaSet>(newReplicaSet("big", 600));
  controller.syncReplicaSet("default/big", 0);
  t.equal(podsOf(store, rs).length, 500);
  sim.run(0);
  t.equal(podsOf(store, rs).length, 600, "the next sync (woken by the pod events) creates the rest");
});

// Puts a pod in one of the states ActivePodsWithRanks orders by.
function setState(store: ClusterStore, pod: Pod, state: "unscheduled" | "pending" | "notReady" | { readySince_ms: number }): void {
  if (state !== "unscheduled") pod.spec.nodeName = "node-1";
  if (state === "notReady") {
    pod.status.phase = "Running";
    setPodCondition(pod, "Ready", "False", 0);
  } else if (typeof state === "object") {
    pod.status.phase = "Running";
    setPodCondition(pod, "Ready", "True", state.readySince_ms);
  }
  store.update(pod);
}

t.test("scale down deletes unscheduled, then pending, then not ready, then most recently ready pods", async (t) => {
  const { sim, store, events } = setup();
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 6));
  sim.run(0);
  const pods = podsOf(store, rs);
  t.equal(pods.length, 6);
  // States in an order unrelated to creation order, so the test cannot pass by list position.
  setState(store, pods[2], "unscheduled");
  setState(store, pods[5], "pending");
  setState(store, pods[0], "notReady");
  setState(store, pods[3], { readySince_ms: 999_000 }); // ready for 1 s at the scale-down
  setState(store, pods[1], { readySince_ms: 100_000 }); // ready for 900 s
  setState(store, pods[4], { readySince_ms: 10_000 }); // ready for 990 s
  sim.run(1_000_000);

  rs.spec.replicas = 2;
  store.update(rs);
  sim.run(1_000_000);
  t.equal(store.get("Pod", "default", pods[2].metadata.name), undefined, "the unscheduled pod is removed at once (no kubelet to wait for)");
  const grace_ms = 1_000_000 + 30_000;
  for (const i of [5, 0, 3]) {
    t.equal(pods[i].metadata.deletionTimestamp_ms, grace_ms, `pod ${i} is deleted gracefully`);
    t.equal(store.get("Pod", "default", pods[i].metadata.name), pods[i], `pod ${i} stays until its kubelet removes it`);
  }
  for (const i of [1, 4]) t.equal(pods[i].metadata.deletionTimestamp_ms, null, `pod ${i} (ready longest) is kept`);
  t.equal(events.count(REPLICASET_COMPONENT, "Normal", "SuccessfulDelete"), 4);
  t.equal(rs.status.replicas, 2, "terminating pods are not counted");
  t.equal(podsOf(store, rs).length, 5, "no replacement is created for terminating pods");

  // Of two ready pods, the one ready for less time goes first.
  rs.spec.replicas = 1;
  store.update(rs);
  sim.run(1_000_000);
  t.equal(pods[1].metadata.deletionTimestamp_ms, grace_ms);
  t.equal(pods[4].metadata.deletionTimestamp_ms, null);
});

t.test("graceful deletion with a kubelet: pods leave the store after termination", async (t) => {
  const { sim, store } = setup();
  new FakeKubelet(sim, store);
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 3));
  sim.run(10_000);
  t.equal(rs.status.readyReplicas, 3);
  rs.spec.replicas = 1;
  store.update(rs);
  sim.run(10_000);
  t.equal(podsOf(store, rs).length, 3, "two pods terminating");
  t.equal(rs.status.replicas, 1);
  sim.run(11_000);
  t.equal(podsOf(store, rs).length, 1, "removed by the kubelet after terminate_ms");
  t.equal(rs.status.readyReplicas, 1);
});

t.test("minReadySeconds: ready pods count as available only after minReadySeconds", async (t) => {
  const { sim, store } = setup();
  new FakeKubelet(sim, store); // bound at 0.5 s, ready at 2.5 s
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 3, 10));
  sim.run(2_500);
  t.same([rs.status.readyReplicas, rs.status.availableReplicas], [3, 0]);
  sim.run(12_500);
  t.equal(rs.status.availableReplicas, 0, "not available at exactly minReadySeconds (IsPodAvailable is strict)");
  sim.run(12_501);
  t.equal(rs.status.availableReplicas, 3, "the requeued sync finds them available");
});

t.test("an owned pod whose labels stop matching is released and replaced", async (t) => {
  const { sim, store } = setup();
  const rs = store.create<ReplicaSet>(newReplicaSet("web", 2));
  sim.run(0);
  const [first] = podsOf(store, rs);
  first.metadata.labels = { app: "debug" };
  store.update(first);
  sim.run(0);
  t.same(first.metadata.ownerReferences, [], "orphaned");
  t.equal(podsOf(store, rs).length, 2, "a replacement was created");
  t.equal(store.count("Pod"), 3);
});

t.test("a ReplicaSet being deleted creates nothing, and a deleted one is ignored", async (t) => {
  const { sim, store, controller } = setup();
  const rs = store.create<ReplicaSet>({ ...newReplicaSet("web", 2), metadata: { ...newReplicaSet("web", 2).metadata, deletionTimestamp_ms: 0 } });
  sim.run(0);
  t.equal(podsOf(store, rs).length, 0);
  store.delete("ReplicaSet", "default", "web");
  controller.syncReplicaSet("default/web", 0);
  t.equal(store.count("Pod"), 0);
});
