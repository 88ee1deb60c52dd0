/**
 * The Deployment controller's only write to a ReplicaSet during a rollout or a resize: set
 * spec.replicas and the desired-replicas / max-replicas annotations. Ports of
 * pkg/controller/deployment/sync.go scaleReplicaSetAndRecordEvent and scaleReplicaSet, returning
 * the write as a ScaleAction instead of calling the API.
 */
import type { Deployment, ReplicaSet } from "../cluster/types.js";
import { maxSurge, replicasAnnotationsNeedUpdate, setReplicasAnnotations } from "./util.js";

export type ScalingOperation = "up" | "down" | "";

/** One ReplicaSet update for the controller to apply (applyScaleAction shows exactly how). */
export interface ScaleAction {
  replicaSetName: string;
  replicaSetUid: string;
  oldReplicas: number;
  newReplicas: number;
  /** deployment.kubernetes.io/desired-replicas: the Deployment's spec.replicas. */
  desiredReplicas: number;
  /** deployment.kubernetes.io/max-replicas: spec.replicas + maxSurge. */
  maxReplicas: number;
  /** For the "Scaled up/down replica set" event; "" when scale() found no change to make. */
  scalingOperation: ScalingOperation;
  /** Upstream's `scaled`: spec.replicas changes (false for an annotations-only update). */
  scaled: boolean;
}

/** The ReplicaSet as it is after `action` (a copy; the input is not touched). */
export function applyScaleAction(rs: ReplicaSet, action: ScaleAction): ReplicaSet {
  const { annotations } = setReplicasAnnotations(rs.metadata.annotations, action.desiredReplicas, action.maxReplicas);
  return {
    ...rs,
    metadata: { ...rs.metadata, annotations },
    spec: { ...rs.spec, replicas: action.newReplicas },
  };
}

/**
 * sync.go scaleReplicaSet: writes when the size or the replica annotations differ (so a resize
 * always refreshes max-replicas, which later proportional scaling relies on). Returns the action
 * (null when nothing changes) and the ReplicaSet as updated.
 */
export function scaleReplicaSet(
  rs: ReplicaSet,
  newScale: number,
  deployment: Deployment,
  scalingOperation: ScalingOperation,
): { scaled: boolean; action: ScaleAction | null; rs: ReplicaSet } {
  if (!Number.isInteger(newScale) || newScale < 0) {
    throw new RangeError(`scaleReplicaSet: ${rs.metadata.name} to ${newScale} replicas`);
  }
  const desiredReplicas = deployment.spec.replicas;
  const maxReplicas = deployment.spec.replicas + maxSurge(deployment);
  const sizeNeedsUpdate = rs.spec.replicas !== newScale;
  const annotationsNeedUpdate = replicasAnnotationsNeedUpdate(rs, desiredReplicas, maxReplicas);
  if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, action: null, rs };
  const action: ScaleAction = {
    replicaSetName: rs.metadata.name,
    replicaSetUid: rs.metadata.uid,
    oldReplicas: rs.spec.replicas,
    newReplicas: newScale,
    desiredReplicas,
    maxReplicas,
    scalingOperation,
    scaled: sizeNeedsUpdate,
  };
  return { scaled: sizeNeedsUpdate, action, rs: applyScaleAction(rs, action) };
}

/** sync.go scaleReplicaSetAndRecordEvent: no write at all when the size is already right. */
export function scaleReplicaSetAndRecordEvent(
  rs: ReplicaSet,
  newScale: number,
  deployment: Deployment,
): { scaled: boolean; action: ScaleAction | null; rs: ReplicaSet } {
  if (rs.spec.replicas === newScale) return { scaled: false, action: null, rs };
  return scaleReplicaSet(rs, newScale, deployment, rs.spec.replicas < newScale ? "up" : "down");
}
