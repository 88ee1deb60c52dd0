/**
 * The ScaledObject scale executor: pkg/scaling/executor/scale_scaledobjects.go RequestScale,
 * scaleToZeroOrIdle, scaleFromZeroOrIdle, getIdleOrMinimumReplicaCount, with the pause annotations
 * (pkg/scaling/executor/scale_executor.go GetPausedReplicaCount, apis/keda/v1alpha1 annotations).
 *
 * KEDA only moves the target between 0 (or idleReplicaCount) and minReplicaCount (at least 1);
 * everything between min and max belongs to the HPA it generates.
 */
import type { ScaledObject } from "./types.js";

export const DEFAULT_COOLDOWN_PERIOD_S = 300;
export const DEFAULT_INITIAL_COOLDOWN_PERIOD_S = 0;

export const PAUSED_ANNOTATION = "autoscaling.keda.sh/paused";
export const PAUSED_REPLICAS_ANNOTATION = "autoscaling.keda.sh/paused-replicas";
export const PAUSED_SCALE_IN_ANNOTATION = "autoscaling.keda.sh/paused-scale-in";
export const PAUSED_SCALE_OUT_ANNOTATION = "autoscaling.keda.sh/paused-scale-out";
export const FORCE_ACTIVATION_ANNOTATION = "autoscaling.keda.sh/force-activation";

export type ConditionStatus = "True" | "False" | "Unknown";
export interface Condition {
  status: ConditionStatus;
  reason: string;
}

/** The conditions one RequestScale sets (Ready, Active, Paused). */
export interface ExecutorConditions {
  Ready: Condition;
  Active?: Condition;
  Paused?: Condition;
}

/** Why the executor did what it did (for keda-decisions.csv and events). */
export type ExecutorAction =
  | "paused"
  | "scaleFromZeroOrIdle"
  | "scaleFromZeroOrIdlePausedScaleOut"
  | "partialTriggerError"
  | "refreshLastActiveTime"
  | "fallbackHandledByHPA"
  | "scaleToZeroOrIdle"
  | "scaleToZeroOrIdlePausedScaleIn"
  | "cooldown"
  | "scaleToMinReplicas"
  | "noChange";

export interface ScaleDecision {
  /** Replicas written to the scale subresource, or null when untouched. */
  scaleTo: number | null;
  /** The new status.lastActiveTime (Unix seconds, 1-second precision), or null when not refreshed. */
  lastActiveTime: number | null;
  conditions: ExecutorConditions;
  action: ExecutorAction;
}

function annotation(so: ScaledObject, key: string): string | undefined {
  return so.annotations?.[key];
}

const isTrue = (v: string | undefined) => v === "true";

/** The ScaledObject is paused: paused-replicas set, or paused "true" (HasPausedAnnotation). */
export function isPaused(so: ScaledObject): boolean {
  return annotation(so, PAUSED_REPLICAS_ANNOTATION) !== undefined || isTrue(annotation(so, PAUSED_ANNOTATION));
}

/** getIdleOrMinimumReplicaCount: idleReplicaCount if set, else minReplicaCount (default 0). */
export function getIdleOrMinimumReplicaCount(so: ScaledObject): [isIdle: boolean, replicas: number] {
  if (so.spec.idleReplicaCount !== undefined) return [true, so.spec.idleReplicaCount];
  return [false, so.spec.minReplicaCount ?? 0];
}

/**
 * scaleToZeroOrIdle's cooldown test: lastActiveTime + cooldownPeriod strictly Before now; with no
 * lastActiveTime, creationTimestamp + initialCooldownPeriod (a zero creation time is long past).
 */
export function cooldownOver(so: ScaledObject, now_s: number): boolean {
  const last = so.status.lastActiveTime;
  if (last !== null) return last + (so.spec.cooldownPeriod ?? DEFAULT_COOLDOWN_PERIOD_S) < now_s;
  if (so.creationTimestamp === null) return true;
  return so.creationTimestamp + (so.spec.initialCooldownPeriod ?? DEFAULT_INITIAL_COOLDOWN_PERIOD_S) < now_s;
}

/** scaleFromZeroOrIdle's target: minReplicaCount if > 0, else 1. */
export function scaleFromZeroReplicas(so: ScaledObject): number {
  const min = so.spec.minReplicaCount;
  return min !== undefined && min > 0 ? min : 1;
}

/**
 * RequestScale for one poll: `isActive`/`isError` come from getScaledObjectState. A fallback on an
 * inactive, erroring ScaledObject is left to the generated HPA (its metrics carry the fallback
 * value), so the executor writes nothing then.
 */
export function requestScale(so: ScaledObject, currentReplicas: number, isActiveIn: boolean, isError: boolean, now_s: number): ScaleDecision {
  const now = Math.floor(now_s); // metav1.Time keeps whole seconds
  const isActive = isActiveIn || isTrue(annotation(so, FORCE_ACTIVATION_ANNOTATION));
  const hasFallback = so.spec.fallback !== undefined && so.spec.fallback.replicas !== 0;
  let ready: Condition = { status: "True", reason: "ScaledObjectReady" };
  if (isError) {
    if (isActive) ready = { status: "Unknown", reason: "PartialTriggerError" };
    else if (!hasFallback) ready = { status: "False", reason: "TriggerError" };
  }
  if (isPaused(so)) {
    return { scaleTo: null, lastActiveTime: null, conditions: { Ready: ready, Paused: { status: "True", reason: "ScaledObjectPaused" } }, action: "paused" };
  }
  const minReplicas = so.spec.minReplicaCount ?? 0;
  const idle = so.spec.idleReplicaCount;
  const decide = (scaleTo: number | null, lastActiveTime: number | null, active: Condition, action: ExecutorAction): ScaleDecision => ({
    scaleTo,
    lastActiveTime,
    conditions: { Ready: ready, Active: active },
    action,
  });

  if (isActive) {
    const active: Condition = { status: "True", reason: "ScalerActive" };
    if ((idle !== undefined && currentReplicas < minReplicas) || currentReplicas === 0) {
      if (isTrue(annotation(so, PAUSED_SCALE_OUT_ANNOTATION))) return decide(null, null, active, "scaleFromZeroOrIdlePausedScaleOut");
      return decide(scaleFromZeroReplicas(so), now, active, "scaleFromZeroOrIdle");
    }
    if (isError) return decide(null, null, active, "partialTriggerError");
    return decide(null, now, active, "refreshLastActiveTime");
  }

  const notActive: Condition = { status: "False", reason: "ScalerNotActive" };
  if (isError && hasFallback) return decide(null, null, notActive, "fallbackHandledByHPA");
  if ((idle !== undefined && currentReplicas > idle) || (currentReplicas > 0 && minReplicas === 0)) {
    if (isTrue(annotation(so, PAUSED_SCALE_IN_ANNOTATION))) return decide(null, null, notActive, "scaleToZeroOrIdlePausedScaleIn");
    if (!cooldownOver(so, now_s)) return decide(null, null, { status: "False", reason: "ScalerCooldown" }, "cooldown");
    return decide(getIdleOrMinimumReplicaCount(so)[1], null, notActive, "scaleToZeroOrIdle");
  }
  if (currentReplicas < minReplicas && idle === undefined) return decide(minReplicas, null, notActive, "scaleToMinReplicas");
  return decide(null, null, notActive, "noChange");
}
