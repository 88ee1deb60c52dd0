/**
 * Capping of recommendations: the recommender-side policy cap (ApplyVPAPolicy) and the
 * updater/admission-side processor (LimitRanges, min/maxAllowed, container limits). Ported from
 * kubernetes/autoscaler vertical-pod-autoscaler/pkg/utils/vpa/capping.go (VPA 1.8).
 */
import { getContainerControlledValues, getContainerResourcePolicy } from "./api.js";
import { getBoundaryRequest, getProportionalResourceLimit, scaleQuantityProportionallyCPU, scaleQuantityProportionallyMem } from "./limit-and-request-scaling.js";
import { copyResourceList, quantityCmp, resourceNames } from "./quantity.js";
import type {
  ContainerResourcePolicy,
  ContainerToAnnotationsMap,
  LimitRangeItem,
  PodResourcePolicy,
  Quantity,
  RecommendedContainerResources,
  RecommendedPodResources,
  ResourceList,
  VpaContainer,
  VpaPod,
  VpaSpecView,
} from "./types.js";

/** capping.go cappingAction values. */
const CAPPED_TO_MIN_ALLOWED = "capped to minAllowed";
const CAPPED_TO_MAX_ALLOWED = "capped to maxAllowed";
const CAPPED_TO_LIMIT = "capped to container limit";
const CAPPED_PROPORTIONALLY_TO_MAX_LIMIT = "capped to fit Max in container LimitRange";
const CAPPED_PROPORTIONALLY_TO_MIN_LIMIT = "capped to fit Min in container LimitRange";

function toCappingAnnotation(resourceName: string, action: string): string {
  return `${resourceName} ${action}`;
}

/** limitrange.LimitRangeCalculator: the namespace's merged LimitRange items, or an error. */
export interface LimitRangeCalculator {
  getContainerLimitRangeItem(namespace: string): { item: LimitRangeItem | null; error: string | null };
  getPodLimitRangeItem(namespace: string): { item: LimitRangeItem | null; error: string | null };
}

/** limitrange.NewNoopLimitsCalculator. */
export const NOOP_LIMITS_CALCULATOR: LimitRangeCalculator = Object.freeze({
  getContainerLimitRangeItem: () => ({ item: null, error: null }),
  getPodLimitRangeItem: () => ({ item: null, error: null }),
});

/** RecommendationProcessor.Apply's result. */
export type ProcessedRecommendation =
  | { recommendation: RecommendedPodResources | null; annotations: ContainerToAnnotationsMap | null; error: null }
  | { recommendation: null; annotations: null; error: string };

/** api.RecommendationProcessor. */
export type RecommendationProcessor = (vpa: VpaSpecView, pod: VpaPod) => ProcessedRecommendation;

/** resourcehelpers.ContainerRequestsAndLimits: containerStatus resources (in-place) win wholesale. */
export function containerRequestsAndLimits(containerName: string, pod: VpaPod): { requests: ResourceList | null; limits: ResourceList | null } {
  const cs = pod.containerStatuses.find((s) => s.name === containerName);
  if (cs !== undefined && cs.resources !== null) return { requests: { ...cs.resources.requests }, limits: { ...cs.resources.limits } };
  const container = pod.containers.find((c) => c.name === containerName);
  if (container !== undefined) return { requests: { ...container.requests }, limits: { ...container.limits } };
  return { requests: null, limits: null };
}

function copyRecommendation(r: RecommendedContainerResources): RecommendedContainerResources {
  return {
    containerName: r.containerName,
    target: copyResourceList(r.target),
    lowerBound: copyResourceList(r.lowerBound),
    upperBound: copyResourceList(r.upperBound),
    uncappedTarget: copyResourceList(r.uncappedTarget),
  };
}

/** NewCappingRecommendationProcessor(...).Apply. */
export function newCappingRecommendationProcessor(limitsRangeCalculator: LimitRangeCalculator): RecommendationProcessor {
  return (vpa, pod) => {
    const policy = vpa.resourcePolicy;
    let podRecommendation = vpa.recommendation;
    if (podRecommendation === null && policy === null) return { recommendation: null, annotations: null, error: null };
    if (podRecommendation === null) podRecommendation = { containerRecommendations: [] };
    const updatedRecommendations: RecommendedContainerResources[] = [];
    const containerToAnnotationsMap: ContainerToAnnotationsMap = {};
    const limitAdjusted = capProportionallyToPodLimitRange(limitsRangeCalculator, podRecommendation.containerRecommendations, pod);
    if ("error" in limitAdjusted) return { recommendation: null, annotations: null, error: limitAdjusted.error };
    for (const containerRecommendation of limitAdjusted.recommendations) {
      const container = pod.containers.find((c) => c.name === containerRecommendation.containerName);
      if (container === undefined) continue; // No matching container for the recommendation.
      // Upstream logs a failed LimitRange lookup here and goes on without one.
      const containerLimitRange = limitsRangeCalculator.getContainerLimitRangeItem(pod.namespace).item;
      const capped = getCappedRecommendationForContainer(pod, container, containerRecommendation, policy, containerLimitRange);
      if (capped.annotations.length !== 0) containerToAnnotationsMap[containerRecommendation.containerName] = capped.annotations;
      updatedRecommendations.push(capped.recommendation);
    }
    return { recommendation: { containerRecommendations: updatedRecommendations }, annotations: containerToAnnotationsMap, error: null };
  };
}

/**
 * getCappedRecommendationForContainer: per bound, container LimitRange, then min/maxAllowed,
 * then (RequestsOnly) the container limit. Only the target's cappings are annotated.
 */
export function getCappedRecommendationForContainer(
  pod: VpaPod,
  container: VpaContainer,
  containerRecommendation: RecommendedContainerResources,
  policy: PodResourcePolicy | null,
  limitRange: LimitRangeItem | null,
): { recommendation: RecommendedContainerResources; annotations: string[] } {
  const containerPolicy = getContainerResourcePolicy(container.name, policy);
  const containerControlledValues = getContainerControlledValues(container.name, policy);
  const capped = copyRecommendation(containerRecommendation);
  const cappingAnnotations: string[] = [];
  const process = (recommendation: ResourceList | null, genAnnotations: boolean): void => {
    if (recommendation === null) return; // Ranging over a nil map does nothing.
    const { requests, limits } = containerRequestsAndLimits(container.name, pod);
    const limitAnnotations = applyContainerLimitRange(recommendation, requests, limits, limitRange);
    const annotations = applyVPAPolicyToResourceList(recommendation, containerPolicy);
    if (genAnnotations) cappingAnnotations.push(...limitAnnotations, ...annotations);
    if (containerControlledValues === "RequestsOnly") {
      const limitCapped = capRecommendationToContainerLimit(recommendation, limits);
      if (genAnnotations) cappingAnnotations.push(...limitCapped);
    }
  };
  process(capped.target, true);
  process(capped.lowerBound, false);
  process(capped.upperBound, false);
  return { recommendation: capped, annotations: cappingAnnotations };
}

/** capRecommendationToContainerLimit (MilliValue comparison). */
function capRecommendationToContainerLimit(recommendation: ResourceList, containerLimits: ResourceList | null): string[] {
  const annotations: string[] = [];
  for (const resourceName of resourceNames(containerLimits)) {
    const limit = containerLimits![resourceName];
    const recommended = recommendation[resourceName];
    if (recommended !== undefined && recommended > limit) {
      recommendation[resourceName] = limit;
      annotations.push(toCappingAnnotation(resourceName, CAPPED_TO_LIMIT));
    }
  }
  return annotations;
}

/** capping.go applyVPAPolicy (lower-case): minAllowed, then maxAllowed, per resource. */
function applyVPAPolicyToResourceList(recommendation: ResourceList, policy: ContainerResourcePolicy | null): string[] {
  if (policy === null) return [];
  const annotations: string[] = [];
  for (const resourceName of resourceNames(recommendation)) {
    const min = maybeCapToMin(recommendation[resourceName], resourceName, policy.minAllowed);
    recommendation[resourceName] = min.quantity;
    if (min.capped) annotations.push(toCappingAnnotation(resourceName, CAPPED_TO_MIN_ALLOWED));
    const max = maybeCapToMax(min.quantity, resourceName, policy.maxAllowed);
    recommendation[resourceName] = max.quantity;
    if (max.capped) annotations.push(toCappingAnnotation(resourceName, CAPPED_TO_MAX_ALLOWED));
  }
  return annotations;
}

/** maybeCapToMax: a zero maximum means no maximum. */
function maybeCapToMax(recommended: Quantity, resourceName: string, maxAllowed: ResourceList | null): { quantity: Quantity; capped: boolean } {
  const maxResource = maxAllowed?.[resourceName];
  if (maxResource !== undefined && maxResource !== 0n && quantityCmp(recommended, maxResource) > 0) return { quantity: maxResource, capped: true };
  return { quantity: recommended, capped: false };
}

/** maybeCapToMin: a zero minimum means no minimum. */
function maybeCapToMin(recommended: Quantity, resourceName: string, minAllowed: ResourceList | null): { quantity: Quantity; capped: boolean } {
  const minResource = minAllowed?.[resourceName];
  if (minResource !== undefined && minResource !== 0n && quantityCmp(recommended, minResource) < 0) return { quantity: minResource, capped: true };
  return { quantity: recommended, capped: false };
}

/**
 * applyVPAPolicyForContainer: min/maxAllowed on all three bounds (never uncappedTarget). The
 * VPA's maxAllowed wins per resource; globalMaxAllowed fills the resources it leaves unset.
 */
function applyVPAPolicyForContainer(
  containerName: string,
  containerRecommendation: RecommendedContainerResources,
  policy: PodResourcePolicy | null,
  globalMaxAllowed: ResourceList | null,
): RecommendedContainerResources {
  const capped = copyRecommendation(containerRecommendation);
  const containerPolicy = getContainerResourcePolicy(containerName, policy);
  const minAllowed = containerPolicy?.minAllowed ?? null;
  let maxAllowed = copyResourceList(containerPolicy?.maxAllowed ?? null);
  if (maxAllowed === null) {
    maxAllowed = globalMaxAllowed;
  } else {
    for (const resourceName of resourceNames(globalMaxAllowed)) {
      if (!(resourceName in maxAllowed)) maxAllowed[resourceName] = globalMaxAllowed![resourceName];
    }
  }
  const process = (recommendation: ResourceList | null): void => {
    for (const resourceName of resourceNames(recommendation)) {
      if (minAllowed !== null) recommendation![resourceName] = maybeCapToMin(recommendation![resourceName], resourceName, minAllowed).quantity;
      if (maxAllowed !== null) recommendation![resourceName] = maybeCapToMax(recommendation![resourceName], resourceName, maxAllowed).quantity;
    }
  };
  process(capped.target);
  process(capped.lowerBound);
  process(capped.upperBound);
  return capped;
}

/** ApplyVPAPolicy: the recommender's post-processor (cappingPostProcessor.Process). */
export function applyVPAPolicy(
  podRecommendation: RecommendedPodResources | null,
  policy: PodResourcePolicy | null,
  globalMaxAllowed: ResourceList | null,
): RecommendedPodResources | null {
  if (podRecommendation === null) return null;
  return {
    containerRecommendations: podRecommendation.containerRecommendations.map((r) =>
      applyVPAPolicyForContainer(r.containerName, r, policy, globalMaxAllowed),
    ),
  };
}

/** applyContainerLimitRange: the LimitRange's min/max turned into request bounds. */
function applyContainerLimitRange(
  recommendation: ResourceList,
  containerRequests: ResourceList | null,
  containerLimits: ResourceList | null,
  limitRange: LimitRangeItem | null,
): string[] {
  const annotations: string[] = [];
  if (limitRange === null) return annotations;
  const maxAllowedRecommendation = getMaxAllowedRecommendation(containerRequests, containerLimits, limitRange);
  const minAllowedRecommendation = getMinAllowedRecommendation(containerRequests, containerLimits, limitRange);
  for (const resourceName of resourceNames(recommendation)) {
    const min = maybeCapToMin(recommendation[resourceName], resourceName, minAllowedRecommendation);
    recommendation[resourceName] = min.quantity;
    if (min.capped) annotations.push(toCappingAnnotation(resourceName, CAPPED_PROPORTIONALLY_TO_MIN_LIMIT));
    const max = maybeCapToMax(min.quantity, resourceName, maxAllowedRecommendation);
    recommendation[resourceName] = max.quantity;
    if (max.capped) annotations.push(toCappingAnnotation(resourceName, CAPPED_PROPORTIONALLY_TO_MAX_LIMIT));
  }
  return annotations;
}

/** getMaxAllowedRecommendation. */
function getMaxAllowedRecommendation(requests: ResourceList | null, limits: ResourceList | null, limitRange: LimitRangeItem): ResourceList {
  return getBoundaryRecommendation(requests, limits, limitRange.max, limitRange.default);
}

/** getMinAllowedRecommendation: the larger of the ratio-kept min and the LimitRange min itself. */
function getMinAllowedRecommendation(requests: ResourceList | null, limits: ResourceList | null, limitRange: LimitRangeItem): ResourceList {
  const minForLimit = getBoundaryRecommendation(requests, limits, limitRange.min, limitRange.default);
  const minForRequest = limitRange.min;
  if (minForRequest === null) return minForLimit;
  const result = minForLimit;
  // ResourceList.Cpu()/Memory() are zero when absent; getBoundaryRecommendation may be empty.
  for (const name of ["cpu", "memory"]) {
    const forRequest = minForRequest[name] ?? 0n;
    if (quantityCmp(forRequest, minForLimit[name] ?? 0n) > 0) result[name] = forRequest;
  }
  return result;
}

/** getBoundaryRecommendation. */
function getBoundaryRecommendation(
  requests: ResourceList | null,
  limits: ResourceList | null,
  boundaryLimit: ResourceList | null,
  defaultLimit: ResourceList | null,
): ResourceList {
  if (boundaryLimit === null) return {};
  const q = (list: ResourceList | null, name: string): Quantity => list?.[name] ?? 0n;
  return {
    cpu: getBoundaryRequest("cpu", q(requests, "cpu"), q(limits, "cpu"), q(boundaryLimit, "cpu"), q(defaultLimit, "cpu")),
    memory: getBoundaryRequest("memory", q(requests, "memory"), q(limits, "memory"), q(boundaryLimit, "memory"), q(defaultLimit, "memory")),
  };
}

type FieldName = "target" | "upperBound" | "lowerBound";

/**
 * applyPodLimitRange: scales one bound of all containers so that the pod's total fits the Pod
 * LimitRange's min and max for one resource.
 */
function applyPodLimitRange(
  resources: RecommendedContainerResources[],
  pod: VpaPod,
  limitRange: LimitRangeItem,
  resourceName: "cpu" | "memory",
  field: FieldName,
): RecommendedContainerResources[] {
  const minLimit = limitRange.min?.[resourceName] ?? 0n;
  const maxLimit = limitRange.max?.[resourceName] ?? 0n;
  const defaultLimit = limitRange.default?.[resourceName] ?? 0n;
  const zipped = pod.containers.map((container) => ({
    container,
    recommendation: resources.find((r) => r.containerName === container.name) ?? null,
  }));
  let sumLimit = 0n;
  let sumRecommendation = 0n;
  for (const { container, recommendation: rec } of zipped) {
    const { requests, limits } = containerRequestsAndLimits(container.name, pod);
    const limit = limits?.[resourceName] ?? 0n;
    const request = requests?.[resourceName] ?? 0n;
    const recommendation = rec === null ? request : (rec[field]?.[resourceName] ?? 0n);
    const containerLimit = getProportionalResourceLimit(resourceName, limit, request, recommendation, defaultLimit).limit;
    if (containerLimit !== null) sumLimit += containerLimit;
    sumRecommendation += recommendation;
  }
  if (minLimit <= sumLimit && minLimit <= sumRecommendation && (maxLimit === 0n || maxLimit >= sumLimit)) return resources;
  const set = (rec: RecommendedContainerResources, value: Quantity): void => {
    const list = rec[field];
    if (list === null) throw new TypeError(`assignment to entry in nil map (${field} of ${rec.containerName})`);
    list[resourceName] = value;
  };
  if (minLimit > sumRecommendation && sumLimit !== 0n) {
    for (const { recommendation: rec } of zipped) {
      if (rec === null) continue;
      const request = rec[field]?.[resourceName] ?? 0n;
      set(
        rec,
        resourceName === "memory"
          ? scaleQuantityProportionallyMem(request, sumRecommendation, minLimit, "roundUpToFullUnit").result
          : scaleQuantityProportionallyCPU(request, sumRecommendation, minLimit, "roundUpToFullUnit").result,
      );
    }
    return resources;
  }
  if (sumLimit === 0n) return resources;
  let targetTotalLimit = 0n;
  if (minLimit > sumLimit) targetTotalLimit = minLimit;
  if (maxLimit !== 0n && maxLimit < sumLimit) targetTotalLimit = maxLimit;
  for (const { recommendation: rec } of zipped) {
    // Upstream dereferences the missing recommendation of a container here and panics; such a
    // container cannot occur after insertRequestsForMissingRecommendations unless it has no
    // requests, and it is skipped.
    if (rec === null) continue;
    const limit = rec[field]?.[resourceName] ?? 0n;
    set(
      rec,
      resourceName === "memory"
        ? scaleQuantityProportionallyMem(limit, sumLimit, targetTotalLimit, "roundDownToFullUnit").result
        : scaleQuantityProportionallyCPU(limit, sumLimit, targetTotalLimit, "roundDownToFullUnit").result,
    );
  }
  return resources;
}

/** insertRequestsForMissingRecommendations: containers without one get their requests as target. */
function insertRequestsForMissingRecommendations(containerRecommendations: RecommendedContainerResources[], pod: VpaPod): RecommendedContainerResources[] {
  const result = containerRecommendations.map(copyRecommendation);
  for (const container of pod.containers) {
    if (containerRecommendations.some((r) => r.containerName === container.name)) continue;
    const { requests } = containerRequestsAndLimits(container.name, pod);
    if (requests === null || Object.keys(requests).length === 0) continue;
    result.push({ containerName: container.name, target: requests, lowerBound: null, upperBound: null, uncappedTarget: null });
  }
  return result;
}

/** cappingRecommendationProcessor.capProportionallyToPodLimitRange. */
function capProportionallyToPodLimitRange(
  limitsRangeCalculator: LimitRangeCalculator,
  containerRecommendations: RecommendedContainerResources[],
  pod: VpaPod,
): { recommendations: RecommendedContainerResources[] } | { error: string } {
  const { item: podLimitRange, error } = limitsRangeCalculator.getPodLimitRangeItem(pod.namespace);
  if (error !== null) return { error: `error obtaining limit range: ${error}` };
  if (podLimitRange === null) return { recommendations: containerRecommendations };
  let recs = insertRequestsForMissingRecommendations(containerRecommendations, pod);
  for (const field of ["upperBound", "target", "lowerBound"] as const) {
    recs = applyPodLimitRange(recs, pod, podLimitRange, "cpu", field);
    recs = applyPodLimitRange(recs, pod, podLimitRange, "memory", field);
  }
  return { recommendations: recs };
}

