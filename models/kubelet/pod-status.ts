/**
 * Small helpers for writing pod status the way the kubelet and scheduler do: a condition's
 * lastTransitionTime changes only when its status changes (pkg/api/v1/pod UpdatePodCondition),
 * which the HPA's groupPods depends on.
 */
import type { ConditionStatus, Pod, PodConditionType } from "../cluster/types.js";

/** Sets a pod condition; returns true if anything changed. Mirrors podutil.UpdatePodCondition. */
export function setPodCondition(
  pod: Pod,
  type: PodConditionType,
  status: ConditionStatus,
  now_ms: number,
  reason = "",
  message = "",
): boolean {
  const conditions = pod.status.conditions;
  for (const c of conditions) {
    if (c.type !== type) continue;
    if (c.status === status && c.reason === reason && c.message === message) return false;
    if (c.status !== status) c.lastTransitionTime_ms = now_ms;
    c.status = status;
    c.reason = reason;
    c.message = message;
    return true;
  }
  conditions.push({ type, status, lastTransitionTime_ms: now_ms, reason, message });
  return true;
}

/** Removes a pod condition; returns true if there was one. */
export function removePodCondition(pod: Pod, type: PodConditionType): boolean {
  const i = pod.status.conditions.findIndex((c) => c.type === type);
  if (i < 0) return false;
  pod.status.conditions.splice(i, 1);
  return true;
}

export function isPodReady(pod: Pod): boolean {
  for (const c of pod.status.conditions) if (c.type === "Ready") return c.status === "True";
  return false;
}

/** A pod counts as an endpoint and as active while it is Ready and not being deleted. */
export function isPodServing(pod: Pod): boolean {
  return pod.status.phase === "Running" && pod.metadata.deletionTimestamp_ms === null && isPodReady(pod);
}

export function isPodTerminal(pod: Pod): boolean {
  return pod.status.phase === "Succeeded" || pod.status.phase === "Failed";
}
