/**
 * Port of framework/plugins/tainttoleration/taint_toleration.go: Filter (NoSchedule/NoExecute
 * taints must be tolerated), PreScore (getAllTolerationPreferNoSchedule), Score
 * (countIntolerableTaintsPreferNoSchedule) and NormalizeScore (DefaultNormalizeScore reversed).
 */
import type { Pod, Taint, Toleration } from "../../cluster/types.js";
import type { NodeInfo } from "../node-info.js";
import { newStatus, SUCCESS, type Status } from "../status.js";
import { findMatchingUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from "../toleration.js";

export const TAINT_TOLERATION = "TaintToleration";
/**
 * The reason since upstream main of the 1.35 cycle: the taint itself is only logged, so the
 * FitError histogram collapses all taints into one bucket.
 */
export const ERR_REASON_UNTOLERATED_TAINTS = "node(s) had untolerated taint(s)";

const REJECTED = newStatus("UnschedulableAndUnresolvable", TAINT_TOLERATION, ERR_REASON_UNTOLERATED_TAINTS);
// Statuses of the legacy wording are cached per taint text so filtering stays allocation-free.
const legacyStatuses = new Map<string, Status>();

/** The pre-1.35 reason, `node(s) had untolerated taint {key: value}` (one bucket per taint). */
export function legacyUntoleratedTaintReason(taint: Taint): string {
  return `node(s) had untolerated taint {${taint.key}: ${taint.value}}`;
}

/**
 * TaintToleration.Filter. `legacyReason` selects the 1.29–1.34 message that names the first
 * untolerated taint instead of the 1.35 "taint(s)" wording.
 */
export function taintTolerationFilter(pod: Pod, nodeInfo: NodeInfo, legacyReason = false): Status {
  const taint = findMatchingUntoleratedTaint(nodeInfo.taints, pod.spec.tolerations, isDoNotScheduleTaint);
  if (taint === undefined) return SUCCESS;
  if (!legacyReason) return REJECTED;
  const reason = legacyUntoleratedTaintReason(taint);
  let s = legacyStatuses.get(reason);
  if (s === undefined) {
    s = newStatus("UnschedulableAndUnresolvable", TAINT_TOLERATION, reason);
    legacyStatuses.set(reason, s);
  }
  return s;
}

/** taint_toleration.go getAllTolerationPreferNoSchedule: effect PreferNoSchedule or empty. */
export function getAllTolerationPreferNoSchedule(tolerations: readonly Toleration[]): Toleration[] {
  const out: Toleration[] = [];
  for (const t of tolerations) if (t.effect === "" || t.effect === "PreferNoSchedule") out.push(t);
  return out;
}

/** taint_toleration.go countIntolerableTaintsPreferNoSchedule: the raw Score. */
export function countIntolerableTaintsPreferNoSchedule(taints: readonly Taint[], tolerations: readonly Toleration[]): number {
  let n = 0;
  for (const taint of taints) {
    if (taint.effect !== "PreferNoSchedule") continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) n++;
  }
  return n;
}
