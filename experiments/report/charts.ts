/**
 * The report's default charts as vega-lite v6 specs: plain JSON with the data inlined, so each
 * `charts/<name>.vl.json` is self-contained and a paper can restyle it (change `config`, sizes,
 * titles) without rerunning the simulation. Pure functions: series in, spec out.
 */
import type { TopLevelSpec } from "vega-lite";
import { keepNames, thinAll, thinSeries, topNames, topNote, MAX_SERIES, type Point } from "./select.js";
import { describeHpaSeries, isHpaMetricValue, TARGET_PREFIX } from "../hpa-metric-series.js";
import type { DecisionRow, LagEntry, MetricFilter, RunData, SeriesSource } from "./types.js";

export interface Chart {
  /** File stem: charts/<name>.vl.json, .svg, .png. */
  name: string;
  /** Heading in report.html (also the spec's title). */
  title: string;
  spec: TopLevelSpec;
}

/** Replica counts are whole: integer ticks, never 2.5. */
const REPLICA_AXIS = { tickMinStep: 1, format: "d" };

/** A chart of two quantities with different units over time: one layer per quantity, each with its own y scale and axis. */
function dualAxisSpec(title: string, values: unknown[], layer: object[]): TopLevelSpec {
  return { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, data: { values }, layer, resolve: { scale: { y: "independent" } } } as TopLevelSpec;
}
const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
const WIDTH = 640;
const HEIGHT = 240;
/** Facet cells are smaller so two fit side by side in the report. */
const CELL_WIDTH = 300;
const CELL_HEIGHT = 160;

/**
 * Shared styling. The font is named so the SVG says which face it wants and the PNG renderer
 * (resvg, given DejaVu Sans) draws the same glyphs on every machine; the background is white so
 * PNGs are not transparent.
 */
export const CHART_CONFIG = {
  font: "DejaVu Sans",
  background: "white",
  axis: { labelFontSize: 11, titleFontSize: 12 },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 220 },
  title: { fontSize: 14, anchor: "start" as const },
};

const TIME_X = { field: "time_s", type: "quantitative" as const, title: "time (s)" };

// Human labels for metrics, written into the inline data so legends read well and a restyled
// spec keeps them.
const MEASURE: Record<string, string> = {
  replicas_spec: "spec",
  replicas_ready: "ready",
  cpu_utilization_pct: "as the HPA saw it",
  cpu_utilization_true_pct: "true",
  latency_p95_ms: "p95",
  latency_p50_ms: "p50",
  nodes: "registered",
  nodes_ready: "ready",
  target_size: "target size",
  recommendation_lower_cpu_mcores: "lower bound",
  recommendation_target_cpu_mcores: "target",
  recommendation_upper_cpu_mcores: "upper bound",
  requests_cpu_mcores: "pods' request",
};

interface LabelledPoint extends Point {
  measure: string;
}

function labelled(points: readonly Point[]): LabelledPoint[] {
  return points.map((p) => ({ ...p, measure: MEASURE[p.metric] ?? p.metric }));
}

/** (a) Deployment replicas (spec, ready) on the left axis against offered load on the right. */
export function replicasChart(timeseries: SeriesSource): Chart {
  const deployments = timeseries.select("Deployment", ["replicas_spec", "replicas_ready"]);
  const topD = topNames(deployments, "replicas_spec");
  const services = timeseries.select("Service", ["rps_offered"]);
  const topS = topNames(services, "rps_offered");
  const title = "Replicas against demand" + topNote(topD, "Deployments", "replicas") + topNote(topS, "Services", "offered load");
  const replicaData = labelled(thinAll(keepNames(deployments, topD.names))).map((p) => ({ ...p, kind: "Deployment" }));
  const demandData = thinAll(keepNames(services, topS.names)).map((p) => ({ ...p, measure: "offered", kind: "Service" }));

  const replicasLayer = {
    transform: [{ filter: { field: "kind", equal: "Deployment" } }],
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "replicas", axis: REPLICA_AXIS },
      color: { field: "name", type: "nominal" as const, title: "Deployment" },
      strokeDash: { field: "measure", type: "nominal" as const, title: "replicas", scale: { domain: ["spec", "ready"] } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "Deployment" },
        { field: "measure", type: "nominal" as const, title: "replicas" },
        { field: "value", type: "quantitative" as const, title: "count" },
      ],
    },
  };
  const demandLayer = {
    transform: [{ filter: { field: "kind", equal: "Service" } }],
    mark: { type: "line" as const, color: "#9e9e9e", strokeWidth: 1.5, opacity: 0.8 },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "offered load (req/s, grey)", axis: { orient: "right" as const } },
      detail: { field: "name", type: "nominal" as const },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "Service" },
        { field: "value", type: "quantitative" as const, title: "offered req/s", format: ".1f" },
      ],
    },
  };
  const spec: TopLevelSpec =
    demandData.length === 0
      ? { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, data: { values: replicaData }, layer: [replicasLayer] }
      : dualAxisSpec(title, [...replicaData, ...demandData], [demandLayer, replicasLayer]);
  return { name: "replicas", title, spec };
}

/**
 * Cluster Autoscaler: each autoscaled node group's target size, registered and Ready nodes (left
 * axis) against the cluster's pending pods (right axis, grey).
 */
export function nodesChart(timeseries: SeriesSource): Chart {
  const groups = timeseries.select("NodeGroup", ["target_size", "nodes", "nodes_ready"]);
  const top = topNames(groups, "target_size");
  const title = "Nodes against pending pods" + topNote(top, "node groups", "target size");
  const nodeData = labelled(thinAll(keepNames(groups, top.names))).map((p) => ({ ...p, kind: "NodeGroup" }));
  const pendingData = thinAll(timeseries.select("Cluster", ["pods_pending"])).map((p) => ({ ...p, measure: "pending pods", kind: "Cluster" }));
  const nodesLayer = {
    transform: [{ filter: { field: "kind", equal: "NodeGroup" } }],
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "nodes" },
      color: { field: "name", type: "nominal" as const, title: "node group" },
      strokeDash: { field: "measure", type: "nominal" as const, title: "nodes", scale: { domain: ["target size", "registered", "ready"] } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "node group" },
        { field: "measure", type: "nominal" as const, title: "nodes" },
        { field: "value", type: "quantitative" as const, title: "count" },
      ],
    },
  };
  const pendingLayer = {
    transform: [{ filter: { field: "kind", equal: "Cluster" } }],
    mark: { type: "line" as const, interpolate: "step-after" as const, color: "#9e9e9e", strokeWidth: 1.5, opacity: 0.8 },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "pending pods (grey)", axis: { orient: "right" as const } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "value", type: "quantitative" as const, title: "pending pods" },
      ],
    },
  };
  const spec = dualAxisSpec(title, [...nodeData, ...pendingData], [pendingLayer, nodesLayer]);
  return { name: "nodes", title, spec };
}

/** (b) CPU utilization as the HPA saw it against true utilization, one panel per Deployment. */
export function cpuChart(timeseries: SeriesSource): Chart {
  const series = timeseries.select("Deployment", ["cpu_utilization_pct", "cpu_utilization_true_pct"]);
  const top = topNames(series, "cpu_utilization_true_pct");
  const title = "CPU utilization: as the HPA saw it vs true" + topNote(top, "Deployments", "true utilization");
  const values = labelled(thinAll(keepNames(series, top.names)));
  const layerSpec = {
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "CPU utilization (%)" },
      color: { field: "measure", type: "nominal" as const, title: "utilization", scale: { domain: ["as the HPA saw it", "true"] } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "Deployment" },
        { field: "measure", type: "nominal" as const, title: "utilization" },
        { field: "value", type: "quantitative" as const, title: "%", format: ".1f" },
      ],
    },
  };
  const spec = perDeployment(title, top.names, values, layerSpec, top.names.length === 1 ? `${title} (${top.names[0]})` : title);
  return { name: "cpu-utilization", title, spec };
}

/** (c) Latency p95 (solid) and p50 (dashed) per Service on a log axis, with the SLO as a red rule. */
export function latencyChart(timeseries: SeriesSource, sloP95_ms?: number): Chart {
  const series = timeseries.select("Service", ["latency_p95_ms", "latency_p50_ms"]);
  const top = topNames(series, "latency_p95_ms");
  const title = "Latency against the SLO" + topNote(top, "Services", "p95 latency");
  const values = labelled(thinAll(keepNames(series, top.names)));
  const lines = {
    data: { values },
    mark: { type: "line" as const },
    encoding: {
      x: TIME_X,
      // Log scale: a transient's seconds and a steady state's milliseconds on one axis.
      y: { field: "value", type: "quantitative" as const, title: "latency (ms, log scale)", scale: { type: "log" as const } },
      color: { field: "name", type: "nominal" as const, title: "Service" },
      strokeDash: { field: "measure", type: "nominal" as const, title: "quantile", scale: { domain: ["p95", "p50"] } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "Service" },
        { field: "measure", type: "nominal" as const, title: "quantile" },
        { field: "value", type: "quantitative" as const, title: "ms", format: ".1f" },
      ],
    },
  };
  const slo = sloP95_ms !== undefined && Number.isFinite(sloP95_ms) ? [{ slo_ms: sloP95_ms, label: `SLO p95 ${sloP95_ms} ms` }] : [];
  const spec: TopLevelSpec =
    slo.length === 0
      ? { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, layer: [lines] }
      : {
          $schema: SCHEMA,
          title,
          width: WIDTH,
          height: HEIGHT,
          config: CHART_CONFIG,
          layer: [
            lines,
            {
              data: { values: slo },
              mark: { type: "rule", color: "#d62728", strokeDash: [6, 4], strokeWidth: 1.5 },
              encoding: { y: { field: "slo_ms", type: "quantitative" } },
            },
            {
              data: { values: slo },
              mark: { type: "text", color: "#d62728", align: "left", baseline: "bottom", dx: 4, dy: -2, x: 0 },
              encoding: { y: { field: "slo_ms", type: "quantitative" }, text: { field: "label", type: "nominal" } },
            },
          ],
        };
  return { name: "latency", title, spec };
}

/** A decision as the chart shows it: the step line's value and, for rescales, the marker. */
interface DecisionPoint {
  time_s: number;
  name: string;
  value: number | null;
  current_replicas: number | null;
  change: string;
  limiting_reason: string;
  stabilization_reason: string;
  path: string;
}

/** (d) Each HPA's desired replicas per sync, with a marker at every rescale. */
export function decisionsChart(decisions: readonly DecisionRow[]): Chart {
  const all: DecisionPoint[] = decisions.map((d) => ({
    time_s: d.time_s,
    name: d.hpa,
    value: d.desired_replicas,
    current_replicas: d.current_replicas,
    change: !d.rescale ? "" : (d.desired_replicas ?? 0) >= (d.current_replicas ?? 0) ? "scale up" : "scale down",
    limiting_reason: d.limiting_reason,
    stabilization_reason: d.stabilization_reason,
    path: d.path,
  }));
  const byHpa = new Map<string, DecisionPoint[]>();
  for (const p of all) {
    let points = byHpa.get(p.name);
    if (points === undefined) byHpa.set(p.name, (points = []));
    points.push(p);
  }
  const top = topNames(
    [...byHpa].map(([name, points]) => ({ name, metric: "desired_replicas", value: points.map((p) => p.value ?? NaN) })),
    "desired_replicas",
  );
  const title = "HPA decisions: desired replicas and rescales" + topNote(top, "HPAs", "desired replicas");
  // Thin the step line but keep every rescale: the markers are the point of this chart.
  const values: DecisionPoint[] = [];
  for (const name of top.names) {
    const series = byHpa.get(name)!.sort((a, b) => a.time_s - b.time_s);
    const kept = new Set<DecisionPoint>(thinSeries(series));
    for (const p of series) if (kept.has(p) || p.change !== "") values.push(p);
  }
  const tooltip = [
    { field: "time_s", type: "quantitative" as const, title: "time (s)" },
    { field: "name", type: "nominal" as const, title: "HPA" },
    { field: "current_replicas", type: "quantitative" as const, title: "current" },
    { field: "value", type: "quantitative" as const, title: "desired" },
    { field: "limiting_reason", type: "nominal" as const, title: "limiting reason" },
    { field: "stabilization_reason", type: "nominal" as const, title: "stabilization reason" },
    { field: "path", type: "nominal" as const, title: "path" },
  ];
  const line = {
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: "desired replicas", axis: REPLICA_AXIS },
      color: { field: "name", type: "nominal" as const, title: "HPA" },
      tooltip,
    },
  };
  const markers = {
    transform: [{ filter: "datum.change !== ''" }],
    mark: { type: "point" as const, filled: true, size: 60 },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const },
      color: { field: "name", type: "nominal" as const, title: "HPA" },
      shape: { field: "change", type: "nominal" as const, title: "rescale", scale: { domain: ["scale up", "scale down"], range: ["triangle-up", "triangle-down"] } },
      tooltip,
    },
  };
  // A run that never rescales has no markers: an empty layer would give vega an empty extent
  // ("WARN Infinite extent"), so it is left out and the chart is the line alone.
  const rescaled = values.some((p) => p.change !== "");
  const spec: TopLevelSpec = { $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, data: { values }, layer: rescaled ? [line, markers] : [line] };
  return { name: "decisions", title, spec };
}

/** The scaling path's stages in lag.csv, in path order, and the name of the wait that ends at each. */
const LAG_SEGMENTS: readonly [stage: string, wait: string][] = [
  ["metrics_90pct", "→ metrics API sees it"],
  ["hpa_rescale", "→ HPA decides to scale"],
  ["pods_created", "→ pods created"],
  ["pods_scheduled", "→ pods scheduled"],
  ["pods_ready", "→ pods Ready"],
  ["pods_serving", "→ pods serving"],
];
/** Most steps one chart shows (the first ones; the title says when there are more). */
const MAX_LAG_STEPS = 30;

/**
 * (e) Where did the seconds go: for each rise of offered load (lag.csv), one bar from the step to
 * its new pods serving, cut into the waits between the stages. A stage not reached ends the bar;
 * a stage reached before the one before it (the HPA can act on a partial metric) is a zero wait.
 */
export function lagChart(lag: readonly LagEntry[]): Chart {
  const steps = new Map<string, Map<string, number | null>>();
  for (const r of lag) {
    if (r.direction !== "up") continue;
    const label = `${r.service}${r.hpa !== "" && r.hpa !== r.service ? ` (${r.hpa})` : ""} @ ${r.step_s} s`;
    let stages = steps.get(label);
    if (stages === undefined) steps.set(label, (stages = new Map()));
    stages.set(r.stage, r.after_step_s);
  }
  const labels = [...steps.keys()].slice(0, MAX_LAG_STEPS);
  const values: { step: string; wait: string; order: number; from_s: number; to_s: number; seconds: number }[] = [];
  for (const label of labels) {
    let at = 0;
    for (const [order, [stage, wait]] of LAG_SEGMENTS.entries()) {
      const t = steps.get(label)!.get(stage);
      if (t === null || t === undefined) break;
      const to = Math.max(at, t);
      values.push({ step: label, wait, order, from_s: at, to_s: to, seconds: Math.round((to - at) * 1000) / 1000 });
      at = to;
    }
  }
  const more = steps.size > labels.length ? ` (first ${labels.length} of ${steps.size} load steps)` : "";
  const title = "Where did the seconds go: from each load step up to its new pods serving" + more;
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    config: CHART_CONFIG,
    data: { values },
    mark: { type: "bar" },
    encoding: {
      y: { field: "step", type: "nominal", title: "load step", sort: labels, axis: { labelLimit: 320 } },
      x: { field: "from_s", type: "quantitative", title: "seconds after the load step" },
      x2: { field: "to_s" },
      color: { field: "wait", type: "nominal", title: "wait", sort: LAG_SEGMENTS.map(([, w]) => w), scale: { domain: LAG_SEGMENTS.map(([, w]) => w) } },
      order: { field: "order", type: "quantitative" },
      tooltip: [
        { field: "step", type: "nominal", title: "load step" },
        { field: "wait", type: "nominal", title: "wait" },
        { field: "seconds", type: "quantitative", title: "seconds" },
        { field: "to_s", type: "quantitative", title: "reached at (s after step)" },
      ],
    },
  };
  return { name: "lag", title, spec };
}

/** A panel of the HPA metrics chart: an HPA's metric, as the facet header reads it. */
function hpaMetricPanel(hpa: string, metric: string): string {
  const { label, unit } = describeHpaSeries(metric);
  return `${hpa}: ${label} (${unit})`;
}

/**
 * (e) Each HPA metric as the HPA read it (solid) against its target (dashed), one panel per HPA
 * and metric, each with its own y scale: memory in MiB, CPU in % of request or millicores, a
 * custom or external metric in its own units.
 */
export function hpaMetricsChart(timeseries: SeriesSource): Chart {
  const current = timeseries.select("HorizontalPodAutoscaler", isHpaMetricValue);
  const panels = [...new Set(current.map((s) => hpaMetricPanel(s.name, s.metric)))];
  const shown = panels.slice(0, MAX_SERIES);
  const note = panels.length > shown.length ? ` (first ${shown.length} of ${panels.length} HPA metrics)` : "";
  const title = "HPA metrics against their targets" + note;
  const targets = timeseries.select("HorizontalPodAutoscaler", (m) => m.startsWith(TARGET_PREFIX));
  const points = (series: typeof current, measure: string, metricOf: (m: string) => string) =>
    thinAll(series).map((p) => ({ time_s: p.time_s, value: p.value, panel: hpaMetricPanel(p.name, metricOf(p.metric)), measure }));
  const keep = new Set(shown);
  const values = [...points(current, "current", (m) => m), ...points(targets, "target", (m) => m.slice(TARGET_PREFIX.length))].filter((v) => keep.has(v.panel));
  const layerSpec = {
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: shown.length === 1 ? shown[0] : "value (unit above)" },
      strokeDash: { field: "measure", type: "nominal" as const, title: "series", scale: { domain: ["current", "target"] } },
      color: { field: "measure", type: "nominal" as const, title: "series", scale: { domain: ["current", "target"], range: ["#1f77b4", "#7f7f7f"] } },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "panel", type: "nominal" as const, title: "HPA metric" },
        { field: "measure", type: "nominal" as const, title: "series" },
        { field: "value", type: "quantitative" as const, title: "value" },
      ],
    },
  };
  const spec: TopLevelSpec =
    shown.length > 1
      ? ({
          $schema: SCHEMA,
          title,
          config: CHART_CONFIG,
          data: { values },
          facet: { field: "panel", type: "nominal", title: null, sort: shown },
          columns: 2,
          resolve: { scale: { y: "independent" } },
          spec: { width: CELL_WIDTH, height: CELL_HEIGHT, ...layerSpec },
        } as TopLevelSpec)
      : ({ $schema: SCHEMA, title, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, data: { values }, ...layerSpec } as TopLevelSpec);
  return { name: "hpa-metrics", title, spec };
}

export interface ComparisonRun {
  label: string;
  timeseries: SeriesSource;
}

/** What a comparison chart overlays: the series, what it is (title, unit, axis), and the chart's file name. */
export interface ComparedSeries {
  kind: string;
  metric: string;
  /** File stem. */
  name: string;
  /** The title's subject; `ranked` names the ranking in the "top 10 of" note. */
  what: string;
  ranked: string;
  unit: string;
  axis: object;
}

/** The series every comparison may show: replicas always, CPU utilization and latency when some run has them. */
export const COMPARED: readonly ComparedSeries[] = [
  { kind: "Deployment", metric: "replicas_spec", name: "comparison", what: "Replicas (spec)", ranked: "replicas", unit: "replicas", axis: { axis: REPLICA_AXIS } },
  { kind: "Deployment", metric: "cpu_utilization_pct", name: "comparison-cpu", what: "CPU utilization as the HPA saw it", ranked: "cpu utilization as the hpa saw it", unit: "% of the CPU request", axis: {} },
  { kind: "Service", metric: "latency_p95_ms", name: "comparison-latency", what: "p95 latency", ranked: "p95 latency", unit: "ms, log scale", axis: { scale: { type: "log" as const } } },
];

/** An HPA metric series (hpa-metric-series.ts) as a comparison: one panel per HPA, in the metric's unit. */
export function comparedHpaMetric(metric: string): ComparedSeries {
  const { label, unit } = describeHpaSeries(metric);
  const stem = metric.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
  return { kind: "HorizontalPodAutoscaler", metric, name: `comparison-hpa-${stem}`, what: `HPA metric ${label}`, ranked: label, unit, axis: {} };
}

/**
 * One metric of several runs overlaid (an A/B of two HPA policies): colour is the run; with
 * several Deployments (or Services, HPAs), one panel each.
 */
export function comparisonChart(runs: readonly ComparisonRun[], compared: ComparedSeries = COMPARED[0]): Chart {
  const { kind, metric, name, what, ranked, unit, axis } = compared;
  const shownRuns = runs.slice(0, MAX_SERIES);
  const runNote = runs.length > shownRuns.length ? ` (first ${shownRuns.length} of ${runs.length} runs)` : "";
  const perRun = shownRuns.map((r) => ({ label: r.label, series: r.timeseries.select(kind, [metric]) }));
  const top = topNames(
    perRun.flatMap((r) => r.series),
    metric,
  );
  const labels = shownRuns.map((r) => r.label);
  const title = `${what}: ${labels.join(" vs ")}` + runNote + topNote(top, `${kind}s`, ranked);
  const values = perRun.flatMap((r) => thinAll(keepNames(r.series, top.names)).map((p) => ({ ...p, run: r.label })));
  const layerSpec = {
    mark: { type: "line" as const, interpolate: "step-after" as const },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title: unit, ...axis },
      color: { field: "run", type: "nominal" as const, title: "run", scale: { domain: labels }, sort: labels },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "run", type: "nominal" as const, title: "run" },
        { field: "name", type: "nominal" as const, title: kind },
        { field: "value", type: "quantitative" as const, title: unit },
      ],
    },
  };
  const spec = perDeployment(title, top.names, values, layerSpec, title, kind);
  return { name, title, spec };
}

/** One scenario's mean and 95 % interval of one summary metric, over its replications. */
export interface ReplicatedFigure {
  scenario: string;
  metric: string;
  mean: number;
  low: number;
  high: number;
}

/**
 * `compare --replications`: each summary metric's mean (dot) and 95 % interval (bar) per
 * scenario, one panel per metric on its own scale, scenarios in the order given.
 */
export function replicatedComparisonChart(figures: readonly ReplicatedFigure[], replications: number): Chart {
  const scenarios = [...new Set(figures.map((f) => f.scenario))];
  const metrics = [...new Set(figures.map((f) => f.metric))];
  const title = `${scenarios.join(" vs ")}: mean and 95 % interval over ${replications} replications`;
  const values = figures.filter((f) => Number.isFinite(f.mean)).map((f) => ({ ...f, low: Number.isFinite(f.low) ? f.low : f.mean, high: Number.isFinite(f.high) ? f.high : f.mean }));
  const spec = {
    $schema: SCHEMA,
    title,
    config: CHART_CONFIG,
    data: { values },
    facet: { column: { field: "metric", type: "nominal", title: null, sort: metrics } },
    resolve: { scale: { x: "independent" } },
    spec: {
      width: 220,
      height: Math.max(60, 28 * scenarios.length),
      layer: [
        { mark: { type: "rule", strokeWidth: 2 }, encoding: { y: { field: "scenario", type: "nominal", title: null, sort: scenarios }, x: { field: "low", type: "quantitative", title: "mean, 95 % interval", scale: { zero: false }, axis: { format: ",~r" } }, x2: { field: "high" }, color: { field: "scenario", type: "nominal", legend: null, sort: scenarios } } },
        {
          mark: { type: "point", filled: true, size: 70 },
          encoding: {
            y: { field: "scenario", type: "nominal", sort: scenarios },
            x: { field: "mean", type: "quantitative" },
            color: { field: "scenario", type: "nominal", legend: null, sort: scenarios },
            tooltip: [
              { field: "scenario", type: "nominal" },
              { field: "metric", type: "nominal" },
              { field: "mean", type: "quantitative", format: ".3~f" },
              { field: "low", type: "quantitative", format: ".3~f" },
              { field: "high", type: "quantitative", format: ".3~f" },
            ],
          },
        },
      ],
    },
  } as unknown as TopLevelSpec;
  return { name: "comparison-replications", title, spec };
}

/**
 * One panel per Deployment (two columns) when several are shown, else a single full-size chart
 * titled `singleTitle`.
 */
function perDeployment(title: string, names: readonly string[], values: unknown[], layerSpec: object, singleTitle: string, kind = "Deployment"): TopLevelSpec {
  if (names.length > 1) {
    return {
      $schema: SCHEMA,
      title,
      config: CHART_CONFIG,
      data: { values },
      facet: { field: "name", type: "nominal", title: kind, sort: [...names] },
      columns: 2,
      spec: { width: CELL_WIDTH, height: CELL_HEIGHT, ...layerSpec },
    } as TopLevelSpec;
  }
  return { $schema: SCHEMA, title: singleTitle, width: WIDTH, height: HEIGHT, config: CHART_CONFIG, data: { values }, ...layerSpec } as TopLevelSpec;
}

/**
 * Queues: each queue's items waiting (left axis) against its consumer pods (right axis, grey
 * steps), so a reader sees the backlog rise, the autoscaler add consumers, and the drain.
 */
export function queueChart(timeseries: SeriesSource): Chart {
  const items = timeseries.select("Queue", ["items"]);
  const top = topNames(items, "items");
  const title = "Queue items against consumers" + topNote(top, "queues", "items waiting");
  const itemData = thinAll(keepNames(items, top.names)).map((p) => ({ ...p, kind: "items" }));
  const consumerData = thinAll(keepNames(timeseries.select("Queue", ["consumers"]), top.names)).map((p) => ({ ...p, kind: "consumers" }));
  const layer = (kind: string, title: string, extra: object, axis: object) => ({
    transform: [{ filter: { field: "kind", equal: kind } }],
    mark: { type: "line" as const, interpolate: "step-after" as const, ...extra },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative" as const, title, ...axis },
      color: { field: "name", type: "nominal" as const, title: "queue" },
      tooltip: [
        { field: "time_s", type: "quantitative" as const, title: "time (s)" },
        { field: "name", type: "nominal" as const, title: "queue" },
        { field: "value", type: "quantitative" as const, title },
      ],
    },
  });
  const spec = dualAxisSpec(title, [...itemData, ...consumerData], [
    layer("consumers", "consumer pods (dashed)", { strokeDash: [4, 3], opacity: 0.8 }, { axis: { orient: "right" as const, ...REPLICA_AXIS } }),
    layer("items", "items waiting", {}, {}),
  ]);
  return { name: "queues", title, spec };
}

const VPA_CPU_METRICS = ["recommendation_lower_cpu_mcores", "recommendation_target_cpu_mcores", "recommendation_upper_cpu_mcores", "requests_cpu_mcores"] as const;

/**
 * VPA: per VPA and container, the CPU recommendation (lower bound, target, upper bound) against
 * the live pods' mean request, on a log scale (the upper bound starts at 1e14m with no history).
 */
export function vpaChart(timeseries: SeriesSource): Chart {
  const series = timeseries.select("VerticalPodAutoscaler", VPA_CPU_METRICS);
  const top = topNames(series, "recommendation_target_cpu_mcores");
  const title = "VPA CPU recommendation against requests" + topNote(top, "containers", "target");
  const values = labelled(thinAll(keepNames(series, top.names)));
  const spec: TopLevelSpec = {
    $schema: SCHEMA,
    title,
    width: WIDTH,
    height: HEIGHT,
    config: CHART_CONFIG,
    data: { values },
    mark: { type: "line", interpolate: "step-after" },
    encoding: {
      x: TIME_X,
      y: { field: "value", type: "quantitative", title: "CPU (millicores, log scale)", scale: { type: "log" } },
      color: { field: "name", type: "nominal", title: "VPA/container" },
      strokeDash: { field: "measure", type: "nominal", title: "series", scale: { domain: ["target", "lower bound", "upper bound", "pods' request"] } },
      tooltip: [
        { field: "time_s", type: "quantitative", title: "time (s)" },
        { field: "name", type: "nominal", title: "VPA/container" },
        { field: "measure", type: "nominal", title: "series" },
        { field: "value", type: "quantitative", title: "millicores" },
      ],
    },
  };
  return { name: "vpa", title, spec };
}

/** Whether any series of `kind` and `metrics` has a value (a chart of gaps alone would draw nothing, and vega warns of its empty extent). */
const hasKind = (timeseries: SeriesSource, kind: string, metrics: MetricFilter): boolean =>
  timeseries.select(kind, metrics).some((s) => s.value.some((v) => !Number.isNaN(v)));

/**
 * The default charts of a run, in report order; a chart with nothing to show is left out (e.g.
 * the latency chart of a run that served no request).
 */
export function defaultCharts(run: RunData): Chart[] {
  const ts = run.timeseries;
  const charts: Chart[] = [];
  if (hasKind(ts, "Deployment", ["replicas_spec", "replicas_ready"])) charts.push(replicasChart(ts));
  if (hasKind(ts, "Deployment", ["cpu_utilization_pct", "cpu_utilization_true_pct"])) charts.push(cpuChart(ts));
  if (hasKind(ts, "Service", ["latency_p95_ms", "latency_p50_ms"])) charts.push(latencyChart(ts, run.manifest.slo?.latencyP95_ms));
  if (hasKind(ts, "NodeGroup", ["target_size"])) charts.push(nodesChart(ts));
  if (hasKind(ts, "Queue", ["items"])) charts.push(queueChart(ts));
  if (hasKind(ts, "VerticalPodAutoscaler", VPA_CPU_METRICS)) charts.push(vpaChart(ts));
  if (hasKind(ts, "HorizontalPodAutoscaler", isHpaMetricValue)) charts.push(hpaMetricsChart(ts));
  if (run.decisions.length > 0) charts.push(decisionsChart(run.decisions));
  // Only when some rise of load reached at least its first stage: an empty bar chart says nothing.
  if (run.lag.some((r) => r.direction === "up" && r.after_step_s !== null)) charts.push(lagChart(run.lag));
  return charts;
}
