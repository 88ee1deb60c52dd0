import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Deployment, Pod, PodSpec, ReplicaSet } from "../../../models/cluster/types.js";
import { DEPLOYMENT_COMPONENT, DeploymentController, updateDeploymentSpec } from "../../../models/deployment/controller.js";
import { getDeploymentCondition } from "../../../models/deployment/conditions.js";
import { listControlledBy, ReplicaSetController } from "../../../models/replicaset/controller.js";
import { isPodReady } from "../../../models/replicaset/podutil.js";
import { FakeKubelet, type FakeKubeletOptions } from "../replicaset/fake-kubelet.js";

const podSpec = (image: string): PodSpec => ({
  containers: [{ name: "app", image, resources: { requests: { cpu_mcores: 100 }, limits: {} }, readinessProbe: null }],
  initContainers: [],
  nodeName: "",
  nodeSelector: {},
  nodeAffinity: null,
  tolerations: [],
  terminationGracePeriodSeconds: 30,
  restartPolicy: "Always",
  resources: null,
});

interface DeploymentOptions {
  image?: string;
  recreate?: boolean;
  minReadySeconds?: number;
  progressDeadlineSeconds?: number;
}

function newDeployment(name: string, replicas: number, o: DeploymentOptions = {}): Deployment {
  return {
    kind: "Deployment",
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
      generation: 1,
    },
    spec: {
      replicas,
      selector: { matchLabels: { app: name }, matchExpressions: [] },
      template: { metadata: { labels: { app: name }, annotations: {} }, spec: podSpec(o.image ?? "app:A") },
      strategy: o.recreate ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      minReadySeconds: o.minReadySeconds ?? 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: o.progressDeadlineSeconds ?? 600,
      paused: false,
    },
    status: {
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
      conditions: [],
    },
  };
}

function setup(kubelet: Partial<FakeKubeletOptions> = {}, seed = 3) {
  const sim = new Simulation({ seed });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const replicaSets = new ReplicaSetController(sim, store, events);
  const deployments = new DeploymentController(sim, store, events);
  new FakeKubelet(sim, store, kubelet); // bind 0.5 s, Ready 2 s later, terminate 1 s
  return { sim, store, events, replicaSets, deployments };
}

const replicaSetsOf = (store: ClusterStore, d: Deployment): ReplicaSet[] => listControlledBy<ReplicaSet>(store, "ReplicaSet", d.metadata.uid);
const podsOf = (store: ClusterStore, rs: ReplicaSet): Pod[] => listControlledBy<Pod>(store, "Pod", rs.metadata.uid);
const imageOf = (pod: Pod): string => pod.spec.containers[0].image;
const activePods = (store: ClusterStore): Pod[] => store.list<Pod>("Pod").filter((p) => p.metadata.deletionTimestamp_ms === null);
// Ready and not terminating; with minReadySeconds 0 that is "available".
const availablePods = (store: ClusterStore): Pod[] => activePods(store).filter(isPodReady);
const progressing = (d: Deployment) => getDeploymentCondition(d.status.conditions, "Progressing");
const scalingMessages = (events: EventLog): string[] =>
  events.recorder.all().filter((r) => r[1] === DEPLOYMENT_COMPONENT && r[5] === "ScalingReplicaSet").map((r) => String(r[6]));

/**
 * Checks an invariant on the settled state of every 100 ms instant (priority far above the
 * controllers', so it runs after everything else at that time). The fake kubelet's delays are
 * multiples of 100 ms, so every instant at which anything happens is checked.
 */
function sampleEvery100ms(sim: Simulation, check: (now_ms: number) => void): void {
  sim.every(100, check, { phase_ms: 0, priority: 1023 });
}

function changeImage(store: ClusterStore, d: Deployment, image: string): void {
  d.spec.template.spec.containers[0].image = image;
  updateDeploymentSpec(store, d);
}

t.test("a new Deployment creates its ReplicaSet and becomes available", async (t) => {
  const { sim, store, events } = setup();
  const d = store.create<Deployment>(newDeployment("web", 4));
  sim.run(10_000);
  const [rs] = replicaSetsOf(store, d);
  t.equal(replicaSetsOf(store, d).length, 1);
  t.match(rs.metadata.name, /^web-[a-z0-9]+$/);
  t.equal(rs.spec.replicas, 4);
  t.equal(rs.metadata.annotations["deployment.kubernetes.io/revision"], "1");
  t.equal(d.metadata.annotations["deployment.kubernetes.io/revision"], "1");
  t.equal(podsOf(store, rs).length, 4);
  t.ok(podsOf(store, rs).every((p) => p.metadata.labels["pod-template-hash"] === rs.metadata.labels["pod-template-hash"]));
  t.same(
    [d.status.observedGeneration, d.status.replicas, d.status.updatedReplicas, d.status.readyReplicas, d.status.availableReplicas, d.status.unavailableReplicas],
    [1, 4, 4, 4, 4, 0],
  );
  t.match(progressing(d), { status: "True", reason: "NewReplicaSetAvailable" });
  t.match(getDeploymentCondition(d.status.conditions, "Available"), { status: "True", reason: "MinimumReplicasAvailable" });
  t.same(scalingMessages(events), [`Scaled up replica set ${rs.metadata.name} to 4`]);
});

t.test("rolling update A -> B, 10 replicas, 25%/25%: never more than 13 pods nor fewer than 8 available", async (t) => {
  const { sim, store, events } = setup();
  const d = store.create<Deployment>(newDeployment("web", 10));
  sim.run(10_000);
  const [oldRS] = replicaSetsOf(store, d);
  t.equal(availablePods(store).length, 10);

  let maxActive = 0;
  let minAvailable = Infinity;
  let samples = 0;
  let mixed = 0;
  const violations: string[] = [];
  sampleEvery100ms(sim, (now_ms) => {
    const active = activePods(store).length;
    const available = availablePods(store).length;
    samples++;
    maxActive = Math.max(maxActive, active);
    minAvailable = Math.min(minAvailable, available);
    if (active > 13) violations.push(`${now_ms} ms: ${active} pods`);
    if (available < 8) violations.push(`${now_ms} ms: ${available} available`);
    const images = new Set(activePods(store).map(imageOf));
    if (images.size > 1) mixed++;
  });

  changeImage(store, d, "app:B");
  sim.run(120_000);
  t.same(violations, []);
  t.equal(maxActive, 13, "the surge was used");
  t.equal(minAvailable, 8, "the unavailability budget was used");
  t.ok(samples >= 1_100 && mixed > 0, "sampled throughout a rollout that mixed A and B");

  const rsList = replicaSetsOf(store, d);
  t.equal(rsList.length, 2, "old ReplicaSet kept for history (revisionHistoryLimit 10)");
  const newRS = rsList.find((rs) => rs !== oldRS)!;
  t.equal(oldRS.spec.replicas, 0);
  t.equal(newRS.spec.replicas, 10);
  t.equal(newRS.metadata.annotations["deployment.kubernetes.io/revision"], "2");
  const pods = store.list<Pod>("Pod");
  t.equal(pods.length, 10);
  t.ok(pods.every((p) => imageOf(p) === "app:B" && isPodReady(p)), "10 ready pods of B");
  t.same(
    [d.status.observedGeneration, d.status.replicas, d.status.updatedReplicas, d.status.availableReplicas],
    [2, 10, 10, 10],
  );
  t.match(progressing(d), { status: "True", reason: "NewReplicaSetAvailable", message: `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` });
  const messages = scalingMessages(events);
  t.equal(messages[1], `Scaled up replica set ${newRS.metadata.name} to 3`, "surge first");
  t.equal(messages[2], `Scaled down replica set ${oldRS.metadata.name} to 8 from 10`, "then the unavailability budget");
  t.equal(messages[3], `Scaled up replica set ${newRS.metadata.name} to 5 from 3`, "then the room that freed");
  t.match(messages[messages.length - 1], new RegExp(`^Scaled down replica set ${oldRS.metadata.name} to 0 from [0-9]+$`), "old scaled away last");
});

t.test("an HPA-style resize (spec.replicas only) scales the current ReplicaSet, no rollout", async (t) => {
  const { sim, store, events } = setup();
  const d = store.create<Deployment>(newDeployment("web", 10));
  sim.run(10_000);
  const [rs] = replicaSetsOf(store, d);
  d.spec.replicas = 20;
  updateDeploymentSpec(store, d);
  sim.run(10_000);
  t.equal(replicaSetsOf(store, d).length, 1, "no new ReplicaSet");
  t.equal(rs.spec.replicas, 20);
  t.equal(rs.metadata.annotations["deployment.kubernetes.io/desired-replicas"], "20");
  t.equal(rs.metadata.annotations["deployment.kubernetes.io/max-replicas"], "25");
  t.equal(podsOf(store, rs).length, 20);
  t.equal(scalingMessages(events).at(-1), `Scaled up replica set ${rs.metadata.name} to 20 from 10`);
  sim.run(20_000);
  t.equal(d.status.availableReplicas, 20);
  t.match(progressing(d), { reason: "NewReplicaSetAvailable" });

  d.spec.replicas = 5;
  updateDeploymentSpec(store, d);
  sim.run(20_000);
  t.equal(rs.spec.replicas, 5);
  t.equal(activePods(store).length, 5);
  t.equal(scalingMessages(events).at(-1), `Scaled down replica set ${rs.metadata.name} to 5 from 20`);
});

t.test("a resize mid-rollout scales old and new ReplicaSets proportionally", async (t) => {
  const { sim, store, events } = setup();
  const d = store.create<Deployment>(newDeployment("web", 10));
  sim.run(10_000);
  const [oldRS] = replicaSetsOf(store, d);
  changeImage(store, d, "app:B");
  sim.run(11_000); // new pods bound, not ready yet
  const newRS = replicaSetsOf(store, d).find((rs) => rs !== oldRS)!;
  // The surge (new to 3), the unavailability budget (old to 8), then the room that freed (new to 5).
  t.same([oldRS.spec.replicas, newRS.spec.replicas], [8, 5], "first rollout steps done");

  // From the resize on (sampling starts with it), at most 20 + 5 pods; availability may not fall
  // below the 8 pods available at the resize, nor, once reached, below 20 - 5. (A resize up does
  // not make pods available at once: only scale-downs are held to the minimum.)
  const violations: string[] = [];
  let floor = 8;
  sampleEvery100ms(sim, (now_ms) => {
    const active = activePods(store).length;
    const available = availablePods(store).length;
    if (active > 25 || available < floor) violations.push(`${now_ms} ms: ${active} pods, ${available} available`);
    if (available >= 15) floor = 15;
  });

  d.spec.replicas = 20;
  updateDeploymentSpec(store, d);
  sim.run(11_000);
  // sync.go scale: 12 more pods allowed (20 + 5 surge - 13), shared by each ReplicaSet's size
  // relative to the max-replicas annotation (13): old 8 * 25/13 -> 15, new 5 * 25/13 -> 10.
  t.same([oldRS.spec.replicas, newRS.spec.replicas], [15, 10], "both grow, in proportion");
  t.same(scalingMessages(events).slice(-2), [
    `Scaled up replica set ${oldRS.metadata.name} to 15 from 8`,
    `Scaled up replica set ${newRS.metadata.name} to 10 from 5`,
  ]);
  t.equal(replicaSetsOf(store, d).length, 2, "still the same rollout");
  sim.run(200_000);
  t.same(violations, [], "the resized rollout keeps 20 + 25% surge / 20 - 25% unavailable");
  t.equal(floor, 15, "availability reached 15 and held");
  t.equal(oldRS.spec.replicas, 0);
  t.equal(newRS.spec.replicas, 20);
  const pods = store.list<Pod>("Pod");
  t.equal(pods.length, 20);
  t.ok(pods.every((p) => imageOf(p) === "app:B" && isPodReady(p)));
  t.match(progressing(d), { status: "True", reason: "NewReplicaSetAvailable" });
});

t.test("progressDeadlineSeconds: a rollout whose pods never become ready times out", async (t) => {
  const { sim, store } = setup({ neverReady: (pod) => imageOf(pod) === "app:broken" });
  const d = store.create<Deployment>(newDeployment("web", 4, { progressDeadlineSeconds: 60 }));
  sim.run(10_000);
  const [oldRS] = replicaSetsOf(store, d);
  changeImage(store, d, "app:broken");
  sim.run(10_000);
  const newRS = replicaSetsOf(store, d).find((rs) => rs !== oldRS)!;
  // maxSurge 1, maxUnavailable 1 of 4: one old pod goes, two new ones come, and there it stops.
  t.same([oldRS.spec.replicas, newRS.spec.replicas], [3, 2]);
  t.match(progressing(d), { status: "True", reason: "ReplicaSetUpdated", lastUpdateTime_ms: 10_000 });

  // DeploymentTimedOut is strict and requeueStuckDeployment adds a second: the sync that notices
  // is at last progress + 60 s + 1 s.
  sim.run(70_999);
  t.match(progressing(d), { status: "True", reason: "ReplicaSetUpdated", lastUpdateTime_ms: 10_000 });
  sim.run(71_000);
  t.match(progressing(d), {
    status: "False",
    reason: "ProgressDeadlineExceeded",
    message: `ReplicaSet "${newRS.metadata.name}" has timed out progressing.`,
    lastUpdateTime_ms: 71_000,
    lastTransitionTime_ms: 71_000,
  });
  sim.run(300_000);
  t.same([oldRS.spec.replicas, newRS.spec.replicas], [3, 2], "nothing is rolled back");
  t.equal(oldRS.status.availableReplicas, 3);
  t.equal(d.status.availableReplicas, 3);
  t.match(getDeploymentCondition(d.status.conditions, "Available"), { status: "True" }, "3 >= 4 - 1");
});

t.test("minReadySeconds delays availability and gates the rollout", async (t) => {
  const { sim, store } = setup();
  const d = store.create<Deployment>(newDeployment("web", 3, { minReadySeconds: 10 }));
  sim.run(2_500);
  t.same([d.status.readyReplicas, d.status.availableReplicas], [3, 0], "ready at 2.5 s");
  sim.run(12_500);
  t.equal(d.status.availableReplicas, 0, "not yet: ready for exactly minReadySeconds");
  t.match(getDeploymentCondition(d.status.conditions, "Available"), { status: "False", reason: "MinimumReplicasUnavailable" });
  sim.run(12_501);
  t.equal(d.status.availableReplicas, 3);
  t.match(progressing(d), { reason: "NewReplicaSetAvailable", lastUpdateTime_ms: 12_501 });

  // 3 replicas at 25%/25%: maxSurge 1, maxUnavailable 0, so no old pod may go before a new one
  // has been available; the new pod is Ready at 22.5 s, available after 32.5 s.
  sim.run(20_000);
  const [oldRS] = replicaSetsOf(store, d);
  changeImage(store, d, "app:B");
  const oldPods = podsOf(store, oldRS);
  sim.run(32_500);
  t.ok(oldPods.every((p) => p.metadata.deletionTimestamp_ms === null), "no old pod deleted while the new one is not available");
  sim.run(32_501);
  t.equal(oldPods.filter((p) => p.metadata.deletionTimestamp_ms !== null).length, 1, "the first old pod goes once the new one is available");
  sim.run(120_000);
  t.equal(store.list<Pod>("Pod").filter((p) => imageOf(p) === "app:B").length, 3);
  t.equal(oldRS.spec.replicas, 0);
});

t.test("Recreate kills every old pod before creating any new one", async (t) => {
  const { sim, store, events } = setup();
  const d = store.create<Deployment>(newDeployment("web", 3, { recreate: true }));
  sim.run(10_000);
  const [oldRS] = replicaSetsOf(store, d);
  t.equal(availablePods(store).length, 3);

  const violations: string[] = [];
  // Checked after every kernel event, not only per instant.
  const check = (now_ms: number) => {
    const images = new Set(store.list<Pod>("Pod").map(imageOf));
    if (images.has("app:A") && images.has("app:B")) violations.push(`${now_ms} ms: A and B pods coexist`);
  };
  changeImage(store, d, "app:B");
  while (sim.now_ms < 30_000 && sim.step()) check(sim.now_ms);
  t.same(violations, []);

  t.equal(oldRS.spec.replicas, 0);
  const newRS = replicaSetsOf(store, d).find((rs) => rs !== oldRS)!;
  t.equal(newRS.metadata.creationTimestamp_ms, 11_000, "created when the last old pod was gone (terminate 1 s)");
  t.equal(newRS.spec.replicas, 3, "straight to spec.replicas");
  t.equal(store.list<Pod>("Pod").filter((p) => imageOf(p) === "app:B" && isPodReady(p)).length, 3);
  t.match(progressing(d), { reason: "NewReplicaSetAvailable" });
  t.same(scalingMessages(events).slice(1), [
    `Scaled down replica set ${oldRS.metadata.name} to 0 from 3`,
    `Scaled up replica set ${newRS.metadata.name} to 3`,
  ]);
});

t.test("a paused Deployment resizes but does not roll out until resumed", async (t) => {
  const { sim, store } = setup();
  const d = store.create<Deployment>(newDeployment("web", 4));
  sim.run(10_000);
  const [oldRS] = replicaSetsOf(store, d);
  d.spec.paused = true;
  changeImage(store, d, "app:B");
  sim.run(10_000);
  t.equal(replicaSetsOf(store, d).length, 1, "no new ReplicaSet while paused");
  t.match(progressing(d), { status: "Unknown", reason: "DeploymentPaused" });
  d.spec.replicas = 6;
  updateDeploymentSpec(store, d);
  sim.run(20_000);
  t.equal(oldRS.spec.replicas, 6, "a resize still applies");
  t.equal(store.list<Pod>("Pod").filter((p) => imageOf(p) === "app:A").length, 6);
  d.spec.paused = false;
  updateDeploymentSpec(store, d);
  sim.run(120_000);
  t.equal(oldRS.spec.replicas, 0);
  t.equal(store.list<Pod>("Pod").filter((p) => imageOf(p) === "app:B" && isPodReady(p)).length, 6);
  t.match(progressing(d), { status: "True", reason: "NewReplicaSetAvailable" });
});

t.test("same seed, same run: identical event logs", async (t) => {
  const run = (seed: number): string => {
    const { sim, store, events } = setup({}, seed);
    const d = store.create<Deployment>(newDeployment("web", 10));
    sim.run(10_000);
    changeImage(store, d, "app:B");
    sim.run(15_000);
    d.spec.replicas = 14;
    updateDeploymentSpec(store, d);
    sim.run(120_000);
    return events.recorder.toCsv();
  };
  const a = run(11);
  t.equal(run(11), a);
  t.not(run(12), a, "pod names depend on the seed");
});

t.test("a Deployment scaled long after its progress deadline requeues at the rate limiter's pace", async (t) => {
  // Pods take 10.5 s to become available; the Progressing condition was last updated ~2.5 s in,
  // so at the scale-up its 60 s deadline is long past: requeueStuckDeployment asks for a
  // rate-limited requeue on every sync until the new pods are available. Upstream's
  // DefaultControllerRateLimiter lets 100 through at the 5 ms base delay, then 10 per second.
  const { sim, store, deployments } = setup({ start_ms: 10_000 });
  const d = store.create<Deployment>(newDeployment("web", 4, { progressDeadlineSeconds: 60 }));
  sim.run(100_000);
  t.equal(d.status.availableReplicas, 4);
  const syncsBefore = deployments.syncs;
  d.spec.replicas = 8;
  updateDeploymentSpec(store, d);
  sim.run(110_400);
  t.equal(d.status.availableReplicas, 4, "still waiting");
  const waitingSyncs = deployments.syncs - syncsBefore;
  // 100 in the first half second, then one per 100 ms: about 200 in 10.4 s (every 5 ms would be 2,000).
  t.ok(waitingSyncs >= 100 + 9 * 10, `requeued while waiting (${waitingSyncs} syncs)`);
  t.ok(waitingSyncs <= 100 + 10 * 10.4 + 10, `at the bucket's pace (${waitingSyncs} syncs)`);
  sim.run(130_000);
  t.equal(d.status.availableReplicas, 8);
  const settled = deployments.syncs;
  sim.run(200_000);
  t.equal(deployments.syncs, settled, "complete: no more requeues");
});
