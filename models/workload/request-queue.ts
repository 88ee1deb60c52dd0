/**
 * The exact per-request model of one pod: each request an arrival, served first-come
 * first-served by the app's single worker at up to `speed_mcores`, under the container's CFS
 * quota (`cap_mcores` per period, periods starting at time 0). It is what the fluid server
 * (pod-server.ts) abstracts: the fluid model's latency estimates are tested against it (and
 * against the M/M/1 and M/D/1 formulas) in steady state and after steps in load, and it is the
 * worker of each pod in a scenario with `arrivals: requests` (request-server.ts). It costs O(1)
 * per request, but one per request: it suits small scenarios.
 */
import type { RandomStream } from "../../engine/rng.js";
import type { ServiceTimeDistribution } from "./service-time.js";

export interface RequestQueueParams {
  /** CPU one request needs on average, mcore·s (the app's cpuPerRequest). */
  cost_mcore_s: number;
  distribution: ServiceTimeDistribution;
  /** Lognormal work: coefficient of variation. */
  cv?: number;
  /** The CPU the container may use (its limit less the baseline), mcores. */
  cap_mcores: number;
  /** Most CPU one request can use at once: 1000 = one core. */
  speed_mcores: number;
  cfsPeriod_ms: number;
}

/** One request's work at full speed, seconds, drawn from `stream`. */
export function drawWork_s(p: RequestQueueParams, stream: RandomStream): number {
  const mean_s = p.cost_mcore_s / p.speed_mcores;
  if (p.distribution === "deterministic") return mean_s;
  if (p.distribution === "exponential") return stream.exponential(1 / mean_s);
  const sigma2 = Math.log(1 + (p.cv ?? 0) ** 2);
  return mean_s * stream.lognormal(-sigma2 / 2, Math.sqrt(sigma2));
}

/**
 * A single FIFO worker under a CFS quota; feed it arrivals in time order.
 *
 * Its schedule is kept in closed form rather than stepped period by period: since the worker
 * last became busy (or its quota last changed) it has had work without a break, so the work it
 * has done by any time t is a function of t alone (full periods give the quota, the first and
 * last periods what is left of them), and so is its inverse, when it reaches a given amount of
 * work. That lets a running pod (request-server.ts) read the CPU its requests have used up to
 * any instant, and change the quota in the middle of a request (a resize, a contended node)
 * with the work still to do carried over.
 */
export class RequestQueue {
  private readonly period_s: number;
  private readonly speed_mcores: number;
  /** Full-speed seconds of work the quota allows per period (Infinity: never throttled; 0: never runs). */
  private quota_s: number;
  // The present stretch: the worker has had work without a break since `start_s` (or its quota
  // changed then), when `startUsed_s` of the quota of that period had already been used;
  // `given_s` is the work given to it since, which it finishes at `free_s`.
  private start_s = 0;
  private startUsed_s = 0;
  private given_s = 0;
  private free_s = 0;
  /** Work of the stretches before the present one (all of it done), full-speed seconds. */
  private before_s = 0;
  /** Time the stretches before the present one spent throttled, s. */
  private throttledBefore_s = 0;

  constructor(p: RequestQueueParams) {
    this.period_s = p.cfsPeriod_ms / 1000;
    this.speed_mcores = p.speed_mcores;
    if (!(this.period_s > 0) || !(this.speed_mcores > 0)) throw new RangeError(`cfsPeriod_ms and speed_mcores must be > 0, got ${p.cfsPeriod_ms} and ${p.speed_mcores}`);
    this.quota_s = this.quotaOf(p.cap_mcores);
  }

  private quotaOf(cap_mcores: number): number {
    if (!(cap_mcores >= 0)) throw new RangeError(`cap_mcores must be >= 0, got ${cap_mcores}`);
    return cap_mcores >= this.speed_mcores ? Infinity : (this.period_s * cap_mcores) / this.speed_mcores;
  }

  /** A request arriving at `arrival_s` with `work_s` of full-speed work: its response time, s (Infinity when the quota is 0). */
  serve(arrival_s: number, work_s: number): number {
    // Idle when it arrives: a new stretch starts with this request.
    if (arrival_s >= this.free_s) this.restart(arrival_s);
    this.given_s += work_s;
    this.free_s = this.timeOf(this.given_s);
    return this.free_s - arrival_s;
  }

  /** Full-speed seconds of work done by `t_s` (not before the last arrival or quota change). */
  workDone_s(t_s: number): number {
    return this.before_s + this.doneBy(t_s);
  }

  /**
   * Seconds the worker has had work but no quota left, by `t_s` (not before the last arrival or
   * quota change): the container's CFS throttled time, cAdvisor's
   * container_cpu_cfs_throttled_seconds_total. Within a stretch the worker is always either
   * running or waiting for its next period, so this is the stretch's busy time less its work.
   */
  throttled_s(t_s: number): number {
    return this.throttledBefore_s + this.throttledIn(t_s);
  }

  private throttledIn(t_s: number): number {
    const end_s = t_s < this.free_s ? t_s : this.free_s;
    if (!(end_s > this.start_s)) return 0;
    return Math.max(0, end_s - this.start_s - this.doneBy(end_s));
  }

  /** Full-speed seconds of work given so far: a request's mark is this right after it was served. */
  get workGiven_s(): number {
    return this.before_s + this.given_s;
  }

  /** When the worker reaches `mark_s` of cumulative work (a request given by then completes). */
  completionOf(mark_s: number): number {
    return this.timeOf(mark_s - this.before_s);
  }

  /** When the work given so far is done, s. */
  get busyUntil_s(): number {
    return this.free_s;
  }

  /**
   * The container's CPU cap changes at `at_s` (no earlier than the last arrival or change): the
   * work not done by then continues under the new quota, in the same CFS period.
   */
  setCap(cap_mcores: number, at_s: number): void {
    const quota_s = this.quotaOf(cap_mcores);
    if (quota_s === this.quota_s) return;
    if (at_s < this.start_s) at_s = this.start_s;
    const done_s = this.doneBy(at_s);
    const used_s = this.usedAt(at_s);
    this.throttledBefore_s += this.throttledIn(at_s);
    this.before_s += done_s;
    this.given_s -= done_s;
    this.start_s = at_s;
    this.startUsed_s = used_s;
    this.quota_s = quota_s;
    this.free_s = this.given_s > 0 ? this.timeOf(this.given_s) : at_s;
  }

  /** The worker is idle at `t_s`: the present stretch is over and the next starts then. */
  private restart(t_s: number): void {
    const used_s = this.usedAt(t_s);
    this.throttledBefore_s += this.throttledIn(t_s);
    this.before_s += this.given_s;
    this.given_s = 0;
    this.start_s = t_s;
    this.startUsed_s = used_s;
    this.free_s = t_s;
  }

  /** Work the present stretch has done by `t_s`. */
  private doneBy(t_s: number): number {
    const ran_s = this.ran_s(t_s);
    return ran_s < this.given_s ? ran_s : this.given_s;
  }

  /** Work the worker could have run in [start_s, t_s] had it never run out: full speed until each period's quota is spent. */
  private ran_s(t_s: number): number {
    if (!(t_s > this.start_s)) return 0;
    const q = this.quota_s;
    if (q === Infinity) return t_s - this.start_s;
    const P = this.period_s;
    const k0 = Math.floor(this.start_s / P);
    const k = Math.floor(t_s / P);
    const left0_s = Math.max(0, q - this.startUsed_s);
    if (k <= k0) return Math.min(t_s - this.start_s, left0_s);
    return Math.min((k0 + 1) * P - this.start_s, left0_s) + (k - k0 - 1) * q + Math.max(0, Math.min(t_s - k * P, q));
  }

  /** The inverse of `ran_s`: when the stretch has run `w_s` of work. */
  private timeOf(w_s: number): number {
    if (!(w_s > 0)) return this.start_s;
    const q = this.quota_s;
    if (q === Infinity) return this.start_s + w_s;
    if (q === 0) return Infinity;
    const P = this.period_s;
    const k0 = Math.floor(this.start_s / P);
    const first_s = Math.min((k0 + 1) * P - this.start_s, Math.max(0, q - this.startUsed_s));
    if (w_s <= first_s) return this.start_s + w_s;
    const rest_s = w_s - first_s;
    // It runs in j more periods, the last partly: q in each before it, `last_s` in it.
    let j = Math.ceil(rest_s / q);
    let last_s = rest_s - (j - 1) * q;
    // Rounding of rest_s / q must not open a period to run (almost) nothing in it.
    if (j > 1 && last_s <= q * 1e-12) {
      j--;
      last_s += q;
    }
    return (k0 + j) * P + last_s;
  }

  /** Quota used in the CFS period containing `t_s`, by then. */
  private usedAt(t_s: number): number {
    const P = this.period_s;
    const k = Math.floor(t_s / P);
    const done_s = this.doneBy(t_s);
    if (k <= Math.floor(this.start_s / P)) return this.startUsed_s + done_s;
    return done_s - this.doneBy(k * P);
  }
}

/**
 * Poisson arrivals at a piecewise-constant rate through one pod: `phases` of [duration_s,
 * rate_rps], in order; each request's arrival time and response time, s.
 */
export function simulateRequests(
  p: RequestQueueParams,
  phases: readonly (readonly [number, number])[],
  stream: RandomStream,
): { arrival_s: Float64Array; response_s: Float64Array } {
  const arrivals: number[] = [];
  const responses: number[] = [];
  const queue = new RequestQueue(p);
  let start_s = 0;
  for (const [duration_s, rate_rps] of phases) {
    const end_s = start_s + duration_s;
    if (rate_rps > 0) {
      // Memoryless: a phase's first arrival is an exponential wait from its start.
      for (let t = start_s + stream.exponential(rate_rps); t < end_s; t += stream.exponential(rate_rps)) {
        arrivals.push(t);
        responses.push(queue.serve(t, drawWork_s(p, stream)));
      }
    }
    start_s = end_s;
  }
  return { arrival_s: Float64Array.from(arrivals), response_s: Float64Array.from(responses) };
}
