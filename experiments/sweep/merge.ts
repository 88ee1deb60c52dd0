/**
 * Merges shard folders of one sweep (same sweep.json) into one folder: the replication folders
 * of every shard, the cells' files, then the summary and report as a single-machine sweep
 * writes them. Cell scenarios extend the folder's own copy of the base scenario (base/), the
 * same in every shard, so the merged folder is byte-identical to a single-machine run wherever
 * the folders are.
 *
 * Nothing is trusted: each shard's sweep.json is checked against the plan's schema, and every
 * replication folder (in the shards and already in the output) against its digest
 * (files.sha256), the plan's seed and the kubesim version and source hash of the others. A damaged shard is
 * refused before anything is written; a damaged copy already in the output is replaced from a
 * shard, or refused.
 */
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../errors.js";
import { claimOutputFolder, DIGEST_FILE, verifyDigest, writeFilesAtomically } from "../output.js";
import { cellDir, ensureFile, REP_FILES, repDir, writeSweepJson } from "./layout.js";
import { BASE_DIR } from "./base.js";
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

  const base = sameBase([...dirs, ...(fs.existsSync(out) ? [out] : [])]);

  writeSweepJson(out, manifestText);
  for (const [name, content] of base) ensureFile(path.join(out, BASE_DIR, name), content);
  for (const cell of plan.cells) {
    ensureFile(path.join(cellDir(out, cell.id), "cell.json"), cellJson(cell));
    // The cell scenario extends ../../base/..., the same in every sweep folder: copied as is.
    const from = dirs.map((d) => path.join(cellDir(d, cell.id), "scenario.yaml")).find((f) => fs.existsSync(f));
    if (from !== undefined) ensureFile(path.join(cellDir(out, cell.id), "scenario.yaml"), fs.readFileSync(from));
  }
  // The digest goes last: a copy interrupted half-way is not taken for a finished one.
  for (const { src, dest } of copies) writeFilesAtomically(dest, readTree(src), { marker: DIGEST_FILE });
  if (missing === 0) await writeSummary(out, plan, options.noReport === true);
  return { copied: copies.length, present, missing };
}

/** Checks replication folders: digest, the plan's seed, and one kubesim (version and source hash) across all of them. */
class RepCheck {
  private first: { version: string; source: string; file: string } | null = null;

  constructor(private readonly plan: SweepManifest) {}

  /** What is wrong with `<root>/cells/<cell>/rep-<k>` (named relative to root), or null. */
  problem(root: string, cellId: string, k: number): string | null {
    const dir = repDir(root, cellId, k);
    const rel = (file: string) => path.relative(root, path.join(dir, file));
    const bad = verifyDigest(dir, REP_FILES);
    if (bad !== null) return `${rel(bad.file)} ${bad.problem}`;
    let manifest: { seed?: unknown; kubesim?: { version?: unknown; source_sha256?: unknown } };
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
    } catch {
      return `${rel("manifest.json")} is not valid JSON`;
    }
    const seed = this.plan.replication_seeds[k];
    if (manifest.seed !== seed) return `${rel("manifest.json")} has seed ${String(manifest.seed)}, but sweep.json gives replication ${k} seed ${seed} (a run of another experiment)`;
    const version = String(manifest.kubesim?.version);
    const source = String(manifest.kubesim?.source_sha256);
    const file = path.join(dir, "manifest.json");
    const first = (this.first ??= { version, source, file });
    if (version !== first.version) return `${rel("manifest.json")} was written by kubesim ${version}, but ${first.file} by kubesim ${first.version}; merge shards of one kubesim version`;
    if (source !== first.source) {
      return `${rel("manifest.json")} was written by kubesim ${version} built from other sources (source_sha256 ${source.slice(0, 12)}…) than ${first.file} (${first.source.slice(0, 12)}…); merge shards run by the same build`;
    }
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

/** The copy of the base scenario the folders share (base/), or a UserError naming two that differ. */
function sameBase(dirs: readonly string[]): Map<string, Buffer> {
  let first: { dir: string; files: Map<string, Buffer> } | null = null;
  for (const dir of dirs) {
    const folder = path.join(dir, BASE_DIR);
    if (!fs.existsSync(folder)) continue;
    const files = new Map(Object.entries(readTree(folder)).map(([n, c]) => [n.split(path.sep).join("/"), Buffer.from(c)]));
    if (first === null) {
      first = { dir, files };
      continue;
    }
    const names = [...new Set([...first.files.keys(), ...files.keys()])].sort();
    const differs = names.find((n) => !(first!.files.get(n)?.equals(files.get(n) ?? Buffer.alloc(0)) && files.has(n)));
    if (differs !== undefined) {
      throw new UserError(
        `merge: ${path.join(dir, BASE_DIR, differs)} differs from ${path.join(first.dir, BASE_DIR, differs)}: these folders ran different base scenarios; nothing was merged`,
        "merge only shards run from the same experiment and scenario files",
        2,
      );
    }
  }
  return first?.files ?? new Map();
}

function readTree(dir: string): Record<string, Uint8Array> {
  const files: Record<string, Uint8Array> = {};
  for (const name of fs.readdirSync(dir, { recursive: true }) as string[]) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) files[name] = fs.readFileSync(full);
  }
  return files;
}
