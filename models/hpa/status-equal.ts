/**
 * horizontal.go updateStatusIfNeeded: "skip a write if we wouldn't need to update". The
 * controller writes an HPA's status only when apiequality.Semantic.DeepEqual(oldStatus,
 * &newHPA.Status) is false, so a sync that changes nothing (the same metric values, replicas and
 * conditions) writes nothing and wakes no watcher.
 *
 * Compared field by field rather than by a generic deep walk: this runs at every HPA sync. The
 * parts of a metric status that come from the spec (metric identifier, described object) are
 * compared by identity, as a reconcile copies them from the spec unchanged: a different object
 * counts as a change, which at worst writes an equal status (what every sync did before).
 */
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerStatus, MetricStatus, MetricValueStatus } from "./types.js";

export function hpaStatusEqual(a: HorizontalPodAutoscalerStatus, b: HorizontalPodAutoscalerStatus): boolean {
  return (
    a.currentReplicas === b.currentReplicas &&
    a.desiredReplicas === b.desiredReplicas &&
    a.lastScaleTime_ms === b.lastScaleTime_ms &&
    metricStatusesEqual(a.currentMetrics, b.currentMetrics) &&
    conditionsEqual(a.conditions, b.conditions)
  );
}

export function conditionsEqual(a: readonly HorizontalPodAutoscalerCondition[], b: readonly HorizontalPodAutoscalerCondition[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.type !== y.type || x.status !== y.status || x.reason !== y.reason || x.message !== y.message || x.lastTransitionTime_ms !== y.lastTransitionTime_ms) return false;
  }
  return true;
}

function metricStatusesEqual(a: readonly MetricStatus[], b: readonly MetricStatus[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!metricStatusEqual(a[i], b[i])) return false;
  return true;
}

function metricStatusEqual(a: MetricStatus, b: MetricStatus): boolean {
  return (
    a.type === b.type &&
    sameOptional(a.resource, b.resource, sameResource) &&
    sameOptional(a.containerResource, b.containerResource, sameContainerResource) &&
    sameOptional(a.pods, b.pods, sameMetric) &&
    sameOptional(a.object, b.object, sameObject) &&
    sameOptional(a.external, b.external, sameMetric)
  );
}

/** Both absent, or both present and `same`. */
function sameOptional<T>(a: T | undefined, b: T | undefined, same: (a: T, b: T) => boolean): boolean {
  return a === undefined || b === undefined ? a === b : same(a, b);
}

const sameResource = (a: NonNullable<MetricStatus["resource"]>, b: NonNullable<MetricStatus["resource"]>) =>
  a.name === b.name && valuesEqual(a.current, b.current);
const sameContainerResource = (a: NonNullable<MetricStatus["containerResource"]>, b: NonNullable<MetricStatus["containerResource"]>) =>
  a.name === b.name && a.container === b.container && valuesEqual(a.current, b.current);
const sameMetric = (a: NonNullable<MetricStatus["pods"]>, b: NonNullable<MetricStatus["pods"]>) =>
  a.metric === b.metric && valuesEqual(a.current, b.current);
const sameObject = (a: NonNullable<MetricStatus["object"]>, b: NonNullable<MetricStatus["object"]>) =>
  a.metric === b.metric && a.describedObject === b.describedObject && valuesEqual(a.current, b.current);

// Int64 values are numbers or bigints: === compares either by value.
function valuesEqual(a: MetricValueStatus, b: MetricValueStatus): boolean {
  return a.value_milli === b.value_milli && a.averageValue_milli === b.averageValue_milli && a.averageUtilization_percent === b.averageUtilization_percent;
}
