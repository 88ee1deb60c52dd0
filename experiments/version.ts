/**
 * Which kubesim this is: the package root (the folder with package.json, from source or from
 * dist/), the package version, and a hash of the simulator's own source, recorded in every run's
 * manifest.json so that `merge` can refuse shards run by different code. Computed once per
 * process (no git: a container image or a copied checkout has no .git).
 *
 * The source hash is the sha256 of package.json and every .ts file under the folders tsconfig
 * compiles (index.ts, engine/, models/, experiments/), by path from the package root in sorted
 * order. Run from source (tsx), it is computed from those files; dist/ has no .ts files, so
 * `npm run build` computes it then and writes it to dist/source-sha256 (scripts/write-source-hash.mjs),
 * which a run from dist/ reads. A source run and a build of the same source give the same hash.
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** The package root: the nearest folder above this module with a package.json (src or dist). */
export const PACKAGE_ROOT = (() => {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5 && !fs.existsSync(path.join(dir, "package.json")); i++) dir = path.dirname(dir);
  return dir;
})();

let version: string | null = null;

export function packageVersion(): string {
  if (version === null) {
    try {
      version = String(JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, "package.json"), "utf8")).version);
    } catch {
      version = "unknown";
    }
  }
  return version;
}

/** The CLI as a built package runs it (what cluster jobs start). */
export const BUILT_CLI = path.join(PACKAGE_ROOT, "dist", "experiments", "cli.js");

/** Folders and files whose sources make up the simulator (tsconfig.json's include). */
const SOURCES = ["package.json", "index.ts", "engine", "models", "experiments"];
export const BUILT_SOURCE_HASH = path.join(PACKAGE_ROOT, "dist", "source-sha256");

/** sha256 of the simulator's sources under `root` (see above). */
export function computeSourceHash(root: string): string {
  const files: string[] = [];
  for (const entry of SOURCES) {
    const full = path.join(root, entry);
    if (fs.statSync(full).isFile()) files.push(entry);
    else for (const name of fs.readdirSync(full, { recursive: true }) as string[]) if (name.endsWith(".ts")) files.push(path.join(entry, name));
  }
  const hash = createHash("sha256");
  for (const file of files.map((f) => f.split(path.sep).join("/")).sort()) {
    hash.update(file);
    hash.update("\0");
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update("\0");
  }
  return hash.digest("hex");
}

let sourceHashMemo: string | null = null;

/** This process's source hash: from the sources when run from them, else the one the build wrote; "unknown" without either. */
export function sourceHash(): string {
  if (sourceHashMemo === null) {
    const fromSource = import.meta.url.endsWith(".ts");
    try {
      sourceHashMemo = fromSource ? computeSourceHash(PACKAGE_ROOT) : fs.readFileSync(BUILT_SOURCE_HASH, "utf8").trim();
    } catch {
      sourceHashMemo = "unknown";
    }
  }
  return sourceHashMemo;
}
