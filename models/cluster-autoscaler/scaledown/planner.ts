/**
 * Which eligible nodes could go: simulate removing each, in order, moving its pods to the other
 * destinations; a removal that works is kept in the simulation for the candidates after it.
 * Upstream: core/scaledown/planner/planner.go (Planner.UpdateClusterState, categorizeNodes) and
 * simulator/cluster.go (RemovalSimulator.SimulateNodeRemoval, findPlaceFor,
 * replaceWithTaintedGhostNode). The recently-evicted-pod injection and scheduling hints are not
 * modelled.
 */
import { ClusterSnapshot, newNodeInfo } from "../snapshot.js";
import type { CaPod, PodDisruptionBudget } from "../types.js";
import type { UnremovableReason } from "./eligibility.js";
import { getPodsToMove, matchingPdbs, type BlockingPodReason, type ControllerListers, type NodeDeleteOptions } from "./drain.js";

/** utils/taints ToBeDeletedTaint. */
export const TO_BE_DELETED_TAINT = "ToBeDeletedByClusterAutoscaler";

export interface NodeToBeRemoved {
  node: string;
  podsToReschedule: CaPod[];
  daemonSetPods: CaPod[];
}

export interface UnremovableNode {
  node: string;
  reason: UnremovableReason;
  blockingPod?: { pod: string; reason: BlockingPodReason };
}

export interface RemovalSimulationContext {
  deleteOptions: NodeDeleteOptions;
  /** PDBs with their current disruptionsAllowed; removals in the simulation use them up. */
  pdbs: PodDisruptionBudget[];
  listers: ControllerListers | null;
  now_ms: number;
}

/**
 * SimulateNodeRemoval: the pods to move (stopping at a blocking pod), then a forked placement of
 * each on any destination except the node itself, which is tainted ToBeDeleted meanwhile. On
 * success the placement stays in the snapshot and the node leaves it.
 */
export function simulateNodeRemoval(
  snapshot: ClusterSnapshot,
  nodeName: string,
  destinations: ReadonlySet<string>,
  ctx: RemovalSimulationContext,
): { removable: NodeToBeRemoved } | { unremovable: UnremovableNode } {
  const info = snapshot.getNodeInfo(nodeName);
  if (info === undefined) return { unremovable: { node: nodeName, reason: "UnexpectedError" } };
  const move = getPodsToMove(info.pods, { pdbs: ctx.pdbs, listers: ctx.listers, now_ms: ctx.now_ms }, ctx.deleteOptions);
  if (move.blockingPod !== null) {
    return { unremovable: { node: nodeName, reason: "BlockedByPod", blockingPod: { pod: move.blockingPod.pod.name, reason: move.blockingPod.reason } } };
  }
  snapshot.fork();
  let placed = true;
  // replaceWithTaintedGhostNode: an empty copy of the node, tainted so that it takes no pods.
  snapshot.removeNodeInfo(nodeName);
  snapshot.addNodeInfo(
    newNodeInfo({
      ...info.node,
      taints: [...info.node.taints, { key: TO_BE_DELETED_TAINT, value: String(Math.floor(ctx.now_ms / 1000)), effect: "NoSchedule" }],
    }),
  );
  for (const pod of move.pods) {
    // Upstream clears the pod's NodeName before placing it; no filter reads it, and the placement
    // copies the pod with its new node, so the pod is passed as it is.
    const target = snapshot.schedulePodOnAnyNodeMatching(pod, (i) => i.node.name !== nodeName && destinations.has(i.node.name));
    if (target === null) {
      placed = false;
      break;
    }
  }
  if (!placed) {
    snapshot.revert();
    return { unremovable: { node: nodeName, reason: "NoPlaceToMovePods" } };
  }
  snapshot.removeNodeInfo(nodeName);
  snapshot.commit();
  return { removable: { node: nodeName, podsToReschedule: move.pods, daemonSetPods: move.daemonSetPods } };
}

/** basicRemainingPdbTracker.RemovePods: each moved pod uses one disruption of every PDB matching it. */
function removePodsFromPdbs(pdbs: PodDisruptionBudget[], pods: readonly CaPod[]): void {
  for (let i = 0; i < pdbs.length; i++) {
    const used = pods.filter((p) => matchingPdbs(p, [pdbs[i]]).length > 0).length;
    if (used > 0) pdbs[i] = { ...pdbs[i], disruptionsAllowed: pdbs[i].disruptionsAllowed - used };
  }
}

export interface CategorizedNodes {
  removable: NodeToBeRemoved[];
  unremovable: UnremovableNode[];
}

/**
 * planner.go unneededNodesLimit (release 1.36): finding more unneeded nodes than can be removed
 * before they are found again is wasted simulation. With N = --max-scale-down-parallelism, the
 * limit is the nodes already unneeded plus N, plus N as a buffer; and it never exceeds
 * N × (unneeded time / loop interval) + N, the most that can wait their unneeded time at once.
 * The loop interval is the planner's minUpdateInterval: the shortest gap seen between two
 * updates, starting at the unneeded time (see `shortestUpdateInterval_ms`).
 */
export function unneededNodesLimit(o: {
  maxScaleDownParallelism: number;
  scaleDownUnneededTime_ms: number;
  /** len(p.unneededNodes.AsList()): the nodes unneeded after the previous update. */
  unneededNodes: number;
  /** p.minUpdateInterval. */
  minUpdateInterval_ms: number;
}): number {
  const n = o.maxScaleDownParallelism;
  const extraBuffer = n;
  const limit = o.unneededNodes + n + extraBuffer;
  // Go's Durations are nanoseconds, so two updates are never 0 apart there; simulated loops can
  // be (a productive loop is followed by another at the same instant). A gap under a millisecond
  // is taken as one millisecond, which makes the bound as loose as upstream's is then.
  const loopInterval_ms = Math.max(o.minUpdateInterval_ms, 1);
  const u_ms = Math.max(o.scaleDownUnneededTime_ms, loopInterval_ms);
  const upperBound = n * Math.floor(u_ms / loopInterval_ms) + extraBuffer;
  return upperBound < limit ? upperBound : limit;
}

/**
 * planner.go New and UpdateClusterState: minUpdateInterval starts at the unneeded time (1 ns if
 * that is 0) and keeps the shortest gap between updates since; the first update follows Go's zero
 * time, so it never shortens it.
 */
export function shortestUpdateInterval_ms(current_ms: number, lastUpdate_ms: number | null, now_ms: number): number {
  if (lastUpdate_ms === null) return current_ms;
  const interval_ms = now_ms - lastUpdate_ms;
  return interval_ms < current_ms ? interval_ms : current_ms;
}

/**
 * categorizeNodes after eligibility: each currently unneeded node, in order, is simulated; a
 * removable node stops being a destination and its pods stay where the simulation put them.
 * The pass stops once `limit` nodes are removable (unneededNodesLimit; the rest are not
 * simulated in this loop). The snapshot is forked for the whole pass and reverted at the end
 * (UpdateClusterState).
 */
export function categorizeNodes(
  snapshot: ClusterSnapshot,
  destinations: readonly string[],
  eligible: readonly string[],
  ctx: RemovalSimulationContext,
  limit = Number.MAX_SAFE_INTEGER,
): CategorizedNodes {
  const out: CategorizedNodes = { removable: [], unremovable: [] };
  const dest = new Set(destinations);
  snapshot.fork();
  try {
    for (const name of eligible) {
      if (out.removable.length >= limit) break;
      const r = simulateNodeRemoval(snapshot, name, dest, ctx);
      if ("removable" in r) {
        dest.delete(name);
        removePodsFromPdbs(ctx.pdbs, r.removable.podsToReschedule);
        out.removable.push(r.removable);
      } else {
        out.unremovable.push(r.unremovable);
      }
    }
  } finally {
    snapshot.revert();
  }
  return out;
}
