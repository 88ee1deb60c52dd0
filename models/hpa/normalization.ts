/**
 * Ports of the normalization half of pkg/controller/podautoscaler/horizontal.go: recommendation
 * stabilization, scale-rate limits and scale-event bookkeeping.
 *
 * Upstream keeps the histories in controller maps and reads time.Now(); here the histories are
 * arguments, edited in place as upstream edits its maps' slices (a new entry overwrites a stale
 * one's fields, as Go assigns the struct into its slot), and the evaluation time `now_ms` is
 * passed in. Results go into objects the caller may reuse (`out`), so that an HPA sync in steady
 * state allocates nothing here.
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

/** The AbleToScale conditions normalization sets (static texts: one object each). */
export const READY_FOR_NEW_SCALE: ConditionUpdate = Object.freeze({
  type: "AbleToScale",
  status: "True",
  reason: "ReadyForNewScale",
  message: "recommended size matches current size",
});
export const SCALE_UP_STABILIZED: ConditionUpdate = Object.freeze({
  type: "AbleToScale",
  status: "True",
  reason: "ScaleUpStabilized",
  message: "recent recommendations were lower than current one, applying the lowest recent recommendation",
});
export const SCALE_DOWN_STABILIZED: ConditionUpdate = Object.freeze({
  type: "AbleToScale",
  status: "True",
  reason: "ScaleDownStabilized",
  message: "recent recommendations were higher than current one, applying the highest recent recommendation",
});

/**
 * horizontal.go's recommendations[key], a []timestampedRecommendation, as (timestamp,
 * recommendation) pairs in one array. Every sync reads the whole history (about twenty entries,
 * one per sync of the stabilization window) 15 simulated seconds after the last, when it has left
 * the cache: as pairs it is a few adjacent cache lines, as objects it was twenty scattered ones.
 */
export class RecommendationHistory {
  /** Entry i's timestamp at 2i, its recommendation at 2i + 1. */
  private pairs: Float64Array;
  /** len(slice). */
  length = 0;

  /** Room for `capacity` entries before it grows: the default window (300 s at 15 s syncs) keeps 21. */
  constructor(capacity = 24) {
    this.pairs = new Float64Array(2 * Math.max(1, capacity));
  }

  /** A history holding `entries`, in order. */
  static of(entries: readonly TimestampedRecommendation[]): RecommendationHistory {
    const history = new RecommendationHistory(Math.max(24, entries.length));
    for (const e of entries) history.append(e.recommendation, e.timestamp_ms);
    return history;
  }

  timestamp_ms(i: number): number {
    return this.pairs[2 * i];
  }

  recommendation(i: number): number {
    return this.pairs[2 * i + 1];
  }

  /** Go's append. */
  append(recommendation: number, timestamp_ms: number): void {
    if (2 * this.length === this.pairs.length) {
      const pairs = new Float64Array(2 * this.pairs.length);
      pairs.set(this.pairs);
      this.pairs = pairs;
    }
    this.set(this.length++, recommendation, timestamp_ms);
  }

  /** slice[i] = timestampedRecommendation{recommendation, timestamp}. */
  set(i: number, recommendation: number, timestamp_ms: number): void {
    this.pairs[2 * i] = timestamp_ms;
    this.pairs[2 * i + 1] = recommendation;
  }

  /** The entries as objects, in order (for tests and reports). */
  entries(): TimestampedRecommendation[] {
    const out: TimestampedRecommendation[] = [];
    for (let i = 0; i < this.length; i++) out.push({ recommendation: this.recommendation(i), timestamp_ms: this.timestamp_ms(i) });
    return out;
  }
}

/**
 * Records `recommendation` at `now_ms` in the history: over the entry at `oldSampleIndex` (one
 * that fell out of every window) when there is one, else appended.
 */
function recordRecommendation(
  recommendations: RecommendationHistory,
  oldSampleIndex: number,
  recommendation: number,
  now_ms: number,
): void {
  if (oldSampleIndex < 0) recommendations.append(recommendation, now_ms);
  else recommendations.set(oldSampleIndex, recommendation, now_ms);
}

// horizontal.go stabilizeRecommendation (legacy path, no spec.behavior): the max over the
// recommendations inside the downscale window and the new one; the new one overwrites the last
// entry that fell out of the window, or is appended (the history is edited in place).
export function stabilizeRecommendation(
  recommendations: RecommendationHistory,
  prenormalizedDesiredReplicas: number,
  downscaleStabilisationWindow_ms: number,
  now_ms: number,
): number {
  let maxRecommendation = prenormalizedDesiredReplicas;
  let oldSampleIndex = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const recommendation = recommendations.recommendation(i);
    if (!withinWindow(recommendations.timestamp_ms(i), downscaleStabilisationWindow_ms, now_ms)) oldSampleIndex = i;
    else if (recommendation > maxRecommendation) maxRecommendation = recommendation;
  }
  recordRecommendation(recommendations, oldSampleIndex, prenormalizedDesiredReplicas, now_ms);
  return maxRecommendation;
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
// the current count is brought within [upRecommendation, downRecommendation]. The history is
// edited in place; the condition it reports is `stabilizationCondition(args)`.
export function stabilizeRecommendationWithBehaviors(
  recommendations: RecommendationHistory,
  args: NormalizationArg,
  now_ms: number,
): number {
  const upWindow_ms = (args.scaleUpBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  const downWindow_ms = (args.scaleDownBehavior.stabilizationWindowSeconds ?? 0) * 1000;
  let upRecommendation = args.desiredReplicas;
  let downRecommendation = args.desiredReplicas;
  let oldSampleIndex = -1;
  for (let i = 0; i < recommendations.length; i++) {
    const timestamp_ms = recommendations.timestamp_ms(i);
    const recommendation = recommendations.recommendation(i);
    const inUp = withinWindow(timestamp_ms, upWindow_ms, now_ms);
    const inDown = withinWindow(timestamp_ms, downWindow_ms, now_ms);
    if (inUp) upRecommendation = Math.min(recommendation, upRecommendation);
    if (inDown) downRecommendation = Math.max(recommendation, downRecommendation);
    if (!inUp && !inDown) oldSampleIndex = i;
  }

  // Bring the recommendation within the upper and lower limits (stabilize).
  let recommendation = args.currentReplicas;
  if (recommendation < upRecommendation) recommendation = upRecommendation;
  if (recommendation > downRecommendation) recommendation = downRecommendation;

  // Record the unstabilized recommendation.
  recordRecommendation(recommendations, oldSampleIndex, args.desiredReplicas, now_ms);
  return recommendation;
}

/** The condition stabilizeRecommendationWithBehaviors reports: by the direction of the proposal. */
export function stabilizationCondition(args: NormalizationArg): ConditionUpdate {
  return args.desiredReplicas >= args.currentReplicas ? SCALE_UP_STABILIZED : SCALE_DOWN_STABILIZED;
}

export interface LimitedReplicas {
  replicas: number;
  reason: string;
  message: string;
}

/** Sets `out` to a count and the reason and message of its limit; returns it. */
function limitedTo(out: LimitedReplicas, replicas: number, reason: string, message: string): LimitedReplicas {
  out.replicas = replicas;
  out.reason = reason;
  out.message = message;
  return out;
}

/** A LimitedReplicas to pass as `out` (the convert functions fill it in). */
export function newLimitedReplicas(): LimitedReplicas {
  return { replicas: 0, reason: "", message: "" };
}

// horizontal.go convertDesiredReplicasWithBehaviorRate: applies the scaling policies' rate limits
// and the min/max bounds. Stabilization is done separately.
export function convertDesiredReplicasWithBehaviorRate(
  args: NormalizationArg,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  now_ms: number,
  out: LimitedReplicas = newLimitedReplicas(),
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
    if (args.desiredReplicas > maximumAllowedReplicas) return limitedTo(out, maximumAllowedReplicas, reason, message);
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
    if (args.desiredReplicas < minimumAllowedReplicas) return limitedTo(out, minimumAllowedReplicas, reason, message);
  }
  return limitedTo(out, args.desiredReplicas, "DesiredWithinRange", "the desired count is within the acceptable range");
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
  out: LimitedReplicas = newLimitedReplicas(),
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
    return limitedTo(out, minimumAllowedReplicas, "TooFewReplicas", "the desired replica count is less than the minimum replica count");
  }
  if (desiredReplicas > maximumAllowedReplicas) return limitedTo(out, maximumAllowedReplicas, reason, message);
  return limitedTo(out, desiredReplicas, "DesiredWithinRange", "the desired count is within the acceptable range");
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
// for reuse, in place. The flag is sticky, as upstream never clears it.
export function markScaleEventsOutdated(scaleEvents: TimestampedScaleEvent[], longestPolicyPeriodSeconds: number, now_ms: number): void {
  for (const e of scaleEvents) if (!withinWindow(e.timestamp_ms, longestPolicyPeriodSeconds * 1000, now_ms)) e.outdated = true;
}

// horizontal.go getLongestPolicyPeriod
export function getLongestPolicyPeriod(scalingRules: HPAScalingRules): number {
  let longest = 0;
  for (const policy of scalingRules.policies ?? []) if (policy.periodSeconds > longest) longest = policy.periodSeconds;
  return longest;
}

// horizontal.go storeScaleEvent: records |new - prev| in the direction's history, over the last
// outdated entry (edited in place) or appended. Nothing is stored without a behavior, since only
// behaviors read the events.
export function storeScaleEvent(
  behavior: HorizontalPodAutoscalerBehavior | null,
  scaleUpEvents: TimestampedScaleEvent[],
  scaleDownEvents: TimestampedScaleEvent[],
  prevReplicas: number,
  newReplicas: number,
  now_ms: number,
): void {
  if (behavior === null) return;
  const up = newReplicas > prevReplicas;
  const rules = up ? behavior.scaleUp : behavior.scaleDown;
  const events = up ? scaleUpEvents : scaleDownEvents;
  markScaleEventsOutdated(events, rules === null ? 0 : getLongestPolicyPeriod(rules), now_ms);
  let oldSampleIndex = -1;
  for (let i = 0; i < events.length; i++) if (events[i].outdated) oldSampleIndex = i;
  const replicaChange = up ? newReplicas - prevReplicas : prevReplicas - newReplicas;
  if (oldSampleIndex < 0) {
    events.push({ replicaChange, timestamp_ms: now_ms, outdated: false });
    return;
  }
  const entry = events[oldSampleIndex];
  entry.replicaChange = replicaChange;
  entry.timestamp_ms = now_ms;
  entry.outdated = false;
}

/** What a normalization decided (filled into an object the caller may reuse: `newNormalizationResult`). */
export interface NormalizationResult {
  desiredReplicas: number;
  stabilizedReplicas: number;
  /** The AbleToScale condition to set (a shared constant: do not edit). */
  ableToScale: ConditionUpdate;
  /** The ScalingLimited condition to set, set after AbleToScale, as upstream does. */
  scalingLimited: ConditionUpdate;
  /** The rate-limit step's result: its reason is the ScalingLimited reason. */
  limited: LimitedReplicas;
}

export function newNormalizationResult(): NormalizationResult {
  return {
    desiredReplicas: 0,
    stabilizedReplicas: 0,
    ableToScale: READY_FOR_NEW_SCALE,
    scalingLimited: { type: "ScalingLimited", status: "False", reason: "", message: "" },
    limited: newLimitedReplicas(),
  };
}

/** Completes `out` once its stabilized count, AbleToScale condition and limit are in. */
function finishNormalization(out: NormalizationResult): NormalizationResult {
  const limited = out.limited;
  out.desiredReplicas = limited.replicas;
  out.scalingLimited.status = limited.replicas === out.stabilizedReplicas ? "False" : "True";
  out.scalingLimited.reason = limited.reason;
  out.scalingLimited.message = limited.message;
  return out;
}

// horizontal.go normalizeDesiredReplicas (legacy path, no spec.behavior).
export function normalizeDesiredReplicas(
  recommendations: RecommendationHistory,
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  downscaleStabilisationWindow_ms: number,
  scaleUpLimitFactor: number,
  scaleUpLimitMinimum: number,
  now_ms: number,
  out: NormalizationResult = newNormalizationResult(),
): NormalizationResult {
  const stabilizedReplicas = stabilizeRecommendation(recommendations, prenormalizedDesiredReplicas, downscaleStabilisationWindow_ms, now_ms);
  out.stabilizedReplicas = stabilizedReplicas;
  out.ableToScale = stabilizedReplicas !== prenormalizedDesiredReplicas ? SCALE_DOWN_STABILIZED : READY_FOR_NEW_SCALE;
  convertDesiredReplicasWithRules(
    currentReplicas,
    stabilizedReplicas,
    minReplicas,
    maxReplicas,
    scaleUpLimitFactor,
    scaleUpLimitMinimum,
    out.limited,
  );
  return finishNormalization(out);
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
  recommendations: RecommendationHistory,
  scaleUpEvents: readonly TimestampedScaleEvent[],
  scaleDownEvents: readonly TimestampedScaleEvent[],
  behavior: { scaleUp: HPAScalingRules; scaleDown: HPAScalingRules },
  currentReplicas: number,
  prenormalizedDesiredReplicas: number,
  minReplicas: number,
  maxReplicas: number,
  downscaleStabilisationWindow_ms: number,
  now_ms: number,
  out: NormalizationResult = newNormalizationResult(),
): NormalizationResult {
  const args: NormalizationArg = {
    scaleUpBehavior: behavior.scaleUp,
    scaleDownBehavior: maybeInitScaleDownStabilizationWindow(behavior.scaleDown, downscaleStabilisationWindow_ms),
    minReplicas,
    maxReplicas,
    currentReplicas,
    desiredReplicas: prenormalizedDesiredReplicas,
  };
  const stabilizedReplicas = stabilizeRecommendationWithBehaviors(recommendations, args, now_ms);
  out.stabilizedReplicas = stabilizedReplicas;
  out.ableToScale = stabilizedReplicas !== prenormalizedDesiredReplicas ? stabilizationCondition(args) : READY_FOR_NEW_SCALE;
  // The rate limits apply to the stabilized count: upstream sets normalizationArg.DesiredReplicas
  // to it (after the AbleToScale reason above, which the proposal's direction decides).
  args.desiredReplicas = stabilizedReplicas;
  convertDesiredReplicasWithBehaviorRate(args, scaleUpEvents, scaleDownEvents, now_ms, out.limited);
  return finishNormalization(out);
}
