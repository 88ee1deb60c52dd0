/**
 * `kubesim compare SCENARIO... [--out DIR] [--force]`: runs several scenarios (e.g. one workload
 * under two HPA policies) and writes each run's folder under DIR/runs/<scenario-name>/, plus a
 * side-by-side comparison at the top of DIR: comparison.{vl.json,svg,png} (replicas of every run
 * over time; comparison-cpu.* and comparison-latency.* likewise, when the runs have them), summary.csv (one row per run), index.html linking the reports, and
 * comparison.json (what makes DIR a comparison folder kubesim may write into again). Run folders
 * live under runs/ so no scenario name can collide with the comparison's files.
 * `npm start` runs it on the php-apache walkthrough with the default and a tuned behavior.
 */
import type { Command } from "commander";
import path from "node:path";
import { stringify } from "csv-stringify/sync";
import { claimOutputFolder, markerFile, writeFilesAtomically } from "../output.js";
import { runScenario } from "../runner.js";
import { SUMMARY_COLUMNS, type Summary } from "../summary.js";
import type { SeriesSource } from "../report/index.js";
import { isHpaMetricValue } from "../hpa-metric-series.js";
import { CSV_CAST, csvNumber } from "../../engine/index.js";
import { loadScenariosOrFail, reportFiles } from "./run.js";
import { warningsMode, WARNINGS_FLAG, WARNINGS_HELP } from "./warnings.js";
import { parseSeed } from "./demo.js";
import { UserError } from "../errors.js";
import { cellStats, roundStat, summaryCsv, SWEEP_METRICS } from "../sweep/aggregate.js";
import { replicationSeed } from "../sweep/design.js";
import { pairedDifference } from "../stats.js";

interface CompareOptions {
  out: string;
  force?: boolean;
  seed?: string;
  replications?: string;
  quiet?: boolean;
  warnings?: string;
}

export async function compareCommand(files: string[], options: CompareOptions): Promise<void> {
  const replications = options.replications === undefined ? 1 : parseReplications(options.replications);
  // Validate every scenario before running any, so a typo in the second does not waste the first.
  const loaded = loadScenariosOrFail(files, warningsMode(options));
  const names = loaded.map((l) => l.scenario.name);
  if (new Set(names).size !== names.length) {
    throw new UserError(`scenarios must have distinct metadata.name values, got ${names.join(", ")}`, "rename one of them", 2);
  }
  if (replications > 1) return compareReplicated(loaded, replications, options);
  // Loaded only when a comparison is written (see reportFiles in run.ts).
  const { comparedHpaMetric, comparisonChart, COMPARED, recordedSeries, renderSvg, seriesList, svgToPng, escapeHtml } = await import("../report/index.js");
  const runDir = (name: string) => path.join(options.out, "runs", name);
  claimOutputFolder(options.out, "comparison", { force: options.force });
  for (const name of names) claimOutputFolder(runDir(name), "run", { force: options.force });
  writeFilesAtomically(options.out, { [markerFile("comparison")]: JSON.stringify({ kind: "Comparison", runs: names }, null, 2) + "\n" });
  const runs: { name: string; description: string; summary: Summary; timeseries: SeriesSource }[] = [];
  for (const l of loaded) {
    const config = { ...l.config };
    if (options.seed !== undefined) config.seed = parseSeed(options.seed);
    if (!options.quiet) process.stderr.write(`running ${l.scenario.name} (seed ${config.seed})...\n`);
    const output = runScenario(config, {
      name: l.scenario.name,
      description: l.scenario.description,
      sloLatencyP95_ms: l.scenario.slo.latencyP95_ms,
      files: l.scenario.files,
    });
    const report = await reportFiles(output);
    writeFilesAtomically(runDir(l.scenario.name), { ...output.files, ...report }, { marker: markerFile("run") });
    // Only what the comparison charts draw is kept, not the whole run.
    const recorded = recordedSeries(output.simulation.timeseries);
    const timeseries = seriesList([
      ...recorded.select("Deployment", ["replicas_spec", "cpu_utilization_pct"]),
      ...recorded.select("Service", ["latency_p95_ms"]),
      ...recorded.select("HorizontalPodAutoscaler", isHpaMetricValue),
    ]);
    runs.push({ name: l.scenario.name, description: l.scenario.description, summary: output.summary, timeseries });
  }

  // Replicas always; CPU utilization, latency and each HPA metric (by name and unit) when some run has them.
  const compared = runs.map((r) => ({ label: r.name, timeseries: r.timeseries }));
  const has = (kind: string, metric: string) => runs.some((r) => r.timeseries.select(kind, [metric]).length > 0);
  const hpaMetrics = [...new Set(runs.flatMap((r) => r.timeseries.select("HorizontalPodAutoscaler", isHpaMetricValue).map((s) => s.metric)))]
    // A Deployment's cpu_utilization_pct is its HPA's CPU utilization already: one chart of it.
    .filter((m) => !(m === "cpu_utilization_pct" && has("Deployment", m)));
  const shown = [...COMPARED, ...hpaMetrics.map(comparedHpaMetric)].filter((c) => c.metric === "replicas_spec" || has(c.kind, c.metric));
  const charts: { name: string; spec: unknown; svg: string }[] = [];
  for (const c of shown) {
    const chart = comparisonChart(compared, c);
    charts.push({ name: chart.name, spec: chart.spec, svg: await renderSvg(chart.spec, chart.name) });
  }
  const summaryCsv = stringify(
    runs.map((r) => [r.name, ...SUMMARY_COLUMNS.map((c) => r.summary[c])]),
    { header: true, columns: ["scenario", ...SUMMARY_COLUMNS], cast: CSV_CAST },
  );
  // One column per run and one row per figure: a handful of runs fit a laptop's width, where a
  // column per figure did not.
  const head = runs.map((r) => `<th><a href="runs/${encodeURIComponent(r.name)}/report.html">${escapeHtml(r.name)}</a></th>`).join("");
  const rows = SUMMARY_COLUMNS.map((c) => `<tr><th>${escapeHtml(c)}</th>${runs.map((r) => `<td>${escapeHtml(csvNumber(r.summary[c]))}</td>`).join("")}</tr>`).join("\n");
  const descriptions = runs.map((r) => `<li><a href="runs/${encodeURIComponent(r.name)}/report.html">${escapeHtml(r.name)}</a>: ${escapeHtml(r.description)}</li>`).join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kubesim comparison</title>
<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em auto;max-width:1200px;padding:0 1em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}th:first-child{text-align:left;font-weight:normal}thead th{text-align:right}.chart svg{max-width:100%;height:auto}</style>
</head><body>
<h1>kubesim comparison</h1>
<ul>
${descriptions}
</ul>
${charts.map((c) => `<div class="chart">${c.svg}</div>`).join("\n")}
<table><thead><tr><th>summary.csv</th>${head}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
  // The comparison files go in last, beside the run folders already written.
  writeFilesAtomically(options.out, {
    ...Object.fromEntries(charts.flatMap((c) => [
      [`${c.name}.vl.json`, JSON.stringify(c.spec, null, 2) + "\n"],
      [`${c.name}.svg`, c.svg],
      [`${c.name}.png`, svgToPng(c.svg)],
    ])),
    "summary.csv": summaryCsv,
    "index.html": html,
  });
  if (!options.quiet) {
    for (const r of runs) {
      process.stdout.write(`${r.name}: replicas mean ${r.summary.replicas_mean}, max ${r.summary.replicas_max}; pod-hours ${r.summary.pod_hours}; SLO violated ${r.summary.slo_violation_s} s\n`);
    }
    process.stdout.write(`report: ${path.join(options.out, "index.html")}\n`);
  }
}

export function registerCompare(program: Command): void {
  program
    .command("compare")
    .description("run several scenarios and write their reports plus a side-by-side comparison")
    .argument("<scenarios...>", "scenario YAML files")
    .option("--out <dir>", "output folder: new, or a kubesim comparison folder to rerun into", "results/compare")
    .option("--force", "write into an existing folder that is not a comparison folder (only kubesim's files there are replaced)")
    .option("--seed <n>", "run every scenario with this seed (with --replications: the seed the replications' seeds derive from)")
    .option("--replications <n>", "run each scenario n times (common random numbers: replication k of every scenario has the same seed) and compare means with 95 % confidence intervals, each scenario paired against the first")
    .option("--quiet", "no progress output, no warnings")
    .option(WARNINGS_FLAG, WARNINGS_HELP)
    .addHelpText("after", "\nExamples:\n  $ npx kubesim compare experiments/scenarios/php-apache/scenario.yaml experiments/scenarios/php-apache/tuned.yaml --out results/php-apache\n  $ npx kubesim compare experiments/scenarios/php-apache/scenario.yaml experiments/scenarios/php-apache/tuned.yaml --replications 10 --out results/php-apache-10\n")
    .action(async (files: string[], options: CompareOptions) => {
      await compareCommand(files, options);
    });
}

function parseReplications(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > MAX_REPLICATIONS) throw new UserError(`--replications must be an integer from 1 to ${MAX_REPLICATIONS}, got ${JSON.stringify(text)}`, "e.g. --replications 10", 2);
  return n;
}

const MAX_REPLICATIONS = 1000;

/** Summary metrics the comparison page shows (every one is in summary.csv and differences.csv). */
const PAGE_METRICS = ["slo_violation_s", "latency_p95_ms", "pod_hours", "replicas_mean", "scale_events", "time_to_scale_s"] as const;
/** What the replicated comparison's chart shows. */
const CHART_METRICS = ["slo_violation_s", "latency_p95_ms", "pod_hours", "scale_events"] as const;

/**
 * `compare --replications N`: each scenario N times, replication k of every scenario with the same
 * seed (sweep/design.ts replicationSeed, from --seed or the first scenario's seed), each run's
 * folder under runs/<scenario>/rep-<k>/; summary.csv has per scenario each summary metric's mean,
 * standard deviation and 95 % interval (as a sweep's), differences.csv each scenario against the
 * first, paired by replication (mean difference, its 95 % interval, p-value, significant at 5 %),
 * and index.html both, with the significant differences marked.
 */
async function compareReplicated(loaded: ReturnType<typeof loadScenariosOrFail>, replications: number, options: CompareOptions): Promise<void> {
  const { escapeHtml, renderSvg, replicatedComparisonChart, svgToPng } = await import("../report/index.js");
  const baseSeed = options.seed !== undefined ? parseSeed(options.seed) : loaded[0].config.seed;
  const names = loaded.map((l) => l.scenario.name);
  const repDir = (name: string, k: number) => path.join(options.out, "runs", name, `rep-${k}`);
  claimOutputFolder(options.out, "comparison", { force: options.force });
  for (const name of names) for (let k = 0; k < replications; k++) claimOutputFolder(repDir(name, k), "run", { force: options.force });
  writeFilesAtomically(options.out, { [markerFile("comparison")]: JSON.stringify({ kind: "Comparison", runs: names, replications }, null, 2) + "\n" });
  const runs = new Map<string, Record<string, number>[]>();
  for (const l of loaded) {
    const summaries: Record<string, number>[] = [];
    for (let k = 0; k < replications; k++) {
      const config = { ...l.config, seed: replicationSeed(baseSeed, k) };
      if (!options.quiet) process.stderr.write(`running ${l.scenario.name} replication ${k + 1}/${replications} (seed ${config.seed})...\n`);
      const output = runScenario(config, { name: l.scenario.name, description: l.scenario.description, sloLatencyP95_ms: l.scenario.slo.latencyP95_ms, files: l.scenario.files });
      writeFilesAtomically(repDir(l.scenario.name, k), output.files, { marker: markerFile("run") });
      summaries.push({ ...output.summary });
    }
    runs.set(l.scenario.name, summaries);
  }
  const cells = names.map((name) => cellStats(name, [["scenario", name]], runs.get(name)!));
  const baseline = names[0];
  const differences = names.slice(1).flatMap((name) =>
    SWEEP_METRICS.map((metric) => {
      const d = pairedDifference(runs.get(baseline)!.map((r) => r[metric]), runs.get(name)!.map((r) => r[metric]));
      return { name, metric, d, significant: d.p < 0.05 };
    }),
  );
  const differencesCsv = stringify(
    differences.map(({ name, metric, d, significant }) => [name, baseline, metric, roundStat(d.mean), roundStat(d.low), roundStat(d.high), roundStat(d.p), d.n, significant]),
    { header: true, columns: ["scenario", "baseline", "metric", "difference_mean", "difference_ci95_low", "difference_ci95_high", "p_value", "pairs", "significant"], cast: CSV_CAST },
  );
  const significant = new Set(differences.filter((x) => x.significant).map((x) => `${x.name}/${x.metric}`));
  const cellText = (c: (typeof cells)[number], metric: string) => {
    const s = c.stats[metric];
    if (!Number.isFinite(s.mean)) return "";
    const half = (s.high - s.low) / 2;
    const mark = significant.has(`${c.id}/${metric}`) ? " *" : "";
    return `${roundStat(s.mean)}${Number.isFinite(half) ? ` ± ${roundStat(half)}` : ""}${mark}`;
  };
  const rows = cells.map((c) => `<tr><td>${escapeHtml(c.id)}</td>${PAGE_METRICS.map((m) => `<td>${escapeHtml(cellText(c, m))}</td>`).join("")}</tr>`).join("\n");
  // The figures a policy comparison quotes: service quality, cost and churn, each with its interval.
  const chart = replicatedComparisonChart(
    cells.flatMap((c) => CHART_METRICS.map((metric) => ({ scenario: c.id, metric, mean: c.stats[metric].mean, low: c.stats[metric].low, high: c.stats[metric].high }))),
    replications,
  );
  const svg = await renderSvg(chart.spec, chart.name);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kubesim comparison</title>
<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child{text-align:left}</style>
</head><body>
<h1>kubesim comparison, ${replications} replications</h1>
<p>Mean ± 95 % confidence half-width over the replications (replication k of every scenario has the same seed); * marks a mean that differs from ${escapeHtml(baseline)}'s (paired t-test, p &lt; 0.05). Every metric: summary.csv; every difference: differences.csv; the runs: runs/&lt;scenario&gt;/rep-&lt;k&gt;/.</p>
<div class="chart">${svg}</div>
<table><thead><tr><th>scenario</th>${PAGE_METRICS.map((m) => `<th>${escapeHtml(m)}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
  writeFilesAtomically(options.out, {
    "summary.csv": summaryCsv(["scenario"], cells),
    "differences.csv": differencesCsv,
    "index.html": html,
    [`${chart.name}.vl.json`]: JSON.stringify(chart.spec, null, 2) + "\n",
    [`${chart.name}.svg`]: svg,
    [`${chart.name}.png`]: svgToPng(svg),
  });
  if (!options.quiet) {
    for (const c of cells) process.stdout.write(`${c.id}: ${PAGE_METRICS.map((m) => `${m} ${cellText(c, m) || "-"}`).join("; ")}\n`);
    process.stdout.write(`report: ${path.join(options.out, "index.html")}\n`);
  }
}
