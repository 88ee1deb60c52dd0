/**
 * The sweep's report.html and charts/: per main metric, the cells' means with 95 % confidence
 * intervals as error bars; and pod-hours against SLO-violation seconds with the Pareto front
 * (cells no other cell beats on both) highlighted. Specs are vega-lite with inline data, so
 * charts/<name>.vl.json can be restyled for a paper without rerunning anything.
 */
import type { TopLevelSpec } from "vega-lite";
import { CHART_CONFIG } from "../report/charts.js";
import { escapeHtml, renderSvg } from "../report/index.js";
import type { CellStats } from "./aggregate.js";

const SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json";
export const MAIN_METRICS = [
  "slo_violation_s", "time_to_scale_s", "pod_hours", "scale_events", "latency_p95_ms", "item_latency_p95_s", "replicas_mean",
  "oom_kills", "cpu_throttled_s", "cpu_requested_core_hours",
] as const;

/** Metrics charted only when some cell has more than zero of them (most runs have no OOM kill). */
const WHEN_NONZERO: readonly string[] = ["oom_kills", "cpu_throttled_s"];

/** Whether any cell has a value of the metric (a run without Services has no request latency, one without queues no item latency). */
function measured(cells: readonly CellStats[], metric: string): boolean {
  return cells.some((c) => Number.isFinite(c.stats[metric]?.mean) && (!WHEN_NONZERO.includes(metric) || c.stats[metric].mean > 0));
}

/** The cells all ask for the same replicas (they size pods, not count them): mean replicas within 1 %. */
function sameReplicas(cells: readonly CellStats[]): boolean {
  const replicas = cells.map((c) => c.stats.replicas_mean?.mean).filter((r): r is number => Number.isFinite(r));
  return replicas.length > 1 && Math.max(...replicas) - Math.min(...replicas) <= 0.01 * Math.max(...replicas);
}

interface Chart {
  name: string;
  title: string;
  spec: TopLevelSpec;
}

const shortName = (name: string) => name.split(/[.:/]/).pop()!;

/**
 * A cell's label on an axis: its factor values (short names; ids would be unreadable). Factors
 * that take the same value in every cell of `cells` (a list design moving two knobs together)
 * share one entry: `targetCpuPercentile=targetMemoryPercentile=0.9`.
 */
export function cellLabel(c: CellStats, cells: readonly CellStats[] = [c]): string {
  const names = c.values.map(([name]) => name);
  const tied = (a: number, b: number) => cells.every((x) => x.values[a][1] === x.values[b][1]);
  const parts: string[] = [];
  const done = new Set<number>();
  names.forEach((name, i) => {
    if (done.has(i)) return;
    const group = names.map((_, j) => j).filter((j) => j >= i && !done.has(j) && (j === i || tied(i, j)));
    for (const j of group) done.add(j);
    parts.push(`${group.map((j) => shortName(names[j])).join("=")}=${String(c.values[i][1])}`);
  });
  return parts.join(", ");
}

export function errorBarChart(cells: readonly CellStats[], metric: string): Chart {
  const rows = cells
    .filter((c) => Number.isFinite(c.stats[metric].mean))
    .map((c) => ({ cell: cellLabel(c, cells), mean: c.stats[metric].mean, low: finiteOr(c.stats[metric].low, c.stats[metric].mean), high: finiteOr(c.stats[metric].high, c.stats[metric].mean) }));
  // Full labels (no ellipsis): a reader needs every factor's value to tell the cells apart.
  const x = { field: "cell", type: "nominal" as const, sort: null, title: null, axis: { labelAngle: -30, labelLimit: 0 } };
  return {
    name: `ci-${metric}`,
    title: `${metric}: mean and 95 % CI per cell`,
    spec: {
      $schema: SCHEMA,
      title: `${metric}: mean and 95 % CI per cell`,
      width: Math.max(240, 80 * rows.length),
      height: 200,
      config: CHART_CONFIG,
      data: { values: rows },
      layer: [
        { mark: { type: "rule" }, encoding: { x, y: { field: "low", type: "quantitative", title: metric }, y2: { field: "high" } } },
        { mark: { type: "point", filled: true, size: 60 }, encoding: { x, y: { field: "mean", type: "quantitative" } } },
      ],
    } as TopLevelSpec,
  };
}

/** Indices of cells on the Pareto front of (a, b), both minimised; ties keep both. */
export function paretoFront(points: readonly [number, number][]): Set<number> {
  const front = new Set<number>();
  points.forEach(([a, b], i) => {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    const dominated = points.some(([a2, b2], j) => j !== i && a2 <= a && b2 <= b && (a2 < a || b2 < b));
    if (!dominated) front.add(i);
  });
  return front;
}

/**
 * Cost against service quality, the Pareto front highlighted. Cost is the node bill (`cost_usd`)
 * when the cells priced their nodes (autoscaled node groups with a price per hour), the CPU the
 * pods request when the cells differ in how pods are sized rather than how many run (the same
 * replicas: a VPA sweep), else pod-hours; quality is SLO violations, or for runs whose work is queue items and not requests
 * (no request latency in any cell), the items' p95 latency.
 */
export function paretoChart(cells: readonly CellStats[]): Chart {
  const dollars = cells.some((c) => c.stats.cost_usd !== undefined && c.stats.cost_usd.mean > 0);
  const sizing = !dollars && sameReplicas(cells) && measured(cells, "cpu_requested_core_hours");
  const cost = dollars ? "cost_usd" : sizing ? "cpu_requested_core_hours" : "pod_hours";
  const items = !measured(cells, "latency_p95_ms") && measured(cells, "item_latency_p95_s");
  const quality = items ? "item_latency_p95_s" : "slo_violation_s";
  const qualityTitle = items ? "item latency p95 (s, mean)" : "SLO violation (s, mean)";
  const title = `Cost against ${items ? "item latency" : "SLO violations"} (Pareto front highlighted)`;
  const points = cells.map((c) => [c.stats[cost].mean, c.stats[quality].mean] as [number, number]);
  const front = paretoFront(points);
  const rows = cells
    .map((c, i) => ({ cell: cellLabel(c, cells), cost: points[i][0], quality: points[i][1], pareto: front.has(i) ? "Pareto front" : "dominated" }))
    .filter((r) => Number.isFinite(r.cost) && Number.isFinite(r.quality));
  const line = rows.filter((r) => r.pareto === "Pareto front").sort((a, b) => a.cost - b.cost || a.quality - b.quality);
  // Cells at the same point (identical outcomes) get one label naming them all.
  const labels: typeof line = [];
  for (const r of line) {
    const same = labels.find((l) => l.cost === r.cost && l.quality === r.quality);
    if (same === undefined) labels.push({ ...r });
    else same.cell += ` | ${r.cell}`;
  }
  const xy = {
    x: { field: "cost", type: "quantitative" as const, title: dollars ? "node cost (USD, mean)" : sizing ? "CPU requested (core-hours, mean)" : "pod-hours (mean)", scale: { zero: false } },
    y: { field: "quality", type: "quantitative" as const, title: qualityTitle, scale: { zero: false } },
  };
  return {
    name: "pareto",
    title,
    spec: {
      $schema: SCHEMA,
      title,
      width: 480,
      height: 300,
      config: CHART_CONFIG,
      layer: [
        { data: { values: line }, mark: { type: "line", color: "#d62728" }, encoding: { ...xy, order: { field: "cost", type: "quantitative" } } },
        {
          data: { values: rows },
          mark: { type: "point", filled: true, size: 80 },
          encoding: { ...xy, color: { field: "pareto", type: "nominal", title: null, scale: { domain: ["Pareto front", "dominated"], range: ["#d62728", "#7f7f7f"] } } },
        },
        // Only the front is labelled (the dominated cells are in the table and the CSV): labels of a
        // dozen cells would overlap.
        { data: { values: labels }, mark: { type: "text", align: "left", dx: 6, dy: -6, fontSize: 9 }, encoding: { ...xy, text: { field: "cell" } } },
      ],
    } as TopLevelSpec,
  };
}

export async function sweepReportFiles(title: string, description: string, cells: readonly CellStats[]): Promise<Record<string, string>> {
  const shown = MAIN_METRICS.filter((m) => measured(cells, m));
  const charts = [...shown.map((m) => errorBarChart(cells, m)), paretoChart(cells)];
  const files: Record<string, string> = {};
  const sections: string[] = [];
  // Sequential: rendering is CPU-bound, and a fixed order keeps the files independent of timing.
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec, chart.name);
    files[`charts/${chart.name}.vl.json`] = JSON.stringify(chart.spec, null, 2) + "\n";
    files[`charts/${chart.name}.svg`] = svg;
    sections.push(`<section><h2>${escapeHtml(chart.title)}</h2>\n${svg}\n</section>`);
  }
  const head = ["cell", ...(cells[0]?.values.map(([n]) => n) ?? []), "n", ...shown];
  const body = cells.map((c) => {
    const cols = [c.id, ...c.values.map(([, v]) => String(v)), String(c.replications), ...shown.map((m) => ciText(c.stats[m]))];
    return `<tr>${cols.map((v) => `<td>${escapeHtml(v)}</td>`).join("")}</tr>`;
  });
  files["report.html"] = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em;max-width:1200px}table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}td:first-child{text-align:left}</style>
</head><body>
<h1>${escapeHtml(title)}</h1>
<p>${escapeHtml(description)}</p>
<p>Mean ± 95 % confidence half-width (Student t) over the replications; per-cell columns of every metric are in sweep-summary.csv.</p>
<table><tr>${head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>
${body.join("\n")}
</table>
${sections.join("\n")}
</body></html>
`;
  return files;
}

function ciText(s: CellStats["stats"][string]): string {
  if (!Number.isFinite(s.mean)) return "";
  const half = (s.high - s.low) / 2;
  return Number.isFinite(half) ? `${round(s.mean)} ± ${round(half)}` : String(round(s.mean));
}

const round = (x: number) => Math.round(x * 1000) / 1000;
const finiteOr = (x: number, fallback: number) => (Number.isFinite(x) ? x : fallback);
