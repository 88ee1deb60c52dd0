/**
 * Port of pkg/controller/podautoscaler/replica_calculator.go (the 1.34/1.35 line: Tolerances
 * {scaleDown, scaleUp}, groupPods returning four sets, fallback max(100, target) for missing pods
 * on scale-down, calculateRequests with pod-level requests and restartable sidecars).
 *
 * Pure: the pods are the list the controller's lister returned, the metrics come from a
 * MetricsClient, and `now_ms` replaces time.Now(). Errors are returned, never thrown, with
 * upstream's messages. A successful getResourceReplicas answer is an object the calculator
 * refills at its next call (the HPA controller keeps one calculator per HPA, `reset` at each
 * sync): read it at once.
 */
import { getPodCondition, type Container, type LabelSelector, type Pod } from "../cluster/types.js";
import {
  addInt64,
  compareInt64,
  divInt64,
  float64ToInt32,
  float64ToInt64,
  int64ToFloat64,
  MAX_INT32,
  MAX_INT64,
  mulInt64,
  normalizeInt64,
  toBigInt,
  type Int64,
} from "./int64.js";
import { resourceMilliValue, type MetricsClient, type MetricsResult, type PodMetricsInfo } from "./metrics-client.js";
import { PodMetricRows } from "./pod-metric-rows.js";
import type { CrossVersionObjectReference, ResourceName } from "./types.js";
import { getMetricUsageRatioOfRows, getResourceUtilizationRatioOfRows, newUtilizationRatio } from "./utilization.js";

/** replica_calculator.go Tolerances: usage-ratio tolerances per direction. */
export interface Tolerances {
  scaleDown: number;
  scaleUp: number;
}

// replica_calculator.go Tolerances.isWithin: inclusive on both sides.
export function isWithin(t: Tolerances, usageRatio: number): boolean {
  return 1.0 - t.scaleDown <= usageRatio && usageRatio <= 1.0 + t.scaleUp;
}

export interface CalcError {
  ok: false;
  error: string;
}

export interface ResourceReplicasResult {
  ok: true;
  replicaCount: number;
  /** Integer percent of request, as reported in status.currentMetrics. */
  utilization: number;
  /** Mean usage per pod in milli-units (rawUtilization upstream). */
  rawUtilization: Int64;
  timestamp_ms: number;
}

export interface UsageReplicasResult {
  ok: true;
  replicaCount: number;
  /** The usage upstream reports (per pod for averages, total for values), in milli-units. */
  usage: Int64;
  timestamp_ms: number;
}

export interface GroupedPods {
  readyPodCount: number;
  unreadyPods: Set<string>;
  missingPods: Set<string>;
  ignoredPods: Set<string>;
}

/** Go's zero time.Time, used where upstream returns time.Time{} on failure. */
export const GO_ZERO_TIME_MS = -1e14;

function fail(error: string): CalcError {
  return { ok: false, error };
}

/**
 * replica_calculator.go ReplicaCalculator: the metrics client, the pod lister's answer and the
 * calculator flags, evaluated at `now_ms`.
 *
 * The per-pod maps and sets of upstream (PodMetricsInfo, groupPods' sets, the requests) are kept
 * by row of the pod list (PodListLayout): the same entries, reached by array index rather than
 * by hashing the pod name, in arrays reused from sync to sync.
 */
export class ReplicaCalculator {
  /** What was derived from `pods` before, kept by the caller while `pods` is unchanged. */
  memo: PodListMemo;
  /** getResourceReplicas's answer on success, and its utilization ratios: refilled at each call. */
  private readonly resourceAnswer: ResourceReplicasResult = { ok: true, replicaCount: 0, utilization: 0, rawUtilization: 0, timestamp_ms: 0 };
  private readonly ratio = newUtilizationRatio();

  constructor(
    public metricsClient: MetricsClient,
    /** The pods the HPA's selector matches (podLister.Pods(ns).List(selector)). */
    public pods: readonly Pod[],
    readonly cpuInitializationPeriod_ms: number,
    readonly delayOfInitialReadinessStatus_ms: number,
    public now_ms: number,
    memo: PodListMemo | null = null,
  ) {
    this.memo = memo ?? new PodListMemo();
  }

  /**
   * The calculator for another evaluation with the same flags (the HPA controller keeps one per
   * HPA): what the constructor takes that changes between syncs. Returns it.
   */
  reset(metricsClient: MetricsClient, pods: readonly Pod[], now_ms: number, memo: PodListMemo | null): ReplicaCalculator {
    this.metricsClient = metricsClient;
    this.pods = pods;
    this.now_ms = now_ms;
    this.memo = memo ?? new PodListMemo();
    return this;
  }

  /** Sets the reused success answer of getResourceReplicas; returns it. */
  private resourceReplicas(replicaCount: number, utilization: number, rawUtilization: Int64, timestamp_ms: number): ResourceReplicasResult {
    const a = this.resourceAnswer;
    a.replicaCount = replicaCount;
    a.utilization = utilization;
    a.rawUtilization = rawUtilization;
    a.timestamp_ms = timestamp_ms;
    return a;
  }

  private layout(): PodListLayout {
    return (this.memo.layout ??= new PodListLayout(this.pods));
  }

  // calculateRequests, with the requests by row.
  private requests(container: string, resource: ResourceName): RequestsByRow {
    // Container names cannot hold "/", so the keys of the two kinds never meet.
    const key = container === "" ? resource : `${resource}/${container}`;
    let r = this.memo.requests.get(key);
    if (r === undefined) {
      const calculated = calculateRequests(this.pods, container, resource);
      if (calculated.ok) {
        const layout = this.layout();
        const rows = layout.rowNames.map((name) => calculated.value.get(name));
        r = { ok: true, value: calculated.value, rows };
      } else {
        r = calculated;
      }
      this.memo.requests.set(key, r);
    }
    return r;
  }

  private groupingFacts(): PodGroupingFacts {
    return (this.memo.groupingFacts ??= new PodGroupingFacts(this.pods));
  }

  // metricsClient.GetResourceMetric into the layout's rows: filled by the client when it can,
  // else from the map it returns.
  private resourceMetricRows(resource: ResourceName, container: string): MetricsResult<PodMetricRows> {
    const layout = this.layout();
    if (layout.distinct && this.metricsClient.getResourceMetricRows !== undefined) {
      const answer = this.metricsClient.getResourceMetricRows(resource, container, layout.rowNames, layout.metrics);
      if (answer !== null) return answer;
    }
    const fetched = this.metricsClient.getResourceMetric(resource, container);
    if (!fetched.ok) return fetched;
    layout.metrics.assign(fetched.value, layout.rowOfName);
    return { ok: true, value: layout.metrics, timestamp_ms: fetched.timestamp_ms };
  }

  // groupPods over this calculator's pods; the sets are left in the layout's `sets`.
  private groupPods(metrics: PodMetricRows, resource: ResourceName | ""): PodGroupSizes {
    return groupPodRows(
      this.groupingFacts(),
      this.layout(),
      metrics,
      resource,
      this.cpuInitializationPeriod_ms,
      this.delayOfInitialReadinessStatus_ms,
      this.now_ms,
    );
  }

  // replica_calculator.go removeMetricsForPods, for the pods in the sets `flags` names, `inSets`
  // of them (none, the usual case: then no row is read).
  private removeMetricsForPods(metrics: PodMetricRows, flags: number, inSets: number): void {
    if (inSets === 0) return;
    const sets = this.layout().sets;
    for (let r = 0; r < metrics.rowCount; r++) if ((sets[r] & flags) !== 0) metrics.delete(r);
  }

  // metrics[pod] = {value} for every pod in the set `flag` names (the window and the zero time
  // are what upstream's PodMetric literal leaves unset).
  private setMetricsForPods(metrics: PodMetricRows, flag: number, value_milli: Int64): void {
    const sets = this.layout().sets;
    for (let r = 0; r < metrics.rowCount; r++) if ((sets[r] & flag) !== 0) metrics.set(r, GO_ZERO_TIME_MS, 0, value_milli);
  }

  // replica_calculator.go GetResourceReplicas
  getResourceReplicas(
    currentReplicas: number,
    targetUtilization: number,
    resource: ResourceName,
    tolerances: Tolerances,
    container: string,
  ): ResourceReplicasResult | CalcError {
    const fetched = this.resourceMetricRows(resource, container);
    if (!fetched.ok) return fail(`unable to get metrics for resource ${resource}: ${fetched.error}`);
    const timestamp_ms = fetched.timestamp_ms;
    // The calculator rewrites entries, as upstream edits the map the client decoded.
    const metrics = fetched.value;
    if (this.pods.length === 0) return fail("no pods returned by selector while calculating replica count");

    const { readyPodCount, unreadyPods, missingPods, ignoredPods } = this.groupPods(metrics, resource);
    this.removeMetricsForPods(metrics, IGNORED | UNREADY, ignoredPods + unreadyPods);
    if (metrics.size === 0) return fail("did not receive metrics for targeted pods (pods might be unready)");

    const requests = this.requests(container, resource);
    if (!requests.ok) return requests;

    const first = getResourceUtilizationRatioOfRows(metrics, requests.rows, targetUtilization, this.ratio);
    if (!first.ok) return fail(first.error);
    const { utilizationRatio: usageRatio, currentUtilization: utilization, rawAverageValue: rawUtilization } = first;

    const scaleUpWithUnready = unreadyPods > 0 && usageRatio > 1.0;
    if (!scaleUpWithUnready && missingPods === 0) {
      // Return the current replicas if the change would be too small.
      if (isWithin(tolerances, usageRatio)) return this.resourceReplicas(currentReplicas, utilization, rawUtilization, timestamp_ms);
      // No unready or missing pods: the new count follows from the ready pods alone.
      return this.resourceReplicas(float64ToInt32(Math.ceil(usageRatio * readyPodCount)), utilization, rawUtilization, timestamp_ms);
    }

    if (missingPods > 0) {
      if (usageRatio < 1.0) {
        // On a scale-down, treat missing pods as using 100% (all) of the resource request, or
        // the utilization target for targets higher than 100%.
        const fallbackUtilization = Math.max(100, targetUtilization);
        const sets = this.layout().sets;
        for (let r = 0; r < metrics.rowCount; r++) {
          if ((sets[r] & MISSING) === 0) continue;
          const request = requests.rows[r] ?? 0;
          metrics.set(r, GO_ZERO_TIME_MS, 0, divInt64(mulInt64(request, fallbackUtilization), 100));
        }
      } else if (usageRatio > 1.0) {
        // On a scale-up, treat missing pods as using 0% of the resource request.
        this.setMetricsForPods(metrics, MISSING, 0);
      }
    }

    if (scaleUpWithUnready) {
      // On a scale-up, treat unready pods as using 0% of the resource request.
      this.setMetricsForPods(metrics, UNREADY, 0);
    }

    // Re-run the utilization calculation with the new numbers.
    const second = getResourceUtilizationRatioOfRows(metrics, requests.rows, targetUtilization, this.ratio);
    if (!second.ok) return fail(second.error);
    const newUsageRatio = second.utilizationRatio;

    // Keep the current count if the change is too small or the direction would flip.
    if (
      isWithin(tolerances, newUsageRatio) ||
      (usageRatio < 1.0 && newUsageRatio > 1.0) ||
      (usageRatio > 1.0 && newUsageRatio < 1.0)
    ) {
      return this.resourceReplicas(currentReplicas, utilization, rawUtilization, timestamp_ms);
    }

    const newReplicas = float64ToInt32(Math.ceil(newUsageRatio * metrics.size));
    // Keep the current count if the number of pods considered would flip the direction.
    if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
      return this.resourceReplicas(currentReplicas, utilization, rawUtilization, timestamp_ms);
    }
    // The replicas considered are however many pods factored into the calculation.
    return this.resourceReplicas(newReplicas, utilization, rawUtilization, timestamp_ms);
  }

  // replica_calculator.go GetRawResourceReplicas
  getRawResourceReplicas(
    currentReplicas: number,
    targetUsage: Int64,
    resource: ResourceName,
    tolerances: Tolerances,
    container: string,
  ): UsageReplicasResult | CalcError {
    const fetched = this.resourceMetricRows(resource, container);
    if (!fetched.ok) return fail(`unable to get metrics for resource ${resource}: ${fetched.error}`);
    const r = this.calcPlainMetricRowReplicas(fetched.value, currentReplicas, targetUsage, tolerances, resource);
    if (!r.ok) return r;
    return { ok: true, replicaCount: r.replicaCount, usage: r.usage, timestamp_ms: fetched.timestamp_ms };
  }

  // replica_calculator.go GetMetricReplicas
  getMetricReplicas(
    currentReplicas: number,
    targetUsage: Int64,
    metricName: string,
    tolerances: Tolerances,
    metricSelector: LabelSelector | null,
  ): UsageReplicasResult | CalcError {
    const fetched = this.metricsClient.getRawMetric(metricName, metricSelector);
    if (!fetched.ok) return fail(`unable to get metric ${metricName}: ${fetched.error}`);
    const r = this.calcPlainMetricReplicas(fetched.value, currentReplicas, targetUsage, tolerances, "");
    if (!r.ok) return r;
    return { ok: true, replicaCount: r.replicaCount, usage: r.usage, timestamp_ms: fetched.timestamp_ms };
  }

  // replica_calculator.go calcPlainMetricReplicas. `resource` is "" for custom metrics, which
  // skips the CPU readiness rules in groupPods.
  calcPlainMetricReplicas(
    metrics: PodMetricsInfo,
    currentReplicas: number,
    targetUsage: Int64,
    tolerances: Tolerances,
    resource: ResourceName | "",
  ): { ok: true; replicaCount: number; usage: Int64 } | CalcError {
    const layout = this.layout();
    layout.metrics.assign(metrics, layout.rowOfName);
    return this.calcPlainMetricRowReplicas(layout.metrics, currentReplicas, targetUsage, tolerances, resource);
  }

  // calcPlainMetricReplicas over rows.
  private calcPlainMetricRowReplicas(
    metrics: PodMetricRows,
    currentReplicas: number,
    targetUsage: Int64,
    tolerances: Tolerances,
    resource: ResourceName | "",
  ): { ok: true; replicaCount: number; usage: Int64 } | CalcError {
    if (this.pods.length === 0) return fail("no pods returned by selector while calculating replica count");

    const { readyPodCount, unreadyPods, missingPods, ignoredPods } = this.groupPods(metrics, resource);
    this.removeMetricsForPods(metrics, IGNORED | UNREADY, ignoredPods + unreadyPods);
    if (metrics.size === 0) return fail("did not receive metrics for targeted pods (pods might be unready)");

    const { usageRatio, currentUsage: usage } = getMetricUsageRatioOfRows(metrics, targetUsage);

    const scaleUpWithUnready = unreadyPods > 0 && usageRatio > 1.0;
    if (!scaleUpWithUnready && missingPods === 0) {
      if (isWithin(tolerances, usageRatio)) return { ok: true, replicaCount: currentReplicas, usage };
      return { ok: true, replicaCount: float64ToInt32(Math.ceil(usageRatio * readyPodCount)), usage };
    }

    if (missingPods > 0) {
      if (usageRatio < 1.0) {
        // On a scale-down, treat missing pods as using exactly the target amount.
        this.setMetricsForPods(metrics, MISSING, targetUsage);
      } else if (usageRatio > 1.0) {
        // On a scale-up, treat missing pods as using 0.
        this.setMetricsForPods(metrics, MISSING, 0);
      }
    }

    if (scaleUpWithUnready) this.setMetricsForPods(metrics, UNREADY, 0);

    const newUsageRatio = getMetricUsageRatioOfRows(metrics, targetUsage).usageRatio;
    if (
      isWithin(tolerances, newUsageRatio) ||
      (usageRatio < 1.0 && newUsageRatio > 1.0) ||
      (usageRatio > 1.0 && newUsageRatio < 1.0)
    ) {
      return { ok: true, replicaCount: currentReplicas, usage };
    }

    const newReplicas = float64ToInt32(Math.ceil(newUsageRatio * metrics.size));
    if ((newUsageRatio < 1.0 && newReplicas > currentReplicas) || (newUsageRatio > 1.0 && newReplicas < currentReplicas)) {
      return { ok: true, replicaCount: currentReplicas, usage };
    }
    return { ok: true, replicaCount: newReplicas, usage };
  }

  // replica_calculator.go GetObjectMetricReplicas
  getObjectMetricReplicas(
    currentReplicas: number,
    targetUsage: Int64,
    metricName: string,
    tolerances: Tolerances,
    objectRef: CrossVersionObjectReference,
    metricSelector: LabelSelector | null,
    namespace = "",
  ): UsageReplicasResult | CalcError {
    const fetched = this.metricsClient.getObjectMetric(metricName, objectRef, metricSelector);
    if (!fetched.ok) {
      return fail(`unable to get metric ${metricName}: ${objectRef.kind} on ${namespace} ${objectRef.name}/${fetched.error}`);
    }
    const usage = fetched.value;
    const usageRatio = int64ToFloat64(usage) / int64ToFloat64(targetUsage);
    const r = this.getUsageRatioReplicaCount(currentReplicas, usageRatio, tolerances);
    if (!r.ok) return r;
    // Upstream discards the object metric's timestamp here and returns the zero time.
    return { ok: true, replicaCount: r.replicaCount, usage, timestamp_ms: GO_ZERO_TIME_MS };
  }

  // replica_calculator.go getUsageRatioReplicaCount. With currentReplicas == 0 neither the ready
  // pod count nor the tolerance applies, so a target can scale up from zero.
  getUsageRatioReplicaCount(
    currentReplicas: number,
    usageRatio: number,
    tolerances: Tolerances,
  ): { ok: true; replicaCount: number } | CalcError {
    if (currentReplicas !== 0) {
      if (isWithin(tolerances, usageRatio)) return { ok: true, replicaCount: currentReplicas };
      const ready = this.getReadyPodsCount();
      if (!ready.ok) return fail(`unable to calculate ready pods: ${ready.error}`);
      const replicaCountFloat = usageRatio * ready.count;
      // Cap at MaxInt32 rather than overflow the conversion.
      if (replicaCountFloat > MAX_INT32) return { ok: true, replicaCount: MAX_INT32 };
      return { ok: true, replicaCount: float64ToInt32(Math.ceil(replicaCountFloat)) };
    }
    return { ok: true, replicaCount: float64ToInt32(Math.ceil(usageRatio)) };
  }

  // replica_calculator.go GetObjectPerPodMetricReplicas
  getObjectPerPodMetricReplicas(
    statusReplicas: number,
    targetAverageUsage: Int64,
    metricName: string,
    tolerances: Tolerances,
    objectRef: CrossVersionObjectReference,
    metricSelector: LabelSelector | null,
    namespace = "",
  ): UsageReplicasResult | CalcError {
    const fetched = this.metricsClient.getObjectMetric(metricName, objectRef, metricSelector);
    if (!fetched.ok) {
      return fail(`unable to get metric ${metricName}: ${objectRef.kind} on ${namespace} ${objectRef.name}/${fetched.error}`);
    }
    const usageTotal = fetched.value;
    let replicaCount = statusReplicas;
    const usageRatio = int64ToFloat64(usageTotal) / (int64ToFloat64(targetAverageUsage) * replicaCount);
    if (!isWithin(tolerances, usageRatio)) {
      // Update the number of replicas if the change is large enough.
      replicaCount = float64ToInt32(Math.ceil(int64ToFloat64(usageTotal) / int64ToFloat64(targetAverageUsage)));
    }
    const usage = float64ToInt64(Math.ceil(int64ToFloat64(usageTotal) / statusReplicas));
    return { ok: true, replicaCount, usage, timestamp_ms: fetched.timestamp_ms };
  }

  // replica_calculator.go getReadyPodsCount: Running pods whose PodReady condition is True.
  getReadyPodsCount(): { ok: true; count: number } | CalcError {
    if (this.pods.length === 0) return fail("no pods returned by selector while calculating replica count");
    let count = 0;
    for (const pod of this.pods) if (pod.status.phase === "Running" && isPodReady(pod)) count++;
    return { ok: true, count };
  }

  // replica_calculator.go GetExternalMetricReplicas
  getExternalMetricReplicas(
    currentReplicas: number,
    targetUsage: Int64,
    metricName: string,
    tolerances: Tolerances,
    metricSelector: LabelSelector | null,
    namespace = "",
  ): UsageReplicasResult | CalcError {
    const fetched = this.metricsClient.getExternalMetric(metricName, metricSelector);
    if (!fetched.ok) return fail(`unable to get external metric ${namespace}/${metricName}/${formatSelector(metricSelector)}: ${fetched.error}`);
    let usage: Int64 = 0;
    for (const val of fetched.value) {
      // Cap at MaxInt64 on positive overflow.
      if (compareInt64(val, 0) > 0 && toBigInt(usage) > MAX_INT64 - toBigInt(val)) {
        usage = normalizeInt64(MAX_INT64);
        break;
      }
      usage = addInt64(usage, val);
    }
    const usageRatio = int64ToFloat64(usage) / int64ToFloat64(targetUsage);
    const r = this.getUsageRatioReplicaCount(currentReplicas, usageRatio, tolerances);
    if (!r.ok) return r;
    // Upstream discards the external metric's timestamp here and returns the zero time.
    return { ok: true, replicaCount: r.replicaCount, usage, timestamp_ms: GO_ZERO_TIME_MS };
  }

  // replica_calculator.go GetExternalPerPodMetricReplicas
  getExternalPerPodMetricReplicas(
    statusReplicas: number,
    targetUsagePerPod: Int64,
    metricName: string,
    tolerances: Tolerances,
    metricSelector: LabelSelector | null,
    namespace = "",
  ): UsageReplicasResult | CalcError {
    const fetched = this.metricsClient.getExternalMetric(metricName, metricSelector);
    if (!fetched.ok) return fail(`unable to get external metric ${namespace}/${metricName}/${formatSelector(metricSelector)}: ${fetched.error}`);
    let usage: Int64 = 0;
    for (const val of fetched.value) {
      usage = addInt64(usage, val);
      // The only way to go negative here is an int64 overflow.
      if (compareInt64(usage, 0) < 0) {
        usage = normalizeInt64(MAX_INT64);
        break;
      }
    }
    let replicaCount = statusReplicas;
    const usageRatio = int64ToFloat64(usage) / (int64ToFloat64(targetUsagePerPod) * replicaCount);
    if (!isWithin(tolerances, usageRatio)) {
      const replicaCountResult = Math.ceil(int64ToFloat64(usage) / int64ToFloat64(targetUsagePerPod));
      // Keep the result within the bounds of an int32.
      replicaCount = replicaCountResult > MAX_INT32 ? MAX_INT32 : float64ToInt32(replicaCountResult);
    }
    // Handle usage overflow: float64(MaxInt64) rounds up to 2^63.
    if (int64ToFloat64(usage) >= int64ToFloat64(MAX_INT64)) {
      usage = normalizeInt64(MAX_INT64);
    } else {
      usage = float64ToInt64(Math.ceil(int64ToFloat64(usage) / statusReplicas));
    }
    return { ok: true, replicaCount, usage, timestamp_ms: fetched.timestamp_ms };
  }
}

/** podutil.IsPodReady: the PodReady condition exists and is True. */
export function isPodReady(pod: Pod): boolean {
  return getPodCondition(pod, "Ready")?.status === "True";
}

/** Go's `%+v` of a *metav1.LabelSelector, as upstream error messages and metric names print it. */
export function formatSelector(selector: LabelSelector | null): string {
  // *LabelSelector has a String() method that prints "nil" for a nil pointer.
  if (selector === null) return "nil";
  const labels = Object.keys(selector.matchLabels)
    .sort()
    .map((k) => `${k}:${selector.matchLabels[k]}`)
    .join(" ");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]}`;
}

// PodGroupingFacts flags.
/** Being deleted, or Failed: ignored. */
const FACT_IGNORED = 1;
const FACT_PENDING = 2;
/** The pod has a PodReady condition (its transition time is in readyTransition_ms). */
const FACT_HAS_READY = 4;
/** ... whose status is "False". */
const FACT_READY_FALSE = 8;
/** status.startTime is set (it is in startTime_ms). */
const FACT_HAS_START = 16;

/**
 * What groupPods reads of each pod of a list, by its place in the list. It changes only when a
 * pod does, so a caller holding an unchanged pod list (PodListMemo) gathers it once instead of
 * on every sync; as columns, a sync reads a few cache lines for the whole list instead of two
 * objects per pod (an HPA syncs every 15 s, when they have long left the cache).
 */
export class PodGroupingFacts {
  readonly flags: Uint8Array;
  /** The PodReady condition's lastTransitionTime, where FACT_HAS_READY. */
  readonly readyTransition_ms: Float64Array;
  /** status.startTime, where FACT_HAS_START. */
  readonly startTime_ms: Float64Array;

  constructor(pods: readonly Pod[]) {
    this.flags = new Uint8Array(pods.length);
    this.readyTransition_ms = new Float64Array(pods.length);
    this.startTime_ms = new Float64Array(pods.length);
    for (let i = 0; i < pods.length; i++) {
      const pod = pods[i];
      let flags = 0;
      if (pod.metadata.deletionTimestamp_ms !== null || pod.status.phase === "Failed") flags |= FACT_IGNORED;
      if (pod.status.phase === "Pending") flags |= FACT_PENDING;
      const condition = getPodCondition(pod, "Ready");
      if (condition !== undefined) {
        flags |= FACT_HAS_READY;
        if (condition.status === "False") flags |= FACT_READY_FALSE;
        this.readyTransition_ms[i] = condition.lastTransitionTime_ms;
      }
      if (pod.status.startTime_ms !== null) {
        flags |= FACT_HAS_START;
        this.startTime_ms[i] = pod.status.startTime_ms;
      }
      this.flags[i] = flags;
    }
  }
}

/** calculateRequests' answer, with the requests also by row of the pod list. */
type RequestsByRow = CalcError | { ok: true; value: ReadonlyMap<string, Int64>; rows: (Int64 | undefined)[] };

/** Things derived from a pod list alone, kept by the caller while the list is unchanged. */
export class PodListMemo {
  /** calculateRequests answers by resource and container. */
  readonly requests = new Map<string, RequestsByRow>();
  groupingFacts: PodGroupingFacts | null = null;
  layout: PodListLayout | null = null;

  clear(): void {
    this.requests.clear();
    this.groupingFacts = null;
    this.layout = null;
  }
}

/**
 * The rows of a pod list: one per distinct pod name, in order of first appearance (the names of
 * a lister's answer are distinct, so row i is pod i; a list that repeats a name, as a test may
 * build, shares the row as upstream's maps share the key). Also the scratch one calculation at a
 * time works in.
 */
export class PodListLayout {
  /** Each pod's row. */
  readonly rowOf: Int32Array;
  /** Each row's pod name, filled by the constructor and never edited afterwards (metrics clients rely on that). */
  readonly rowNames: string[] = [];
  readonly rowOfName = new Map<string, number>();
  /** Every name appears once: row i is pod i. */
  readonly distinct: boolean;
  /** The calculation's PodMetricsInfo. */
  readonly metrics: PodMetricRows;
  /** groupPods' sets, as flags by row (IGNORED, UNREADY, MISSING). */
  readonly sets: Uint8Array;
  /** What groupPods found besides the sets, refilled by each grouping. */
  readonly sizes: PodGroupSizes = { readyPodCount: 0, unreadyPods: 0, missingPods: 0, ignoredPods: 0 };

  constructor(pods: readonly Pod[]) {
    this.rowOf = new Int32Array(pods.length);
    for (let i = 0; i < pods.length; i++) {
      const name = pods[i].metadata.name;
      let row = this.rowOfName.get(name);
      if (row === undefined) {
        row = this.rowNames.length;
        this.rowNames.push(name);
        this.rowOfName.set(name, row);
      }
      this.rowOf[i] = row;
    }
    this.distinct = this.rowNames.length === pods.length;
    this.metrics = new PodMetricRows(this.rowNames.length);
    this.sets = new Uint8Array(this.rowNames.length);
  }
}

/** A row's membership in groupPods' sets (a repeated name can be in several). */
const IGNORED = 1;
const UNREADY = 2;
const MISSING = 4;

/** What groupPods returns besides the sets: the ready count and the sets' sizes. */
interface PodGroupSizes {
  readyPodCount: number;
  unreadyPods: number;
  missingPods: number;
  ignoredPods: number;
}

// replica_calculator.go groupPods.
export function groupPods(
  pods: readonly Pod[],
  metrics: PodMetricsInfo,
  resource: ResourceName | "",
  cpuInitializationPeriod_ms: number,
  delayOfInitialReadinessStatus_ms: number,
  now_ms: number,
): GroupedPods {
  const layout = new PodListLayout(pods);
  layout.metrics.assign(metrics, layout.rowOfName);
  const { readyPodCount } = groupPodRows(
    new PodGroupingFacts(pods),
    layout,
    layout.metrics,
    resource,
    cpuInitializationPeriod_ms,
    delayOfInitialReadinessStatus_ms,
    now_ms,
  );
  const namesIn = (flag: number): Set<string> => {
    const names = new Set<string>();
    for (let r = 0; r < layout.rowNames.length; r++) if ((layout.sets[r] & flag) !== 0) names.add(layout.rowNames[r]);
    return names;
  };
  return { readyPodCount, unreadyPods: namesIn(UNREADY), missingPods: namesIn(MISSING), ignoredPods: namesIn(IGNORED) };
}

// replica_calculator.go groupPods over the facts it reads, with the metrics and the sets by row of
// `layout` (the sets are left in layout.sets). Times are strict comparisons as upstream's
// Before/After: a pod whose start + readiness delay equals its readiness transition counts as
// ready, and a metric whose timestamp equals transition + window counts as fresh.
function groupPodRows(
  facts: PodGroupingFacts,
  layout: PodListLayout,
  metrics: PodMetricRows,
  resource: ResourceName | "",
  cpuInitializationPeriod_ms: number,
  delayOfInitialReadinessStatus_ms: number,
  now_ms: number,
): PodGroupSizes {
  const sets = layout.sets;
  sets.fill(0);
  const sizes = layout.sizes;
  sizes.readyPodCount = 0;
  sizes.unreadyPods = 0;
  sizes.missingPods = 0;
  sizes.ignoredPods = 0;
  const podFlags = facts.flags;
  // Compared once: the spec's resource name is not an interned string, so each comparison in
  // the loop compared characters.
  const cpu = resource === "cpu";
  for (let i = 0; i < podFlags.length; i++) {
    const flags = podFlags[i];
    const row = layout.rowOf[i];
    if ((flags & FACT_IGNORED) !== 0) {
      sizes.ignoredPods += addToSet(sets, row, IGNORED);
      continue;
    }
    // Pending pods are unready.
    if ((flags & FACT_PENDING) !== 0) {
      sizes.unreadyPods += addToSet(sets, row, UNREADY);
      continue;
    }
    // Pods missing metrics.
    if (metrics.has[row] === 0) {
      sizes.missingPods += addToSet(sets, row, MISSING);
      continue;
    }
    // Unready pods are ignored, for CPU only: CPU usage is distorted while a pod starts.
    if (cpu) {
      let unready: boolean;
      if ((flags & FACT_HAS_READY) === 0 || (flags & FACT_HAS_START) === 0) {
        unready = true;
      } else {
        const readyFalse = (flags & FACT_READY_FALSE) !== 0;
        const lastTransitionTime_ms = facts.readyTransition_ms[i];
        const startTime_ms = facts.startTime_ms[i];
        if (startTime_ms + cpuInitializationPeriod_ms > now_ms) {
          // Still within the initialization period: ignore the sample if the pod is unready or a
          // full metric window has not been collected since the last readiness transition.
          unready = readyFalse || metrics.timestamp_ms[row] < lastTransitionTime_ms + metrics.window_ms[row];
        } else {
          // Ignore the metric if the pod is unready and has never been ready.
          unready = readyFalse && startTime_ms + delayOfInitialReadinessStatus_ms > lastTransitionTime_ms;
        }
      }
      if (unready) {
        sizes.unreadyPods += addToSet(sets, row, UNREADY);
        continue;
      }
    }
    sizes.readyPodCount++;
  }
  return sizes;
}

/** sets.Insert for the row's set `flag`: 1 when the row was not in it yet (the size grows). */
function addToSet(sets: Uint8Array, row: number, flag: number): number {
  if ((sets[row] & flag) !== 0) return 0;
  sets[row] |= flag;
  return 1;
}

// replica_calculator.go calculateRequests. With a container name only that container counts;
// otherwise pod-level requests win when set (PodLevelResources, on by default since 1.34), else
// the sum over containers plus restartable (sidecar) init containers.
export type RequestsResult = { ok: true; value: ReadonlyMap<string, Int64> } | CalcError;

export function calculateRequests(pods: readonly Pod[], container: string, resource: ResourceName): RequestsResult {
  const requests = new Map<string, Int64>();
  for (const pod of pods) {
    const usePodLevelRequests = isPodLevelRequestsSet(pod) && container === "";
    const r = usePodLevelRequests
      ? calculatePodLevelRequests(pod, resource)
      : calculatePodRequestsFromContainers(pod, container, resource);
    if (!r.ok) return r;
    requests.set(pod.metadata.name, r.value);
  }
  return { ok: true, value: requests };
}

// component-helpers resource.IsPodLevelRequestsSet: pod-level requests with at least one
// supported resource.
function isPodLevelRequestsSet(pod: Pod): boolean {
  const r = pod.spec.resources;
  if (r === null) return false;
  return r.requests.cpu_mcores !== undefined || r.requests.memory_bytes !== undefined;
}

// replica_calculator.go calculatePodLevelRequests
function calculatePodLevelRequests(pod: Pod, resource: ResourceName): { ok: true; value: Int64 } | CalcError {
  const v = pod.spec.resources === null ? undefined : resourceMilliValue(pod.spec.resources.requests, resource);
  if (v === undefined) return fail(`missing pod-level request for ${resource} in Pod ${pod.metadata.name}`);
  return { ok: true, value: v };
}

// replica_calculator.go calculatePodRequestsFromContainers
function calculatePodRequestsFromContainers(
  pod: Pod,
  container: string,
  resource: ResourceName,
): { ok: true; value: Int64 } | CalcError {
  // Upstream appends the restartable init containers to the containers and walks the list once;
  // walking the two lists in that order gives the same sums without building the joined list
  // (the HPA controller keeps the answers while its pod list is unchanged: PodListMemo).
  const acc: RequestSum = { request: 0, found: false, error: null };
  addContainerRequests(pod, pod.spec.containers, false, container, resource, acc);
  if (!acc.found && acc.error === null) addContainerRequests(pod, pod.spec.initContainers, true, container, resource, acc);
  if (acc.error !== null) return fail(acc.error);
  if (acc.found) return { ok: true, value: acc.request };
  if (container !== "") return fail(`container ${container} not found in Pod ${pod.metadata.name}`);
  return { ok: true, value: acc.request };
}

interface RequestSum {
  request: Int64;
  /** The named container was reached (the walk stops there). */
  found: boolean;
  error: string | null;
}

// The loop body of calculatePodRequestsFromContainers over one list; `sidecarsOnly` keeps just
// the restartable (restartPolicy Always) init containers.
function addContainerRequests(
  pod: Pod,
  list: readonly Container[],
  sidecarsOnly: boolean,
  container: string,
  resource: ResourceName,
  acc: RequestSum,
): void {
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (sidecarsOnly && c.restartPolicy !== "Always") continue;
    if (container === "" || container === c.name) {
      const v = resourceMilliValue(c.resources.requests, resource);
      if (v === undefined) {
        acc.error = `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`;
        return;
      }
      acc.request = addInt64(acc.request, v);
    }
    // Container names are unique inside a pod.
    if (container === c.name) {
      acc.found = true;
      return;
    }
  }
}
