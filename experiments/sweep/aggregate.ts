/**
 * sweep-summary.csv: one row per cell (in design order), the factor values, then for every
 * summary metric its mean, sample standard deviation and 95 % Student-t confidence interval over
 * the replications (experiments/stats.ts). Built from the replication folders on disk, so a
 * merged sweep and a single-machine sweep produce the same bytes.
 */
import fs from "node:fs";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import { CSV_CAST, csvNumber } from "../../engine/index.js";
import { confidenceInterval } from "../stats.js";
import { SUMMARY_COLUMNS } from "../summary.js";
import { repDir } from "./layout.js";
import type { FactorValue } from "./experiment.js";

/** The per-run figures a sweep compares (the seed and the fixed duration are not outcomes). */
export const SWEEP_METRICS = SUMMARY_COLUMNS.filter((c) => c !== "seed" && c !== "duration_s");
export const STAT_SUFFIXES = ["mean", "sd", "ci95_low", "ci95_high"] as const;

export interface CellStats {
  id: string;
  values: [string, FactorValue][];
  replications: number;
  /** metric -> statistics over the replications that have a value (NaN ones are left out). */
  stats: Record<string, { mean: number; sd: number; low: number; high: number; n: number }>;
}

/** Statistics of one metric; NaN values (e.g. no scale-up, so no time to scale) are left out. */
export function metricStats(values: readonly number[]): CellStats["stats"][string] {
  const finite = values.filter((v) => !Number.isNaN(v));
  const ci = confidenceInterval(finite, 0.95);
  // With zero spread the t interval is the point itself (t * 0), not NaN.
  return { mean: ci.mean, sd: ci.stddev, low: ci.low, high: ci.high, n: finite.length };
}

export function cellStats(id: string, values: [string, FactorValue][], runs: readonly Record<string, number>[]): CellStats {
  const stats: CellStats["stats"] = {};
  for (const m of SWEEP_METRICS) stats[m] = metricStats(runs.map((r) => r[m]));
  return { id, values, replications: runs.length, stats };
}

/** Reads rep-<k>/summary.csv of a cell (every replication must be there). */
export function readCellRuns(out: string, cellId: string, replications: number): Record<string, number>[] {
  const runs: Record<string, number>[] = [];
  for (let k = 0; k < replications; k++) {
    const text = fs.readFileSync(`${repDir(out, cellId, k)}/summary.csv`, "utf8");
    const [row] = parse(text, { columns: true }) as Record<string, string>[];
    runs.push(Object.fromEntries(Object.entries(row).map(([key, v]) => [key, v === "" ? NaN : Number(v)])));
  }
  return runs;
}

/** Six decimals: enough for pod-hours and seconds; fixed so the CSV reads the same everywhere. NaN when not finite. */
export function roundStat(x: number): number {
  if (!Number.isFinite(x)) return NaN;
  const r = Math.round(x * 1e6) / 1e6;
  return Object.is(r, -0) ? 0 : r;
}

/** A statistic's cell text: `roundStat`, empty when there is none. */
export function formatStat(x: number): string {
  return csvNumber(roundStat(x));
}

export function summaryColumns(factorNames: readonly string[]): string[] {
  return ["cell", ...factorNames, "replications", ...SWEEP_METRICS.flatMap((m) => STAT_SUFFIXES.map((s) => `${m}_${s}`))];
}

/**
 * The CSV text. Factor values keep their type: a number is a number cell (a negative one keeps
 * its sign), a string is a text cell, neutralised if a spreadsheet would run it as a formula
 * (engine/record/csv.ts). An empty statistic: no replication had a value (mean), or fewer than two did
 * (sd and the interval).
 */
export function summaryCsv(factorNames: readonly string[], cells: readonly CellStats[]): string {
  const rows = cells.map((c) => [
    c.id,
    ...c.values.map(([, v]) => v),
    c.replications,
    ...SWEEP_METRICS.flatMap((m) => {
      const s = c.stats[m];
      return [s.mean, s.sd, s.low, s.high].map(roundStat);
    }),
  ]);
  return stringify(rows, { header: true, columns: summaryColumns(factorNames), cast: CSV_CAST });
}
