/**
 * prometheus-adapter (kubernetes-sigs/prometheus-adapter) serving custom.metrics.k8s.io and
 * external.metrics.k8s.io from the Prometheus model.
 *
 * What it caches, and what it does not (pkg/custom-provider/provider.go, series_registry.go,
 * pkg/external-provider/*). Every `--metrics-relist-interval` (default 10 m, cmd/adapter/adapter.go)
 * the adapter lists the series each rule's seriesQuery matches over the last `--metrics-max-age`
 * (default: the relist interval) and registers the *metric names* they yield, per resource the
 * series' labels name (a `pod` label -> pods, `service` -> services). That is the only cache.
 * Values are queried from Prometheus at request time with the requested objects' names in the
 * matchers, so a new pod of an already registered metric is answered as soon as Prometheus has
 * two samples of it; what lags by up to a relist interval is a metric whose series were absent
 * at the last relist (a fresh app, or one idle for longer than max-age).
 *
 * Rules are typed stand-ins for the config's `metricsQuery` templates, the shapes the docs use:
 *   <aggregation>(rate(<series>{<<.LabelMatchers>>}[<window>])) by (<<.GroupBy>>)   counters
 *   <aggregation>(<series>{<<.LabelMatchers>>}) by (<<.GroupBy>>)                    gauges
 * with GroupBy = the resource label (pod / service) for custom metrics and the rule's labels for
 * external ones. The rate window defaults to 2m, as docs/config-walkthrough.md and
 * docs/sample-config.yaml write it (`config-gen --rate-interval` defaults to 5m).
 *
 * Answers as upstream shapes them: values as int64(value * 1000) milli-units (NaN -> 0), the
 * timestamp is the query time (provider.go metricFor uses time.Now(); external values carry the
 * sample timestamp, which for an instant query is its evaluation time), and custom metric values
 * carry no window (metricFor leaves WindowSeconds nil, so the HPA assumes its 1 m default);
 * `reportRateWindow` reports the rule's rate window instead.
 */
import type { Simulation } from "../../engine/index.js";
import type { LabelSelector } from "../cluster/types.js";
import type { CustomMetricsProvider } from "../hpa/metrics-apis.js";
import type { CustomPodMetricItem, MetricsApiError, TimestampedValue } from "../hpa/metrics-client.js";
import type { CrossVersionObjectReference } from "../hpa/types.js";
import { EXPOSED_METRICS, type Prometheus } from "./prometheus.js";
import { aggregate, matchersFromSelector, type LabelMatcher, type LabelName, type VectorSample } from "./promql.js";

/** A custom metrics rule (config `rules:`): one Prometheus series exposed under an API name. */
export interface AdapterRule {
  /** The Prometheus metric the rule's seriesQuery selects. */
  seriesName: string;
  /** The name in the API (`name: {matches, as}`). */
  metricName: string;
  /** The metricsQuery's outer aggregation. */
  aggregation: "sum" | "avg" | "min" | "max";
  /** `rate(series[window])` for counters; null = the series' instant value (gauges). */
  rateWindow_ms: number | null;
}

/** An external metrics rule (config `externalRules:`). */
export interface ExternalAdapterRule extends AdapterRule {
  /** `by (...)` labels of the metricsQuery; one value per group is returned. */
  groupBy: LabelName[];
  /** `resources.namespaced` (default true): add namespace="<HPA's namespace>" to the matchers. */
  namespaced: boolean;
}

export interface AdapterConfig {
  /** --metrics-relist-interval (default 10 m). */
  relistInterval_ms: number;
  /** --metrics-max-age; null = the relist interval (upstream default). */
  maxAge_ms: number | null;
  /** Delay of the first relist after start; null = drawn U[0, interval) from `prometheus-adapter`. */
  relistPhase_ms: number | null;
  /**
   * true: the adapter has been running before the simulation starts and every rule's metric is
   * registered at t = 0 (a warm cluster: the rules' series count as seen at t = 0); relists
   * then keep it while its series are seen within max-age, and drop it after. false: a fresh adapter,
   * whose registry is empty until a relist sees series (upstream lists at once on start, so with
   * phase 0 and no samples yet nothing is known for a whole interval).
   */
  warmStart: boolean;
  /** Report the rule's rate window as the metric's window (upstream reports none). */
  reportRateWindow: boolean;
  rules: AdapterRule[];
  externalRules: ExternalAdapterRule[];
}

const RATE_WINDOW_MS = 120_000;

export const DEFAULT_ADAPTER_RULES: readonly AdapterRule[] = Object.freeze([
  { seriesName: "http_requests_total", metricName: "http_requests_per_second", aggregation: "sum", rateWindow_ms: RATE_WINDOW_MS },
  { seriesName: "http_requests_dropped_total", metricName: "http_requests_dropped_per_second", aggregation: "sum", rateWindow_ms: RATE_WINDOW_MS },
  { seriesName: "http_requests_queued", metricName: "http_requests_queued", aggregation: "sum", rateWindow_ms: null },
] satisfies AdapterRule[]);

export const DEFAULT_EXTERNAL_RULES: readonly ExternalAdapterRule[] = Object.freeze([
  // Queue length of a Service: select it with the HPA's metric selector `service: <name>`.
  { seriesName: "http_requests_queued", metricName: "queue_length", aggregation: "sum", rateWindow_ms: null, groupBy: ["service"], namespaced: true },
  // Offered load at the Service's ingress.
  { seriesName: "service_requests_total", metricName: "service_requests_per_second", aggregation: "sum", rateWindow_ms: RATE_WINDOW_MS, groupBy: ["service"], namespaced: true },
] satisfies ExternalAdapterRule[]);

export const DEFAULT_ADAPTER_CONFIG: Readonly<AdapterConfig> = Object.freeze({
  relistInterval_ms: 600_000,
  maxAge_ms: null,
  relistPhase_ms: null,
  warmStart: true,
  reportRateWindow: false,
  rules: DEFAULT_ADAPTER_RULES as AdapterRule[],
  externalRules: DEFAULT_EXTERNAL_RULES as ExternalAdapterRule[],
});

/** Kubernetes kind -> the GroupResource string error messages name (what the RESTMapper gives). */
function groupResourceOf(kind: string): string {
  switch (kind) {
    case "Pod":
      return "pods";
    case "Service":
      return "services";
    case "Deployment":
    case "ReplicaSet":
    case "StatefulSet":
    case "DaemonSet":
      return `${kind.toLowerCase()}s.apps`;
    default:
      return `${kind.toLowerCase()}s`;
  }
}

/** The series label that names an object of a resource, for the resources the series carry. */
const RESOURCE_LABEL: ReadonlyMap<string, "pod" | "service"> = new Map([
  ["pods", "pod"],
  ["services", "service"],
]);

// custom-metrics-apiserver pkg/provider/errors.go NewMetricNotFoundError / NewMetricNotFoundForError.
function metricNotFound(metricName: string, groupResource: string): MetricsApiError {
  return { error: `the server could not find the metric ${metricName} for ${groupResource}` };
}
function metricNotFoundFor(metricName: string, groupResource: string, name: string): MetricsApiError {
  return { error: `the server could not find the metric ${metricName} for ${groupResource} ${name}` };
}

/** provider.go metricFor / metric_converter.go: resource.NewMilliQuantity(int64(value*1000.0)). */
export function toMilli(value: number): number {
  if (Number.isNaN(value)) return 0;
  const milli = Math.trunc(value * 1000);
  if (!Number.isSafeInteger(milli)) throw new RangeError(`metric value ${value} is out of the exact integer range`);
  return milli;
}

export class PrometheusAdapter implements CustomMetricsProvider {
  readonly config: Readonly<AdapterConfig>;
  readonly maxAge_ms: number;
  relists = 0;
  /** Registered custom metrics: `<groupResource>/<metricName>` -> rule (series_registry.go info). */
  private registry = new Map<string, AdapterRule>();
  /** Registered external metrics by name (external_series_registry.go metricsInfo). */
  private externalRegistry = new Map<string, ExternalAdapterRule>();

  constructor(
    private readonly sim: Simulation,
    readonly prometheus: Prometheus,
    config: Readonly<AdapterConfig> = DEFAULT_ADAPTER_CONFIG,
  ) {
    this.config = config;
    if (!Number.isSafeInteger(config.relistInterval_ms) || config.relistInterval_ms < 1) {
      throw new RangeError(`prometheus-adapter: relist interval must be a positive number of ms, got ${config.relistInterval_ms}`);
    }
    this.maxAge_ms = config.maxAge_ms ?? config.relistInterval_ms;
    // cmd/adapter/adapter.go: "max age must not be less than relist interval".
    if (this.maxAge_ms < config.relistInterval_ms) throw new RangeError("prometheus-adapter: max age must not be less than relist interval");
    for (const rule of [...config.rules, ...config.externalRules]) {
      if (!EXPOSED_METRICS.has(rule.seriesName)) throw new RangeError(`prometheus-adapter: rule ${rule.metricName}: no series ${rule.seriesName} is scraped`);
      if (rule.rateWindow_ms !== null && !(rule.rateWindow_ms > 0 && rule.rateWindow_ms <= prometheus.config.retention_ms)) {
        throw new RangeError(`prometheus-adapter: rule ${rule.metricName}: rate window ${rule.rateWindow_ms} ms must be within Prometheus' retention (${prometheus.config.retention_ms} ms)`);
      }
    }
    if (config.warmStart) {
      for (const rule of config.rules) {
        this.registry.set(`pods/${rule.metricName}`, rule);
        this.registry.set(`services/${rule.metricName}`, rule);
      }
      for (const rule of config.externalRules) this.externalRegistry.set(rule.metricName, rule);
    }
    const phase_ms = config.relistPhase_ms ?? Math.floor(sim.rng.stream("prometheus-adapter").uniform(0, config.relistInterval_ms));
    sim.every(config.relistInterval_ms, (now_ms) => this.relist(now_ms), { phase_ms });
  }

  /**
   * provider.go cachingMetricsLister.updateMetrics + SetSeries (and the external lister): the
   * registry becomes exactly the metrics whose series had samples in [now - maxAge, now].
   */
  relist(now_ms: number): void {
    this.relists++;
    const since_ms = now_ms - this.maxAge_ms;
    // Warm start: the rules' series existed up to t = 0, so a relist before the first scrape
    // (or while the pods start) does not forget them.
    const seen = (series: string, label: "pod" | "service" | null) =>
      Math.max(this.prometheus.lastSeen_ms(series, label), this.config.warmStart ? 0 : -Infinity);
    const registry = new Map<string, AdapterRule>();
    for (const rule of this.config.rules) {
      for (const [resource, label] of RESOURCE_LABEL) {
        if (seen(rule.seriesName, label) >= since_ms) registry.set(`${resource}/${rule.metricName}`, rule);
      }
    }
    const external = new Map<string, ExternalAdapterRule>();
    for (const rule of this.config.externalRules) {
      if (seen(rule.seriesName, null) >= since_ms) external.set(rule.metricName, rule);
    }
    this.registry = registry;
    this.externalRegistry = external;
  }

  /** Whether a custom metric is registered for a resource ("pods", "services"). */
  isRegistered(groupResource: string, metricName: string): boolean {
    return this.registry.has(`${groupResource}/${metricName}`);
  }

  /**
   * custom.metrics.k8s.io pods/<metricName> for the named pods (provider.go GetMetricBySelector
   * after the API server listed the pods): pods without a value are left out.
   */
  pods(namespace: string, podNames: readonly string[], metricName: string, metricSelector: LabelSelector | null = null): readonly CustomPodMetricItem[] | MetricsApiError {
    const rule = this.registry.get(`pods/${metricName}`);
    // series_registry.go QueryForMetric: an unregistered metric, or no names, builds no query.
    if (!rule || podNames.length === 0) return metricNotFound(metricName, "pods");
    const now_ms = this.sim.now_ms;
    const result = this.query(rule, namespace, metricSelector, "pod", podNames, now_ms);
    if ("error" in result) return result;
    const byPod = new Map<string, number>();
    for (const s of result) byPod.set(s.labels.pod, s.value);
    const window_ms = this.config.reportRateWindow ? rule.rateWindow_ms : null;
    const items: CustomPodMetricItem[] = [];
    for (const podName of podNames) {
      const value = byPod.get(podName);
      if (value === undefined) continue;
      items.push({ podName, timestamp_ms: now_ms, window_ms, value_milli: toMilli(value) });
    }
    return items;
  }

  /** custom.metrics.k8s.io <resource>/<name>/<metricName> (provider.go GetMetricByName). */
  object(namespace: string, metricName: string, ref: CrossVersionObjectReference, metricSelector: LabelSelector | null = null): TimestampedValue | MetricsApiError {
    const groupResource = groupResourceOf(ref.kind);
    const label = RESOURCE_LABEL.get(groupResource);
    const rule = this.registry.get(`${groupResource}/${metricName}`);
    if (!rule || !label) return metricNotFound(metricName, groupResource);
    const now_ms = this.sim.now_ms;
    const result = this.query(rule, namespace, metricSelector, label, [ref.name], now_ms);
    if ("error" in result) return result;
    for (const s of result) {
      if (s.labels[label] === ref.name) return { timestamp_ms: now_ms, value_milli: toMilli(s.value) };
    }
    return metricNotFoundFor(metricName, groupResource, ref.name);
  }

  /** external.metrics.k8s.io <metricName> (external-provider/provider.go GetExternalMetric). */
  external(namespace: string, metricName: string, metricSelector: LabelSelector | null = null): readonly TimestampedValue[] | MetricsApiError {
    const rule = this.externalRegistry.get(metricName);
    if (!rule) {
      // provider.go selectGroupResource: "namespaces" for the default namespace, else the empty
      // GroupResource (so the message really ends in "for ").
      return metricNotFound(metricName, namespace === "default" ? "namespaces" : "");
    }
    const parsed = matchersFromSelector(metricSelector);
    if ("error" in parsed) return { error: "unable to fetch metrics" };
    const matchers: LabelMatcher[] = parsed;
    if (rule.namespaced && namespace !== "") matchers.push({ name: "namespace", op: "=", value: namespace });
    const now_ms = this.sim.now_ms;
    const vector = this.evaluate(rule, matchers, now_ms);
    return aggregate(rule.aggregation, rule.groupBy, vector).map((s) => ({ timestamp_ms: now_ms, value_milli: toMilli(s.value) }));
  }

  /** metrics_query.go Build: selector matchers, namespace, then `<label>=~"a|b"` for the names. */
  private query(
    rule: AdapterRule,
    namespace: string,
    metricSelector: LabelSelector | null,
    label: "pod" | "service",
    names: readonly string[],
    now_ms: number,
  ): VectorSample[] | MetricsApiError {
    const parsed = matchersFromSelector(metricSelector);
    // provider.go buildQuery: a query that cannot be built is an internal error upstream.
    if ("error" in parsed) return { error: "unable to fetch metrics" };
    const matchers: LabelMatcher[] = parsed;
    if (namespace !== "") matchers.push({ name: "namespace", op: "=", value: namespace });
    matchers.push(names.length > 1 ? { name: label, op: "=~", value: names.join("|") } : { name: label, op: "=", value: names[0] });
    return aggregate(rule.aggregation, [label], this.evaluate(rule, matchers, now_ms));
  }

  private evaluate(rule: AdapterRule, matchers: readonly LabelMatcher[], now_ms: number): VectorSample[] {
    return rule.rateWindow_ms === null
      ? this.prometheus.instant(rule.seriesName, matchers, now_ms)
      : this.prometheus.rate(rule.seriesName, matchers, rule.rateWindow_ms, now_ms);
  }
}
