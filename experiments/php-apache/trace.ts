/**
 * The php-apache walkthrough trace as kubesim sees it: from a run's HPA decision log, the first
 * distinct desired-replica values, the utilization the HPA saw at each step, the utilization at
 * 10 replicas while loaded, and when it went back to 1 after the load stopped. Used by the
 * php-apache tests and by the resolution comparison (`npm run php-apache:compare`).
 */
import type { Cell } from "../../engine/index.js";

export interface WalkthroughTrace {
  /** Distinct values of desired replicas in order (failed syncs, desired 0, skipped). */
  desired: number[];
  /** Utilization (%) the HPA saw at the sync that produced each value of `desired`. */
  utilizationAtStep: number[];
  /** Utilization (%) at the last sync before the load stopped, and the replicas then. */
  loadedUtilization: number;
  loadedReplicas: number;
  /** First time (s) desired returned to 1 after the load stopped; NaN if never. */
  backToOne_s: number;
}

const UTILIZATION = /=(\d+)%/;

export function walkthroughTrace(decisions: readonly (readonly Cell[])[], loadStop_s: number): WalkthroughTrace {
  const trace: WalkthroughTrace = { desired: [], utilizationAtStep: [], loadedUtilization: NaN, loadedReplicas: NaN, backToOne_s: NaN };
  for (const row of decisions) {
    const time_s = Number(row[0]);
    const desired = Number(row[7]);
    const utilization = Number(UTILIZATION.exec(String(row[3]))?.[1] ?? NaN);
    if (desired <= 0) continue;
    if (trace.desired[trace.desired.length - 1] !== desired) {
      trace.desired.push(desired);
      trace.utilizationAtStep.push(utilization);
      if (desired === 1 && time_s > loadStop_s && Number.isNaN(trace.backToOne_s)) trace.backToOne_s = time_s;
    }
    if (time_s < loadStop_s) {
      trace.loadedUtilization = utilization;
      trace.loadedReplicas = Number(row[2]);
    }
  }
  return trace;
}

/** The trace the walkthrough's `kubectl get hpa -w` showed, as the issue states it. */
export function matchesWalkthrough(t: WalkthroughTrace, loadStop_s: number): { replicas: boolean; stale483: boolean; loaded: boolean; scaleDown: boolean } {
  return {
    replicas: t.desired.slice(0, 4).join(",") === "1,4,8,10",
    // "TARGETS 483%/50%" at 1 replica and still at the 1 -> 4 and 4 -> 8 steps.
    stale483: t.utilizationAtStep.length >= 3 && t.utilizationAtStep[1] >= 450 && t.utilizationAtStep[2] >= 450,
    loaded: t.loadedReplicas === 10 && t.loadedUtilization >= 40 && t.loadedUtilization <= 55,
    scaleDown: t.backToOne_s >= loadStop_s + 300,
  };
}
