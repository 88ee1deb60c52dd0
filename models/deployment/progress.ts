/**
 * Rollout progress: ports of pkg/controller/deployment/progress.go syncRolloutStatus (the
 * Progressing condition: NewReplicaSetAvailable, ReplicaSetUpdated, ProgressDeadlineExceeded)
 * and requeueStuckDeployment (when to look again for the deadline).
 */
import type { Deployment, ReplicaSet } from "../cluster/types.js";
import {
  getDeploymentCondition,
  newDeploymentCondition,
  NewRSAvailableReason,
  removeDeploymentCondition,
  ReplicaSetUpdatedReason,
  setDeploymentCondition,
  TimedOutReason,
} from "./conditions.js";
import { calculateStatus } from "./sync.js";
import { deploymentComplete, deploymentProgressing, deploymentTimedOut, hasProgressDeadline, type DeploymentStatus } from "./util.js";

/**
 * progress.go syncRolloutStatus: the status to write after a rollout step. `allRSs` includes
 * `newRS` (which may be null). The ReplicaFailure condition (promoted from ReplicaSet pod-create
 * failures) is not modelled: kubesim ReplicaSets carry no conditions.
 */
export function syncRolloutStatus(
  allRSs: readonly (ReplicaSet | null)[],
  newRS: ReplicaSet | null,
  d: Deployment,
  now_ms: number,
): DeploymentStatus {
  const newStatus = calculateStatus(allRSs, newRS, d, now_ms);

  // Without a deadline there is no progress to estimate.
  if (!hasProgressDeadline(d)) newStatus.conditions = removeDeploymentCondition(newStatus.conditions, "Progressing");

  // A finished rollout (only the new ReplicaSet has pods and the condition already says so) is
  // not re-estimated.
  const currentCond = getDeploymentCondition(d.status.conditions, "Progressing");
  const isCompleteDeployment =
    newStatus.replicas === newStatus.updatedReplicas && currentCond !== undefined && currentCond.reason === NewRSAvailableReason;
  if (!hasProgressDeadline(d) || isCompleteDeployment) return newStatus;

  if (deploymentComplete(d, newStatus)) {
    const msg =
      newRS !== null
        ? `ReplicaSet ${JSON.stringify(newRS.metadata.name)} has successfully progressed.`
        : `Deployment ${JSON.stringify(d.metadata.name)} has successfully progressed.`;
    newStatus.conditions = setDeploymentCondition(
      newStatus.conditions,
      newDeploymentCondition("Progressing", "True", NewRSAvailableReason, msg, now_ms),
    );
  } else if (deploymentProgressing(d, newStatus)) {
    // Progress refreshes lastUpdateTime even when the reason is unchanged, which is why the
    // old condition is removed before setting; lastTransitionTime stays if it was already True.
    const msg =
      newRS !== null
        ? `ReplicaSet ${JSON.stringify(newRS.metadata.name)} is progressing.`
        : `Deployment ${JSON.stringify(d.metadata.name)} is progressing.`;
    const condition = newDeploymentCondition("Progressing", "True", ReplicaSetUpdatedReason, msg, now_ms);
    if (currentCond !== undefined) {
      if (currentCond.status === "True") condition.lastTransitionTime_ms = currentCond.lastTransitionTime_ms;
      newStatus.conditions = removeDeploymentCondition(newStatus.conditions, "Progressing");
    }
    newStatus.conditions = setDeploymentCondition(newStatus.conditions, condition);
  } else if (deploymentTimedOut(d, newStatus.conditions, now_ms)) {
    const msg =
      newRS !== null
        ? `ReplicaSet ${JSON.stringify(newRS.metadata.name)} has timed out progressing.`
        : `Deployment ${JSON.stringify(d.metadata.name)} has timed out progressing.`;
    newStatus.conditions = setDeploymentCondition(
      newStatus.conditions,
      newDeploymentCondition("Progressing", "False", TimedOutReason, msg, now_ms),
    );
  }
  return newStatus;
}

/**
 * progress.go requeueStuckDeployment: when the status did not change, how long until the
 * deadline check should run again: null for never (no deadline, no condition, complete, or
 * already timed out), 0 for now (under a second left; upstream rate-limits that requeue), else
 * the time left plus one second.
 */
export function requeueStuckDeployment_ms(d: Deployment, newStatus: DeploymentStatus, now_ms: number): number | null {
  const currentCond = getDeploymentCondition(d.status.conditions, "Progressing");
  if (!hasProgressDeadline(d) || currentCond === undefined) return null;
  if (deploymentComplete(d, newStatus) || currentCond.reason === TimedOutReason) return null;
  const after_ms = currentCond.lastUpdateTime_ms + d.spec.progressDeadlineSeconds * 1000 - now_ms;
  if (after_ms < 1000) return 0;
  return after_ms + 1000;
}
