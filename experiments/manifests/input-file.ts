/**
 * Reading the files a scenario names (the scenario itself, its bases, manifests and traces): one
 * function, so every input gets the same rules.
 * - Regular files only: a directory, /dev/zero, a named pipe or a socket is refused by its type,
 *   checked before reading (and the file is opened non-blocking, so a pipe swapped in between
 *   the check and the open cannot block).
 * - A size limit, DEFAULT_MAX_INPUT_BYTES unless the environment variable KUBESIM_MAX_INPUT_SIZE
 *   (a size such as 64Mi) says otherwise; one variable reaches the CLI, sweep workers and the
 *   library alike.
 * - Text only: a NUL byte means a binary file, refused rather than echoed.
 * - Paths are relative to the folder of the file that names them; absolute paths stay absolute.
 */
import fs from "node:fs";
import path from "node:path";
import { parseMemory_bytes, QuantityError } from "../../models/cluster/quantity.js";

export const DEFAULT_MAX_INPUT_BYTES = 16 * 2 ** 20;
export const MAX_INPUT_SIZE_ENV = "KUBESIM_MAX_INPUT_SIZE";

const READ_CHUNK_BYTES = 1 << 20;

const formatBytes = (n: number): string => (n % 2 ** 20 === 0 ? `${n / 2 ** 20} MiB` : `${n} bytes`);

/** The size limit in bytes, or a problem with the environment variable. */
export function maxInputBytes(env: NodeJS.ProcessEnv = process.env): number | { reason: string } {
  const text = env[MAX_INPUT_SIZE_ENV];
  if (text === undefined || text === "") return DEFAULT_MAX_INPUT_BYTES;
  try {
    const bytes = parseMemory_bytes(text);
    if (Number.isSafeInteger(bytes) && bytes > 0) return bytes;
  } catch (e) {
    if (!(e instanceof QuantityError)) throw e;
  }
  return { reason: `${MAX_INPUT_SIZE_ENV}=${JSON.stringify(text)} is not a size such as 64Mi` };
}

const REASONS: Record<string, string> = {
  ENOENT: "no such file",
  ENOTDIR: "no such file (a part of the path is not a folder)",
  EACCES: "permission denied",
  EPERM: "permission denied",
  ELOOP: "too many symbolic links",
  ENAMETOOLONG: "file name too long",
};

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return "a folder";
  if (stat.isFIFO()) return "a named pipe";
  if (stat.isSocket()) return "a socket";
  if (stat.isCharacterDevice()) return "a character device";
  if (stat.isBlockDevice()) return "a block device";
  return "not a regular file";
}

/** The text of `file`, or why it cannot be read (a short reason, never the file's content). */
export function readInputFile(file: string): { text: string } | { reason: string } {
  const limit = maxInputBytes();
  if (typeof limit !== "number") return limit;
  let fd: number | undefined;
  try {
    const before = fs.statSync(file);
    if (!before.isFile()) return { reason: `not a regular file (it is ${kindOf(before)})` };
    if (before.size > limit) return tooLarge(limit, before.size);
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { reason: `not a regular file (it is ${kindOf(stat)})` };
    // Read in chunks up to limit + 1 bytes: a file that grew since the stat is still bounded.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.allocUnsafe(READ_CHUNK_BYTES);
      const n = fs.readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
      if (total > limit) return tooLarge(limit);
    }
    const bytes = Buffer.concat(chunks, total);
    if (bytes.includes(0)) return { reason: "not a text file (it holds NUL bytes)" };
    return { text: bytes.toString("utf8") };
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { reason: (code !== undefined && REASONS[code]) || (code ?? (e as Error).message) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function tooLarge(limit: number, size?: number): { reason: string } {
  const shown = size === undefined ? `more than ${formatBytes(limit)}` : `${size} bytes`;
  return { reason: `too large (${shown}; the limit is ${formatBytes(limit)}: set ${MAX_INPUT_SIZE_ENV}, e.g. to 64Mi, to raise it)` };
}

/** `ref` as named in `fromFile`: relative to that file's folder, or absolute as written. */
export function inputPath(fromFile: string, ref: string): string {
  return path.isAbsolute(ref) ? path.normalize(ref) : path.join(path.dirname(fromFile), ref);
}

/** How a path is shown in a "cannot read" message: with the absolute path when a relative `..` made it unclear. */
export function shownPath(ref: string, resolved: string): string {
  const text = JSON.stringify(resolved);
  const absolute = path.resolve(resolved);
  return ref.split(/[\\/]/).includes("..") && absolute !== resolved ? `${text} (${absolute})` : text;
}
