/**
 * A Service's latency mixture built endpoint by endpoint (response-time.ts mergedComponents, with
 * PodServerPool.sameLatency) against what it replaces: every endpoint's own component, then
 * mixtureComponents. Servers in many states (the same steady state reached over differently
 * split ages, transients, queues, caps of +0 and −0, no cap, other service-time distributions),
 * listed in runs, interleaved and shuffled; the components and the quantiles must be the same,
 * bit for bit.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import { PodServerPool, scratchLatency, type PodServerParams } from "../../../models/workload/pod-server.js";
import { componentsQuantiles_ms, mergedComponents, mixtureComponents, type PodLatency } from "../../../models/workload/response-time.js";

const BASE: PodServerParams = { cost_mcore_s: 100, cap_mcores: 500, queueCapacity_requests: 50, memoryBaseline_bytes: 1e6, memoryPerRequest_bytes: 1e3 };

/** Servers in assorted states, by kind: several of each, most in a state another shares. */
function servers(pool: PodServerPool, rng: ReturnType<RngRegistry["stream"]>): number[] {
  const ids: number[] = [];
  const add = (over: Partial<PodServerParams>, steps: readonly (readonly [number, number])[], cap?: number) => {
    const id = pool.add({ ...BASE, ...over });
    if (cap !== undefined) pool.setCpuCap(id, cap);
    for (const [dt_ms, rate] of steps) pool.advance(id, dt_ms, rate);
    ids.push(id);
  };
  for (let k = 0; k < 4; k++) {
    // One steady state, its age split differently (its last bits differ from server to server).
    const parts = 2 + Math.floor(rng.uniform(0, 6));
    add({}, [[60_000, 3], ...Array.from({ length: parts }, () => [Math.floor(rng.uniform(20_000, 40_000)), 4] as const)]);
    add({}, [[60_000, 3], [30_100, 4], [40_200, 4]]);
    // A transient: a rate change a moment ago, at ages that differ.
    add({}, [[60_000, 3], [k + 1, 4.5]]);
    // Overloaded, with a queue.
    add({}, [[60_000, 3], [1_000 * (k + 1), 7]]);
    // Caps of +0 and −0 with a queue (the fluid wait is q/μ: +∞ or −∞), and no cap.
    add({}, [[10_000, 3], [1_000, 7]], 0);
    add({}, [[10_000, 3], [1_000, 7]], -0);
    add({ cap_mcores: Infinity }, [[10_000, 3], [500, 4]]);
    // Another distribution, and another queue capacity, at the first kind's steady state.
    add({ serviceTime: "lognormal", serviceTimeCv: 0.5 }, [[60_000, 3], [70_300, 4]]);
    add({ queueCapacity_requests: 20 }, [[60_000, 3], [70_300, 4]]);
  }
  // Many steady states, one per rate: more than the mixture merges.
  for (let k = 0; k < 20; k++) add({}, [[60_000, 0.2 * (k + 1)]]);
  return ids;
}

function same(a: readonly PodLatency[], b: readonly PodLatency[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as unknown as Record<string, unknown>;
    const y = b[i] as unknown as Record<string, unknown>;
    for (const key of Object.keys(x)) if (!Object.is(x[key], y[key])) return false;
  }
  return true;
}

t.test("endpoint by endpoint, the mixture's components and quantiles are those of every endpoint's own component", async (t) => {
  const rng = new RngRegistry(11).stream("test/merged-latency");
  const pool = new PodServerPool(64);
  const ids = servers(pool, rng);
  let lists = 0;
  let merges = 0;
  let fallbacks = 0;
  let mismatches = 0;
  const out: PodLatency[] = [];
  for (let run = 0; run < 400; run++) {
    // A list of endpoints: runs of one server kind (the usual Service), interleavings, or a
    // shuffle of many states (more than the mixture merges).
    const shuffled = run % 4 === 3;
    const n = shuffled ? 60 : 1 + Math.floor(rng.uniform(0, 60));
    const distinct = shuffled ? ids.length : 1 + Math.floor(rng.uniform(0, 4));
    const pickFrom = Array.from({ length: distinct }, () => ids[Math.floor(rng.uniform(0, ids.length))]);
    const slots: number[] = [];
    while (slots.length < n) {
      const id = pickFrom[Math.floor(rng.uniform(0, pickFrom.length))];
      const runLength = shuffled ? 1 : 1 + Math.floor(rng.uniform(0, 5));
      for (let k = 0; k < runLength && slots.length < n; k++) slots.push(id);
    }
    const weights = slots.map(() => (rng.uniform(0, 1) < 0.7 ? 3 : rng.uniform(0.1, 9)));
    const shift_ms = rng.uniform(0, 1) < 0.5 ? 0 : 12.5;
    // What it replaces.
    const pods = slots.map((id, i) => {
      const c = pool.latency(id, scratchLatency());
      c.weight = weights[i];
      c.shift_ms += shift_ms;
      return c;
    });
    const want = mixtureComponents(pods, []).map((c) => ({ ...c }));
    const wantQ = componentsQuantiles_ms(want, [0.5, 0.95, 0.99], []);
    // Built endpoint by endpoint (and, past the merged states, as `latency` then does).
    let got = mergedComponents(pool, slots, weights, n, shift_ms, scratchLatency(), out);
    if (got === null) {
      fallbacks++;
      got = mixtureComponents(pods, out);
    }
    for (let i = 1; i < n; i++) if (pool.sameLatency(slots[i - 1], slots[i])) merges++;
    const gotQ = componentsQuantiles_ms(got, [0.5, 0.95, 0.99], []);
    lists++;
    if (!same(got, want) || !gotQ.every((q, i) => Object.is(q, wantQ[i]))) {
      if (mismatches++ < 5) t.fail(`list ${run}: ${JSON.stringify(got)} against ${JSON.stringify(want)}; quantiles ${gotQ} against ${wantQ}`);
    }
  }
  t.equal(mismatches, 0, `${lists} lists, components and quantiles bit for bit`);
  t.ok(merges > 1_000, `endpoints merged into the one before them: ${merges}`);
  t.ok(fallbacks > 10, `lists with more states than are merged: ${fallbacks}`);
});

t.test("sameLatency: the same steady state over differently split ages is the same; a queue, a cap's sign or a transient's age is not", async (t) => {
  const pool = new PodServerPool(8);
  const make = (steps: readonly (readonly [number, number])[], cap?: number) => {
    const id = pool.add(BASE);
    if (cap !== undefined) pool.setCpuCap(id, cap);
    for (const [dt_ms, rate] of steps) pool.advance(id, dt_ms, rate);
    return id;
  };
  const a = make([[60_000, 3], [30_100, 4], [40_200, 4]]);
  const b = make([[60_000, 3], [70_300, 4]]);
  t.ok(pool.sameLatency(a, b), "one steady state, ages 30.1 + 40.2 and 70.3 s");
  t.notOk(pool.sameLatency(make([[60_000, 3], [1, 4.5]]), make([[60_000, 3], [2, 4.5]])), "a transient at two ages");
  t.notOk(pool.sameLatency(a, make([[60_000, 3], [2_000, 7]])), "a queue");
  t.notOk(pool.sameLatency(make([[10_000, 3], [1_000, 7]], 0), make([[10_000, 3], [1_000, 7]], -0)), "caps of +0 and −0 with a queue");
});
