/**
 * The updater's priority: how far a pod's requests are from the recommendation, and which pods
 * to update in which order. Ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/
 * updater/priority/priority_processor.go and update_priority_calculator.go (VPA 1.8).
 */
import { getContainerResourcePolicy, getRecommendationForContainer, getUpdateMode } from "./api.js";
import { containerRequestsAndLimits, type RecommendationProcessor } from "./capping.js";
import { quantityCmp, resourceNames } from "./quantity.js";
import type { RecommendedPodResources, VpaPod, VpaSpecView } from "./types.js";

/** annotations.VpaObservedContainersLabel. */
export const VPA_OBSERVED_CONTAINERS_ANNOTATION = "vpaObservedContainers";

/** priority.PodPriority. */
export interface PodPriority {
  /** A request is outside [lowerBound, upperBound] of the recommendation. */
  outsideRecommendedRange: boolean;
  /** Some resource's recommendation is above its request. */
  scaleUp: boolean;
  /** Σ over resources of |Σ requests − Σ targets| / Σ requests. */
  resourceDiff: number;
}

/** PodPriority.Less: scale-ups rank above scale-downs, then the larger resourceDiff. */
export function podPriorityLess(p: PodPriority, other: PodPriority): boolean {
  if (p.scaleUp !== other.scaleUp) return other.scaleUp;
  return p.resourceDiff < other.resourceDiff;
}

/** validation.IsDNS1123Label. */
function isDNS1123Label(value: string): boolean {
  return value.length <= 63 && /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(value);
}

/**
 * parseVpaObservedContainers (annotations.ParseVpaObservedContainersValue): the containers the
 * admission controller saw; an unparsable annotation counts as absent.
 */
export function parseVpaObservedContainers(pod: VpaPod): { hasObservedContainers: boolean; containers: Set<string> } {
  const value = pod.annotations[VPA_OBSERVED_CONTAINERS_ANNOTATION];
  if (value === undefined) return { hasObservedContainers: false, containers: new Set() };
  if (value === "") return { hasObservedContainers: true, containers: new Set() };
  const names = value.split(", ");
  if (!names.every(isDNS1123Label)) return { hasObservedContainers: false, containers: new Set() };
  return { hasObservedContainers: true, containers: new Set(names) };
}

/** defaultPriorityProcessor.GetUpdatePriority (milli-value sums per resource). */
export function getUpdatePriority(pod: VpaPod, recommendation: RecommendedPodResources | null): PodPriority {
  let outsideRecommendedRange = false;
  let scaleUp = false;
  const totalRequestPerResource = new Map<string, bigint>();
  const totalRecommendedPerResource = new Map<string, bigint>();
  const { hasObservedContainers, containers: vpaContainerSet } = parseVpaObservedContainers(pod);
  for (const podContainer of pod.containers) {
    if (hasObservedContainers && !vpaContainerSet.has(podContainer.name)) continue;
    const recommendedRequest = getRecommendationForContainer(podContainer.name, recommendation);
    if (recommendedRequest === null) continue;
    for (const resourceName of resourceNames(recommendedRequest.target)) {
      const recommended = recommendedRequest.target![resourceName];
      totalRecommendedPerResource.set(resourceName, (totalRecommendedPerResource.get(resourceName) ?? 0n) + recommended);
      const lowerBound = recommendedRequest.lowerBound?.[resourceName];
      const upperBound = recommendedRequest.upperBound?.[resourceName];
      const request = containerRequestsAndLimits(podContainer.name, pod).requests?.[resourceName];
      if (request !== undefined) {
        totalRequestPerResource.set(resourceName, (totalRequestPerResource.get(resourceName) ?? 0n) + request);
        if (recommended > request) scaleUp = true;
        if ((lowerBound !== undefined && quantityCmp(request, lowerBound) < 0) || (upperBound !== undefined && quantityCmp(request, upperBound) > 0)) {
          outsideRecommendedRange = true;
        }
      } else {
        // Not having a request is scaling up from 0 and outside any range.
        scaleUp = true;
        outsideRecommendedRange = true;
      }
    }
  }
  let resourceDiff = 0.0;
  for (const [resource, totalRecommended] of totalRecommendedPerResource) {
    const totalRequest = Math.max(Number(totalRequestPerResource.get(resource) ?? 0n), 1.0);
    resourceDiff += Math.abs(totalRequest - Number(totalRecommended)) / totalRequest;
  }
  return { outsideRecommendedRange, scaleUp, resourceDiff };
}

/** priority.UpdateConfig. */
export interface UpdateConfig {
  minChangePriority: number;
  podLifetimeUpdateThreshold_ms: number;
  evictAfterOOMThreshold_ms: number;
}

/** The updater's flag defaults (--pod-update-threshold, lifetime threshold, evict-after-oom). */
export const DEFAULT_UPDATE_CONFIG: Readonly<UpdateConfig> = Object.freeze({
  minChangePriority: 0.1,
  podLifetimeUpdateThreshold_ms: 12 * 3_600_000,
  evictAfterOOMThreshold_ms: 600_000,
});

/** update_priority_calculator.go prioritizedPod. */
export interface PrioritizedPod {
  pod: VpaPod;
  priority: PodPriority;
  recommendation: RecommendedPodResources | null;
}

/** Why AddPod did not queue a pod (the updater's decision log uses these). */
export type AddPodSkipReason =
  | "recommendation processing failed"
  | "recommendation not lower than last infeasible attempt"
  | "missing pod start time"
  | "short-lived pod within recommended range"
  | "resource diff below threshold"
  | "quick OOM but resources would not change";

/** UpdatePriorityCalculator: collects pods to update, in priority order. */
export interface UpdatePriorityCalculator {
  vpa: VpaSpecView;
  pods: PrioritizedPod[];
  config: UpdateConfig;
  recommendationProcessor: RecommendationProcessor;
  priorityProcessor: (pod: VpaPod, recommendation: RecommendedPodResources | null) => PodPriority;
}

/** NewUpdatePriorityCalculator. */
export function newUpdatePriorityCalculator(
  vpa: VpaSpecView,
  config: UpdateConfig,
  recommendationProcessor: RecommendationProcessor,
  priorityProcessor: UpdatePriorityCalculator["priorityProcessor"] = getUpdatePriority,
): UpdatePriorityCalculator {
  return { vpa, pods: [], config, recommendationProcessor, priorityProcessor };
}

/**
 * UpdatePriorityCalculator.AddPod: queues the pod if its request is outside the recommended
 * range, it had a quick OOM with a resource change, or it lived past the lifetime threshold with
 * a large enough change. Returns why it was not queued, or null when it was.
 */
export function addPod(
  calc: UpdatePriorityCalculator,
  pod: VpaPod,
  now_ms: number,
  infeasibleAttempts: ReadonlyMap<string, RecommendedPodResources>,
): AddPodSkipReason | null {
  const processed = calc.recommendationProcessor(calc.vpa, pod);
  if (processed.error !== null) return "recommendation processing failed";
  const processedRecommendation = processed.recommendation;
  if (getUpdateMode(calc.vpa) === "InPlace") {
    const lastAttempt = infeasibleAttempts.get(pod.uid);
    if (lastAttempt !== undefined && !hasLowerResourceRecommendation(lastAttempt, processedRecommendation)) {
      return "recommendation not lower than last infeasible attempt";
    }
  }
  const { hasObservedContainers, containers: vpaContainerSet } = parseVpaObservedContainers(pod);
  const updatePriority = calc.priorityProcessor(pod, processedRecommendation);
  let quickOOM = false;
  for (const cs of pod.containerStatuses) {
    if (hasObservedContainers && !vpaContainerSet.has(cs.name)) continue;
    const crp = getContainerResourcePolicy(cs.name, calc.vpa.resourcePolicy);
    if (crp !== null && crp.mode === "Off") continue;
    const t = cs.lastTerminated;
    // getEvictOOMThreshold: the per-VPA override sits behind the PerVPAConfig gate (off).
    if (t !== null && t.reason === "OOMKilled" && t.finishedAt_ms - t.startedAt_ms < calc.config.evictAfterOOMThreshold_ms) quickOOM = true;
  }
  if (!updatePriority.outsideRecommendedRange && !quickOOM) {
    if (pod.startTime_ms === null) return "missing pod start time";
    if (now_ms < pod.startTime_ms + calc.config.podLifetimeUpdateThreshold_ms) return "short-lived pod within recommended range";
    if (updatePriority.resourceDiff < calc.config.minChangePriority) return "resource diff below threshold";
  }
  if (quickOOM && updatePriority.resourceDiff === 0) return "quick OOM but resources would not change";
  calc.pods.push({ pod, priority: updatePriority, recommendation: processedRecommendation });
  return null;
}

/** PodEvictionAdmission.Admit. */
export type PodEvictionAdmission = (pod: VpaPod, recommendation: RecommendedPodResources | null) => boolean;

/** UpdatePriorityCalculator.GetSortedPods: highest priority first (a stable sort), admitted only. */
export function getSortedPods(calc: UpdatePriorityCalculator, admission: PodEvictionAdmission): VpaPod[] {
  calc.pods.sort((a, b) => (podPriorityLess(b.priority, a.priority) ? -1 : podPriorityLess(a.priority, b.priority) ? 1 : 0));
  return calc.pods.filter((p) => admission(p.pod, p.recommendation)).map((p) => p.pod);
}

/** hasLowerResourceRecommendation: any target below the last infeasible attempt's. */
export function hasLowerResourceRecommendation(lastAttempt: RecommendedPodResources | null, newRecommendation: RecommendedPodResources | null): boolean {
  if (lastAttempt === null || newRecommendation === null) return false;
  const last = new Map(lastAttempt.containerRecommendations.map((cr) => [cr.containerName, cr]));
  for (const newCR of newRecommendation.containerRecommendations) {
    const lastCR = last.get(newCR.containerName);
    if (lastCR === undefined) continue;
    for (const resourceName of resourceNames(newCR.target)) {
      const lastTarget = lastCR.target?.[resourceName];
      if (lastTarget !== undefined && quantityCmp(newCR.target![resourceName], lastTarget) < 0) return true;
    }
  }
  return false;
}
