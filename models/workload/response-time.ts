/**
 * A Service's response-time quantiles from its endpoints. A request's response time at one pod
 * is the sum of three parts (models/workload/pod-server.ts `latency`):
 * - a deterministic wait behind the pod's fluid queue (q/μ), exact when the pod is overloaded;
 * - a random wait in queue, zero with probability 1 − p and otherwise a shifted exponential,
 *   a + Exp(θ), with M/G/1's first two moments (its mean p·(a + θ) is the pod's PSFFA mean wait
 *   beyond the fluid part, so it rises and drains with the load instead of jumping to a steady state);
 * - its own service time: the app's work (exponential, deterministic or lognormal) stretched by
 *   CFS quota periods when the pod's limit is below what one request could use (exactly for
 *   deterministic and lognormal work; exponential work keeps its shape with the stretched mean).
 * The Service's distribution is the mixture of its pods weighted by the traffic each receives.
 *
 * A Service's endpoints mostly share one state (equal traffic shares, empty queues), so the pods
 * are first merged into the mixture's distinct components, weights summed. Quantiles are solved
 * on the mixture's survival function by Newton steps kept inside a bisection bracket.
 */
import { cfsServiceTime_s, workQuantile, type ServiceTimeDistribution } from "./service-time.js";

export interface PodLatency {
  weight: number;
  /** Deterministic wait behind the fluid queue, ms. */
  shift_ms: number;
  /** Probability that a request waits in the random queue; that wait is waitShift + Exp(mean waitTail), ms. */
  waitProbability: number;
  waitShift_ms: number;
  waitTail_ms: number;
  /** How the work varies (cv: lognormal's coefficient of variation) and its mean at full speed, ms. */
  distribution: ServiceTimeDistribution;
  cv: number;
  work_ms: number;
  /** Full-speed ms of work the CFS quota allows per period (Infinity: never throttled), and the period, ms. */
  quota_ms: number;
  period_ms: number;
}

/**
 * Above this many distinct components, merging costs more than it saves (a linear search per
 * pod): the pods are then the components.
 */
const MAX_MERGED_COMPONENTS = 16;

/** Points (equal probability) standing for a service-time distribution without a closed form. */
const SERVICE_POINTS = 256;

function sameState(a: PodLatency, b: PodLatency): boolean {
  return a.shift_ms === b.shift_ms && a.waitProbability === b.waitProbability && a.waitShift_ms === b.waitShift_ms && a.waitTail_ms === b.waitTail_ms &&
    a.distribution === b.distribution && a.cv === b.cv && a.work_ms === b.work_ms && a.quota_ms === b.quota_ms && a.period_ms === b.period_ms;
}

/**
 * The distinct states among pods with traffic, weights summed, first seen first: copies, in
 * `out`'s objects (reused from one call to the next: pass the same list each time), unless there
 * are too many to merge (then the pods themselves, in a new list).
 */
export function mixtureComponents(pods: readonly PodLatency[], out: PodLatency[] = []): PodLatency[] {
  let count = 0;
  for (let i = 0; i < pods.length; i++) {
    const p = pods[i];
    if (p.weight <= 0) continue;
    let k = 0;
    while (k < count && !sameState(out[k], p)) k++;
    if (k < count) out[k].weight += p.weight;
    else if (count < MAX_MERGED_COMPONENTS) {
      if (count === out.length) out.push({ ...p });
      else Object.assign(out[count], p);
      count++;
    } else return pods.filter((pod) => pod.weight > 0);
  }
  if (out.length > count) out.length = count;
  return out;
}

/** Own service time of work `w_ms` (full-speed ms) under the component's CFS quota, ms. */
function stretched_ms(c: PodLatency, w_ms: number): number {
  if (!(w_ms > c.quota_ms)) return w_ms;
  // cfsServiceTime_s in ms units: speed 1, cap = quota / period.
  return cfsServiceTime_s(w_ms, 1, c.quota_ms / c.period_ms, c.period_ms);
}

/**
 * One component made ready for repeated evaluation: closed forms for a deterministic service
 * time and for an exponential one that CFS does not stretch; otherwise service times at
 * SERVICE_POINTS equal-probability points of the work's distribution.
 */
interface Prepared {
  c: PodLatency;
  /** 0: deterministic (service = `fixed_ms`), 1: exponential (mean `work_ms`), 2: points. */
  form: 0 | 1 | 2;
  fixed_ms: number;
  points: Float64Array | null;
  meanService_ms: number;
}

function prepare(c: PodLatency): Prepared {
  if (c.distribution === "deterministic") {
    const fixed_ms = stretched_ms(c, c.work_ms);
    return { c, form: 0, fixed_ms, points: null, meanService_ms: fixed_ms };
  }
  if (c.distribution === "exponential") {
    // Under a CFS quota, taken as exponential with the stretched mean: each quota a request
    // exhausts adds the period's throttled rest, E[T] = m + (P − a)·Σ_j e^{−ja/m}.
    const m = c.work_ms;
    const more = c.quota_ms === Infinity ? 0 : Math.exp(-c.quota_ms / m);
    const mean_ms = more === 0 ? m : m + ((c.period_ms - c.quota_ms) * more) / (1 - more);
    return { c, form: 1, fixed_ms: 0, points: null, meanService_ms: mean_ms };
  }
  const points = new Float64Array(SERVICE_POINTS);
  let sum = 0;
  for (let k = 0; k < SERVICE_POINTS; k++) {
    points[k] = stretched_ms(c, c.work_ms * workQuantile(c.distribution, c.cv, (k + 0.5) / SERVICE_POINTS));
    sum += points[k];
  }
  // Unstretched, the mean is the work's own (the points miss a heavy tail's far end).
  return { c, form: 2, fixed_ms: 0, points, meanService_ms: c.quota_ms === Infinity ? c.work_ms : sum / SERVICE_POINTS };
}

/**
 * P(response > x) and its density at x, of one component, into `out` [survival, density]:
 * (1 − p)·P(S > y) + p·P(S + a + Exp(θ) > y), y = x − shift.
 */
function evaluate(pc: Prepared, x_ms: number, out: Float64Array): void {
  const c = pc.c;
  const y = x_ms - c.shift_ms;
  const p = c.waitProbability;
  const a = c.waitShift_ms;
  const theta = c.waitTail_ms;
  let survival = 0;
  let density = 0;
  if (pc.form === 2) {
    const points = pc.points!;
    for (let k = 0; k < points.length; k++) {
      const [s, d] = serviceThenWait(points[k], y, p, a, theta);
      survival += s;
      density += d;
    }
    out[0] = survival / points.length;
    out[1] = density / points.length;
    return;
  }
  if (pc.form === 0) {
    const [s, d] = serviceThenWait(pc.fixed_ms, y, p, a, theta);
    out[0] = s;
    out[1] = d;
    return;
  }
  // Exponential service (rate β): P(S > y) = e^{−βy}; P(S + Exp(θ) > z) = (α e^{−βz} − β e^{−αz})/(α − β), α = 1/θ.
  const beta = 1 / pc.meanService_ms;
  if (!(y > 0)) {
    out[0] = 1;
    out[1] = 0;
    return;
  }
  const eb = Math.exp(-beta * y);
  survival = (1 - p) * eb;
  density = (1 - p) * beta * eb;
  if (p > 0) {
    const z = y - a;
    if (!(z > 0)) survival += p;
    else if (!(theta > 0)) {
      const e = Math.exp(-beta * z);
      survival += p * e;
      density += p * beta * e;
    } else {
      const alpha = 1 / theta;
      const ebz = Math.exp(-beta * z);
      if (Math.abs(alpha - beta) <= 1e-9 * beta) {
        survival += p * (1 + beta * z) * ebz;
        density += p * beta * beta * z * ebz;
      } else {
        const eaz = Math.exp(-alpha * z);
        survival += (p * (alpha * ebz - beta * eaz)) / (alpha - beta);
        density += (p * alpha * beta * (ebz - eaz)) / (alpha - beta);
      }
    }
  }
  out[0] = survival;
  out[1] = density;
}

const PAIR: [number, number] = [0, 0];

/** A fixed service time `s` then the wait (0 w.p. 1 − p, else a + Exp(θ)): [P(> y), density at y]. */
function serviceThenWait(s: number, y: number, p: number, a: number, theta: number): [number, number] {
  let survival = y < s ? 1 - p : 0;
  let density = 0;
  if (p > 0) {
    const t = y - s - a;
    if (t < 0) survival += p;
    else if (theta > 0) {
      const e = p * Math.exp(-t / theta);
      survival += e;
      density = e / theta;
    }
  }
  PAIR[0] = survival;
  PAIR[1] = density;
  return PAIR;
}

/** Mean response time of one component, ms. */
export function componentMean_ms(c: PodLatency): number {
  return meanOfPrepared_ms(c, prepare(c));
}

/** componentMean_ms of a component already prepared (`pc = prepare(c)`). */
function meanOfPrepared_ms(c: PodLatency, pc: Prepared): number {
  return c.shift_ms + c.waitProbability * (c.waitShift_ms + c.waitTail_ms) + pc.meanService_ms;
}

const EVAL = new Float64Array(2);

/**
 * The q-quantile (0 < q < 1) of a mixture given by its components (weights > 0, as
 * `mixtureComponents` returns them), ms; NaN when there are none.
 */
export function componentsQuantile_ms(components: readonly PodLatency[], q: number): number {
  const out = [NaN];
  componentsQuantiles_ms(components, [q], out);
  return out[0];
}

/**
 * `componentsQuantile_ms` for each of `qs`, into `out` (the same numbers): the components are
 * prepared once for all of them.
 */
export function componentsQuantiles_ms(components: readonly PodLatency[], qs: readonly number[], out: number[]): number[] {
  if (components.length === 0) {
    for (let i = 0; i < qs.length; i++) out[i] = NaN;
    return out;
  }
  const prepared = components.map(prepare);
  let totalWeight = 0;
  let low = Infinity;
  let guess = 0;
  for (const pc of prepared) {
    const c = pc.c;
    if (!(c.shift_ms < Infinity) || !(pc.meanService_ms < Infinity)) {
      for (let i = 0; i < qs.length; i++) out[i] = Infinity;
      return out;
    }
    totalWeight += c.weight;
    low = Math.min(low, c.shift_ms);
    guess = Math.max(guess, meanOfPrepared_ms(c, pc));
  }
  for (let i = 0; i < qs.length; i++) out[i] = quantileOfPrepared(prepared, totalWeight, low, guess, qs[i]);
  return out;
}

/**
 * P(response > x) of the mixture minus `tail`, its density at x in EVAL[1] (the function whose
 * root is the quantile).
 */
function excessOverTail(prepared: readonly Prepared[], totalWeight: number, x: number, tail: number): number {
  let s = 0;
  let d = 0;
  for (const pc of prepared) {
    evaluate(pc, x, EVAL);
    s += pc.c.weight * EVAL[0];
    d += pc.c.weight * EVAL[1];
  }
  EVAL[1] = d / totalWeight;
  return s / totalWeight - tail;
}

/** The q-quantile of prepared components: Newton steps inside a bisection bracket from `low`. */
function quantileOfPrepared(prepared: readonly Prepared[], totalWeight: number, low: number, guess: number, q: number): number {
  const tail = 1 - q;
  // A bracket: f(low) >= 0 (nothing finishes before the shortest wait); grow `high` until f < 0.
  let high = Math.max(guess, low + 1e-9) * 2;
  while (excessOverTail(prepared, totalWeight, high, tail) > 0) high *= 2;
  let x = (low + high) / 2;
  for (let i = 0; i < 200; i++) {
    const fx = excessOverTail(prepared, totalWeight, x, tail);
    const slope = -EVAL[1];
    if (fx > 0) low = x;
    else high = x;
    if (high - low <= 1e-12 * high) break;
    let next = slope < 0 ? x - fx / slope : NaN;
    if (!(next > low && next < high)) next = (low + high) / 2;
    if (Math.abs(next - x) <= 1e-13 * next) {
      x = next;
      break;
    }
    x = next;
  }
  return x;
}

/** The q-quantile (0 < q < 1) of the traffic-weighted mixture, ms; NaN when nothing is served. */
export function mixtureQuantile_ms(pods: readonly PodLatency[], q: number): number {
  return componentsQuantile_ms(mixtureComponents(pods), q);
}
