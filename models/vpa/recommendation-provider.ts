/**
 * What requests and limits a new pod gets: the admission controller's recommendation provider.
 * Ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/admission-controller/resource/
 * pod/recommendation/recommendation_provider.go (VPA 1.8).
 */
import { getContainerControlledValues, getRecommendationForContainer } from "./api.js";
import { containerRequestsAndLimits, type LimitRangeCalculator, type RecommendationProcessor } from "./capping.js";
import { getProportionalLimit } from "./limit-and-request-scaling.js";
import type { ContainerToAnnotationsMap, LimitRangeItem, PodResourcePolicy, RecommendedPodResources, ResourceList, VpaPod, VpaSpecView } from "./types.js";

/** vpa_api_util.ContainerResources; null = not set. */
export interface ContainerResources {
  requests: ResourceList | null;
  limits: ResourceList | null;
}

/**
 * GetContainersResources: per pod container, the recommended target as requests and (under
 * RequestsAndLimits) limits scaled to keep the original limit/request ratio. With addAll, the
 * container's own requests and limits fill what the recommendation leaves unset.
 */
export function getContainersResources(
  pod: VpaPod,
  vpaResourcePolicy: PodResourcePolicy | null,
  podRecommendation: RecommendedPodResources,
  limitRange: LimitRangeItem | null,
  addAll: boolean,
  annotations: ContainerToAnnotationsMap,
): ContainerResources[] {
  return pod.containers.map((container) => {
    const resources: ContainerResources = { requests: null, limits: null };
    const { requests: containerRequests, limits: containerLimits } = containerRequestsAndLimits(container.name, pod);
    const recommendation = getRecommendationForContainer(container.name, podRecommendation);
    if (recommendation === null) {
      if (!addAll) return resources; // No recommendation: the container is left alone.
      resources.requests = containerRequests;
    } else {
      resources.requests = recommendation.target;
    }
    const defaultLimit = limitRange?.default ?? {};
    if (getContainerControlledValues(container.name, vpaResourcePolicy) === "RequestsAndLimits") {
      const proportional = getProportionalLimit(containerLimits, containerRequests, resources.requests, defaultLimit);
      if (proportional.limits !== null) {
        resources.limits = proportional.limits;
        if (proportional.annotations.length > 0) annotations[container.name] = [...(annotations[container.name] ?? []), ...proportional.annotations];
      }
    }
    if (addAll) {
      const requests: ResourceList = { ...(resources.requests ?? {}) };
      const limits: ResourceList = { ...(resources.limits ?? {}) };
      for (const name of ["cpu", "memory"]) {
        if (!(name in requests) && containerRequests?.[name] !== undefined) requests[name] = containerRequests[name];
        if (!(name in limits) && containerLimits?.[name] !== undefined) limits[name] = containerLimits[name];
      }
      resources.requests = requests;
      resources.limits = limits;
    }
    return resources;
  });
}

/** ContainerResources.RemoveEmptyResourceKeyIfAny. */
function removeEmptyResourceKeyIfAny(cr: ContainerResources): ContainerResources {
  const drop = (list: ResourceList | null): ResourceList | null => {
    if (list === null || !("" in list)) return list;
    const { "": _empty, ...rest } = list;
    return rest;
  };
  return { requests: drop(cr.requests), limits: drop(cr.limits) };
}

/**
 * recommendationProvider.GetContainersResourcesForPod: the capped recommendation applied to the
 * pod's containers. An error (a failed LimitRange lookup, a processor error) is returned as such.
 */
export function getContainersResourcesForPod(
  pod: VpaPod,
  vpa: VpaSpecView,
  recommendationProcessor: RecommendationProcessor,
  limitsRangeCalculator: LimitRangeCalculator,
): { containers: ContainerResources[]; annotations: ContainerToAnnotationsMap; error: null } | { error: string } {
  let annotations: ContainerToAnnotationsMap = {};
  let recommended: RecommendedPodResources = { containerRecommendations: [] };
  if (vpa.recommendation !== null) {
    const processed = recommendationProcessor(vpa, pod);
    if (processed.error !== null) return { error: processed.error };
    recommended = processed.recommendation ?? { containerRecommendations: [] };
    annotations = processed.annotations ?? {};
  }
  const containerLimitRange = limitsRangeCalculator.getContainerLimitRangeItem(pod.namespace);
  if (containerLimitRange.error !== null) return { error: `error getting containerLimitRange: ${containerLimitRange.error}` };
  // With updateMode Off the resource policy (controlledValues) is not applied.
  const resourcePolicy = vpa.updatePolicy?.updateMode === "Off" ? null : vpa.resourcePolicy;
  const containers = getContainersResources(pod, resourcePolicy, recommended, containerLimitRange.item, false, annotations).map(removeEmptyResourceKeyIfAny);
  return { containers, annotations, error: null };
}
