/**
 * Load changes read from a load profile itself (never from samples, which blur a change over a
 * sample interval and see the start-up rise from nothing as one).
 *
 * A change is counted when the offered rate has moved by at least `minStep` (relative) from the
 * level of the previous change (or the rate at time 0): a step profile's steps, each spike's
 * rise and fall, and a ramp or sine every time it has drifted that far. A rise from 0 is always
 * a change (an infinite relative step); the rate at time 0 is the starting level, not a change.
 */
import type { LoadProfile } from "../../models/workload/load-profiles.js";

/** Default `outputs.lagMinStep`: a change of the offered rate by 20 % or more. */
export const DEFAULT_LAG_MIN_STEP = 0.2;

/** Most pieces walked per profile (a year at 1 s resolution is 3.2e7). */
const MAX_PIECES = 100_000_000;

export interface LoadStep {
  at_ms: number;
  /** The level before: the rate at the previous counted change, or at time 0. */
  before_rps: number;
  after_rps: number;
  direction: "up" | "down";
}

export function detectLoadSteps(profile: LoadProfile, duration_ms: number, minStep: number): LoadStep[] {
  if (!(minStep > 0 && Number.isFinite(minStep))) throw new RangeError(`detectLoadSteps: minStep must be a finite number > 0, got ${minStep}`);
  const steps: LoadStep[] = [];
  let level = profile.rateAt(0);
  let t = 0;
  for (let n = 0; ; n++) {
    if (n >= MAX_PIECES) throw new Error(`detectLoadSteps: more than ${MAX_PIECES} pieces in [0, ${duration_ms})`);
    const next = profile.nextChangeAfter(t);
    if (!(next > t)) throw new Error(`detectLoadSteps: profile returned next change ${next} not after ${t}`);
    if (!(next < duration_ms)) break;
    t = next;
    const rate = profile.rateAt(t);
    // level 0 -> rate > 0 is an infinite relative step; 0 -> 0 is none.
    if (Math.abs(rate - level) >= minStep * level && rate !== level) {
      steps.push({ at_ms: t, before_rps: level, after_rps: rate, direction: rate > level ? "up" : "down" });
      level = rate;
    }
  }
  return steps;
}

/** When the first load starts: the first time the profile offers anything; null if never within the run. */
export function firstLoad_ms(profile: LoadProfile, duration_ms: number): number | null {
  let t = 0;
  for (let n = 0; n < MAX_PIECES; n++) {
    if (profile.rateAt(t) > 0) return t;
    const next = profile.nextChangeAfter(t);
    if (!(next > t) || !(next < duration_ms)) return null;
    t = next;
  }
  throw new Error(`firstLoad_ms: more than ${MAX_PIECES} pieces in [0, ${duration_ms})`);
}
