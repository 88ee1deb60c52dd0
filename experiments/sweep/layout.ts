/**
 * The sweep folder:
 *   sweep.json                 the plan (cells in order, factor values, replications, seeds)
 *   cells/<cell-id>/scenario.yaml   the cell's overlay scenario (extends the base; loadable)
 *   cells/<cell-id>/cell.json       the cell's factor values (what the run manifests hash)
 *   cells/<cell-id>/rep-<k>/        one replication's run files; complete iff it exists
 *   sweep-summary.csv, report.html, charts/   once every replication of every cell is there
 */
import fs from "node:fs";
import path from "node:path";
import type { Cell } from "./design.js";

export const cellDir = (out: string, cell: Cell | string) => path.join(out, "cells", typeof cell === "string" ? cell : cell.id);
export const repDir = (out: string, cell: Cell | string, replication: number) => path.join(cellDir(out, cell), `rep-${replication}`);

/** Writes one file by rename, so a reader (or a concurrent shard) sees the old or the new whole file. */
export function writeFileAtomically(file: string, content: string | Uint8Array): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, file);
}

/** Writes only when the content differs (a resumed sweep leaves finished files untouched). */
export function ensureFile(file: string, content: string): void {
  try {
    if (fs.readFileSync(file, "utf8") === content) return;
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
