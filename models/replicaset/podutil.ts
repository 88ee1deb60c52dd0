/**
 * Pod predicates the workload controllers share. Ports of pkg/api/v1/pod/util.go (IsPodReady,
 * IsPodAvailable) and pkg/controller/controller_utils.go (IsPodActive, FilterActivePods,
 * podReadyTime, maxContainerRestarts).
 */
import type { ClusterStore } from "../cluster/store.js";
import { getPodCondition, type Pod } from "../cluster/types.js";

// pkg/api/v1/pod/util.go IsPodReady: the Ready condition exists and is True.
export function isPodReady(pod: Pod): boolean {
  const c = getPodCondition(pod, "Ready");
  return c !== undefined && c.status === "True";
}

// pkg/api/v1/pod/util.go IsPodAvailable: ready, and either minReadySeconds is 0 or the Ready
// condition turned True strictly more than minReadySeconds before now (time.Before is strict,
// so a pod becomes available only after the whole minReadySeconds has elapsed).
// Upstream also refuses a zero LastTransitionTime; kubesim times are always set, so that check
// has no counterpart.
export function isPodAvailable(pod: Pod, minReadySeconds: number, now_ms: number): boolean {
  if (!isPodReady(pod)) return false;
  if (minReadySeconds === 0) return true;
  const c = getPodCondition(pod, "Ready")!;
  return c.lastTransitionTime_ms + minReadySeconds * 1000 < now_ms;
}

// controller_utils.go IsPodActive: not Succeeded, not Failed, and not being deleted.
export function isPodActive(pod: Pod): boolean {
  return pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed" && pod.metadata.deletionTimestamp_ms === null;
}

// controller_utils.go IsPodTerminating: not terminal but carrying a deletionTimestamp.
export function isPodTerminating(pod: Pod): boolean {
  return pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed" && pod.metadata.deletionTimestamp_ms !== null;
}

// controller_utils.go podReadyTime: when the pod became Ready, or null (Go's zero time) when it
// is not ready.
export function podReadyTime(pod: Pod): number | null {
  if (!isPodReady(pod)) return null;
  for (const c of pod.status.conditions) {
    if (c.type === "Ready" && c.status === "True") return c.lastTransitionTime_ms;
  }
  return null;
}

// controller_utils.go maxContainerRestarts: the highest restartCount of any (app) container.
export function maxContainerRestarts(pod: Pod): number {
  let maxRestarts = 0;
  for (const c of pod.status.containerStatuses) maxRestarts = Math.max(maxRestarts, c.restartCount);
  return maxRestarts;
}

// controller_utils.go RealPodControl.DeletePod as the API server carries it out: graceful
// deletion sets deletionTimestamp = now + grace and leaves the rest to the kubelet; a pod no
// kubelet runs (not bound) is removed at once.
export function deletePodGracefully(store: ClusterStore, pod: Pod, now_ms: number): void {
  if (pod.spec.nodeName === "") {
    store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
  } else {
    pod.metadata.deletionTimestamp_ms = now_ms + pod.spec.terminationGracePeriodSeconds * 1000;
    store.update(pod);
  }
}
