/**
 * API defaulting for HPA behavior, as the API server applies it before the controller sees the
 * object. Port of pkg/apis/autoscaling/v2/defaults.go.
 */
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "./types.js";

// pkg/apis/autoscaling/v2/defaults.go defaultHPAScaleUpRules
function defaultHPAScaleUpRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: 0,
    selectPolicy: "Max",
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
    tolerance: null,
  };
}

// pkg/apis/autoscaling/v2/defaults.go defaultHPAScaleDownRules. The window stays null so the
// controller can fill it from --horizontal-pod-autoscaler-downscale-stabilization.
function defaultHPAScaleDownRules(): HPAScalingRules {
  return {
    stabilizationWindowSeconds: null,
    selectPolicy: "Max",
    policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
    tolerance: null,
  };
}

/** Port of defaults.go copyHPAScalingRules: copies every non-null field of `from` onto `to`. */
export function copyHPAScalingRules(from: HPAScalingRules | null, to: HPAScalingRules): HPAScalingRules {
  if (from === null) return to;
  return {
    selectPolicy: from.selectPolicy ?? to.selectPolicy,
    stabilizationWindowSeconds: from.stabilizationWindowSeconds ?? to.stabilizationWindowSeconds,
    policies: from.policies ?? to.policies,
    tolerance: from.tolerance ?? to.tolerance,
  };
}

/** Port of defaults.go GenerateHPAScaleUpRules. */
export function generateHPAScaleUpRules(rules: HPAScalingRules | null): HPAScalingRules {
  return copyHPAScalingRules(rules, defaultHPAScaleUpRules());
}

/** Port of defaults.go GenerateHPAScaleDownRules. */
export function generateHPAScaleDownRules(rules: HPAScalingRules | null): HPAScalingRules {
  return copyHPAScalingRules(rules, defaultHPAScaleDownRules());
}

/**
 * Port of defaults.go SetDefaults_HorizontalPodAutoscalerBehavior: fills rules only when a
 * behavior is set (null stays null, meaning legacy normalization).
 */
export function setDefaultsHorizontalPodAutoscalerBehavior(
  behavior: HorizontalPodAutoscalerBehavior | null,
): HorizontalPodAutoscalerBehavior | null {
  if (behavior === null) return null;
  return {
    scaleUp: generateHPAScaleUpRules(behavior.scaleUp),
    scaleDown: generateHPAScaleDownRules(behavior.scaleDown),
  };
}
