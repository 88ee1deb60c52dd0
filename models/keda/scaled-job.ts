/**
 * ScaledJob decisions, pure (kedacore/keda 2.x, main after v2.20.2):
 * pkg/scaling/scaledjob/metrics.go (CalculateQueueLengthAndMaxValue, IsScaledJobActive) and
 * pkg/scaling/executor/scale_jobs.go (getScalingDecision, the scaling strategies, createJobs'
 * count, cleanUp's history limits). The operator (operator.ts) reads the triggers, counts the
 * Jobs and creates and deletes them.
 */

export type MultipleScalersCalculation = "max" | "min" | "avg" | "sum";
export type ScalingStrategyName = "default" | "custom" | "accurate" | "eager";

export interface ScalingStrategy {
  strategy: ScalingStrategyName;
  /** custom: subtracted from the queue length. */
  customScalingQueueLengthDeduction?: number;
  /** custom: the fraction of running Jobs subtracted (a string upstream; unparsable = default strategy). */
  customScalingRunningJobPercentage?: string;
  multipleScalersCalculation: MultipleScalersCalculation;
}

export interface ScalerMetrics {
  queueLength: number;
  maxValue: number;
  isActive: boolean;
}

/**
 * metrics.go CalculateQueueLengthAndMaxValue for one trigger: the queue length is the metric's
 * value; maxValue the Jobs it asks for (queue length / the target's average value), capped at
 * maxReplicaCount; a trigger without an AverageValue target (targetAverageValue 0) asks for none.
 */
export function calculateQueueLengthAndMaxValue(metricValue: number, targetAverageValue: number, maxReplicaCount: number): ScalerMetrics & { targetAverageValue: number } {
  const maxValue = targetAverageValue !== 0 ? Math.min(metricValue / targetAverageValue, maxReplicaCount) : 0;
  return { queueLength: metricValue, maxValue, isActive: false, targetAverageValue };
}

/**
 * metrics.go IsScaledJobActive: the triggers combined by multipleScalersCalculation (max by
 * default: the active trigger with the longest queue); minReplicaCount > 0 keeps it active.
 * Returns the queue length and the Jobs asked for, both rounded up.
 */
export function isScaledJobActive(metrics: readonly ScalerMetrics[], calculation: MultipleScalersCalculation, minReplicaCount: number, maxReplicaCount: number): { isActive: boolean; queueLength: number; maxValue: number } {
  let queueLength = 0;
  let maxValue = 0;
  let isActive = false;
  switch (calculation) {
    case "min":
      for (const m of metrics) {
        if ((queueLength === 0 || m.queueLength < queueLength) && m.isActive) {
          queueLength = m.queueLength;
          maxValue = m.maxValue;
          isActive = m.isActive;
        }
      }
      break;
    case "avg": {
      let queueSum = 0;
      let maxSum = 0;
      let n = 0;
      for (const m of metrics) {
        if (!m.isActive) continue;
        queueSum += m.queueLength;
        maxSum += m.maxValue;
        isActive = true;
        n++;
      }
      if (n !== 0) {
        queueLength = queueSum / n;
        maxValue = maxSum / n;
      }
      break;
    }
    case "sum":
      for (const m of metrics) {
        if (!m.isActive) continue;
        queueLength += m.queueLength;
        maxValue += m.maxValue;
        isActive = true;
      }
      break;
    default:
      for (const m of metrics) {
        if (m.queueLength > queueLength && m.isActive) {
          queueLength = m.queueLength;
          maxValue = m.maxValue;
          isActive = m.isActive;
        }
      }
  }
  if (minReplicaCount > 0) isActive = true;
  maxValue = Math.min(maxValue, maxReplicaCount);
  return { isActive, queueLength: Math.ceil(queueLength), maxValue: Math.ceil(maxValue) };
}

/** scale_jobs.go GetEffectiveMaxScale of each strategy: [effectiveMaxScale, scaleTo]. */
export function getEffectiveMaxScale(s: ScalingStrategy, maxScale: number, runningJobCount: number, pendingJobCount: number, maxReplicaCount: number, scaleTo: number): [number, number] {
  switch (s.strategy) {
    case "custom": {
      const percentage = parseGoFloat(s.customScalingRunningJobPercentage ?? "");
      // NewScalingStrategy: an unparsable percentage falls back to the default strategy.
      if (percentage === undefined) return [maxScale - runningJobCount, scaleTo];
      const result = maxScale - (s.customScalingQueueLengthDeduction ?? 0) - Math.trunc(runningJobCount * percentage);
      return [Math.min(result, maxReplicaCount), scaleTo];
    }
    case "accurate":
      if (maxScale + runningJobCount - pendingJobCount > maxReplicaCount) return [maxReplicaCount - runningJobCount, scaleTo];
      return [maxScale - pendingJobCount, scaleTo];
    case "eager":
      return [Math.min(maxReplicaCount - runningJobCount - pendingJobCount, maxScale), maxReplicaCount];
    default:
      return [maxScale - runningJobCount, scaleTo];
  }
}

/**
 * scale_jobs.go getScalingDecision + createJobs' count: with fewer running Jobs than
 * minReplicaCount, the missing ones; else the strategy's (over the Jobs beyond the minimum).
 * Returns how many Jobs to create now (0 when inactive).
 */
export function jobsToCreate(
  s: ScalingStrategy, isActive: boolean, runningJobCount: number, pendingJobCount: number,
  queueLength: number, maxScale: number, minReplicaCount: number, maxReplicaCount: number,
): number {
  let effectiveMaxScale: number;
  let scaleTo = queueLength;
  if (runningJobCount < minReplicaCount) {
    scaleTo = effectiveMaxScale = minReplicaCount - runningJobCount;
  } else {
    [effectiveMaxScale, scaleTo] = getEffectiveMaxScale(s, maxScale, runningJobCount - minReplicaCount, pendingJobCount, maxReplicaCount, scaleTo);
  }
  if (effectiveMaxScale < 0) effectiveMaxScale = 0;
  if (!isActive || effectiveMaxScale <= 0) return 0;
  return Math.min(scaleTo, effectiveMaxScale);
}

/** strconv.ParseFloat for the decimal forms a percentage is written in; undefined when it fails. */
function parseGoFloat(text: string): number | undefined {
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text.trim()) && text.trim() === text ? Number(text) : undefined;
}

/** cleanUp's deleteJobsWithHistoryLimit: the oldest finished Jobs beyond the limit (by completion time). */
export function jobsBeyondHistoryLimit<T extends { completedAt_ms: number }>(finished: readonly T[], historyLimit: number): T[] {
  if (finished.length <= historyLimit) return [];
  const sorted = [...finished].sort((a, b) => a.completedAt_ms - b.completedAt_ms);
  return sorted.slice(0, finished.length - historyLimit);
}
