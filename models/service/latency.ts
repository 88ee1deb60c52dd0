/**
 * A Service's response-time quantiles from its endpoints' estimates. Each pod's response time is
 * taken as a shifted exponential: a deterministic wait behind its fluid queue (q/μ) plus an
 * exponential tail whose mean makes the total equal the pod's mean estimate
 * (models/workload/pod-server.ts meanResponseTime_ms). The Service's distribution is the mixture
 * of its pods weighted by the traffic each receives; a quantile is found by bisection on the
 * mixture's survival function.
 */

export interface PodLatency {
  weight: number;
  mean_ms: number;
  /** Deterministic part (fluid queue wait), <= mean_ms. */
  shift_ms: number;
}

function survival(pods: readonly PodLatency[], totalWeight: number, x_ms: number): number {
  let s = 0;
  // A Service's endpoints mostly share one (mean, shift) state (equal traffic shares, empty
  // queues), so the last pod's probability is reused when its inputs are bit-identical: the
  // same value in the same summation order, with one Math.exp per distinct state, not per pod.
  let lastMean_ms = NaN;
  let lastShift_ms = NaN;
  let lastProb = 0;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.weight <= 0) continue;
    if (p.mean_ms !== lastMean_ms || p.shift_ms !== lastShift_ms) {
      const tail_ms = p.mean_ms - p.shift_ms;
      lastProb = x_ms < p.shift_ms ? 1 : tail_ms > 0 ? Math.exp(-(x_ms - p.shift_ms) / tail_ms) : 0;
      lastMean_ms = p.mean_ms;
      lastShift_ms = p.shift_ms;
    }
    s += p.weight * lastProb;
  }
  return s / totalWeight;
}

/** The q-quantile (0 < q < 1) of the traffic-weighted mixture, ms; NaN when nothing is served. */
export function mixtureQuantile_ms(pods: readonly PodLatency[], q: number): number {
  let totalWeight = 0;
  let high = 0;
  for (const p of pods) {
    if (p.weight <= 0) continue;
    totalWeight += p.weight;
    // Every pod's q-quantile is below shift + tail * ln(1/(1-q)); the mixture's is below the max.
    const bound = p.shift_ms + (p.mean_ms - p.shift_ms) * Math.log(1 / (1 - q)) + 1;
    if (bound > high) high = bound;
  }
  if (totalWeight === 0) return NaN;
  let low = 0;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    if (survival(pods, totalWeight, mid) > 1 - q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}
