/**
 * Merges shard folders of one sweep (same sweep.json) into one folder: the replication folders
 * of every shard, the cells' files, then the summary and report as a single-machine sweep
 * writes them. Cell scenarios are rewritten so their `extends` still names the base scenario
 * from the merged folder, which makes the merged folder byte-identical to a single-machine run
 * into the same place.
 *
 * Nothing is trusted: each shard's sweep.json is checked against the plan's schema, and every
 * replication folder (in the shards and already in the output) against its digest
 * (files.sha256), the plan's seed and the kubesim version of the others. A damaged shard is
 * refused before anything is written; a damaged copy already in the output is replaced from a
 * shard, or refused.
 */
import fs from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { UserError } from "../errors.js";
import { claimOutputFolder, DIGEST_FILE, verifyDigest, writeFilesAtomically } from "../output.js";
import { cellDir, ensureFile, REP_FILES, repDir, writeSweepJson } from "./layout.js";
import { cellJson, writeSummary, type SweepManifest } from "./sweep.js";

export interface MergeResult {
  copied: number;
  present: number;
  missing: number;
}

export interface MergeOptions {
  noReport?: boolean;
  /** Write into an existing folder that is not a sweep folder (experiments/output.ts). */
  force?: boolean;
}

export async function mergeSweeps(dirs: readonly string[], out: string, options: MergeOptions = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError("merge: name at least one sweep folder", "e.g. kubesim merge results/a-0 results/a-1 --out results/a", 2);
  let manifestText = "";
  let manifest: SweepManifest | null = null;
  for (const dir of dirs) {
    const shard = readShardManifest(dir);
    if (manifest !== null && shard.text !== manifestText) {
      throw new UserError(`${path.join(dir, "sweep.json")}: a different sweep than ${path.join(dirs[0], "sweep.json")} (plans differ)`, "merge only shards of the same experiment file", 2);
    }
    manifestText = shard.text;
    manifest = shard.manifest;
  }
  const plan = manifest!;
  claimOutputFolder(out, "sweep", { force: options.force, sameMarker: manifestText });

  // Check everything before writing anything.
  const check = new RepCheck(plan);
  const copies: { src: string; dest: string }[] = [];
  let present = 0;
  let missing = 0;
  for (const cell of plan.cells) {
    for (let k = 0; k < plan.replications; k++) {
      const dest = repDir(out, cell.id, k);
      const sources = dirs.filter((d) => fs.existsSync(repDir(d, cell.id, k)));
      for (const shard of sources) {
        const problem = check.problem(shard, cell.id, k);
        if (problem !== null) {
          throw new UserError(
            `merge: shard ${shard}: ${problem}; nothing was merged`,
            `delete ${repDir(shard, cell.id, k)} and rerun that shard's sweep command (it runs only what is missing), then merge again`,
            2,
          );
        }
      }
      const damaged = fs.existsSync(dest) ? check.problem(out, cell.id, k) : "absent";
      if (damaged === null) {
        present++;
      } else if (sources.length > 0) {
        if (damaged !== "absent") process.stderr.write(`warning: ${out}: ${damaged}; replacing it with the copy from ${sources[0]}\n`);
        copies.push({ src: repDir(sources[0], cell.id, k), dest });
      } else if (damaged !== "absent") {
        throw new UserError(`merge: ${out}: ${damaged}, and no shard has this replication`, `merge again together with the shard that ran ${path.relative(out, dest)}`, 2);
      } else {
        missing++;
      }
    }
  }

  writeSweepJson(out, manifestText);
  for (const cell of plan.cells) {
    ensureFile(path.join(cellDir(out, cell.id), "cell.json"), cellJson(cell));
    for (const dir of dirs) {
      const src = cellDir(dir, cell.id);
      let text: string;
      try {
        text = fs.readFileSync(path.join(src, "scenario.yaml"), "utf8");
      } catch {
        continue;
      }
      ensureFile(path.join(cellDir(out, cell.id), "scenario.yaml"), rebase(text, src, cellDir(out, cell.id)));
      break;
    }
  }
  // The digest goes last: a copy interrupted half-way is not taken for a finished one.
  for (const { src, dest } of copies) writeFilesAtomically(dest, readTree(src), { marker: DIGEST_FILE });
  if (missing === 0) await writeSummary(out, plan, options.noReport === true);
  return { copied: copies.length, present, missing };
}

/** Checks replication folders: digest, the plan's seed, and one kubesim version across all of them. */
class RepCheck {
  private version: { version: string; file: string } | null = null;

  constructor(private readonly plan: SweepManifest) {}

  /** What is wrong with `<root>/cells/<cell>/rep-<k>` (named relative to root), or null. */
  problem(root: string, cellId: string, k: number): string | null {
    const dir = repDir(root, cellId, k);
    const rel = (file: string) => path.relative(root, path.join(dir, file));
    const bad = verifyDigest(dir, REP_FILES);
    if (bad !== null) return `${rel(bad.file)} ${bad.problem}`;
    let manifest: { seed?: unknown; kubesim?: { version?: unknown } };
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    } catch {
      return `${rel("manifest.json")} is not valid JSON`;
    }
    const seed = this.plan.replication_seeds[k];
    if (manifest.seed !== seed) return `${rel("manifest.json")} has seed ${String(manifest.seed)}, but sweep.json gives replication ${k} seed ${seed} (a run of another experiment)`;
    const version = String(manifest.kubesim?.version);
    const file = path.join(dir, "manifest.json");
    if (this.version === null) this.version = { version, file };
    else if (version !== this.version.version) return `${rel("manifest.json")} was written by kubesim ${version}, but ${this.version.file} by kubesim ${this.version.version}; merge shards of one kubesim version`;
    return null;
  }
}

/** A shard's sweep.json, checked against the shape `kubesim sweep` writes, or a UserError naming it. */
function readShardManifest(dir: string): { text: string; manifest: SweepManifest } {
  const file = path.join(dir, "sweep.json");
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    throw new UserError(`${file}: not a sweep folder (no sweep.json)`, "pass the --out folders of `kubesim sweep` runs", 2);
  }
  let json: unknown;
  let problem: string | null;
  try {
    json = JSON.parse(text);
    problem = sweepManifestProblem(json);
  } catch (e) {
    problem = `not valid JSON (${(e as Error).message})`;
  }
  if (problem !== null) {
    throw new UserError(`merge: shard ${dir}: sweep.json: ${problem}; nothing was merged`, "this shard's sweep.json is damaged: rerun the shard's sweep into a new folder, or leave the shard out", 2);
  }
  return { text, manifest: json as SweepManifest };
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isSeed = (x: unknown) => Number.isSafeInteger(x) && (x as number) >= 0;

/** The first way `json` differs from a SweepManifest, or null. Cell ids become folder names, so they are checked as such. */
export function sweepManifestProblem(json: unknown): string | null {
  if (!isRecord(json)) return "expected a JSON object";
  if (json.kind !== "Sweep") return `kind: expected "Sweep", got ${JSON.stringify(json.kind) ?? "nothing"}`;
  for (const key of ["name", "description", "design"]) if (typeof json[key] !== "string") return `${key}: expected a string`;
  if (!isSeed(json.seed)) return "seed: expected a non-negative integer";
  const reps = json.replications;
  if (!Number.isSafeInteger(reps) || (reps as number) < 1) return "replications: expected a positive integer";
  const factors = json.factors;
  if (!Array.isArray(factors) || !factors.every((f) => typeof f === "string")) return "factors: expected a list of factor names";
  const seeds = json.replication_seeds;
  if (!Array.isArray(seeds) || seeds.length !== reps || !seeds.every(isSeed)) return `replication_seeds: expected ${String(reps)} non-negative integers`;
  const cells = json.cells;
  if (!Array.isArray(cells) || cells.length === 0) return "cells: expected a non-empty list";
  const ids = new Set<string>();
  for (const [i, cell] of cells.entries()) {
    if (!isRecord(cell)) return `cells[${i}]: expected an object`;
    const id = cell.id;
    if (typeof id !== "string" || !/^[A-Za-z0-9._-]+$/.test(id) || id === "." || id === "..") return `cells[${i}].id: expected a folder name of letters, digits, ".", "_" and "-"`;
    if (ids.has(id)) return `cells[${i}].id: "${id}" appears twice`;
    ids.add(id);
    const values = cell.values;
    if (!isRecord(values) || Object.keys(values).sort().join("\0") !== [...factors].sort().join("\0")) return `cells[${i}].values: expected a value for each factor (${factors.join(", ")})`;
    for (const v of Object.values(values)) if (!["string", "number", "boolean"].includes(typeof v)) return `cells[${i}].values: expected strings, numbers or booleans`;
  }
  return null;
}

/** The overlay with `extends` re-pointed from `fromDir` to `toDir` (same base file). */
export function rebase(text: string, fromDir: string, toDir: string): string {
  return text.replace(/^extends: .*$/m, (line) => {
    const ref = (parse(line) as { extends: string }).extends;
    const base = path.resolve(fromDir, ref);
    const rel = path.relative(path.resolve(toDir), base).split(path.sep).join("/");
    return stringify({ extends: rel }, { lineWidth: 0 }).trimEnd();
  });
}

function readTree(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) files[name] = fs.readFileSync(full);
  }
  return files;
}
