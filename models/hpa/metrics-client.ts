/**
 * The metrics APIs as the HPA sees them: small interfaces like upstream's
 * pkg/controller/podautoscaler/metrics MetricsClient, plus the resource-metrics conversion of
 * metrics/client.go and a static client over one snapshot of the three APIs.
 *
 * A client is scoped to one HPA evaluation: the controller builds it over the pods its selector
 * picked, so methods take no namespace or pod selector.
 */
import type { LabelSelector, ResourceList } from "../cluster/types.js";
import { addInt64, mulInt64, type Int64 } from "./int64.js";
import type { PodMetricRows } from "./pod-metric-rows.js";
import type { CrossVersionObjectReference, ResourceName } from "./types.js";

/** metrics/interfaces.go PodMetric: one pod's value with the sample's timestamp and window. */
export interface PodMetric {
  timestamp_ms: number;
  window_ms: number;
  value_milli: Int64;
}

/** metrics/interfaces.go PodMetricsInfo, keyed by pod name (insertion order = API order). */
export type PodMetricsInfo = Map<string, PodMetric>;

/** Either a value with the API's timestamp, or the error the API returned. */
export type MetricsResult<T> = { ok: true; value: T; timestamp_ms: number } | { ok: false; error: string };

/**
 * metrics/interfaces.go MetricsClient. Each call returns new collections the caller owns (the
 * replica calculator edits the PodMetricsInfo it gets, as upstream edits the map it decoded).
 */
export interface MetricsClient {
  /** Per-pod usage of a resource (sum over containers, or one named container). */
  getResourceMetric(resource: ResourceName, container: string): MetricsResult<PodMetricsInfo>;
  /**
   * Optional: getResourceMetric's answer written into `rows` (row i = podNames[i], names
   * distinct), for a client that can do so without building the map: one built over exactly
   * `podNames`. null when it cannot; the caller then asks getResourceMetric. The answer may be
   * an object the client reuses at its next call: read it at once.
   */
  getResourceMetricRows?(
    resource: ResourceName,
    container: string,
    podNames: readonly string[],
    rows: PodMetricRows,
  ): MetricsResult<PodMetricRows> | null;
  /** Per-pod values of a custom metric (custom.metrics.k8s.io, Pods). */
  getRawMetric(metricName: string, metricSelector: LabelSelector | null): MetricsResult<PodMetricsInfo>;
  /** The value of a custom metric describing one object (custom.metrics.k8s.io, Object). */
  getObjectMetric(
    metricName: string,
    objectRef: CrossVersionObjectReference,
    metricSelector: LabelSelector | null,
  ): MetricsResult<Int64>;
  /** All series of an external metric matching the selector (external.metrics.k8s.io). */
  getExternalMetric(metricName: string, metricSelector: LabelSelector | null): MetricsResult<Int64[]>;
}

/** metrics.k8s.io/v1beta1 ContainerMetrics. An absent usage key = the resource is not reported. */
export interface ContainerMetricsItem {
  name: string;
  usage: ResourceList;
}

/** metrics.k8s.io/v1beta1 PodMetrics. */
export interface PodMetricsItem {
  podName: string;
  timestamp_ms: number;
  window_ms: number;
  containers: ContainerMetricsItem[];
}

/** custom.metrics.k8s.io MetricValue describing a pod. null window = the API default (1 min). */
export interface CustomPodMetricItem {
  podName: string;
  timestamp_ms: number;
  window_ms: number | null;
  value_milli: Int64;
}

/** A metric value with the time it was observed. */
export interface TimestampedValue {
  timestamp_ms: number;
  value_milli: Int64;
}

/** metrics/client.go metricServerDefaultMetricWindow. */
export const METRIC_SERVER_DEFAULT_METRIC_WINDOW_MS = 60_000;

/** Quantity.MilliValue() of a resource in a ResourceList, or undefined when the key is absent. */
export function resourceMilliValue(list: ResourceList, resource: ResourceName): Int64 | undefined {
  if (resource === "cpu") return list.cpu_mcores;
  const bytes = list.memory_bytes;
  return bytes === undefined ? undefined : mulInt64(bytes, 1000);
}

// metrics/client.go getPodMetrics: sum over all containers; a pod with any container lacking the
// resource (or with no containers) is left out, so the calculator treats it as missing.
export function getPodMetrics(rawMetrics: readonly PodMetricsItem[], resource: ResourceName): PodMetricsInfo {
  const res: PodMetricsInfo = new Map();
  for (const m of rawMetrics) {
    let podSum: Int64 = 0;
    let missing = m.containers.length === 0;
    for (const c of m.containers) {
      const v = resourceMilliValue(c.usage, resource);
      if (v === undefined) {
        missing = true;
        break;
      }
      podSum = addInt64(podSum, v);
    }
    if (!missing) res.set(m.podName, { timestamp_ms: m.timestamp_ms, window_ms: m.window_ms, value_milli: podSum });
  }
  return res;
}

// metrics/client.go getContainerMetrics: only the named container; a pod without it is left out
// (missing) rather than failing the whole metric (since kubernetes#127193).
export function getContainerMetrics(
  rawMetrics: readonly PodMetricsItem[],
  resource: ResourceName,
  container: string,
): PodMetricsInfo {
  const res: PodMetricsInfo = new Map();
  for (const m of rawMetrics) {
    for (const c of m.containers) {
      if (c.name !== container) continue;
      const v = resourceMilliValue(c.usage, resource);
      if (v !== undefined) res.set(m.podName, { timestamp_ms: m.timestamp_ms, window_ms: m.window_ms, value_milli: v });
      break;
    }
  }
  return res;
}

/** An API failure, as a fake or a broken adapter would return it. */
export interface MetricsApiError {
  error: string;
}

function isApiError<T>(x: T | MetricsApiError): x is MetricsApiError {
  return typeof x === "object" && x !== null && !Array.isArray(x) && "error" in x;
}

/** The number of PodMetrics a metrics.k8s.io answer held, and the first one's timestamp. */
export interface ResourceMetricsCount {
  returned: number;
  firstTimestamp_ms: number;
}

/**
 * A metrics.k8s.io answer already converted by `getPodMetrics` / `getContainerMetrics`: the
 * number of PodMetrics the API returned, the first one's timestamp, and the per-pod values.
 */
export interface ResourceMetricsAnswer extends ResourceMetricsCount {
  value: PodMetricsInfo;
}

/** One snapshot of what the three metrics APIs would answer for an HPA's pods. */
export interface MetricsSnapshot {
  /** metrics.k8s.io PodMetrics for the selected pods. */
  resource: readonly PodMetricsItem[] | MetricsApiError;
  /**
   * Optional: the same answer converted without building PodMetricsItems (a simulated API does
   * this for every pod of every HPA sync). When present it is used instead of `resource`, and
   * must equal converting `resource` (a test checks the metrics-server one does).
   */
  resourceMetric?: (resource: ResourceName, container: string) => ResourceMetricsAnswer | MetricsApiError;
  /**
   * Optional: the same answer written into `rows` (see MetricsClient.getResourceMetricRows), or
   * null when the snapshot cannot.
   */
  resourceMetricRows?: (
    resource: ResourceName,
    container: string,
    podNames: readonly string[],
    rows: PodMetricRows,
  ) => ResourceMetricsCount | MetricsApiError | null;
  /** custom.metrics.k8s.io per-pod series, by metric name; undefined name = no series. */
  pods: (metricName: string, metricSelector: LabelSelector | null) => readonly CustomPodMetricItem[] | MetricsApiError;
  /** custom.metrics.k8s.io object metric, by metric name and object; undefined = not found. */
  object: (metricName: string, objectRef: CrossVersionObjectReference, metricSelector: LabelSelector | null) => TimestampedValue | MetricsApiError | undefined;
  /** external.metrics.k8s.io series, by metric name. */
  external: (metricName: string, metricSelector: LabelSelector | null) => readonly TimestampedValue[] | MetricsApiError;
}

/** metrics/client.go GetResourceMetric's conversion of the PodMetrics list (sum or one container). */
function convertResourceMetrics(
  items: readonly PodMetricsItem[] | MetricsApiError,
  resource: ResourceName,
  container: string,
): ResourceMetricsAnswer | MetricsApiError {
  if (isApiError(items)) return items;
  return {
    returned: items.length,
    firstTimestamp_ms: items.length > 0 ? items[0].timestamp_ms : 0,
    value: container !== "" ? getContainerMetrics(items, resource, container) : getPodMetrics(items, resource),
  };
}

// metrics/client.go resourceMetricsClient.GetResourceMetric's errors: the API failed, or returned
// no PodMetrics at all.
function resourceMetricFailure(answer: ResourceMetricsCount | MetricsApiError): { ok: false; error: string } {
  if (isApiError(answer)) return { ok: false, error: `unable to fetch metrics from resource metrics API: ${answer.error}` };
  return { ok: false, error: "no metrics returned from resource metrics API" };
}

/**
 * A MetricsClient over a snapshot, with the error messages of metrics/client.go
 * (resourceMetricsClient, customMetricsClient, externalMetricsClient).
 */
export class StaticMetricsClient implements MetricsClient {
  /** getResourceMetricRows's answer when it succeeds, refilled at each call. */
  private readonly rowsAnswer: { ok: true; value: PodMetricRows; timestamp_ms: number };

  constructor(private readonly snapshot: MetricsSnapshot) {
    this.rowsAnswer = { ok: true, value: null!, timestamp_ms: 0 };
  }

  // metrics/client.go resourceMetricsClient.GetResourceMetric
  getResourceMetric(resource: ResourceName, container: string): MetricsResult<PodMetricsInfo> {
    const answer = this.snapshot.resourceMetric
      ? this.snapshot.resourceMetric(resource, container)
      : convertResourceMetrics(this.snapshot.resource, resource, container);
    if (isApiError(answer) || answer.returned === 0) return resourceMetricFailure(answer);
    return { ok: true, value: answer.value, timestamp_ms: answer.firstTimestamp_ms };
  }

  // getResourceMetric into the caller's rows, when the snapshot can answer so.
  getResourceMetricRows(
    resource: ResourceName,
    container: string,
    podNames: readonly string[],
    rows: PodMetricRows,
  ): MetricsResult<PodMetricRows> | null {
    const answer = this.snapshot.resourceMetricRows?.(resource, container, podNames, rows) ?? null;
    if (answer === null) return null;
    if (isApiError(answer) || answer.returned === 0) return resourceMetricFailure(answer);
    this.rowsAnswer.value = rows;
    this.rowsAnswer.timestamp_ms = answer.firstTimestamp_ms;
    return this.rowsAnswer;
  }

  // metrics/client.go customMetricsClient.GetRawMetric
  getRawMetric(metricName: string, metricSelector: LabelSelector | null): MetricsResult<PodMetricsInfo> {
    const items = this.snapshot.pods(metricName, metricSelector);
    if (isApiError(items)) return { ok: false, error: `unable to fetch metrics from custom metrics API: ${items.error}` };
    if (items.length === 0) return { ok: false, error: "no metrics returned from custom metrics API" };
    const value: PodMetricsInfo = new Map();
    for (const m of items) {
      value.set(m.podName, {
        timestamp_ms: m.timestamp_ms,
        window_ms: m.window_ms ?? METRIC_SERVER_DEFAULT_METRIC_WINDOW_MS,
        value_milli: m.value_milli,
      });
    }
    return { ok: true, value, timestamp_ms: items[0].timestamp_ms };
  }

  // metrics/client.go customMetricsClient.GetObjectMetric
  getObjectMetric(
    metricName: string,
    objectRef: CrossVersionObjectReference,
    metricSelector: LabelSelector | null,
  ): MetricsResult<Int64> {
    const v = this.snapshot.object(metricName, objectRef, metricSelector);
    if (v === undefined) {
      return {
        ok: false,
        error: `unable to fetch metrics from custom metrics API: the server could not find the metric ${metricName} for ${objectRef.kind} ${objectRef.name}`,
      };
    }
    if (isApiError(v)) return { ok: false, error: `unable to fetch metrics from custom metrics API: ${v.error}` };
    return { ok: true, value: v.value_milli, timestamp_ms: v.timestamp_ms };
  }

  // metrics/client.go externalMetricsClient.GetExternalMetric
  getExternalMetric(metricName: string, metricSelector: LabelSelector | null): MetricsResult<Int64[]> {
    const items = this.snapshot.external(metricName, metricSelector);
    if (isApiError(items)) return { ok: false, error: `unable to fetch metrics from external metrics API: ${items.error}` };
    if (items.length === 0) return { ok: false, error: "no metrics returned from external metrics API" };
    return { ok: true, value: items.map((m) => m.value_milli), timestamp_ms: items[0].timestamp_ms };
  }
}
