/**
 * The sweep folder:
 *   sweep.json                 the plan (cells in order, factor values, replications, seeds)
 *   base/                      a copy of the base scenario's files (base.ts)
 *   cells/<cell-id>/scenario.yaml   the cell's overlay scenario (extends the copy in base/; loadable)
 *   cells/<cell-id>/cell.json       the cell's factor values (what the run manifests hash)
 *   cells/<cell-id>/rep-<k>/        one replication's run files and files.sha256 (their digest,
 *                                   written last); complete iff files.sha256 is there
 *   sweep-summary.csv, report.html, charts/   once every replication of every cell is there
 */
import fs from "node:fs";
import path from "node:path";
import { DIGEST_FILE, removeStaleStaging, writeFileAtomically, writeFilesAtomically } from "../output.js";
import type { Cell } from "./design.js";

export const cellDir = (out: string, cell: Cell | string) => path.join(out, "cells", typeof cell === "string" ? cell : cell.id);
export const repDir = (out: string, cell: Cell | string, replication: number) => path.join(cellDir(out, cell), `rep-${replication}`);

/** The files every replication folder has (its digest must list them). */
export const REP_FILES = ["timeseries.csv", "events.csv", "decisions.csv", "summary.csv", "manifest.json"] as const;

/** A replication is finished once its digest, written last inside its atomic folder, is there. */
export const repFinished = (out: string, cell: Cell | string, replication: number) => fs.existsSync(path.join(repDir(out, cell, replication), DIGEST_FILE));

/** Creates the sweep folder with its sweep.json in one rename, or brings an existing folder's sweep.json up to date. */
export function writeSweepJson(out: string, text: string): void {
  removeStaleStaging(out);
  if (fs.existsSync(out)) ensureFile(path.join(out, "sweep.json"), text);
  else writeFilesAtomically(out, { "sweep.json": text });
}

/** Writes only when the content differs (a resumed sweep leaves finished files untouched). */
export function ensureFile(file: string, content: string | Buffer): void {
  try {
    if (fs.readFileSync(file).equals(typeof content === "string" ? Buffer.from(content) : content)) return;
  } catch {
    // absent: write it
  }
  writeFileAtomically(file, content);
}

/**
 * Removes what a killed run left of replication `k` of a cell: writeFilesAtomically's staging
 * folders (`.rep-<k>.partial-*`) and replication overlays. Only this unit's leftovers, since
 * another shard may be writing other units of the same cell into a shared folder.
 */
export function removeLeftovers(dir: string, replication: number): void {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return;
  }
  const prefix = `.rep-${replication}.`;
  for (const name of names) if (name.startsWith(prefix)) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
}
