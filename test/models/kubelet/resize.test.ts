/**
 * In-place pod resize (KEP-1287) at the API and the kubelet: the resize subresource's validation,
 * the kubelet admitting a resize that fits, deferring one that fits the node but not now (and
 * admitting it when a pod leaves), refusing one beyond the node, refusing (Error) a memory limit
 * below the working set until the working set allows it, and the runtime serving the new CPU
 * limit from the moment the resize is actuated.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { EventLog } from "../../../models/cluster/events.js";
import { podQOSClass, resizePod } from "../../../models/cluster/resize.js";
import { getPodCondition, type Pod } from "../../../models/cluster/types.js";
import { Kubelets, DEFAULT_KUBELET_CONFIG } from "../../../models/kubelet/kubelet.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import { calculateResource } from "../../../models/scheduler/resource.js";
import { node, pod, container } from "../pipeline/fixtures.js";

const MiB = 2 ** 20;
const APP = {
  name: "app", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 100 * MiB,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
};

function harness(nodeCpu_mcores = 1000) {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const apps = new AppCatalog([APP]);
  const runtime = new PodRuntime(apps);
  new Kubelets(sim, store, events, apps, runtime, { ...DEFAULT_KUBELET_CONFIG, defaultImagePull_ms: 0, containerStartMin_ms: 0, containerStartMax_ms: 0 });
  store.create(node("n1", nodeCpu_mcores));
  runtime.addNode("n1", nodeCpu_mcores);
  const run = (name: string, request_mcores: number, limit_mcores?: number, memoryLimit_bytes?: number) =>
    store.create<Pod>(pod(name, { app: "x" }, [container("app", request_mcores, limit_mcores, memoryLimit_bytes)], "n1", { [APP_ANNOTATION]: "app" }));
  return { sim, store, events, runtime, run };
}

const condition = (p: Pod, type: "PodResizePending" | "PodResizeInProgress") => {
  const c = getPodCondition(p, type);
  return c === undefined ? null : [c.reason, c.message];
};

t.test("the resize subresource: QOS class, request above limit, terminal pods, unknown container", async (t) => {
  const h = harness();
  const burstable = h.run("b", 100, 200);
  h.sim.run(1_000);
  t.equal(podQOSClass(burstable.spec.containers), "Burstable");
  t.strictSame(resizePod(h.store, burstable, [{ name: "app", requests: { cpu_mcores: 300 }, limits: {} }]), {
    resized: false, reason: "Invalid", message: 'Pod "b" is invalid: spec.containers[0].resources.requests: Invalid value: "300": must be less than or equal to cpu limit of 200',
  });
  // requests == limits for cpu and memory would make it Guaranteed.
  t.strictSame(resizePod(h.store, burstable, [{ name: "app", requests: { cpu_mcores: 200 }, limits: { memory_bytes: 64 * MiB } }]), {
    resized: false, reason: "Invalid", message: 'Pod "b" is invalid: spec: Invalid value: "Guaranteed": Pod QOS Class may not change as a result of resizing',
  });
  t.match(resizePod(h.store, burstable, [{ name: "sidecar", requests: {}, limits: {} }]), { resized: false, message: /Not found: "sidecar"/ });
  t.strictSame(burstable.spec.containers[0].resources, { requests: { cpu_mcores: 100, memory_bytes: 64 * MiB }, limits: { cpu_mcores: 200 } }, "refusals change nothing");
  t.strictSame(resizePod(h.store, burstable, [{ name: "app", requests: { cpu_mcores: 150 }, limits: { cpu_mcores: 400 } }]), { resized: true });
  burstable.status.phase = "Succeeded";
  t.match(resizePod(h.store, burstable, [{ name: "app", requests: { cpu_mcores: 120 }, limits: {} }]), { resized: false, message: /terminated pod/ });
});

t.test("a resize that fits is admitted, in progress for 1 s, then the runtime serves the new limit", async (t) => {
  const h = harness();
  const p = h.run("p", 100, 200);
  h.sim.run(10_000);
  h.runtime.setArrivalRate(p.metadata.uid, 100, 0, 10_000); // wants 1,000m: held at the 200m limit
  h.sim.run(20_000);
  h.runtime.advanceAll(20_000);
  const before = h.runtime.pool.cpuUsed_mcore_ms(h.runtime.slotOf(p.metadata.uid));
  t.strictSame(resizePod(h.store, p, [{ name: "app", requests: { cpu_mcores: 300 }, limits: { cpu_mcores: 600 } }]), { resized: true });
  h.sim.run(20_500);
  t.strictSame(condition(p, "PodResizeInProgress"), ["", ""], "admitted: in progress");
  t.strictSame(p.status.containerStatuses[0].allocatedResources, { cpu_mcores: 300, memory_bytes: 64 * MiB }, "allocated at once");
  t.strictSame(p.status.containerStatuses[0].resources!.limits, { cpu_mcores: 200 }, "still running with the old limit");
  t.equal(calculateResource(p).cpu_mcores, 300, "the scheduler charges the larger of spec, allocated and actual");
  h.sim.run(30_000);
  t.equal(condition(p, "PodResizeInProgress"), null, "done");
  t.strictSame(p.status.containerStatuses[0].resources!.limits, { cpu_mcores: 600 });
  t.strictSame([...h.events.recorder.rows()].filter((r) => r[5] === "ResizeCompleted").map((r) => r[0]), [21]);
  h.runtime.advanceAll(30_000);
  const used = h.runtime.pool.cpuUsed_mcore_ms(h.runtime.slotOf(p.metadata.uid)) - before;
  // 20–21 s at 199m (the limit less the 1m baseline), then 599m to 30 s.
  t.ok(Math.abs(used - (199 * 1_000 + 599 * 9_000)) < 1, `served ${used} mcore·ms`);
});

t.test("a resize that fits the node but not beside the others is Deferred, and admitted when a pod leaves", async (t) => {
  const h = harness(1000);
  const p = h.run("p", 400);
  const other = h.run("other", 500);
  h.sim.run(5_000);
  resizePod(h.store, p, [{ name: "app", requests: { cpu_mcores: 600 }, limits: {} }]);
  h.sim.run(6_000);
  t.strictSame(condition(p, "PodResizePending"), ["Deferred", "Node didn't have enough resource: cpu, requested: 600, used: 500, capacity: 1000"]);
  t.equal(calculateResource(p).cpu_mcores, 600, "a Deferred resize is charged on the node (the spec)");
  h.store.delete("Pod", "default", other.metadata.name);
  h.sim.run(8_000);
  t.equal(condition(p, "PodResizePending"), null, "retried when the other pod left");
  t.strictSame(p.status.containerStatuses[0].resources!.requests.cpu_mcores, 600);
});

t.test("a resize beyond the node's allocatable is Infeasible: not retried, not charged", async (t) => {
  const h = harness(1000);
  const p = h.run("p", 400);
  h.sim.run(5_000);
  resizePod(h.store, p, [{ name: "app", requests: { cpu_mcores: 1500 }, limits: {} }]);
  h.sim.run(200_000);
  t.strictSame(condition(p, "PodResizePending"), ["Infeasible", "Node didn't have enough capacity: cpu, requested: 1500, capacity: 1000"]);
  t.equal(calculateResource(p).cpu_mcores, 400, "the scheduler charges what runs, not an Infeasible spec");
  t.strictSame(p.status.containerStatuses[0].allocatedResources!.cpu_mcores, 400);
});

t.test("a memory limit below the working set is refused (Error) and retried at each pod sync until it fits", async (t) => {
  const h = harness(1000);
  const p = h.run("p", 100, undefined, 512 * MiB);
  h.sim.run(5_000);
  // The working set is the 100 MiB baseline: 80 MiB is below it, 150 MiB is not.
  resizePod(h.store, p, [{ name: "app", requests: {}, limits: { memory_bytes: 80 * MiB } }]);
  h.sim.run(7_000);
  t.strictSame(condition(p, "PodResizeInProgress"), ["Error", `attempting to set memory limit (${80 * MiB}) below current usage (${100 * MiB})`]);
  t.equal(p.status.containerStatuses[0].resources!.limits.memory_bytes, 512 * MiB, "the old limit stays");
  t.equal(p.status.containerStatuses[0].restartCount, 0, "no OOM kill");
  resizePod(h.store, p, [{ name: "app", requests: {}, limits: { memory_bytes: 150 * MiB } }]);
  h.sim.run(9_000);
  t.equal(condition(p, "PodResizeInProgress"), null, "a new resize that fits goes through");
  t.equal(p.status.containerStatuses[0].resources!.limits.memory_bytes, 150 * MiB);
});
