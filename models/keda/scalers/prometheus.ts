/** The Prometheus scaler: pkg/scalers/prometheus_scaler.go (parsePrometheusMetadata, ExecutePromQuery, GetMetricSpecForScaling, GetMetricsAndActivity). */
import { generateMetricInMili, generateMetricNameWithIndex, getMetricTargetMili, optBool, optFloat, optInt, optString, reqFloat, reqString } from "../metrics.js";
import { KedaConfigError, type ExternalMetricSpec, type MetricsAndActivity, type ScaleTriggers } from "../types.js";

export interface PrometheusMetadata {
  serverAddress: string;
  query: string;
  threshold: number;
  activationThreshold: number;
  /** Empty results and NaN/±Inf read as 0 instead of an error (default true). */
  ignoreNullValues: boolean;
  namespace: string | undefined;
  queryParameters: Record<string, string>;
  customHeaders: Record<string, string>;
  timeout_ms: number | undefined;
  unsafeSsl: boolean;
}

/** "k1=v1,k2=v2" (kedautil.ParseStringList); every item needs a "=". */
function parseKeyValueList(meta: Record<string, string>, key: string): Record<string, string> {
  const out: Record<string, string> = {};
  const text = optString(meta, key);
  if (text === undefined) return out;
  for (const item of text.split(",")) {
    const eq = item.indexOf("=");
    if (eq < 0) throw new KedaConfigError(`error parsing "${key}": ${JSON.stringify(item.trim())} is not key=value`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  return out;
}

/** prometheus_scaler.go parsePrometheusMetadata (+ Validate). */
export function parsePrometheusMetadata(trigger: ScaleTriggers): PrometheusMetadata {
  const meta = trigger.metadata;
  const timeout_ms = optString(meta, "timeout") === undefined ? undefined : optInt(meta, "timeout", 0);
  if (timeout_ms !== undefined && timeout_ms <= 0) throw new KedaConfigError('"timeout" must be a positive number of milliseconds');
  return {
    serverAddress: reqString(meta, "serverAddress"),
    query: reqString(meta, "query"),
    threshold: reqFloat(meta, "threshold"),
    activationThreshold: optFloat(meta, "activationThreshold", 0),
    ignoreNullValues: optBool(meta, "ignoreNullValues", true),
    namespace: optString(meta, "namespace"),
    queryParameters: parseKeyValueList(meta, "queryParameters"),
    customHeaders: parseKeyValueList(meta, "customHeaders"),
    timeout_ms,
    unsafeSsl: optBool(meta, "unsafeSsl", false),
  };
}

/** prometheus_scaler.go GetMetricSpecForScaling: "s<i>-prometheus", target threshold. */
export function prometheusMetricSpec(meta: PrometheusMetadata, triggerIndex: number, metricType?: string): ExternalMetricSpec {
  return { metricName: generateMetricNameWithIndex(triggerIndex, "prometheus"), target: getMetricTargetMili(metricType, meta.threshold) };
}

/** ExecutePromQuery's answer: the value, or -1 with an error message. */
export type PromQueryResult = { value: number; error: null } | { value: -1; error: string };

/**
 * prometheus_scaler.go ExecutePromQuery, from the HTTP status and body on: one series at most; an
 * empty result, empty value list or NaN/±Inf is 0 when ignoreNullValues, else an error; a null
 * sample value leaves -1 without an error.
 */
export function executePromQuery(meta: Pick<PrometheusMetadata, "ignoreNullValues" | "query">, httpStatus: number, body: string): PromQueryResult {
  const fail = (error: string): PromQueryResult => ({ value: -1, error });
  if (httpStatus < 200 || httpStatus > 299) return fail(`prometheus query api returned error. status: ${httpStatus} response: ${body}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (err) {
    return fail(`cannot decode the prometheus response: ${(err as Error).message}`);
  }
  const data = (parsed as { data?: { result?: unknown } } | null)?.data;
  const result = Array.isArray(data?.result) ? (data.result as unknown[]) : [];
  if (result.length === 0) return meta.ignoreNullValues ? { value: 0, error: null } : fail("prometheus metrics 'prometheus' target may be lost, the result is empty");
  if (result.length > 1) return fail(`prometheus query ${meta.query} returned multiple elements`);
  const sample = (result[0] as { value?: unknown } | null)?.value;
  const values = Array.isArray(sample) ? sample : [];
  if (values.length === 0) return meta.ignoreNullValues ? { value: 0, error: null } : fail("prometheus metrics 'prometheus' target may be lost, the value list is empty");
  if (values.length < 2) return fail(`prometheus query ${meta.query} didn't return enough values`);
  let v = -1;
  if (values[1] !== null) {
    const text = String(values[1]);
    const n = parseGoFloat(text);
    if (n === undefined) return fail(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
    v = n;
  }
  if (!Number.isFinite(v)) return meta.ignoreNullValues ? { value: 0, error: null } : fail(`promtheus query returns ${v}`);
  return { value: v, error: null };
}

/** strconv.ParseFloat, including the "NaN", "+Inf", "-Inf" spellings Prometheus uses. */
function parseGoFloat(text: string): number | undefined {
  const t = text.toLowerCase();
  if (t === "nan") return NaN;
  if (t === "inf" || t === "+inf" || t === "infinity" || t === "+infinity") return Infinity;
  if (t === "-inf" || t === "-infinity") return -Infinity;
  return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text) ? Number(text) : undefined;
}

/** prometheus_scaler.go GetMetricsAndActivity: the value as a metric; active iff value > activationThreshold (raw). */
export function prometheusMetricsAndActivity(meta: PrometheusMetadata, value: number): MetricsAndActivity {
  return { metricValueMilli: generateMetricInMili(value), isActive: value > meta.activationThreshold };
}
