/**
 * Where and how kubesim writes. This module alone decides whether a folder may be written
 * (`claimOutputFolder`), and writes so that a reader never sees a half-written file
 * (`writeFilesAtomically`, `writeFileAtomically`).
 *
 * kubesim's own files in a folder are the paths it writes there (a run folder: timeseries.csv,
 * events.csv, decisions.csv, lag.csv, summary.csv, manifest.json, report.html, charts/<chart>.*). A write
 * replaces exactly those paths, each by rename, and never deletes anything else: a thesis.tex
 * beside them survives any rerun, with or without --force.
 *
 * Staging files and folders are named `.<name>.partial-<host>-<pid>-<random>` beside their
 * target. A kill -9 leaves them behind; the next write of the same name removes those whose
 * process is gone (same host, pid no longer running), and never one a live writer (another
 * shard, another thread of this process) is still filling.
 */
import { createHash, randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserError } from "./errors.js";

export type FileContent = string | Uint8Array | Iterable<string>;

/** The kinds of folder kubesim writes, each recognised by a marker file kubesim writes in it. */
export type FolderKind = "run" | "sweep" | "comparison";

const KINDS: Record<FolderKind, { marker: string; label: string; recognise: (json: Record<string, unknown>) => boolean }> = {
  run: { marker: "manifest.json", label: "run folder", recognise: (j) => isRecord(j.kubesim) },
  sweep: { marker: "sweep.json", label: "sweep folder", recognise: (j) => j.kind === "Sweep" },
  comparison: { marker: "comparison.json", label: "comparison folder", recognise: (j) => j.kind === "Comparison" },
};

export const markerFile = (kind: FolderKind): string => KINDS[kind].marker;

export interface ClaimOptions {
  /** Write into an existing folder that is not kubesim's (its files at kubesim's paths are replaced). */
  force?: boolean;
  /** The marker's exact text an existing folder must have (a sweep folder of the same plan). */
  sameMarker?: string;
}

const NEW_FOLDER_HINT = "name a new folder, e.g. --out results/my-run";

/**
 * Throws a UserError (exit 2) unless `dir` may receive a `kind` folder: it does not exist, is
 * empty, or is a kubesim folder of that kind (or `force`). Never allowed, even with force: "",
 * the current folder or one of its parents, a file, another sweep's folder.
 */
export function claimOutputFolder(dir: string, kind: FolderKind, options: ClaimOptions = {}): void {
  if (dir.trim() === "") throw new UserError(`--out "": expected a folder name`, NEW_FOLDER_HINT, 2);
  const { marker, label } = KINDS[kind];
  const resolved = realpathOrResolve(dir);
  const cwd = realpathOrResolve(".");
  if (resolved === cwd || cwd.startsWith(resolved.endsWith(path.sep) ? resolved : resolved + path.sep)) {
    throw new UserError(`cannot write to ${dir}: it is the current folder or one of its parents`, `${NEW_FOLDER_HINT} (--force does not change this)`, 2);
  }
  // The nearest existing ancestor must be a folder (mkdir would fail below a file).
  for (let p = path.dirname(path.resolve(dir)); ; p = path.dirname(p)) {
    const st = statOrNull(p);
    if (st !== null && !st.isDirectory()) throw new UserError(`cannot write to ${dir}: ${p} is a file, not a folder`, NEW_FOLDER_HINT, 2);
    if (st !== null || p === path.dirname(p)) break;
  }
  const st = statOrNull(dir);
  if (st === null) return;
  if (!st.isDirectory()) throw new UserError(`cannot write to ${dir}: it is a file, not a folder`, `${NEW_FOLDER_HINT}; kubesim never replaces a file (--force does not change this)`, 2);
  if (fs.readdirSync(dir).length === 0) return;
  const text = readOrNull(path.join(dir, marker));
  const json = text === null ? null : parseJsonOrNull(text);
  if (isRecord(json) && KINDS[kind].recognise(json)) {
    if (options.sameMarker !== undefined && text !== options.sameMarker) {
      throw new UserError(
        `cannot write to ${dir}: it holds another ${label.replace(" folder", "")} (its ${marker} differs from this one's)`,
        `${NEW_FOLDER_HINT}; kubesim never mixes two experiments' results in one folder (--force does not change this)`,
        2,
      );
    }
    return;
  }
  if (options.force) return;
  throw new UserError(
    `cannot write to ${dir}: it exists and is not a kubesim ${label} (no ${marker} written by kubesim)`,
    `name a new folder, or add --force to write into it anyway: kubesim then replaces only the files it writes and deletes nothing`,
    2,
  );
}

export interface WriteOptions {
  /** Written last; when replacing files in an existing folder, removed first (the folder is incomplete until it is back). */
  marker?: string;
  /** Also write DIGEST_FILE (each file's sha256), last: `verifyDigest` checks the folder against it. */
  digest?: boolean;
}

/** The digest of a folder's files, in `sha256sum` format (`sha256sum -c files.sha256` checks it too). */
export const DIGEST_FILE = "files.sha256";

/**
 * Writes `files` (relative paths) into `dir`. A new folder appears whole, by renaming a complete
 * staging folder into place. Into an existing folder, each file is moved in by rename (the
 * marker first removed, then moved in last); files at other paths are left alone. So a kill
 * during that replacement leaves a folder without its marker, which the next write into it
 * accepts only with --force: it is no longer a complete kubesim folder.
 */
export function writeFilesAtomically(dir: string, files: Record<string, FileContent>, options: WriteOptions = {}): void {
  const target = path.resolve(dir);
  const parent = path.dirname(target);
  mkdirOrRefuse(parent, dir, { recursive: true });
  const prefix = stagingPrefix(target);
  removeStale(parent, prefix);
  const staging = path.join(parent, stagingName(prefix));
  // mkdir, not mkdtemp: mkdtemp makes 0700 folders; this one becomes the user's folder.
  mkdirOrRefuse(staging, dir, {});
  try {
    const digest: string[] = [];
    for (const [name, content] of Object.entries(files)) {
      const file = path.join(staging, name);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      const hash = options.digest ? createHash("sha256") : null;
      if (typeof content === "string" || content instanceof Uint8Array) {
        fs.writeFileSync(file, content);
        hash?.update(content);
      } else {
        // Large CSVs arrive in chunks, so no single string holds the whole file.
        const fd = fs.openSync(file, "w");
        try {
          for (const chunk of content) {
            fs.writeSync(fd, chunk);
            hash?.update(chunk);
          }
        } finally {
          fs.closeSync(fd);
        }
      }
      if (hash !== null) digest.push(`${hash.digest("hex")}  ${name.split(path.sep).join("/")}\n`);
    }
    if (options.digest) fs.writeFileSync(path.join(staging, DIGEST_FILE), digest.sort(byPath).join(""));
    if (!renameUnlessOccupied(staging, target)) moveInto(staging, target, options.digest ? DIGEST_FILE : options.marker);
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}

/** Writes one file by rename, so a reader (or a concurrent shard) sees the old or the new whole file. */
export function writeFileAtomically(file: string, content: string | Uint8Array): void {
  const target = path.resolve(file);
  mkdirOrRefuse(path.dirname(target), file, { recursive: true });
  const prefix = stagingPrefix(target);
  removeStale(path.dirname(target), prefix);
  const tmp = path.join(path.dirname(target), stagingName(prefix));
  try {
    orRefuse(file, tmp, () => fs.writeFileSync(tmp, content));
    fs.renameSync(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * mkdir, with a folder the user may not write (permissions, a read-only file system) reported
 * as their mistake (exit 2, naming what they asked for), not as a kubesim bug.
 */
function mkdirOrRefuse(dir: string, asked: string, options: fs.MakeDirectoryOptions): void {
  orRefuse(asked, dir, () => fs.mkdirSync(dir, options));
}

function orRefuse(asked: string, creating: string, create: () => void): void {
  try {
    create();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EROFS" ? "read-only file system" : null;
    if (why === null) throw e;
    throw new UserError(`cannot write to ${asked}: ${why} (creating ${creating})`, "name a folder you can write, e.g. --out results/my-run", 2);
  }
}

/** Removes what killed writers left of `target`'s staging (for a folder kubesim updates in place). */
export function removeStaleStaging(target: string): void {
  const resolved = path.resolve(target);
  removeStale(path.dirname(resolved), stagingPrefix(resolved));
}

const stagingPrefix = (target: string) => `.${path.basename(target)}.partial-`;

/** `<prefix><host>-<pid>-<random>`: unique, and tells `removeStale` whether its writer still runs. */
export function stagingName(prefix: string): string {
  return `${prefix}${HOST}-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * Removes entries of `parent` named `<prefix>…` whose writer is gone: this host and a pid that no
 * longer runs, or an older name without host and pid. Entries of other hosts (shards sharing a
 * folder over a network file system) are left to their own next run.
 */
export function removeStale(parent: string, prefix: string): void {
  let names: string[];
  try {
    names = fs.readdirSync(parent);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const m = /^([A-Za-z0-9_]+)-(\d+)-[0-9a-f]{8}$/.exec(name.slice(prefix.length));
    if (m !== null && (m[1] !== HOST || isRunning(Number(m[2])))) continue;
    try {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
    } catch {
      // Another user's leftover in a shared temporary folder: not ours to remove.
    }
  }
}

/** What is wrong with a folder written with `digest: true`, or null when every file matches. */
export function verifyDigest(dir: string, required: readonly string[]): { file: string; problem: string } | null {
  if (statOrNull(dir)?.isDirectory() !== true) return { file: "", problem: "missing" };
  const text = readOrNull(path.join(dir, DIGEST_FILE));
  if (text === null) return { file: DIGEST_FILE, problem: "missing (the folder was not completely written by kubesim)" };
  const listed = new Map<string, string>();
  const lines = text.split("\n");
  if (lines.pop() !== "") return { file: DIGEST_FILE, problem: "truncated" };
  for (const [i, line] of lines.entries()) {
    const m = /^([0-9a-f]{64}) {2}(.+)$/.exec(line);
    if (m === null || m[2].split("/").includes("..") || path.isAbsolute(m[2])) return { file: DIGEST_FILE, problem: `line ${i + 1} is not "<sha256>  <file>"` };
    listed.set(m[2], m[1]);
  }
  for (const name of required) if (!listed.has(name)) return { file: DIGEST_FILE, problem: `does not list ${name}` };
  for (const [name, expected] of listed) {
    let actual: string;
    try {
      actual = createHash("sha256").update(fs.readFileSync(path.join(dir, name))).digest("hex");
    } catch {
      return { file: name, problem: "missing" };
    }
    if (actual !== expected) return { file: name, problem: `differs from its sha256 in ${DIGEST_FILE} (damaged, truncated or edited)` };
  }
  return null;
}

const HOST = os.hostname().replace(/[^A-Za-z0-9]/g, "_") || "host";

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Renames `from` to `to` if `to` is absent or an empty folder; false if `to` holds something. */
function renameUnlessOccupied(from: string, to: string): boolean {
  try {
    fs.renameSync(from, to);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOTEMPTY" || code === "EEXIST") return false;
    throw e;
  }
}

/** Moves every file of `staging` to the same path under `target`; `last` is removed first and moved last. */
function moveInto(staging: string, target: string, last: string | undefined): void {
  const names = (fs.readdirSync(staging, { recursive: true }) as string[]).filter((n) => fs.statSync(path.join(staging, n)).isFile()).sort();
  if (last !== undefined) fs.rmSync(path.join(target, last), { force: true });
  const ordered = last !== undefined && names.includes(last) ? [...names.filter((n) => n !== last), last] : names;
  for (const name of ordered) {
    const to = path.join(target, name);
    try {
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(path.join(staging, name), to);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EISDIR" || code === "ENOTDIR" || code === "ENOTEMPTY" || code === "EEXIST") {
        throw new UserError(`cannot write ${to}: something else of that name is in the way`, "move it away, or name a new folder with --out", 2);
      }
      throw e;
    }
  }
}

const byPath = (a: string, b: string) => {
  const ka = a.slice(66);
  const kb = b.slice(66);
  return ka < kb ? -1 : ka > kb ? 1 : 0;
};

function realpathOrResolve(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

function readOrNull(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function isRecord(x: unknown): x is Record<string, unknown> {
  return typeof x === "object" && x !== null && !Array.isArray(x);
}
