/**
 * Service latency quantiles: merging pods into the mixture's distinct components, and the
 * closed forms and Newton steps of response-time.ts, give the quantile that plain bisection on
 * a brute-force survival function (every pod, the service time integrated over 4,000 points)
 * gives.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/index.js";
import { componentMean_ms, mixtureComponents, mixtureQuantile_ms, type PodLatency } from "../../../models/workload/response-time.js";
import { cfsServiceTime_s, workQuantile, type ServiceTimeDistribution } from "../../../models/workload/service-time.js";

const GRID = 4000;

/** Service-time points of a pod, brute force: the work's quantiles on a fine grid, CFS-stretched. */
function servicePoints(p: PodLatency): Float64Array {
  const points = new Float64Array(GRID);
  for (let k = 0; k < GRID; k++) {
    const w = p.work_ms * workQuantile(p.distribution, p.cv, (k + 0.5) / GRID);
    points[k] = p.quota_ms === Infinity ? w : cfsServiceTime_s(w, 1, p.quota_ms / p.period_ms, p.period_ms);
  }
  return points;
}

/** The plain definition: bisection on the survival function summed over every pod. */
function perPodQuantile_ms(pods: readonly PodLatency[], q: number): number {
  const live = pods.filter((p) => p.weight > 0);
  if (live.length === 0) return NaN;
  const total = live.reduce((s, p) => s + p.weight, 0);
  const points = live.map(servicePoints);
  const survival = (x: number) => {
    let sum = 0;
    live.forEach((p, i) => {
      let s = 0;
      for (const service of points[i]) {
        const y = x - p.shift_ms - service;
        s += y < 0 ? 1 : p.waitProbability * (y < p.waitShift_ms ? 1 : p.waitTail_ms > 0 ? Math.exp(-(y - p.waitShift_ms) / p.waitTail_ms) : 0);
      }
      sum += (p.weight * s) / GRID;
    });
    return sum / total;
  };
  let low = 0;
  let high = 1;
  while (survival(high) > 1 - q) high *= 2;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (survival(mid) > 1 - q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

function pod(over: Partial<PodLatency>): PodLatency {
  return {
    weight: 1, shift_ms: 0, waitProbability: 0, waitShift_ms: 0, waitTail_ms: 0,
    distribution: "exponential", cv: 1, work_ms: 40, quota_ms: Infinity, period_ms: 100, ...over,
  };
}

t.test("closed forms: an idle exponential pod, M/M/1, a deterministic pod", async (t) => {
  const idle = Array.from({ length: 50 }, () => pod({ weight: 6 }));
  t.equal(mixtureComponents(idle).length, 1);
  t.ok(Math.abs(mixtureQuantile_ms(idle, 0.95) - 40 * Math.log(20)) < 1e-9, "p95 of Exp(40 ms) is 40 ln 20");
  // M/M/1 at ρ = 0.5, s = 40: wait w.p. 0.5, Exp(80): the sojourn is Exp(80).
  const mm1 = [pod({ waitProbability: 0.5, waitTail_ms: 80 })];
  t.ok(Math.abs(mixtureQuantile_ms(mm1, 0.95) - 80 * Math.log(20)) < 1e-9, "M/M/1 sojourn p95 = 80 ln 20");
  t.ok(Math.abs(componentMean_ms(mm1[0]) - 80) < 1e-12, "M/M/1 mean 80");
  // Deterministic, no wait: every quantile is the service time; behind a fluid queue, shifted.
  t.ok(Math.abs(mixtureQuantile_ms([pod({ distribution: "deterministic", cv: 0, shift_ms: 12 })], 0.95) - 52) < 1e-9, "deterministic 40 ms behind 12 ms of fluid queue: 52 ms");
});

t.test("no traffic: NaN", async (t) => {
  t.ok(Number.isNaN(mixtureQuantile_ms([], 0.5)));
  t.ok(Number.isNaN(mixtureQuantile_ms([pod({ weight: 0 })], 0.5)));
});

t.test("components merge equal states, sum their weights, skip idle pods", async (t) => {
  const a = pod({ weight: 1 });
  const b = pod({ weight: 2, shift_ms: 5 });
  const merged = mixtureComponents([a, b, pod({ weight: 0 }), pod({ weight: 3 })]);
  t.same(merged.map((c) => [c.weight, c.shift_ms]), [[4, 0], [2, 5]]);
  t.equal(a.weight, 1, "the pods' records are not modified");
});

t.test("random mixtures: the same quantile as brute force over every pod", async (t) => {
  const rng = new RngRegistry(7).stream("test/latency");
  const distributions: ServiceTimeDistribution[] = ["exponential", "deterministic", "lognormal"];
  let worst = 0;
  for (let trial = 0; trial < 25; trial++) {
    const states = 1 + Math.floor(rng.uniform(0, 4));
    const palette = Array.from({ length: states }, () => {
      const work_ms = rng.uniform(1, 300);
      const waiting = rng.uniform(0, 1) < 0.7;
      return pod({
        distribution: distributions[Math.floor(rng.uniform(0, 3))],
        cv: rng.uniform(0.2, 1.5),
        work_ms,
        shift_ms: rng.uniform(0, 1) < 0.5 ? 0 : rng.uniform(0, 500),
        waitProbability: waiting ? rng.uniform(0.05, 0.95) : 0,
        waitShift_ms: waiting ? rng.uniform(0, work_ms) : 0,
        waitTail_ms: waiting ? rng.uniform(1, 2 * work_ms) : 0,
        quota_ms: rng.uniform(0, 1) < 0.3 ? rng.uniform(10, 90) : Infinity,
      });
    });
    const pods = Array.from({ length: 12 }, () => ({ ...palette[Math.floor(rng.uniform(0, states))], weight: rng.uniform(0.1, 10) }));
    for (const q of [0.5, 0.95]) {
      const want = perPodQuantile_ms(pods, q);
      const got = mixtureQuantile_ms(pods, q);
      // Exponential work under CFS is taken as exponential with the stretched mean: a model
      // choice, not a numerical error, so those mixtures are compared loosely.
      const stretchedExponential = pods.some((p) => p.distribution === "exponential" && p.quota_ms < Infinity);
      const tolerance = stretchedExponential ? 0.15 : 0.01;
      const err = Math.abs(got - want) / want;
      if (!stretchedExponential) worst = Math.max(worst, err);
      if (err > tolerance) t.fail(`trial ${trial} q=${q}: ${got} vs ${want}`);
    }
  }
  t.ok(worst < 0.01, `25 mixtures agree with brute force (worst ${(worst * 100).toFixed(3)} %)`);
});
