/**
 * The stored autoscaling.k8s.io/v1 VerticalPodAutoscaler (what the API server keeps after the CRD
 * schema and the admission controller's ValidateVPA accepted it) and the flags of the three VPA
 * components with upstream's defaults (pkg/recommender/main.go, pkg/updater/main.go,
 * pkg/admission-controller/main.go, VPA 1.8).
 */
import type { ObjectMeta } from "../cluster/types.js";
import { DEFAULT_AGGREGATIONS_CONFIG } from "./aggregations-config.js";
import { DEFAULT_EVICTION_TOLERANCE_FRACTION, DEFAULT_MIN_REPLICAS } from "./eviction-restriction.js";
import { DEFAULT_RECOMMENDATION_CONFIG } from "./recommender.js";
import type { PodResourcePolicy, PodUpdatePolicy, RecommendedPodResources, VpaSpecView } from "./types.js";
import { DEFAULT_UPDATE_CONFIG } from "./update-priority.js";

/** autoscaling/v1 CrossVersionObjectReference (spec.targetRef). */
export interface VpaTargetRef {
  apiVersion: string;
  kind: string;
  name: string;
}

/** types.go VerticalPodAutoscalerCondition. */
export interface VpaCondition {
  type: "RecommendationProvided" | "LowConfidence" | "NoPodsMatched" | "FetchingHistory" | "ConfigDeprecated" | "ConfigUnsupported";
  status: "True" | "False" | "Unknown";
  lastTransitionTime_ms: number;
  reason: string;
  message: string;
}

export interface VerticalPodAutoscalerSpec {
  targetRef: VpaTargetRef;
  /** null = not set; the admission controller's webhook patches it to {updateMode: Recreate}. */
  updatePolicy: PodUpdatePolicy | null;
  resourcePolicy: PodResourcePolicy | null;
  /** spec.recommenders[].name; empty = the default recommender. */
  recommenders: string[];
}

export interface VerticalPodAutoscalerStatus {
  recommendation: RecommendedPodResources | null;
  conditions: VpaCondition[];
}

export interface StoredVerticalPodAutoscaler {
  kind: "VerticalPodAutoscaler";
  metadata: ObjectMeta;
  spec: VerticalPodAutoscalerSpec;
  status: VerticalPodAutoscalerStatus;
}

/** The view the pure functions read (startupBoost is not loaded: its feature gate is off by default). */
export function vpaSpecView(vpa: Pick<StoredVerticalPodAutoscaler, "spec" | "status">): VpaSpecView {
  return { updatePolicy: vpa.spec.updatePolicy, resourcePolicy: vpa.spec.resourcePolicy, recommendation: vpa.status.recommendation, hasStartupBoost: false };
}

/** Every flag of the recommender, updater and admission controller that the simulation reads. */
export interface VpaConfig {
  // ---- recommender ----
  /** --recommender-interval. */
  recommenderInterval_ms: number;
  /** --recommender-name: a VPA naming other recommenders is left to them. */
  recommenderName: string;
  targetCpuPercentile: number;
  lowerBoundCpuPercentile: number;
  upperBoundCpuPercentile: number;
  targetMemoryPercentile: number;
  lowerBoundMemoryPercentile: number;
  upperBoundMemoryPercentile: number;
  /** --recommendation-margin-fraction. */
  safetyMarginFraction: number;
  /** --pod-recommendation-min-cpu-millicores. */
  podMinCpu_mcores: number;
  /** --pod-recommendation-min-memory-mb (MiB as upstream multiplies by 1024·1024). */
  podMinMemory_mb: number;
  confidenceIntervalCpu_ms: number;
  confidenceIntervalMemory_ms: number;
  memoryAggregationInterval_ms: number;
  memoryAggregationIntervalCount: number;
  cpuHistogramDecayHalfLife_ms: number;
  memoryHistogramDecayHalfLife_ms: number;
  oomBumpUpRatio: number;
  oomMinBumpUp_bytes: number;
  // ---- updater ----
  /** --updater-interval. */
  updaterInterval_ms: number;
  /** Delay to the updater's first loop (the two processes start independently). */
  updaterPhase_ms: number;
  /** --min-replicas. */
  minReplicas: number;
  /** --eviction-tolerance. */
  evictionTolerance: number;
  /** --pod-update-threshold (minChangePriority). */
  podUpdateThreshold: number;
  /** --in-recommendation-bounds-eviction-lifetime-threshold. */
  podLifetimeUpdateThreshold_ms: number;
  /** --evict-after-oom-threshold. */
  evictAfterOomThreshold_ms: number;
  // ---- feature gates (both the updater and the admission controller) ----
  /** Feature gate InPlaceOrRecreate (beta, on by default since 1.5). */
  inPlaceOrRecreate: boolean;
}

export const DEFAULT_VPA_CONFIG: Readonly<VpaConfig> = Object.freeze({
  recommenderInterval_ms: 60_000,
  recommenderName: "default",
  targetCpuPercentile: DEFAULT_RECOMMENDATION_CONFIG.targetCPUPercentile,
  lowerBoundCpuPercentile: DEFAULT_RECOMMENDATION_CONFIG.lowerBoundCPUPercentile,
  upperBoundCpuPercentile: DEFAULT_RECOMMENDATION_CONFIG.upperBoundCPUPercentile,
  targetMemoryPercentile: DEFAULT_RECOMMENDATION_CONFIG.targetMemoryPercentile,
  lowerBoundMemoryPercentile: DEFAULT_RECOMMENDATION_CONFIG.lowerBoundMemoryPercentile,
  upperBoundMemoryPercentile: DEFAULT_RECOMMENDATION_CONFIG.upperBoundMemoryPercentile,
  safetyMarginFraction: DEFAULT_RECOMMENDATION_CONFIG.safetyMarginFraction,
  podMinCpu_mcores: DEFAULT_RECOMMENDATION_CONFIG.podMinCPUMillicores,
  podMinMemory_mb: DEFAULT_RECOMMENDATION_CONFIG.podMinMemoryMb,
  confidenceIntervalCpu_ms: DEFAULT_RECOMMENDATION_CONFIG.confidenceIntervalCPU_ms,
  confidenceIntervalMemory_ms: DEFAULT_RECOMMENDATION_CONFIG.confidenceIntervalMemory_ms,
  memoryAggregationInterval_ms: DEFAULT_AGGREGATIONS_CONFIG.memoryAggregationInterval_ms,
  memoryAggregationIntervalCount: DEFAULT_AGGREGATIONS_CONFIG.memoryAggregationIntervalCount,
  cpuHistogramDecayHalfLife_ms: DEFAULT_AGGREGATIONS_CONFIG.cpuHistogramDecayHalfLife_ms,
  memoryHistogramDecayHalfLife_ms: DEFAULT_AGGREGATIONS_CONFIG.memoryHistogramDecayHalfLife_ms,
  oomBumpUpRatio: DEFAULT_AGGREGATIONS_CONFIG.oomBumpUpRatio,
  oomMinBumpUp_bytes: DEFAULT_AGGREGATIONS_CONFIG.oomMinBumpUp_bytes,
  updaterInterval_ms: 60_000,
  updaterPhase_ms: 60_000,
  minReplicas: DEFAULT_MIN_REPLICAS,
  evictionTolerance: DEFAULT_EVICTION_TOLERANCE_FRACTION,
  podUpdateThreshold: DEFAULT_UPDATE_CONFIG.minChangePriority,
  podLifetimeUpdateThreshold_ms: DEFAULT_UPDATE_CONFIG.podLifetimeUpdateThreshold_ms,
  evictAfterOomThreshold_ms: DEFAULT_UPDATE_CONFIG.evictAfterOOMThreshold_ms,
  inPlaceOrRecreate: true,
});
