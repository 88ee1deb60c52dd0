/**
 * kubesim's store objects as the VPA port's plain data: a Pod as a VpaPod (exact milli-unit
 * Quantities), the selector of a VPA's target, and back from Quantities to kubesim's units.
 */
import { labelSelectorMatches } from "../cluster/labels.js";
import type { ClusterStore, NewObject } from "../cluster/store.js";
import type { LabelSelector, Pod, ResourceList as PodResourceList } from "../cluster/types.js";
import type { StoredVerticalPodAutoscaler } from "./object.js";
import type { Quantity, ResourceList, VpaPod } from "./types.js";

/** kubesim's requests or limits (millicores, bytes) as Quantities (milli-units). */
export function toVpaResourceList(list: PodResourceList): ResourceList {
  const out: ResourceList = {};
  if (list.cpu_mcores !== undefined) out.cpu = BigInt(Math.round(list.cpu_mcores));
  if (list.memory_bytes !== undefined) out.memory = BigInt(Math.round(list.memory_bytes)) * 1000n;
  return out;
}

/** Quantities (a recommendation's requests or limits) back as kubesim's cpu and memory; other resources are not modelled. */
export function toPodResourceList(list: ResourceList | null): PodResourceList {
  const out: PodResourceList = {};
  if (list?.cpu !== undefined) out.cpu_mcores = cpuMcoresOf(list.cpu);
  if (list?.memory !== undefined) out.memory_bytes = memoryBytesOf(list.memory);
  return out;
}

/** A CPU Quantity as kubesim's millicores (whole milli-units already). */
export function cpuMcoresOf(q: Quantity): number {
  return Number(q);
}

/** A memory Quantity as kubesim's bytes, rounded up as resource.Quantity.Value() does. */
export function memoryBytesOf(q: Quantity): number {
  return Number((q + 999n) / 1000n);
}

/**
 * A pod as the VPA reads it; `namespace` for a pod being created (admission), whose metadata the
 * API server has not filled in yet and which has no status.
 */
export function toVpaPod(pod: Pod | NewObject<Pod>, namespace = pod.metadata.namespace ?? "default"): VpaPod {
  const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
  const status = (pod as Partial<Pod>).status;
  return {
    namespace,
    name: pod.metadata.name,
    uid: pod.metadata.uid ?? "",
    annotations: pod.metadata.annotations ?? {},
    controllerRef: owner === undefined ? null : { kind: owner.kind, name: owner.name },
    containers: pod.spec.containers.map((c) => ({ name: c.name, requests: toVpaResourceList(c.resources.requests), limits: toVpaResourceList(c.resources.limits) })),
    containerStatuses: (status?.containerStatuses ?? []).map((s) => ({
      name: s.name,
      resources: s.resources === undefined ? null : { requests: toVpaResourceList(s.resources.requests), limits: toVpaResourceList(s.resources.limits) },
      lastTerminated: s.lastTerminated === undefined ? null : { reason: s.lastTerminated.reason, startedAt_ms: s.lastTerminated.startedAt_ms, finishedAt_ms: s.lastTerminated.finishedAt_ms },
    })),
    phase: status?.phase ?? "Pending",
    startTime_ms: status?.startTime_ms ?? null,
    resizeConditions: (status?.conditions ?? []).flatMap((c) => (c.type === "PodResizePending" || c.type === "PodResizeInProgress" ? [{ type: c.type, status: c.status, reason: c.reason, message: c.message }] : [])),
  };
}

/**
 * The label selector of the VPA's target (the scale subresource's selector upstream); null when
 * the target does not exist or is of a kind kubesim does not run VPA on.
 */
export function targetSelector(store: ClusterStore, vpa: StoredVerticalPodAutoscaler): LabelSelector | null {
  const { kind, name } = vpa.spec.targetRef;
  if (kind !== "Deployment" && kind !== "ReplicaSet" && kind !== "StatefulSet") return null;
  const target = store.get<{ kind: string; metadata: Pod["metadata"]; spec: { selector: LabelSelector } }>(kind, vpa.metadata.namespace, name);
  return target === undefined ? null : target.spec.selector;
}

/** The pods of the VPA's namespace its target's selector matches, in creation order. */
export function podsOfTarget(store: ClusterStore, vpa: StoredVerticalPodAutoscaler, selector: LabelSelector): Pod[] {
  return store.list<Pod>("Pod", vpa.metadata.namespace).filter((p) => labelSelectorMatches(selector, p.metadata.labels));
}
