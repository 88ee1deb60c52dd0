/**
 * `kubesim compare SCENARIO... [--out DIR] [--force]`: runs several scenarios (e.g. one workload
 * under two HPA policies) and writes each run's folder under DIR/runs/<scenario-name>/, plus a
 * side-by-side comparison at the top of DIR: comparison.{vl.json,svg,png} (replicas of every run
 * over time), summary.csv (one row per run), index.html linking the reports, and
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
import { CSV_CAST, csvNumber } from "../../engine/index.js";
import { loadScenariosOrFail, reportFiles } from "./run.js";
import { warningsMode, WARNINGS_FLAG, WARNINGS_HELP } from "./warnings.js";
import { parseSeed } from "./demo.js";
import { UserError } from "../errors.js";

interface CompareOptions {
  out: string;
  force?: boolean;
  seed?: string;
  quiet?: boolean;
  warnings?: string;
}

export async function compareCommand(files: string[], options: CompareOptions): Promise<void> {
  // Validate every scenario before running any, so a typo in the second does not waste the first.
  const loaded = loadScenariosOrFail(files, warningsMode(options));
  const names = loaded.map((l) => l.scenario.name);
  if (new Set(names).size !== names.length) {
    throw new UserError(`scenarios must have distinct metadata.name values, got ${names.join(", ")}`, "rename one of them", 2);
  }
  // Loaded only when a comparison is written (see reportFiles in run.ts).
  const { comparisonChart, recordedSeries, renderSvg, seriesList, svgToPng, escapeHtml } = await import("../report/index.js");
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
    // Only what the comparison chart draws is kept, not the whole run.
    const timeseries = seriesList(recordedSeries(output.simulation.timeseries).select("Deployment", ["replicas_spec"]));
    runs.push({ name: l.scenario.name, description: l.scenario.description, summary: output.summary, timeseries });
  }

  const chart = comparisonChart(runs.map((r) => ({ label: r.name, timeseries: r.timeseries })));
  const svg = await renderSvg(chart.spec, "comparison");
  const summaryCsv = stringify(
    runs.map((r) => [r.name, ...SUMMARY_COLUMNS.map((c) => r.summary[c])]),
    { header: true, columns: ["scenario", ...SUMMARY_COLUMNS], cast: CSV_CAST },
  );
  const rows = runs
    .map((r) => `<tr><td><a href="runs/${encodeURIComponent(r.name)}/report.html">${escapeHtml(r.name)}</a></td><td>${escapeHtml(r.description)}</td>` +
      SUMMARY_COLUMNS.map((c) => `<td>${escapeHtml(csvNumber(r.summary[c]))}</td>`).join("") + "</tr>")
    .join("\n");
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>kubesim comparison</title>
<style>body{font-family:"DejaVu Sans",sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}td:first-child,td:nth-child(2){text-align:left}</style>
</head><body>
<h1>kubesim comparison</h1>
<div class="chart">${svg}</div>
<table><thead><tr><th>scenario</th><th>description</th>${SUMMARY_COLUMNS.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
  // The comparison files go in last, beside the run folders already written.
  writeFilesAtomically(options.out, {
    "comparison.vl.json": JSON.stringify(chart.spec, null, 2) + "\n",
    "comparison.svg": svg,
    "comparison.png": svgToPng(svg),
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
    .option("--seed <n>", "run every scenario with this seed")
    .option("--quiet", "no progress output, no warnings")
    .option(WARNINGS_FLAG, WARNINGS_HELP)
    .addHelpText("after", "\nExample:\n  $ npx kubesim compare experiments/scenarios/php-apache/scenario.yaml experiments/scenarios/php-apache/tuned.yaml --out results/php-apache\n")
    .action(async (files: string[], options: CompareOptions) => {
      await compareCommand(files, options);
    });
}
