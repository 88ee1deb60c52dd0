/**
 * Service latency quantiles: merging pods into the mixture's distinct components (closed form
 * for one, bisection over components for several) gives the quantile that bisection over every
 * pod's term gives.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { mixtureComponents, mixtureQuantile_ms, type PodLatency } from "../../../models/service/latency.js";

/** The plain definition: bisection on the survival function summed over every pod. */
function perPodQuantile_ms(pods: readonly PodLatency[], q: number): number {
  const live = pods.filter((p) => p.weight > 0);
  if (live.length === 0) return NaN;
  const total = live.reduce((s, p) => s + p.weight, 0);
  const survival = (x: number) =>
    live.reduce((s, p) => {
      const tail = p.mean_ms - p.shift_ms;
      return s + p.weight * (x < p.shift_ms ? 1 : tail > 0 ? Math.exp(-(x - p.shift_ms) / tail) : 0);
    }, 0) / total;
  let low = 0;
  let high = Math.max(...live.map((p) => p.shift_ms + (p.mean_ms - p.shift_ms) * Math.log(1 / (1 - q)) + 1));
  for (let i = 0; i < 200; i++) {
    const mid = (low + high) / 2;
    if (survival(mid) > 1 - q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

t.test("one shared state: the shifted exponential's closed form", async (t) => {
  const pods = Array.from({ length: 50 }, () => ({ weight: 6, mean_ms: 40, shift_ms: 0 }));
  t.equal(mixtureComponents(pods).length, 1);
  t.equal(mixtureQuantile_ms(pods, 0.5), 40 * Math.log(1 / (1 - 0.5)));
  t.equal(mixtureQuantile_ms(pods, 0.95), 40 * Math.log(1 / (1 - 0.95)));
  // All wait, no tail: every quantile is the shift.
  t.equal(mixtureQuantile_ms([{ weight: 1, mean_ms: 12, shift_ms: 12 }], 0.95), 12);
});

t.test("no traffic: NaN", async (t) => {
  t.ok(Number.isNaN(mixtureQuantile_ms([], 0.5)));
  t.ok(Number.isNaN(mixtureQuantile_ms([{ weight: 0, mean_ms: 10, shift_ms: 0 }], 0.5)));
});

t.test("components merge equal states, sum their weights, skip idle pods", async (t) => {
  const a = { mean_ms: 10, shift_ms: 0 };
  const b = { mean_ms: 30, shift_ms: 5 };
  const merged = mixtureComponents([{ weight: 1, ...a }, { weight: 2, ...b }, { weight: 0, ...a }, { weight: 3, ...a }]);
  t.same(merged, [{ weight: 4, ...a }, { weight: 2, ...b }]);
});

t.test("random mixtures: the same quantile as bisection over every pod", async (t) => {
  const rng = new RngRegistry(7).stream("test/latency");
  for (let trial = 0; trial < 300; trial++) {
    // Few distinct states (merged) or many (past the merge limit: the pods themselves).
    const states = trial % 3 === 0 ? 40 : 1 + Math.floor(rng.uniform(0, 5));
    const palette = Array.from({ length: states }, () => {
      const mean_ms = rng.uniform(1, 500);
      return { mean_ms, shift_ms: rng.uniform(0, 1) < 0.5 ? 0 : rng.uniform(0, mean_ms) };
    });
    const pods = Array.from({ length: 60 }, () => ({
      weight: rng.uniform(0, 1) < 0.1 ? 0 : rng.uniform(0.1, 10),
      ...palette[Math.floor(rng.uniform(0, states))],
    }));
    for (const q of [0.5, 0.95, 0.99]) {
      const want = perPodQuantile_ms(pods, q);
      const got = mixtureQuantile_ms(pods, q);
      if (Math.abs(got - want) > 1e-9 * Math.max(1, want)) t.fail(`trial ${trial} q=${q}: ${got} vs ${want}`);
    }
  }
  t.pass("300 mixtures agree to 1e-9");
});
