/**
 * The container runtime with per-request servers (arrivals: requests): what cAdvisor reads of
 * such a pod (CPU actually run by its requests, throttled periods excluded; working set by
 * requests in flight), its queue capacity, requests lost with the pod, an OOM kill at the
 * arrival that crosses the memory limit, a resize in the middle of a request, and fluid pods
 * beside it untouched.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { TrafficTotals } from "../../../models/service/traffic-totals.js";
import { AppCatalog, APP_ANNOTATION, type AppProfile } from "../../../models/workload/app-profile.js";
import { container, pod } from "../pipeline/fixtures.js";

/** 100 ms of CPU per request, always; 1 KiB per request in flight; two may wait. */
const APP: AppProfile = {
  name: "app", cpuPerRequest_mcore_s: 100, baselineCpu_mcores: 1, memoryBaseline_bytes: 64 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 2, warmup_ms: 0, shutdown_ms: 0, serviceTime: "deterministic",
};

function harness(memoryLimit_bytes?: number) {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const runtime = new PodRuntime(new AppCatalog([APP]));
  const totals = new TrafficTotals();
  runtime.countTrafficIn(totals);
  runtime.addNode("n1", 4000);
  const served: [number, number, number][] = [];
  // Pods labelled per=yes get a per-request server; the others stay fluid.
  runtime.serveRequestsFor((p) => p.metadata.labels.per === "yes", (p) => sim.rng.stream(`requests/${p.metadata.name}`), (s, c, r) => served.push([s, c, r]));
  const kills: [string, number][] = [];
  runtime.killOnOom(sim, (p, _c, now_ms) => kills.push([p.metadata.name, now_ms]));
  // Limit 501m: 500m for requests beside the 1m baseline, 50 ms of quota per 100 ms period.
  const make = (name: string, per = "yes") =>
    store.create<Pod>(pod(name, { per }, [container("app", 100, 501, memoryLimit_bytes)], "n1", { [APP_ANNOTATION]: "app" }));
  return { sim, store, runtime, totals, make, served, kills };
}

/** The app container's CPU counter at `now_ms` as cAdvisor reads it, less the baseline: the requests' CPU, mcore·ms. */
function requestCpu(runtime: PodRuntime, slot: number, now_ms: number): number {
  runtime.sampleNode("n1", now_ms);
  return runtime.appCpu_mcore_ms(slot) - APP.baselineCpu_mcores * now_ms;
}

t.test("CPU is what the requests ran by the read, in CFS quota periods", async (t) => {
  const { runtime, totals, make, served } = harness();
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  const slot = runtime.slotOf(p.metadata.uid);
  t.ok(runtime.isPerRequest(slot), "a per-request server");
  runtime.setArrivalRate(p.metadata.uid, 1, 0, 0);
  // One request at 1.000 s: 100 ms of work at one core, 50 ms a period: runs 1.00-1.05 and
  // 1.10-1.15 (throttled between), done at 1.15 s.
  t.ok(runtime.arriveRequest(slot, 1.0, 0, 1000), "admitted");
  t.ok(Math.abs(requestCpu(runtime, slot, 1020) - 20_000) < 1e-6, "at 1.02 s: 20 ms of one core");
  t.ok(Math.abs(requestCpu(runtime, slot, 1070) - 50_000) < 1e-6, "at 1.07 s: 50 ms (throttled since 1.05 s)");
  t.ok(Math.abs(requestCpu(runtime, slot, 1120) - 70_000) < 1e-6, "at 1.12 s: 70 ms");
  t.same(served, [], "not done yet");
  t.ok(Math.abs(requestCpu(runtime, slot, 2000) - 100_000) < 1e-6, "at 2 s: its 100 ms, and no more");
  t.equal(served.length, 1, "done");
  t.ok(served[0][1] === 1 && Math.abs(served[0][2] - 1.15) < 1e-12, `arrived at 1 s, completed at 1.15 s (${served[0][2]})`);
  t.equal(totals.offered_requests(0), 1);
  t.equal(totals.served_requests(0), 1);
  t.ok(Math.abs(runtime.cpuThrottledSeconds(3000) - 0.05) < 1e-12, "throttled 1.05-1.10 s: 50 ms (CFS throttled time)");
});

t.test("queue capacity, working set, and requests lost with the pod", async (t) => {
  const { runtime, totals, make } = harness();
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  const slot = runtime.slotOf(p.metadata.uid);
  runtime.setArrivalRate(p.metadata.uid, 1, 0, 0);
  const admitted = [0.1, 0.101, 0.102, 0.103, 0.104].map((at_s) => runtime.arriveRequest(slot, at_s, 0, Math.ceil(at_s * 1000)));
  t.same(admitted, [true, true, true, false, false], "one in service and two waiting: the next two are dropped");
  runtime.sampleNode("n1", 105);
  t.equal(runtime.appMemory_bytes(slot), APP.memoryBaseline_bytes + 3 * 1024, "baseline + 3 requests in flight");
  t.equal(runtime.serverOf(slot).queue_requests(slot), 2, "two waiting");
  t.equal(totals.offered_requests(0), 5);
  t.equal(totals.dropped_requests(0), 2);
  // The first runs 0.10-0.15 s and 0.20-0.25 s (50 ms of quota a period): done at 0.25 s.
  runtime.sampleNode("n1", 260);
  t.equal(totals.served_requests(0), 1, "the first is done at 0.25 s");
  t.equal(runtime.appMemory_bytes(slot), APP.memoryBaseline_bytes + 2 * 1024, "two left in flight");
  runtime.stopPod(p, 300);
  t.equal(totals.dropped_requests(0), 4, "the two in flight are lost with the pod");
  t.equal(totals.offered_requests(0), totals.served_requests(0) + totals.dropped_requests(0), "offered = served + dropped once none is in flight");
  t.notOk(runtime.requests.isAlive(slot), "its server is gone");
});

t.test("an OOM kill at the arrival that takes the working set over the limit", async (t) => {
  // Room for the baseline and two requests in flight, not three.
  const { sim, runtime, make, kills } = harness(64 * 2 ** 20 + 2 * 1024 + 512);
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  const slot = runtime.slotOf(p.metadata.uid);
  runtime.setArrivalRate(p.metadata.uid, 1, 0, 0);
  sim.scheduleAt(100, () => runtime.arriveRequest(slot, 0.1, 0, 100));
  sim.scheduleAt(101, () => runtime.arriveRequest(slot, 0.101, 0, 101));
  sim.scheduleAt(102, () => runtime.arriveRequest(slot, 0.102, 0, 102));
  sim.run(1000);
  t.same(kills, [["a", 102]], "killed when the third request arrives");
});

t.test("a resize in the middle of a request: the work left runs at the new limit", async (t) => {
  const { runtime, make, served } = harness();
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  const slot = runtime.slotOf(p.metadata.uid);
  runtime.setArrivalRate(p.metadata.uid, 1, 0, 0);
  runtime.arriveRequest(slot, 1.0, 0, 1000);
  // At 1.07 s (50 ms done, throttled), the limit goes to 1001m: a full core from now, so the
  // 50 ms left run 1.07-1.12 s.
  const err = runtime.updateContainerResources(p, { requests: { cpu_mcores: 100 }, limits: { cpu_mcores: 1001 } }, 1070);
  t.equal(err, null);
  t.ok(Math.abs(requestCpu(runtime, slot, 1100) - 80_000) < 1e-6, "at 1.10 s: 80 ms");
  requestCpu(runtime, slot, 2000);
  t.ok(Math.abs(served[0][2] - 1.12) < 1e-12, `done at 1.12 s (${served[0][2]})`);
});

t.test("fluid pods beside per-request ones keep their fluid servers", async (t) => {
  const { runtime, totals, make } = harness();
  const fluid = make("f", "no");
  runtime.startPod(fluid, "n1", 0);
  const slot = runtime.slotOf(fluid.metadata.uid);
  t.notOk(runtime.isPerRequest(slot));
  t.ok(runtime.pool.isAlive(slot), "in the fluid pool");
  runtime.setArrivalRate(fluid.metadata.uid, 2, 1, 0);
  runtime.sampleNode("n1", 10_000);
  t.equal(totals.offered_requests(1), 20, "10 s at 2 rps");
  t.ok(Math.abs(runtime.appCpu_mcore_ms(slot) - (20 * 100 * 1000 + 10_000)) < 1e-6, "20 requests of 100 mcore·s, and the baseline");
});
