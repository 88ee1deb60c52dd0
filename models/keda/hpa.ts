/**
 * The HPA KEDA generates for a ScaledObject: controllers/keda/hpa.go newHPAForScaledObject,
 * getScaledObjectMetricSpecs, getHPAName, apis/keda/v1alpha1/scaledobject_types.go
 * GetHPAMinReplicas/GetHPAMaxReplicas and scaledobject_webhook.go CheckReplicaCountBoundsAreValid.
 */
import { PAUSED_SCALE_IN_ANNOTATION, PAUSED_SCALE_OUT_ANNOTATION } from "./executor.js";
import { cpuMemoryMetricSpec, type ResourceMetricSpecOut } from "./scalers/cpu-memory.js";
import { buildScaler, RESOURCE_TRIGGER_TYPES } from "./scalers/index.js";
import type { ExternalTarget, HpaBehaviorConfig, ScaledObject } from "./types.js";

export const DEFAULT_HPA_MAX_REPLICAS = 100;
/** The label the metrics adapter selects a ScaledObject's External metrics by. */
export const SCALED_OBJECT_NAME_LABEL = "scaledobject.keda.sh/name";

export interface ExternalMetricSpecOut {
  type: "External";
  metricName: string;
  selector: Record<string, string>;
  target: ExternalTarget;
}

export type KedaHpaMetricSpec = ExternalMetricSpecOut | ResourceMetricSpecOut;

export interface KedaHpa {
  name: string;
  minReplicas: number;
  maxReplicas: number;
  metrics: KedaHpaMetricSpec[];
  /** What KEDA writes; null = no behavior (the HPA uses its legacy rules). */
  behavior: HpaBehaviorConfig | null;
  labels: Record<string, string>;
  annotations: Record<string, string> | null;
  scaleTargetRef: { kind: string; apiVersion: string; name: string };
}

/** GetHPAMinReplicas: minReplicaCount if > 0, else 1 (KEDA itself does 0 ↔ 1). */
export function getHPAMinReplicas(so: ScaledObject): number {
  const min = so.spec.minReplicaCount;
  return min !== undefined && min > 0 ? min : 1;
}

/** GetHPAMaxReplicas: maxReplicaCount, default 100. */
export function getHPAMaxReplicas(so: ScaledObject): number {
  return so.spec.maxReplicaCount ?? DEFAULT_HPA_MAX_REPLICAS;
}

/** getHPAName: advanced.horizontalPodAutoscalerConfig.name, else "keda-hpa-<name>". */
export function getHPAName(so: ScaledObject): string {
  return so.spec.advanced?.horizontalPodAutoscalerConfig?.name ?? `keda-hpa-${so.name}`;
}

/**
 * CheckReplicaCountBoundsAreValid: null when valid, else why. An unset minReplicaCount counts as 0,
 * a set one as GetHPAMinReplicas (so 0 → 1) — upstream's asymmetry, kept.
 */
export function checkReplicaCountBoundsAreValid(so: ScaledObject): string | null {
  const min = so.spec.minReplicaCount === undefined ? 0 : getHPAMinReplicas(so);
  const max = getHPAMaxReplicas(so);
  if (min > max) return `MinReplicaCount=${min} must be less than MaxReplicaCount=${max}`;
  const idle = so.spec.idleReplicaCount;
  if (idle !== undefined && idle >= min) return `IdleReplicaCount=${idle} must be less than MinReplicaCount=${min}`;
  return null;
}

/**
 * getScaledObjectMetricSpecs: one metric per trigger (External with the ScaledObject selector,
 * Resource for cpu/memory), "s<trigger index>-" named, then sorted by type (External < Resource),
 * stably so triggers keep their order within a type.
 */
export function getScaledObjectMetricSpecs(so: ScaledObject): KedaHpaMetricSpec[] {
  const specs: KedaHpaMetricSpec[] = so.spec.triggers.map((trigger, i) => {
    if (RESOURCE_TRIGGER_TYPES.includes(trigger.type)) return cpuMemoryMetricSpec(trigger);
    const spec = buildScaler(trigger).getMetricSpecForScaling(i);
    return { type: "External", metricName: spec.metricName, selector: { [SCALED_OBJECT_NAME_LABEL]: so.name }, target: spec.target };
  });
  return specs
    .map((s, i) => ({ s, i }))
    .sort((a, b) => (a.s.type < b.s.type ? -1 : a.s.type > b.s.type ? 1 : a.i - b.i))
    .map(({ s }) => s);
}

/** The behavior KEDA writes: the user's, with selectPolicy Disabled in a direction whose pause annotation is "true". */
export function getHPABehavior(so: ScaledObject): HpaBehaviorConfig | null {
  const user = so.spec.advanced?.horizontalPodAutoscalerConfig?.behavior;
  const pausedIn = so.annotations?.[PAUSED_SCALE_IN_ANNOTATION] === "true";
  const pausedOut = so.annotations?.[PAUSED_SCALE_OUT_ANNOTATION] === "true";
  if (user === undefined && !pausedIn && !pausedOut) return null;
  const behavior: HpaBehaviorConfig = {};
  if (user?.scaleDown !== undefined) behavior.scaleDown = { ...user.scaleDown };
  if (user?.scaleUp !== undefined) behavior.scaleUp = { ...user.scaleUp };
  if (pausedIn) behavior.scaleDown = { ...behavior.scaleDown, selectPolicy: "Disabled" };
  if (pausedOut) behavior.scaleUp = { ...behavior.scaleUp, selectPolicy: "Disabled" };
  return behavior;
}

/** A label value holds at most 63 characters: newHPAForScaledObject cuts the name and trims trailing non-alphanumerics. */
export function hpaNameLabel(name: string): string {
  return name.length <= 63 ? name : name.slice(0, 63).replace(/[^\p{L}\p{N}]+$/u, "");
}

/** newHPAForScaledObject: the HPA the operator creates or updates for `so`. */
export function newHPAForScaledObject(so: ScaledObject, scaleTarget: { kind: string; apiVersion: string }): KedaHpa {
  const name = getHPAName(so);
  return {
    name,
    minReplicas: getHPAMinReplicas(so),
    maxReplicas: getHPAMaxReplicas(so),
    metrics: getScaledObjectMetricSpecs(so),
    behavior: getHPABehavior(so),
    labels: { "app.kubernetes.io/name": hpaNameLabel(name), "app.kubernetes.io/part-of": so.name, "app.kubernetes.io/managed-by": "keda-operator", ...so.labels },
    annotations: so.annotations === null ? null : { ...so.annotations },
    scaleTargetRef: { kind: scaleTarget.kind, apiVersion: scaleTarget.apiVersion, name: so.spec.scaleTargetRef.name },
  };
}
