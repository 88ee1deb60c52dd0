/**
 * The recommender's estimators, composed as upstream composes them: percentile, then safety
 * margin, then confidence multiplier, then minimum. Ported from kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/recommender/logic/estimator.go (VPA 1.8).
 */
import type { AggregateContainerState } from "./aggregate-container-state.js";
import { cpuAmountFromCores, memoryAmountFromBytes, resourceAmountMax, scaleResource } from "./resource-amount.js";
import type { ResourceAmount, Resources } from "./types.js";

/** estimator.go CPUEstimator. */
export type CPUEstimator = (s: AggregateContainerState) => ResourceAmount;
/** estimator.go MemoryEstimator. */
export type MemoryEstimator = (s: AggregateContainerState) => ResourceAmount;

/** percentileCPUEstimator: the bucket end of the CPU percentile, truncated to millicores. */
export function newPercentileCPUEstimator(percentile: number): CPUEstimator {
  return (s) => cpuAmountFromCores(s.aggregateCPUUsage.percentile(percentile));
}

/** percentileMemoryEstimator. */
export function newPercentileMemoryEstimator(percentile: number): MemoryEstimator {
  return (s) => memoryAmountFromBytes(s.aggregateMemoryPeaks.percentile(percentile));
}

/** cpuMarginEstimator: base + ScaleResource(base, marginFraction), both truncated. */
export function withCPUMargin(marginFraction: number, baseEstimator: CPUEstimator): CPUEstimator {
  return (s) => {
    const base = baseEstimator(s);
    return base + scaleResource(base, marginFraction);
  };
}

/** memoryMarginEstimator. */
export function withMemoryMargin(marginFraction: number, baseEstimator: MemoryEstimator): MemoryEstimator {
  return withCPUMargin(marginFraction, baseEstimator);
}

/**
 * getConfidence: min(history length in confidence intervals, CPU samples per minute of the
 * interval). 1.0 means a full interval of one-per-minute samples.
 */
export function getConfidence(s: AggregateContainerState, confidenceInterval_ms: number): number {
  // float64(Sub) / float64(interval); both in the same unit, the ratio is the same.
  const lifespanInDays = (s.lastSampleStart_ms - s.firstSampleStart_ms) / confidenceInterval_ms;
  const samplesAmount = s.totalSamplesCount / (confidenceInterval_ms / 60_000);
  return Math.min(lifespanInDays, samplesAmount);
}

/** cpuConfidenceMultiplier: base × (1 + multiplier/confidence)^exponent. */
export function withCPUConfidenceMultiplier(
  multiplier: number,
  exponent: number,
  baseEstimator: CPUEstimator,
  confidenceInterval_ms: number,
): CPUEstimator {
  return (s) => {
    const confidence = getConfidence(s, confidenceInterval_ms);
    const base = baseEstimator(s);
    return scaleResource(base, Math.pow(1 + multiplier / confidence, exponent));
  };
}

/** memoryConfidenceMultiplier. */
export function withMemoryConfidenceMultiplier(
  multiplier: number,
  exponent: number,
  baseEstimator: MemoryEstimator,
  confidenceInterval_ms: number,
): MemoryEstimator {
  return withCPUConfidenceMultiplier(multiplier, exponent, baseEstimator, confidenceInterval_ms);
}

/** cpuMinResourceEstimator. */
export function withCPUMinResource(minResource: ResourceAmount, baseEstimator: CPUEstimator): CPUEstimator {
  return (s) => resourceAmountMax(baseEstimator(s), minResource);
}

/** memoryMinResourceEstimator. */
export function withMemoryMinResource(minResource: ResourceAmount, baseEstimator: MemoryEstimator): MemoryEstimator {
  return withCPUMinResource(minResource, baseEstimator);
}

/** NewConstCPUEstimator. */
export function newConstCPUEstimator(cpu: ResourceAmount): CPUEstimator {
  return () => cpu;
}

/** NewConstMemoryEstimator. */
export function newConstMemoryEstimator(memory: ResourceAmount): MemoryEstimator {
  return () => memory;
}

/** combinedEstimator.GetResourceEstimation. */
export function getResourceEstimation(cpu: CPUEstimator, memory: MemoryEstimator, s: AggregateContainerState): Resources {
  return { cpu: cpu(s), memory: memory(s) };
}
