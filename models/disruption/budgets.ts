/**
 * PodDisruptionBudget arithmetic and the eviction API's budget check:
 * pkg/controller/disruption/disruption.go (getExpectedPodCount, countHealthyPods,
 * buildDisruptedPodMap, updatePdbStatus) and pkg/registry/core/pod/storage/eviction.go
 * (EvictionREST.Create's PDB path, checkAndDecrement).
 */
import { labelSelectorMatches } from "../cluster/labels.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import { isPodReady } from "../replicaset/podutil.js";
import type { PodDisruptionBudget } from "./types.js";

/** disruption.go DeletionTimeout: an evicted pod the controller has not seen go counts as disrupted this long. */
export const DELETION_TIMEOUT_MS = 2 * 60 * 1000;

/** The PDBs of the pod's namespace whose selector matches it (a null selector matches nothing). */
export function budgetsOfPod(store: ClusterStore, pod: Pod): PodDisruptionBudget[] {
  return store
    .list<PodDisruptionBudget>("PodDisruptionBudget", pod.metadata.namespace)
    .filter((pdb) => pdb.spec.selector !== null && labelSelectorMatches(pdb.spec.selector, pod.metadata.labels));
}

/** intstr.GetScaledValueFromIntOrPercent with roundUp: an int as is, "N%" of total rounded up. */
export function getScaledValueFromIntOrPercent(v: number | string, total: number, roundUp: boolean): number {
  if (typeof v === "number") return v;
  const pct = Number(v.slice(0, -1));
  const x = (pct * total) / 100;
  return roundUp ? Math.ceil(x) : Math.floor(x);
}

/**
 * disruption.go countHealthyPods: pods that are ready, not being deleted, and not among those
 * evicted within DeletionTimeout.
 */
export function countHealthyPods(pods: readonly Pod[], disruptedPods: Readonly<Record<string, number>>, now_ms: number): number {
  let healthy = 0;
  for (const pod of pods) {
    if (pod.metadata.deletionTimestamp_ms !== null) continue;
    const disrupted = disruptedPods[pod.metadata.name];
    if (disrupted !== undefined && disrupted + DELETION_TIMEOUT_MS > now_ms) continue;
    if (isPodReady(pod)) healthy++;
  }
  return healthy;
}

/** Why the eviction API refused (or would refuse) a pod; null: the eviction may proceed. */
export interface BudgetRefusal {
  reason: "TooManyRequests" | "InternalError";
  message: string;
}

/**
 * eviction.go's PDB path for one pod at `now_ms`: no budget, allowed; more than one, an error
 * (the subresource does not support it); an unhealthy pod under a budget that is met (or with
 * AlwaysAllow), allowed without spending the budget; otherwise checkAndDecrement — refused with
 * 429 while disruptionsAllowed is 0, else one disruption spent and the pod recorded in
 * disruptedPods (the PDB is written back).
 */
export function checkAndDecrementBudget(store: ClusterStore, pod: Pod, now_ms: number): BudgetRefusal | null {
  const pdbs = budgetsOfPod(store, pod);
  if (pdbs.length === 0) return null;
  if (pdbs.length > 1) return { reason: "InternalError", message: "This pod has more than one PodDisruptionBudget, which the eviction subresource does not support." };
  const pdb = pdbs[0];
  if (!isPodReady(pod)) {
    if (pdb.spec.unhealthyPodEvictionPolicy === "AlwaysAllow") return null;
    if (pdb.status.currentHealthy >= pdb.status.desiredHealthy && pdb.status.desiredHealthy > 0) return null;
  }
  if (pdb.status.observedGeneration < pdb.metadata.generation || pdb.status.disruptionsAllowed <= 0) {
    return {
      reason: "TooManyRequests",
      message: `Cannot evict pod as it would violate the pod's disruption budget. The disruption budget ${pdb.metadata.name} needs ${pdb.status.desiredHealthy} healthy pods and has ${pdb.status.currentHealthy} currently`,
    };
  }
  pdb.status.disruptionsAllowed--;
  if (pdb.status.disruptionsAllowed === 0) pdb.status.disruptionAllowedReason = "InsufficientPods";
  pdb.status.disruptedPods = { ...pdb.status.disruptedPods, [pod.metadata.name]: now_ms };
  store.update(pdb);
  return null;
}
