/**
 * The few PromQL pieces the adapter's queries need, as pure functions: range-vector rate
 * (Prometheus' extrapolatedRate), label matchers, and `sum`/`avg`/`min`/`max`/`count ... by (labels)`
 * aggregation.
 *
 * Semantics are Prometheus 3.x: a range `[w]` evaluated at t selects the samples with
 * t - w < ts <= t (left-open since 3.0, promql/engine.go matrixIterSlice keeps `T > mint`), and an
 * instant selector takes the newest sample with t - lookbackDelta < ts <= t unless it is a
 * staleness marker (engine.go vectorSelectorSingle).
 */
import type { LabelSelector } from "../cluster/types.js";

/**
 * promql/functions.go extrapolatedRate (float samples, no start timestamps, v3.x): the increase of
 * the samples in the range, extrapolated towards the range's edges, per second when `isRate`.
 * Samples are `t_ms[from..from+n)` / `v[...]`, ascending in time, already restricted to
 * (rangeStart_ms, rangeEnd_ms]. Returns undefined where Prometheus returns no element (fewer
 * than two samples).
 *
 * - Counter resets: a drop in value means the counter restarted from 0, so the value before the
 *   drop is added back (upstream: `if currPoint.F < prevValue { resultFloat += prevValue }`).
 * - Extrapolation: to an edge when the first/last sample is within 1.1 x the average sample
 *   interval of it, else by half an average interval (the series likely starts/ends inside).
 * - Zero floor: a counter is not extrapolated to before the time it would have been 0.
 */
export function extrapolatedRate(
  t_ms: ArrayLike<number>,
  v: ArrayLike<number>,
  from: number,
  n: number,
  rangeStart_ms: number,
  rangeEnd_ms: number,
  isCounter: boolean,
  isRate: boolean,
): number | undefined {
  if (n < 2) return undefined; // "TODO: add RangeTooShortWarning": no element
  const last = from + n - 1;
  const firstT = t_ms[from];
  const lastT = t_ms[last];
  let result = v[last] - v[from];
  if (isCounter) {
    let prev = v[from];
    for (let i = from + 1; i <= last; i++) {
      const cur = v[i];
      if (cur < prev) result += prev;
      prev = cur;
    }
  }
  let durationToStart_s = (firstT - rangeStart_ms) / 1000;
  let durationToEnd_s = (rangeEnd_ms - lastT) / 1000;
  const sampledInterval_s = (lastT - firstT) / 1000;
  const averageDurationBetweenSamples_s = sampledInterval_s / (n - 1);
  const extrapolationThreshold_s = averageDurationBetweenSamples_s * 1.1;
  if (durationToStart_s >= extrapolationThreshold_s) durationToStart_s = averageDurationBetweenSamples_s / 2;
  if (isCounter) {
    let durationToZero_s = durationToStart_s;
    if (result > 0 && v[from] >= 0) durationToZero_s = sampledInterval_s * (v[from] / result);
    if (durationToZero_s < durationToStart_s) durationToStart_s = durationToZero_s;
  }
  if (durationToEnd_s >= extrapolationThreshold_s) durationToEnd_s = averageDurationBetweenSamples_s / 2;
  let factor = (sampledInterval_s + durationToStart_s + durationToEnd_s) / sampledInterval_s;
  if (isRate) factor /= (rangeEnd_ms - rangeStart_ms) / 1000;
  return result * factor;
}

/** The labels kubesim's series carry; "" = the label is absent (as PromQL treats it). */
export type LabelName = "namespace" | "pod" | "service";
export type SeriesLabels = Readonly<Record<LabelName, string>>;

export type MatchOp = "=" | "!=" | "=~" | "!~";

/** A PromQL label matcher `name op "value"`; regexes are fully anchored, as in Prometheus. */
export interface LabelMatcher {
  name: LabelName | (string & {});
  op: MatchOp;
  value: string;
}

/** A compiled matcher: true when a series' label value (or "" when absent) matches. */
export type ValueTest = (value: string) => boolean;

const REGEX_META = /[\\^$.|?*+()[\]{}]/;

/**
 * Compiles a matcher. A regex that is a plain alternation of literals (what the adapter builds
 * from a pod list, `pod=~"a|b|c"`) becomes a set lookup: same answer, no regex over thousands of
 * alternatives on every series.
 */
export function compileMatcher(m: LabelMatcher): ValueTest {
  switch (m.op) {
    case "=":
      return (x) => x === m.value;
    case "!=":
      return (x) => x !== m.value;
    case "=~":
    case "!~": {
      let test: ValueTest;
      const parts = m.value.split("|");
      if (parts.every((p) => !REGEX_META.test(p))) {
        const set = new Set(parts);
        test = (x) => set.has(x);
      } else {
        const re = new RegExp(`^(?:${m.value})$`, "s");
        test = (x) => re.test(x);
      }
      return m.op === "=~" ? test : (x) => !test(x);
    }
  }
}

/**
 * prometheus-adapter pkg/naming/metrics_query.go createQueryPartsFromSelector +
 * processQueryParts (selectMatcher, selectTargetValue): a Kubernetes metric label selector as
 * PromQL matchers. Returns an error string where upstream fails the query.
 */
export function matchersFromSelector(selector: LabelSelector | null): LabelMatcher[] | { error: string } {
  const out: LabelMatcher[] = [];
  if (selector === null) return out;
  // labels.Selector.Requirements() lists requirements sorted by key (k8s labels selector.go).
  const reqs: { key: string; operator: string; values: string[] }[] = [];
  for (const key of Object.keys(selector.matchLabels)) reqs.push({ key, operator: "=", values: [selector.matchLabels[key]] });
  for (const e of selector.matchExpressions) reqs.push({ key: e.key, operator: e.operator, values: [...(e.values ?? [])].sort(compareCodepoints) });
  reqs.sort((a, b) => compareCodepoints(a.key, b.key));
  for (const r of reqs) {
    if (r.key === "") return { error: "label not specified" };
    const n = r.values.length;
    const op = r.operator;
    let matchOp: MatchOp;
    let value: string;
    if (n === 0) {
      if (op === "Exists") matchOp = "!=";
      else if (op === "DoesNotExist") matchOp = "=";
      else return { error: "malformed query" };
      value = "";
    } else if (op === "Exists" || op === "DoesNotExist") {
      return { error: "operator not supported with values" };
    } else if (n === 1) {
      matchOp = op === "=" || op === "==" ? "=" : op === "!=" ? "!=" : op === "In" ? "=~" : "!~";
      value = r.values[0];
    } else {
      matchOp = op === "=" || op === "==" || op === "In" ? "=~" : "!~";
      value = r.values.join("|");
    }
    out.push({ name: r.key, op: matchOp, value });
  }
  return out;
}

function compareCodepoints(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One element of an instant vector. */
export interface VectorSample {
  labels: SeriesLabels;
  value: number;
}

export const EMPTY_LABELS: SeriesLabels = Object.freeze({ namespace: "", pod: "", service: "" });

/**
 * `<op> by (by) (vector)` for sum, avg, min, max and count (promql/engine.go aggregation): groups
 * by the values of the `by` labels; the result keeps only those labels. Groups come out in the
 * order first seen (the input's order), which the engine does not promise but keeps runs
 * reproducible.
 */
export function aggregate(op: "sum" | "avg" | "min" | "max" | "count", by: readonly LabelName[], vector: readonly VectorSample[]): VectorSample[] {
  const groups = new Map<string, { labels: SeriesLabels; sum: number; count: number; min: number; max: number }>();
  for (const s of vector) {
    let key = "";
    for (const name of by) key += `${s.labels[name]}\u0000`;
    let g = groups.get(key);
    if (!g) {
      const labels = { namespace: "", pod: "", service: "" };
      for (const name of by) labels[name] = s.labels[name];
      g = { labels, sum: 0, count: 0, min: Infinity, max: -Infinity };
      groups.set(key, g);
    }
    g.sum += s.value;
    g.count++;
    if (s.value < g.min) g.min = s.value;
    if (s.value > g.max) g.max = s.value;
  }
  const out: VectorSample[] = [];
  for (const g of groups.values()) {
    const value = op === "sum" ? g.sum : op === "avg" ? g.sum / g.count : op === "min" ? g.min : op === "max" ? g.max : g.count;
    out.push({ labels: g.labels, value });
  }
  return out;
}
