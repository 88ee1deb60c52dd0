/**
 * Load profiles: the offered request rate (requests/s) of a workload as a function of virtual
 * time.
 *
 * Every profile is piecewise constant, and says when its next piece starts. A simulator can then
 * schedule one event per change and integrate the demand exactly in between, instead of ticking
 * (see `integrateRate`). Smooth shapes (ramp, sine) are cut into pieces of a configurable
 * resolution (default 1 s), each holding the shape's *average* over the piece, so the integral
 * (requests offered) is exact whatever the resolution; only the shape within a piece is lost.
 *
 * All change times are integer milliseconds, the kernel's clock unit.
 */
import type { RandomStream } from "../../engine/rng.js";
import { requireDuration, requireNonNegative, requirePositive, requireTime } from "./validate.js";

export interface LoadProfile {
  /** Offered rate in requests/s at `t_ms`; the profile holds it on [t_ms, nextChangeAfter(t_ms)). */
  rateAt(t_ms: number): number;
  /** The earliest time > t_ms at which the rate may change; Infinity when it never will. */
  nextChangeAfter(t_ms: number): number;
}

/** An upper bound on pieces walked by one integration (a day at 1 ms resolution is 8.64e7). */
const MAX_SEGMENTS_PER_INTEGRAL = 100_000_000;

/**
 * ∫ rate dt over [from_ms, to_ms), in requests, walking the profile's pieces. Sums in time order,
 * so the result is the same on every run.
 */
export function integrateRate(profile: LoadProfile, from_ms: number, to_ms: number): number {
  if (!(to_ms >= from_ms)) throw new RangeError(`integrateRate: to_ms (${to_ms}) must be >= from_ms (${from_ms})`);
  let total = 0;
  let t = from_ms;
  for (let n = 0; t < to_ms; n++) {
    if (n >= MAX_SEGMENTS_PER_INTEGRAL) throw new Error(`integrateRate: more than ${MAX_SEGMENTS_PER_INTEGRAL} pieces in [${from_ms}, ${to_ms})`);
    const next = profile.nextChangeAfter(t);
    if (!(next > t)) throw new Error(`integrateRate: profile returned next change ${next} not after ${t}`);
    const end = next < to_ms ? next : to_ms;
    total += (profile.rateAt(t) * (end - t)) / 1000;
    t = end;
  }
  return total;
}

// ---------------------------------------------------------------------------------------------
// Piecewise constant from breakpoints: the engine of step, spikes and trace replay.

/**
 * rate = `initial_rps` before the first breakpoint, then rates[i] on [times[i], times[i+1]).
 * Consecutive equal rates are merged, so every reported change is a real one. Sequential queries
 * (the common case: a simulator moving forward) hit a cached cursor instead of a binary search.
 */
export class PiecewiseConstantProfile implements LoadProfile {
  private readonly times: Float64Array;
  private readonly rates: Float64Array;
  /** Index of the piece the last query fell in; -1 = before the first breakpoint. */
  private cursor = -1;

  constructor(
    breakpoints: readonly { at_ms: number; rate_rps: number }[],
    readonly initial_rps = 0,
    what = "step",
  ) {
    requireNonNegative(`${what}.initial_rps`, initial_rps);
    const times: number[] = [];
    const rates: number[] = [];
    let last = initial_rps;
    let prevAt = -Infinity;
    for (let i = 0; i < breakpoints.length; i++) {
      const { at_ms, rate_rps } = breakpoints[i];
      requireTime(`${what}[${i}].at_ms`, at_ms);
      requireNonNegative(`${what}[${i}].rate_rps`, rate_rps);
      if (!(at_ms > prevAt)) throw new RangeError(`${what}[${i}].at_ms (${at_ms}) must be after ${what}[${i - 1}].at_ms (${prevAt})`);
      prevAt = at_ms;
      if (rate_rps === last) continue;
      times.push(at_ms);
      rates.push(rate_rps);
      last = rate_rps;
    }
    this.times = Float64Array.from(times);
    this.rates = Float64Array.from(rates);
  }

  /** Index of the last breakpoint <= t, or -1. */
  private locate(t_ms: number): number {
    const times = this.times;
    const c = this.cursor;
    if ((c < 0 || times[c] <= t_ms) && (c + 1 >= times.length || t_ms < times[c + 1])) return c;
    let low = 0;
    let high = times.length; // first index with times[i] > t
    while (low < high) {
      const mid = (low + high) >> 1;
      if (times[mid] <= t_ms) low = mid + 1;
      else high = mid;
    }
    this.cursor = low - 1;
    return low - 1;
  }

  rateAt(t_ms: number): number {
    const i = this.locate(t_ms);
    return i < 0 ? this.initial_rps : this.rates[i];
  }

  nextChangeAfter(t_ms: number): number {
    const i = this.locate(t_ms);
    return i + 1 < this.times.length ? this.times[i + 1] : Infinity;
  }

  /** Number of changes (after merging equal neighbours). */
  get changes(): number {
    return this.times.length;
  }
}

// ---------------------------------------------------------------------------------------------

export class ConstantProfile implements LoadProfile {
  constructor(readonly rate_rps: number) {
    requireNonNegative("constant.rate_rps", rate_rps);
  }
  rateAt(): number {
    return this.rate_rps;
  }
  nextChangeAfter(): number {
    return Infinity;
  }
}

export function constant(rate_rps: number): ConstantProfile {
  return new ConstantProfile(rate_rps);
}

/** Steps: `initial_rps` until the first step, then each step's rate from its `at_ms` on. */
export function step(steps: readonly { at_ms: number; rate_rps: number }[], initial_rps = 0): PiecewiseConstantProfile {
  return new PiecewiseConstantProfile(steps, initial_rps, "step");
}

export interface RampOptions {
  from_rps: number;
  to_rps: number;
  start_ms: number;
  end_ms: number;
  /** Length of each constant piece; the last piece ends at end_ms. Default 1 s. */
  resolution_ms?: number;
}

/**
 * Linear from `from_rps` at start_ms to `to_rps` at end_ms; `from_rps` before, `to_rps` after.
 * Each piece [a, b) holds the line's value at its midpoint, which is its exact average.
 */
export class RampProfile implements LoadProfile {
  readonly from_rps: number;
  readonly to_rps: number;
  readonly start_ms: number;
  readonly end_ms: number;
  readonly resolution_ms: number;

  constructor(o: RampOptions) {
    this.from_rps = requireNonNegative("ramp.from_rps", o.from_rps);
    this.to_rps = requireNonNegative("ramp.to_rps", o.to_rps);
    this.start_ms = requireTime("ramp.start_ms", o.start_ms);
    this.end_ms = requireTime("ramp.end_ms", o.end_ms);
    if (!(this.end_ms > this.start_ms)) throw new RangeError(`ramp.end_ms (${o.end_ms}) must be after ramp.start_ms (${o.start_ms})`);
    this.resolution_ms = requireDuration("ramp.resolution_ms", o.resolution_ms ?? 1000);
  }

  rateAt(t_ms: number): number {
    if (t_ms < this.start_ms) return this.from_rps;
    if (t_ms >= this.end_ms) return this.to_rps;
    const k = Math.floor((t_ms - this.start_ms) / this.resolution_ms);
    const a = this.start_ms + k * this.resolution_ms;
    const b = Math.min(a + this.resolution_ms, this.end_ms);
    const fraction = (a + b - 2 * this.start_ms) / (2 * (this.end_ms - this.start_ms));
    return this.from_rps + (this.to_rps - this.from_rps) * fraction;
  }

  nextChangeAfter(t_ms: number): number {
    if (t_ms < this.start_ms) return this.start_ms;
    if (t_ms >= this.end_ms) return Infinity;
    const k = Math.floor((t_ms - this.start_ms) / this.resolution_ms);
    return Math.min(this.start_ms + (k + 1) * this.resolution_ms, this.end_ms);
  }
}

export function ramp(o: RampOptions): RampProfile {
  return new RampProfile(o);
}

export interface SineOptions {
  mean_rps: number;
  /** 0 <= amplitude <= mean, so the rate is never negative. */
  amplitude_rps: number;
  period_ms: number;
  /** The wave is mean + amplitude·sin(2π(t − phase)/period): it rises through the mean at phase_ms. */
  phase_ms?: number;
  /** Pieces are [k·res, (k+1)·res), anchored at t = 0. Default 1 s. */
  resolution_ms?: number;
}

/** A sine wave (diurnal load when the period is a day), each piece holding the wave's average over it. */
export class SineProfile implements LoadProfile {
  readonly mean_rps: number;
  readonly amplitude_rps: number;
  readonly period_ms: number;
  readonly phase_ms: number;
  readonly resolution_ms: number;

  constructor(o: SineOptions) {
    this.mean_rps = requireNonNegative("sine.mean_rps", o.mean_rps);
    this.amplitude_rps = requireNonNegative("sine.amplitude_rps", o.amplitude_rps);
    if (this.amplitude_rps > this.mean_rps) {
      throw new RangeError(`sine.amplitude_rps (${o.amplitude_rps}) must be <= sine.mean_rps (${o.mean_rps}), or the rate goes negative`);
    }
    this.period_ms = requirePositive("sine.period_ms", o.period_ms);
    const phase = o.phase_ms ?? 0;
    if (!Number.isFinite(phase)) throw new RangeError(`sine.phase_ms must be finite, got ${phase}`);
    this.phase_ms = phase;
    this.resolution_ms = requireDuration("sine.resolution_ms", o.resolution_ms ?? 1000);
  }

  private angle(t_ms: number): number {
    return (2 * Math.PI * (t_ms - this.phase_ms)) / this.period_ms;
  }

  rateAt(t_ms: number): number {
    if (this.amplitude_rps === 0) return this.mean_rps;
    const a = Math.floor(t_ms / this.resolution_ms) * this.resolution_ms;
    const thetaA = this.angle(a);
    const thetaB = this.angle(a + this.resolution_ms);
    // Average of sin over [θa, θb] = (cos θa − cos θb) / (θb − θa).
    const average = (Math.cos(thetaA) - Math.cos(thetaB)) / (thetaB - thetaA);
    const r = this.mean_rps + this.amplitude_rps * average;
    return r > 0 ? r : 0; // the trough can round a hair below 0 when amplitude == mean
  }

  nextChangeAfter(t_ms: number): number {
    if (this.amplitude_rps === 0) return Infinity;
    return (Math.floor(t_ms / this.resolution_ms) + 1) * this.resolution_ms;
  }
}

export function sine(o: SineOptions): SineProfile {
  return new SineProfile(o);
}

export interface DiurnalOptions {
  min_rps: number;
  max_rps: number;
  /** When the daily peak falls (e.g. 14 h = 50_400_000). */
  peakAt_ms: number;
  /** Default one day. */
  period_ms?: number;
  resolution_ms?: number;
}

/** A sine between min and max peaking at peakAt_ms (sin peaks a quarter period after the phase). */
export function diurnal(o: DiurnalOptions): SineProfile {
  requireNonNegative("diurnal.min_rps", o.min_rps);
  requireNonNegative("diurnal.max_rps", o.max_rps);
  if (o.max_rps < o.min_rps) throw new RangeError(`diurnal.max_rps (${o.max_rps}) must be >= diurnal.min_rps (${o.min_rps})`);
  const period_ms = requirePositive("diurnal.period_ms", o.period_ms ?? 86_400_000);
  if (!Number.isFinite(o.peakAt_ms)) throw new RangeError(`diurnal.peakAt_ms must be finite, got ${o.peakAt_ms}`);
  return new SineProfile({
    mean_rps: (o.min_rps + o.max_rps) / 2,
    amplitude_rps: (o.max_rps - o.min_rps) / 2,
    period_ms,
    phase_ms: o.peakAt_ms - period_ms / 4,
    resolution_ms: o.resolution_ms,
  });
}

export interface SpikesOptions {
  base_rps: number;
  height_rps: number;
  duration_ms: number;
  /** Start of each spike. Overlapping spikes add up. */
  at_ms: readonly number[];
}

/** base + height during [at, at + duration) of each spike; overlapping spikes stack. */
export function spikes(o: SpikesOptions): PiecewiseConstantProfile {
  requireNonNegative("spikes.base_rps", o.base_rps);
  requireNonNegative("spikes.height_rps", o.height_rps);
  requireDuration("spikes.duration_ms", o.duration_ms);
  // Edges: +1 active spike at each start, −1 at each end; counted, then turned into rates.
  const edges: { at_ms: number; delta: number }[] = [];
  for (let i = 0; i < o.at_ms.length; i++) {
    const at = requireTime(`spikes.at_ms[${i}]`, o.at_ms[i]);
    edges.push({ at_ms: at, delta: 1 }, { at_ms: at + o.duration_ms, delta: -1 });
  }
  // Edges at the same time are summed together below, so their relative order cannot matter.
  edges.sort((a, b) => a.at_ms - b.at_ms);
  const breakpoints: { at_ms: number; rate_rps: number }[] = [];
  let active = 0;
  for (let i = 0; i < edges.length; ) {
    const at = edges[i].at_ms;
    while (i < edges.length && edges[i].at_ms === at) active += edges[i++].delta;
    breakpoints.push({ at_ms: at, rate_rps: o.base_rps + active * o.height_rps });
  }
  return new PiecewiseConstantProfile(breakpoints, o.base_rps, "spikes");
}

export interface PoissonSpikesOptions {
  base_rps: number;
  height_rps: number;
  duration_ms: number;
  /** Mean time between spike starts (the Poisson process's 1/rate). */
  meanInterval_ms: number;
  /** Spikes start in [start_ms, until_ms). */
  start_ms?: number;
  until_ms: number;
  stream: RandomStream;
}

/** The most spikes one profile may draw, a guard against a mean interval given in the wrong unit. */
export const MAX_POISSON_SPIKES = 1_000_000;

/**
 * Spikes at the times of a Poisson process, drawn up front from `stream` (exponential gaps,
 * rounded to whole ms): the same seed and stream name give the same spikes.
 */
export function poissonSpikes(o: PoissonSpikesOptions): PiecewiseConstantProfile {
  const mean = requirePositive("poissonSpikes.meanInterval_ms", o.meanInterval_ms);
  const start = requireTime("poissonSpikes.start_ms", o.start_ms ?? 0);
  const until = requireTime("poissonSpikes.until_ms", o.until_ms);
  const at_ms: number[] = [];
  let t = start;
  for (;;) {
    t += Math.round(o.stream.exponential(1 / mean));
    if (t >= until) break;
    if (at_ms.length >= MAX_POISSON_SPIKES) {
      throw new RangeError(`poissonSpikes: more than ${MAX_POISSON_SPIKES} spikes before until_ms; is meanInterval_ms (${mean}) in milliseconds?`);
    }
    at_ms.push(t);
  }
  return spikes({ base_rps: o.base_rps, height_rps: o.height_rps, duration_ms: o.duration_ms, at_ms });
}

// ---------------------------------------------------------------------------------------------
// Trace replay

export interface TracePoint {
  t_ms: number;
  rate_rps: number;
}

/** Step-hold replay: 0 before the first point, each point's rate until the next, the last held forever. */
export function trace(points: readonly TracePoint[]): PiecewiseConstantProfile {
  return new PiecewiseConstantProfile(
    points.map((p) => ({ at_ms: p.t_ms, rate_rps: p.rate_rps })),
    0,
    "trace",
  );
}

/**
 * The highest offered rate a profile may give, in requests/s. Ten million requests a second is
 * beyond any single Service kubesim models, and bounding it keeps every derived quantity (Poisson
 * means per interval, request counts over a year) finite and exact enough.
 */
export const MAX_RATE_RPS = 1e7;
/** The latest trace time: later rows could not be placed on the kernel's millisecond clock exactly. */
const MAX_TRACE_TIME_S = Math.floor(Number.MAX_SAFE_INTEGER / 1000);

/** A malformed trace file; the message starts with `file:line:`. */
export class TraceCsvError extends Error {
  constructor(
    readonly fileName: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${fileName}:${line}: ${detail}`);
    this.name = "TraceCsvError";
  }
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * A cell of the file for a message: quoted and cut to 60 characters, so a file that is not a
 * trace at all (a key, a binary) is never echoed whole. (Control characters are escaped where
 * diagnostics are printed, experiments/manifests/diagnostics.ts.)
 */
function excerpt(cell: string): string {
  return JSON.stringify(cell.length > 60 ? `${cell.slice(0, 60)}…` : cell);
}

/**
 * Parses a two-column CSV `time_s,rps` with that header. Blank lines are skipped; times must be
 * >= 0 and strictly increasing (also once rounded to whole milliseconds); rates must be >= 0.
 */
export function parseTraceCsv(text: string, fileName: string): TracePoint[] {
  const lines = text.split(/\r?\n/);
  const points: TracePoint[] = [];
  let headerSeen = false;
  let prevTime_s = -Infinity;
  let prevLine = 0;
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const raw = i === 0 ? lines[i].replace(/^\uFEFF/, "") : lines[i];
    if (raw.trim() === "") continue;
    const cells = raw.split(",").map((c) => c.trim());
    if (!headerSeen) {
      if (cells.length !== 2 || cells[0] !== "time_s" || cells[1] !== "rps") {
        throw new TraceCsvError(fileName, lineNo, `expected the header "time_s,rps", got ${excerpt(raw.trim())}`);
      }
      headerSeen = true;
      continue;
    }
    if (cells.length !== 2) throw new TraceCsvError(fileName, lineNo, `expected 2 columns (time_s,rps), got ${cells.length}`);
    const [timeCell, rateCell] = cells;
    if (!DECIMAL.test(timeCell)) throw new TraceCsvError(fileName, lineNo, `time_s ${excerpt(timeCell)} is not a number`);
    if (!DECIMAL.test(rateCell)) throw new TraceCsvError(fileName, lineNo, `rps ${excerpt(rateCell)} is not a number`);
    const time_s = Number(timeCell);
    const rate_rps = Number(rateCell);
    if (!Number.isFinite(time_s) || time_s < 0) throw new TraceCsvError(fileName, lineNo, `time_s must be a finite number >= 0, got ${timeCell}`);
    if (time_s > MAX_TRACE_TIME_S) throw new TraceCsvError(fileName, lineNo, `time_s must be at most ${MAX_TRACE_TIME_S}, got ${timeCell}`);
    if (!Number.isFinite(rate_rps) || rate_rps < 0) throw new TraceCsvError(fileName, lineNo, `rps must be a finite number >= 0, got ${rateCell}`);
    if (rate_rps > MAX_RATE_RPS) throw new TraceCsvError(fileName, lineNo, `rps must be at most ${MAX_RATE_RPS.toExponential()}, got ${rateCell}`);
    if (!(time_s > prevTime_s)) {
      throw new TraceCsvError(fileName, lineNo, `time_s ${timeCell} is not after ${prevTime_s} on line ${prevLine}; times must increase`);
    }
    const t_ms = Math.round(time_s * 1000);
    if (points.length > 0 && t_ms <= points[points.length - 1].t_ms) {
      throw new TraceCsvError(fileName, lineNo, `time_s ${timeCell} falls in the same millisecond as line ${prevLine}`);
    }
    points.push({ t_ms, rate_rps });
    prevTime_s = time_s;
    prevLine = lineNo;
  }
  if (!headerSeen) throw new TraceCsvError(fileName, 1, `empty file: expected the header "time_s,rps"`);
  if (points.length === 0) throw new TraceCsvError(fileName, lines.length, "no data rows after the header");
  return points;
}

// ---------------------------------------------------------------------------------------------
// Locust-style closed user population

export interface UsersOptions {
  users: number;
  /** Users started per second; user i (0-based) starts at start + ceil(i·1000 / spawnRate) ms. */
  spawnRate_users_per_s: number;
  /** Mean wait between a user's requests (Locust wait_time). */
  thinkTime_s: number;
  /**
   * Time per request beyond the servers' own response (network, the client itself). The
   * simulator closes the loop: each user offers 1 / (think + this + the Service's simulated
   * mean response time) requests/s (models/service/traffic.ts); `rateAt` alone uses this as
   * the whole response time (the rate with instant servers).
   */
  responseTime_s: number;
  start_ms?: number;
}

/**
 * N users spawned one at a time at `spawnRate` per second, each looping request → response →
 * think (Locust's semantics). On its own the profile is the population's rate with instant
 * servers, 1 / (think + responseTime) per user; the Service's traffic closes the loop with the
 * simulated response time (`closedLoopRate_rps`), so offered load falls when latency rises.
 */
export class UsersProfile implements LoadProfile {
  readonly users: number;
  readonly spawnRate_users_per_s: number;
  readonly perUser_rps: number;
  readonly start_ms: number;
  readonly thinkTime_s: number;
  readonly responseTime_s: number;

  constructor(o: UsersOptions) {
    if (!Number.isSafeInteger(o.users) || o.users < 0) throw new RangeError(`users.users must be an integer >= 0, got ${o.users}`);
    this.users = o.users;
    this.spawnRate_users_per_s = requirePositive("users.spawnRate_users_per_s", o.spawnRate_users_per_s);
    requireNonNegative("users.thinkTime_s", o.thinkTime_s);
    requireNonNegative("users.responseTime_s", o.responseTime_s);
    const loop_s = o.thinkTime_s + o.responseTime_s;
    if (!(loop_s > 0)) throw new RangeError("users.thinkTime_s + users.responseTime_s must be > 0");
    this.perUser_rps = 1 / loop_s;
    this.thinkTime_s = o.thinkTime_s;
    this.responseTime_s = o.responseTime_s;
    this.start_ms = requireTime("users.start_ms", o.start_ms ?? 0);
  }

  /**
   * The population's rate when the servers answer in `serverResponse_s` on average: by Little's
   * law on the user loop, users / (think + responseTime + serverResponse). 0 when the servers
   * never answer.
   */
  closedLoopRate_rps(t_ms: number, serverResponse_s: number): number {
    const n = this.activeUsers(t_ms);
    if (n === 0 || !(serverResponse_s < Infinity)) return 0;
    return n / (this.thinkTime_s + this.responseTime_s + serverResponse_s);
  }

  /** Start time of user i (0-based). */
  spawnTime_ms(i: number): number {
    return this.start_ms + Math.ceil((i * 1000) / this.spawnRate_users_per_s);
  }

  /** Users started at or before t. */
  activeUsers(t_ms: number): number {
    if (t_ms < this.start_ms || this.users === 0) return 0;
    // Estimate, then correct against spawnTime_ms itself so the two always agree.
    let n = Math.floor(((t_ms - this.start_ms) * this.spawnRate_users_per_s) / 1000) + 1;
    if (n > this.users) n = this.users;
    while (n < this.users && this.spawnTime_ms(n) <= t_ms) n++;
    while (n > 0 && this.spawnTime_ms(n - 1) > t_ms) n--;
    return n;
  }

  rateAt(t_ms: number): number {
    return this.activeUsers(t_ms) * this.perUser_rps;
  }

  nextChangeAfter(t_ms: number): number {
    const n = this.activeUsers(t_ms);
    return n >= this.users ? Infinity : this.spawnTime_ms(n);
  }
}

export function users(o: UsersOptions): UsersProfile {
  return new UsersProfile(o);
}

// ---------------------------------------------------------------------------------------------
// Poisson arrivals

/**
 * Turns a fluid rate into request counts: the count in [t, t + dt) is Poisson with mean
 * ∫ rate dt over the interval (a non-homogeneous Poisson process). Counts of disjoint intervals
 * are independent, so any way of cutting time gives the same distribution.
 */
export class PoissonArrivals {
  constructor(
    readonly profile: LoadProfile,
    private readonly stream: RandomStream,
  ) {}

  /** Expected arrivals in [from_ms, to_ms). */
  mean(from_ms: number, to_ms: number): number {
    return integrateRate(this.profile, from_ms, to_ms);
  }

  /** A draw of the number of arrivals in [from_ms, to_ms). */
  count(from_ms: number, to_ms: number): number {
    return this.stream.poisson(this.mean(from_ms, to_ms));
  }
}

export function poisson(profile: LoadProfile, stream: RandomStream): PoissonArrivals {
  return new PoissonArrivals(profile, stream);
}

/**
 * The first arrival after `from_ms` of a Poisson process whose rate is the profile's, in ms
 * (fractional: the exact instant); Infinity when the rate stays 0 for good. Within each piece
 * of the profile the rate is constant, so a piece's first arrival is an exponential wait from
 * its start (or from `from_ms`); one that would fall past the piece's end is discarded and the
 * next piece drawn afresh, which by memorylessness is the same process (exact, not thinned).
 */
export function nextPoissonArrival_ms(profile: LoadProfile, from_ms: number, stream: RandomStream): number {
  let t_ms = from_ms;
  for (let pieces = 0; pieces < MAX_SEGMENTS_PER_INTEGRAL; pieces++) {
    const rate_rps = profile.rateAt(t_ms);
    if (!(rate_rps >= 0) || !Number.isFinite(rate_rps)) throw new RangeError(`nextPoissonArrival_ms: the profile gave an invalid rate ${rate_rps} at ${t_ms} ms`);
    const end_ms = profile.nextChangeAfter(t_ms);
    if (rate_rps > 0) {
      const at_ms = t_ms + stream.exponential(rate_rps) * 1000;
      if (at_ms < end_ms) return at_ms;
    }
    if (end_ms === Infinity) return Infinity;
    if (!(end_ms > t_ms)) throw new Error(`nextPoissonArrival_ms: profile returned next change ${end_ms} not after ${t_ms}`);
    t_ms = end_ms;
  }
  throw new RangeError(`nextPoissonArrival_ms: no arrival within ${MAX_SEGMENTS_PER_INTEGRAL} pieces of the profile after ${from_ms} ms`);
}
