/**
 * Parses a run folder's files (CSV text, manifest JSON) into RunData, for a report of a folder
 * already on disk (`writeReport`). Pure: text in, rows out. csv-parse does the RFC 4180 work
 * (quoted commas, quotes and newlines in event messages); every cell is read back through
 * `csvTextValue`, which undoes the formula neutralising kubesim's writers apply (engine/record/csv.ts).
 *
 * The row mappers (`eventRow`, `decisionRow`) take a cell getter, so the report of a run still in
 * memory (report/recorded.ts) reads the recorders' cells through the very same code.
 */
import { parse } from "csv-parse/sync";
import { csvNumber, csvTextValue, type Cell } from "../../engine/index.js";
import { SeriesBuilder } from "./series.js";
import type { DecisionRow, EventRow, LagEntry, Manifest, RunData, SeriesSource } from "./types.js";

/** The texts of a run folder's files; the optional ones may be missing (e.g. a run with no HPA). */
export interface RunTexts {
  timeseries: string;
  manifest: string;
  events?: string;
  decisions?: string;
  summary?: string;
  lag?: string;
  /** Each controller plugin's <name>-decisions.csv, by name (manifest.json's `controllers`). */
  controllerDecisions?: Record<string, string>;
}

type Record_ = Record<string, string>;
/** A row's cell by column name; undefined when the file has no such column. */
export type CellOf = (column: string) => Cell | undefined;

function records(text: string | undefined): Record_[] {
  if (text === undefined || text.trim() === "") return [];
  return parse(text, { columns: true, skip_empty_lines: true, bom: true, cast: (cell: string) => csvTextValue(cell) }) as Record_[];
}

/** A number cell; empty and "NaN" cells (no traffic, no metric) become null, as do non-finite numbers. */
function num(cell: Cell | undefined): number | null {
  if (cell === undefined || cell === "" || cell === "NaN") return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : null;
}

/** A text cell; a number (as a recorder holds it) as the CSV writes it. */
function text(cell: Cell | undefined): string {
  return cell === undefined ? "" : typeof cell === "number" ? csvNumber(cell) : cell;
}

/** A recorder's cell as its CSV text (the report of a run in memory). */
export const csvCell = (cell: Cell): string => text(cell);

/** The time column must be a number: a row without a time cannot be placed on any chart. */
function time(cell: Cell | undefined, file: string, row: number): number {
  const t = num(cell);
  if (t === null) throw new Error(`${file}: row ${row + 2} has no valid time_s (${JSON.stringify(cell)})`);
  return t;
}

function requireColumns(rows: Record_[], file: string, columns: readonly string[]): void {
  if (rows.length === 0) return;
  const missing = columns.filter((c) => !(c in rows[0]));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(", ")}`);
}

export function parseTimeseries(csv: string): SeriesSource {
  const rows = records(csv);
  requireColumns(rows, "timeseries.csv", ["time_s", "kind", "name", "metric", "value"]);
  const series = new SeriesBuilder();
  rows.forEach((r, i) => series.add(time(r.time_s, "timeseries.csv", i), r.kind, r.name, r.metric, num(r.value)));
  return series.build();
}

export function eventRow(cell: CellOf, i: number): EventRow {
  return {
    time_s: time(cell("time_s"), "events.csv", i),
    component: text(cell("component")),
    kind: text(cell("kind")),
    name: text(cell("name")),
    event: text(cell("event")),
    reason: text(cell("reason")),
    message: text(cell("message")),
  };
}

export function parseEvents(csv: string | undefined): EventRow[] {
  const rows = records(csv);
  requireColumns(rows, "events.csv", ["time_s", "component", "kind", "name", "event", "reason", "message"]);
  return rows.map((r, i) => eventRow((c) => r[c], i));
}

const truthy = new Set(["true", "True", "TRUE", "1"]);

export function decisionRow(cell: CellOf, i: number): DecisionRow {
  return {
    time_s: time(cell("time_s"), "decisions.csv", i),
    hpa: text(cell("hpa")),
    current_replicas: num(cell("current_replicas")),
    metrics: text(cell("metrics")),
    metric_desired_replicas: num(cell("metric_desired_replicas")),
    stabilized_replicas: num(cell("stabilized_replicas")),
    limited_replicas: num(cell("limited_replicas")),
    desired_replicas: num(cell("desired_replicas")),
    rescale: truthy.has(text(cell("rescale"))),
    path: text(cell("path")),
    stabilization_reason: text(cell("stabilization_reason")),
    limiting_reason: text(cell("limiting_reason")),
    able_to_scale: text(cell("able_to_scale")),
    scaling_active: text(cell("scaling_active")),
    scaling_limited: text(cell("scaling_limited")),
  };
}

export function parseDecisions(csv: string | undefined): DecisionRow[] {
  const rows = records(csv);
  requireColumns(rows, "decisions.csv", ["time_s", "hpa", "desired_replicas", "rescale"]);
  return rows.map((r, i) => decisionRow((c) => r[c], i));
}

export function parseLag(csv: string | undefined): LagEntry[] {
  const rows = records(csv);
  requireColumns(rows, "lag.csv", ["service", "hpa", "step_s", "direction", "stage", "after_step_s"]);
  return rows.map((r, i) => ({
    service: r.service,
    hpa: r.hpa,
    step_s: time(r.step_s, "lag.csv", i),
    direction: r.direction,
    stage: r.stage,
    after_step_s: num(r.after_step_s),
  }));
}

/** summary.csv has one row; its columns grow over time, so they are kept by name, in order. */
export function parseSummary(csv: string | undefined): Record<string, string> {
  const rows = records(csv);
  return rows.length === 0 ? {} : { ...rows[0] };
}

export function parseManifest(json: string): Manifest {
  const m: unknown = JSON.parse(json);
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new Error("manifest.json: not a JSON object");
  return m as Manifest;
}

export function parseRun(texts: RunTexts): RunData {
  return {
    timeseries: parseTimeseries(texts.timeseries),
    events: parseEvents(texts.events),
    decisions: parseDecisions(texts.decisions),
    lag: parseLag(texts.lag),
    summary: parseSummary(texts.summary),
    manifest: parseManifest(texts.manifest),
    controllerDecisions: Object.entries(texts.controllerDecisions ?? {}).map(([name, csv]) => {
      const rows = parse(csv, { skip_empty_lines: true, bom: true, cast: (cell: string) => csvTextValue(cell) }) as string[][];
      return { name, columns: rows[0] ?? [], rows: rows.slice(1).map((r) => r.map((c) => text(c))) };
    }),
  };
}
