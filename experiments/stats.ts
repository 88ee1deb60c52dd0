/**
 * Summary statistics for replications and batch means: mean, sample standard deviation and a
 * Student-t confidence interval. The t quantile is found by bisection on the t CDF, computed from
 * the regularised incomplete beta function (Numerical Recipes' continued fraction, `betacf`).
 */
import { logGamma } from "../engine/rng.js";

export function mean(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (n - 1 denominator); NaN below two values. */
export function stddev(values: readonly number[]): number {
  if (values.length < 2) return NaN;
  const m = mean(values);
  let ss = 0;
  for (const v of values) ss += (v - m) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

export interface ConfidenceInterval {
  mean: number;
  stddev: number;
  /** Half-width: the interval is mean ± half_width. */
  half_width: number;
  low: number;
  high: number;
  n: number;
}

/** Two-sided Student-t confidence interval for the mean of i.i.d. values (default 95 %). */
export function confidenceInterval(values: readonly number[], level = 0.95): ConfidenceInterval {
  const n = values.length;
  const m = mean(values);
  const sd = stddev(values);
  const half_width = n >= 2 ? studentTQuantile(1 - (1 - level) / 2, n - 1) * (sd / Math.sqrt(n)) : NaN;
  return { mean: m, stddev: sd, half_width, low: m - half_width, high: m + half_width, n };
}

/** P(T <= t) for Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * regularizedIncompleteBeta(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t with `df` degrees of freedom (0 < p < 1). */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1) || !(df > 0)) throw new RangeError(`studentTQuantile(${p}, ${df}) needs 0 < p < 1 and df > 0`);
  let low = -1e4;
  let high = 1e4;
  for (let i = 0; i < 200 && high - low > 1e-12; i++) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, df) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** I_x(a, b), the regularised incomplete beta function. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(x, a, b)) / a;
  return 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

function betaContinuedFraction(x: number, a: number, b: number): number {
  const TINY = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < TINY) d = TINY;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < TINY) d = TINY;
    c = 1 + aa / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 3e-16) break;
  }
  return h;
}

export interface PairedDifference {
  /** Mean of the per-replication differences (other − baseline). */
  mean: number;
  low: number;
  high: number;
  /** Two-sided p-value of "the mean difference is 0" (paired Student t); NaN with fewer than two pairs. */
  p: number;
  n: number;
}

/**
 * A paired comparison over replications that share their seeds (common random numbers): the
 * differences' mean with a Student-t interval, and the two-sided p-value of a zero mean. Pairs
 * with a NaN on either side are left out. Identical differences give a zero-width interval and
 * p = 0 (or 1 when they are all 0).
 */
export function pairedDifference(baseline: readonly number[], other: readonly number[], level = 0.95): PairedDifference {
  const d: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, other.length); i++) {
    if (!Number.isNaN(baseline[i]) && !Number.isNaN(other[i])) d.push(other[i] - baseline[i]);
  }
  const ci = confidenceInterval(d, level);
  const n = d.length;
  if (n < 2) return { mean: ci.mean, low: NaN, high: NaN, p: NaN, n };
  if (ci.stddev === 0) return { mean: ci.mean, low: ci.mean, high: ci.mean, p: ci.mean === 0 ? 1 : 0, n };
  const t = ci.mean / (ci.stddev / Math.sqrt(n));
  return { mean: ci.mean, low: ci.low, high: ci.high, p: 2 * (1 - studentTCdf(Math.abs(t), n - 1)), n };
}
