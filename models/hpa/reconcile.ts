/**
 * The decision half of pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler, as one
 * function: HPA + scale + pods + metrics + histories + flags + now in, the new status, the
 * rescale decision and a record of why out, the histories edited in place (as upstream edits its
 * controller maps). The HPA and its stored status are only read. The status, decision and result
 * go into objects the caller keeps per HPA (ReconcileScratch), so that a sync in steady state
 * allocates nothing; without one, fresh objects.
 *
 * Not modelled here (they are the controller's I/O): fetching the scale (FailedGetScale), writing
 * it, the selector registry behind validateAndParseSelector (InvalidSelector, AmbiguousSelector;
 * the controller passes the check in, and this calls it where upstream does), events and the
 * status write. The controller calls this, writes `scale.spec.replicas = desiredReplicas` when
 * `rescale`, and stores `status` and the returned histories.
 */
import type { Pod } from "../cluster/types.js";
import { copyConditionsInto, setConditionInOwnList } from "./conditions.js";
import { setDefaultsHorizontalPodAutoscalerBehavior } from "./defaults.js";
import type { MetricsClient } from "./metrics-client.js";
import {
  newNormalizationResult,
  normalizeDesiredReplicas,
  normalizeDesiredReplicasWithBehaviors,
  RecommendationHistory,
  storeScaleEvent,
  type ConditionUpdate,
  type NormalizationResult,
} from "./normalization.js";
import type { Int64 } from "./int64.js";
import { formatSelector, ReplicaCalculator, type PodListMemo, type Tolerances } from "./replica-calculator.js";
import type {
  ContainerResourceMetricSource,
  HorizontalControllerConfig,
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
  MetricValueStatus,
  ResourceMetricSource,
  Scale,
  TimestampedScaleEvent,
} from "./types.js";

export interface ReconcileInput {
  hpa: HorizontalPodAutoscaler;
  scale: Scale;
  /** The pods the target's selector matches (what upstream's pod lister returns). */
  pods: readonly Pod[];
  metricsClient: MetricsClient;
  /**
   * The HPA's recommendation history; null = none yet (upstream's nil map entry). The histories
   * are edited in place, as upstream edits the slices in its controller maps.
   */
  recommendations: RecommendationHistory | null;
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
  config: HorizontalControllerConfig;
  now_ms: number;
  /** Optional: what was derived from `pods` at earlier syncs, valid while `pods` is the same list. */
  podListMemo?: PodListMemo;
  /**
   * horizontal.go validateAndParseSelector, run only when the metrics are about to be read (as
   * upstream, at the top of computeReplicasForMetrics): null when the target's selector is usable,
   * else why not. Omitted = always usable.
   */
  validateAndParseSelector?: () => SelectorFailure | null;
  /** Objects the reconcile fills in instead of allocating (one per HPA, kept across its syncs); omitted = fresh ones. */
  scratch?: ReconcileScratch;
}

/**
 * What a reconcile fills in rather than allocates: the caller keeps one per HPA between its syncs
 * (with the same config at every sync: the calculator keeps its flags).
 */
export interface ReconcileScratch {
  readonly normalization: NormalizationResult;
  /**
   * The status the reconcile builds (returned as `status`): not the HPA's stored one, with which
   * it is compared (updateStatusIfNeeded). A caller that stores it takes it, and gives the
   * scratch the status it replaced (`status = replaced`), so that two status objects per HPA
   * take turns.
   */
  status: HorizontalPodAutoscalerStatus;
  /** The decision record and the result (the caller reads them before the next reconcile). */
  readonly decision: HpaDecision;
  readonly result: ReconcileResult;
  /** The replica calculator, made at the first reconcile and reset at the next ones. */
  calculator: ReplicaCalculator | null;
  /** computeReplicasForMetrics's per-metric computations and result, and the decision's metric records. */
  readonly perMetric: MetricComputation[];
  readonly computed: ComputeReplicasForMetricsResult;
  readonly metricDecisions: MetricDecision[];
}

export function newReconcileScratch(): ReconcileScratch {
  const status = newStatus();
  const decision: HpaDecision = {
    now_ms: 0, path: "Metrics", currentReplicas: 0, minReplicas: 0, maxReplicas: 0, tolerances: { scaleDown: 0, scaleUp: 0 },
    metrics: [], metricDesiredReplicas: null, metricName: "", stabilizedReplicas: null, limitedReplicas: null,
    stabilizationReason: null, limitingReason: null, rescaleReason: "", desiredReplicas: 0, rescale: false, selectorFailure: null,
  };
  const result: ReconcileResult = {
    desiredReplicas: 0, rescale: false, status, conditions: status.conditions, error: null,
    recommendations: new RecommendationHistory(1), scaleUpEvents: [], scaleDownEvents: [], decision,
  };
  const computed: ComputeReplicasForMetricsResult = { replicas: 0, metric: "", timestamp_ms: 0, error: null, condition: GO_ZERO_CONDITION };
  return { normalization: newNormalizationResult(), status, decision, result, calculator: null, perMetric: [], computed, metricDecisions: [] };
}

/** The scratch's replica calculator, set up for this reconcile's client, pods and time. */
function calculatorFor(scratch: ReconcileScratch, input: ReconcileInput): ReplicaCalculator {
  const { config, now_ms } = input;
  if (scratch.calculator !== null) return scratch.calculator.reset(input.metricsClient, input.pods, now_ms, input.podListMemo ?? null);
  return (scratch.calculator = new ReplicaCalculator(
    input.metricsClient,
    input.pods,
    config.cpuInitializationPeriod_ms,
    config.delayOfInitialReadinessStatus_ms,
    now_ms,
    input.podListMemo ?? null,
  ));
}

/** Sets the decision record to a reconcile's starting point (path Metrics, nothing computed yet). */
function beginDecision(d: HpaDecision, now_ms: number, currentReplicas: number, minReplicas: number, maxReplicas: number): HpaDecision {
  d.now_ms = now_ms;
  d.path = "Metrics";
  d.currentReplicas = currentReplicas;
  d.minReplicas = minReplicas;
  d.maxReplicas = maxReplicas;
  d.metrics = NO_METRIC_DECISIONS;
  d.metricDesiredReplicas = null;
  d.metricName = "";
  d.stabilizedReplicas = null;
  d.limitedReplicas = null;
  d.stabilizationReason = null;
  d.limitingReason = null;
  d.rescaleReason = "";
  d.desiredReplicas = 0;
  d.rescale = false;
  d.selectorFailure = null;
  return d;
}

const NO_METRIC_DECISIONS: MetricDecision[] = [];

/** Fills the scratch's result (its status, decision and conditions are already the scratch's). */
function finishResult(
  scratch: ReconcileScratch,
  desiredReplicas: number,
  rescale: boolean,
  error: string | null,
  recommendations: RecommendationHistory,
  scaleUpEvents: TimestampedScaleEvent[],
  scaleDownEvents: TimestampedScaleEvent[],
): ReconcileResult {
  const r = scratch.result;
  r.desiredReplicas = desiredReplicas;
  r.rescale = rescale;
  r.status = scratch.status;
  r.conditions = scratch.status.conditions;
  r.error = error;
  r.recommendations = recommendations;
  r.scaleUpEvents = scaleUpEvents;
  r.scaleDownEvents = scaleDownEvents;
  return r;
}

function newStatus(): HorizontalPodAutoscalerStatus {
  return { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] };
}

/**
 * A validateAndParseSelector refusal: the Warning event it emits, and the ScalingActive=False
 * condition it sets. The error it returns is the event's message.
 */
export interface SelectorFailure {
  /** "SelectorRequired", "InvalidSelector" or "AmbiguousSelector". */
  eventReason: string;
  /** The event message and the error: "selector is required", "pods by selector ... are controlled by multiple HPAs: [...]". */
  error: string;
  conditionReason: "InvalidSelector" | "AmbiguousSelector";
  conditionMessage: string;
}

/** What one metric spec produced in this pass. */
export interface MetricDecision {
  index: number;
  type: string;
  /** Upstream's description, e.g. "cpu resource utilization (percentage of request)". */
  metricName: string;
  /** Proposed replicas, or null when the metric failed. */
  replicas: number | null;
  /** The value as the HPA saw it (also in status.currentMetrics). */
  current: MetricValueStatus | null;
  timestamp_ms: number | null;
  /** The condition reason and error when the metric failed. */
  failureReason: string | null;
  error: string | null;
}

export type ReconcilePath =
  /** The controller could not read the target's scale (set by the controller, not here). */
  | "FailedGetScale"
  /** currentReplicas == 0 and minReplicas != 0: the HPA is idle. */
  | "ScalingDisabled"
  | "AboveMaxReplicas"
  | "BelowMinReplicas"
  | "Metrics"
  /** No usable metric (or a broken one blocks a scale-down): no scaling this pass. */
  | "MetricsFailed"
  /** validateAndParseSelector refused the target's selector: no metrics read, no scaling. */
  | "InvalidSelector"
  | "AmbiguousSelector";

/** Why the HPA decided what it decided, for the simulator's decision log. */
export interface HpaDecision {
  now_ms: number;
  path: ReconcilePath;
  currentReplicas: number;
  minReplicas: number;
  maxReplicas: number;
  tolerances: Tolerances;
  metrics: MetricDecision[];
  /** The max over metric proposals (computeReplicasForMetrics), -1 when metrics failed; null if not computed. */
  metricDesiredReplicas: number | null;
  metricName: string;
  /** After stabilization (the recommendation window), null when normalization did not run. */
  stabilizedReplicas: number | null;
  /** After rate limits and min/max, null when normalization did not run. */
  limitedReplicas: number | null;
  /** The AbleToScale reason of the stabilization step, e.g. ScaleDownStabilized. */
  stabilizationReason: string | null;
  /** The ScalingLimited reason, e.g. ScaleUpLimit, TooManyReplicas, DesiredWithinRange. */
  limitingReason: string | null;
  rescaleReason: string;
  desiredReplicas: number;
  rescale: boolean;
  /** Set when validateAndParseSelector refused (path InvalidSelector or AmbiguousSelector). */
  selectorFailure: SelectorFailure | null;
}

export interface ReconcileResult {
  /** status.desiredReplicas after this pass. */
  desiredReplicas: number;
  /** Whether to write scale.spec.replicas = desiredReplicas. */
  rescale: boolean;
  status: HorizontalPodAutoscalerStatus;
  /** status.conditions, in the order they were first set. */
  conditions: HorizontalPodAutoscalerCondition[];
  /** The error reconcileAutoscaler returns (a partial metrics failure can still scale). */
  error: string | null;
  /** The histories: the input lists, edited in place (a new list when the input had none). */
  recommendations: RecommendationHistory;
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
  decision: HpaDecision;
}

/**
 * The tolerances the calculator gets: per-direction behavior tolerances where set
 * (HPAConfigurableTolerance, beta and on in 1.35), else the global flag.
 */
export function tolerancesForHpa(
  hpa: HorizontalPodAutoscaler,
  config: HorizontalControllerConfig,
  out: Tolerances = { scaleDown: 0, scaleUp: 0 },
): Tolerances {
  const behavior = hpa.spec.behavior;
  out.scaleDown = behavior?.scaleDown?.tolerance ?? config.tolerance;
  out.scaleUp = behavior?.scaleUp?.tolerance ?? config.tolerance;
  return out;
}

interface MetricComputation {
  replicaCountProposal: number;
  metricNameProposal: string;
  timestampProposal_ms: number;
  /** The failure condition (ScalingActive=False) and error, or null on success. */
  condition: ConditionUpdate | null;
  error: string | null;
  status: MetricStatus;
}

const ZERO_STATUS: MetricStatus = { type: "" };

// horizontal.go getUnableComputeReplicaCountCondition
function unableComputeReplicaCountCondition(reason: string, error: string): ConditionUpdate {
  return {
    type: "ScalingActive",
    status: "False",
    reason,
    message: `the HPA was unable to compute the replica count: ${error}`,
  };
}

function failed(reason: string, conditionError: string, error: string): MetricComputation {
  return {
    replicaCountProposal: 0,
    metricNameProposal: "",
    timestampProposal_ms: 0,
    condition: unableComputeReplicaCountCondition(reason, conditionError),
    error,
    status: ZERO_STATUS,
  };
}

function succeeded(replicas: number, name: string, timestamp_ms: number, status: MetricStatus): MetricComputation {
  return succeededInto(newMetricComputation(), replicas, name, timestamp_ms, status);
}

/** Sets `out` to a successful computation; returns it. */
function succeededInto(out: MetricComputation, replicas: number, name: string, timestamp_ms: number, status: MetricStatus): MetricComputation {
  out.replicaCountProposal = replicas;
  out.metricNameProposal = name;
  out.timestampProposal_ms = timestamp_ms;
  out.condition = null;
  out.error = null;
  out.status = status;
  return out;
}

/** A MetricComputation to fill (computeReplicasForMetric's `out`). */
function newMetricComputation(): MetricComputation {
  return { replicaCountProposal: 0, metricNameProposal: "", timestampProposal_ms: 0, condition: null, error: null, status: ZERO_STATUS };
}

/**
 * The status of a Resource or ContainerResource metric: `reusable` edited when it has the same
 * shape (the same source, and a utilization exactly when there is one now), else a new one.
 * `reusable` is a status of the reconcile's own list (never the stored status's), or undefined.
 */
function resourceMetricStatus(
  reusable: MetricStatus | undefined,
  sourceType: "Resource" | "ContainerResource",
  spec: ResourceMetricSource | ContainerResourceMetricSource,
  container: string,
  utilization_percent: number | undefined,
  averageValue_milli: Int64,
): MetricStatus {
  const source = reusable === undefined || reusable.type !== sourceType ? undefined
    : sourceType === "Resource" ? reusable.resource
    : reusable.containerResource !== undefined && reusable.containerResource.container === container ? reusable.containerResource
    : undefined;
  if (source !== undefined && source.name === spec.name && (source.current.averageUtilization_percent !== undefined) === (utilization_percent !== undefined)) {
    if (utilization_percent !== undefined) source.current.averageUtilization_percent = utilization_percent;
    source.current.averageValue_milli = averageValue_milli;
    return reusable!;
  }
  const current: MetricValueStatus = utilization_percent === undefined
    ? { averageValue_milli }
    : { averageUtilization_percent: utilization_percent, averageValue_milli };
  return sourceType === "Resource"
    ? { type: "Resource", resource: { name: spec.name, current } }
    : { type: "ContainerResource", containerResource: { name: spec.name, container, current } };
}

// horizontal.go computeStatusForResourceMetricGeneric: an AverageValue target wins over a
// Utilization one, whatever `target.type` says, as upstream checks the pointers. Fills `out`
// (its status from `reusable`, see resourceMetricStatus) and returns null, or returns the error.
function computeStatusForResourceMetricGeneric(
  calc: ReplicaCalculator,
  currentReplicas: number,
  spec: ResourceMetricSource | ContainerResourceMetricSource,
  container: string,
  sourceType: "Resource" | "ContainerResource",
  tolerances: Tolerances,
  out: MetricComputation,
  reusable: MetricStatus | undefined,
): string | null {
  const { name: resourceName, target } = spec;
  if (target.averageValue_milli !== null) {
    const r = calc.getRawResourceReplicas(currentReplicas, target.averageValue_milli, resourceName, tolerances, container);
    if (!r.ok) return `failed to get ${resourceName} usage: ${r.error}`;
    succeededInto(out, r.replicaCount, resourceUsageName(resourceName), r.timestamp_ms,
      resourceMetricStatus(reusable, sourceType, spec, container, undefined, r.usage));
    return null;
  }
  if (target.averageUtilization_percent === null) {
    return "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set";
  }
  const r = calc.getResourceReplicas(currentReplicas, target.averageUtilization_percent, resourceName, tolerances, container);
  if (!r.ok) return `failed to get ${resourceName} utilization: ${r.error}`;
  const name = sourceType === "ContainerResource" ? containerUtilizationName(resourceName) : utilizationName(resourceName);
  succeededInto(out, r.replicaCount, name, r.timestamp_ms,
    resourceMetricStatus(reusable, sourceType, spec, container, r.utilization, r.rawUtilization));
  return null;
}

/**
 * The texts a reconcile repeats at every sync, one copy each (by resource or metric name): the
 * status it builds is compared with the stored one (updateStatusIfNeeded), and equal strings
 * that are one object compare at once, where equal strings built anew are compared character
 * by character. Few distinct names, so the tables stay small.
 */
const UTILIZATION_NAMES = new Map<string, string>();
const RESOURCE_USAGE_NAMES = new Map<string, string>();
const CONTAINER_UTILIZATION_NAMES = new Map<string, string>();

function memoText(table: Map<string, string>, key: string, make: (key: string) => string): string {
  let text = table.get(key);
  if (text === undefined) {
    text = make(key);
    table.set(key, text);
  }
  return text;
}

const makeUtilizationName = (resourceName: string) => `${resourceName} resource utilization (percentage of request)`;
const makeContainerUtilizationName = (resourceName: string) => `${resourceName} container resource utilization (percentage of request)`;
const makeResourceUsageName = (resourceName: string) => `${resourceName} resource`;
const utilizationName = (resourceName: string) => memoText(UTILIZATION_NAMES, resourceName, makeUtilizationName);
const resourceUsageName = (resourceName: string) => memoText(RESOURCE_USAGE_NAMES, resourceName, makeResourceUsageName);
const containerUtilizationName = (resourceName: string) => memoText(CONTAINER_UTILIZATION_NAMES, resourceName, makeContainerUtilizationName);

// horizontal.go computeReplicasForMetric together with the computeStatusFor*Metric functions:
// one metric spec -> a replica proposal and its status, or a ScalingActive=False condition.
export function computeReplicasForMetric(
  calc: ReplicaCalculator,
  hpa: HorizontalPodAutoscaler,
  spec: MetricSpec,
  specReplicas: number,
  statusReplicas: number,
  tolerances: Tolerances,
  out: MetricComputation = newMetricComputation(),
  reusableStatus?: MetricStatus,
): MetricComputation {
  const namespace = hpa.metadata.namespace;
  switch (spec.type) {
    case "Object": {
      // computeStatusForObjectMetric
      const src = spec.object;
      if (src === undefined) return invalidSource("FailedGetObjectMetric", "object", "failed to get object metric value");
      const t = src.target;
      if (t.type === "Value" && t.value_milli !== null) {
        const r = calc.getObjectMetricReplicas(specReplicas, t.value_milli, src.metric.name, tolerances, src.describedObject, src.metric.selector, namespace);
        if (!r.ok) return failed("FailedGetObjectMetric", r.error, `failed to get object metric value: ${r.error}`);
        return succeeded(r.replicaCount, `${src.describedObject.kind} metric ${src.metric.name}`, r.timestamp_ms, {
          type: "Object",
          object: { describedObject: src.describedObject, metric: src.metric, current: { value_milli: r.usage } },
        });
      }
      if (t.type === "AverageValue" && t.averageValue_milli !== null) {
        const r = calc.getObjectPerPodMetricReplicas(statusReplicas, t.averageValue_milli, src.metric.name, tolerances, src.describedObject, src.metric.selector, namespace);
        if (!r.ok) {
          const inner = `failed to get ${src.metric.name} object metric: ${r.error}`;
          return failed("FailedGetObjectMetric", r.error, `failed to get object metric value: ${inner}`);
        }
        return succeeded(r.replicaCount, `external metric ${src.metric.name}(${formatSelector(src.metric.selector)})`, r.timestamp_ms, {
          type: "Object",
          object: { describedObject: src.describedObject, metric: src.metric, current: { averageValue_milli: r.usage } },
        });
      }
      const msg = "invalid object metric source: neither a value target nor an average value target was set";
      return failed("FailedGetObjectMetric", msg, `failed to get object metric value: ${msg}`);
    }
    case "Pods": {
      // computeStatusForPodsMetric
      const src = spec.pods;
      if (src === undefined || src.target.averageValue_milli === null) {
        // Upstream dereferences the target unchecked (API validation requires it); report it
        // as a spec error instead of crashing.
        const msg = "invalid pods metric source: average value target was not set";
        return failed("FailedGetPodsMetric", msg, `failed to get pods metric value: ${msg}`);
      }
      const r = calc.getMetricReplicas(specReplicas, src.target.averageValue_milli, src.metric.name, tolerances, src.metric.selector);
      if (!r.ok) return failed("FailedGetPodsMetric", r.error, `failed to get pods metric value: ${r.error}`);
      return succeeded(r.replicaCount, `pods metric ${src.metric.name}`, r.timestamp_ms, {
        type: "Pods",
        pods: { metric: src.metric, current: { averageValue_milli: r.usage } },
      });
    }
    case "Resource": {
      // computeStatusForResourceMetric
      const src = spec.resource;
      if (src === undefined) return invalidSource("FailedGetResourceMetric", "resource", "failed to get resource metric value");
      const error = computeStatusForResourceMetricGeneric(calc, specReplicas, src, "", "Resource", tolerances, out, reusableStatus);
      if (error !== null) return failed("FailedGetResourceMetric", error, `failed to get ${src.name} resource metric value: ${error}`);
      return out;
    }
    case "ContainerResource": {
      // computeStatusForContainerResourceMetric
      const src = spec.containerResource;
      if (src === undefined) return invalidSource("FailedGetContainerResourceMetric", "container resource", "failed to get container metric value");
      const error = computeStatusForResourceMetricGeneric(calc, specReplicas, src, src.container, "ContainerResource", tolerances, out, reusableStatus);
      if (error !== null) return failed("FailedGetContainerResourceMetric", error, `failed to get ${src.container} container metric value: ${error}`);
      return out;
    }
    case "External": {
      // computeStatusForExternalMetric: AverageValue is checked before Value, as upstream does.
      const src = spec.external;
      if (src === undefined) return invalidSource("FailedGetExternalMetric", "external", "failed to get external metric value");
      const t = src.target;
      const wrap = (e: string) => `failed to get ${src.metric.name} external metric value: ${e}`;
      const name = `external metric ${src.metric.name}(${formatSelector(src.metric.selector)})`;
      if (t.averageValue_milli !== null) {
        const r = calc.getExternalPerPodMetricReplicas(statusReplicas, t.averageValue_milli, src.metric.name, tolerances, src.metric.selector, namespace);
        if (!r.ok) return failed("FailedGetExternalMetric", r.error, wrap(`failed to get ${src.metric.name} external metric: ${r.error}`));
        return succeeded(r.replicaCount, name, r.timestamp_ms, {
          type: "External",
          external: { metric: src.metric, current: { averageValue_milli: r.usage } },
        });
      }
      if (t.value_milli !== null) {
        const r = calc.getExternalMetricReplicas(specReplicas, t.value_milli, src.metric.name, tolerances, src.metric.selector, namespace);
        if (!r.ok) return failed("FailedGetExternalMetric", r.error, wrap(`failed to get external metric ${src.metric.name}: ${r.error}`));
        return succeeded(r.replicaCount, name, r.timestamp_ms, {
          type: "External",
          external: { metric: src.metric, current: { value_milli: r.usage } },
        });
      }
      const msg = "invalid external metric source: neither a value target nor an average value target was set";
      return failed("FailedGetExternalMetric", msg, wrap(msg));
    }
    default: {
      // Invalid types are normally rejected by API validation.
      const msg = `unknown metric source type "${spec.type}"`;
      return failed("InvalidMetricSourceType", msg, msg);
    }
  }
}

// A MetricSpec whose type names a source it does not carry (Go would dereference nil).
function invalidSource(reason: string, what: string, prefix: string): MetricComputation {
  const msg = `invalid ${what} metric source: the ${what} source is not set`;
  return failed(reason, msg, `${prefix}: ${msg}`);
}

export interface ComputeReplicasForMetricsResult {
  /** The max proposal, or -1 when the HPA cannot act. */
  replicas: number;
  metric: string;
  timestamp_ms: number;
  error: string | null;
  /** The ScalingActive condition to set (a shared object: do not edit). */
  condition: ConditionUpdate;
}

/** Go's zero-valued condition, which upstream sets if there are no metric specs at all. */
const GO_ZERO_CONDITION: ConditionUpdate = Object.freeze({ type: "", status: "", reason: "", message: "" });

/** ScalingActive=True ValidMetricFound for a metric, one object per metric name (see memoText). */
const VALID_METRIC_FOUND_CONDITIONS = new Map<string, ConditionUpdate>();
function validMetricFoundCondition(metric: string): ConditionUpdate {
  let condition = VALID_METRIC_FOUND_CONDITIONS.get(metric);
  if (condition === undefined) {
    const message = `the HPA was able to successfully calculate a replica count from ${metric}`;
    condition = Object.freeze({ type: "ScalingActive", status: "True", reason: "ValidMetricFound", message });
    VALID_METRIC_FOUND_CONDITIONS.set(metric, condition);
  }
  return condition;
}

// horizontal.go computeReplicasForMetrics: the max over metrics. If every metric failed, or some
// failed and the valid ones would scale down, it returns -1 (no scaling) with the first failure's
// condition: a broken metric may block a scale-down but never a scale-up. Each metric's status
// goes in `statuses` and its computation in `perMetric` at its place (the lists refilled and cut
// to the number of metrics), the rest in `out`.
export function computeReplicasForMetrics(
  calc: ReplicaCalculator,
  hpa: HorizontalPodAutoscaler,
  scale: Scale,
  metricSpecs: readonly MetricSpec[],
  tolerances: Tolerances,
  statuses: MetricStatus[],
  perMetric: MetricComputation[],
  out: ComputeReplicasForMetricsResult,
): ComputeReplicasForMetricsResult {
  const specReplicas = scale.specReplicas;
  const statusReplicas = scale.statusReplicas;
  let invalidMetricsCount = 0;
  let invalidMetricError: string | null = null;
  let invalidMetricCondition = GO_ZERO_CONDITION;
  let replicas = 0;
  let metric = "";
  let timestamp_ms = 0;

  for (let i = 0; i < metricSpecs.length; i++) {
    // The computation and the status of the metric's place in the lists are refilled when they
    // can be (statuses is the reconcile's own status's list, never the stored one's).
    const c = computeReplicasForMetric(
      calc, hpa, metricSpecs[i], specReplicas, statusReplicas, tolerances, perMetric[i] ?? newMetricComputation(), statuses[i],
    );
    perMetric[i] = c;
    statuses[i] = c.status;
    if (c.error !== null) {
      if (invalidMetricsCount <= 0 && c.condition !== null) {
        invalidMetricCondition = c.condition;
        invalidMetricError = c.error;
      }
      invalidMetricsCount++;
      continue;
    }
    if (replicas === 0 || c.replicaCountProposal > replicas) {
      timestamp_ms = c.timestampProposal_ms;
      replicas = c.replicaCountProposal;
      metric = c.metricNameProposal;
    }
  }

  truncate(perMetric, metricSpecs.length);
  truncate(statuses, metricSpecs.length);
  if (invalidMetricError !== null) {
    invalidMetricError = `invalid metrics (${invalidMetricsCount} invalid out of ${metricSpecs.length}), first error is: ${invalidMetricError}`;
  }
  out.error = invalidMetricError;
  if (invalidMetricsCount >= metricSpecs.length || (invalidMetricsCount > 0 && replicas < specReplicas)) {
    out.replicas = -1;
    out.metric = "";
    out.timestamp_ms = 0;
    out.condition = invalidMetricCondition;
    return out;
  }
  out.replicas = replicas;
  out.metric = metric;
  out.timestamp_ms = timestamp_ms;
  out.condition = validMetricFoundCondition(metric);
  return out;
}

/** The decision record of each metric's computation, into `out` (its objects reused, its length set). */
function metricDecisions(specs: readonly MetricSpec[], perMetric: readonly MetricComputation[], out: MetricDecision[]): MetricDecision[] {
  for (let index = 0; index < perMetric.length; index++) {
    const c = perMetric[index];
    const s = c.status;
    if (index === out.length) {
      out.push({ index, type: "", metricName: "", replicas: null, current: null, timestamp_ms: null, failureReason: null, error: null });
    }
    const d = out[index];
    d.index = index;
    d.type = specs[index].type;
    d.metricName = c.metricNameProposal;
    d.replicas = c.error === null ? c.replicaCountProposal : null;
    d.current = s.resource?.current ?? s.containerResource?.current ?? s.pods?.current ?? s.object?.current ?? s.external?.current ?? null;
    d.timestamp_ms = c.error === null ? c.timestampProposal_ms : null;
    d.failureReason = c.condition?.reason ?? null;
    d.error = c.error;
  }
  truncate(out, perMetric.length);
  return out;
}

/**
 * Drops `list`'s entries from `length` on, if it has more (the lists here keep their length from
 * one sync to the next; setting an array's length is a call into V8's runtime even when it does
 * not change).
 */
function truncate(list: unknown[], length: number): void {
  if (list.length > length) list.length = length;
}

// horizontal.go setCondition, on the reconcile's own copy of the status conditions.
function setCondition(conditions: HorizontalPodAutoscalerCondition[], u: ConditionUpdate, now_ms: number): void {
  setConditionInOwnList(conditions, u.type, u.status, u.reason, u.message, now_ms);
}

const SUCCEEDED_GET_SCALE: ConditionUpdate = Object.freeze({
  type: "AbleToScale",
  status: "True",
  reason: "SucceededGetScale",
  message: "the HPA controller was able to get the target's current scale",
});

const SCALING_DISABLED: ConditionUpdate = Object.freeze({
  type: "ScalingActive",
  status: "False",
  reason: "ScalingDisabled",
  message: "scaling is disabled since the replica count of the target is zero",
});

// horizontal.go reconcileAutoscaler, from the point the scale was read (AbleToScale=True
// SucceededGetScale) to the status it would write.
export function reconcileAutoscaler(input: ReconcileInput): ReconcileResult {
  const { hpa, scale, config, now_ms } = input;
  const scratch = input.scratch ?? newReconcileScratch();
  const status = scratch.status;
  if (status === hpa.status) throw new Error("reconcileAutoscaler: the scratch status is the HPA's stored status");
  const conditions = status.conditions;
  copyConditionsInto(conditions, hpa.status.conditions);
  setCondition(conditions, SUCCEEDED_GET_SCALE, now_ms);
  const currentReplicas = scale.specReplicas;
  // recordInitialRecommendation: seed only a history that does not exist yet.
  const recommendations = input.recommendations ?? RecommendationHistory.of([{ recommendation: currentReplicas, timestamp_ms: now_ms }]);
  const scaleUpEvents = input.scaleUpEvents;
  const scaleDownEvents = input.scaleDownEvents;

  const minReplicas = hpa.spec.minReplicas ?? 1;
  const maxReplicas = hpa.spec.maxReplicas;
  const decision = beginDecision(scratch.decision, now_ms, currentReplicas, minReplicas, maxReplicas);
  const tolerances = tolerancesForHpa(hpa, config, decision.tolerances);
  // The API server defaults behavior before the controller sees it; do it here too so a
  // partially written behavior behaves as in a cluster.
  const behavior = setDefaultsHorizontalPodAutoscalerBehavior(hpa.spec.behavior);


  // The metric statuses go in this status's own list (the stored status has another): filled
  // where the metrics are computed below, emptied on the paths that compute none.
  const metricStatuses = status.currentMetrics;
  let desiredReplicas = 0;
  let rescaleReason = "";
  let rescale = true;
  let retErr: string | null = null;
  let selectorFailure: SelectorFailure | null;

  if (currentReplicas === 0 && minReplicas !== 0) {
    // Autoscaling is disabled for this target (someone scaled it to zero).
    desiredReplicas = 0;
    rescale = false;
    decision.path = "ScalingDisabled";
    truncate(metricStatuses, 0);
    setCondition(conditions, SCALING_DISABLED, now_ms);
  } else if (currentReplicas > maxReplicas) {
    rescaleReason = "Current number of replicas above Spec.MaxReplicas";
    desiredReplicas = maxReplicas;
    decision.path = "AboveMaxReplicas";
    truncate(metricStatuses, 0);
  } else if (currentReplicas < minReplicas) {
    rescaleReason = "Current number of replicas below Spec.MinReplicas";
    desiredReplicas = minReplicas;
    decision.path = "BelowMinReplicas";
    truncate(metricStatuses, 0);
  } else if ((selectorFailure = input.validateAndParseSelector?.() ?? null) !== null) {
    // computeReplicasForMetrics returns -1 and validateAndParseSelector's error before reading any
    // metric; reconcileAutoscaler keeps the previous desired count (setCurrentReplicasAndMetricsInStatus
    // with nil statuses).
    setCondition(conditions, {
      type: "ScalingActive",
      status: "False",
      reason: selectorFailure.conditionReason,
      message: selectorFailure.conditionMessage,
    }, now_ms);
    decision.path = selectorFailure.conditionReason;
    decision.metricDesiredReplicas = -1;
    decision.selectorFailure = selectorFailure;
    truncate(metricStatuses, 0);
    return metricsFailed(input, currentReplicas, scratch, selectorFailure.error, recommendations);
  } else {
    const calc = calculatorFor(scratch, input);
    const computed = computeReplicasForMetrics(calc, hpa, scale, hpa.spec.metrics, tolerances, metricStatuses, scratch.perMetric, scratch.computed);
    decision.metrics = metricDecisions(hpa.spec.metrics, scratch.perMetric, scratch.metricDecisions);
    decision.metricDesiredReplicas = computed.replicas;
    decision.metricName = computed.metric;
    setCondition(conditions, computed.condition, now_ms);

    if (computed.error !== null && computed.replicas === -1) {
      decision.path = "MetricsFailed";
      return metricsFailed(input, currentReplicas, scratch, computed.error, recommendations);
    }
    // Some metrics failed but the rest still allow scaling: scale, and report the error.
    retErr = computed.error;

    let rescaleMetric = "";
    if (computed.replicas > desiredReplicas) {
      desiredReplicas = computed.replicas;
      rescaleMetric = computed.metric;
    }
    if (desiredReplicas > currentReplicas) rescaleReason = `${rescaleMetric} above target`;
    if (desiredReplicas < currentReplicas) rescaleReason = "All metrics below target";

    const normalization = scratch.normalization;
    const normalized =
      behavior === null
        ? normalizeDesiredReplicas(
            recommendations,
            currentReplicas,
            desiredReplicas,
            minReplicas,
            maxReplicas,
            config.downscaleStabilisationWindow_ms,
            config.scaleUpLimitFactor,
            config.scaleUpLimitMinimum,
            now_ms,
            normalization,
          )
        : normalizeDesiredReplicasWithBehaviors(
            recommendations,
            scaleUpEvents,
            scaleDownEvents,
            { scaleUp: behavior.scaleUp!, scaleDown: behavior.scaleDown! },
            currentReplicas,
            desiredReplicas,
            minReplicas,
            maxReplicas,
            config.downscaleStabilisationWindow_ms,
            now_ms,
            normalization,
          );
    setCondition(conditions, normalized.ableToScale, now_ms);
    setCondition(conditions, normalized.scalingLimited, now_ms);
    decision.stabilizedReplicas = normalized.stabilizedReplicas;
    decision.limitedReplicas = normalized.desiredReplicas;
    decision.stabilizationReason = normalized.ableToScale.reason;
    decision.limitingReason = normalized.limited.reason;
    desiredReplicas = normalized.desiredReplicas;
    rescale = desiredReplicas !== currentReplicas;
  }

  if (rescale) {
    setCondition(conditions, {
      type: "AbleToScale",
      status: "True",
      reason: "SucceededRescale",
      message: `the HPA controller was able to update the target scale to ${desiredReplicas}`,
    }, now_ms);
    storeScaleEvent(behavior, scaleUpEvents, scaleDownEvents, currentReplicas, desiredReplicas, now_ms);
  } else {
    desiredReplicas = currentReplicas;
  }

  setStatus(status, currentReplicas, desiredReplicas, rescale ? now_ms : hpa.status.lastScaleTime_ms);
  decision.rescaleReason = rescaleReason;
  decision.desiredReplicas = desiredReplicas;
  decision.rescale = rescale;
  return finishResult(scratch, desiredReplicas, rescale, retErr, recommendations, scaleUpEvents, scaleDownEvents);
}

// reconcileAutoscaler when computeReplicasForMetrics returned -1 and an error:
// setCurrentReplicasAndMetricsInStatus keeps the previous desired count, and nothing scales.
function metricsFailed(
  input: ReconcileInput,
  currentReplicas: number,
  scratch: ReconcileScratch,
  error: string,
  recommendations: RecommendationHistory,
): ReconcileResult {
  const hpa = input.hpa;
  const status = scratch.status;
  scratch.decision.desiredReplicas = hpa.status.desiredReplicas;
  setStatus(status, currentReplicas, hpa.status.desiredReplicas, hpa.status.lastScaleTime_ms);
  const message = `failed to compute desired number of replicas based on listed metrics for ${hpa.spec.scaleTargetRef.kind}/${hpa.metadata.namespace}/${hpa.spec.scaleTargetRef.name}: ${error}`;
  return finishResult(scratch, status.desiredReplicas, false, message, recommendations, input.scaleUpEvents, input.scaleDownEvents);
}

// horizontal.go setStatus (its conditions and metric statuses are already on `status`, set as
// the reconcile went).
function setStatus(status: HorizontalPodAutoscalerStatus, currentReplicas: number, desiredReplicas: number, lastScaleTime_ms: number | null): void {
  status.currentReplicas = currentReplicas;
  status.desiredReplicas = desiredReplicas;
  status.lastScaleTime_ms = lastScaleTime_ms;
}

/** findCpuUtilization in horizontal_test.go: the first Resource cpu metric's utilization. */
export function findCpuUtilization(statuses: readonly MetricStatus[]): number | null {
  for (const s of statuses) {
    if (s.type === "Resource" && s.resource?.name === "cpu") return s.resource.current.averageUtilization_percent ?? null;
  }
  return null;
}
