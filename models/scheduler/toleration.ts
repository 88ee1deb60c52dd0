/**
 * Taint/toleration matching: ports of k8s.io/api core/v1 toleration.go Toleration.ToleratesTaint
 * and k8s.io/component-helpers scheduling/corev1 helpers.go TolerationsTolerateTaint and
 * FindMatchingUntoleratedTaint.
 *
 * The alpha TaintTolerationComparisonOperators (Gt/Lt tolerations, 1.35) is off by default and
 * not modelled: the Toleration type only admits Equal and Exists.
 */
import type { Taint, Toleration } from "../cluster/types.js";

/**
 * toleration.go ToleratesTaint: an empty effect matches every effect, an empty key matches every
 * key (validation only lets that pass with Exists), Exists ignores the value, Equal compares it.
 */
export function toleratesTaint(toleration: Toleration, taint: Taint): boolean {
  if (toleration.effect !== "" && toleration.effect !== taint.effect) return false;
  if (toleration.key !== "" && toleration.key !== taint.key) return false;
  switch (toleration.operator) {
    case "Equal":
      return toleration.value === taint.value;
    case "Exists":
      return true;
    default:
      return false;
  }
}

/** helpers.go TolerationsTolerateTaint: any toleration tolerates the taint. */
export function tolerationsTolerateTaint(tolerations: readonly Toleration[], taint: Taint): boolean {
  for (const t of tolerations) if (toleratesTaint(t, taint)) return true;
  return false;
}

/** helpers.go DoNotScheduleTaintsFilterFunc: the effects the TaintToleration filter enforces. */
export function isDoNotScheduleTaint(taint: Taint): boolean {
  return taint.effect === "NoSchedule" || taint.effect === "NoExecute";
}

/**
 * helpers.go FindMatchingUntoleratedTaint: the first taint (in the node's order) that passes
 * `inclusionFilter` and no toleration tolerates; undefined when every such taint is tolerated.
 */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  inclusionFilter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints) {
    if (!inclusionFilter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}
