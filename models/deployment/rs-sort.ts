/**
 * ReplicaSet orderings: ports of pkg/controller/controller_utils.go ReplicaSetsByCreationTimestamp,
 * ReplicaSetsBySizeOlder, ReplicaSetsBySizeNewer and FilterActiveReplicaSets. Names are unique
 * within a namespace, so every comparator is a total order over one Deployment's ReplicaSets
 * (it returns 0 only for the same ReplicaSet).
 */
import type { ReplicaSet } from "../cluster/types.js";

function compareNames(a: ReplicaSet, b: ReplicaSet): number {
  if (a.metadata.name < b.metadata.name) return -1;
  if (a.metadata.name > b.metadata.name) return 1;
  return 0;
}

// ReplicaSetsByCreationTimestamp.Less: older first, name as the tie-breaker.
export function compareReplicaSetsByCreationTimestamp(a: ReplicaSet, b: ReplicaSet): number {
  if (a.metadata.creationTimestamp_ms === b.metadata.creationTimestamp_ms) return compareNames(a, b);
  return a.metadata.creationTimestamp_ms < b.metadata.creationTimestamp_ms ? -1 : 1;
}

// ReplicaSetsBySizeOlder.Less: larger spec.replicas first, then older first.
export function compareReplicaSetsBySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (a.spec.replicas === b.spec.replicas) return compareReplicaSetsByCreationTimestamp(a, b);
  return a.spec.replicas > b.spec.replicas ? -1 : 1;
}

// ReplicaSetsBySizeNewer.Less: larger spec.replicas first, then newer first.
export function compareReplicaSetsBySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (a.spec.replicas === b.spec.replicas) return compareReplicaSetsByCreationTimestamp(b, a);
  return a.spec.replicas > b.spec.replicas ? -1 : 1;
}

/** A sorted copy (upstream sorts in place; callers here never see their input reordered). */
export function sortedReplicaSets(rsList: readonly ReplicaSet[], compare: (a: ReplicaSet, b: ReplicaSet) => number): ReplicaSet[] {
  return [...rsList].sort(compare);
}

// controller_utils.go FilterActiveReplicaSets: ReplicaSets with spec.replicas > 0 (nil skipped).
export function filterActiveReplicaSets(rsList: readonly (ReplicaSet | null)[]): ReplicaSet[] {
  const out: ReplicaSet[] = [];
  for (const rs of rsList) if (rs !== null && rs.spec.replicas > 0) out.push(rs);
  return out;
}
