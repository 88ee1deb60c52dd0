/**
 * RollingUpdate decisions: ports of pkg/controller/deployment/rolling.go reconcileNewReplicaSet,
 * reconcileOldReplicaSets, cleanupUnhealthyReplicas and scaleDownOldReplicaSetsForRollingUpdate.
 *
 * Each returns the ScaleActions upstream would have sent, in order. Where upstream carries on
 * with the ReplicaSet objects its own updates returned, so do these (the updated copies).
 */
import type { Deployment, ReplicaSet } from "../cluster/types.js";
import { compareReplicaSetsByCreationTimestamp, sortedReplicaSets } from "./rs-sort.js";
import { scaleReplicaSetAndRecordEvent, type ScaleAction } from "./scale-action.js";
import {
  getAvailableReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  maxUnavailable,
  newRSNewReplicas,
} from "./util.js";

/**
 * rolling.go reconcileNewReplicaSet: shrink the new ReplicaSet to spec.replicas if it is
 * larger, else grow it as far as maxSurge allows (NewRSNewReplicas).
 */
export function reconcileNewReplicaSet(
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
  deployment: Deployment,
): { scaled: boolean; actions: ScaleAction[] } {
  if (newRS.spec.replicas === deployment.spec.replicas) return { scaled: false, actions: [] };
  const target =
    newRS.spec.replicas > deployment.spec.replicas ? deployment.spec.replicas : newRSNewReplicas(deployment, allRSs, newRS);
  const r = scaleReplicaSetAndRecordEvent(newRS, target, deployment);
  return { scaled: r.scaled, actions: r.action === null ? [] : [r.action] };
}

export interface CleanupResult {
  /** The old ReplicaSets, oldest first, with this step's updates applied. */
  oldRSs: ReplicaSet[];
  cleanupCount: number;
  actions: ScaleAction[];
  /** Upstream's error (an impossible scale request); actions before it were already sent. */
  error: string | null;
}

/**
 * rolling.go cleanupUnhealthyReplicas: oldest first, scale each old ReplicaSet down by its
 * unavailable pods, at most `maxCleanupCount` in total. Unhealthy old pods cost no
 * availability, so they go before any healthy one.
 */
export function cleanupUnhealthyReplicas(
  oldRSs: readonly ReplicaSet[],
  deployment: Deployment,
  maxCleanupCount: number,
): CleanupResult {
  const sorted = sortedReplicaSets(oldRSs, compareReplicaSetsByCreationTimestamp);
  const actions: ScaleAction[] = [];
  let totalScaledDown = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (totalScaledDown >= maxCleanupCount) break;
    const targetRS = sorted[i];
    if (targetRS.spec.replicas === 0) continue; // cannot scale down this ReplicaSet
    if (targetRS.spec.replicas === targetRS.status.availableReplicas) continue; // no unhealthy replicas
    const scaledDownCount = Math.min(maxCleanupCount - totalScaledDown, targetRS.spec.replicas - targetRS.status.availableReplicas);
    const newReplicasCount = targetRS.spec.replicas - scaledDownCount;
    if (newReplicasCount > targetRS.spec.replicas) {
      return {
        oldRSs: [],
        cleanupCount: 0,
        actions,
        error: `when cleaning up unhealthy replicas, got invalid request to scale down ${targetRS.metadata.namespace}/${targetRS.metadata.name} ${targetRS.spec.replicas} -> ${newReplicasCount}`,
      };
    }
    const r = scaleReplicaSetAndRecordEvent(targetRS, newReplicasCount, deployment);
    if (r.action !== null) actions.push(r.action);
    totalScaledDown += scaledDownCount;
    sorted[i] = r.rs;
  }
  return { oldRSs: sorted, cleanupCount: totalScaledDown, actions, error: null };
}

/**
 * rolling.go scaleDownOldReplicaSetsForRollingUpdate: remove as many old pods as the available
 * pods above minAvailable allow, oldest ReplicaSet first.
 */
export function scaleDownOldReplicaSetsForRollingUpdate(
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  deployment: Deployment,
): { scaledDownCount: number; actions: ScaleAction[]; error: string | null } {
  const minAvailable = deployment.spec.replicas - maxUnavailable(deployment);
  const availablePodCount = getAvailableReplicaCountForReplicaSets(allRSs);
  if (availablePodCount <= minAvailable) return { scaledDownCount: 0, actions: [], error: null };

  const sorted = sortedReplicaSets(oldRSs, compareReplicaSetsByCreationTimestamp);
  const actions: ScaleAction[] = [];
  let totalScaledDown = 0;
  const totalScaleDownCount = availablePodCount - minAvailable;
  for (const targetRS of sorted) {
    if (totalScaledDown >= totalScaleDownCount) break;
    if (targetRS.spec.replicas === 0) continue;
    const scaleDownCount = Math.min(targetRS.spec.replicas, totalScaleDownCount - totalScaledDown);
    const newReplicasCount = targetRS.spec.replicas - scaleDownCount;
    if (newReplicasCount > targetRS.spec.replicas) {
      return {
        scaledDownCount: 0,
        actions,
        error: `when scaling down old RS, got invalid request to scale down ${targetRS.metadata.namespace}/${targetRS.metadata.name} ${targetRS.spec.replicas} -> ${newReplicasCount}`,
      };
    }
    const r = scaleReplicaSetAndRecordEvent(targetRS, newReplicasCount, deployment);
    if (r.action !== null) actions.push(r.action);
    totalScaledDown += scaleDownCount;
  }
  return { scaledDownCount: totalScaledDown, actions, error: null };
}

/**
 * rolling.go reconcileOldReplicaSets: how far old ReplicaSets may shrink without dropping below
 * minAvailable, counting the new ReplicaSet's not-yet-available pods as unavailable
 * (maxScaledDown = allPods - minAvailable - newRSUnavailable); unhealthy old pods go first, then
 * healthy ones as availability allows. `oldRSs` are the active old ReplicaSets.
 */
export function reconcileOldReplicaSets(
  allRSs: readonly ReplicaSet[],
  oldRSs: readonly ReplicaSet[],
  newRS: ReplicaSet,
  deployment: Deployment,
): { scaled: boolean; actions: ScaleAction[] } {
  const oldPodsCount = getReplicaCountForReplicaSets(oldRSs);
  if (oldPodsCount === 0) return { scaled: false, actions: [] }; // cannot scale down further

  const allPodsCount = getReplicaCountForReplicaSets(allRSs);
  const minAvailable = deployment.spec.replicas - maxUnavailable(deployment);
  const newRSUnavailablePodCount = newRS.spec.replicas - newRS.status.availableReplicas;
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return { scaled: false, actions: [] };

  // Clean up unhealthy replicas first, otherwise they would block the rollout.
  const cleanup = cleanupUnhealthyReplicas(oldRSs, deployment, maxScaledDown);
  if (cleanup.error !== null) return { scaled: false, actions: cleanup.actions };

  // Then scale down healthy old replicas as far as availability allows.
  const scaleDown = scaleDownOldReplicaSetsForRollingUpdate([...cleanup.oldRSs, newRS], cleanup.oldRSs, deployment);
  const actions = [...cleanup.actions, ...scaleDown.actions];
  if (scaleDown.error !== null) return { scaled: false, actions };
  return { scaled: cleanup.cleanupCount + scaleDown.scaledDownCount > 0, actions };
}
