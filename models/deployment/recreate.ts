/**
 * Recreate strategy decisions: ports of pkg/controller/deployment/recreate.go
 * scaleDownOldReplicaSetsForRecreate, oldPodsRunning and scaleUpNewReplicaSetForRecreate.
 * The order rolloutRecreate applies them in: scale old to 0; wait while any old pod still runs;
 * create the new ReplicaSet if missing; scale it to spec.replicas.
 */
import type { Deployment, Pod, ReplicaSet } from "../cluster/types.js";
import { scaleReplicaSetAndRecordEvent, type ScaleAction } from "./scale-action.js";
import { getActualReplicaCountForReplicaSets } from "./util.js";

// recreate.go scaleDownOldReplicaSetsForRecreate: every active old ReplicaSet to 0.
export function scaleDownOldReplicaSetsForRecreate(
  oldRSs: readonly ReplicaSet[],
  deployment: Deployment,
): { scaled: boolean; actions: ScaleAction[] } {
  const actions: ScaleAction[] = [];
  let scaled = false;
  for (const rs of oldRSs) {
    if (rs.spec.replicas === 0) continue;
    const r = scaleReplicaSetAndRecordEvent(rs, 0, deployment);
    if (r.action !== null) actions.push(r.action);
    if (r.scaled) scaled = true;
  }
  return { scaled, actions };
}

/**
 * recreate.go oldPodsRunning: true while old ReplicaSets still report pods, or any pod owned by
 * a ReplicaSet other than the new one is not terminal (Pending, Running and Unknown all count:
 * an Unknown pod might still be running). `podsByReplicaSetUid` is getPodMapForDeployment.
 */
export function oldPodsRunning(
  newRS: ReplicaSet | null,
  oldRSs: readonly ReplicaSet[],
  podsByReplicaSetUid: ReadonlyMap<string, readonly Pod[]>,
): boolean {
  if (getActualReplicaCountForReplicaSets(oldRSs) > 0) return true;
  for (const [rsUid, podList] of podsByReplicaSetUid) {
    // The new ReplicaSet's pods are not old.
    if (newRS !== null && newRS.metadata.uid === rsUid) continue;
    for (const pod of podList) {
      if (pod.status.phase === "Failed" || pod.status.phase === "Succeeded") continue;
      return true;
    }
  }
  return false;
}

// recreate.go scaleUpNewReplicaSetForRecreate: the new ReplicaSet straight to spec.replicas.
export function scaleUpNewReplicaSetForRecreate(newRS: ReplicaSet, deployment: Deployment): { scaled: boolean; actions: ScaleAction[] } {
  const r = scaleReplicaSetAndRecordEvent(newRS, deployment.spec.replicas, deployment);
  return { scaled: r.scaled, actions: r.action === null ? [] : [r.action] };
}
