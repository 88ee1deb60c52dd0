/**
 * Port of framework/plugins/noderesources/balanced_allocation.go: PreScore (Skip for best-effort
 * pods, kubernetes#129138), Score via resourceAllocationScorer with useRequested (the node's
 * Requested and the pod's requests as written, no non-zero defaults) and balancedResourceScorer.
 * Default resources cpu:1, memory:1; no NormalizeScore.
 */
import type { NodeInfo } from "../node-info.js";
import type { PodResource } from "../resource.js";
import { MAX_NODE_SCORE } from "../status.js";

export const NODE_RESOURCES_BALANCED_ALLOCATION = "NodeResourcesBalancedAllocation";

/** resource_allocation.go isBestEffortPod: every scored resource request is zero. */
export function isBestEffortPod(podRequest: PodResource): boolean {
  return podRequest.cpu_mcores === 0 && podRequest.memory_bytes === 0;
}

/**
 * balanced_allocation.go balancedResourceScorer: 100 × (1 − std of the requested/allocatable
 * fractions, each capped at 1); with two resources std = |f1 − f2| / 2. Resources with zero
 * allocatable are skipped.
 */
export function balancedResourceScorer(requested: readonly number[], allocatable: readonly number[]): number {
  const fractions: number[] = [];
  let totalFraction = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const fraction = Math.min(requested[i] / allocatable[i], 1);
    totalFraction += fraction;
    fractions.push(fraction);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0] - fractions[1]) / 2);
  } else if (fractions.length > 2) {
    const mean = totalFraction / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  // Go int64(float64) truncates toward zero.
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}

/** BalancedAllocation.Score for cpu and memory, written out so scoring does not allocate. */
export function balancedAllocationScore(podRequest: PodResource, nodeInfo: NodeInfo): number {
  const cpu_mcores = nodeInfo.allocatable_mcores;
  const memory_bytes = nodeInfo.allocatable_memory_bytes;
  let f0 = -1;
  let f1 = -1;
  if (cpu_mcores !== 0) f0 = Math.min((nodeInfo.requested_mcores + podRequest.cpu_mcores) / cpu_mcores, 1);
  if (memory_bytes !== 0) f1 = Math.min((nodeInfo.requested_memory_bytes + podRequest.memory_bytes) / memory_bytes, 1);
  // Fewer than two fractions: std is 0 (the upstream scorer's "otherwise" branch).
  const std = f0 >= 0 && f1 >= 0 ? Math.abs((f0 - f1) / 2) : 0;
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
