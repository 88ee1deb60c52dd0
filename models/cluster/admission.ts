/**
 * The API server's admission chain for what kubesim creates: every Pod create, whichever
 * controller (ReplicaSet, StatefulSet, Job) or scenario makes it, passes here from
 * ClusterStore.create before it is stored. Mutating plugins first, then validating ones, as
 * kube-apiserver orders its default plugins: LimitRanger (defaults, then min/max), then
 * ResourceQuota (last, so it charges what the pod finally asks). A refusal throws the
 * StoreError `pods "<name>" is forbidden: <reason>` that the creating controller reports (the
 * ReplicaSet controller as a FailedCreate event).
 */
import type { Pod } from "./types.js";
import { StoreError, type ClusterStore, type NewObject, type StoredObject } from "./store.js";
import { applyLimitRangeDefaults, LIMIT_RANGER_ANNOTATION, limitRangesOf, validateLimitRanges } from "../quota/limit-ranger.js";
import { admitPodQuota } from "../quota/resource-quota.js";

/** A mutating admission webhook on pod create (the VPA admission controller): mutates the pod in place. */
export type PodWebhook = (pod: NewObject<Pod>, namespace: string) => void;

export function installAdmission(store: ClusterStore, podWebhooks: readonly PodWebhook[] = []): void {
  store.admission = (object, namespace) => {
    if (object.kind === "Pod") admitPod(store, object as NewObject<Pod> & NewObject<StoredObject>, namespace, podWebhooks);
  };
}

function admitPod(store: ClusterStore, pod: NewObject<Pod>, namespace: string, podWebhooks: readonly PodWebhook[]): void {
  const forbidden = (reason: string) => new StoreError(`pods "${pod.metadata.name}" is forbidden: ${reason}`, "Forbidden");
  const ranges = limitRangesOf(store, namespace);
  if (ranges.length > 0) {
    const set = applyLimitRangeDefaults(ranges, pod.spec);
    if (set !== null) pod.metadata.annotations = { ...(pod.metadata.annotations ?? {}), [LIMIT_RANGER_ANNOTATION]: set };
  }
  // MutatingAdmissionWebhook runs after the built-in mutating plugins, before any validation.
  for (const webhook of podWebhooks) webhook(pod, namespace);
  if (ranges.length > 0) {
    const invalid = validateLimitRanges(ranges, pod.spec);
    if (invalid !== null) throw forbidden(invalid);
  }
  const refused = admitPodQuota(store, { ...pod, metadata: { ...pod.metadata, namespace } } as unknown as Pod);
  if (refused !== null) throw forbidden(refused);
}
