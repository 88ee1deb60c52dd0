/**
 * Deployment status conditions: ports of pkg/controller/deployment/util/deployment_util.go
 * NewDeploymentCondition, GetDeploymentCondition, SetDeploymentCondition,
 * RemoveDeploymentCondition, and the reason constants. Lists are never mutated: each function
 * returns a new list, as the controller writes the whole status back.
 */
import type { ConditionStatus, DeploymentCondition } from "../cluster/types.js";

export type DeploymentConditionType = DeploymentCondition["type"];

// deployment_util.go reasons for the Progressing condition.
export const ReplicaSetUpdatedReason = "ReplicaSetUpdated";
export const FailedRSCreateReason = "ReplicaSetCreateError";
export const NewReplicaSetReason = "NewReplicaSetCreated";
export const FoundNewRSReason = "FoundNewReplicaSet";
export const NewRSAvailableReason = "NewReplicaSetAvailable";
export const TimedOutReason = "ProgressDeadlineExceeded";
export const PausedDeployReason = "DeploymentPaused";
export const ResumedDeployReason = "DeploymentResumed";
// deployment_util.go reasons for the Available condition.
export const MinimumReplicasAvailable = "MinimumReplicasAvailable";
export const MinimumReplicasUnavailable = "MinimumReplicasUnavailable";

// deployment_util.go NewDeploymentCondition: both times are now (metav1.Now()).
export function newDeploymentCondition(
  condType: DeploymentConditionType,
  status: ConditionStatus,
  reason: string,
  message: string,
  now_ms: number,
): DeploymentCondition {
  return { type: condType, status, reason, message, lastUpdateTime_ms: now_ms, lastTransitionTime_ms: now_ms };
}

// deployment_util.go GetDeploymentCondition (a copy, as upstream returns a pointer to a copy).
export function getDeploymentCondition(
  conditions: readonly DeploymentCondition[],
  condType: DeploymentConditionType,
): DeploymentCondition | undefined {
  for (const c of conditions) if (c.type === condType) return { ...c };
  return undefined;
}

// deployment_util.go SetDeploymentCondition: no change when a condition of that type already has
// the same status and reason (so lastUpdateTime only moves when the reason does); otherwise the
// old one is dropped and the new one appended, keeping lastTransitionTime if the status is
// unchanged.
export function setDeploymentCondition(
  conditions: readonly DeploymentCondition[],
  condition: DeploymentCondition,
): DeploymentCondition[] {
  const currentCond = getDeploymentCondition(conditions, condition.type);
  if (currentCond !== undefined && currentCond.status === condition.status && currentCond.reason === condition.reason) {
    return conditions.map((c) => ({ ...c }));
  }
  const next = { ...condition };
  if (currentCond !== undefined && currentCond.status === condition.status) {
    next.lastTransitionTime_ms = currentCond.lastTransitionTime_ms;
  }
  return [...removeDeploymentCondition(conditions, condition.type), next];
}

// deployment_util.go RemoveDeploymentCondition (filterOutCondition).
export function removeDeploymentCondition(
  conditions: readonly DeploymentCondition[],
  condType: DeploymentConditionType,
): DeploymentCondition[] {
  return conditions.filter((c) => c.type !== condType).map((c) => ({ ...c }));
}
