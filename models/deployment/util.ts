/**
 * Deployment arithmetic: ports of pkg/controller/deployment/util/deployment_util.go (the
 * rollout fenceposts, new-ReplicaSet sizing, proportional-scaling fractions, replica counts,
 * replica annotations and the completeness/progress/timeout predicates).
 *
 * Go's *int32 spec fields are plain numbers in kubesim (defaults applied at load), so the nil
 * checks disappear; progressDeadlineSeconds / revisionHistoryLimit of math.MaxInt32 still mean
 * "none", as upstream.
 */
import type { Deployment, DeploymentCondition, ReplicaSet } from "../cluster/types.js";
import { getDeploymentCondition, NewRSAvailableReason, TimedOutReason } from "./conditions.js";
import { getScaledValueFromIntOrPercent, valueOrDefault, type IntOrString } from "./intstr.js";
import { compareReplicaSetsByCreationTimestamp, filterActiveReplicaSets, sortedReplicaSets } from "./rs-sort.js";

// deployment_util.go annotation keys.
export const RevisionAnnotation = "deployment.kubernetes.io/revision";
export const RevisionHistoryAnnotation = "deployment.kubernetes.io/revision-history";
export const DesiredReplicasAnnotation = "deployment.kubernetes.io/desired-replicas";
export const MaxReplicasAnnotation = "deployment.kubernetes.io/max-replicas";
/** apps/v1 DefaultDeploymentUniqueLabelKey. */
export const DefaultDeploymentUniqueLabelKey = "pod-template-hash";

const MAX_INT32 = 2147483647;

/** The Deployment status fields the predicates compare (a subset of apps/v1 DeploymentStatus). */
export type DeploymentStatus = Deployment["status"];

// deployment_util.go IsRollingUpdate.
export function isRollingUpdate(deployment: Deployment): boolean {
  return deployment.spec.strategy.type === "RollingUpdate";
}

/**
 * deployment_util.go ResolveFenceposts: maxSurge rounds up, maxUnavailable rounds down (a
 * missing value counts as 0), and if both come out 0, maxUnavailable becomes 1 so the rollout
 * can still move. Throws on an invalid IntOrString, as upstream returns an error.
 */
export function resolveFenceposts(
  maxSurge: IntOrString | null | undefined,
  maxUnavailable: IntOrString | null | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(valueOrDefault(maxSurge, 0), desired, true);
  let unavailable = getScaledValueFromIntOrPercent(valueOrDefault(maxUnavailable, 0), desired, false);
  if (surge === 0 && unavailable === 0) {
    // Validation forbids both being 0 explicitly, but rounding maxUnavailable down can get there;
    // allowing one unavailable pod keeps a rollout moving even when surge is blocked by quota.
    unavailable = 1;
  }
  return { surge, unavailable };
}

// Upstream ignores ResolveFenceposts' error in MaxUnavailable/MaxSurge ("Error caught by
// validation") and takes the zero values it returns.
function fenceposts(deployment: Deployment): { surge: number; unavailable: number } {
  if (deployment.spec.strategy.type !== "RollingUpdate") return { surge: 0, unavailable: 0 };
  const ru = deployment.spec.strategy.rollingUpdate;
  try {
    return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, deployment.spec.replicas);
  } catch {
    return { surge: 0, unavailable: 0 };
  }
}

// deployment_util.go MaxUnavailable: 0 for Recreate or 0 replicas; never more than replicas.
export function maxUnavailable(deployment: Deployment): number {
  if (!isRollingUpdate(deployment) || deployment.spec.replicas === 0) return 0;
  const { unavailable } = fenceposts(deployment);
  return Math.min(unavailable, deployment.spec.replicas);
}

// deployment_util.go MinAvailable.
export function minAvailable(deployment: Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  return deployment.spec.replicas - maxUnavailable(deployment);
}

// deployment_util.go MaxSurge: 0 for Recreate.
export function maxSurge(deployment: Deployment): number {
  if (!isRollingUpdate(deployment)) return 0;
  return fenceposts(deployment).surge;
}

// deployment_util.go GetReplicaCountForReplicaSets: sum of spec.replicas.
export function getReplicaCountForReplicaSets(replicaSets: readonly (ReplicaSet | null)[]): number {
  let total = 0;
  for (const rs of replicaSets) if (rs !== null) total += rs.spec.replicas;
  return total;
}

// deployment_util.go GetActualReplicaCountForReplicaSets: sum of status.replicas.
export function getActualReplicaCountForReplicaSets(replicaSets: readonly (ReplicaSet | null)[]): number {
  let total = 0;
  for (const rs of replicaSets) if (rs !== null) total += rs.status.replicas;
  return total;
}

// deployment_util.go GetReadyReplicaCountForReplicaSets: sum of status.readyReplicas.
export function getReadyReplicaCountForReplicaSets(replicaSets: readonly (ReplicaSet | null)[]): number {
  let total = 0;
  for (const rs of replicaSets) if (rs !== null) total += rs.status.readyReplicas;
  return total;
}

// deployment_util.go GetAvailableReplicaCountForReplicaSets: sum of status.availableReplicas.
export function getAvailableReplicaCountForReplicaSets(replicaSets: readonly (ReplicaSet | null)[]): number {
  let total = 0;
  for (const rs of replicaSets) if (rs !== null) total += rs.status.availableReplicas;
  return total;
}

/**
 * deployment_util.go NewRSNewReplicas: the new ReplicaSet's size this sync. RollingUpdate grows it
 * by whatever room maxSurge leaves over the sum of all ReplicaSets' spec.replicas, never past
 * spec.replicas; Recreate jumps straight to spec.replicas. Note that upstream scales maxSurge
 * here directly (rounding up), without ResolveFenceposts.
 */
export function newRSNewReplicas(deployment: Deployment, allRSs: readonly (ReplicaSet | null)[], newRS: ReplicaSet): number {
  const strategy = deployment.spec.strategy;
  if (strategy.type === "Recreate") return deployment.spec.replicas;
  const surge = getScaledValueFromIntOrPercent(strategy.rollingUpdate.maxSurge, deployment.spec.replicas, true);
  const currentPodCount = getReplicaCountForReplicaSets(allRSs);
  const maxTotalPods = deployment.spec.replicas + surge;
  if (currentPodCount >= maxTotalPods) return newRS.spec.replicas; // cannot scale up
  const scaleUpCount = Math.min(maxTotalPods - currentPodCount, deployment.spec.replicas - newRS.spec.replicas);
  return newRS.spec.replicas + scaleUpCount;
}

// strconv.Atoi for annotation values: optional sign and decimal digits, else not a number.
function atoi(value: string): number | null {
  return /^[+-]?[0-9]+$/.test(value) ? Number(value) : null;
}

function intFromAnnotation(rs: ReplicaSet, key: string): number | null {
  if (!Object.prototype.hasOwnProperty.call(rs.metadata.annotations, key)) return null;
  return atoi(rs.metadata.annotations[key]);
}

// deployment_util.go GetDesiredReplicasAnnotation: null when absent or unparsable.
export function getDesiredReplicasAnnotation(rs: ReplicaSet): number | null {
  return intFromAnnotation(rs, DesiredReplicasAnnotation);
}

// deployment_util.go getMaxReplicasAnnotation: null when absent or unparsable.
export function getMaxReplicasAnnotation(rs: ReplicaSet): number | null {
  return intFromAnnotation(rs, MaxReplicasAnnotation);
}

/**
 * deployment_util.go SetReplicasAnnotations made pure: the annotations with desired-replicas and
 * max-replicas set. `changed` is SetReplicasAnnotations' return value.
 */
export function setReplicasAnnotations(
  annotations: Readonly<Record<string, string>>,
  desiredReplicas: number,
  maxReplicas: number,
): { annotations: Record<string, string>; changed: boolean } {
  const desiredString = String(desiredReplicas);
  const maxString = String(maxReplicas);
  const changed = annotations[DesiredReplicasAnnotation] !== desiredString || annotations[MaxReplicasAnnotation] !== maxString;
  return { annotations: { ...annotations, [DesiredReplicasAnnotation]: desiredString, [MaxReplicasAnnotation]: maxString }, changed };
}

// deployment_util.go ReplicasAnnotationsNeedUpdate.
export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desiredReplicas: number, maxReplicas: number): boolean {
  return (
    rs.metadata.annotations[DesiredReplicasAnnotation] !== String(desiredReplicas) ||
    rs.metadata.annotations[MaxReplicasAnnotation] !== String(maxReplicas)
  );
}

// k8s.io/utils/integer RoundToInt32: math.Round, which rounds halves away from zero (JS
// Math.round rounds -2.5 to -2; Go to -3).
function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/**
 * deployment_util.go getReplicaSetFraction: how many replicas `rs` should gain (or lose, when
 * negative) so that it keeps its share of the Deployment when the Deployment is resized
 * mid-rollout. The share is measured against the size the ReplicaSet was last sized for, the
 * max-replicas annotation (replicas + maxSurge at that time), falling back to status.replicas.
 */
export function getReplicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  // Scaling to zero: the whole ReplicaSet goes.
  if (d.spec.replicas === 0) return -rs.spec.replicas;
  const deploymentReplicas = d.spec.replicas + maxSurge(d);
  const annotatedReplicas = getMaxReplicasAnnotation(rs) ?? d.status.replicas;
  // Proportional scaling never starts from zero, so rs.spec.replicas and annotatedReplicas are
  // non-zero here (GetProportion returns early for an empty ReplicaSet).
  const newRSsize = (rs.spec.replicas * deploymentReplicas) / annotatedReplicas;
  return roundHalfAwayFromZero(newRSsize) - rs.spec.replicas;
}

/**
 * deployment_util.go GetProportion: this ReplicaSet's part of `deploymentReplicasToAdd`, given
 * `deploymentReplicasAdded` already handed to earlier ReplicaSets: the fraction, capped so the
 * total never overshoots (min when adding, max when removing).
 */
export function getProportion(
  rs: ReplicaSet | null,
  d: Deployment,
  deploymentReplicasToAdd: number,
  deploymentReplicasAdded: number,
): number {
  if (rs === null || rs.spec.replicas === 0 || deploymentReplicasToAdd === 0 || deploymentReplicasToAdd === deploymentReplicasAdded) {
    return 0;
  }
  const rsFraction = getReplicaSetFraction(rs, d);
  const allowed = deploymentReplicasToAdd - deploymentReplicasAdded;
  if (deploymentReplicasToAdd > 0) return Math.min(rsFraction, allowed);
  return Math.max(rsFraction, allowed);
}

/**
 * deployment_util.go IsSaturated: the new ReplicaSet owns the whole Deployment: its size and its
 * desired-replicas annotation equal spec.replicas and all of its pods are available.
 */
export function isSaturated(deployment: Deployment, rs: ReplicaSet | null): boolean {
  if (rs === null) return false;
  const desired = atoi(rs.metadata.annotations[DesiredReplicasAnnotation] ?? "");
  if (desired === null) return false;
  return (
    rs.spec.replicas === deployment.spec.replicas &&
    desired === deployment.spec.replicas &&
    rs.status.availableReplicas === deployment.spec.replicas
  );
}

/**
 * deployment_util.go FindActiveOrLatest: the only active ReplicaSet, or the newest one when none
 * is active; null when several are active (then scaling must be proportional).
 */
export function findActiveOrLatest(newRS: ReplicaSet | null, oldRSs: readonly ReplicaSet[]): ReplicaSet | null {
  if (newRS === null && oldRSs.length === 0) return null;
  const newestFirst = sortedReplicaSets(oldRSs, (a, b) => compareReplicaSetsByCreationTimestamp(b, a));
  const allRSs = filterActiveReplicaSets([...newestFirst, newRS]);
  switch (allRSs.length) {
    case 0:
      return newRS !== null ? newRS : newestFirst[0];
    case 1:
      return allRSs[0];
    default:
      return null;
  }
}

// deployment_util.go Revision: the revision annotation; absent is 0, unparsable is null (error).
export function revision(annotations: Readonly<Record<string, string>>): number | null {
  if (!Object.prototype.hasOwnProperty.call(annotations, RevisionAnnotation)) return 0;
  return atoi(annotations[RevisionAnnotation]);
}

// deployment_util.go MaxRevision: the highest parsable revision among the ReplicaSets.
export function maxRevision(allRSs: readonly ReplicaSet[]): number {
  let max = 0;
  for (const rs of allRSs) {
    const v = revision(rs.metadata.annotations);
    if (v !== null && v > max) max = v;
  }
  return max;
}

// deployment_util.go HasProgressDeadline: MaxInt32 means "no deadline".
export function hasProgressDeadline(d: Deployment): boolean {
  return d.spec.progressDeadlineSeconds !== MAX_INT32;
}

// deployment_util.go HasRevisionHistoryLimit: MaxInt32 means "keep everything".
export function hasRevisionHistoryLimit(d: Deployment): boolean {
  return d.spec.revisionHistoryLimit !== MAX_INT32;
}

/**
 * deployment_util.go DeploymentComplete: every desired replica is updated and available, no old
 * replica is left, and the controller has observed the current generation.
 */
export function deploymentComplete(deployment: Deployment, newStatus: DeploymentStatus): boolean {
  return (
    newStatus.updatedReplicas === deployment.spec.replicas &&
    newStatus.replicas === deployment.spec.replicas &&
    newStatus.availableReplicas === deployment.spec.replicas &&
    newStatus.observedGeneration >= deployment.metadata.generation
  );
}

/**
 * deployment_util.go DeploymentProgressing: compared with the stored status, more updated pods,
 * fewer old pods, or more ready or available pods.
 */
export function deploymentProgressing(deployment: Deployment, newStatus: DeploymentStatus): boolean {
  const oldStatus = deployment.status;
  const oldStatusOldReplicas = oldStatus.replicas - oldStatus.updatedReplicas;
  const newStatusOldReplicas = newStatus.replicas - newStatus.updatedReplicas;
  return (
    newStatus.updatedReplicas > oldStatus.updatedReplicas ||
    newStatusOldReplicas < oldStatusOldReplicas ||
    newStatus.readyReplicas > oldStatus.readyReplicas ||
    newStatus.availableReplicas > oldStatus.availableReplicas
  );
}

/**
 * deployment_util.go DeploymentTimedOut: the Progressing condition in `newStatusConditions` was
 * last updated more than progressDeadlineSeconds before now (strictly, time.Before), or already
 * says ProgressDeadlineExceeded. A completed rollout (NewReplicaSetAvailable) never times out.
 */
export function deploymentTimedOut(
  deployment: Deployment,
  newStatusConditions: readonly DeploymentCondition[],
  now_ms: number,
): boolean {
  if (!hasProgressDeadline(deployment)) return false;
  const condition = getDeploymentCondition(newStatusConditions, "Progressing");
  if (condition === undefined) return false;
  if (condition.reason === NewRSAvailableReason) return false;
  if (condition.reason === TimedOutReason) return true;
  return condition.lastUpdateTime_ms + deployment.spec.progressDeadlineSeconds * 1000 < now_ms;
}
