/**
 * The run report: charts (vega-lite spec, SVG, PNG) and report.html for one run folder.
 *
 * `buildReportFiles` is the primary API: run data in, a map of file name -> content out, so the
 * runner can add the report to the files it writes atomically (experiments/output.ts
 * `writeFilesAtomically`). `writeReport` is the convenience for a folder already on disk.
 */
import fs from "node:fs";
import path from "node:path";
import { defaultCharts, type Chart } from "./charts.js";
import { reportHtml, type HtmlOptions, type RenderedChart } from "./html.js";
import { parseRun, type RunTexts } from "./parse.js";
import { renderSvg, svgToPng } from "./render.js";
import type { RunData } from "./types.js";

export { comparedHpaMetric, comparisonChart, replicatedComparisonChart, type ReplicatedFigure, COMPARED, type ComparedSeries, cpuChart, hpaMetricsChart, decisionsChart, defaultCharts, lagChart, latencyChart, replicasChart, type Chart, type ComparisonRun } from "./charts.js";
export { escapeHtml, reportHtml, type HtmlOptions, type RenderedChart } from "./html.js";
export { parseRun, type RunTexts } from "./parse.js";
export { recordedRun } from "./recorded.js";
export { recordedSeries, seriesList } from "./series.js";
export { compileSpec, renderSvg, stableIds, svgToPng } from "./render.js";
export type { DecisionRow, EventRow, LagEntry, Manifest, RunData, Series, SeriesSource } from "./types.js";

export interface ReportOptions extends HtmlOptions {
  /** PNG scale factor (default 2). */
  pngScale?: number;
  /** Charts to render instead of the defaults (e.g. with a comparisonChart added). */
  charts?: readonly Chart[];
}

/** Renders each chart to SVG and PNG; file names are relative to the run folder. */
export async function renderCharts(
  charts: readonly Chart[],
  pngScale = 2,
): Promise<{ rendered: RenderedChart[]; files: Record<string, string | Uint8Array> }> {
  const files: Record<string, string | Uint8Array> = {};
  const rendered: RenderedChart[] = [];
  // One at a time: rendering is CPU-bound, and sequential order keeps output independent of timing.
  for (const chart of charts) {
    const svg = await renderSvg(chart.spec, chart.name);
    files[`charts/${chart.name}.vl.json`] = JSON.stringify(chart.spec, null, 2) + "\n";
    files[`charts/${chart.name}.svg`] = svg;
    files[`charts/${chart.name}.png`] = svgToPng(svg, pngScale);
    rendered.push({ name: chart.name, title: chart.title, svg });
  }
  return { rendered, files };
}

/**
 * The report's files for a run: charts/<name>.vl.json, .svg, .png and report.html. Pure apart
 * from CPU time: nothing is read or written; the same data gives the same bytes.
 */
export async function buildReportFiles(run: RunData, options: ReportOptions = {}): Promise<Record<string, string | Uint8Array>> {
  const charts = options.charts ?? defaultCharts(run);
  const names = new Set<string>();
  for (const c of charts) {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(c.name)) throw new Error(`chart name ${JSON.stringify(c.name)} is not a safe file name`);
    if (names.has(c.name)) throw new Error(`two charts are named ${c.name}`);
    names.add(c.name);
  }
  const { rendered, files } = await renderCharts(charts, options.pngScale);
  files["report.html"] = reportHtml(run, rendered, options);
  return files;
}

/** Reads a run folder's files (events, decisions, summary and lag may be missing). */
export function readRunDir(runDir: string): RunData {
  const read = (name: string): string => fs.readFileSync(path.join(runDir, name), "utf8");
  const optional = (name: string): string | undefined => (fs.existsSync(path.join(runDir, name)) ? read(name) : undefined);
  const texts: RunTexts = {
    timeseries: read("timeseries.csv"),
    manifest: read("manifest.json"),
    events: optional("events.csv"),
    decisions: optional("decisions.csv"),
    summary: optional("summary.csv"),
    lag: optional("lag.csv"),
  };
  const controllers = (JSON.parse(texts.manifest) as { controllers?: { name: string }[] }).controllers ?? [];
  texts.controllerDecisions = Object.fromEntries(controllers.flatMap((c) => {
    const csv = optional(`${c.name}-decisions.csv`);
    return csv === undefined ? [] : [[c.name, csv]];
  }));
  return parseRun(texts);
}

/**
 * Reads runDir and writes the report into it (charts/ and report.html), each file written to a
 * temporary name and renamed, so a reader never sees a half-written file. Returns the names.
 */
export async function writeReport(runDir: string, options: ReportOptions = {}): Promise<string[]> {
  const files = await buildReportFiles(readRunDir(runDir), options);
  for (const [name, content] of Object.entries(files)) {
    const target = path.join(runDir, name);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const tmp = `${target}.partial-${process.pid}`;
    fs.writeFileSync(tmp, content);
    fs.renameSync(tmp, target);
  }
  return Object.keys(files);
}
