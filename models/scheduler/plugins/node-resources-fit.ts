/**
 * Port of framework/plugins/noderesources: fit.go (Filter via fitsRequest, with the
 * Unresolvable flag: a request larger than the whole node cannot be helped by preemption) and
 * the default scoring strategy, least_allocated.go leastResourceScorer / leastRequestedScore
 * over resource_allocation.go resourceAllocationScorer.score (LeastAllocated, cpu:1 memory:1,
 * from pkg/scheduler/apis/config/v1 defaults).
 *
 * Only cpu, memory and the pod count are modelled; ephemeral-storage and extended resources have
 * no fields in the cluster types.
 */
import type { NodeInfo } from "../node-info.js";
import type { PodResource } from "../resource.js";
import { MAX_NODE_SCORE, newStatus, SUCCESS, type Status } from "../status.js";

export const NODE_RESOURCES_FIT = "NodeResourcesFit";

export type ResourceName = "pods" | "cpu" | "memory";

/** fit.go InsufficientResource. */
export interface InsufficientResource {
  resourceName: ResourceName;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
  /** The node could not fit the pod even empty: preemption cannot help. */
  unresolvable: boolean;
}

/**
 * fit.go fitsRequest: pod count first, then (unless the pod requests nothing) cpu and memory
 * against allocatable minus what the node's pods already request.
 */
export function fitsRequest(podRequest: PodResource, nodeInfo: NodeInfo): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  if (nodeInfo.podCount + 1 > nodeInfo.allocatable_pods) {
    out.push({ resourceName: "pods", reason: "Too many pods", requested: 1, used: nodeInfo.podCount, capacity: nodeInfo.allocatable_pods, unresolvable: false });
  }
  if (podRequest.cpu_mcores === 0 && podRequest.memory_bytes === 0) return out;
  if (podRequest.cpu_mcores > 0 && podRequest.cpu_mcores > nodeInfo.allocatable_mcores - nodeInfo.requested_mcores) {
    out.push({
      resourceName: "cpu",
      reason: "Insufficient cpu",
      requested: podRequest.cpu_mcores,
      used: nodeInfo.requested_mcores,
      capacity: nodeInfo.allocatable_mcores,
      unresolvable: podRequest.cpu_mcores > nodeInfo.allocatable_mcores,
    });
  }
  if (podRequest.memory_bytes > 0 && podRequest.memory_bytes > nodeInfo.allocatable_memory_bytes - nodeInfo.requested_memory_bytes) {
    out.push({
      resourceName: "memory",
      reason: "Insufficient memory",
      requested: podRequest.memory_bytes,
      used: nodeInfo.requested_memory_bytes,
      capacity: nodeInfo.allocatable_memory_bytes,
      unresolvable: podRequest.memory_bytes > nodeInfo.allocatable_memory_bytes,
    });
  }
  return out;
}

// The Filter's statuses, one per (failed resources, unresolvable) combination, built on first use
// so the hot path never allocates. Bits: 1 pods, 2 cpu, 4 memory; +8 unresolvable.
const fitStatuses: Status[] = [];
function fitStatus(key: number): Status {
  let s = fitStatuses[key];
  if (s === undefined) {
    const reasons: string[] = [];
    if (key & 1) reasons.push("Too many pods");
    if (key & 2) reasons.push("Insufficient cpu");
    if (key & 4) reasons.push("Insufficient memory");
    s = newStatus(key & 8 ? "UnschedulableAndUnresolvable" : "Unschedulable", NODE_RESOURCES_FIT, ...reasons);
    fitStatuses[key] = s;
  }
  return s;
}

/** Fit.Filter: fitsRequest's reasons as one status (the same checks, without allocating). */
export function nodeResourcesFitFilter(podRequest: PodResource, nodeInfo: NodeInfo): Status {
  let key = 0;
  if (nodeInfo.podCount + 1 > nodeInfo.allocatable_pods) key |= 1;
  if (podRequest.cpu_mcores !== 0 || podRequest.memory_bytes !== 0) {
    const cpu_mcores = nodeInfo.allocatable_mcores;
    const memory_bytes = nodeInfo.allocatable_memory_bytes;
    if (podRequest.cpu_mcores > 0 && podRequest.cpu_mcores > cpu_mcores - nodeInfo.requested_mcores) {
      key |= 2;
      if (podRequest.cpu_mcores > cpu_mcores) key |= 8;
    }
    if (podRequest.memory_bytes > 0 && podRequest.memory_bytes > memory_bytes - nodeInfo.requested_memory_bytes) {
      key |= 4;
      if (podRequest.memory_bytes > memory_bytes) key |= 8;
    }
  }
  return key === 0 ? SUCCESS : fitStatus(key);
}

/** least_allocated.go leastRequestedScore: unused share of capacity on 0..100, 0 if over-requested. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0) return 0;
  if (requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/**
 * least_allocated.go leastResourceScorer: weighted mean of leastRequestedScore over resources
 * with non-zero allocatable, integer division.
 */
export function leastResourceScorer(requested: readonly number[], allocatable: readonly number[], weights: readonly number[]): number {
  let nodeScore = 0;
  let weightSum = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    nodeScore += leastRequestedScore(requested[i], allocatable[i]) * weights[i];
    weightSum += weights[i];
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}

/**
 * Fit.Score with the default LeastAllocated strategy (cpu weight 1, memory weight 1): the node's
 * non-zero requests plus the pod's non-zero request (calculatePodResourceRequest, useRequested
 * false). Written out for two resources so scoring does not allocate.
 */
export function leastAllocatedScore(podNonZeroRequest: PodResource, nodeInfo: NodeInfo): number {
  let nodeScore = 0;
  let weightSum = 0;
  if (nodeInfo.allocatable_mcores !== 0) {
    nodeScore += leastRequestedScore(nodeInfo.nonZeroRequested_mcores + podNonZeroRequest.cpu_mcores, nodeInfo.allocatable_mcores);
    weightSum += 1;
  }
  if (nodeInfo.allocatable_memory_bytes !== 0) {
    nodeScore += leastRequestedScore(nodeInfo.nonZeroRequested_memory_bytes + podNonZeroRequest.memory_bytes, nodeInfo.allocatable_memory_bytes);
    weightSum += 1;
  }
  return weightSum === 0 ? 0 : Math.trunc(nodeScore / weightSum);
}
