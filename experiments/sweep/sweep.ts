/**
 * Runs a planned sweep into a folder: writes the plan and the cell scenarios, skips replications
 * already on disk (resume), runs the rest of this shard's units on a worker pool, and, when every
 * replication of every cell is present, assembles sweep-summary.csv and the report. A unit that
 * fails is reported on one line and the others go on (or none starts after it, with failFast);
 * then a UserError (exit 1) counts the failures, and there is no summary.
 */
import fs from "node:fs";
import path from "node:path";
import cliProgress from "cli-progress";
import { UserError } from "../errors.js";
import { claimOutputFolder, writeFileAtomically, writeFilesAtomically } from "../output.js";
import { BASE_DIR } from "./base.js";
import { cellStats, readCellRuns, summaryCsv, type CellStats } from "./aggregate.js";
import { inShard, type Cell, type Shard, type Unit } from "./design.js";
import { cellDir, ensureFile, removeLeftovers, repFinished, writeSweepJson } from "./layout.js";
import { cellOverlay } from "./overlay.js";
import type { Plan } from "./plan.js";
import { runPool, type UnitFailure } from "./pool.js";
import type { UnitTask } from "./unit.js";

export interface SweepOptions {
  out: string;
  workers: number;
  shard: Shard | null;
  /** No progress bar (also off when stderr is not a TTY). */
  quiet?: boolean;
  /** Skip report.html and charts (tests that only compare CSVs). */
  noReport?: boolean;
  /** Write into an existing folder that is not a sweep folder (experiments/output.ts). */
  force?: boolean;
  /** Start no unit after the first one that fails. */
  failFast?: boolean;
}

export interface SweepResult {
  /** Units of this shard run now / found finished. */
  ran: number;
  skipped: number;
  /** Every unit of every shard is on disk and the summary was written. */
  complete: boolean;
}

/** The plan as written to sweep.json: what merge and readers need, nothing machine-specific. */
export interface SweepManifest {
  kind: "Sweep";
  name: string;
  description: string;
  seed: number;
  replications: number;
  design: string;
  factors: string[];
  cells: { id: string; values: Record<string, string | number | boolean> }[];
  replication_seeds: number[];
}

export function sweepManifest(plan: Plan): SweepManifest {
  const e = plan.experiment;
  return {
    kind: "Sweep",
    name: e.name,
    description: e.description,
    seed: e.seed,
    replications: e.replications,
    design: e.design,
    factors: e.factors.map((f) => f.name),
    cells: plan.cells.map((c) => ({ id: c.id, values: Object.fromEntries(c.values) })),
    replication_seeds: plan.units.slice(0, e.replications).map((u) => u.seed),
  };
}

/** cell.json: the cell's id and factor values (merge rebuilds it from sweep.json's cells). */
export function cellJson(cell: SweepManifest["cells"][number]): string {
  return JSON.stringify({ id: cell.id, factors: cell.values }, null, 2) + "\n";
}

/** The cell's overlay scenario as stored in its folder, extending the sweep folder's copy of the base. */
function cellScenarioText(plan: Plan, cell: Cell): string {
  const ref = `../../${BASE_DIR}/${plan.baseCopy.scenario}`;
  const header =
    `# kubesim sweep ${plan.experiment.name}, cell ${cell.id}\n` +
    cell.values.map(([n, v]) => `#   ${n} = ${JSON.stringify(v)}\n`).join("") +
    "# The base scenario with this cell's factor values; each replication sets its own seed.\n";
  return cellOverlay(cell, plan.base, ref, header).text;
}

export async function runSweep(plan: Plan, options: SweepOptions): Promise<SweepResult> {
  const out = options.out;
  const manifest = sweepManifest(plan);
  const manifestText = JSON.stringify(manifest, null, 2) + "\n";
  // A resumed sweep (or another shard) writes into its own folder; anything else needs --force.
  claimOutputFolder(out, "sweep", { force: options.force, sameMarker: manifestText });
  writeSweepJson(out, manifestText);
  const mine = plan.units.filter((u) => inShard(u, options.shard));
  const cellsWithWork = new Set(mine.map((u) => u.cell.id));
  for (const [name, content] of Object.entries(plan.baseCopy.files)) ensureFile(path.join(out, BASE_DIR, name), content);
  for (const [i, cell] of plan.cells.entries()) {
    if (!cellsWithWork.has(cell.id)) continue;
    ensureFile(path.join(cellDir(out, cell), "scenario.yaml"), cellScenarioText(plan, cell));
    ensureFile(path.join(cellDir(out, cell), "cell.json"), cellJson(manifest.cells[i]));
  }
  const pending: Unit[] = [];
  for (const u of mine) {
    if (repFinished(out, u.cell, u.replication)) continue;
    removeLeftovers(cellDir(out, u.cell), u.replication);
    pending.push(u);
  }
  const skipped = mine.length - pending.length;

  const bar = progressBar(options, plan, mine, pending);
  const tasks: UnitTask[] = pending.map((u) => ({ cellDir: path.resolve(cellDir(out, u.cell)), replication: u.replication, seed: u.seed }));
  const pool = await runPool(tasks, options.workers, (task) => bar?.done(task.cellDir), {
    failFast: options.failFast,
    onFailed: (failure) => {
      bar?.stop();
      reportFailure(out, failure);
    },
  });
  bar?.stop();

  const ran = pending.length - pool.notRun - pool.failed.length;
  if (pool.failed.length > 0) {
    const failed = pool.failed.length;
    throw new UserError(
      `sweep ${plan.experiment.name}: ${failed} run${failed === 1 ? "" : "s"} failed (listed above)` +
        (pool.notRun > 0 ? `, ${pool.notRun} not started (--fail-fast)` : "") +
        `, ${ran} done; no summary written`,
      "fix the cause and rerun the same command: finished replications are kept and only the others run",
      1,
    );
  }
  const complete = plan.units.every((u) => repFinished(out, u.cell, u.replication));
  if (complete) await writeSummary(out, manifest, options.noReport === true);
  return { ran, skipped, complete };
}

/** One line per failed unit: cell, replication, the cell's scenario file, the error; the stack only with KUBESIM_DEBUG. */
function reportFailure(out: string, failure: UnitFailure): void {
  const id = path.basename(failure.task.cellDir);
  const message = failure.message.replace(/\s*\n\s*/g, " ");
  process.stderr.write(`kubesim: run failed: cell ${id} replication ${failure.task.replication} (scenario ${path.join(cellDir(out, id), "scenario.yaml")}): ${message}\n`);
  if (process.env.KUBESIM_DEBUG && failure.stack) process.stderr.write(`${failure.stack}\n`);
}

/** sweep-summary.csv (+ report) from the replication folders, in the plan's cell order. */
export async function writeSummary(out: string, manifest: SweepManifest, noReport: boolean): Promise<CellStats[]> {
  const stats = manifest.cells.map((c) => cellStats(c.id, Object.entries(c.values), readCellRuns(out, c.id, manifest.replications)));
  writeFileAtomically(path.join(out, "sweep-summary.csv"), summaryCsv(manifest.factors, stats));
  if (!noReport) {
    // Loaded only when a report is written (see reportFiles in commands/run.ts).
    const { sweepReportFiles } = await import("./report.js");
    const files = await sweepReportFiles(`Sweep ${manifest.name}`, manifest.description, stats);
    writeFileAtomically(path.join(out, "report.html"), files["report.html"]);
    delete files["report.html"];
    const charts = Object.fromEntries(Object.entries(files).map(([name, content]) => [name.replace(/^charts\//, ""), content]));
    writeFilesAtomically(path.join(out, "charts"), charts);
  }
  return stats;
}

/** One bar for the whole sweep: cells done, replications done, ETA. None when stderr is not a TTY. */
function progressBar(options: SweepOptions, plan: Plan, mine: readonly Unit[], pending: readonly Unit[]) {
  if (options.quiet || process.stderr.isTTY !== true || pending.length === 0) return null;
  const left = new Map<string, number>();
  for (const u of pending) {
    const dir = path.resolve(cellDir(options.out, u.cell));
    left.set(dir, (left.get(dir) ?? 0) + 1);
  }
  const cellsTotal = new Set(mine.map((u) => u.cell.id)).size;
  let cellsDone = cellsTotal - left.size;
  const bar = new cliProgress.SingleBar(
    {
      format: `sweep ${plan.experiment.name} {bar} {percentage}% | cells {cells}/{cellsTotal} | replications {value}/{total} | ETA {eta_formatted}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 20,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(mine.length, mine.length - pending.length, { cells: cellsDone, cellsTotal });
  // Stopped for good at the first failure, so the failure lines are not drawn over.
  let stopped = false;
  return {
    done(dir: string) {
      if (stopped) return;
      const n = (left.get(dir) ?? 1) - 1;
      left.set(dir, n);
      if (n === 0) cellsDone++;
      bar.increment(1, { cells: cellsDone, cellsTotal });
    },
    stop() {
      if (!stopped) bar.stop();
      stopped = true;
    },
  };
}
