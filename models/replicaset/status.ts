/**
 * ReplicaSet status from its pods: port of pkg/controller/replicaset/replica_set_utils.go
 * calculateStatus (the counts; the ReplicaFailure condition is not modelled because kubesim's
 * pod creation does not fail).
 */
import { setSelectorMatches } from "../cluster/labels.js";
import type { Pod, ReplicaSet } from "../cluster/types.js";
import { isPodAvailable, isPodReady } from "./podutil.js";

/** The counts the controller writes to rs.status. */
export interface ReplicaSetReadyCounts {
  replicas: number;
  readyReplicas: number;
  /** Ready for at least minReadySeconds (podutil.IsPodAvailable). */
  availableReplicas: number;
}

export interface ReplicaSetStatusCounts extends ReplicaSetReadyCounts {
  /** Pods whose labels include every label of the pod template. */
  fullyLabeledReplicas: number;
}

/**
 * replica_set_utils.go calculateStatus over the ReplicaSet's active, claimed pods. The
 * controller writes these counts (and observedGeneration) to rs.status, then, as syncReplicaSet
 * does, requeues after minReadySeconds when readyReplicas == spec.replicas but
 * availableReplicas differs (see minReadyRequeueAfter_ms).
 */
export function calculateStatus(rs: ReplicaSet, filteredPods: readonly Pod[], now_ms: number): ReplicaSetStatusCounts {
  let fullyLabeledReplicasCount = 0;
  let readyReplicasCount = 0;
  let availableReplicasCount = 0;
  const templateLabels = rs.spec.template.metadata.labels;
  for (const pod of filteredPods) {
    if (setSelectorMatches(templateLabels, pod.metadata.labels)) fullyLabeledReplicasCount++;
    if (isPodReady(pod)) {
      readyReplicasCount++;
      if (isPodAvailable(pod, rs.spec.minReadySeconds, now_ms)) availableReplicasCount++;
    }
  }
  return {
    replicas: filteredPods.length,
    fullyLabeledReplicas: fullyLabeledReplicasCount,
    readyReplicas: readyReplicasCount,
    availableReplicas: availableReplicasCount,
  };
}

/**
 * replica_set.go syncReplicaSet's last line of defence: when all desired pods are ready but not
 * all available yet, resync after minReadySeconds. Returns the delay, or null for no requeue.
 */
export function minReadyRequeueAfter_ms(rs: ReplicaSet, status: ReplicaSetReadyCounts): number | null {
  if (rs.spec.minReadySeconds > 0 && status.readyReplicas === rs.spec.replicas && status.availableReplicas !== rs.spec.replicas) {
    return rs.spec.minReadySeconds * 1000;
  }
  return null;
}
