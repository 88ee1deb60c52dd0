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
  if (a.type !== b.type) return false;
  const ar = a.resource;
  const br = b.resource;
  if (ar !== undefined || br !== undefined) {
    if (ar === undefined || br === undefined || ar.name !== br.name || !valuesEqual(ar.current, br.current)) return false;
  }
  const ac = a.containerResource;
  const bc = b.containerResource;
  if (ac !== undefined || bc !== undefined) {
    if (ac === undefined || bc === undefined || ac.name !== bc.name || ac.container !== bc.container || !valuesEqual(ac.current, bc.current)) return false;
  }
  const ap = a.pods;
  const bp = b.pods;
  if (ap !== undefined || bp !== undefined) {
    if (ap === undefined || bp === undefined || ap.metric !== bp.metric || !valuesEqual(ap.current, bp.current)) return false;
  }
  const ao = a.object;
  const bo = b.object;
  if (ao !== undefined || bo !== undefined) {
    if (ao === undefined || bo === undefined || ao.metric !== bo.metric || ao.describedObject !== bo.describedObject || !valuesEqual(ao.current, bo.current)) return false;
  }
  const ae = a.external;
  const be = b.external;
  if (ae !== undefined || be !== undefined) {
    if (ae === undefined || be === undefined || ae.metric !== be.metric || !valuesEqual(ae.current, be.current)) return false;
  }
  return true;
}

// Int64 values are numbers or bigints: === compares either by value.
function valuesEqual(a: MetricValueStatus, b: MetricValueStatus): boolean {
  return a.value_milli === b.value_milli && a.averageValue_milli === b.averageValue_milli && a.averageUtilization_percent === b.averageUtilization_percent;
}
