/**
 * The base scenario, carried inside the sweep folder: every file the base scenario reads (its
 * extends chain, manifests, traces) is copied to `base/`, keeping their layout relative to the
 * folder that holds them all, and the cell scenarios extend that copy. So a sweep folder (or a
 * shard's, or a merged one) is whole wherever it is collected, and reruns it with the same inputs.
 */
import fs from "node:fs";
import path from "node:path";

export const BASE_DIR = "base";

export interface BaseCopy {
  /** Path under `base/` (with "/") -> content. */
  files: Record<string, Buffer>;
  /** The base scenario file's path under `base/`. */
  scenario: string;
  /** The folder the paths are relative to (where the originals are). */
  from: string;
}

/** `files` are the base scenario's files as the loader read them; `scenario` the base scenario file. */
export function baseCopy(scenario: string, files: readonly string[]): BaseCopy {
  const absolute = [...new Set([path.resolve(scenario), ...files.map((f) => path.resolve(f))])];
  const root = commonFolder(absolute.map((f) => path.dirname(f)));
  const rel = (f: string) => path.relative(root, f).split(path.sep).join("/");
  const out: Record<string, Buffer> = {};
  for (const f of absolute.sort()) out[rel(f)] = fs.readFileSync(f);
  return { files: out, scenario: rel(path.resolve(scenario)), from: root };
}

export function commonFolder(dirs: readonly string[]): string {
  let common = dirs[0];
  for (const d of dirs) {
    while (common !== d && !d.startsWith(common.endsWith(path.sep) ? common : common + path.sep)) common = path.dirname(common);
  }
  return common;
}
