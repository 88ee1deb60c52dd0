/**
 * prometheus-adapter's rule configuration (pkg/config/config.go: `rules` and `externalRules`, each
 * with seriesQuery, name {matches, as}, metricsQuery, resources) as kubesim's adapter takes it:
 * the series the rule discovers, the name it serves the metric under (naming.go: the regex
 * `matches` over the series name, `as` with its capture groups, default "$1" or the whole name),
 * and the metricsQuery template reduced to what kubesim evaluates: an aggregation over rate() of
 * the series or over the series itself (query.ts parses it once the template is filled in).
 */
import type { AdapterRule, ExternalAdapterRule } from "./adapter.js";
import type { LabelName } from "./promql.js";
import { parseQuery, QueryError, SUPPORTED_QUERIES, type Query } from "./query.js";

/** One rule as written in the adapter's config file. */
export interface RuleConfig {
  seriesQuery: string;
  name?: { matches?: string; as?: string };
  metricsQuery: string;
  /** External rules: resources.namespaced (default true). */
  namespaced?: boolean;
}

export class RuleConfigError extends Error {
  constructor(readonly field: "seriesQuery" | "name" | "metricsQuery", message: string) {
    super(message);
    this.name = "RuleConfigError";
  }
}

/**
 * naming.go NewMetricNamer / GetMetricNameForSeries: `matches` (default ".*") must match the series
 * name; `as` (default "$1" with a capture group, else "$0") expands Go's regexp.Expand templates.
 */
export function metricNameFor(seriesName: string, name: RuleConfig["name"]): string {
  let re: RegExp;
  try {
    re = new RegExp(name?.matches ?? ".*");
  } catch (e) {
    throw new RuleConfigError("name", `name.matches is not a valid regular expression: ${(e as Error).message}`);
  }
  const m = re.exec(seriesName);
  if (m === null) throw new RuleConfigError("name", `name.matches ${JSON.stringify(name?.matches)} does not match the series ${JSON.stringify(seriesName)}`);
  const template = name?.as ?? (m.length > 1 ? "$1" : "$0");
  // regexp.Expand: $n or ${n} is capture group n; $$ is a dollar.
  return template.replace(/\$\$|\$\{(\d+)\}|\$(\d+)/g, (all, braced: string | undefined, bare: string | undefined) => {
    if (all === "$$") return "$";
    return m[Number(braced ?? bare)] ?? "";
  });
}

/** The metricsQuery with the adapter's template fields filled in for one series. */
function expand(metricsQuery: string, seriesName: string): string {
  return metricsQuery
    .replace(/\{\s*<<\s*\.LabelMatchers\s*>>\s*\}/g, "")
    .replace(/,?\s*<<\s*\.LabelMatchers\s*>>/g, "")
    .replace(/<<\s*\.Series\s*>>/g, seriesName)
    .replace(/<<\s*\.GroupBy\s*>>/g, "pod");
}

function parsed<T>(field: "seriesQuery" | "metricsQuery", parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (e instanceof QueryError) throw new RuleConfigError(field, e.message);
    throw e;
  }
}

/** The pieces of a rule kubesim runs: the series, the served name, the aggregation and the rate window (null: the instant value). */
function compile(rule: RuleConfig, known: ReadonlySet<string>): { seriesName: string; metricName: string; query: Extract<Query, { kind: "aggregate" }> } {
  const series = parsed("seriesQuery", () => parseQuery(rule.seriesQuery, known));
  if (series.kind !== "selector") throw new RuleConfigError("seriesQuery", "seriesQuery must be a series selector such as http_requests_total{namespace!=\"\",pod!=\"\"}");
  const metricName = metricNameFor(series.metric, rule.name);
  const query = parsed("metricsQuery", () => parseQuery(expand(rule.metricsQuery, series.metric), known));
  const inner = query.kind === "aggregate" ? query.inner : null;
  if (query.kind !== "aggregate" || query.op === "count" || (inner!.kind !== "selector" && !(inner!.kind === "rate" && inner!.fn === "rate")) || inner!.metric !== series.metric) {
    throw new RuleConfigError("metricsQuery", `kubesim's adapter evaluates sum/avg/min/max(rate(<<.Series>>{<<.LabelMatchers>>}[window])) by (<<.GroupBy>>) or the same over <<.Series>>{<<.LabelMatchers>>}; got ${JSON.stringify(rule.metricsQuery)} (queries: ${SUPPORTED_QUERIES})`);
  }
  return { seriesName: series.metric, metricName, query };
}

/** A `rules` item (custom.metrics.k8s.io: pods and objects, grouped by the object's label). */
export function customRule(rule: RuleConfig, known: ReadonlySet<string>): AdapterRule {
  const { seriesName, metricName, query } = compile(rule, known);
  return { seriesName, metricName, aggregation: query.op as AdapterRule["aggregation"], rateWindow_ms: query.inner.kind === "rate" ? query.inner.window_ms : null };
}

/** An `externalRules` item: grouped by the labels the query's `by` names, namespaced unless `resources.namespaced: false`. */
export function externalRule(rule: RuleConfig, known: ReadonlySet<string>): ExternalAdapterRule {
  const { seriesName, metricName, query } = compile(rule, known);
  const groupBy: LabelName[] = /<<\s*\.GroupBy\s*>>/.test(rule.metricsQuery) ? [] : query.by;
  return {
    seriesName, metricName, aggregation: query.op as AdapterRule["aggregation"], rateWindow_ms: query.inner.kind === "rate" ? query.inner.window_ms : null,
    groupBy, namespaced: rule.namespaced ?? true,
  };
}
