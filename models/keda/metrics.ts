/**
 * KEDA's metric helpers: names (pkg/scalers/scaler.go GenerateMetricNameWithIndex,
 * pkg/util/normalize_string.go NormalizeString), milli-quantities (scaler.go GenerateMetricInMili,
 * GetMetricTargetMili) and the `%.3f` formatting they go through.
 */
import { KedaConfigError, type ExternalTarget } from "./types.js";

/** normalize_string.go NormalizeString: "/", ".", ":", "%", "(", ")" become "-". */
export function normalizeString(s: string): string {
  return s.replace(/[/.:%()]/g, "-");
}

/** scaler.go GenerateMetricNameWithIndex: "s<index>-<name>". */
export function generateMetricNameWithIndex(triggerIndex: number, metricName: string): string {
  return `s${triggerIndex}-${metricName}`;
}

/**
 * A float as resource.MustParse(fmt.Sprintf("%.3f", v)).MilliValue(): rounded to 3 decimals of its
 * exact binary value (as toFixed, with Go's half-to-even on exact ties), then in milli-units.
 * Negative, NaN and ±Inf become 0 (GenerateMetricInMili), as upstream refuses to serve them.
 */
function floatToMilli(value: number): number {
  if (!Number.isFinite(value) || value < 0) return 0;
  // An exact tie (value × 1000 ends in exactly .5, e.g. 0.0625): Go rounds half to even, while
  // toFixed rounds up.
  const twice = exactTimes2000(value);
  if (twice !== null && twice % 2n === 1n) {
    const floor = Number((twice - 1n) / 2n);
    return floor % 2 === 0 ? floor : floor + 1;
  }
  return Math.round(Number(value.toFixed(3)) * 1000);
}

/** value × 2000 when it is exactly an integer (from the double's mantissa and exponent), else null. */
function exactTimes2000(value: number): bigint | null {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, value);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075; // value = mantissa × 2^exponent
  const scaled = mantissa * 2000n;
  if (exponent >= 0) return scaled << BigInt(exponent);
  const divisor = 1n << BigInt(-exponent);
  return scaled % divisor === 0n ? scaled / divisor : null;
}

/** scaler.go GenerateMetricInMili: the value an External metric carries, in milli-units (`%.3f`-rounded). */
export function generateMetricInMili(value: number): number {
  return floatToMilli(value);
}

/** scaler.go GetMetricTargetType: metricType "" → AverageValue; Utilization is for cpu/memory only. */
export function getMetricTargetType(metricType: string | undefined): "AverageValue" | "Value" {
  if (metricType === undefined || metricType === "" || metricType === "AverageValue") return "AverageValue";
  if (metricType === "Value") return "Value";
  throw new KedaConfigError(`metricType ${JSON.stringify(metricType)} is not supported for this trigger (use AverageValue or Value)`);
}

/** scaler.go GetMetricTargetMili: the target of the given type, `%.3f`-rounded. */
export function getMetricTargetMili(metricType: string | undefined, target: number): ExternalTarget {
  const milli = floatToMilli(target);
  return getMetricTargetType(metricType) === "Value" ? { type: "Value", valueMilli: milli } : { type: "AverageValue", averageValueMilli: milli };
}

// ---- typed metadata readers (scalersconfig TypedConfig): a missing or empty value is "unset" ----

function raw(meta: Record<string, string>, auth: Record<string, string> | undefined, key: string): string | undefined {
  const v = meta[key] ?? auth?.[key];
  return v === undefined || v === "" ? undefined : v;
}

export function optString(meta: Record<string, string>, key: string, auth?: Record<string, string>): string | undefined {
  return raw(meta, auth, key);
}

export function reqString(meta: Record<string, string>, key: string, auth?: Record<string, string>): string {
  const v = raw(meta, auth, key);
  if (v === undefined) throw new KedaConfigError(`missing required parameter "${key}"`);
  return v;
}

/** strconv.ParseFloat: a decimal or exponent number, nothing else. */
export function optFloat(meta: Record<string, string>, key: string, fallback: number): number {
  const v = raw(meta, undefined, key);
  if (v === undefined) return fallback;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(v.trim())) throw new KedaConfigError(`error parsing "${key}": ${JSON.stringify(v)} is not a number`);
  return Number(v);
}

export function reqFloat(meta: Record<string, string>, key: string): number {
  if (raw(meta, undefined, key) === undefined) throw new KedaConfigError(`missing required parameter "${key}"`);
  return optFloat(meta, key, 0);
}

/** strconv.ParseInt base 10. */
export function optInt(meta: Record<string, string>, key: string, fallback: number): number {
  const v = raw(meta, undefined, key);
  if (v === undefined) return fallback;
  if (!/^[+-]?\d+$/.test(v.trim())) throw new KedaConfigError(`error parsing "${key}": ${JSON.stringify(v)} is not an integer`);
  return Number(v);
}

/** strconv.ParseBool. */
export function optBool(meta: Record<string, string>, key: string, fallback: boolean): boolean {
  const v = raw(meta, undefined, key);
  if (v === undefined) return fallback;
  if (["1", "t", "T", "TRUE", "true", "True"].includes(v)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(v)) return false;
  throw new KedaConfigError(`error parsing "${key}": ${JSON.stringify(v)} is not a boolean`);
}
