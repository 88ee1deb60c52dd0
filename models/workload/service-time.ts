/**
 * What one request's stay in a pod looks like, beyond the fluid queue's counters: the
 * distribution of its own service time (the app's CPU work, stretched by CFS quota periods), the
 * steady-state random wait in front of it, and how fast that wait moves towards its steady state
 * when the load changes. The fluid queue (pod-server.ts) is exact for the deterministic part of
 * the wait; these functions are the stochastic part a fluid model cannot see.
 */

/** How an app's per-request CPU work varies from request to request. */
export type ServiceTimeDistribution = "exponential" | "deterministic" | "lognormal";

export const SERVICE_TIME_DISTRIBUTIONS: readonly ServiceTimeDistribution[] = ["exponential", "deterministic", "lognormal"];

/** Codes stored in the pod-server pool's typed array. */
export const DISTRIBUTION_CODE: Readonly<Record<ServiceTimeDistribution, number>> = { exponential: 0, deterministic: 1, lognormal: 2 };
export const DISTRIBUTION_OF_CODE: readonly ServiceTimeDistribution[] = ["exponential", "deterministic", "lognormal"];

/** The kubelet's default `--cpu-cfs-quota-period`: CFS refills a container's quota every 100 ms. */
export const DEFAULT_CFS_PERIOD_MS = 100;

/**
 * Squared coefficient of variation of the service time: 1 for exponential, 0 for deterministic,
 * cv² for lognormal.
 */
export function serviceTimeCv2(distribution: ServiceTimeDistribution, cv: number): number {
  return distribution === "exponential" ? 1 : distribution === "deterministic" ? 0 : cv * cv;
}

/**
 * The waiting-room dynamics: the pointwise stationary fluid flow approximation (PSFFA; Wang,
 * Tipper & Sundaresan 1996, after Rider 1976) of a pod's mean number of requests in system, x.
 * Requests arrive at λ and leave at μ·r, where r = G(x) is the utilization at which a stationary
 * M/G/1 queue would hold x (Pollaczek–Khinchine: x = L(r) = r + c·r²/(1−r), c = (1 + cv²)/2):
 *   dx/dt = λ − μ·G(x).
 * It is exact at steady state (x → L(λ/μ)), grows at λ − μ in overload like the fluid queue, and
 * moves between the two as a real queue's mean does: fast at first after a step up, draining at
 * about μ − λ after an overload. Integrated in closed form (below), so a pod changes state only
 * when its rate or cap changes, not per time step.
 */

/** c = (1 + cv²)/2: M/M/1 1, M/D/1 ½. */
export function variabilityFactor(cv2: number): number {
  return (1 + cv2) / 2;
}

/** Mean number in system of a stationary M/G/1 queue at utilization r < 1: L(r) = r + c·r²/(1−r). */
export function systemSize(r: number, c: number): number {
  return r + (c * r * r) / (1 - r);
}

/** G = L⁻¹: the utilization whose stationary M/G/1 queue holds `x` on average (the root in [0, 1)). */
export function utilizationOfSize(x: number, c: number): number {
  if (!(x > 0)) return 0;
  if (x === Infinity) return 1;
  // (c − 1)·r² + (1 + x)·r − x = 0, rationalized so that c = 1 needs no special case.
  const b = 1 + x;
  return (2 * x) / (b + Math.sqrt(b * b + 4 * (c - 1) * x));
}

/** r, or the utilization that holds `xMax` if r's stationary queue would hold more. */
function clampToCapacity(r: number, c: number, xMax: number): number {
  return systemSize(r, c) > xMax ? utilizationOfSize(xMax, c) : r;
}

/**
 * The PSFFA state after `t_s` seconds at arrival rate λ and service rate μ (requests/s),
 * starting from utilization-state r0 (x0 = L(r0)), with at most `xMax` in system (the queue's
 * capacity plus the one in service): the new r. In u = 1 − r the equation separates,
 *   dt = −[(1−c) + c/u²] du / (μ (u − u0)),  u0 = 1 − λ/μ,
 * whose integral F (partial fractions) is solved for u by Newton steps: in z = ln|u − u0| while
 * the queue approaches a steady state (u0 > 0; F is nearly linear in z there), in y = 1/u in
 * overload (u0 <= 0, where x ≈ c·y grows without bound). A pod folds its state with this at
 * every change of rate or cap, so it is written without closures or allocation.
 */
export function psffaUtilization(r0: number, t_s: number, lambda: number, mu: number, c: number, xMax: number): number {
  // Consecutive calls often repeat every input, age included (43 % of fleet-5k's calls, mostly a
  // Service's endpoints read in turn for its latency): the last answer is kept. The solver is a
  // pure function of its inputs, and none of them enters it in a way where the sign of a zero
  // matters, so a hit returns exactly what solving would. The same regime start at another age
  // (the folds of a Service's endpoints, node by node) is the regime starts' table's (below).
  const m = PSFFA_MEMO_INPUTS;
  if (r0 === m[0] && t_s === m[1] && lambda === m[2] && mu === m[3] && c === m[4] && xMax === m[5]) return m[6];
  m[0] = r0;
  m[1] = t_s;
  m[2] = lambda;
  m[3] = mu;
  m[4] = c;
  m[5] = xMax;
  m[6] = solvePsffaUtilization(m);
  return m[6];
}

/** psffaUtilization's last inputs (NaN at first: never equal), then its answer (index 6). */
const PSFFA_MEMO_INPUTS = new Float64Array(7).fill(NaN);

/**
 * What the steady-state solve keeps of a regime start (r0, λ, μ, c, xMax): the numbers of F that
 * do not depend on the time t. A rate change reaches all of a Service's endpoints at once, and
 * their queues had reached the same steady state, so they fold the same regime start, each at
 * its own age (the sum of its node's observation steps, whose last bits differ from node to node;
 * cAdvisor folds them node by node, between other Services' endpoints). Each entry holds the
 * start's five inputs, then the numbers at `Regime`; a hit is an exact match of all five, so it
 * reads what computing them would give.
 */
const enum Regime {
  /** ln|us − u0|. */
  Zs = 5,
  /** F(us), the goal without its −μt: (a·zs − k·ln us) + c/(u0·us), in the loop's order of operations. */
  Goal = 6,
  /** dF/dz at us: (1 − c) + c/us². */
  Slope = 7,
  /** F at the floor (zs − 745), in the loop's order of operations. */
  FloorG = 8,
  /** The steady state, clamped to the queue's capacity. */
  Steady = 9,
  /** σ, k and a of the Newton loop (see solvePsffaUtilization). */
  Sigma = 10,
  K = 11,
  A = 12,
  Stride = 13,
}

/** Regime starts kept, a power of two: the direct-mapped table's size. */
const REGIME_ENTRIES_LOG2 = 10;
const REGIME_STARTS = new Float64Array((1 << REGIME_ENTRIES_LOG2) * Regime.Stride).fill(NaN);
/** The bits of r0 and λ, which pick a regime start's entry. */
const REGIME_KEY = new Float64Array(2);
const REGIME_KEY_WORDS = new Int32Array(REGIME_KEY.buffer);

/**
 * The entry of REGIME_STARTS (its offset) holding the regime start of `inputs` (r0, t_s, λ, μ, c,
 * xMax; with 0 < μ < ∞ and u0 > 0, see solvePsffaUtilization), filled first if it held another.
 */
function regimeStartEntry(inputs: Float64Array): number {
  const r0 = inputs[0];
  const lambda = inputs[2];
  const mu = inputs[3];
  const c = inputs[4];
  const xMax = inputs[5];
  REGIME_KEY[0] = r0;
  REGIME_KEY[1] = lambda;
  const w = REGIME_KEY_WORDS;
  let h = w[0] ^ Math.imul(w[1], 0x9e3779b1) ^ Math.imul(w[2], 0x85ebca6b) ^ Math.imul(w[3], 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
  const e = (h >>> (32 - REGIME_ENTRIES_LOG2)) * Regime.Stride;
  const R = REGIME_STARTS;
  if (R[e] === r0 && R[e + 1] === c && R[e + 2] === lambda && R[e + 3] === mu && R[e + 4] === xMax) return e;
  R[e] = r0;
  R[e + 1] = c;
  R[e + 2] = lambda;
  R[e + 3] = mu;
  R[e + 4] = xMax;
  // u0 as solvePsffaUtilization takes it away from critical load (u0 > 0 here).
  const u0 = 1 - lambda / mu;
  const us = 1 - r0;
  const sigma = us > u0 ? 1 : -1;
  const k = c / (u0 * u0);
  const a = 1 - c + k;
  R[e + Regime.Sigma] = sigma;
  R[e + Regime.K] = k;
  R[e + Regime.A] = a;
  const zs = Math.log(Math.abs(us - u0));
  R[e + Regime.Zs] = zs;
  R[e + Regime.Goal] = a * zs - k * Math.log(us) + c / (u0 * us);
  R[e + Regime.Slope] = 1 - c + c / (us * us);
  const floor = zs - 745;
  const u = u0 + sigma * Math.exp(floor);
  R[e + Regime.FloorG] = a * floor - k * Math.log(u) + c / (u0 * u);
  R[e + Regime.Steady] = clampToCapacity(1 - u0, c, xMax);
  return e;
}

/**
 * psffaUtilization's solve, its inputs read from `inputs` (r0, t_s, λ, μ, c, xMax): V8 boxes each
 * fractional number passed to a call it does not inline, and this one it does not.
 */
function solvePsffaUtilization(inputs: Float64Array): number {
  const r0 = inputs[0];
  const t_s = inputs[1];
  const lambda = inputs[2];
  const mu = inputs[3];
  const c = inputs[4];
  const xMax = inputs[5];
  if (mu === Infinity) return 0;
  if (mu === 0) return clampToCapacity(utilizationOfSize(systemSize(r0, c) + lambda * t_s, c), c, xMax);
  // Within 1e-9 of critical load, F's terms in 1/u0² cancel catastrophically: take u0 = 0.
  const u0 = Math.abs(1 - lambda / mu) < 1e-9 ? 0 : 1 - lambda / mu;
  const us = 1 - r0;
  if (t_s === 0 || us === u0) return clampToCapacity(r0, c, xMax);
  const target = -mu * t_s; // F(u) − F(us)
  if (u0 > 0) {
    // Towards the steady state r = λ/μ: u = u0 + σ·e^z, F(z) = a·z − k·ln u + c/(u0·u), dF/dz = (1−c) + c/u²
    // (σ = sign(us − u0), k = c/u0², a = 1 − c + k: kept with the regime start).
    const R = REGIME_STARTS;
    const e = regimeStartEntry(inputs);
    const zs = R[e + Regime.Zs];
    const goal = R[e + Regime.Goal] + target;
    // Newton from the slope at us (the curve steepens towards u0, so the first step undershoots
    // or lands close), kept inside a bracket [lo, hi]: hi = zs, where F − goal = −target > 0; lo
    // found on the way (F − goal < 0 there).
    // Below zs − 745, e^z underflows: u = u0 to double precision.
    const floor = zs - 745;
    let z = Math.max(floor, zs + target / R[e + Regime.Slope]);
    // The loop's first step when it starts at the floor and finds F − goal > 0 there (97 % of
    // fleet-5k's solves: a regime long enough to reach its steady state), from the kept numbers.
    if (z === floor && R[e + Regime.FloorG] - goal > 0) return R[e + Regime.Steady];
    const sigma = R[e + Regime.Sigma];
    const k = R[e + Regime.K];
    const a = R[e + Regime.A];
    let lo = floor;
    let hi = zs;
    for (let i = 0; i < 100; i++) {
      const u = u0 + sigma * Math.exp(z);
      const g = a * z - k * Math.log(u) + c / (u0 * u) - goal;
      if (g > 0) {
        if (z === floor) return R[e + Regime.Steady]; // the steady state
        hi = z;
      } else lo = z;
      let next = z - g / (1 - c + c / (u * u));
      if (!(next > lo && next < hi)) next = (lo + hi) / 2;
      if (Math.abs(next - z) <= 1e-11 * Math.max(1, Math.abs(z))) {
        z = next;
        break;
      }
      z = next;
    }
    return clampToCapacity(1 - (u0 + sigma * Math.exp(z)), c, xMax);
  }
  // Overload or critical load: u falls towards 0, x grows. y = 1/u; F(y) decreases:
  // u0 < 0: F = a·ln(1/y − u0) + k·ln y + (c/u0)·y; u0 = 0: F = −(1−c)·ln y − c·y²/2.
  const k = u0 === 0 ? 0 : c / (u0 * u0);
  const a = 1 - c + k;
  const ys = 1 / us;
  const Fs = u0 === 0 ? -(1 - c) * Math.log(ys) - (c * ys * ys) / 2 : a * Math.log(us - u0) + k * Math.log(ys) + (c / u0) * ys;
  const goal = Fs + target;
  let y = Math.max(ys + ((lambda - mu) * t_s) / c, Math.sqrt(ys * ys + (2 * mu * t_s) / c));
  for (let i = 0; i < 50; i++) {
    const u = 1 / y;
    const F = u0 === 0 ? -(1 - c) * Math.log(y) - (c * y * y) / 2 : a * Math.log(u - u0) + k * Math.log(y) + (c / u0) * y;
    // dF/dy = −((1−c)u² + c)/(u − u0)
    const step = (F - goal) / (-((1 - c) * u * u + c) / (u - u0));
    const next = y - step < ys ? (y + ys) / 2 : y - step;
    if (Math.abs(next - y) <= 1e-11 * y) {
      y = next;
      break;
    }
    y = next;
  }
  return clampToCapacity(1 - 1 / y, c, xMax);
}

/**
 * Mean wait in queue of a request arriving when the PSFFA state is r, seconds: the number
 * waiting, x − r = c·r²/(1−r), served at μ·r (Little's law): c·r / (μ(1 − r)). At steady state
 * this is Pollaczek–Khinchine's W = ρ·s·(1 + cv²) / (2(1 − ρ)), s = 1/μ.
 */
export function meanWait_s(r: number, mu: number, c: number): number {
  if (r === 0) return 0;
  return (c * r) / (mu * (1 - r));
}

/** E[S³]/E[S]³ of the service time: 6 for exponential, 1 for deterministic, (1 + cv²)³ for lognormal. */
export function thirdMomentFactor(distribution: ServiceTimeDistribution, cv: number): number {
  return distribution === "exponential" ? 6 : distribution === "deterministic" ? 1 : (1 + cv * cv) ** 3;
}

/**
 * The shape of a waiting request's wait at utilization r: W given W > 0 is taken as a shifted
 * exponential, a + Exp(b), matching M/G/1's first two moments (Takács: E[W²] = 2W² +
 * λE[S³]/(3(1−ρ)), P(W > 0) = ρ). Returns b's share of the conditional mean a + b:
 * √(cv²) of the conditional wait, cv² = 2r + k3(1−r)/(3c²) − 1 (M/M/1: 1, an exponential; M/D/1
 * at low load: about 0.6, the residual of one service in progress), capped at 1 (a wait more
 * variable than exponential is taken as exponential).
 */
export function waitTailShare(r: number, c: number, k3: number): number {
  const cv2 = 2 * r + (k3 * (1 - r)) / (3 * c * c) - 1;
  return cv2 >= 1 ? 1 : cv2 > 0 ? Math.sqrt(cv2) : 0;
}

/**
 * Wall time one request's CPU work takes under a CFS quota, seconds. The request runs at up to
 * `speed_mcores` (its threads: 1000 = one core); the container may use `cap_mcores` per CFS
 * period, so with cap < speed it runs for cap/speed of each period at full speed and is
 * throttled for the rest (kernel/sched/fair.c, throttle_cfs_rq), starting at a period boundary:
 * `work_s` seconds of work at full speed take k whole periods plus the remainder, k = the periods
 * whose quota it exhausts. A 15 ms request under a 200m limit finishes in 15 ms (its quota per
 * 100 ms period is 20 ms), not in the 75 ms a rate cap would give; a long one averages
 * cap/speed of full speed, the fluid server's rate.
 */
export function cfsServiceTime_s(work_s: number, speed_mcores: number, cap_mcores: number, period_s: number): number {
  if (cap_mcores >= speed_mcores) return work_s;
  if (cap_mcores <= 0) return Infinity;
  const perPeriod_s = (period_s * cap_mcores) / speed_mcores; // full-speed time per period
  if (work_s <= perPeriod_s) return work_s;
  const throttledPeriods = Math.ceil(work_s / perPeriod_s) - 1;
  return throttledPeriods * period_s + (work_s - throttledPeriods * perPeriod_s);
}

/**
 * The standard normal's quantile (Acklam's rational approximation, relative error < 1.2e-9):
 * for the lognormal service times' quantile points.
 */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The u-quantile of the work distribution, in units of its mean (exponential, deterministic, lognormal with `cv`). */
export function workQuantile(distribution: ServiceTimeDistribution, cv: number, u: number): number {
  if (distribution === "deterministic") return 1;
  if (distribution === "exponential") return -Math.log(1 - u);
  const sigma2 = Math.log(1 + cv * cv);
  return Math.exp(-sigma2 / 2 + Math.sqrt(sigma2) * normalQuantile(u));
}
