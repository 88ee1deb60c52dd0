/**
 * KEDA (kedacore/keda 2.x, apis/keda/v1alpha1) ScaledObject shapes as plain data, as the pure
 * functions of models/keda/ read them. Times are Unix seconds; null = Go's zero time / a nil pointer.
 */
import type { HPAScalingRules } from "../hpa/types.js";
import type { JobSpec } from "../job/types.js";
import type { ScalingStrategy } from "./scaled-job.js";

/** advanced.horizontalPodAutoscalerConfig.behavior as written (before API-server defaulting): only the fields given. */
export interface HpaBehaviorConfig {
  scaleUp?: Partial<HPAScalingRules>;
  scaleDown?: Partial<HPAScalingRules>;
}

/** A trigger of spec.triggers: `metadata` holds the strings exactly as written in the manifest. */
export interface ScaleTriggers {
  type: string;
  name?: string;
  /** "AverageValue" (default), "Value", or for cpu/memory "Utilization". */
  metricType?: string;
  metadata: Record<string, string>;
  /** Resolved TriggerAuthentication parameters (address, host, port, ...). */
  authParams?: Record<string, string>;
}

/** spec.fallback (fallback_types.go). */
export interface Fallback {
  failureThreshold: number;
  replicas: number;
  /** "static" (default), "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower". */
  behavior?: string;
}

export interface ScaledObjectSpec {
  scaleTargetRef: { name: string; kind?: string; apiVersion?: string };
  pollingInterval?: number;
  cooldownPeriod?: number;
  initialCooldownPeriod?: number;
  idleReplicaCount?: number;
  minReplicaCount?: number;
  maxReplicaCount?: number;
  fallback?: Fallback;
  advanced?: { horizontalPodAutoscalerConfig?: { name?: string; behavior?: HpaBehaviorConfig } };
  triggers: ScaleTriggers[];
}

/** keda.sh/v1alpha1 ScaledJobSpec (scaledjob_types.go), with KEDA's defaults applied. */
export interface ScaledJobSpec {
  /** The Job each scale-out creates. */
  jobTargetRef: JobSpec;
  pollingInterval: number;
  successfulJobsHistoryLimit: number;
  failedJobsHistoryLimit: number;
  minReplicaCount: number;
  maxReplicaCount: number;
  scalingStrategy: ScalingStrategy;
  triggers: ScaleTriggers[];
}

export interface ScaledObject {
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string> | null;
  /** Unix seconds; null = zero time. */
  creationTimestamp: number | null;
  spec: ScaledObjectSpec;
  status: { lastActiveTime: number | null };
}

/** An External metric target as KEDA writes it (milli-units). */
export type ExternalTarget = { type: "AverageValue"; averageValueMilli: number } | { type: "Value"; valueMilli: number };

/** What a scaler's GetMetricSpecForScaling returns: one External metric. */
export interface ExternalMetricSpec {
  metricName: string;
  target: ExternalTarget;
}

/** GetMetricsAndActivity: the metric value in milli-units and whether the trigger is active. */
export interface MetricsAndActivity {
  metricValueMilli: number;
  isActive: boolean;
}

/** A malformed trigger or ScaledObject, as upstream's parse/validate errors. */
export class KedaConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KedaConfigError";
  }
}
