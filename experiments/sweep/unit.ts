/**
 * One (cell, replication) unit: load the cell's scenario with the replication's seed, run it,
 * write the run folder atomically with its digest (files.sha256). Runs in a worker thread (worker.ts) or in-process (tests).
 */
import fs from "node:fs";
import path from "node:path";
import { writeFilesAtomically } from "../output.js";
import { runScenario } from "../runner.js";
import { loadScenario } from "../scenario/load.js";
import { formatDiagnostic } from "../manifests/diagnostics.js";
import type { Summary } from "../summary.js";
import { replicationOverlay } from "./overlay.js";

export interface UnitTask {
  /** Absolute folder of the cell (holds scenario.yaml and cell.json). */
  cellDir: string;
  replication: number;
  seed: number;
}

export interface UnitResult {
  replication: number;
  summary: Summary;
}

export function runUnit(task: UnitTask, tag: string): UnitResult {
  const overlayFile = path.join(task.cellDir, `.rep-${task.replication}.scenario-${tag}.yaml`);
  fs.writeFileSync(overlayFile, replicationOverlay("scenario.yaml", task.seed));
  let loaded;
  try {
    loaded = loadScenario(overlayFile);
  } finally {
    fs.rmSync(overlayFile, { force: true });
  }
  if (loaded.config === null) throw new Error(`cell scenario failed to load: ${loaded.errors.map(formatDiagnostic).join("; ")}`);
  // The content hash covers the base's files (the sweep folder's copy) and the cell's factor
  // values (cell.json), not the overlays, which only restate them.
  const skip = new Set([path.resolve(overlayFile), path.resolve(task.cellDir, "scenario.yaml")]);
  const files = loaded.scenario.files.filter((f) => !skip.has(path.resolve(f)));
  files.push(path.join(task.cellDir, "cell.json"));
  const output = runScenario(loaded.config, {
    name: loaded.scenario.name,
    description: loaded.scenario.description,
    sloLatencyP95_ms: loaded.scenario.slo.latencyP95_ms,
    files,
  }, { slices: 1 });
  const written: Record<string, string | Iterable<string>> = { ...output.files };
  written["manifest.json"] = withoutWallTime(String(output.files["manifest.json"]));
  // The digest, written last, marks the replication finished and lets `merge` check every file.
  writeFilesAtomically(path.join(task.cellDir, `rep-${task.replication}`), written, { digest: true });
  return { replication: task.replication, summary: output.summary };
}

/** wall_time_s is the one field that differs between identical runs; a sweep's outputs must not. */
export function withoutWallTime(manifestJson: string): string {
  const manifest = JSON.parse(manifestJson) as Record<string, unknown>;
  delete manifest.wall_time_s;
  return JSON.stringify(manifest, null, 2) + "\n";
}
