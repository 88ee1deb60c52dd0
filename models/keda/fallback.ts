/**
 * pkg/fallback/fallback.go GetMetricsWithFallback (with doFallback, validateFallback,
 * fallbackExistsInScaledObject): after failureThreshold consecutive scaler errors, the metric the
 * HPA reads is replaced by one that makes it compute fallback.replicas.
 */
import type { ExternalTarget, Fallback } from "./types.js";

export type HealthStatusValue = "Happy" | "Failing";
export interface HealthStatus {
  numberOfFailures: number;
  status: HealthStatusValue;
}

export interface FallbackInput {
  fallback: Fallback | null;
  metricName: string;
  target: ExternalTarget;
  /** The scaler's answer: a metric in milli-units, or an error message. */
  scalerResult: { metricValueMilli: number } | { error: string };
  /** status.health before this call, per metric name. */
  health: Readonly<Record<string, HealthStatus>>;
  currentReplicas: number;
  readyReplicas: number;
}

export interface FallbackResult {
  /** The metric served to the HPA, or null with `error`. */
  metricValueMilli: number | null;
  error: string | null;
  fallbackActive: boolean;
  /** This metric's new health, or null when fallback is disabled (status untouched). */
  health: HealthStatus | null;
  /** The Fallback condition's new status, or null when untouched. */
  fallbackCondition: "True" | "False" | null;
}

/** validateFallback: non-negative threshold and replicas. */
export function validateFallback(fallback: Fallback): boolean {
  return fallback.failureThreshold >= 0 && fallback.replicas >= 0;
}

/** The replica count doFallback aims at, by fallback.behavior. */
export function fallbackReplicas(fallback: Fallback, currentReplicas: number): number {
  switch (fallback.behavior ?? "static") {
    case "currentReplicas":
      return currentReplicas;
    case "currentReplicasIfHigher":
      return Math.max(currentReplicas, fallback.replicas);
    case "currentReplicasIfLower":
      return Math.min(currentReplicas, fallback.replicas);
    default:
      return fallback.replicas;
  }
}

/**
 * doFallback: AverageValue → replicas × int64(target) (the target truncated to whole units);
 * Value → replicas / readyReplicas × target, so the HPA's ratio lands on `replicas`.
 */
export function doFallback(fallback: Fallback, target: ExternalTarget, currentReplicas: number, readyReplicas: number): number {
  const replicas = fallbackReplicas(fallback, currentReplicas);
  if (target.type === "AverageValue") return Math.trunc(target.averageValueMilli / 1000) * 1000 * replicas;
  const ready = Math.max(readyReplicas, 1);
  return Math.round((replicas / ready) * target.valueMilli);
}

export function getMetricsWithFallback(input: FallbackInput): FallbackResult {
  const { fallback, metricName, scalerResult } = input;
  const untouched = (r: Partial<FallbackResult>): FallbackResult => ({
    metricValueMilli: null,
    error: null,
    fallbackActive: false,
    health: input.health[metricName] ?? null,
    fallbackCondition: null,
    ...r,
  });
  if (fallback === null) {
    return "error" in scalerResult ? untouched({ error: scalerResult.error }) : untouched({ metricValueMilli: scalerResult.metricValueMilli });
  }
  if (!validateFallback(fallback)) {
    return "error" in scalerResult ? untouched({ error: scalerResult.error }) : untouched({ metricValueMilli: scalerResult.metricValueMilli });
  }
  const prior = input.health[metricName] ?? { numberOfFailures: 0, status: "Happy" };
  const health: HealthStatus = "error" in scalerResult ? { numberOfFailures: prior.numberOfFailures + 1, status: "Failing" } : { numberOfFailures: 0, status: "Happy" };
  const all = { ...input.health, [metricName]: health };
  const exists = Object.values(all).some((h) => h.status === "Failing" && h.numberOfFailures > fallback.failureThreshold);
  const fallbackCondition = exists ? "True" : "False";
  if (!("error" in scalerResult)) return { metricValueMilli: scalerResult.metricValueMilli, error: null, fallbackActive: false, health, fallbackCondition };
  if (health.numberOfFailures > fallback.failureThreshold) {
    return { metricValueMilli: doFallback(fallback, input.target, input.currentReplicas, input.readyReplicas), error: null, fallbackActive: true, health, fallbackCondition };
  }
  return { metricValueMilli: null, error: scalerResult.error, fallbackActive: false, health, fallbackCondition };
}
