/**
 * Merges shard folders of one sweep (same sweep.json) into one folder: the replication folders
 * of every shard, the cells' files, then the summary and report as a single-machine sweep
 * writes them. Cell scenarios are rewritten so their `extends` still names the base scenario
 * from the merged folder, which makes the merged folder byte-identical to a single-machine run
 * into the same place.
 */
import fs from "node:fs";
import path from "node:path";
import { parse, stringify } from "yaml";
import { UserError } from "../errors.js";
import { writeFilesAtomically } from "../output.js";
import { cellDir, ensureFile, repDir } from "./layout.js";
import { writeSummary, type SweepManifest } from "./sweep.js";

export interface MergeResult {
  copied: number;
  present: number;
  missing: number;
}

export async function mergeSweeps(dirs: readonly string[], out: string, options: { noReport?: boolean } = {}): Promise<MergeResult> {
  if (dirs.length === 0) throw new UserError("merge: name at least one sweep folder", "e.g. kubesim merge results/a-0 results/a-1 --out results/a", 2);
  let manifestText: string | null = null;
  for (const dir of dirs) {
    const file = path.join(dir, "sweep.json");
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch {
      throw new UserError(`${file}: not a sweep folder (no sweep.json)`, "pass the --out folders of `kubesim sweep` runs", 2);
    }
    if (manifestText !== null && text !== manifestText) {
      throw new UserError(`${file}: a different sweep than ${path.join(dirs[0], "sweep.json")} (plans differ)`, "merge only shards of the same experiment file", 2);
    }
    manifestText = text;
  }
  const manifest = JSON.parse(manifestText!) as SweepManifest;
  fs.mkdirSync(out, { recursive: true });
  ensureFile(path.join(out, "sweep.json"), manifestText!);
  let copied = 0;
  let present = 0;
  let missing = 0;
  for (const cell of manifest.cells) {
    for (const dir of dirs) {
      const src = cellDir(dir, cell.id);
      if (!fs.existsSync(path.join(src, "scenario.yaml"))) continue;
      ensureFile(path.join(cellDir(out, cell.id), "cell.json"), fs.readFileSync(path.join(src, "cell.json"), "utf8"));
      ensureFile(path.join(cellDir(out, cell.id), "scenario.yaml"), rebase(fs.readFileSync(path.join(src, "scenario.yaml"), "utf8"), src, cellDir(out, cell.id)));
      break;
    }
    for (let k = 0; k < manifest.replications; k++) {
      const dest = repDir(out, cell.id, k);
      if (fs.existsSync(dest)) {
        present++;
        continue;
      }
      const src = dirs.map((d) => repDir(d, cell.id, k)).find((d) => fs.existsSync(d));
      if (src === undefined) {
        missing++;
        continue;
      }
      writeFilesAtomically(dest, readTree(src));
      copied++;
    }
  }
  if (missing === 0) await writeSummary(out, manifest, options.noReport === true);
  return { copied, present, missing };
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
