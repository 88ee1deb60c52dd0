/**
 * kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/aggregations_config.go:
 * the recommender's aggregation defaults and histogram bucketing.
 */
import { newExponentialHistogramOptions, type HistogramOptions } from "./histogram.js";

const HOUR_MS = 3_600_000;

/** aggregations_config.go minSampleWeight: every CPU sample weighs this (VPA ≥ 1.4). */
export const MIN_SAMPLE_WEIGHT = 0.1;
/** aggregations_config.go epsilon. */
export const HISTOGRAM_EPSILON = 0.001 * MIN_SAMPLE_WEIGHT;
export const DEFAULT_MEMORY_AGGREGATION_INTERVAL_COUNT = 8;
export const DEFAULT_MEMORY_AGGREGATION_INTERVAL_MS = 24 * HOUR_MS;
/** Each bucket 5 % larger than the previous one. */
export const DEFAULT_HISTOGRAM_BUCKET_SIZE_GROWTH = 0.05;
export const DEFAULT_MEMORY_HISTOGRAM_DECAY_HALF_LIFE_MS = 24 * HOUR_MS;
export const DEFAULT_CPU_HISTOGRAM_DECAY_HALF_LIFE_MS = 24 * HOUR_MS;
/** Memory is increased by 20 % after an OOMKill. */
export const DEFAULT_OOM_BUMP_UP_RATIO = 1.2;
/** Memory is increased by at least 100 MiB after an OOMKill. */
export const DEFAULT_OOM_MIN_BUMP_UP_BYTES = 100 * 1024 * 1024;

/** aggregations_config.go AggregationsConfig. */
export interface AggregationsConfig {
  memoryAggregationInterval_ms: number;
  memoryAggregationIntervalCount: number;
  cpuHistogramOptions: HistogramOptions;
  memoryHistogramOptions: HistogramOptions;
  histogramBucketSizeGrowth: number;
  memoryHistogramDecayHalfLife_ms: number;
  cpuHistogramDecayHalfLife_ms: number;
  oomBumpUpRatio: number;
  oomMinBumpUp_bytes: number;
}

/** NewAggregationsConfig (the bucketing is fixed: CPU 0.01..1000 cores, memory 1e7..1e12 B). */
export function newAggregationsConfig(
  memoryAggregationInterval_ms: number,
  memoryAggregationIntervalCount: number,
  memoryHistogramDecayHalfLife_ms: number,
  cpuHistogramDecayHalfLife_ms: number,
  oomBumpUpRatio: number,
  oomMinBumpUp_bytes: number,
): AggregationsConfig {
  const growth = DEFAULT_HISTOGRAM_BUCKET_SIZE_GROWTH;
  return {
    memoryAggregationInterval_ms,
    memoryAggregationIntervalCount,
    histogramBucketSizeGrowth: growth,
    // AggregationsConfig.cpuHistogramOptions / memoryHistogramOptions
    cpuHistogramOptions: newExponentialHistogramOptions(1000.0, 0.01, 1 + growth, HISTOGRAM_EPSILON),
    memoryHistogramOptions: newExponentialHistogramOptions(1e12, 1e7, 1 + growth, HISTOGRAM_EPSILON),
    memoryHistogramDecayHalfLife_ms,
    cpuHistogramDecayHalfLife_ms,
    oomBumpUpRatio,
    oomMinBumpUp_bytes,
  };
}

/**
 * GetAggregationsConfig's default configuration: one shared instance, because histograms merge
 * only when their options are the same object (histogram.Merge compares them by identity).
 */
export const DEFAULT_AGGREGATIONS_CONFIG: Readonly<AggregationsConfig> = Object.freeze(
  newAggregationsConfig(
    DEFAULT_MEMORY_AGGREGATION_INTERVAL_MS,
    DEFAULT_MEMORY_AGGREGATION_INTERVAL_COUNT,
    DEFAULT_MEMORY_HISTOGRAM_DECAY_HALF_LIFE_MS,
    DEFAULT_CPU_HISTOGRAM_DECAY_HALF_LIFE_MS,
    DEFAULT_OOM_BUMP_UP_RATIO,
    DEFAULT_OOM_MIN_BUMP_UP_BYTES,
  ),
);
