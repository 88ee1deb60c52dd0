/**
 * The recommender's per-(namespace, controller, container) aggregate: decaying CPU usage and
 * memory-peak histograms plus sample bookkeeping. Ported from kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/recommender/model/aggregate_container_state.go (VPA 1.8).
 */
import { DEFAULT_AGGREGATIONS_CONFIG, MIN_SAMPLE_WEIGHT, type AggregationsConfig } from "./aggregations-config.js";
import { DecayingHistogram, type Histogram } from "./histogram.js";
import { bytesFromMemoryAmount, coresFromCPUAmount } from "./resource-amount.js";
import {
  GO_ZERO_TIME_MS,
  isGoZeroTime,
  type ContainerResourcePolicy,
  type ContainerScalingMode,
  type ResourceAmount,
  type ResourceList,
  type ResourceName,
  type UpdateMode,
} from "./types.js";

/** container.go ContainerUsageSample. */
export interface ContainerUsageSample {
  measureStart_ms: number;
  usage: ResourceAmount;
  resource: ResourceName;
}

/** aggregate_container_state.go DefaultControlledResources. */
export const DEFAULT_CONTROLLED_RESOURCES: readonly ResourceName[] = Object.freeze(["cpu", "memory"] as ResourceName[]);

/** aggregate_container_state.go AggregateContainerState. */
export interface AggregateContainerState {
  aggregateCPUUsage: Histogram;
  aggregateMemoryPeaks: Histogram;
  /** Of CPU samples only (upstream counts CPU samples for the confidence). */
  firstSampleStart_ms: number;
  lastSampleStart_ms: number;
  totalSamplesCount: number;
  creationTime_ms: number;
  lastRecommendation: ResourceList | null;
  isUnderVPA: boolean;
  updateMode: UpdateMode | null;
  scalingMode: ContainerScalingMode | null;
  oomBumpUpRatio: number;
  oomMinBumpUp_bytes: number;
  memoryAggregationInterval_ms: number;
  memoryAggregationIntervalCount: number;
  controlledResources: readonly ResourceName[] | null;
}

/** container.go ContainerStateAggregator: what a ContainerState feeds its samples into. */
export interface ContainerStateAggregator {
  addSample(sample: ContainerUsageSample): void;
  subtractSample(sample: ContainerUsageSample): void;
  getOOMBumpUpRatio(): number;
  getOOMMinBumpUp(): number;
  getMemoryAggregationInterval_ms(): number;
}

/** NewAggregateContainerState (CreationTime is time.Now() upstream; the caller passes now). */
export function newAggregateContainerState(
  creationTime_ms: number,
  config: Readonly<AggregationsConfig> = DEFAULT_AGGREGATIONS_CONFIG,
): AggregateContainerState {
  return {
    aggregateCPUUsage: new DecayingHistogram(config.cpuHistogramOptions, config.cpuHistogramDecayHalfLife_ms),
    aggregateMemoryPeaks: new DecayingHistogram(config.memoryHistogramOptions, config.memoryHistogramDecayHalfLife_ms),
    firstSampleStart_ms: GO_ZERO_TIME_MS,
    lastSampleStart_ms: GO_ZERO_TIME_MS,
    totalSamplesCount: 0,
    creationTime_ms,
    lastRecommendation: null,
    isUnderVPA: false,
    updateMode: null,
    scalingMode: null,
    oomBumpUpRatio: config.oomBumpUpRatio,
    oomMinBumpUp_bytes: config.oomMinBumpUp_bytes,
    memoryAggregationInterval_ms: config.memoryAggregationInterval_ms,
    memoryAggregationIntervalCount: config.memoryAggregationIntervalCount,
    controlledResources: null,
  };
}

/** AggregateContainerState.NeedsRecommendation. */
export function needsRecommendation(a: AggregateContainerState): boolean {
  return a.isUnderVPA && a.scalingMode !== null && a.scalingMode !== "Off";
}

/** AggregateContainerState.GetControlledResources. */
export function getControlledResources(a: AggregateContainerState): readonly ResourceName[] {
  return a.controlledResources ?? DEFAULT_CONTROLLED_RESOURCES;
}

/** AggregateContainerState.MarkNotAutoscaled. */
export function markNotAutoscaled(a: AggregateContainerState): void {
  a.isUnderVPA = false;
  a.lastRecommendation = null;
  a.updateMode = null;
  a.scalingMode = null;
  a.controlledResources = null;
}

/** AggregateContainerState.MergeContainerState. */
export function mergeContainerState(a: AggregateContainerState, other: AggregateContainerState): void {
  a.aggregateCPUUsage.merge(other.aggregateCPUUsage);
  a.aggregateMemoryPeaks.merge(other.aggregateMemoryPeaks);
  if (isGoZeroTime(a.firstSampleStart_ms) || (!isGoZeroTime(other.firstSampleStart_ms) && other.firstSampleStart_ms < a.firstSampleStart_ms)) {
    a.firstSampleStart_ms = other.firstSampleStart_ms;
  }
  if (other.lastSampleStart_ms > a.lastSampleStart_ms) a.lastSampleStart_ms = other.lastSampleStart_ms;
  a.totalSamplesCount += other.totalSamplesCount;
}

/** AggregateContainerState.AddSample: CPU in cores at weight 0.1, memory peaks in bytes at 1.0. */
export function aggregateAddSample(a: AggregateContainerState, sample: ContainerUsageSample): void {
  switch (sample.resource) {
    case "cpu":
      addCPUSample(a, sample);
      return;
    case "memory":
      a.aggregateMemoryPeaks.addSample(bytesFromMemoryAmount(sample.usage), 1.0, sample.measureStart_ms);
      return;
  }
}

/** AggregateContainerState.SubtractSample (memory only, as upstream). */
export function aggregateSubtractSample(a: AggregateContainerState, sample: ContainerUsageSample): void {
  if (sample.resource !== "memory") throw new TypeError(`SubtractSample doesn't support resource '${sample.resource}'`);
  a.aggregateMemoryPeaks.subtractSample(bytesFromMemoryAmount(sample.usage), 1.0, sample.measureStart_ms);
}

/** AggregateContainerState.addCPUSample. */
function addCPUSample(a: AggregateContainerState, sample: ContainerUsageSample): void {
  const cpuUsageCores = coresFromCPUAmount(sample.usage);
  // Since VPA 1.4 every sample weighs minSampleWeight, whatever the request.
  a.aggregateCPUUsage.addSample(cpuUsageCores, MIN_SAMPLE_WEIGHT, sample.measureStart_ms);
  if (sample.measureStart_ms > a.lastSampleStart_ms) a.lastSampleStart_ms = sample.measureStart_ms;
  if (isGoZeroTime(a.firstSampleStart_ms) || sample.measureStart_ms < a.firstSampleStart_ms) a.firstSampleStart_ms = sample.measureStart_ms;
  a.totalSamplesCount++;
}

/** AggregateContainerState.getMemoryAggregationWindowLength. */
function getMemoryAggregationWindowLength_ms(a: AggregateContainerState): number {
  return a.memoryAggregationInterval_ms * a.memoryAggregationIntervalCount;
}

/** AggregateContainerState.isExpired: no sample (or, if none, no creation) within the window. */
export function isExpired(a: AggregateContainerState, now_ms: number): boolean {
  const since = a.totalSamplesCount === 0 ? a.creationTime_ms : a.lastSampleStart_ms;
  return now_ms - since >= getMemoryAggregationWindowLength_ms(a);
}

/**
 * AggregateContainerState.UpdateFromPolicy. The per-VPA OOM and aggregation-interval overrides
 * sit behind the PerVPAConfig feature gate, off by default, so they are not read.
 */
export function updateFromPolicy(a: AggregateContainerState, resourcePolicy: ContainerResourcePolicy | null): void {
  a.scalingMode = resourcePolicy?.mode ?? "Auto";
  a.controlledResources = resourcePolicy?.controlledResources ?? DEFAULT_CONTROLLED_RESOURCES;
}

/**
 * AggregateStateByContainerName: merges aggregates into one fresh aggregate per container name.
 * Entries are merged in the order given (upstream ranges over a map; the caller sorts).
 */
export function aggregateStateByContainerName(
  aggregates: Iterable<readonly [containerName: string, aggregate: AggregateContainerState]>,
  now_ms: number,
  config: Readonly<AggregationsConfig> = DEFAULT_AGGREGATIONS_CONFIG,
): Map<string, AggregateContainerState> {
  const byName = new Map<string, AggregateContainerState>();
  for (const [containerName, aggregation] of aggregates) {
    let merged = byName.get(containerName);
    if (merged === undefined) {
      merged = newAggregateContainerState(now_ms, config);
      byName.set(containerName, merged);
    }
    mergeContainerState(merged, aggregation);
  }
  return byName;
}

/** The aggregate as a ContainerStateAggregator (what ContainerStateAggregatorProxy resolves to). */
export function aggregatorOf(a: AggregateContainerState): ContainerStateAggregator {
  return {
    addSample: (sample) => aggregateAddSample(a, sample),
    subtractSample: (sample) => aggregateSubtractSample(a, sample),
    getOOMBumpUpRatio: () => a.oomBumpUpRatio,
    getOOMMinBumpUp: () => a.oomMinBumpUp_bytes,
    getMemoryAggregationInterval_ms: () => a.memoryAggregationInterval_ms,
  };
}
