/**
 * Parses the runner's files (CSV text, manifest JSON) into RunData. Pure: text in, rows out, so
 * the runner can hand over the texts it is about to write without a round trip through disk.
 * csv-parse does the RFC 4180 work (quoted commas, quotes and newlines in event messages).
 */
import { parse } from "csv-parse/sync";
import type { DecisionRow, EventRow, Manifest, RunData, TimeseriesRow } from "./types.js";

/** The texts of a run folder's files; the optional ones may be missing (e.g. a run with no HPA). */
export interface RunTexts {
  timeseries: string;
  manifest: string;
  events?: string;
  decisions?: string;
  summary?: string;
}

type Record_ = Record<string, string>;

function records(text: string | undefined): Record_[] {
  if (text === undefined || text.trim() === "") return [];
  return parse(text, { columns: true, skip_empty_lines: true, bom: true }) as Record_[];
}

/** A number cell; empty and "NaN" cells (no traffic, no metric) become null. */
function num(cell: string | undefined): number | null {
  if (cell === undefined || cell === "" || cell === "NaN") return null;
  const n = Number(cell);
  return Number.isFinite(n) ? n : null;
}

/** The time column must be a number: a row without a time cannot be placed on any chart. */
function time(cell: string | undefined, file: string, row: number): number {
  const t = num(cell);
  if (t === null) throw new Error(`${file}: row ${row + 2} has no valid time_s (${JSON.stringify(cell)})`);
  return t;
}

function requireColumns(rows: Record_[], file: string, columns: readonly string[]): void {
  if (rows.length === 0) return;
  const missing = columns.filter((c) => !(c in rows[0]));
  if (missing.length > 0) throw new Error(`${file}: missing column(s) ${missing.join(", ")}`);
}

export function parseTimeseries(text: string): TimeseriesRow[] {
  const rows = records(text);
  requireColumns(rows, "timeseries.csv", ["time_s", "kind", "name", "metric", "value"]);
  return rows.map((r, i) => ({ time_s: time(r.time_s, "timeseries.csv", i), kind: r.kind, name: r.name, metric: r.metric, value: num(r.value) }));
}

export function parseEvents(text: string | undefined): EventRow[] {
  const rows = records(text);
  requireColumns(rows, "events.csv", ["time_s", "component", "kind", "name", "event", "reason", "message"]);
  return rows.map((r, i) => ({
    time_s: time(r.time_s, "events.csv", i),
    component: r.component,
    kind: r.kind,
    name: r.name,
    event: r.event,
    reason: r.reason,
    message: r.message,
  }));
}

const truthy = new Set(["true", "True", "TRUE", "1"]);

export function parseDecisions(text: string | undefined): DecisionRow[] {
  const rows = records(text);
  requireColumns(rows, "decisions.csv", ["time_s", "hpa", "desired_replicas", "rescale"]);
  return rows.map((r, i) => ({
    time_s: time(r.time_s, "decisions.csv", i),
    hpa: r.hpa,
    current_replicas: num(r.current_replicas),
    metrics: r.metrics ?? "",
    metric_desired_replicas: num(r.metric_desired_replicas),
    stabilized_replicas: num(r.stabilized_replicas),
    limited_replicas: num(r.limited_replicas),
    desired_replicas: num(r.desired_replicas),
    rescale: truthy.has(r.rescale ?? ""),
    path: r.path ?? "",
    stabilization_reason: r.stabilization_reason ?? "",
    limiting_reason: r.limiting_reason ?? "",
    able_to_scale: r.able_to_scale ?? "",
    scaling_active: r.scaling_active ?? "",
    scaling_limited: r.scaling_limited ?? "",
  }));
}

/** summary.csv has one row; its columns grow over time, so they are kept by name, in order. */
export function parseSummary(text: string | undefined): Record<string, string> {
  const rows = records(text);
  return rows.length === 0 ? {} : { ...rows[0] };
}

export function parseManifest(text: string): Manifest {
  const m: unknown = JSON.parse(text);
  if (m === null || typeof m !== "object" || Array.isArray(m)) throw new Error("manifest.json: not a JSON object");
  return m as Manifest;
}

export function parseRun(texts: RunTexts): RunData {
  return {
    timeseries: parseTimeseries(texts.timeseries),
    events: parseEvents(texts.events),
    decisions: parseDecisions(texts.decisions),
    summary: parseSummary(texts.summary),
    manifest: parseManifest(texts.manifest),
  };
}
