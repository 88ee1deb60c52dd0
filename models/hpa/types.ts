/**
 * autoscaling/v2 HorizontalPodAutoscaler types as the HPA port uses them.
 *
 * Shapes follow k8s.io/api/autoscaling/v2 so ported code reads like upstream. Differences:
 * quantities are integers in milli-units with the unit last (`value_milli`), times are virtual
 * milliseconds (`lastScaleTime_ms`), and Go nil pointers are `null`. Field names that the
 * Kubernetes API itself spells with a unit (`periodSeconds`, `stabilizationWindowSeconds`) keep
 * the API spelling, as the cluster types do for probes.
 */
import type { ConditionStatus, LabelSelector } from "../cluster/types.js";
import type { Int64 } from "./int64.js";

export type MetricSourceType = "Object" | "Pods" | "Resource" | "ContainerResource" | "External";
export type MetricTargetType = "Utilization" | "Value" | "AverageValue";
/** Resource names the simulator models (core/v1 ResourceName). */
export type ResourceName = "cpu" | "memory";

/** autoscaling/v2 CrossVersionObjectReference. */
export interface CrossVersionObjectReference {
  kind: string;
  name: string;
  apiVersion: string;
}

/** autoscaling/v2 MetricTarget. A target missing its value field is a spec error upstream. */
export interface MetricTarget {
  type: MetricTargetType | "";
  /** Target for `Value` (Object, External), in milli-units. */
  value_milli: Int64 | null;
  /** Target for `AverageValue`, in milli-units per pod. */
  averageValue_milli: Int64 | null;
  /** Target for `Utilization`: integer percent of the pods' request. */
  averageUtilization_percent: number | null;
}

/** autoscaling/v2 MetricIdentifier. */
export interface MetricIdentifier {
  name: string;
  selector: LabelSelector | null;
}

export interface ObjectMetricSource {
  describedObject: CrossVersionObjectReference;
  target: MetricTarget;
  metric: MetricIdentifier;
}

export interface PodsMetricSource {
  metric: MetricIdentifier;
  target: MetricTarget;
}

export interface ResourceMetricSource {
  name: ResourceName;
  target: MetricTarget;
}

export interface ContainerResourceMetricSource {
  name: ResourceName;
  target: MetricTarget;
  container: string;
}

export interface ExternalMetricSource {
  metric: MetricIdentifier;
  target: MetricTarget;
}

/**
 * autoscaling/v2 MetricSpec. `type` is a string, not the union, because an HPA can carry a type
 * the controller does not know (it then reports InvalidMetricSourceType).
 */
export interface MetricSpec {
  type: MetricSourceType | (string & {});
  object?: ObjectMetricSource;
  pods?: PodsMetricSource;
  resource?: ResourceMetricSource;
  containerResource?: ContainerResourceMetricSource;
  external?: ExternalMetricSource;
}

export type HPAScalingPolicyType = "Pods" | "Percent";
export type ScalingPolicySelect = "Max" | "Min" | "Disabled";

export interface HPAScalingPolicy {
  type: HPAScalingPolicyType;
  value: number;
  periodSeconds: number;
}

/** autoscaling/v2 HPAScalingRules. */
export interface HPAScalingRules {
  /** null on scaleDown means "use the controller's --horizontal-pod-autoscaler-downscale-stabilization". */
  stabilizationWindowSeconds: number | null;
  selectPolicy: ScalingPolicySelect | null;
  policies: HPAScalingPolicy[] | null;
  /** Per-direction tolerance (HPAConfigurableTolerance); null = the controller's global tolerance. */
  tolerance: number | null;
}

export interface HorizontalPodAutoscalerBehavior {
  scaleUp: HPAScalingRules | null;
  scaleDown: HPAScalingRules | null;
}

export interface HorizontalPodAutoscalerSpec {
  scaleTargetRef: CrossVersionObjectReference;
  /** null = API default 1. */
  minReplicas: number | null;
  maxReplicas: number;
  metrics: MetricSpec[];
  /** null = legacy normalization (no behavior). */
  behavior: HorizontalPodAutoscalerBehavior | null;
}

export type HorizontalPodAutoscalerConditionType = "ScalingActive" | "AbleToScale" | "ScalingLimited";

export interface HorizontalPodAutoscalerCondition {
  type: HorizontalPodAutoscalerConditionType | "";
  status: ConditionStatus | "";
  reason: string;
  message: string;
  lastTransitionTime_ms: number;
}

/** autoscaling/v2 MetricValueStatus. */
export interface MetricValueStatus {
  value_milli?: Int64;
  averageValue_milli?: Int64;
  averageUtilization_percent?: number;
}

/** autoscaling/v2 MetricStatus; `type: ""` is Go's zero value, left for a metric that failed. */
export interface MetricStatus {
  type: MetricSourceType | "";
  object?: { describedObject: CrossVersionObjectReference; metric: MetricIdentifier; current: MetricValueStatus };
  pods?: { metric: MetricIdentifier; current: MetricValueStatus };
  resource?: { name: ResourceName; current: MetricValueStatus };
  containerResource?: { name: ResourceName; container: string; current: MetricValueStatus };
  external?: { metric: MetricIdentifier; current: MetricValueStatus };
}

export interface HorizontalPodAutoscalerStatus {
  currentReplicas: number;
  desiredReplicas: number;
  lastScaleTime_ms: number | null;
  currentMetrics: MetricStatus[];
  conditions: HorizontalPodAutoscalerCondition[];
}

export interface HorizontalPodAutoscaler {
  kind: "HorizontalPodAutoscaler";
  metadata: { name: string; namespace: string };
  spec: HorizontalPodAutoscalerSpec;
  status: HorizontalPodAutoscalerStatus;
}

/** The scale subresource of the target (autoscaling/v1 Scale), as the HPA reads it. */
export interface Scale {
  specReplicas: number;
  statusReplicas: number;
}

/** horizontal.go timestampedRecommendation. */
export interface TimestampedRecommendation {
  recommendation: number;
  timestamp_ms: number;
}

/** horizontal.go timestampedScaleEvent. */
export interface TimestampedScaleEvent {
  /** Absolute value, non-negative. */
  replicaChange: number;
  timestamp_ms: number;
  outdated: boolean;
}

/** kube-controller-manager HPA flags that the decision code reads. */
export interface HorizontalControllerConfig {
  /** --horizontal-pod-autoscaler-tolerance (default 0.1). */
  tolerance: number;
  /** --horizontal-pod-autoscaler-downscale-stabilization (default 5 min). */
  downscaleStabilisationWindow_ms: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period (default 5 min). */
  cpuInitializationPeriod_ms: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay (default 30 s). */
  delayOfInitialReadinessStatus_ms: number;
  /** horizontal.go package var scaleUpLimitFactor (2.0; horizontal_test.go sets 8). */
  scaleUpLimitFactor: number;
  /** horizontal.go package var scaleUpLimitMinimum (4.0). */
  scaleUpLimitMinimum: number;
}

/** Production defaults (pkg/controller/podautoscaler/config/v1alpha1/defaults.go, horizontal.go). */
export const DEFAULT_HORIZONTAL_CONTROLLER_CONFIG: Readonly<HorizontalControllerConfig> = Object.freeze({
  tolerance: 0.1,
  downscaleStabilisationWindow_ms: 300_000,
  cpuInitializationPeriod_ms: 300_000,
  delayOfInitialReadinessStatus_ms: 30_000,
  scaleUpLimitFactor: 2,
  scaleUpLimitMinimum: 4,
});

/** Metric values that are not set (all-null target), for building specs. */
export function emptyMetricTarget(): MetricTarget {
  return { type: "", value_milli: null, averageValue_milli: null, averageUtilization_percent: null };
}
