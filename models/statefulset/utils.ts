/**
 * StatefulSet identity, storage and pod-state helpers: ports of
 * pkg/controller/statefulset/stateful_set_utils.go (getParentNameAndOrdinal, getOrdinal,
 * getPodName, getPersistentVolumeClaimName, getPersistentVolumeClaims, identityMatches,
 * storageMatches, updateIdentity, updateStorage, newStatefulSetPod, newVersionedStatefulSetPod,
 * isRunningAndReady, isRunningAndAvailable, isCreated, isFailed, isSucceeded, isTerminating,
 * isUnavailable, allowsBurst, getPodRevision).
 */
import type { NewObject } from "../cluster/store.js";
import type { PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from "../cluster/types.js";
import { isPodAvailable, isPodReady } from "../replicaset/podutil.js";

/** apps/v1 StatefulSetPodNameLabel. */
export const STATEFULSET_POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name";
/** apps/v1 PodIndexLabel (PodIndexLabel feature, on by default since 1.28). */
export const POD_INDEX_LABEL = "apps.kubernetes.io/pod-index";
/** apps/v1 ControllerRevisionHashLabelKey / StatefulSetRevisionLabel. */
export const STATEFULSET_REVISION_LABEL = "controller-revision-hash";

const STATEFUL_POD_REGEX = /^(.*)-([0-9]+)$/;

// getParentNameAndOrdinal: "web-2" -> ["web", 2]; ordinal -1 when the name has none.
export function getParentNameAndOrdinal(pod: Pod): { parent: string; ordinal: number } {
  const m = STATEFUL_POD_REGEX.exec(pod.metadata.name);
  if (m === null) return { parent: "", ordinal: -1 };
  const ordinal = Number(m[2]);
  return { parent: m[1], ordinal: Number.isSafeInteger(ordinal) ? ordinal : -1 };
}

export function getOrdinal(pod: Pod): number {
  return getParentNameAndOrdinal(pod).ordinal;
}

export function getPodName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

// getPersistentVolumeClaimName: "<claim template>-<set>-<ordinal>".
export function getPersistentVolumeClaimName(set: StatefulSet, claimTemplateName: string, ordinal: number): string {
  return `${claimTemplateName}-${set.metadata.name}-${ordinal}`;
}

/**
 * getPersistentVolumeClaims: the claims the pod of `ordinal` must have, by template name. Labels:
 * the template's plus the set's matchLabels (so the claims are found by the set's selector).
 */
export function getPersistentVolumeClaims(set: StatefulSet, pod: Pod): Map<string, NewObject<PersistentVolumeClaim>> {
  const ordinal = getOrdinal(pod);
  const claims = new Map<string, NewObject<PersistentVolumeClaim>>();
  for (const template of set.spec.volumeClaimTemplates) {
    claims.set(template.metadata.name, {
      kind: "PersistentVolumeClaim",
      metadata: {
        name: getPersistentVolumeClaimName(set, template.metadata.name, ordinal),
        namespace: set.metadata.namespace,
        labels: { ...template.metadata.labels, ...set.spec.selector.matchLabels },
        annotations: { ...template.metadata.annotations },
      },
      spec: { ...template.spec, accessModes: [...template.spec.accessModes], volumeName: "" },
      status: { phase: "Pending" },
    });
  }
  return claims;
}

// identityMatches: the pod's name, namespace and pod-name label are the set's for its ordinal.
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = getParentNameAndOrdinal(pod);
  return (
    ordinal >= 0 &&
    set.metadata.name === parent &&
    pod.metadata.name === getPodName(set, ordinal) &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels[STATEFULSET_POD_NAME_LABEL] === pod.metadata.name
  );
}

// storageMatches: every claim template has a volume of its name referring to the right claim.
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = getOrdinal(pod);
  if (ordinal < 0) return false;
  const volumes = new Map((pod.spec.volumes ?? []).map((v) => [v.name, v]));
  for (const claim of set.spec.volumeClaimTemplates) {
    const volume = volumes.get(claim.metadata.name);
    if (volume === undefined || volume.persistentVolumeClaim.claimName !== getPersistentVolumeClaimName(set, claim.metadata.name, ordinal)) return false;
  }
  return true;
}

// updateStorage: replace the template volumes of the claim names with the pod's claims.
export function updateStorage(set: StatefulSet, pod: Pod): void {
  const claims = getPersistentVolumeClaims(set, pod);
  const newVolumes = (pod.spec.volumes ?? []).filter((v) => !claims.has(v.name));
  for (const [name, claim] of claims) newVolumes.push({ name, persistentVolumeClaim: { claimName: claim.metadata.name } });
  pod.spec.volumes = newVolumes;
}

// updateIdentity: the pod-name and pod-index labels (hostname/subdomain are not modelled).
export function updateIdentity(set: StatefulSet, pod: Pod): void {
  const ordinal = getOrdinal(pod);
  pod.metadata.name = getPodName(set, ordinal);
  pod.metadata.namespace = set.metadata.namespace;
  pod.metadata.labels[STATEFULSET_POD_NAME_LABEL] = pod.metadata.name;
  pod.metadata.labels[POD_INDEX_LABEL] = String(ordinal);
}

export function getPodRevision(pod: Pod): string {
  return pod.metadata.labels[STATEFULSET_REVISION_LABEL] ?? "";
}

/**
 * newVersionedStatefulSetPod: the pod of `ordinal` from the current revision's template when
 * the ordinal is below the RollingUpdate partition during an update, else from the update
 * revision's (newStatefulSetPod: GetPodFromTemplate, owner reference, identity, storage).
 */
export function newVersionedStatefulSetPod(
  set: StatefulSet,
  currentTemplate: PodTemplateSpec,
  updateTemplate: PodTemplateSpec,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
): Pod {
  const partition = set.spec.updateStrategy.type === "RollingUpdate" ? set.spec.updateStrategy.rollingUpdate.partition : 0;
  const useCurrent = currentRevision !== updateRevision && set.spec.updateStrategy.type === "RollingUpdate" && ordinal < partition;
  const template = useCurrent ? currentTemplate : updateTemplate;
  const name = getPodName(set, ordinal);
  const pod = {
    kind: "Pod",
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: { ...template.metadata.labels, [STATEFULSET_REVISION_LABEL]: useCurrent ? currentRevision : updateRevision },
      annotations: { ...template.metadata.annotations },
      ownerReferences: [{ kind: "StatefulSet", name: set.metadata.name, uid: set.metadata.uid, controller: true }],
      deletionTimestamp_ms: null,
    },
    spec: structuredClone(template.spec),
    status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
  } as unknown as Pod;
  updateIdentity(set, pod);
  updateStorage(set, pod);
  return pod;
}

// isCreated: the pod exists in the API (kubesim marks a not-yet-created pod by an empty uid).
export function isCreated(pod: Pod): boolean {
  return pod.metadata.uid !== undefined && pod.metadata.uid !== "";
}

export const isFailed = (pod: Pod): boolean => pod.status.phase === "Failed";
export const isSucceeded = (pod: Pod): boolean => pod.status.phase === "Succeeded";
export const isPending = (pod: Pod): boolean => pod.status.phase === "Pending";
export const isTerminating = (pod: Pod): boolean => pod.metadata.deletionTimestamp_ms !== null;

export function isRunningAndReady(pod: Pod): boolean {
  return pod.status.phase === "Running" && isPodReady(pod);
}

export function isRunningAndAvailable(pod: Pod, minReadySeconds: number, now_ms: number): boolean {
  return pod.status.phase === "Running" && isPodAvailable(pod, minReadySeconds, now_ms);
}

// isUnavailable: not available for minReadySeconds, or being deleted.
export function isUnavailable(pod: Pod, minReadySeconds: number, now_ms: number): boolean {
  return !isPodAvailable(pod, minReadySeconds, now_ms) || isTerminating(pod);
}

// allowsBurst: Parallel pod management lifts the one-at-a-time ordering.
export function allowsBurst(set: StatefulSet): boolean {
  return set.spec.podManagementPolicy === "Parallel";
}
