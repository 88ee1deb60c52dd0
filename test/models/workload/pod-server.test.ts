import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import { Fluid, fluidStep, PodServer, PodServerPool, type PodServerParams } from "../../../models/workload/pod-server.js";
import { meanWait_s, psffaUtilization } from "../../../models/workload/service-time.js";
import { Counts } from "../../../models/workload/pod-servers.js";

/** ln 20: p95 of an exponential distribution in units of its mean. */
const LN20 = Math.log(20);

const close = (a: number, b: number, tol = 1e-9) => (a === b ? true : Math.abs(a - b) <= tol * Math.max(1, Math.abs(b)));

t.test("fluidStep integrates each regime exactly", async (t) => {
  const rows: { name: string; q0: number; T: number; lambda: number; mu: number; Q: number; want: { queue: number; served: number; dropped: number; queueArea: number } }[] = [
    { name: "λ<μ, empty queue stays empty", q0: 0, T: 10, lambda: 5, mu: 10, Q: 100, want: { queue: 0, served: 50, dropped: 0, queueArea: 0 } },
    { name: "λ<μ, draining the whole step", q0: 100, T: 10, lambda: 5, mu: 10, Q: 100, want: { queue: 50, served: 100, dropped: 0, queueArea: 750 } },
    { name: "λ<μ, drains to empty at 4 s then serves λ", q0: 20, T: 10, lambda: 5, mu: 10, Q: 100, want: { queue: 0, served: 70, dropped: 0, queueArea: 40 } },
    { name: "λ<μ, empties exactly at the end", q0: 50, T: 10, lambda: 5, mu: 10, Q: 100, want: { queue: 0, served: 100, dropped: 0, queueArea: 250 } },
    { name: "λ=μ holds the queue", q0: 7, T: 2, lambda: 3, mu: 3, Q: 100, want: { queue: 7, served: 6, dropped: 0, queueArea: 14 } },
    { name: "λ>μ, growing, not full", q0: 0, T: 10, lambda: 15, mu: 10, Q: 100, want: { queue: 50, served: 100, dropped: 0, queueArea: 250 } },
    { name: "λ>μ, fills at 20 s then drops the excess", q0: 0, T: 30, lambda: 15, mu: 10, Q: 100, want: { queue: 100, served: 300, dropped: 50, queueArea: 2000 } },
    { name: "λ>μ, already full", q0: 100, T: 2, lambda: 15, mu: 10, Q: 100, want: { queue: 100, served: 20, dropped: 10, queueArea: 200 } },
    { name: "λ>μ, unbounded queue", q0: 1, T: 10, lambda: 15, mu: 10, Q: Infinity, want: { queue: 51, served: 100, dropped: 0, queueArea: 260 } },
    { name: "no queue: excess dropped at once", q0: 0, T: 2, lambda: 15, mu: 10, Q: 0, want: { queue: 0, served: 20, dropped: 10, queueArea: 0 } },
    { name: "no CPU: queue fills, rest dropped", q0: 0, T: 1, lambda: 4, mu: 0, Q: 2, want: { queue: 2, served: 0, dropped: 2, queueArea: 1.5 } },
    { name: "unlimited CPU: everything served", q0: 3, T: 2, lambda: 4, mu: Infinity, Q: 10, want: { queue: 0, served: 11, dropped: 0, queueArea: 0 } },
    { name: "capacity shrank below the queue", q0: 10, T: 1, lambda: 0, mu: 1, Q: 4, want: { queue: 3, served: 1, dropped: 6, queueArea: 3.5 } },
    { name: "zero-length step", q0: 5, T: 0, lambda: 9, mu: 1, Q: 10, want: { queue: 5, served: 0, dropped: 0, queueArea: 0 } },
  ];
  for (const r of rows) {
    const out = fluidStep(r.q0, r.T, r.lambda, r.mu, r.Q, new Float64Array(Fluid.Fields));
    const got = { queue: out[Fluid.Queue], served: out[Fluid.Served], dropped: out[Fluid.Dropped], queueArea: out[Fluid.QueueArea] };
    const ok = close(got.queue, r.want.queue) && close(got.served, r.want.served) && close(got.dropped, r.want.dropped) && close(got.queueArea, r.want.queueArea);
    t.ok(ok, `${r.name}: got ${JSON.stringify(got)}`);
  }
});

const params = (over: Partial<PodServerParams> = {}): PodServerParams => ({
  cost_mcore_s: 100, // 100 ms of one core per request
  cap_mcores: 500, // μ = 5 req/s
  queueCapacity_requests: 100,
  memoryBaseline_bytes: 100e6,
  memoryPerRequest_bytes: 1e6,
  ...over,
});

t.test("a pod through underload, overload, a full queue and a drain", async (t) => {
  const pod = new PodServer(params());
  t.equal(pod.serviceRate_rps, 5);
  const rows: { name: string; dt_ms: number; rate: number; queue: number; served: number; dropped: number; cpu_mcores: number }[] = [
    { name: "λ=3 < μ: serves all", dt_ms: 10_000, rate: 3, queue: 0, served: 30, dropped: 0, cpu_mcores: 300 },
    { name: "λ=8 > μ: queue grows 3/s", dt_ms: 10_000, rate: 8, queue: 30, served: 50, dropped: 0, cpu_mcores: 500 },
    { name: "λ=8 for 30 s: full after 23.3 s, 20 dropped", dt_ms: 30_000, rate: 8, queue: 100, served: 150, dropped: 20, cpu_mcores: 500 },
    { name: "λ=0: drains in 20 s", dt_ms: 50_000, rate: 0, queue: 0, served: 100, dropped: 0, cpu_mcores: 200 },
  ];
  for (const r of rows) {
    const before = { served: pod.served_requests, dropped: pod.dropped_requests, cpu: pod.cpuUsed_mcore_ms };
    pod.advance(r.dt_ms, r.rate);
    t.ok(close(pod.queue_requests, r.queue), `${r.name}: queue ${pod.queue_requests}`);
    t.ok(close(pod.served_requests - before.served, r.served), `${r.name}: served ${pod.served_requests - before.served}`);
    t.ok(close(pod.dropped_requests - before.dropped, r.dropped), `${r.name}: dropped ${pod.dropped_requests - before.dropped}`);
    t.ok(close((pod.cpuUsed_mcore_ms - before.cpu) / r.dt_ms, r.cpu_mcores), `${r.name}: mean CPU ${(pod.cpuUsed_mcore_ms - before.cpu) / r.dt_ms} m`);
  }
  t.ok(close(pod.offered_requests, 30 + 80 + 240), "offered = ∫λ");
  t.ok(close(pod.offered_requests, pod.served_requests + pod.dropped_requests + pod.queue_requests), "conservation");
});

t.test("latency and memory estimates", async (t) => {
  // One request may use 500m (= the cap): no CFS stretch, service time s = 200 ms, μ = 5/s.
  const s_ms = 200;
  const oneCore = { perRequestCpu_mcores: 500 };
  // The PSFFA mean wait after `t_s` at λ from idle (μ = 5, M/M/1, at most Q + 1 in system).
  const psffaWait_ms = (t_s: number, lambda: number, Q = 100) => Math.min(meanWait_s(psffaUtilization(0, t_s, lambda, 5, 1, Q + 1), 5, 1), Q / 5) * 1000;
  const rows: { name: string; over?: Partial<PodServerParams>; steps: [number, number][]; mean_ms: number; p95_ms: number; inFlight: number }[] = [
    { name: "idle: service time only", steps: [], mean_ms: s_ms, p95_ms: LN20 * s_ms, inFlight: 0 },
    // M/M/1 at steady state: the sojourn is exponential with mean s/(1−ρ); exact.
    { name: "ρ=0.6 at steady state: M/M/1", steps: [[200_000, 3]], mean_ms: 500, p95_ms: LN20 * 500, inFlight: 0.6 },
    {
      name: "ρ=0.6, 2 s after a step from idle: the wait has relaxed part of the way",
      steps: [[2000, 3]],
      mean_ms: s_ms + psffaWait_ms(2, 3),
      p95_ms: NaN,
      inFlight: 0.6,
    },
    {
      name: "overloaded 10 s: about the fluid queue's 30 requests at 5/s, not a steady-state formula",
      steps: [[10_000, 8]],
      mean_ms: psffaWait_ms(10, 8) + s_ms,
      p95_ms: NaN,
      inFlight: 31,
    },
    {
      name: "unbounded queue: the fluid wait",
      over: { queueCapacity_requests: Infinity },
      steps: [[100_000, 8]],
      mean_ms: psffaWait_ms(100, 8, Infinity) + s_ms,
      p95_ms: NaN,
      inFlight: 301,
    },
    { name: "no queue: no waiting, only drops", over: { queueCapacity_requests: 0 }, steps: [[1000, 8]], mean_ms: s_ms, p95_ms: LN20 * s_ms, inFlight: 1 },
    {
      name: "unlimited CPU: one thread per request",
      over: { cap_mcores: Infinity, perRequestCpu_mcores: 1000 },
      steps: [[1000, 50]],
      mean_ms: 100,
      p95_ms: LN20 * 100,
      inFlight: 5,
    },
    { name: "no CPU: infinite latency", over: { cap_mcores: 0 }, steps: [[1000, 1]], mean_ms: Infinity, p95_ms: Infinity, inFlight: 1 },
    // CFS: a request that may use a whole core runs at full speed until the quota (50 ms of
    // each 100 ms period at 500m) is spent: 100 ms of work takes 100 + 50 = 150 ms, not 200.
    { name: "CFS: deterministic 100 ms of work under 500m", over: { perRequestCpu_mcores: 1000, serviceTime: "deterministic" }, steps: [], mean_ms: 150, p95_ms: 150, inFlight: 0 },
    {
      name: "CFS: a 15 ms request under a 200m limit takes 15 ms",
      over: { perRequestCpu_mcores: 1000, cost_mcore_s: 15, cap_mcores: 200, serviceTime: "deterministic" },
      steps: [],
      mean_ms: 15,
      p95_ms: 15,
      inFlight: 0,
    },
    { name: "M/D/1 at steady state: half M/M/1's wait", over: { ...oneCore, serviceTime: "deterministic" }, steps: [[200_000, 3]], mean_ms: 200 + 150, p95_ms: NaN, inFlight: 0.6 },
  ];
  for (const r of rows) {
    const pod = new PodServer(params({ ...oneCore, ...r.over }));
    for (const [dt, rate] of r.steps) pod.advance(dt, rate);
    t.ok(close(pod.meanResponseTime_ms, r.mean_ms), `${r.name}: mean ${pod.meanResponseTime_ms} ms, want ${r.mean_ms}`);
    if (!Number.isNaN(r.p95_ms)) t.ok(close(pod.p95ResponseTime_ms, r.p95_ms), `${r.name}: p95 ${pod.p95ResponseTime_ms} ms, want ${r.p95_ms}`);
    else t.ok(pod.p95ResponseTime_ms > pod.meanResponseTime_ms, `${r.name}: p95 ${pod.p95ResponseTime_ms} above the mean`);
    t.ok(close(pod.inFlight_requests, r.inFlight), `${r.name}: in flight ${pod.inFlight_requests}, want ${r.inFlight}`);
    t.ok(close(pod.memory_bytes, 100e6 + 1e6 * r.inFlight), `${r.name}: memory`);
  }
});

t.test("the random wait rises and drains with the load, and splitting a step changes nothing", async (t) => {
  const oneCore = { perRequestCpu_mcores: 500 };
  const whole = new PodServer(params(oneCore));
  const split = new PodServer(params(oneCore));
  whole.advance(30_000, 4);
  for (let i = 0; i < 30; i++) split.advance(1000, 4);
  t.ok(close(whole.meanResponseTime_ms, split.meanResponseTime_ms, 1e-12), "one 30 s step = thirty 1 s steps");
  const means: number[] = [];
  const pod = new PodServer(params(oneCore));
  for (let i = 0; i < 6; i++) {
    pod.advance(10_000, 4);
    means.push(pod.meanResponseTime_ms);
  }
  t.ok(means.every((m, i) => i === 0 || m > means[i - 1]), `rises towards the steady state: ${means.map((m) => m.toFixed(1))}`);
  t.ok(means[5] < 200 / (1 - 0.8) && means[5] > 0.9 * (200 / (1 - 0.8)), `near M/M/1's 1000 ms after a minute: ${means[5]}`);
  pod.advance(10_000, 1); // ρ = 0.2
  const after = pod.meanResponseTime_ms;
  pod.advance(10_000, 1);
  t.ok(pod.meanResponseTime_ms < after && after < means[5], "drains after the load falls");
});

/** CPU caps and queue capacities the random-sequence tests draw from. */
const RANDOM_CAPS = [0, 250, 500, 1000, 4000, Infinity];
const RANDOM_QUEUES = [0, 1, 50, 1000, Infinity];

t.test("the working set follows the queue, the rate and the cap through random sequences", async (t) => {
  // The pool keeps it from its last change (WORKING_SET); it must be, bit for bit, baseline +
  // per-request bytes × what is in flight now, after every kind of change.
  const rng = new RngRegistry(20261207).stream("pod-server-working-set");
  let checked = 0;
  let wrong = 0;
  const check = (pod: PodServer) => {
    checked++;
    if (pod.memory_bytes !== 100e6 + 1e6 * pod.inFlight_requests) wrong++;
  };
  for (let run = 0; run < 20; run++) {
    const pod = new PodServer(params({ cost_mcore_s: rng.uniform(1, 200), cap_mcores: rng.choice(RANDOM_CAPS), perRequestCpu_mcores: rng.choice([250, 1000]) }));
    check(pod);
    for (let i = 0; i < 100; i++) {
      const op = rng.random();
      if (op < 0.3) pod.setCpuCap(rng.choice(RANDOM_CAPS));
      else if (op < 0.4) pod.setQueueCapacity(rng.choice(RANDOM_QUEUES));
      else pod.advance(rng.integer(0, 20_000), rng.random() < 0.1 ? 0 : rng.uniform(0, 50));
      check(pod);
    }
  }
  t.equal(wrong, 0, `working set = baseline + per request × in flight after each of ${checked} changes`);
});

t.test("conservation and CPU ≤ cap over random sequences", async (t) => {
  const rng = new RngRegistry(20240601).stream("pod-server-test");
  let violations = 0;
  let maxError = 0;
  for (let run = 0; run < 50; run++) {
    const cost = rng.uniform(1, 200);
    let cap = rng.choice(RANDOM_CAPS);
    const pod = new PodServer(params({ cost_mcore_s: cost, cap_mcores: cap, queueCapacity_requests: rng.choice(RANDOM_QUEUES) }));
    for (let i = 0; i < 200; i++) {
      if (rng.random() < 0.1) pod.setCpuCap((cap = rng.choice(RANDOM_CAPS)));
      if (rng.random() < 0.05) pod.setQueueCapacity(rng.choice(RANDOM_QUEUES));
      const mu = pod.serviceRate_rps;
      const before = { offered: pod.offered_requests, served: pod.served_requests, dropped: pod.dropped_requests, queue: pod.queue_requests, cpu: pod.cpuUsed_mcore_ms };
      const dt_ms = rng.integer(0, 20_000);
      const lambda = rng.random() < 0.1 ? 0 : rng.uniform(0, Number.isFinite(mu) && mu > 0 ? 3 * mu : 100);
      pod.advance(dt_ms, lambda);
      const offered = pod.offered_requests - before.offered;
      const served = pod.served_requests - before.served;
      const dropped = pod.dropped_requests - before.dropped;
      const dq = pod.queue_requests - before.queue;
      const scale = Math.max(1, offered + before.queue);
      const err = Math.abs(offered - (served + dropped + dq)) / scale;
      maxError = Math.max(maxError, err);
      if (err > 1e-9) violations++;
      if (served < 0 || dropped < 0 || pod.queue_requests < 0) violations++;
      // CPU used = served × cost, and its rate never exceeds the cap.
      const cpu = pod.cpuUsed_mcore_ms - before.cpu;
      if (Math.abs(cpu - served * cost * 1000) > 1e-9 * Math.max(1, cpu)) violations++;
      if (Number.isFinite(cap) && cpu > cap * dt_ms * (1 + 1e-12) + 1e-9) violations++;
    }
    t.ok(close(pod.offered_requests, pod.served_requests + pod.dropped_requests + pod.queue_requests, 1e-9), `run ${run}: cumulative conservation`);
  }
  t.equal(violations, 0, `per-step invariants hold (max relative error ${maxError})`);
});

t.test("pool: many pods, slot reuse, growth, same results as single servers", async (t) => {
  const pool = new PodServerPool(4);
  const ids: number[] = [];
  for (let i = 0; i < 5000; i++) ids.push(pool.add(params({ cap_mcores: 100 + (i % 10) * 100 })));
  t.equal(pool.size, 5000);
  t.equal(pool.slots, 5000);
  const rates = new Float64Array(pool.slots);
  for (const id of ids) rates[id] = (id % 7) + 0.5;
  for (let k = 0; k < 10; k++) pool.advanceAll(15_000, rates);
  const single = new PodServer(params({ cap_mcores: 100 + (1234 % 10) * 100 }));
  for (let k = 0; k < 10; k++) single.advance(15_000, (1234 % 7) + 0.5);
  t.equal(pool.queue_requests(1234), single.queue_requests, "queue matches");
  t.equal(pool.cpuUsed_mcore_ms(1234), single.cpuUsed_mcore_ms, "cpu matches");
  t.equal(pool.dropped_requests(1234), single.dropped_requests, "drops match");
  pool.remove(17);
  t.equal(pool.size, 4999);
  t.notOk(pool.isAlive(17));
  t.throws(() => pool.advance(17, 1000, 1), /pod server 17 does not exist/);
  t.throws(() => pool.queue_requests(17), RangeError);
  const reused = pool.add(params());
  t.equal(reused, 17, "freed slot reused");
  t.equal(pool.queue_requests(17), 0, "reused slot starts empty");
  t.equal(pool.served_requests(17), 0);
  t.throws(() => pool.advanceAll(1000, new Float64Array(3)), RangeError);
});

t.test("validation names the field", async (t) => {
  const pod = new PodServer(params());
  const rows: { name: string; run: () => unknown; field: string }[] = [
    { name: "NaN dt", run: () => pod.advance(Number.NaN, 1), field: "dt_ms" },
    { name: "negative dt", run: () => pod.advance(-1, 1), field: "dt_ms" },
    { name: "negative rate", run: () => pod.advance(1000, -1), field: "rate_rps" },
    { name: "NaN rate", run: () => pod.advance(1000, Number.NaN), field: "rate_rps" },
    { name: "infinite rate", run: () => pod.advance(1000, Infinity), field: "rate_rps" },
    { name: "zero cost", run: () => new PodServer(params({ cost_mcore_s: 0 })), field: "cost_mcore_s" },
    { name: "negative cap", run: () => new PodServer(params({ cap_mcores: -1 })), field: "cap_mcores" },
    { name: "NaN queue", run: () => new PodServer(params({ queueCapacity_requests: Number.NaN })), field: "queueCapacity_requests" },
    { name: "negative memory", run: () => new PodServer(params({ memoryPerRequest_bytes: -1 })), field: "memoryPerRequest_bytes" },
    { name: "zero per-request CPU", run: () => new PodServer(params({ perRequestCpu_mcores: 0 })), field: "perRequestCpu_mcores" },
    { name: "set negative cap", run: () => pod.setCpuCap(-5), field: "cap_mcores" },
  ];
  for (const r of rows) {
    try {
      r.run();
      t.fail(`${r.name}: did not throw`);
    } catch (e) {
      t.ok(e instanceof RangeError && e.message.includes(r.field), `${r.name}: ${(e as Error).message}`);
    }
  }
});

t.test("the pool's step equals fluidStep and the counters' sums, bit for bit, through steady spells and every regime", async (t) => {
  // The pool takes a short path for the usual step (same rate, empty queue, arrivals within
  // capacity); this reference is the general one: fluidStep, then each counter plus its share,
  // and the saturated time as the runtime counted throttling before the step reported it.
  const rng = new RngRegistry(7).stream("test/pod-server-steady");
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rng.uniform(0, xs.length))];
  const pool = new PodServerPool(4);
  const rates = new Float64Array(1);
  const counts = new Float64Array(Counts.Fields);
  const out = new Float64Array(Fluid.Fields);
  let mismatches = 0;
  let steps = 0;
  let steadySteps = 0;
  for (let run = 0; run < 200; run++) {
    const cap = pick([500, 250, 1000, Infinity, 0]);
    const cost = pick([100, 3, 0.7]);
    const queueCap = pick([100, 0, Infinity, 5]);
    const id = pool.add(params({ cap_mcores: cap, cost_mcore_s: cost, queueCapacity_requests: queueCap }));
    const mu = cap / cost;
    const ref = { queue: 0, offered: 0, served: 0, dropped: 0, cpu: 0, area: 0, rate: 0 };
    let rate = 0;
    for (let k = 0; k < 60; k++) {
      // Mostly the same rate (steady spells), sometimes a new one: below, at and above μ, or 0.
      if (rng.uniform(0, 1) < 0.2) rate = pick([0, -0, 0.5 * mu, mu, 1.5 * mu, rng.uniform(0, 20), 3]);
      if (!Number.isFinite(rate)) rate = 7;
      const dt_ms = pick([10_000, 1, 15_000, 333]);
      const T_s = dt_ms / 1000;
      if (rate === ref.rate && ref.queue === 0 && rate < mu) steadySteps++;
      const saturated_s = rate >= mu ? T_s : Math.min(T_s, ref.queue / (mu - rate));
      fluidStep(ref.queue, T_s, rate, mu, queueCap, out);
      const offered1 = ref.offered + rate * T_s;
      const served1 = ref.served + out[Fluid.Served];
      const dropped1 = ref.dropped + out[Fluid.Dropped];
      const want = [out[Fluid.Queue], offered1, served1, dropped1, offered1 - ref.offered, served1 - ref.served, dropped1 - ref.dropped, saturated_s];
      ref.queue = out[Fluid.Queue];
      ref.cpu += out[Fluid.Served] * cost * 1000;
      ref.area += out[Fluid.QueueArea];
      ref.offered = offered1;
      ref.served = served1;
      ref.dropped = dropped1;
      ref.rate = rate;
      rates[0] = rate;
      // Counted into totals that were 0, so they hold the step's increments.
      counts.fill(0);
      pool.step(id, dt_ms, rates, 0, counts, 0);
      const got = [
        pool.queue_requests(id), pool.offered_requests(id), pool.served_requests(id), pool.dropped_requests(id),
        counts[Counts.Offered], counts[Counts.Served], counts[Counts.Dropped], pool.stepSaturated_s,
      ];
      const same = got.every((g, i) => Object.is(g, want[i])) && Object.is(pool.cpuUsed_mcore_ms(id), ref.cpu) && Object.is(pool.queueArea_request_s(id), ref.area);
      steps++;
      if (!same && mismatches++ < 5) t.fail(`run ${run} step ${k} (rate ${rate}, μ ${mu}): got ${got} cpu ${pool.cpuUsed_mcore_ms(id)} area ${pool.queueArea_request_s(id)}, want ${want} cpu ${ref.cpu} area ${ref.area}`);
    }
    pool.remove(id);
  }
  t.equal(mismatches, 0, `${steps} steps, every counter bit for bit`);
  t.ok(steadySteps > steps / 3, `the short path was taken (${steadySteps} of ${steps} steps)`);
});
