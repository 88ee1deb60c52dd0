// The sweep tests' view of a folder: every file under it, to compare folders byte for byte.
import fs from "node:fs";
import path from "node:path";

/** Relative path -> bytes (as latin1 text) of every file under `dir`, in path order. */
export function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of (fs.readdirSync(dir, { recursive: true }) as string[]).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isFile()) out.set(name, fs.readFileSync(full, "latin1"));
  }
  return out;
}
