/**
 * Per-container sample intake of the recommender: CPU samples pass straight to the aggregate,
 * memory keeps one peak per aggregation interval, and OOMs bump memory. Ported from
 * kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/model/container.go (VPA 1.8).
 */
import type { ContainerStateAggregator, ContainerUsageSample } from "./aggregate-container-state.js";
import { goTruncateDuration } from "./go-time.js";
import { memoryAmountFromBytes, resourceAmountMax, scaleResource } from "./resource-amount.js";
import { GO_ZERO_TIME_MS, isGoZeroTime, type ResourceAmount, type ResourceName, type Resources } from "./types.js";

/** container.go ContainerState. */
export interface ContainerState {
  request: Resources;
  lastCPUSampleStart_ms: number;
  /** Peak memory usage in the current aggregation window. */
  memoryPeak: ResourceAmount;
  /** Memory bumped after an OOM in the current window. */
  oomPeak: ResourceAmount;
  /** End of the current memory aggregation window; Go zero time before the first sample. */
  windowEnd_ms: number;
  lastMemorySampleStart_ms: number;
}

/** NewContainerState. */
export function newContainerState(request: Resources): ContainerState {
  return {
    request,
    lastCPUSampleStart_ms: GO_ZERO_TIME_MS,
    memoryPeak: 0,
    oomPeak: 0,
    windowEnd_ms: GO_ZERO_TIME_MS,
    lastMemorySampleStart_ms: GO_ZERO_TIME_MS,
  };
}

/** ContainerUsageSample.isValid. */
function isValid(sample: ContainerUsageSample, expectedResource: ResourceName): boolean {
  return sample.usage >= 0 && sample.resource === expectedResource;
}

/** ContainerState.addCPUSample: discards invalid, duplicate and out-of-order samples. */
function addCPUSample(container: ContainerState, sample: ContainerUsageSample, aggregator: ContainerStateAggregator): boolean {
  if (!isValid(sample, "cpu") || !(sample.measureStart_ms > container.lastCPUSampleStart_ms)) return false;
  aggregator.addSample(sample);
  container.lastCPUSampleStart_ms = sample.measureStart_ms;
  return true;
}

/** ContainerState.GetMaxMemoryPeak. */
export function getMaxMemoryPeak(container: ContainerState): ResourceAmount {
  return resourceAmountMax(container.memoryPeak, container.oomPeak);
}

/**
 * ContainerState.addMemorySample: keeps the window's peak in the aggregate, stored at the window
 * END; a larger sample replaces the old peak (subtract, then add).
 */
function addMemorySample(container: ContainerState, sample: ContainerUsageSample, isOOM: boolean, aggregator: ContainerStateAggregator): boolean {
  const ts = sample.measureStart_ms;
  if (!isValid(sample, "memory") || (!isOOM && ts < container.lastMemorySampleStart_ms)) return false;
  container.lastMemorySampleStart_ms = ts;
  if (isGoZeroTime(container.windowEnd_ms)) container.windowEnd_ms = ts; // The first sample.
  let addNewPeak = false;
  if (ts < container.windowEnd_ms) {
    const oldMaxMem = getMaxMemoryPeak(container);
    if (oldMaxMem !== 0 && sample.usage > oldMaxMem) {
      aggregator.subtractSample({ measureStart_ms: container.windowEnd_ms, usage: oldMaxMem, resource: "memory" });
      addNewPeak = true;
    }
  } else {
    // Shift the window end by whole intervals so that it is after ts.
    const interval_ms = aggregator.getMemoryAggregationInterval_ms();
    const shift_ms = goTruncateDuration(ts - container.windowEnd_ms, interval_ms) + interval_ms;
    container.windowEnd_ms += shift_ms;
    container.memoryPeak = 0;
    container.oomPeak = 0;
    addNewPeak = true;
  }
  if (addNewPeak) {
    aggregator.addSample({ measureStart_ms: container.windowEnd_ms, usage: sample.usage, resource: "memory" });
    if (isOOM) container.oomPeak = sample.usage;
    else container.memoryPeak = sample.usage;
  }
  return true;
}

/**
 * ContainerState.RecordOOM: records max(used + 100 MiB, used × 1.2) as a memory sample, where
 * used = max(request, this window's peak). Returns an error message, or null.
 */
export function recordOOM(
  container: ContainerState,
  timestamp_ms: number,
  requestedMemory: ResourceAmount,
  aggregator: ContainerStateAggregator,
): string | null {
  // Discard old OOM events.
  if (!isGoZeroTime(container.lastMemorySampleStart_ms) && timestamp_ms < container.lastMemorySampleStart_ms - aggregator.getMemoryAggregationInterval_ms()) {
    return `OOM event will be discarded - it is too old (${timestamp_ms} ms)`;
  }
  const memoryUsed = resourceAmountMax(requestedMemory, container.memoryPeak);
  const memoryNeeded = resourceAmountMax(
    memoryUsed + memoryAmountFromBytes(aggregator.getOOMMinBumpUp()),
    scaleResource(memoryUsed, aggregator.getOOMBumpUpRatio()),
  );
  if (!addMemorySample(container, { measureStart_ms: timestamp_ms, usage: memoryNeeded, resource: "memory" }, true, aggregator)) {
    return "adding OOM sample failed";
  }
  return null;
}

/** ContainerState.AddSample. */
export function containerAddSample(container: ContainerState, sample: ContainerUsageSample, aggregator: ContainerStateAggregator): boolean {
  switch (sample.resource) {
    case "cpu":
      return addCPUSample(container, sample, aggregator);
    case "memory":
      return addMemorySample(container, sample, false, aggregator);
    default:
      return false;
  }
}
