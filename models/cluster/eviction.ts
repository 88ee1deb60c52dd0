/**
 * The Eviction API (POST pods/<name>/eviction, policy/v1): every eviction in kubesim goes through
 * `evictPod`, so the PodDisruptionBudget check has one place to live.
 *
 * Upstream (pkg/registry/core/pod/storage/eviction.go): the API server refuses with 429
 * TooManyRequests when the PDB selecting the pod has no disruption left (and spends one
 * otherwise: models/disruption/budgets.ts), then deletes the pod gracefully (deletionTimestamp =
 * now + grace; the kubelet stops it); a pod not bound to a node is removed at once.
 */
import { checkAndDecrementBudget } from "../disruption/budgets.js";
import type { ClusterStore } from "./store.js";
import type { Pod } from "./types.js";

export type EvictionResult = { evicted: true } | { evicted: false; reason: "TooManyRequests" | "InternalError" | "NotFound"; message: string };

/** Evicts a pod: `gracePeriodSeconds` overrides the pod's terminationGracePeriodSeconds (DeleteOptions). */
export function evictPod(store: ClusterStore, pod: Pod, now_ms: number, gracePeriodSeconds?: number): EvictionResult {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  if (store.get<Pod>("Pod", ns, name) !== pod) return { evicted: false, reason: "NotFound", message: `pods "${name}" not found` };
  // An already-terminating pod is accepted without a second deletion (eviction.go: "the pod is already being deleted").
  if (pod.metadata.deletionTimestamp_ms !== null) return { evicted: true };
  const refused = checkAndDecrementBudget(store, pod, now_ms);
  if (refused !== null) return { evicted: false, ...refused };
  if (pod.spec.nodeName === "") {
    store.delete("Pod", ns, name);
  } else {
    pod.metadata.deletionTimestamp_ms = now_ms + (gracePeriodSeconds ?? pod.spec.terminationGracePeriodSeconds) * 1000;
    store.update(pod);
  }
  return { evicted: true };
}
