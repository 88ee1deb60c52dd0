/**
 * The container runtime's per-slot bookkeeping: the pool's unchecked `step` and what it counts
 * into a Service's totals, the slot list `sampleNode` returns beside the pods, and cAdvisor samples keyed by
 * slot (start times set when a sample is bound to a runtime pod, including after a restart).
 */
import t from "tap";
import { RngRegistry, Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Pod } from "../../../models/cluster/types.js";
import { Cadvisor } from "../../../models/cadvisor/cadvisor.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { TrafficTotals } from "../../../models/service/traffic-totals.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import { type PodServerParams, PodServerPool } from "../../../models/workload/pod-server.js";
import { Counts } from "../../../models/workload/pod-servers.js";
import { container, pod } from "../pipeline/fixtures.js";

const APP = {
  name: "app", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 64 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
};

t.test("step advances exactly as advance does, and its increments are the counters' differences", async (t) => {
  const params: PodServerParams = { cost_mcore_s: 100, cap_mcores: 500, queueCapacity_requests: 50, memoryBaseline_bytes: 1e6, memoryPerRequest_bytes: 1e3 };
  const a = new PodServerPool(1);
  const b = new PodServerPool(1);
  const ia = a.add(params);
  const ib = b.add(params);
  let seed = 7;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  let mismatches = 0;
  for (let i = 0; i < 500; i++) {
    const dt_ms = Math.floor(rnd() * 20_000);
    const rate_rps = rnd() < 0.1 ? 0 : rnd() * 12;
    if (rnd() < 0.1) {
      const cap = rnd() * 1000;
      a.setCpuCap(ia, cap);
      b.setCpuCap(ib, cap);
    }
    const offered0 = a.offered_requests(ia), served0 = a.served_requests(ia), dropped0 = a.dropped_requests(ia);
    a.advance(ia, dt_ms, rate_rps);
    // Counted into a second Service's block of totals that were 0.
    const inc = new Float64Array(2 * Counts.Fields);
    b.step(ib, dt_ms, Float64Array.of(0, rate_rps), 1, inc, Counts.Fields);
    const same =
      inc[Counts.Fields + Counts.Offered] === a.offered_requests(ia) - offered0 &&
      inc[Counts.Fields + Counts.Served] === a.served_requests(ia) - served0 &&
      inc[Counts.Fields + Counts.Dropped] === a.dropped_requests(ia) - dropped0 &&
      inc[Counts.Offered] === 0 &&
      a.queue_requests(ia) === b.queue_requests(ib) &&
      a.cpuUsed_mcore_ms(ia) === b.cpuUsed_mcore_ms(ib) &&
      a.queueArea_request_s(ia) === b.queueArea_request_s(ib) &&
      a.memory_bytes(ia) === b.memory_bytes(ib);
    if (!same) mismatches++;
  }
  t.equal(mismatches, 0, "bit for bit over 500 random steps");
});

function harness() {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const runtime = new PodRuntime(new AppCatalog([APP]));
  const totals = new TrafficTotals();
  runtime.countTrafficIn(totals);
  runtime.addNode("n1", 4000);
  const make = (name: string, containers = [container("app", 100, 500)]) =>
    store.create<Pod>(pod(name, { app: "x" }, containers, "n1", { [APP_ANNOTATION]: "app" }));
  return { sim, store, runtime, totals, make };
}

t.test("sampleNode's slots stay beside its pods through starts and stops", async (t) => {
  const { runtime, totals, make } = harness();
  const pods = ["a", "b", "c", "d"].map((n) => make(n));
  for (const p of pods) runtime.startPod(p, "n1", 0);
  runtime.stopPod(pods[1], 1_000);
  runtime.startPod(make("e"), "n1", 2_000); // after c and d, which moved down a slot
  for (const p of [pods[0], pods[2]]) runtime.setArrivalRate(p.metadata.uid, 10, 0, 2_000);
  const { pods: running, slots } = runtime.sampleNode("n1", 12_000);
  t.same(running.map((r) => r.pod.metadata.name), ["a", "c", "d", "e"]);
  t.same(slots, running.map((r) => r.slot));
  for (const r of running) {
    const alive_ms = 12_000 - r.started_ms;
    t.equal(runtime.appCpu_mcore_ms(r.slot), runtime.pool.cpuUsed_mcore_ms(r.slot) + APP.baselineCpu_mcores * alive_ms, `${r.pod.metadata.name}: CPU counter`);
  }
  t.equal(totals.offered_requests(0), 2 * 10 * 10, "10 s at 10 rps for two pods");
  t.equal(runtime.sampleNode("n1", 12_000).changes, 6, "five starts and a stop on the node");
  t.same(runtime.sampleNode("nope", 12_000), { pods: [], slots: [], changes: 0 }, "unknown node: no pods");
});

t.test("setArrivalRate rejects a rate the pool's unchecked step could not take", async (t) => {
  const { runtime, make } = harness();
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  for (const bad of [-1, Number.NaN, Infinity]) {
    t.throws(() => runtime.setArrivalRate(p.metadata.uid, bad, 0, 1_000), RangeError, `rate ${bad}`);
  }
});

t.test("cAdvisor's samples carry the start of the runtime pod they were last taken from", async (t) => {
  const { sim, runtime, make } = harness();
  const cadvisor = new Cadvisor(sim, runtime, { housekeepingInterval_ms: 10_000, maxJitter_ms: 0, phase_ms: 0 });
  cadvisor.addNode("n1");
  const p = make("a", [container("app", 100, 500), container("sidecar", 10)]);
  runtime.startPod(p, "n1", 0);
  sim.run(10_000);
  const starts = () => cadvisor.resourceMetrics("n1")!.pods.flatMap((s) => s.containers.map((c) => c.startTime_ms));
  t.same(starts(), [0, 0]);
  // Restarted under the same uid (a new runtime pod, possibly in another slot).
  runtime.stopPod(p, 12_000);
  runtime.startPod(make("filler"), "n1", 12_000);
  runtime.startPod(p, "n1", 13_000);
  sim.run(20_000);
  const scrape = cadvisor.resourceMetrics("n1")!;
  const a = scrape.pods.find((s) => s.name === "a")!;
  t.same(a.containers.map((c) => c.startTime_ms), [13_000, 13_000], "both containers restarted at 13 s");
  t.same(a.containers.map((c) => c.timestamp_ms), [20_000, 20_000]);
  t.equal(a.containers[1].cumulativeCpuUsed_mcore_ms, 7_000, "the sidecar's 1 mcore since 13 s");
});

t.test("cAdvisor samples a pod started between two passes, in a new slot or a stopped pod's, as its own", async (t) => {
  const { sim, runtime, make } = harness();
  const cadvisor = new Cadvisor(sim, runtime, { housekeepingInterval_ms: 10_000, maxJitter_ms: 0, phase_ms: 0 });
  cadvisor.addNode("n1");
  const [a, b, c, d] = ["a", "b", "c", "d"].map((n) => make(n));
  runtime.startPod(a, "n1", 0);
  runtime.startPod(b, "n1", 0);
  sim.run(10_000);
  const sampleOf = (name: string) => cadvisor.resourceMetrics("n1")!.pods.find((s) => s.name === name)?.containers[0];
  const counterOf = (p: Pod) => Math.floor(runtime.appCpu_mcore_ms(runtime.slotOf(p.metadata.uid)));
  // A start alone (no stop) on a node whose pods were all bound.
  runtime.startPod(c, "n1", 12_000);
  sim.run(20_000);
  t.same(cadvisor.resourceMetrics("n1")!.pods.map((s) => s.name), ["a", "b", "c"]);
  t.same([sampleOf("a")!.cumulativeCpuUsed_mcore_ms, sampleOf("c")!.cumulativeCpuUsed_mcore_ms], [counterOf(a), counterOf(c)], "each its own counter");
  t.equal(sampleOf("c")!.startTime_ms, 12_000);
  // A stop, and a start in the stopped pod's slot.
  const bSlot = runtime.slotOf(b.metadata.uid);
  runtime.stopPod(b, 22_000);
  runtime.startPod(d, "n1", 22_000);
  t.equal(runtime.slotOf(d.metadata.uid), bSlot, "d runs in b's slot");
  sim.run(30_000);
  t.same(cadvisor.resourceMetrics("n1")!.pods.map((s) => s.name), ["a", "c", "d"], "b's sample is gone, d has its own");
  t.equal(sampleOf("d")!.startTime_ms, 22_000);
  t.equal(sampleOf("d")!.cumulativeCpuUsed_mcore_ms, counterOf(d), "d's counter, from 0 at its start");
  t.equal(sampleOf("a")!.timestamp_ms, 30_000);
});

t.test("pool addAt: a placed pool picks no slots; taken slots are refused", async (t) => {
  const params: PodServerParams = { cost_mcore_s: 50, cap_mcores: 300, queueCapacity_requests: 20, memoryBaseline_bytes: 1e6, memoryPerRequest_bytes: 1e3 };
  const pool = new PodServerPool(2);
  for (let k = 0; k < 3; k++) pool.addAt(k, params);
  t.throws(() => pool.addAt(1, params), /slot 1 is taken/);
  t.throws(() => pool.add(params), /placed by its caller/, "a placed pool picks no slots");
  pool.remove(1);
  t.equal(pool.addAt(1, params), 1, "a freed slot can be placed again");
  t.equal(pool.size, 3);
});

t.test("a node's pods keep their slot while they run, in their node's chunks, in start order, each with its own counters", async (t) => {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const runtime = new PodRuntime(new AppCatalog([APP]));
  // Big nodes: no contention, so each pod's offered count is its own rate times its running time.
  for (const n of ["n1", "n2"]) runtime.addNode(n, 1e7);
  const rng = new RngRegistry(3).stream("test/runtime-regions");
  const live = new Map<string, { pod: Pod; node: string; rate_rps: number; started_ms: number; slot: number }>();
  const slotsOfNode = new Map<string, Set<number>>([["n1", new Set()], ["n2", new Set()]]);
  let made = 0;
  let now_ms = 0;
  let mismatches = 0;
  for (let step = 0; step < 400; step++) {
    now_ms += 1_000;
    if (live.size < 5 || (live.size < 45 && rng.uniform(0, 1) < 0.6)) {
      const node = rng.uniform(0, 1) < 0.7 ? "n1" : "n2";
      const p = store.create<Pod>(pod(`p${made++}`, { app: "x" }, [container("app", 100)], node, { [APP_ANNOTATION]: "app" }));
      runtime.startPod(p, node, now_ms);
      const rate_rps = 1 + made; // distinct per pod, so a mix-up shows
      runtime.setArrivalRate(p.metadata.uid, rate_rps, 0, now_ms);
      const slot = runtime.get(p.metadata.uid)!.slot;
      slotsOfNode.get(node)!.add(slot);
      live.set(p.metadata.uid, { pod: p, node, rate_rps, started_ms: now_ms, slot });
    } else {
      const uids = [...live.keys()];
      const uid = uids[Math.floor(rng.uniform(0, uids.length))];
      runtime.stopPod(live.get(uid)!.pod, now_ms);
      live.delete(uid);
    }
    for (const n of ["n1", "n2"]) {
      const { pods, slots } = runtime.sampleNode(n, now_ms);
      const other = slotsOfNode.get(n === "n1" ? "n2" : "n1")!;
      for (let i = 0; i < slots.length; i++) {
        if (pods[i].slot !== slots[i] || live.get(pods[i].pod.metadata.uid)!.slot !== slots[i] || other.has(slots[i])) mismatches++;
      }
      for (let i = 1; i < pods.length; i++) if (pods[i].started_ms < pods[i - 1].started_ms) mismatches++;
      for (const r of pods) {
        const want = live.get(r.pod.metadata.uid)!;
        const offered = runtime.pool.offered_requests(r.slot);
        if (Math.abs(offered - (want.rate_rps * (now_ms - want.started_ms)) / 1000) > 1e-6 * offered) mismatches++;
      }
    }
  }
  t.ok(made > 60, `${made} pods started, up to 45 at once (nodes got more than one chunk of ${16})`);
  t.ok(slotsOfNode.get("n1")!.size > 16, "n1 used more than one chunk of slots");
  t.equal(mismatches, 0, "same slot while running, never a slot of the other node, start order, own counters at every step");
});

t.test("a restart under the same uid does not take the node's CPU counter down", async (t) => {
  const { sim, runtime, make } = harness();
  const cadvisor = new Cadvisor(sim, runtime, { housekeepingInterval_ms: 10_000, maxJitter_ms: 0, phase_ms: 0 });
  cadvisor.addNode("n1");
  const p = make("a");
  runtime.startPod(p, "n1", 0);
  sim.run(90_000);
  const before = cadvisor.resourceMetrics("n1")!.node!.cumulativeCpuUsed_mcore_ms;
  t.equal(before, 90_000, "1 mcore of baseline for 90 s");
  // Stopped and started again before any scrape: cAdvisor keeps the uid's sample and rebinds it.
  runtime.stopPod(p, 95_000);
  runtime.startPod(p, "n1", 96_000);
  sim.run(100_000);
  const after = cadvisor.resourceMetrics("n1")!.node!.cumulativeCpuUsed_mcore_ms;
  t.equal(after, before + 4_000, "plus the new pod's 4 s (the old one's last 5 s are lost with its cgroup)");
});

t.test("CFS throttling: seconds at the CPU limit with work waiting, until the backlog drains; none without a limit", async (t) => {
  const { runtime, make } = harness();
  // APP: 10 mcore·s a request; limit 501m less 1m baseline: 50 requests/s at the limit.
  const limited = make("limited", [container("app", 100, 501)]);
  const unlimited = make("unlimited", [container("app", 100)]);
  runtime.startPod(limited, "n1", 0);
  runtime.startPod(unlimited, "n1", 0);
  runtime.setArrivalRate(limited.metadata.uid, 40, -1, 0);
  runtime.setArrivalRate(unlimited.metadata.uid, 80, -1, 0);
  t.equal(runtime.cpuThrottledSeconds(10_000), 0, "below the limit: never throttled");
  // 60 requests/s for 2 s: throttled all along, 20 requests queue up…
  runtime.setArrivalRate(limited.metadata.uid, 60, -1, 10_000);
  t.ok(Math.abs(runtime.cpuThrottledSeconds(12_000) - 2) < 1e-9, "2 s at the limit");
  // …then 40 requests/s: the 20 queued drain at 50 − 40 = 10 a second, 2 s more at the limit.
  runtime.setArrivalRate(limited.metadata.uid, 40, -1, 12_000);
  t.ok(Math.abs(runtime.cpuThrottledSeconds(30_000) - 4) < 1e-9, `4 s in all: ${runtime.cpuThrottledSeconds(30_000)}`);
});
