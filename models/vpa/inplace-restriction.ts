/**
 * Whether the updater may resize a pod in place, and when a stalled resize falls back to eviction.
 * Ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/updater/restriction/
 * pods_inplace_restriction.go (CanInPlaceUpdate, InPlaceUpdate's bookkeeping) for the
 * InPlaceOrRecreate mode (InPlace, alpha, is not admitted by the loader); CanEvictInPlacingPod,
 * which both restrictions use, is in eviction-restriction.ts.
 */
import { canEvictInPlacingPod, getPodID, isInPlaceUpdating, isPodDisruptable, type LastInPlaceAttemptTimes, type PodsEvictionRestriction } from "./eviction-restriction.js";
import type { VpaPod } from "./types.js";

/** utils.InPlaceDecision (InPlaceInfeasible and InPlaceInfeasibleCached are InPlace mode's only). */
export type InPlaceDecision = "InPlaceApproved" | "InPlaceDeferred" | "InPlaceEvict";

/**
 * CanInPlaceUpdate for updateMode InPlaceOrRecreate: deferred while the pod is unmanaged, pending,
 * without a recommendation, or its group cannot spare it; a pod already resizing is evicted
 * once its resize failed or stalled (canEvictInPlacingPod), else left to finish. The reason is
 * what upstream logs.
 */
export function canInPlaceUpdate(
  restriction: PodsEvictionRestriction,
  pod: VpaPod,
  hasRecommendation: boolean,
  lastAttempts: LastInPlaceAttemptTimes,
  now_ms: number,
): { decision: InPlaceDecision; reason: string } {
  const cr = restriction.podToReplicaCreatorMap.get(getPodID(pod));
  if (cr === undefined) return { decision: "InPlaceDeferred", reason: "no replica group the updater may disrupt (unmanaged, or fewer live replicas than min-replicas)" };
  if (pod.phase === "Pending") return { decision: "InPlaceDeferred", reason: "pod is Pending" };
  const stats = restriction.creatorToSingleGroupStatsMap.get(cr);
  if (stats === undefined) return { decision: "InPlaceDeferred", reason: "no replica availability information" };
  if (!hasRecommendation) return { decision: "InPlaceDeferred", reason: "no recommendation yet" };
  if (isInPlaceUpdating(pod)) {
    return canEvictInPlacingPod(pod, stats, lastAttempts, now_ms)
      ? { decision: "InPlaceEvict", reason: "its in-place resize failed or stalled, falling back to eviction" }
      : { decision: "InPlaceDeferred", reason: "an in-place resize is pending or in progress" };
  }
  // --in-place-skip-disruption-budget (off by default) is not modelled: every resize spends the budget.
  return isPodDisruptable(stats)
    ? { decision: "InPlaceApproved", reason: "" }
    : { decision: "InPlaceDeferred", reason: "resizing it could take its replica group below its availability (eviction tolerance)" };
}

/** InPlaceUpdate's bookkeeping once the resize was sent: the group has one more pod resizing this loop. */
export function recordInPlaceUpdate(restriction: PodsEvictionRestriction, pod: VpaPod): void {
  const cr = restriction.podToReplicaCreatorMap.get(getPodID(pod));
  const stats = cr === undefined ? undefined : restriction.creatorToSingleGroupStatsMap.get(cr);
  if (stats !== undefined) stats.inPlaceUpdateInitiated++;
}
