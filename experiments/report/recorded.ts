/**
 * RunData straight from a finished run's recorders, so `kubesim run` builds its report without
 * turning the CSVs into text and parsing them back: the time series is read a few series at a
 * time as columns (report/series.ts), and events and decisions go through the same row mappers
 * as the CSV reader, cell for cell, so a report from memory and one from the run folder on disk
 * are the same bytes.
 */
import type { Recorder } from "../../engine/index.js";
import type { ClusterSimulation } from "../simulator.js";
import { csvCell, decisionRow, eventRow, parseLag, parseManifest, parseSummary, type CellOf } from "./parse.js";
import { recordedSeries } from "./series.js";
import type { RunData } from "./types.js";

function rowsOf<T>(recorder: Recorder, map: (cell: CellOf, i: number) => T): T[] {
  const index = new Map(recorder.columns.map((c, i) => [c, i]));
  const out: T[] = [];
  let i = 0;
  for (const row of recorder.rows()) {
    out.push(map((column) => { const c = index.get(column); return c === undefined ? undefined : row[c]; }, i++));
  }
  return out;
}

/** The report's data of a run still in memory; summary.csv, lag.csv and manifest.json are the texts the runner writes. */
export function recordedRun(simulation: ClusterSimulation, summaryCsv: string, lagCsv: string, manifestJson: string): RunData {
  return {
    timeseries: recordedSeries(simulation.timeseries),
    events: rowsOf(simulation.events.recorder, eventRow),
    decisions: rowsOf(simulation.hpa.decisions, decisionRow),
    lag: parseLag(lagCsv),
    summary: parseSummary(summaryCsv),
    manifest: parseManifest(manifestJson),
    controllerDecisions: [...(simulation.controllers?.decisions ?? [])].map(([name, recorder]) => ({
      name,
      columns: [...recorder.columns],
      rows: [...recorder.rows()].map((row) => row.map(csvCell)),
    })),
  };
}
