/**
 * The exact per-request model of one pod: each request an arrival, served first-come
 * first-served by the app's single worker at up to `speed_mcores`, under the container's CFS
 * quota (`cap_mcores` per period, periods starting at time 0). It is what the fluid server
 * (pod-server.ts) abstracts: the fluid model's latency estimates are tested against it (and
 * against the M/M/1 and M/D/1 formulas) in steady state and after steps in load. It costs one
 * loop iteration per request (plus one per throttled period), so it suits small scenarios.
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

/** A single FIFO worker under a CFS quota; feed it arrivals in time order. */
export class RequestQueue {
  /** When the worker finishes the work it has been given so far, s. */
  private free_s = 0;
  /** The CFS period the worker is in, and the full-speed seconds of quota it has used in it. */
  private period = -1;
  private used_s = 0;
  private readonly period_s: number;
  /** Full-speed seconds of work the quota allows per period (Infinity: never throttled). */
  private readonly quota_s: number;

  constructor(private readonly p: RequestQueueParams) {
    this.period_s = p.cfsPeriod_ms / 1000;
    this.quota_s = p.cap_mcores >= p.speed_mcores ? Infinity : (this.period_s * p.cap_mcores) / p.speed_mcores;
    if (!(this.quota_s > 0)) throw new RangeError(`cap_mcores must be > 0, got ${p.cap_mcores}`);
  }

  /** A request arriving at `arrival_s` with `work_s` of full-speed work: its response time, s. */
  serve(arrival_s: number, work_s: number): number {
    let t = Math.max(arrival_s, this.free_s);
    if (this.quota_s === Infinity) {
      this.free_s = t + work_s;
      return this.free_s - arrival_s;
    }
    const period = Math.max(this.period, Math.floor(t / this.period_s));
    if (period !== this.period) {
      this.period = period;
      this.used_s = 0;
    }
    let left = work_s;
    while (left > 0) {
      const run = Math.min(left, this.quota_s - this.used_s, (this.period + 1) * this.period_s - t);
      if (run > 0) {
        t += run;
        left -= run;
        this.used_s += run;
      }
      if (left > 0) {
        // Quota spent (or the period over): throttled until the next period starts.
        this.period++;
        this.used_s = 0;
        t = Math.max(t, this.period * this.period_s);
      }
    }
    this.free_s = t;
    return t - arrival_s;
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
