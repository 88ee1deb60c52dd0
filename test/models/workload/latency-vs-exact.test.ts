/**
 * The fluid server's latency estimates against the exact per-request model (request-queue.ts)
 * and the queueing formulas: in steady state for each service-time distribution, and through a
 * step up, an overload and a drain. Tolerances are stated per check; the exact runs are seeded,
 * so the comparisons are reproducible, and long enough that their own error is a fraction of
 * the tolerance.
 */
import t from "tap";
import { RngRegistry } from "../../../engine/rng.js";
import { PodServer } from "../../../models/workload/pod-server.js";
import { simulateRequests, type RequestQueueParams } from "../../../models/workload/request-queue.js";
import type { ServiceTimeDistribution } from "../../../models/workload/service-time.js";

/** One worker at 500m with no CFS stretch: s = 0.2 s, μ = 5 requests/s. */
const BASE = { cost_mcore_s: 100, cap_mcores: 500, speed_mcores: 500, cfsPeriod_ms: 100 } as const;

function exactParams(distribution: ServiceTimeDistribution, cv = 0, over: Partial<RequestQueueParams> = {}): RequestQueueParams {
  return { ...BASE, distribution, cv, ...over };
}

function fluidPod(p: RequestQueueParams): PodServer {
  return new PodServer({
    cost_mcore_s: p.cost_mcore_s, cap_mcores: p.cap_mcores, perRequestCpu_mcores: p.speed_mcores,
    queueCapacity_requests: Infinity, memoryBaseline_bytes: 1, memoryPerRequest_bytes: 0,
    serviceTime: p.distribution, serviceTimeCv: p.cv, cfsPeriod_ms: p.cfsPeriod_ms,
  });
}

function quantile(sorted: Float64Array, q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

const relErr = (got: number, want: number) => Math.abs(got - want) / want;

t.test("steady state: mean and p95 against the exact model and M/M/1, M/D/1", async (t) => {
  const rows: { name: string; distribution: ServiceTimeDistribution; cv?: number; lambda: number; mean?: number; p95?: number; meanTol: number; p95Tol: number }[] = [
    // M/M/1: sojourn exponential with mean s/(1−ρ).
    { name: "M/M/1 ρ=0.5", distribution: "exponential", lambda: 2.5, mean: 0.4, p95: 0.4 * Math.log(20), meanTol: 0.03, p95Tol: 0.03 },
    { name: "M/M/1 ρ=0.8", distribution: "exponential", lambda: 4, mean: 1.0, p95: Math.log(20), meanTol: 0.05, p95Tol: 0.05 },
    // M/D/1: mean wait ρ s / (2(1−ρ)).
    { name: "M/D/1 ρ=0.5", distribution: "deterministic", lambda: 2.5, mean: 0.2 + 0.1, meanTol: 0.03, p95Tol: 0.08 },
    { name: "M/D/1 ρ=0.8", distribution: "deterministic", lambda: 4, mean: 0.2 + 0.4, meanTol: 0.05, p95Tol: 0.08 },
    { name: "lognormal cv 0.5, ρ=0.7", distribution: "lognormal", cv: 0.5, lambda: 3.5, meanTol: 0.05, p95Tol: 0.1 },
    { name: "lognormal cv 1, ρ=0.6", distribution: "lognormal", cv: 1, lambda: 3, mean: 0.2 + 0.3, meanTol: 0.05, p95Tol: 0.1 },
  ];
  for (const r of rows) {
    const p = exactParams(r.distribution, r.cv ?? 0);
    const rng = new RngRegistry(11).stream(`exact/${r.name}`);
    const warmup_s = 2000;
    const { arrival_s, response_s } = simulateRequests(p, [[warmup_s + 60_000, r.lambda]], rng);
    const kept = response_s.filter((_, i) => arrival_s[i] >= warmup_s);
    const exactMean = kept.reduce((s, x) => s + x, 0) / kept.length;
    const exactP95 = quantile(kept.slice().sort(), 0.95);
    const pod = fluidPod(p);
    pod.advance(warmup_s * 1000, r.lambda);
    const modelMean = pod.meanResponseTime_ms / 1000;
    const modelP95 = pod.p95ResponseTime_ms / 1000;
    t.comment(`${r.name}: mean model ${modelMean.toFixed(4)} exact ${exactMean.toFixed(4)}; p95 model ${modelP95.toFixed(4)} exact ${exactP95.toFixed(4)}`);
    if (r.mean !== undefined) t.ok(relErr(modelMean, r.mean) < 1e-9, `${r.name}: the model's mean is the formula's (${r.mean})`);
    if (r.p95 !== undefined) t.ok(relErr(modelP95, r.p95) < 1e-9, `${r.name}: the model's p95 is the formula's (${r.p95.toFixed(4)})`);
    t.ok(relErr(modelMean, exactMean) < r.meanTol, `${r.name}: mean within ${r.meanTol * 100} % of the exact model`);
    t.ok(relErr(modelP95, exactP95) < r.p95Tol, `${r.name}: p95 within ${r.p95Tol * 100} % of the exact model`);
  }
});

t.test("transients: a step up, an overload and a drain, window by window", async (t) => {
  const p = exactParams("exponential");
  // From steady state at ρ = 0.5: a step to ρ = 0.85, 20 s of overload at ρ = 1.5, back to 0.5.
  const phases: [number, number][] = [[300, 2.5], [120, 4.25], [20, 7.5], [120, 2.5]];
  // [from, to, tolerance]: 20 % everywhere but the tail of the drain, where the fluid queue has
  // emptied and PSFFA, which follows one mean path, drains about 30 % early (the exact runs'
  // queues are spread out: some are still long).
  const windows_s = [[300, 310, 0.2], [310, 330, 0.2], [330, 360, 0.2], [360, 420, 0.2], [420, 430, 0.2], [430, 440, 0.2], [440, 450, 0.2], [450, 460, 0.2], [460, 480, 0.35], [480, 520, 0.2], [520, 560, 0.2]];
  const replications = 400;
  const sum = new Float64Array(windows_s.length);
  const count = new Float64Array(windows_s.length);
  const registry = new RngRegistry(5);
  for (let rep = 0; rep < replications; rep++) {
    const { arrival_s, response_s } = simulateRequests(p, phases, registry.stream(`transient/${rep}`));
    for (let i = 0; i < arrival_s.length; i++) {
      for (let w = 0; w < windows_s.length; w++) {
        if (arrival_s[i] >= windows_s[w][0] && arrival_s[i] < windows_s[w][1]) {
          sum[w] += response_s[i];
          count[w]++;
        }
      }
    }
  }
  // The model's mean response, averaged over each window in 100 ms steps (arrivals are uniform
  // within a phase, so a time average is the arrival average).
  const pod = fluidPod(p);
  const step_s = 0.1;
  const modelSum = new Float64Array(windows_s.length);
  const modelCount = new Float64Array(windows_s.length);
  let now_s = 0;
  for (const [duration_s, rate] of phases) {
    const end_s = now_s + duration_s;
    while (now_s < end_s - 1e-9) {
      pod.advance(step_s * 1000, rate);
      now_s += step_s;
      const mid_s = now_s - step_s / 2;
      for (let w = 0; w < windows_s.length; w++) {
        if (mid_s >= windows_s[w][0] && mid_s < windows_s[w][1]) {
          modelSum[w] += pod.meanResponseTime_ms / 1000;
          modelCount[w]++;
        }
      }
    }
  }
  let worst = 0;
  for (let w = 0; w < windows_s.length; w++) {
    const exact = sum[w] / count[w];
    const model = modelSum[w] / modelCount[w];
    worst = Math.max(worst, relErr(model, exact));
    t.comment(`window ${windows_s[w][0]}-${windows_s[w][1]} s: model ${model.toFixed(3)} s, exact ${exact.toFixed(3)} s (${((model / exact - 1) * 100).toFixed(1)} %)`);
    t.ok(relErr(model, exact) < windows_s[w][2], `window ${windows_s[w][0]}-${windows_s[w][1]} s: within ${windows_s[w][2] * 100} % of the exact model`);
  }
  t.comment(`worst window: ${(worst * 100).toFixed(1)} %`);
});

t.test("CFS quota periods: a short request under a low limit is not slowed to the limit's rate", async (t) => {
  // 15 ms of work on one core under a 200m limit (20 ms of quota per 100 ms period).
  const p = exactParams("deterministic", 0, { cost_mcore_s: 15, cap_mcores: 200, speed_mcores: 1000 });
  const { arrival_s, response_s } = simulateRequests(p, [[2000, 1]], new RngRegistry(3).stream("cfs"));
  const sorted = response_s.filter((_, i) => arrival_s[i] > 10).sort();
  const pod = fluidPod(p);
  pod.advance(2_000_000, 1);
  t.comment(`p50 model ${(pod.meanResponseTime_ms).toFixed(2)} ms, exact ${(quantile(sorted, 0.5) * 1000).toFixed(2)} ms`);
  t.ok(Math.abs(quantile(sorted, 0.5) * 1000 - 15) < 0.5, "exact: the median request takes its 15 ms");
  t.ok(pod.meanResponseTime_ms < 20, `model: ${pod.meanResponseTime_ms.toFixed(2)} ms, not the 75 ms a rate cap gives`);
});

t.test("php-apache at 10 replicas: deterministic 426 ms under a 1-core limit, p95 within 10 % of the exact model", async (t) => {
  // The walkthrough's 2.27 requests/s over 10 pods; cap = 1000m limit - 1m baseline.
  const p = exactParams("deterministic", 0, { cost_mcore_s: 426, cap_mcores: 999, speed_mcores: 1000 });
  const lambda = 2.27 / 10;
  const { arrival_s, response_s } = simulateRequests(p, [[400_000, lambda]], new RngRegistry(9).stream("php"));
  const kept = response_s.filter((_, i) => arrival_s[i] > 1000);
  const exactP95 = quantile(kept.slice().sort(), 0.95);
  const pod = fluidPod(p);
  pod.advance(1_000_000, lambda);
  const modelP95 = pod.p95ResponseTime_ms / 1000;
  t.comment(`p95 model ${modelP95.toFixed(4)} s, exact ${exactP95.toFixed(4)} s`);
  t.ok(relErr(modelP95, exactP95) < 0.1, "within 10 %");
});
