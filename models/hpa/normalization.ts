/**
 * Ports of the normalization half of pkg/controller/podautoscaler/horizontal.go: recommendation
 * stabilization, scale-rate limits and scale-event bookkeeping.
 *
 * Upstream keeps the histories in controller maps and reads time.Now(); here the histories are
 * arguments and every function returns the updated copy (inputs are never mutated, and history
 * entries are replaced rather than edited, so copies may share them), with the evaluation time
 * `now_ms` passed in.
 *
 * Time windows: upstream compares with strict Before/After against `now - window`, and its clock
 * has always advanced a little since the samples were stored. So a sample counts in a window only
 * if its age is strictly below the window (age == window is outside, and age 0 with a window of
 * 0 is outside), and a sample is old once its age reaches the window. We encode exactly that.
 */
import type {
  HorizontalPodAutoscalerBehavior,
  HorizontalPodAutoscalerConditionType,
  HPAScalingRules,
  TimestampedRecommendation,
  TimestampedScaleEvent,
} from "./types.js";
import { float64ToInt32, MAX_INT32, MIN_INT32 } from "./int64.js";
import type { ConditionStatus } from "../cluster/types.js";

/** A condition change a normalization step asks the reconcile to apply (setCondition). */
export interface ConditionUpdate {
  /** "" only for Go's zero-valued condition (an HPA with no metric specs). */
  type: HorizontalPodAutoscalerConditionType | "";
  status: ConditionStatus | "";
  reason: string;
  message: string;
}

/** A sample of age `now - t` lies inside `window` iff age < window (see the module comment). */
function withinWindow(timestamp_ms: number, window_ms: number, now_ms: number): boolean {
  return now_ms - timestamp_ms < window_ms;
}

// horizontal.go stabilizeRecommendation (legacy path, no spec.behavior): the max over the
// recommendations inside the downscale window and the new one; the new one overwrites the last
// entry that fell out of the window, or is appended.
export function stabilizeRecommendation(
  recommendations: readonly TimestampedRecommendation[],
  prenormalizedDesiredReplicas: number,
  downscaleStabilisationWindow_ms: number,
  now_ms: number,
): { stabilizedReplicas: number; recommendations: TimestampedRecommendation[] } {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldSampleIndex = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i];
    if (!withinWindow(rec.timestamp_ms, downscaleStabilisationWindow_ms, now_ms)) oldSampleIndex = i;
    else if (rec.recommendation > maxRecommendation) maxRecommendation = rec.recommendation;
  }
  // Entries are replaced, never edited, so the new list may share the old one's entries.
  const updated = recommendations.slice();
  const entry = { recommendation: prenormalizedDesiredReplicas, timestamp_ms: now_ms };
  if (oldSampleIndex >= 0) updated[oldSampleIndex] = entry;
  else updated.push(entry);
  return { stabilizedReplicas: maxRecommendation, recommendations: updated };
}

/** horizontal.go NormalizationArg (without Key: histories are passed explicitly). */
export interface NormalizationArg {
  scaleUpBehavior: HPAScalingRules;
  scaleDownBehavior: HPAScalingRules;
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
}

// horizontal.go stabilizeRecommendationWithBehaviors: the scale-up limit is the min of the
// recommendations inside the up window, the scale-down limit the max inside the down window;
// the current count is brought within [upRecommendation, downRecommendation].
export function stabilizeRecommendationWithBehaviors(
  recommendations: readonly TimestampedRecommendation[],
  args: NormalizationArg,
  now_ms: number,
): { recommendation: number; reason: string; message: string; recommendations: TimestampedRecommendation[] } {
  const upWindow_ms = (args.scaleUpBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindow_ms = (args.scaleDownBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let upRecommendation = args.desiredReplicas;
  let downRecommendation = args.desiredReplicas;
  let oldSampleIndex = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const rec = recommendations[i];
    const inUp = withinWindow(rec.timestamp_ms, upWindow_ms, now_ms);
    const inDown = withinWindow(rec.timestamp_ms, downWindow_ms, now_ms);
    if (inUp) upRecommendation = Math.min(rec.recommendation, upRecommendation);
    if (inDown) downRecommendation = Math.max(rec.recommendation, downRecommendation);
    if (!inUp && !inDown) oldSampleIndex = i;
  }

  // Bring the recommendation within the upper and lower limits (stabilize).
  let recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;

  // Record the unstabilized recommendation (entries are replaced, never edited).
  const updated = recommendations.slice();
  const entry = { recommendation: args.desiredReplicas, timestamp_ms: now_ms };
  if (oldSampleIndex >= 0) updated[oldSampleIndex] = entry;
  else updated.push(entry);

  if (args.desiredReplicas >= args.currentReplicas) {
    return {
      recommendation,
      reason: "ScaleUpStabilized",
      message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
      recommendations: updated,
    };
  }
  return {
    recommendation,
    reason: "ScaleDownStabilized",
    message: "recent recommendations were higher than current one, applying the highest recent recommendation",
    recommendations: updated,
  };
}

export interface LimitedReplicas {
  replicas: number;
  reason: string;
  message: string;
}

// horizontal.go convertDesiredReplicasWithBehaviorRate: applies the scaling policies' rate limits
// and the min/max bounds. Stabilization is done separately.
export function convertDesiredReplicasWithBehaviorRate(
  args: NormalizationArg,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now_ms: number,
): LimitedReplicas {
  if (args.desiredReplicas > args.currentReplicas) {
    let scaleUpLimit = calculateScaleUpLimitWithScalingRules(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleUpBehavior,
      now_ms,
    );
    // Do not scale up further until the scale-up events age out.
    if (scaleUpLimit < args.currentReplicas) scaleUpLimit = args.currentReplicas;
    let maximumAllowedReplicas = args.maxReplicas;
    let reason: string;
    let message: string;
    if (maximumAllowedReplicas > scaleUpLimit) {
      maximumAllowedReplicas = scaleUpLimit;
      reason = "ScaleUpLimit";
      message = "the desired replica count is increasing faster than the maximum scale rate";
    } else {
      reason = "TooManyReplicas";
      message = "the desired replica count is more than the maximum replica count";
    }
    if (args.desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason, message };
  } else if (args.desiredReplicas < args.currentReplicas) {
    let scaleDownLimit = calculateScaleDownLimitWithBehaviors(
      args.currentReplicas,
      scaleUpEvents,
      scaleDownEvents,
      args.scaleDownBehavior,
      now_ms,
    );
    // Do not scale down further until the scale-down events age out.
    if (scaleDownLimit > args.currentReplicas) scaleDownLimit = args.currentReplicas;
    let minimumAllowedReplicas = args.minReplicas;
    let reason: string;
    let message: string;
    if (minimumAllowedReplicas < scaleDownLimit) {
      minimumAllowedReplicas = scaleDownLimit;
      reason = "ScaleDownLimit";
      message = "the desired replica count is decreasing faster than the maximum scale rate";
    } else {
      reason = "TooFewReplicas";
      message = "the desired replica count is less than the minimum replica count";
    }
    if (args.desiredReplicas < minimumAllowedReplicas) return { replicas: minimumAllowedReplicas, reason, message };
  }
  return { replicas: args.desiredReplicas, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

// horizontal.go convertDesiredReplicasWithRules (legacy path): clamps to [min, min(max, scale-up
// limit)]. The scale-up limit guards against bogus usage spikes (kubernetes#32304).
export function convertDesiredReplicasWithRules(
  currentReplicas: number,
  desiredReplicas: number,
  hpaMinReplicas: number,
  hpaMaxReplicas: number,
  scaleUpLimitFactor: number,
  scaleUpLimitMinimum: number,
): LimitedReplicas {
  const minimumAllowedReplicas = hpaMinReplicas;
  const scaleUpLimit = calculateScaleUpLimit(currentReplicas, scaleUpLimitFactor, scaleUpLimitMinimum);
  let maximumAllowedReplicas: number;
  let reason: string;
  let message: string;
  if (hpaMaxReplicas > scaleUpLimit) {
    maximumAllowedReplicas = scaleUpLimit;
    reason = "ScaleUpLimit";
    message = "the desired replica count is increasing faster than the maximum scale rate";
  } else {
    maximumAllowedReplicas = hpaMaxReplicas;
    reason = "TooManyReplicas";
    message = "the desired replica count is more than the maximum replica count";
  }
  if (desiredReplicas < minimumAllowedReplicas) {
    return {
      replicas: minimumAllowedReplicas,
      reason: "TooFewReplicas",
      message: "the desired replica count is less than the minimum replica count",
    };
  }
  if (desiredReplicas > maximumAllowedReplicas) return { replicas: maximumAllowedReplicas, reason, message };
  return { replicas: desiredReplicas, reason: "DesiredWithinRange", message: "the desired count is within the acceptable range" };
}

// horizontal.go calculateScaleUpLimit: int32(max(factor × current, minimum)).
export function calculateScaleUpLimit(currentReplicas: number, scaleUpLimitFactor: number, scaleUpLimitMinimum: number): number {
  return float64ToInt32(Math.max(scaleUpLimitFactor * currentReplicas, scaleUpLimitMinimum));
}

// horizontal.go getReplicasChangePerPeriod: the sum of changes younger than the period.
export function getReplicasChangePerPeriod(
  periodSeconds: number,
  scaleEvents: readonly TimestampedScaleEvent[],
  now_ms: number,
): number {
  let replicas = 0;
  for (const rec of scaleEvents) if (withinWindow(rec.timestamp_ms, periodSeconds * 1000, now_ms)) replicas += rec.replicaChange;
  return replicas;
}

function periodStartReplicas(
  currentReplicas: number,
  periodSeconds: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now_ms: number,
): number {
  const added = getReplicasChangePerPeriod(periodSeconds, scaleUpEvents, now_ms);
  const deleted = getReplicasChangePerPeriod(periodSeconds, scaleDownEvents, now_ms);
  return currentReplicas - added + deleted;
}

// horizontal.go calculateScaleUpLimitWithScalingRules: the largest count the policies allow now.
export function calculateScaleUpLimitWithScalingRules(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now_ms: number,
): number {
  const selectPolicy = scalingRules.selectPolicy ?? "Max";
  if (selectPolicy === "Disabled") return currentReplicas;
  // For scaling up, the smallest change ("Min") is the smallest limit.
  const pickMin = selectPolicy === "Min";
  let result = pickMin ? MAX_INT32 : MIN_INT32;
  let proposed = 0;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now_ms);
    if (policy.type === "Pods") proposed = start + policy.value;
    // Rounded up, or a small percentage could never add a replica.
    else if (policy.type === "Percent") proposed = float64ToInt32(Math.ceil(start * (1 + policy.value / 100)));
    result = pickMin ? Math.min(result, proposed) : Math.max(result, proposed);
  }
  return result;
}

// horizontal.go calculateScaleDownLimitWithBehaviors: the smallest count the policies allow now.
export function calculateScaleDownLimitWithBehaviors(
  currentReplicas: number,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  scalingRules: HPAScalingRules,
  now_ms: number,
): number {
  const selectPolicy = scalingRules.selectPolicy ?? "Max";
  if (selectPolicy === "Disabled") return currentReplicas;
  // For scaling down, the smallest change ("Min") is the largest limit.
  const pickMax = selectPolicy === "Min";
  let result = pickMax ? MIN_INT32 : MAX_INT32;
  let proposed = 0;
  for (const policy of scalingRules.policies ?? []) {
    const start = periodStartReplicas(currentReplicas, policy.periodSeconds, scaleUpEvents, scaleDownEvents, now_ms);
    if (policy.type === "Pods") proposed = start - policy.value;
    else if (policy.type === "Percent") proposed = float64ToInt32(start * (1 - policy.value / 100));
    result = pickMax ? Math.max(result, proposed) : Math.min(result, proposed);
  }
  return result;
}

// horizontal.go markScaleEventsOutdated: events older than the longest policy period are marked
// for reuse. The flag is sticky, as upstream never clears it.
export function markScaleEventsOutdated(
  scaleEvents: readonly TimestampedScaleEvent[],
  longestPolicyPeriodSeconds: number,
  now_ms: number,
): TimestampedScaleEvent[] {
  return scaleEvents.map((e) => ({
    ...e,
    outdated: e.outdated || !withinWindow(e.timestamp_ms, longestPolicyPeriodSeconds * 1000, now_ms),
  }));
}

// horizontal.go getLongestPolicyPeriod
export function getLongestPolicyPeriod(scalingRules: HPAScalingRules): number {
  let longest = 0;
  for (const policy of scalingRules.policies ?? []) if (policy.periodSeconds > longest) longest = policy.periodSeconds;
  return longest;
}

// horizontal.go storeScaleEvent: records |new - prev| in the direction's history, reusing the last
// outdated slot. Nothing is stored without a behavior, since only behaviors read the events. The
// history left alone is returned as given (neither is edited).
export function storeScaleEvent(
  behavior: HorizontalPodAutoscalerBehavior | null,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  prevReplicas: number,
  newReplicas: number,
  now_ms: number,
): { scaleUpEvents: readonly TimestampedScaleEvent[]; scaleDownEvents: readonly TimestampedScaleEvent[] } {
  if (behavior === null) return { scaleUpEvents, scaleDownEvents };
  const up = newReplicas > prevReplicas;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const events = markScaleEventsOutdated(up ? scaleUpEvents : scaleDownEvents, rules === null ? 0 : getLongestPolicyPeriod(rules), now_ms);
  let oldSampleIndex = -1;
  for (let i = 0; i < events.length; i++) if (events[i].outdated) oldSampleIndex = i;
  const newEvent: TimestampedScaleEvent = {
    replicaChange: up ? newReplicas - prevReplicas : prevReplicas - newReplicas,
    timestamp_ms: now_ms,
    outdated: false,
  };
  if (oldSampleIndex >= 0) events[oldSampleIndex] = newEvent;
  else events.push(newEvent);
  return up ? { scaleUpEvents: events, scaleDownEvents } : { scaleUpEvents, scaleDownEvents: events };
}

export interface NormalizationResult {
  desiredReplicas: number;
  stabilizedReplicas: number;
  /** Conditions to set, in upstream's order (AbleToScale, then ScalingLimited). */
  conditions: ConditionUpdate[];
  recommendations: TimestampedRecommendation[];
  limitingReason: string;
}

// horizontal.go normalizeDesiredReplicas (legacy path, no spec.behavior).
export function normalizeDesiredReplicas(
  recommendations: readonly TimestampedRecommendation[],
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  downscaleStabilisationWindow_ms: number,
  scaleUpLimitFactor: number,
  scaleUpLimitMinimum: number,
  now_ms: number,
): NormalizationResult {
  const stabilized = stabilizeRecommendation(recommendations, prenormalizedDesiredReplicas, downscaleStabilisationWindow_ms, now_ms);
  const stabilizedReplicas = stabilized.stabilizedReplicas;
  const conditions: ConditionUpdate[] = [];
  if (stabilizedReplicas !== prenormalizedDesiredReplicas) {
    conditions.push({
      type: "AbleToScale",
      status: "True",
      reason: "ScaleDownStabilized",
      message: "recent recommendations were higher than current one, applying the highest recent recommendation",
    });
  } else {
    conditions.push({ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "recommended size matches current size" });
  }
  const limited = convertDesiredReplicasWithRules(
    currentReplicas,
    stabilizedReplicas,
    minReplicas,
    maxReplicas,
    scaleUpLimitFactor,
    scaleUpLimitMinimum,
  );
  conditions.push({
    type: "ScalingLimited",
    status: limited.replicas === stabilizedReplicas ? "False" : "True",
    reason: limited.reason,
    message: limited.message,
  });
  return {
    desiredReplicas: limited.replicas,
    stabilizedReplicas,
    conditions,
    recommendations: stabilized.recommendations,
    limitingReason: limited.reason,
  };
}

// horizontal.go maybeInitScaleDownStabilizationWindow: an unset scale-down window takes the
// controller's --horizontal-pod-autoscaler-downscale-stabilization.
export function maybeInitScaleDownStabilizationWindow(
  scaleDown: HPAScalingRules,
  downscaleStabilisationWindow_ms: number,
): HPAScalingRules {
  if (scaleDown.stabilizationWindowSeconds !== null) return scaleDown;
  return { ...scaleDown, stabilizationWindowSeconds: Math.trunc(downscaleStabilisationWindow_ms / 1000) };
}

// horizontal.go normalizeDesiredReplicasWithBehaviors: stabilization, then the policies' rate
// limits and the min/max bounds. The behavior must be API-defaulted (both directions set).
export function normalizeDesiredReplicasWithBehaviors(
  recommendations: readonly TimestampedRecommendation[],
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  behavior: { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules },
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  downscaleStabilisationWindow_ms: number,
  now_ms: number,
): NormalizationResult {
  const args: NormalizationArg = {
    scaleUpBehavior: behavior.scaleUp,
    scaleDownBehavior: maybeInitScaleDownStabilizationWindow(behavior.scaleDown, downscaleStabilisationWindow_ms),
    minReplicas,
    maxReplicas,
    currentReplicas,
    desiredReplicas: prenormalizedDesiredReplicas,
  };
  const stabilized = stabilizeRecommendationWithBehaviors(recommendations, args, now_ms);
  const stabilizedReplicas = stabilized.recommendation;
  const conditions: ConditionUpdate[] = [];
  if (stabilizedReplicas !== prenormalizedDesiredReplicas) {
    conditions.push({ type: "AbleToScale", status: "True", reason: stabilized.reason, message: stabilized.message });
  } else {
    conditions.push({ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "recommended size matches current size" });
  }
  const limited = convertDesiredReplicasWithBehaviorRate(
    { ...args, desiredReplicas: stabilizedReplicas },
    scaleUpEvents,
    scaleDownEvents,
    now_ms,
  );
  conditions.push({
    type: "ScalingLimited",
    status: limited.replicas === stabilizedReplicas ? "False" : "True",
    reason: limited.reason,
    message: limited.message,
  });
  return {
    desiredReplicas: limited.replicas,
    stabilizedReplicas,
    conditions,
    recommendations: stabilized.recommendations,
    limitingReason: limited.reason,
  };
}
