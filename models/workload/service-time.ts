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
 * Utilization above which the steady-state waiting term stops growing (M/M/1: ρ/(1−ρ) = 99
 * service times at this value). Past it the fluid queue, which is exact, carries the wait.
 */
export const RHO_MAX = 0.99;

/**
 * Squared coefficient of variation of the service time: 1 for exponential, 0 for deterministic,
 * cv² for lognormal.
 */
export function serviceTimeCv2(distribution: ServiceTimeDistribution, cv: number): number {
  return distribution === "exponential" ? 1 : distribution === "deterministic" ? 0 : cv * cv;
}

/**
 * Mean wait in queue at steady state, seconds, for arrivals λ and service rate μ (requests/s),
 * service time s (seconds) with squared coefficient of variation cv2: the Pollaczek–Khinchine
 * formula for M/G/1, W = s·ρ·(1 + cv²) / (2(1 − ρ)) (M/M/1: s·ρ/(1−ρ); M/D/1: half that), with ρ
 * clamped at RHO_MAX and no more than a full queue takes to drain (Q/μ: an admitted request
 * waits behind at most Q others).
 */
export function steadyStateWait_s(lambda: number, mu: number, s: number, cv2: number, Q: number): number {
  if (lambda === 0 || mu === Infinity) return 0;
  if (mu === 0) return Infinity; // no CPU: nothing is ever served
  const rho = Math.min(lambda / mu, RHO_MAX);
  const wait = (s * rho * (1 + cv2)) / (2 * (1 - rho));
  const bound = Q / mu;
  return wait < bound ? wait : bound;
}

/**
 * How long the mean wait takes to move (by a factor e) towards a new steady state, seconds:
 * the relaxation time of M/M/1, s / (1 − √ρ)² (Morse 1958; Odoni & Roth 1983 use it for
 * time-dependent queues), with ρ clamped at RHO_MAX. At ρ = 0.5 that is 11.7 service times; at
 * 0.9, 380; so a queue that a steady-state formula would put at 9 service times needs minutes to
 * get there after a step in load, as a real one does.
 */
export function relaxationTime_s(lambda: number, mu: number, s: number): number {
  const rho = mu === 0 ? RHO_MAX : Math.min(lambda / mu, RHO_MAX);
  const gap = 1 - Math.sqrt(rho);
  return s / (gap * gap);
}

/**
 * The mean random wait after `t_s` seconds in a regime (λ, μ, s, cv², Q), starting from `w0_s`:
 * an exponential approach to the regime's steady state with its relaxation time. Exact at both
 * ends (w0 at t = 0, the steady state as t → ∞) and composes: two steps of t/2 give one step of t.
 */
export function relaxedWait_s(w0_s: number, t_s: number, lambda: number, mu: number, s: number, cv2: number, Q: number): number {
  const target_s = steadyStateWait_s(lambda, mu, s, cv2, Q);
  if (target_s === Infinity) return Infinity;
  // A wait left infinite by a regime without CPU starts from the most this regime allows.
  const from_s = w0_s === Infinity ? steadyStateWait_s(mu, mu, s, cv2, Q) : w0_s;
  if (t_s === 0 || from_s === target_s) return from_s;
  return target_s + (from_s - target_s) * Math.exp(-t_s / relaxationTime_s(lambda, mu, s));
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
