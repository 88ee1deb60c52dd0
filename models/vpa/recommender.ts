/**
 * The pod resource recommender: per container, target / lower / upper bound from the aggregate's
 * histograms, with the pod minimum split over the containers. Ported from kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/recommender/logic/recommender.go (VPA 1.8).
 */
import {
  aggregateStateByContainerName,
  getControlledResources,
  updateFromPolicy,
  type AggregateContainerState,
} from "./aggregate-container-state.js";
import { DEFAULT_AGGREGATIONS_CONFIG, type AggregationsConfig } from "./aggregations-config.js";
import { getContainerResourcePolicy } from "./api.js";
import { applyVPAPolicy } from "./capping.js";
import {
  newPercentileCPUEstimator,
  newPercentileMemoryEstimator,
  withCPUConfidenceMultiplier,
  withCPUMargin,
  withCPUMinResource,
  withMemoryConfidenceMultiplier,
  withMemoryMargin,
  withMemoryMinResource,
  type CPUEstimator,
  type MemoryEstimator,
} from "./estimator.js";
import { quantityFromResourceAmount } from "./quantity.js";
import { cpuAmountFromCores, memoryAmountFromBytes, scaleResource } from "./resource-amount.js";
import type { PodResourcePolicy, RecommendedPodResources, ResourceList, ResourceName, Resources } from "./types.js";

const DAY_MS = 86_400_000;

/** recommender.go RecommendationConfig (flags of pkg/recommender/main.go). */
export interface RecommendationConfig {
  safetyMarginFraction: number;
  podMinCPUMillicores: number;
  podMinMemoryMb: number;
  targetCPUPercentile: number;
  lowerBoundCPUPercentile: number;
  upperBoundCPUPercentile: number;
  confidenceIntervalCPU_ms: number;
  targetMemoryPercentile: number;
  lowerBoundMemoryPercentile: number;
  upperBoundMemoryPercentile: number;
  confidenceIntervalMemory_ms: number;
}

/** The recommender's flag defaults. */
export const DEFAULT_RECOMMENDATION_CONFIG: Readonly<RecommendationConfig> = Object.freeze({
  safetyMarginFraction: 0.15,
  podMinCPUMillicores: 25,
  podMinMemoryMb: 250,
  targetCPUPercentile: 0.9,
  lowerBoundCPUPercentile: 0.5,
  upperBoundCPUPercentile: 0.95,
  confidenceIntervalCPU_ms: DAY_MS,
  targetMemoryPercentile: 0.9,
  lowerBoundMemoryPercentile: 0.5,
  upperBoundMemoryPercentile: 0.95,
  confidenceIntervalMemory_ms: DAY_MS,
});

/** recommender.go RecommendedContainerResources. */
export interface RecommendedContainerResourcesModel {
  target: Resources;
  lowerBound: Resources;
  upperBound: Resources;
}

/** recommender.go RecommendedPodResources (container name → resources). */
export type RecommendedPodResourcesModel = Map<string, RecommendedContainerResourcesModel>;

/** recommender.go podResourceRecommender's estimators. */
export interface PodResourceRecommender {
  targetCPU: CPUEstimator;
  targetMemory: MemoryEstimator;
  lowerBoundCPU: CPUEstimator;
  lowerBoundMemory: MemoryEstimator;
  upperBoundCPU: CPUEstimator;
  upperBoundMemory: MemoryEstimator;
  minCPUMillicores: number;
  minMemoryMb: number;
}

/**
 * podResourceRecommender.GetRecommendedPodResources: the pod minimum is split evenly over the
 * containers and applied to all three bounds.
 */
export function getRecommendedPodResources(
  r: PodResourceRecommender,
  containerNameToAggregateStateMap: ReadonlyMap<string, AggregateContainerState>,
): RecommendedPodResourcesModel {
  const recommendation: RecommendedPodResourcesModel = new Map();
  if (containerNameToAggregateStateMap.size === 0) return recommendation;
  const fraction = 1.0 / containerNameToAggregateStateMap.size;
  const minCPU = scaleResource(cpuAmountFromCores(r.minCPUMillicores * 0.001), fraction);
  const minMemory = scaleResource(memoryAmountFromBytes(r.minMemoryMb * 1024 * 1024), fraction);
  const recommender: PodResourceRecommender = {
    targetCPU: withCPUMinResource(minCPU, r.targetCPU),
    targetMemory: withMemoryMinResource(minMemory, r.targetMemory),
    lowerBoundCPU: withCPUMinResource(minCPU, r.lowerBoundCPU),
    lowerBoundMemory: withMemoryMinResource(minMemory, r.lowerBoundMemory),
    upperBoundCPU: withCPUMinResource(minCPU, r.upperBoundCPU),
    upperBoundMemory: withMemoryMinResource(minMemory, r.upperBoundMemory),
    minCPUMillicores: r.minCPUMillicores,
    minMemoryMb: r.minMemoryMb,
  };
  for (const [containerName, state] of containerNameToAggregateStateMap) {
    recommendation.set(containerName, estimateContainerResources(recommender, state));
  }
  return recommendation;
}

/** podResourceRecommender.estimateContainerResources. */
function estimateContainerResources(r: PodResourceRecommender, s: AggregateContainerState): RecommendedContainerResourcesModel {
  const resources = getControlledResources(s);
  return {
    target: filterControlledResources({ cpu: r.targetCPU(s), memory: r.targetMemory(s) }, resources),
    lowerBound: filterControlledResources({ cpu: r.lowerBoundCPU(s), memory: r.lowerBoundMemory(s) }, resources),
    upperBound: filterControlledResources({ cpu: r.upperBoundCPU(s), memory: r.upperBoundMemory(s) }, resources),
  };
}

/** FilterControlledResources. */
export function filterControlledResources(estimation: Resources, controlledResources: readonly ResourceName[]): Resources {
  const result: Resources = {};
  for (const resource of controlledResources) {
    const value = estimation[resource];
    if (value !== undefined) result[resource] = value;
  }
  return result;
}

/**
 * CreatePodResourceRecommender: percentile → safety margin → confidence multiplier (upper ×
 * (1 + 1/confidence), lower × (1 + 0.001/confidence)^-2).
 */
export function createPodResourceRecommender(config: Readonly<RecommendationConfig>): PodResourceRecommender {
  let targetCPU = newPercentileCPUEstimator(config.targetCPUPercentile);
  let lowerBoundCPU = newPercentileCPUEstimator(config.lowerBoundCPUPercentile);
  let upperBoundCPU = newPercentileCPUEstimator(config.upperBoundCPUPercentile);
  let targetMemory = newPercentileMemoryEstimator(config.targetMemoryPercentile);
  let lowerBoundMemory = newPercentileMemoryEstimator(config.lowerBoundMemoryPercentile);
  let upperBoundMemory = newPercentileMemoryEstimator(config.upperBoundMemoryPercentile);

  targetCPU = withCPUMargin(config.safetyMarginFraction, targetCPU);
  lowerBoundCPU = withCPUMargin(config.safetyMarginFraction, lowerBoundCPU);
  upperBoundCPU = withCPUMargin(config.safetyMarginFraction, upperBoundCPU);
  targetMemory = withMemoryMargin(config.safetyMarginFraction, targetMemory);
  lowerBoundMemory = withMemoryMargin(config.safetyMarginFraction, lowerBoundMemory);
  upperBoundMemory = withMemoryMargin(config.safetyMarginFraction, upperBoundMemory);

  upperBoundCPU = withCPUConfidenceMultiplier(1.0, 1.0, upperBoundCPU, config.confidenceIntervalCPU_ms);
  upperBoundMemory = withMemoryConfidenceMultiplier(1.0, 1.0, upperBoundMemory, config.confidenceIntervalMemory_ms);
  lowerBoundCPU = withCPUConfidenceMultiplier(0.001, -2.0, lowerBoundCPU, config.confidenceIntervalCPU_ms);
  lowerBoundMemory = withMemoryConfidenceMultiplier(0.001, -2.0, lowerBoundMemory, config.confidenceIntervalMemory_ms);

  return {
    targetCPU,
    targetMemory,
    lowerBoundCPU,
    lowerBoundMemory,
    upperBoundCPU,
    upperBoundMemory,
    minCPUMillicores: config.podMinCPUMillicores,
    minMemoryMb: config.podMinMemoryMb,
  };
}

/** model.ResourcesAsResourceList with the default format (no rounding, no humanizing). */
function resourcesAsResourceList(resources: Resources): ResourceList {
  const result: ResourceList = {};
  for (const name of ["cpu", "memory"] as const) {
    const amount = resources[name];
    if (amount !== undefined) result[name] = quantityFromResourceAmount(name, amount);
  }
  return result;
}

/** MapToListOfRecommendedContainerResources: sorted by container name; uncapped = target. */
export function mapToListOfRecommendedContainerResources(resources: RecommendedPodResourcesModel): RecommendedPodResources {
  const names = [...resources.keys()].sort();
  return {
    containerRecommendations: names.map((name) => {
      const r = resources.get(name)!;
      return {
        containerName: name,
        target: resourcesAsResourceList(r.target),
        lowerBound: resourcesAsResourceList(r.lowerBound),
        upperBound: resourcesAsResourceList(r.upperBound),
        uncappedTarget: resourcesAsResourceList(r.target),
      };
    }),
  };
}

/**
 * routines/vpa.go GetContainerNameToAggregateStateMap: the VPA's aggregates merged per container
 * name, without containers whose policy mode is Off, each updated from its container policy.
 */
export function getContainerNameToAggregateStateMap(
  aggregates: Iterable<readonly [containerName: string, aggregate: AggregateContainerState]>,
  resourcePolicy: PodResourcePolicy | null,
  now_ms: number,
  config: Readonly<AggregationsConfig> = DEFAULT_AGGREGATIONS_CONFIG,
): Map<string, AggregateContainerState> {
  const filtered = new Map<string, AggregateContainerState>();
  for (const [containerName, state] of aggregateStateByContainerName(aggregates, now_ms, config)) {
    const containerResourcePolicy = getContainerResourcePolicy(containerName, resourcePolicy);
    if (containerResourcePolicy?.mode === "Off") continue;
    updateFromPolicy(state, containerResourcePolicy);
    filtered.set(containerName, state);
  }
  return filtered;
}

/**
 * The recommendation part of routines/recommender.go processVPAUpdate: estimate per container,
 * list it sorted by name, then the capping post-processor (ApplyVPAPolicy with the
 * --container-recommendation-max-allowed-* flags as globalMaxAllowed).
 */
export function computeVpaRecommendation(
  recommender: PodResourceRecommender,
  aggregates: Iterable<readonly [containerName: string, aggregate: AggregateContainerState]>,
  resourcePolicy: PodResourcePolicy | null,
  globalMaxAllowed: ResourceList | null,
  now_ms: number,
  config: Readonly<AggregationsConfig> = DEFAULT_AGGREGATIONS_CONFIG,
): RecommendedPodResources {
  const resources = getRecommendedPodResources(recommender, getContainerNameToAggregateStateMap(aggregates, resourcePolicy, now_ms, config));
  return applyVPAPolicy(mapToListOfRecommendedContainerResources(resources), resourcePolicy, globalMaxAllowed)!;
}
