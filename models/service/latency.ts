/**
 * A Service's response-time quantiles from its endpoints' estimates. Each pod's response time is
 * taken as a shifted exponential: a deterministic wait behind its fluid queue (q/μ) plus an
 * exponential tail whose mean makes the total equal the pod's mean estimate
 * (models/workload/pod-server.ts meanResponseTime_ms). The Service's distribution is the mixture
 * of its pods weighted by the traffic each receives.
 *
 * A Service's endpoints mostly share one (mean, shift) state (equal traffic shares, empty
 * queues), so the pods are first merged into the mixture's distinct components, weights summed.
 * One component has a closed-form quantile; several are solved by bisection on the mixture's
 * survival function, over components rather than pods.
 */

export interface PodLatency {
  weight: number;
  mean_ms: number;
  /** Deterministic part (fluid queue wait), <= mean_ms. */
  shift_ms: number;
}

/**
 * Above this many distinct components, merging costs more than it saves (a linear search per
 * pod): the pods are then the components.
 */
const MAX_MERGED_COMPONENTS = 16;

/** The distinct (mean, shift) states among pods with traffic, weights summed, first seen first. */
export function mixtureComponents(pods: readonly PodLatency[]): PodLatency[] {
  const components: PodLatency[] = [];
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.weight <= 0) continue;
    let k = 0;
    while (k < components.length && (components[k].mean_ms !== p.mean_ms || components[k].shift_ms !== p.shift_ms)) k++;
    if (k < components.length) components[k].weight += p.weight;
    else if (components.length < MAX_MERGED_COMPONENTS) components.push({ weight: p.weight, mean_ms: p.mean_ms, shift_ms: p.shift_ms });
    else return pods.filter((pod) => pod.weight > 0);
  }
  return components;
}

/** P(response > x) of one shifted-exponential component. */
function componentSurvival(c: PodLatency, x_ms: number): number {
  const tail_ms = c.mean_ms - c.shift_ms;
  return x_ms < c.shift_ms ? 1 : tail_ms > 0 ? Math.exp(-(x_ms - c.shift_ms) / tail_ms) : 0;
}

/** Every x above a component's q-quantile: shift + tail * ln(1/(1-q)). */
function componentQuantile_ms(c: PodLatency, q: number): number {
  const tail_ms = c.mean_ms - c.shift_ms;
  return tail_ms > 0 ? c.shift_ms + tail_ms * Math.log(1 / (1 - q)) : c.shift_ms;
}

/**
 * The q-quantile (0 < q < 1) of a mixture given by its components (weights > 0, as
 * `mixtureComponents` returns them), ms; NaN when there are none.
 */
export function componentsQuantile_ms(components: readonly PodLatency[], q: number): number {
  if (components.length === 0) return NaN;
  if (components.length === 1) return componentQuantile_ms(components[0], q);
  let totalWeight = 0;
  let high = 0;
  for (const c of components) {
    totalWeight += c.weight;
    // The mixture's q-quantile is below the largest of its components'.
    high = Math.max(high, componentQuantile_ms(c, q) + 1);
  }
  let low = 0;
  for (let i = 0; i < 60; i++) {
    const mid = (low + high) / 2;
    let s = 0;
    for (const c of components) s += c.weight * componentSurvival(c, mid);
    if (s / totalWeight > 1 - q) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The q-quantile (0 < q < 1) of the traffic-weighted mixture, ms; NaN when nothing is served. */
export function mixtureQuantile_ms(pods: readonly PodLatency[], q: number): number {
  return componentsQuantile_ms(mixtureComponents(pods), q);
}
