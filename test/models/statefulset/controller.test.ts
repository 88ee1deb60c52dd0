/**
 * StatefulSet controller behaviours on the whole simulated cluster, table by table: Parallel
 * management, the OrderedReady stall on an unhealthy pod, minReadySeconds, RollingUpdate with a
 * partition, OnDelete, the claim retention policy, status revisions, the scale subresource (an
 * HPA targets the set) and the headless Service's endpoints.
 */
import t from "tap";
import { loadManifestText } from "../../../experiments/manifests/decode.js";
import type { PersistentVolumeClaim, Pod, StatefulSet } from "../../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../../models/hpa/controller.js";
import { container, service } from "../pipeline/fixtures.js";
import { cluster, recordPods, statefulSet, template } from "./fixtures.js";

const getSet = (c: ReturnType<typeof cluster>) => c.store.get<StatefulSet>("StatefulSet", "default", "web")!;
function scale(c: ReturnType<typeof cluster>, replicas: number): void {
  const set = getSet(c);
  set.spec.replicas = replicas;
  c.store.update(set);
}
const podNames = (c: ReturnType<typeof cluster>) => c.store.list<Pod>("Pod").map((p) => p.metadata.name).sort();
const claimNames = (c: ReturnType<typeof cluster>) => c.store.list<PersistentVolumeClaim>("PersistentVolumeClaim").map((p) => p.metadata.name).sort();

t.test("Parallel creates and deletes every pod at once, still with ordinal names", (t) => {
  const c = cluster([statefulSet("web", 0, { podManagementPolicy: "Parallel" })]);
  const moments = recordPods(c);
  scale(c, 3);
  c.run(60_000);
  const created = moments.filter((m) => m.what === "created");
  t.same(created.map((m) => m.pod), ["web-0", "web-1", "web-2"]);
  t.ok(created.every((m) => m.t_ms === created[0].t_ms), "one instant");
  scale(c, 0);
  const down_ms = c.sim.now_ms;
  c.run(c.sim.now_ms + 60_000);
  const terminating = moments.filter((m) => m.what === "terminating" && m.t_ms >= down_ms);
  t.equal(terminating.length, 3);
  t.ok(terminating.every((m) => m.t_ms === terminating[0].t_ms), "deleted together");
  t.end();
});

t.test("OrderedReady stalls behind a pod that never becomes Ready", (t) => {
  // One node fits two pods of 1500m: web-2 stays Pending, so web-3 is never created.
  const big = template("web");
  big.spec.containers = [container("web", 1500)];
  const c = cluster([statefulSet("web", 4, { template: big })], [{ name: "pool", count: 1 }]);
  c.run(300_000);
  t.same(podNames(c), ["web-0", "web-1", "web-2"]);
  t.equal(c.store.get<Pod>("Pod", "default", "web-2")!.status.phase, "Pending");
  t.equal(getSet(c).status.replicas, 3);
  t.equal(getSet(c).status.readyReplicas, 2);
  // Scale-down: the unhealthy web-2 is the first unhealthy pod, so it may go; then web-1.
  scale(c, 1);
  c.run(c.sim.now_ms + 300_000);
  t.same(podNames(c), ["web-0"]);
  t.end();
});

t.test("minReadySeconds: the next ordinal waits until the previous pod is available", (t) => {
  const c = cluster([statefulSet("web", 2, { minReadySeconds: 20 })]);
  const moments = recordPods(c);
  c.run(120_000);
  const ready0 = moments.find((m) => m.pod === "web-0" && m.what === "ready")!.t_ms;
  const created1 = moments.find((m) => m.pod === "web-1" && m.what === "created")!.t_ms;
  t.ok(created1 > ready0 + 20_000, `web-1 created at ${created1}, more than 20 s after web-0 Ready at ${ready0}`);
  t.equal(getSet(c).status.availableReplicas, 2);
  t.end();
});

t.test("RollingUpdate with a partition updates from the highest ordinal down to the partition", (t) => {
  const c = cluster([statefulSet("web", 3, { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 1 } }, revisionHistoryLimit: 0 })]);
  c.run(120_000);
  const oldRevision = getSet(c).status.currentRevision;
  t.equal(getSet(c).status.updateRevision, oldRevision);
  const set = getSet(c);
  set.spec.template = { ...set.spec.template, spec: { ...set.spec.template.spec, containers: [{ ...set.spec.template.spec.containers[0], image: "web:2" }] } };
  set.metadata.generation++;
  c.store.update(set);
  c.run(c.sim.now_ms + 300_000);
  const image = (name: string) => c.store.get<Pod>("Pod", "default", name)!.spec.containers[0].image;
  t.same([image("web-0"), image("web-1"), image("web-2")], ["registry.example/web:1", "web:2", "web:2"], "ordinals ≥ partition updated");
  const status = getSet(c).status;
  t.equal(status.currentRevision, oldRevision, "current revision kept while the partition holds pods back");
  t.not(status.updateRevision, oldRevision);
  t.equal(status.updatedReplicas, 2);
  t.equal(status.currentReplicas, 1);
  // Deleting a pod below the partition recreates it at the current revision.
  const pod0 = c.store.get<Pod>("Pod", "default", "web-0")!;
  pod0.metadata.deletionTimestamp_ms = c.sim.now_ms;
  c.store.update(pod0);
  c.run(c.sim.now_ms + 120_000);
  t.equal(image("web-0"), "registry.example/web:1", "recreated below the partition at the old template");
  const s2 = getSet(c);
  s2.spec.updateStrategy = { type: "RollingUpdate", rollingUpdate: { partition: 0 } };
  c.store.update(s2);
  c.run(c.sim.now_ms + 120_000);
  t.equal(image("web-0"), "web:2");
  t.equal(getSet(c).status.currentRevision, getSet(c).status.updateRevision, "rollout complete: the update revision is current");
  t.equal(getSet(c).status.updatedReplicas, 3);
  t.same(c.store.list("ControllerRevision").map((r) => r.metadata.name), [getSet(c).status.currentRevision], "revisionHistoryLimit 0: only the live revision is kept");
  t.end();
});

t.test("OnDelete replaces a pod only when it is deleted", (t) => {
  const c = cluster([statefulSet("web", 2, { updateStrategy: { type: "OnDelete" } })]);
  c.run(120_000);
  const set = getSet(c);
  set.spec.template = { ...set.spec.template, spec: { ...set.spec.template.spec, containers: [{ ...set.spec.template.spec.containers[0], image: "web:2" }] } };
  c.store.update(set);
  c.run(c.sim.now_ms + 120_000);
  const image = (name: string) => c.store.get<Pod>("Pod", "default", name)!.spec.containers[0].image;
  t.same([image("web-0"), image("web-1")], ["registry.example/web:1", "registry.example/web:1"], "nothing replaced");
  const pod1 = c.store.get<Pod>("Pod", "default", "web-1")!;
  pod1.metadata.deletionTimestamp_ms = c.sim.now_ms;
  c.store.update(pod1);
  c.run(c.sim.now_ms + 120_000);
  t.same([image("web-0"), image("web-1")], ["registry.example/web:1", "web:2"], "the deleted pod came back at the update revision");
  t.end();
});

t.test("persistentVolumeClaimRetentionPolicy", (t) => {
  const cases: { policy: StatefulSet["spec"]["persistentVolumeClaimRetentionPolicy"]; afterScale: string[]; afterDelete: string[] }[] = [
    { policy: { whenScaled: "Retain", whenDeleted: "Retain" }, afterScale: ["data-web-0", "data-web-1", "data-web-2"], afterDelete: ["data-web-0", "data-web-1", "data-web-2"] },
    { policy: { whenScaled: "Delete", whenDeleted: "Retain" }, afterScale: ["data-web-0"], afterDelete: ["data-web-0"] },
    { policy: { whenScaled: "Retain", whenDeleted: "Delete" }, afterScale: ["data-web-0", "data-web-1", "data-web-2"], afterDelete: [] },
  ];
  for (const { policy, afterScale, afterDelete } of cases) {
    const c = cluster([statefulSet("web", 3, { persistentVolumeClaimRetentionPolicy: policy })]);
    c.run(120_000);
    scale(c, 1);
    c.run(c.sim.now_ms + 180_000);
    t.same(claimNames(c), afterScale, `${JSON.stringify(policy)}: after scale-down`);
    c.store.delete("StatefulSet", "default", "web");
    c.run(c.sim.now_ms + 1000);
    t.same(claimNames(c), afterDelete, `${JSON.stringify(policy)}: after deleting the set`);
  }
  t.end();
});

t.test("an HPA scales a StatefulSet through its scale subresource", (t) => {
  const loaded = loadManifestText(`apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: StatefulSet, name: web}
  minReplicas: 3
  maxReplicas: 5
  metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}}]
`, "hpa.yaml");
  t.same(loaded.errors, []);
  const c = cluster([statefulSet("web", 1), ...loaded.objects]);
  c.run(300_000);
  t.equal(getSet(c).spec.replicas, 3, "raised to minReplicas");
  t.same(podNames(c), ["web-0", "web-1", "web-2"]);
  t.ok(c.events.count("horizontal-pod-autoscaler", "Normal", "SuccessfulRescale") > 0, "the HPA rescaled");
  t.equal(c.store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "web")!.status.currentReplicas, 3);
  t.end();
});

t.test("a headless Service's endpoints are the set's Ready pods", (t) => {
  const headless = service("web", { app: "web" });
  const c = cluster([headless, statefulSet("web", 3)]);
  c.run(120_000);
  t.same(c.traffic.get("default", "web")!.endpoints.map((p) => p.metadata.name).sort(), ["web-0", "web-1", "web-2"]);
  t.end();
});

t.test("scale-down with web-0 not Ready: OrderedReady waits, Parallel does not", (t) => {
  for (const policy of ["OrderedReady", "Parallel"] as const) {
    const c = cluster([statefulSet("web", 3, { podManagementPolicy: policy })]);
    c.run(120_000);
    const setReady = (status: "True" | "False") => {
      const pod0 = c.store.get<Pod>("Pod", "default", "web-0")!;
      const ready = pod0.status.conditions.find((cond) => cond.type === "Ready")!;
      ready.status = status;
      ready.lastTransitionTime_ms = c.sim.now_ms;
      c.store.update(pod0);
    };
    setReady("False");
    scale(c, 1);
    c.run(c.sim.now_ms + 120_000);
    t.same(podNames(c), policy === "OrderedReady" ? ["web-0", "web-1", "web-2"] : ["web-0"], `${policy}: while web-0 is not Ready`);
    setReady("True");
    c.run(c.sim.now_ms + 120_000);
    t.same(podNames(c), ["web-0"], `${policy}: once web-0 is Ready again`);
  }
  t.end();
});
