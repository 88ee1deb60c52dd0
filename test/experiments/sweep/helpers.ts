// Helpers the sweep tests share: a folder's files (to compare folders byte for byte), and the
// UserError a promise rejects with.
import fs from "node:fs";
import path from "node:path";
import { UserError } from "../../../experiments/errors.js";

/** Relative path -> bytes (as latin1 text) of every file under `dir`, in path order. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) out.set(name, fs.readFileSync(full, "latin1"));
  }
  return out;
}

/** The UserError `p` rejects with, or null when it resolves; any other error is rethrown. */
export async function failure(p: Promise<unknown>): Promise<UserError | null> {
  try {
    await p;
    return null;
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
}
