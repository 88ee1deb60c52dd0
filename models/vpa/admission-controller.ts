/**
 * The VPA admission controller's pod webhook: kubernetes/autoscaler vertical-pod-autoscaler/
 * pkg/admission-controller/resource/pod/handler.go GetPatches with the resource and observed-
 * containers patch calculators (pod/patch/resource_updates.go, observed_containers.go) (VPA 1.8).
 *
 * On every pod create (a mutating webhook: after LimitRanger's defaults, before validation and
 * quota), the controlling VPA is found (matcher.go GetMatchingVPA: a VPA whose mode is not Off,
 * whose target's selector matches the pod, and whose targetRef is the pod's top-most controller;
 * the oldest such VPA wins). Its capped recommendation (recommendation_provider.go, capping with
 * the namespace's LimitRanges) becomes the containers' requests, and under RequestsAndLimits
 * their limits in proportion. The pod is annotated `vpaUpdates` (what was set) and
 * `vpaObservedContainers` (its containers, which the updater reads).
 */
import { labelSelectorMatches } from "../cluster/labels.js";
import type { ClusterStore, NewObject } from "../cluster/store.js";
import type { OwnerReference, Pod, ReplicaSet, ResourceList } from "../cluster/types.js";
import { getUpdateMode } from "./api.js";
import { newCappingRecommendationProcessor, type LimitRangeCalculator, type RecommendationProcessor } from "./capping.js";
import { targetSelector, toPodResourceList, toVpaPod } from "./convert.js";
import { storeLimitRangeCalculator } from "./limit-range-calculator.js";
import { vpaSpecView, type StoredVerticalPodAutoscaler } from "./object.js";
import { getContainersResourcesForPod } from "./recommendation-provider.js";
import { VPA_OBSERVED_CONTAINERS_ANNOTATION } from "./update-priority.js";

/** annotations.go VpaUpdatesAnnotation. */
export const VPA_UPDATES_ANNOTATION = "vpaUpdates";

/** The top-most well-known controller of a pod (controller_fetcher FindTopMostWellKnownOrScalable). */
export function topMostController(store: ClusterStore, namespace: string, ref: OwnerReference | undefined): { kind: string; name: string } | null {
  if (ref === undefined) return null;
  if (ref.kind === "ReplicaSet") {
    const rs = store.get<ReplicaSet>("ReplicaSet", namespace, ref.name);
    const owner = rs?.metadata.ownerReferences.find((r) => r.controller);
    if (owner !== undefined && owner.kind === "Deployment") return { kind: owner.kind, name: owner.name };
  }
  return { kind: ref.kind, name: ref.name };
}

/** GetControllingVPAForPod: of the VPAs (not Off) whose selector matches the pod, the oldest; null unless it targets the pod's controller. */
export function controllingVpa(store: ClusterStore, namespace: string, labels: Record<string, string>, owner: OwnerReference | undefined): StoredVerticalPodAutoscaler | null {
  let best: StoredVerticalPodAutoscaler | null = null;
  for (const vpa of store.list<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler", namespace)) {
    if (getUpdateMode(vpaSpecView(vpa)) === "Off") continue;
    const selector = targetSelector(store, vpa);
    if (selector === null || !labelSelectorMatches(selector, labels)) continue;
    // Stronger: the older VPA, then the smaller name.
    if (best === null || vpa.metadata.creationTimestamp_ms < best.metadata.creationTimestamp_ms || (vpa.metadata.creationTimestamp_ms === best.metadata.creationTimestamp_ms && vpa.metadata.name < best.metadata.name)) best = vpa;
  }
  if (best === null) return null;
  const top = topMostController(store, namespace, owner);
  return top !== null && top.kind === best.spec.targetRef.kind && top.name === best.spec.targetRef.name ? best : null;
}

export class VpaAdmissionController {
  private readonly limitRanges: LimitRangeCalculator;
  private readonly processor: RecommendationProcessor;
  /** Pods patched so far (for outputs and tests). */
  admitted = 0;

  constructor(private readonly store: ClusterStore) {
    this.limitRanges = storeLimitRangeCalculator(store);
    this.processor = newCappingRecommendationProcessor(this.limitRanges);
  }

  /** The webhook: mutates the pod about to be created, in place. */
  readonly admit = (pod: NewObject<Pod>, namespace: string): void => {
    const labels = pod.metadata.labels ?? {};
    const owner = (pod.metadata.ownerReferences ?? []).find((r) => r.controller);
    const vpa = controllingVpa(this.store, namespace, labels, owner);
    if (vpa === null) return;
    const view = toVpaPod(pod, namespace);
    const result = getContainersResourcesForPod(view, vpaSpecView(vpa), this.processor, this.limitRanges);
    // Upstream fails the webhook; with failurePolicy Ignore the pod is created unchanged.
    if (result.error !== null) return;
    const updates: string[] = [];
    // The patch writes new container objects: nothing is shared with the template it came from.
    pod.spec = { ...pod.spec, containers: pod.spec.containers.map((c) => ({ ...c })) };
    result.containers.forEach((resources, i) => {
      const container = pod.spec.containers[i];
      const requests = toPodResourceList(resources.requests);
      const limits = toPodResourceList(resources.limits);
      container.resources = { requests: { ...container.resources.requests, ...requests }, limits: { ...container.resources.limits, ...limits } };
      const set = [...namesOf(requests, "request"), ...namesOf(limits, "limit")];
      if (set.length > 0) updates.push(`container ${i}: ${set.join(", ")}`);
    });
    const annotations: Record<string, string> = { ...(pod.metadata.annotations ?? {}) };
    if (updates.length > 0) annotations[VPA_UPDATES_ANNOTATION] = `Pod resources updated by ${vpa.metadata.name}: ${updates.join("; ")}`;
    annotations[VPA_OBSERVED_CONTAINERS_ANNOTATION] = pod.spec.containers.map((c) => c.name).join(", ");
    pod.metadata.annotations = annotations;
    this.admitted++;
  };
}

/** "cpu request", "memory limit", ... for the keys a patch set (the vpaUpdates annotation's words). */
function namesOf(list: ResourceList, what: "request" | "limit"): string[] {
  return [...(list.cpu_mcores !== undefined ? [`cpu ${what}`] : []), ...(list.memory_bytes !== undefined ? [`memory ${what}`] : [])];
}
