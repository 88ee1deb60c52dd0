/**
 * The Eviction API (POST pods/<name>/eviction, policy/v1): every eviction in kubesim goes through
 * `evictPod`, so the PodDisruptionBudget check has one place to live.
 *
 * Upstream (pkg/registry/core/pod/storage/eviction.go): the API server refuses with 429
 * TooManyRequests when a PDB selecting the pod has disruptionsAllowed < 1, otherwise it deletes
 * the pod gracefully (deletionTimestamp = now + grace; the kubelet stops it) and a pod not bound
 * to a node is removed at once. kubesim has no PodDisruptionBudget kind yet, so no eviction is
 * refused; the PDB check goes in `checkDisruptionBudgets`.
 */
import type { ClusterStore } from "./store.js";
import type { Pod } from "./types.js";

export type EvictionResult = { evicted: true } | { evicted: false; reason: "TooManyRequests" | "NotFound"; message: string };

/** The PDB check of the eviction subresource; null = the eviction may proceed. */
function checkDisruptionBudgets(_store: ClusterStore, _pod: Pod): EvictionResult | null {
  return null;
}

/** Evicts a pod: `gracePeriodSeconds` overrides the pod's terminationGracePeriodSeconds (DeleteOptions). */
export function evictPod(store: ClusterStore, pod: Pod, now_ms: number, gracePeriodSeconds?: number): EvictionResult {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  if (store.get<Pod>("Pod", ns, name) !== pod) return { evicted: false, reason: "NotFound", message: `pods "${name}" not found` };
  // An already-terminating pod is accepted without a second deletion (eviction.go: "the pod is already being deleted").
  if (pod.metadata.deletionTimestamp_ms !== null) return { evicted: true };
  const refused = checkDisruptionBudgets(store, pod);
  if (refused !== null) return refused;
  if (pod.spec.nodeName === "") {
    store.delete("Pod", ns, name);
  } else {
    pod.metadata.deletionTimestamp_ms = now_ms + (gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds) * 1000;
    store.update(pod);
  }
  return { evicted: true };
}
