/**
 * `kubesim run SCENARIO.yaml [--seed N] [--out DIR] [--force] [--quiet]`: loads and validates the
 * scenario and checks the output folder (exit 2 and nothing written on any error), runs it, and
 * writes the run folder atomically: timeseries.csv, events.csv, decisions.csv, summary.csv,
 * manifest.json, charts/, report.html.
 */
import type { Command } from "commander";
import path from "node:path";
import cliProgress from "cli-progress";
import { UserError } from "../errors.js";
import { claimOutputFolder, markerFile, writeFilesAtomically } from "../output.js";
import { runScenario, type RunOutput } from "../runner.js";
import { loadScenario } from "../scenario/load.js";
import { parseSeed } from "./demo.js";
import { printDiagnostics } from "./validate.js";
import { uniqueWarnings, warningsMode, WARNINGS_FLAG, WARNINGS_HELP, type WarningsMode } from "./warnings.js";
import type { SimulationConfig } from "../simulator.js";

export interface RunCommandOptions {
  seed?: string;
  out?: string;
  force?: boolean;
  quiet?: boolean;
  warnings?: string;
}

/**
 * Loads scenarios or throws a UserError (exit 2) after printing every diagnostic; a warning of a
 * base that several scenarios extend is printed once.
 */
export function loadScenariosOrFail(files: readonly string[], warnings: WarningsMode) {
  const loaded = files.map((file) => loadScenario(file));
  printDiagnostics((text) => process.stderr.write(text), { warnings: uniqueWarnings(loaded.flatMap((l) => l.warnings)), errors: loaded.flatMap((l) => l.errors) }, warnings);
  const failed = files.flatMap((file, i) => (loaded[i].errors.length > 0 || loaded[i].config === null ? [{ file, count: loaded[i].errors.length }] : []));
  if (failed.length > 0) {
    const counts = failed.map((f) => `${f.file}: ${f.count} error${f.count === 1 ? "" : "s"}`).join(", ");
    throw new UserError(`${counts}; nothing was run`, "fix the errors above, then check with `npx kubesim validate " + failed[0].file + "`", 2);
  }
  return loaded.map((l) => ({ ...l, config: l.config! }));
}

/**
 * Renders the report of a finished run into its file map (charts and report.html), reading the
 * run's recorders directly: no CSV text is built for it (a 28-day run's would be 200 MB).
 */
export async function reportFiles(output: RunOutput): Promise<Record<string, string | Uint8Array>> {
  // Loaded here, not at the top: vega and the chart code are most of the CLI's start-up time,
  // and only a command that writes a report needs them (validate, --help, sweep workers do not).
  const { buildReportFiles, recordedRun } = await import("../report/index.js");
  return buildReportFiles(recordedRun(output.simulation, String(output.files["summary.csv"]), String(output.files["lag.csv"]), String(output.files["manifest.json"])));
}

export async function runCommand(file: string, options: RunCommandOptions): Promise<string> {
  const [loaded] = loadScenariosOrFail([file], warningsMode(options));
  const config: SimulationConfig = { ...loaded.config };
  if (options.seed !== undefined) config.seed = parseSeed(options.seed);
  const out = options.out ?? path.join("results", `${loaded.scenario.name}-seed${config.seed}`);
  claimOutputFolder(out, "run", { force: options.force });

  const showProgress = !options.quiet && process.stderr.isTTY === true;
  const bar = showProgress
    ? new cliProgress.SingleBar({
        format: "{bar} {percentage}% | sim {sim_s}/{horizon_s} s | {eps} events/s",
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      }, cliProgress.Presets.shades_classic)
    : null;
  const startedAt = process.hrtime.bigint();
  let barStarted = false;
  const output = runScenario(config, {
    name: loaded.scenario.name,
    description: loaded.scenario.description,
    sloLatencyP95_ms: loaded.scenario.slo.latencyP95_ms,
    files: loaded.scenario.files,
    maxEvents: loaded.scenario.limits.events,
  }, {
    onProgress: (now_ms, horizon_ms, events) => {
      if (!bar) return;
      const wall_s = Number(process.hrtime.bigint() - startedAt) / 1e9;
      // Only runs longer than a second get a bar.
      if (!barStarted && wall_s < 1) return;
      const payload = { sim_s: Math.round(now_ms / 1000), horizon_s: Math.round(horizon_ms / 1000), eps: Math.round(events / Math.max(wall_s, 1e-3)) };
      if (!barStarted) {
        bar.start(horizon_ms, now_ms, payload);
        barStarted = true;
      } else {
        bar.update(now_ms, payload);
      }
    },
  });
  if (barStarted) bar!.stop();
  const report = await reportFiles(output);
  writeFilesAtomically(out, { ...output.files, ...report }, { marker: markerFile("run") });
  if (!options.quiet) {
    const s = output.summary;
    process.stdout.write(
      `${loaded.scenario.name} (seed ${config.seed}): ${output.events_processed} events; ` +
        `replicas mean ${s.replicas_mean} max ${s.replicas_max}; pod-hours ${s.pod_hours}; ` +
        `SLO violated ${s.slo_violation_s} s; p95 ${s.latency_p95_ms} ms\n` +
        `wrote ${out}/ (report: ${path.join(out, "report.html")})\n`,
    );
  }
  return out;
}

export function registerRun(program: Command): void {
  program
    .command("run")
    .description("run a scenario and write its CSVs, decision log, charts and report into a folder")
    .argument("<scenario>", "scenario YAML file")
    .option("--seed <n>", "override the scenario's seed")
    .option("--out <dir>", "output folder: new, or a kubesim run folder to rerun into (default results/<scenario>-seed<N>)")
    .option("--force", "write into an existing folder that is not a run folder (only kubesim's files there are replaced)")
    .option("--quiet", "no progress bar, no summary line, no warnings")
    .option(WARNINGS_FLAG, WARNINGS_HELP)
    .addHelpText("after", "\nExample:\n  $ npx kubesim run experiments/scenarios/php-apache/scenario.yaml --seed 7 --out results/php-apache\n")
    .action(async (file: string, options: RunCommandOptions) => {
      await runCommand(file, options);
    });
}
