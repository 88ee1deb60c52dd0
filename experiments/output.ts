/**
 * Writes a run's files so an interrupted run never leaves a folder that looks complete: files go
 * into a temporary sibling folder which is renamed into place only when every file is written.
 * An existing folder at the destination is replaced only after the new one is complete.
 */
import fs from "node:fs";
import path from "node:path";

export type FileContent = string | Uint8Array | Iterable<string>;

export function writeFilesAtomically(dir: string, files: Record<string, FileContent>): void {
  const parent = path.dirname(path.resolve(dir));
  fs.mkdirSync(parent, { recursive: true });
  const staging = fs.mkdtempSync(path.join(parent, `.${path.basename(dir)}.partial-`));
  try {
    for (const [name, content] of Object.entries(files)) {
      const target = path.join(staging, name);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      if (typeof content === "string" || content instanceof Uint8Array) {
        fs.writeFileSync(target, content);
      } else {
        // Large CSVs arrive in chunks, so no single string holds the whole file.
        const fd = fs.openSync(target, "w");
        try {
          for (const chunk of content) fs.writeSync(fd, chunk);
        } finally {
          fs.closeSync(fd);
        }
      }
    }
    if (fs.existsSync(dir)) {
      const old = `${staging}.old`;
      fs.renameSync(dir, old);
      fs.renameSync(staging, dir);
      fs.rmSync(old, { recursive: true, force: true });
    } else {
      fs.renameSync(staging, dir);
    }
  } catch (err) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw err;
  }
}
