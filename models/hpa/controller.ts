/**
 * The HPA controller in the simulation: horizontal.go HorizontalController's loop around the pure
 * `reconcileAutoscaler`. Each HPA is reconciled every sync period (default 15 s) with its own
 * phase; it reads the target's scale subresource, lists the pods its selector matches, reads
 * metrics only through the metrics APIs (never true usage), writes scale.spec.replicas when it
 * rescales and stores its status. Recommendation and scale-event histories live in controller
 * memory, as upstream keeps them.
 *
 * Upstream order (horizontal.go reconcileAutoscaler): get scale -> FailedGetScale condition on
 * error; list pods by the scale's selector; compute; on rescale update the scale
 * (SuccessfulRescale event, "New size: N; reason: ..."), then update the HPA status.
 */
import type { PeriodicTimer, Simulation } from "../../engine/index.js";
import { Recorder } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { PodSelection } from "../cluster/pod-index.js";
import { objectKey, type ClusterStore, type StoredObject } from "../cluster/store.js";
import type { LabelSelector, ObjectMeta, Pod } from "../cluster/types.js";
import { handleOfContainerId, PodHandle } from "../kubelet/pod-handles.js";
import { labelSelectorIsEmpty } from "../cluster/labels.js";
import { setConditionInList } from "./conditions.js";
import { getScaleError } from "./get-scale.js";
import { AmbiguityCheck, formatLabelSelector, hpaKey, HpaSelectors } from "./hpa-selectors.js";
import type { MetricsClient } from "./metrics-client.js";
import { newReconcileScratch, reconcileAutoscaler, tolerancesForHpa, type HpaDecision, type ReconcileInput, type SelectorFailure } from "./reconcile.js";
import type { RecommendationHistory } from "./normalization.js";
import { PodListMemo } from "./replica-calculator.js";
import { conditionsEqual, hpaStatusEqual } from "./status-equal.js";
import {
  DEFAULT_HORIZONTAL_CONTROLLER_CONFIG,
  type HorizontalControllerConfig,
  type HorizontalPodAutoscalerCondition,
  type HorizontalPodAutoscaler,
  type Scale,
  type TimestampedScaleEvent,
} from "./types.js";
import { int64ToJSON, type Int64 } from "./int64.js";

/** An HPA as the store holds it (full object metadata). */
export type StoredHorizontalPodAutoscaler = HorizontalPodAutoscaler & { metadata: ObjectMeta };

export interface HpaControllerConfig extends HorizontalControllerConfig {
  /** --horizontal-pod-autoscaler-sync-period (default 15 s). */
  syncPeriod_ms: number;
  /**
   * Delay from an HPA's creation to its first sync. null draws it uniformly from
   * [0, syncPeriod) per HPA (stream `hpa/<namespace>/<name>`), as HPAs created at arbitrary
   * moments are not phase-aligned with each other or with metrics-server.
   */
  firstSyncDelay_ms: number | null;
  /**
   * The HPAScaleToZero feature gate (alpha, off by default): the API server then accepts
   * minReplicas 0 for an HPA with an Object or External metric, and the HPA scales its target
   * to zero and back (reconcile's ScalingDisabled applies only when minReplicas is not 0).
   */
  scaleToZero: boolean;
}

export const DEFAULT_HPA_CONTROLLER_CONFIG: Readonly<HpaControllerConfig> = Object.freeze({
  ...DEFAULT_HORIZONTAL_CONTROLLER_CONFIG,
  syncPeriod_ms: 15_000,
  firstSyncDelay_ms: null,
  scaleToZero: false,
});

/** A workload the HPA can scale: anything with spec.replicas, status.replicas and a selector. */
interface ScalableObject extends StoredObject {
  spec: { replicas: number; selector: LabelSelector };
  status: { replicas: number };
}

/**
 * Builds the metrics client an HPA reads, over the pods its selector picked; `podHandles`
 * (optional) holds their handles as their ContainerIDs give them. The client reads the metrics
 * APIs when asked, so the controller keeps it while the selected pods stay the same.
 */
export type MetricsClientFactory = (namespace: string, podNames: readonly string[], podHandles?: Float64Array) => MetricsClient;

export const DECISION_COLUMNS = [
  "time_s", "hpa", "current_replicas", "metrics", "metric_desired_replicas", "stabilized_replicas",
  "limited_replicas", "desired_replicas", "rescale", "path", "stabilization_reason", "limiting_reason",
  "able_to_scale", "scaling_active", "scaling_limited",
] as const;

interface HpaState {
  timer: PeriodicTimer | null;
  /** `<namespace>/<name>`, the decision log's hpa cell and the hpaSelectors key. */
  key: string;
  namespace: string;
  /** The histories, edited in place by each reconcile (as upstream's controller maps). */
  recommendations: RecommendationHistory | null;
  scaleUpEvents: TimestampedScaleEvent[];
  scaleDownEvents: TimestampedScaleEvent[];
  /** The reconcile's input, its fields set at each sync (the scratch of what it fills in among them). */
  input: ReconcileInput;
  /** The target's scale as the sync read it (the input's `scale`). */
  scale: Scale;
  /** The metrics client over the selected pods, made when they change (null before the first sync). */
  metricsClient: MetricsClient | null;
  /** The latest decision, for time series and tests. */
  lastDecision: HpaDecision | null;
  /** The target's pods as of the last sync, reused while unchanged. */
  selection: PodSelection;
  /** The selected pods' handles, from their ContainerIDs (pod-handles.ts), made when `selection` changes. */
  podHandles: Float64Array;
  /** What the calculator derived from the selected pods, valid while `selection` is unchanged. */
  podListMemo: PodListMemo;
  /** The name of the target last looked up and its store key (objectKey). */
  targetName: string | null;
  targetKey: string;
  /** The target being reconciled, for validateAndParseSelector. */
  target: ScalableObject | null;
  /** This HPA's validateAndParseSelector, made once so a sync allocates no closure. */
  validateAndParseSelector: () => SelectorFailure | null;
  /** The selector last checked for emptiness, and the refusal it got (null = usable). */
  checkedSelector: LabelSelector | null;
  selectorRequired: SelectorFailure | null;
  ambiguity: AmbiguityCheck;
  /** The controlling-HPA list the cached AmbiguousSelector refusal was written for. */
  ambiguousHpas: readonly string[] | null;
  ambiguousSelector: SelectorFailure | null;
  /** The decision log's metrics cell for a single metric (see singleMetricCell). */
  metricCell: MetricCell;
  /** The decision log's AbleToScale, ScalingActive and ScalingLimited cells as last written (see conditionCell). */
  conditionCells: [ConditionCell, ConditionCell, ConditionCell];
  /** This HPA's rows' stream in the decision log (Recorder.add): each HPA mostly repeats its own texts. */
  decisionStream: number;
}

/** A condition's decision-log cell and the status and reason it was written for. */
interface ConditionCell {
  /** null before the first write. */
  status: string | null;
  reason: string;
  text: string;
}

const newConditionCell = (): ConditionCell => ({ status: null, reason: "", text: "" });

export class HorizontalController {
  /** One row per HPA sync: why it scaled (or did not). */
  readonly decisions = new Recorder(DECISION_COLUMNS);
  private readonly states = new Map<string, HpaState>();
  /** horizontal.go HorizontalController.hpaSelectors: which HPA claims which pods. */
  private readonly hpaSelectors = new HpaSelectors();
  /** recordDecision's row, refilled for each sync. */
  private readonly decisionRow: (number | string)[] = new Array(DECISION_COLUMNS.length).fill(0);
  /** Decision-log streams given to HPAs so far (see HpaState.decisionStream). */
  private decisionStreams = 0;
  /** conditionCell's texts, by status then reason. */
  private readonly conditionCells = new Map<string, Map<string, string>>();
  /** Called after every sync with the decision (time series, tests). */
  onDecision: ((hpa: StoredHorizontalPodAutoscaler, decision: HpaDecision) => void) | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly metricsClientFor: MetricsClientFactory,
    private readonly config: Readonly<HpaControllerConfig> = DEFAULT_HPA_CONTROLLER_CONFIG,
  ) {
    store.watch<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", (type, hpa) => {
      if (type === "ADDED") {
        this.start(hpa);
        this.enqueueHPA(hpa);
      } else if (type === "MODIFIED") {
        this.enqueueHPA(hpa);
      } else if (type === "DELETED") {
        this.stop(hpa);
        this.deleteHPA(hpa);
      }
    });
  }

  /** The latest decision of the HPA whose key (`hpaKey(namespace, name)`) is `key`; null before its first sync. */
  lastDecision(key: string): HpaDecision | null {
    return this.states.get(key)?.lastDecision ?? null;
  }

  // horizontal.go enqueueHPA (add and update): register the HPA with labels.Nothing(); its
  // selector goes in when a reconcile reaches validateAndParseSelector.
  private enqueueHPA(hpa: StoredHorizontalPodAutoscaler): void {
    const key = hpaKey(hpa.metadata.namespace, hpa.metadata.name);
    if (!this.hpaSelectors.selectorExists(key)) this.hpaSelectors.putSelector(key, hpa.metadata.namespace, null);
  }

  // horizontal.go deleteHPA: remove the HPA and its selector.
  private deleteHPA(hpa: StoredHorizontalPodAutoscaler): void {
    this.hpaSelectors.deleteSelector(hpaKey(hpa.metadata.namespace, hpa.metadata.name), hpa.metadata.namespace);
  }

  private start(hpa: StoredHorizontalPodAutoscaler): void {
    const key = hpaKey(hpa.metadata.namespace, hpa.metadata.name);
    const firstDelay_ms =
      this.config.firstSyncDelay_ms ?? Math.floor(this.sim.rng.stream(`hpa/${key}`).uniform(0, this.config.syncPeriod_ms));
    const state: HpaState = {
      key, namespace: hpa.metadata.namespace, timer: null, recommendations: null, scaleUpEvents: [], scaleDownEvents: [], lastDecision: null,
      selection: new PodSelection(), podHandles: new Float64Array(0), podListMemo: new PodListMemo(), targetName: null, targetKey: "", target: null,
      validateAndParseSelector: () => this.validateAndParseSelector(state),
      checkedSelector: null, selectorRequired: null,
      ambiguity: new AmbiguityCheck(key, hpa.metadata.namespace), ambiguousHpas: null, ambiguousSelector: null,
      metricCell: newMetricCell(), conditionCells: [newConditionCell(), newConditionCell(), newConditionCell()], scale: { specReplicas: 0, statusReplicas: 0 }, metricsClient: null, input: null!,
      decisionStream: this.decisionStreams++,
    };
    state.input = {
      hpa, scale: state.scale, pods: [], podListMemo: state.podListMemo, metricsClient: null!, recommendations: null,
      scaleUpEvents: state.scaleUpEvents, scaleDownEvents: state.scaleDownEvents, config: this.config, now_ms: 0,
      validateAndParseSelector: state.validateAndParseSelector, scratch: newReconcileScratch(),
    };
    this.states.set(key, state);
    state.timer = this.sim.every(this.config.syncPeriod_ms, (now_ms) => this.sync(hpa, state, now_ms), { phase_ms: firstDelay_ms });
  }

  private stop(hpa: StoredHorizontalPodAutoscaler): void {
    const key = hpaKey(hpa.metadata.namespace, hpa.metadata.name);
    this.states.get(key)?.timer?.cancel();
    this.states.delete(key);
  }

  /** One reconcileAutoscaler pass for one HPA. */
  private sync(hpa: StoredHorizontalPodAutoscaler, state: HpaState, now_ms: number): void {
    const namespace = hpa.metadata.namespace;
    const ref = hpa.spec.scaleTargetRef;
    // The target's store key, built again only when the reference names another object.
    if (ref.name !== state.targetName) {
      state.targetName = ref.name;
      state.targetKey = objectKey(namespace, ref.name);
    }
    const target = this.store.getByKey<ScalableObject>(ref.kind, state.targetKey);
    const getScaleFailure = getScaleError(ref, target !== undefined);
    // getScaleError is null only for a target that exists.
    if (getScaleFailure !== null || target === undefined) {
      // horizontal.go reconcileAutoscaler: a FailedGetScale event with the error, AbleToScale=False
      // on the status, and nothing else done this sync.
      this.events.emit(now_ms, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", hpa.metadata.name, "Warning", "FailedGetScale", getScaleFailure!);
      const conditions = setConditionInList(hpa.status.conditions, "AbleToScale", "False", "FailedGetScale",
        `the HPA controller was unable to get the target's current scale: ${getScaleFailure!}`, now_ms);
      // updateStatusIfNeeded
      if (!conditionsEqual(hpa.status.conditions, conditions)) {
        hpa.status.conditions = conditions;
        this.store.update(hpa);
      }
      const decision = failedGetScaleDecision(hpa, this.config, now_ms);
      state.lastDecision = decision;
      this.recordDecision(state, decision, hpa.status.conditions, now_ms);
      this.onDecision?.(hpa, decision);
      return;
    }
    const selectionChanged = state.selection.refresh(this.store, namespace, target.spec.selector);
    if (selectionChanged) {
      state.podListMemo.clear();
      state.podHandles = Float64Array.from(state.selection.pods, podHandle);
    }
    // The client reads the metrics APIs when asked: one serves every sync over these pods.
    if (selectionChanged || state.metricsClient === null) {
      state.metricsClient = this.metricsClientFor(namespace, state.selection.names, state.podHandles);
    }
    state.target = target;
    state.scale.specReplicas = target.spec.replicas;
    state.scale.statusReplicas = target.status.replicas;
    const input = state.input;
    input.hpa = hpa;
    input.pods = state.selection.pods;
    input.recommendations = state.recommendations;
    input.metricsClient = state.metricsClient;
    input.now_ms = now_ms;
    const result = reconcileAutoscaler(input);
    state.target = null;
    state.recommendations = result.recommendations;
    state.lastDecision = result.decision;

    if (result.rescale) {
      const previous = target.spec.replicas;
      target.spec.replicas = result.desiredReplicas;
      this.store.update(target);
      this.events.emit(now_ms, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", hpa.metadata.name, "Normal", "SuccessfulRescale",
        `New size: ${result.desiredReplicas}; reason: ${result.decision.rescaleReason} (was ${previous})`);
    } else if (result.decision.selectorFailure !== null) {
      // validateAndParseSelector's event, then reconcileAutoscaler's FailedComputeMetricsReplicas
      // with the same error (computeReplicasForMetrics returns it unwrapped).
      const failure = result.decision.selectorFailure;
      this.events.emit(now_ms, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", hpa.metadata.name, "Warning", failure.eventReason, failure.error);
      this.events.emit(now_ms, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", hpa.metadata.name, "Warning",
        "FailedComputeMetricsReplicas", failure.error);
    } else if (result.error !== null) {
      this.events.emit(now_ms, "horizontal-pod-autoscaler", "HorizontalPodAutoscaler", hpa.metadata.name, "Warning",
        result.decision.metrics.find((m) => m.failureReason !== null)?.failureReason ?? "FailedComputeMetricsReplicas", result.error);
    }
    // horizontal.go updateStatusIfNeeded: an unchanged status is not written.
    if (!hpaStatusEqual(hpa.status, result.status)) {
      // The reconcile's status is stored, and the one it replaces is the next reconcile's to fill.
      state.input.scratch!.status = hpa.status;
      hpa.status = result.status;
      this.store.update(hpa);
    }
    this.recordDecision(state, result.decision, result.status.conditions, now_ms);
    this.onDecision?.(hpa, result.decision);
  }

  /**
   * horizontal.go validateAndParseSelector for the target being reconciled. The scale
   * subresource's status.selector is the workload's selector printed by the API server
   * (scaleFromDeployment: LabelSelectorAsSelector(...).String()), so it is "" exactly when the
   * selector is empty, and it always parses: a selector LabelSelectorAsSelector refuses fails
   * the scale GET instead (FailedGetScale), and upstream's "couldn't convert selector into a
   * corresponding internal selector object" needs a custom resource's free-form selector string,
   * which the simulation has no kind for.
   */
  private validateAndParseSelector(state: HpaState): SelectorFailure | null {
    const selector = state.target!.spec.selector;
    if (selector !== state.checkedSelector) {
      state.checkedSelector = selector;
      state.selectorRequired = labelSelectorIsEmpty(selector)
        ? {
            eventReason: "SelectorRequired",
            error: "selector is required",
            conditionReason: "InvalidSelector",
            conditionMessage: "the HPA target's scale is missing a selector",
          }
        : null;
    }
    if (state.selectorRequired !== null) return state.selectorRequired;
    // Update the HPA's selector only if it was registered in enqueueHPA.
    if (this.hpaSelectors.selectorExists(state.key)) this.hpaSelectors.putSelector(state.key, state.namespace, selector);
    const selectingHpas = state.ambiguity.multipleControllers(this.hpaSelectors, selector, state.selection.pods);
    if (selectingHpas === null) return null;
    if (selectingHpas !== state.ambiguousHpas) {
      // Go prints the []selectors.Key as "[ns/a ns/b]".
      const error = `pods by selector ${formatLabelSelector(selector)} are controlled by multiple HPAs: [${selectingHpas.join(" ")}]`;
      state.ambiguousHpas = selectingHpas;
      state.ambiguousSelector = { eventReason: "AmbiguousSelector", error, conditionReason: "AmbiguousSelector", conditionMessage: error };
    }
    return state.ambiguousSelector;
  }

  /**
   * The decision-log cell of a condition, "<status>/<reason>" or "" when it is not set. One copy
   * of each text, by status and reason, without building it again: a day of 100 HPAs is 576,000
   * rows, and a fresh string per cell per row would be built every sync and kept for the whole
   * run. Few distinct values, so the table stays small.
   */
  private conditionCell(conditions: readonly HorizontalPodAutoscalerCondition[], type: string, last: ConditionCell): string {
    for (let i = 0; i < conditions.length; i++) {
      const c = conditions[i];
      if (c.type !== type) continue;
      // Most syncs repeat the HPA's last status and reason: two compares instead of two lookups.
      if (c.status === last.status && c.reason === last.reason) return last.text;
      last.status = c.status;
      last.reason = c.reason;
      let byReason = this.conditionCells.get(c.status);
      if (byReason === undefined) {
        byReason = new Map();
        this.conditionCells.set(c.status, byReason);
      }
      let text = byReason.get(c.reason);
      if (text === undefined) {
        text = `${c.status}/${c.reason}`;
        byReason.set(c.reason, text);
      }
      last.text = text;
      return text;
    }
    return "";
  }

  private recordDecision(
    state: HpaState,
    d: HpaDecision,
    conditions: readonly HorizontalPodAutoscalerCondition[],
    now_ms: number,
  ): void {
    // The recorder copies the cells, so one row array serves every sync.
    const row = this.decisionRow;
    row[0] = now_ms / 1000;
    row[1] = state.key;
    row[2] = d.currentReplicas;
    row[3] = d.metrics.length === 1 ? singleMetricCell(state.metricCell, d.metrics[0]) : d.metrics.map(describeMetricValue).join("; ");
    row[4] = blank(d.metricDesiredReplicas);
    row[5] = blank(d.stabilizedReplicas);
    row[6] = blank(d.limitedReplicas);
    row[7] = d.desiredReplicas;
    row[8] = d.rescale ? "true" : "false";
    row[9] = d.path;
    row[10] = blank(d.stabilizationReason);
    row[11] = blank(d.limitingReason);
    const cells = state.conditionCells;
    row[12] = this.conditionCell(conditions, "AbleToScale", cells[0]);
    row[13] = this.conditionCell(conditions, "ScalingActive", cells[1]);
    row[14] = this.conditionCell(conditions, "ScalingLimited", cells[2]);
    this.decisions.add(row, state.decisionStream);
  }
}

/** A pod's handle, as its first container's ContainerID gives it (PodHandle.None while none runs). */
function podHandle(pod: Pod): number {
  const statuses = pod.status.containerStatuses;
  return statuses.length === 0 ? PodHandle.None : handleOfContainerId(statuses[0].containerID);
}

/** The decision of a sync that could not read the scale: nothing computed, the status kept. */
function failedGetScaleDecision(hpa: StoredHorizontalPodAutoscaler, config: HorizontalControllerConfig, now_ms: number): HpaDecision {
  return {
    now_ms, path: "FailedGetScale", currentReplicas: hpa.status.currentReplicas, minReplicas: hpa.spec.minReplicas ?? 1,
    maxReplicas: hpa.spec.maxReplicas, tolerances: tolerancesForHpa(hpa, config), metrics: [], metricDesiredReplicas: null,
    metricName: "", stabilizedReplicas: null, limitedReplicas: null, stabilizationReason: null, limitingReason: null,
    rescaleReason: "", desiredReplicas: hpa.status.desiredReplicas, rescale: false, selectorFailure: null,
  };
}

/** A decision-log cell for an optional value: "" when absent. */
function blank(v: number | string | null): number | string {
  return v === null ? "" : v;
}

/**
 * The decision log's metrics cell for a single metric, and the fields of the decision it was
 * described from (describeMetricValue reads exactly these): most syncs of a steady HPA see the
 * same value and proposal, and the same string object then costs neither building nor hashing
 * when the decision log interns it. Copies, not the decision itself, which the next sync reuses.
 */
interface MetricCell {
  text: string;
  described: boolean;
  metricName: string;
  type: string;
  failureReason: string | null;
  replicas: number | null;
  hasCurrent: boolean;
  averageUtilization_percent: number | undefined;
  averageValue_milli: Int64 | undefined;
  value_milli: Int64 | undefined;
}

function newMetricCell(): MetricCell {
  return {
    text: "", described: false, metricName: "", type: "", failureReason: null, replicas: null, hasCurrent: false,
    averageUtilization_percent: undefined, averageValue_milli: undefined, value_milli: undefined,
  };
}

/** describeMetricValue of the one metric, reusing the cell's text when it describes the same thing. */
function singleMetricCell(cell: MetricCell, m: HpaDecision["metrics"][number]): string {
  const c = m.current;
  if (
    cell.described && cell.metricName === m.metricName && cell.type === m.type && cell.failureReason === m.failureReason &&
    cell.replicas === m.replicas && cell.hasCurrent === (c !== null) &&
    (c === null ||
      (cell.averageUtilization_percent === c.averageUtilization_percent && cell.averageValue_milli === c.averageValue_milli && cell.value_milli === c.value_milli))
  ) {
    return cell.text;
  }
  cell.text = describeMetricValue(m);
  cell.described = true;
  cell.metricName = m.metricName;
  cell.type = m.type;
  cell.failureReason = m.failureReason;
  cell.replicas = m.replicas;
  cell.hasCurrent = c !== null;
  cell.averageUtilization_percent = c?.averageUtilization_percent;
  cell.averageValue_milli = c?.averageValue_milli;
  cell.value_milli = c?.value_milli;
  return cell.text;
}

/** "cpu resource utilization (percentage of request)=483%" or the failure reason. */
export function describeMetricValue(m: HpaDecision["metrics"][number]): string {
  if (m.current === null) return `${m.metricName || m.type}: ${m.failureReason ?? "failed"}`;
  const c = m.current;
  const value =
    c.averageUtilization_percent !== undefined ? `${c.averageUtilization_percent}%`
    : c.averageValue_milli !== undefined ? `${String(int64ToJSON(c.averageValue_milli))}m avg`
    : c.value_milli !== undefined ? `${String(int64ToJSON(c.value_milli))}m`
    : "?";
  return `${m.metricName}=${value} -> ${m.replicas ?? "?"}`;
}
