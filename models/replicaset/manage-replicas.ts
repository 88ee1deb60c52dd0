/**
 * The ReplicaSet controller's create/delete decision. Ports of pkg/controller/replicaset/
 * replica_set.go manageReplicas, slowStartBatch, getPodsToDelete and
 * getPodsRankedByRelatedPodsOnSameNode.
 *
 * Upstream performs the API calls inside manageReplicas; here the decision comes back as data
 * (how many pods to create and in which slow-start batches, or exactly which pods to delete) and
 * the controller performs the writes, taking each create batch's virtual API latency.
 */
import type { Pod, ReplicaSet } from "../cluster/types.js";
import {
  DEFAULT_ACTIVE_PODS_FEATURE_GATES,
  sortActivePodsWithRanks,
  type ActivePodsFeatureGates,
  type RankedPod,
} from "./active-pods.js";
import { isPodActive } from "./podutil.js";

/** replica_set.go BurstReplicas: the most pods one sync creates or deletes. */
export const BURST_REPLICAS = 500;

/** controller_utils.go SlowStartInitialBatchSize: the first create batch's size. */
export const SLOW_START_INITIAL_BATCH_SIZE = 1;

/**
 * The batch sizes slowStartBatch uses for `count` calls when every call succeeds: start at
 * min(count, initialBatchSize), then double, never exceeding what remains (1, 2, 4, 8, ... for
 * initial 1). Upstream stops after the first batch with a failure; the controller does the same
 * by abandoning the remaining batches.
 */
export function slowStartBatchSizes(count: number, initialBatchSize: number = SLOW_START_INITIAL_BATCH_SIZE): number[] {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`slowStartBatchSizes: count ${count} is not a non-negative integer`);
  if (!Number.isInteger(initialBatchSize) || initialBatchSize < 1) {
    throw new RangeError(`slowStartBatchSizes: initialBatchSize ${initialBatchSize} must be a positive integer`);
  }
  const sizes: number[] = [];
  let remaining = count;
  // Each batch takes at least one call, so the loop runs at most `count` times; with doubling,
  // at most ~log2(count) + 1 times.
  for (let batchSize = Math.min(remaining, initialBatchSize); batchSize > 0; batchSize = Math.min(2 * batchSize, remaining)) {
    sizes.push(batchSize);
    remaining -= batchSize;
  }
  return sizes;
}

/**
 * replica_set.go getPodsRankedByRelatedPodsOnSameNode: each pod's rank is the number of active
 * pods in `relatedPods` (the pods of every ReplicaSet with the same owner, normally a superset of
 * podsToRank) on the same node. Unscheduled pods share the node "" as upstream.
 */
export function getPodsRankedByRelatedPodsOnSameNode(podsToRank: readonly Pod[], relatedPods: readonly Pod[]): RankedPod[] {
  const podsOnNode = new Map<string, number>();
  for (const pod of relatedPods) {
    if (isPodActive(pod)) podsOnNode.set(pod.spec.nodeName, (podsOnNode.get(pod.spec.nodeName) ?? 0) + 1);
  }
  return podsToRank.map((pod) => ({ pod, rank: podsOnNode.get(pod.spec.nodeName) ?? 0 }));
}

/**
 * replica_set.go getPodsToDelete: the `diff` pods to delete, best candidates first. When every
 * pod goes, upstream skips the sort and keeps the input order; so does this.
 */
export function getPodsToDelete(
  filteredPods: readonly Pod[],
  relatedPods: readonly Pod[],
  diff: number,
  now_ms: number,
  gates: ActivePodsFeatureGates = DEFAULT_ACTIVE_PODS_FEATURE_GATES,
): Pod[] {
  if (diff < filteredPods.length) {
    const ranked = sortActivePodsWithRanks(getPodsRankedByRelatedPodsOnSameNode(filteredPods, relatedPods), now_ms, gates);
    return ranked.slice(0, diff).map((r) => r.pod);
  }
  return filteredPods.slice(0, diff);
}

export type ManageReplicasDecision =
  | { action: "none" }
  /** Create `count` pods from the template, in `batchSizes` (slowStartBatch). */
  | { action: "create"; count: number; batchSizes: number[] }
  /** Delete exactly these pods (a snapshot of their keys becomes the deletion expectations). */
  | { action: "delete"; pods: Pod[] };

export interface ManageReplicasOptions {
  burstReplicas: number;
  gates: ActivePodsFeatureGates;
}

export const DEFAULT_MANAGE_REPLICAS_OPTIONS: Readonly<ManageReplicasOptions> = {
  burstReplicas: BURST_REPLICAS,
  gates: DEFAULT_ACTIVE_PODS_FEATURE_GATES,
};

/**
 * replica_set.go manageReplicas: compares the active pods the ReplicaSet owns (`filteredPods`,
 * after FilterActivePods and claiming) with spec.replicas and decides creations or deletions,
 * at most burstReplicas per sync. `relatedPods` are the pods of all ReplicaSets sharing this
 * one's controller (getIndirectlyRelatedPods), used only to rank deletions.
 * The controller must call this only when expectations are satisfied and the ReplicaSet is not
 * being deleted, as syncReplicaSet does.
 */
export function manageReplicas(
  filteredPods: readonly Pod[],
  rs: ReplicaSet,
  relatedPods: readonly Pod[],
  now_ms: number,
  options: ManageReplicasOptions = DEFAULT_MANAGE_REPLICAS_OPTIONS,
): ManageReplicasDecision {
  let diff = filteredPods.length - rs.spec.replicas;
  if (diff < 0) {
    diff = Math.min(-diff, options.burstReplicas);
    return { action: "create", count: diff, batchSizes: slowStartBatchSizes(diff, SLOW_START_INITIAL_BATCH_SIZE) };
  }
  if (diff > 0) {
    diff = Math.min(diff, options.burstReplicas);
    return { action: "delete", pods: getPodsToDelete(filteredPods, relatedPods, diff, now_ms, options.gates) };
  }
  return { action: "none" };
}
