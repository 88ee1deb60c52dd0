/**
 * Resizing and status: ports of pkg/controller/deployment/sync.go scale (proportional scaling,
 * which is what happens when the HPA resizes a Deployment in the middle of a rollout),
 * isScalingEvent, cleanupDeployment, calculateStatus and checkPausedConditions.
 */
import type { Deployment, ReplicaSet } from "../cluster/types.js";
import {
  getDeploymentCondition,
  MinimumReplicasAvailable,
  MinimumReplicasUnavailable,
  newDeploymentCondition,
  PausedDeployReason,
  ResumedDeployReason,
  setDeploymentCondition,
  TimedOutReason,
} from "./conditions.js";
import {
  compareReplicaSetsByCreationTimestamp,
  compareReplicaSetsBySizeNewer,
  compareReplicaSetsBySizeOlder,
  filterActiveReplicaSets,
  sortedReplicaSets,
} from "./rs-sort.js";
import { scaleReplicaSet, scaleReplicaSetAndRecordEvent, type ScaleAction, type ScalingOperation } from "./scale-action.js";
import {
  findActiveOrLatest,
  getActualReplicaCountForReplicaSets,
  getAvailableReplicaCountForReplicaSets,
  getDesiredReplicasAnnotation,
  getProportion,
  getReadyReplicaCountForReplicaSets,
  getReplicaCountForReplicaSets,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  maxUnavailable,
  revision,
  type DeploymentStatus,
} from "./util.js";

/**
 * sync.go scale: bring the ReplicaSets to the Deployment's (new) spec.replicas.
 *  - at most one active ReplicaSet: resize it (or the newest) to spec.replicas;
 *  - the new ReplicaSet saturated: old active ones go to 0;
 *  - otherwise (RollingUpdate mid-rollout): spread the change over the active ReplicaSets in
 *    proportion to their size at the last resize (max-replicas annotation), largest first
 *    (newest first when growing, oldest first when shrinking); the rounding leftover goes to the
 *    first, i.e. largest, ReplicaSet. Every active ReplicaSet is written, so the annotations
 *    record the new size even when its replicas do not change.
 * Recreate Deployments with several active ReplicaSets are left alone until the rollout ends.
 */
export function scale(deployment: Deployment, newRS: ReplicaSet | null, oldRSs: readonly ReplicaSet[]): ScaleAction[] {
  // A single active (or the latest) ReplicaSet takes the whole size; this covers the plain
  // "HPA changed spec.replicas" case outside a rollout.
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest !== null) {
    if (activeOrLatest.spec.replicas === deployment.spec.replicas) return [];
    const r = scaleReplicaSetAndRecordEvent(activeOrLatest, deployment.spec.replicas, deployment);
    return r.action === null ? [] : [r.action];
  }

  // The new ReplicaSet is saturated: old ReplicaSets are scaled to zero.
  if (isSaturated(deployment, newRS)) {
    const actions: ScaleAction[] = [];
    for (const old of filterActiveReplicaSets(oldRSs)) {
      const r = scaleReplicaSetAndRecordEvent(old, 0, deployment);
      if (r.action !== null) actions.push(r.action);
    }
    return actions;
  }

  if (!isRollingUpdate(deployment)) return [];

  let allRSs = filterActiveReplicaSets([...oldRSs, newRS]);
  const allRSsReplicas = getReplicaCountForReplicaSets(allRSs);
  // Scaling to zero allows no surge.
  const allowedSize = deployment.spec.replicas > 0 ? deployment.spec.replicas + maxSurge(deployment) : 0;
  // Positive: pods to add; negative: pods to remove.
  const deploymentReplicasToAdd = allowedSize - allRSsReplicas;

  let scalingOperation: ScalingOperation = "";
  if (deploymentReplicasToAdd > 0) {
    allRSs = sortedReplicaSets(allRSs, compareReplicaSetsBySizeNewer);
    scalingOperation = "up";
  } else if (deploymentReplicasToAdd < 0) {
    allRSs = sortedReplicaSets(allRSs, compareReplicaSetsBySizeOlder);
    scalingOperation = "down";
  }

  // Each ReplicaSet's share; names are unique among one Deployment's ReplicaSets.
  let deploymentReplicasAdded = 0;
  const nameToSize = new Map<string, number>();
  for (const rs of allRSs) {
    if (deploymentReplicasToAdd !== 0) {
      const proportion = getProportion(rs, deployment, deploymentReplicasToAdd, deploymentReplicasAdded);
      nameToSize.set(rs.metadata.name, rs.spec.replicas + proportion);
      deploymentReplicasAdded += proportion;
    } else {
      nameToSize.set(rs.metadata.name, rs.spec.replicas);
    }
  }

  const actions: ScaleAction[] = [];
  for (let i = 0; i < allRSs.length; i++) {
    const rs = allRSs[i];
    let size = nameToSize.get(rs.metadata.name)!;
    // The rounding leftover goes to the largest ReplicaSet (newest when growing, oldest when
    // shrinking), never below zero.
    if (i === 0 && deploymentReplicasToAdd !== 0) {
      size = Math.max(0, size + (deploymentReplicasToAdd - deploymentReplicasAdded));
    }
    const r = scaleReplicaSet(rs, size, deployment, scalingOperation);
    if (r.action !== null) actions.push(r.action);
  }
  return actions;
}

/**
 * sync.go isScalingEvent: some active ReplicaSet was sized for a different spec.replicas (its
 * desired-replicas annotation), so the Deployment was resized (e.g. by the HPA) and sync/scale
 * runs instead of the rollout.
 */
export function isScalingEvent(d: Deployment, newRS: ReplicaSet | null, oldRSs: readonly ReplicaSet[]): boolean {
  for (const rs of filterActiveReplicaSets([...oldRSs, newRS])) {
    const desired = getDesiredReplicasAnnotation(rs);
    if (desired === null) continue;
    if (desired !== d.spec.replicas) return true;
  }
  return false;
}

// deployment_util.go ReplicaSetsByRevision.Less: by revision annotation, falling back to creation
// order when either is unparsable or they are equal.
export function compareReplicaSetsByRevision(a: ReplicaSet, b: ReplicaSet): number {
  const revision1 = revision(a.metadata.annotations);
  const revision2 = revision(b.metadata.annotations);
  if (revision1 === null || revision2 === null || revision1 === revision2) return compareReplicaSetsByCreationTimestamp(a, b);
  return revision1 < revision2 ? -1 : 1;
}

/**
 * sync.go cleanupDeployment: the names of old ReplicaSets to delete so that at most
 * revisionHistoryLimit remain, lowest revision first, skipping any that still has pods or is
 * already being deleted. (Upstream also skips a ReplicaSet whose generation its controller has
 * not observed yet; kubesim ReplicaSets carry no metadata.generation, so that check is absent.)
 */
export function cleanupDeployment(oldRSs: readonly ReplicaSet[], deployment: Deployment): string[] {
  if (!hasRevisionHistoryLimit(deployment)) return [];
  const cleanableRSes = oldRSs.filter((rs) => rs.metadata.deletionTimestamp_ms === null);
  const diff = cleanableRSes.length - deployment.spec.revisionHistoryLimit;
  if (diff <= 0) return [];
  const sorted = sortedReplicaSets(cleanableRSes, compareReplicaSetsByRevision);
  const toDelete: string[] = [];
  for (let i = 0; i < diff; i++) {
    const rs = sorted[i];
    // Avoid deleting a ReplicaSet with pods or one being deleted.
    if (rs.status.replicas !== 0 || rs.spec.replicas !== 0 || rs.metadata.deletionTimestamp_ms !== null) continue;
    toDelete.push(rs.metadata.name);
  }
  return toDelete;
}

/**
 * sync.go calculateStatus: the Deployment status from its ReplicaSets (`newRS` may be null), with
 * the Available condition set from minimum availability (spec.replicas - maxUnavailable).
 */
export function calculateStatus(
  allRSs: readonly (ReplicaSet | null)[],
  newRS: ReplicaSet | null,
  deployment: Deployment,
  now_ms: number,
): DeploymentStatus {
  const availableReplicas = getAvailableReplicaCountForReplicaSets(allRSs);
  const totalReplicas = getReplicaCountForReplicaSets(allRSs);
  // A surge can make available exceed the desired total; never report negative unavailability.
  const unavailableReplicas = Math.max(0, totalReplicas - availableReplicas);
  const available = availableReplicas >= deployment.spec.replicas - maxUnavailable(deployment);
  const condition = available
    ? newDeploymentCondition("Available", "True", MinimumReplicasAvailable, "Deployment has minimum availability.", now_ms)
    : newDeploymentCondition("Available", "False", MinimumReplicasUnavailable, "Deployment does not have minimum availability.", now_ms);
  return {
    observedGeneration: deployment.metadata.generation,
    replicas: getActualReplicaCountForReplicaSets(allRSs),
    updatedReplicas: getActualReplicaCountForReplicaSets([newRS]),
    readyReplicas: getReadyReplicaCountForReplicaSets(allRSs),
    availableReplicas,
    unavailableReplicas,
    conditions: setDeploymentCondition(deployment.status.conditions, condition),
  };
}

/**
 * sync.go checkPausedConditions: the Progressing condition a pause or resume writes (Unknown,
 * DeploymentPaused / DeploymentResumed), or null when nothing changes. A timed-out rollout keeps
 * its ProgressDeadlineExceeded condition.
 */
export function checkPausedConditions(d: Deployment, now_ms: number): Deployment["status"]["conditions"] | null {
  if (!hasProgressDeadline(d)) return null;
  const cond = getDeploymentCondition(d.status.conditions, "Progressing");
  if (cond !== undefined && cond.reason === TimedOutReason) return null;
  const pausedCondExists = cond !== undefined && cond.reason === PausedDeployReason;
  if (d.spec.paused && !pausedCondExists) {
    return setDeploymentCondition(
      d.status.conditions,
      newDeploymentCondition("Progressing", "Unknown", PausedDeployReason, "Deployment is paused", now_ms),
    );
  }
  if (!d.spec.paused && pausedCondExists) {
    return setDeploymentCondition(
      d.status.conditions,
      newDeploymentCondition("Progressing", "Unknown", ResumedDeployReason, "Deployment is resumed", now_ms),
    );
  }
  return null;
}
