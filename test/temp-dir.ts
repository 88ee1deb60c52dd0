// Temporary folders for tests, removed when the test process exits.
//
// tap runs each test file in its own process, and a folder a test makes under the OS temp dir
// stays there unless something removes it: `npm test` used to leave hundreds per run
// (kubesim-scenario-XXXXXX and the like), filling the user's /tmp run after run. Removal waits
// for the process's exit, not the end of a test, so a test may read what a run wrote into its
// folder for as long as it likes.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const made: string[] = [];

/** A fresh, empty folder `<os.tmpdir()>/<prefix>XXXXXX`, removed with all it holds when the process exits. */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  if (made.length === 0) process.on("exit", removeAll); // once: `made` only grows
  made.push(dir);
  return dir;
}

// An exit listener must be synchronous (rmSync is) and must not throw: a folder that will not go
// (one a test made read-only, say) is left behind rather than turning a passing run into a failure.
function removeAll(): void {
  for (const dir of made) {
    try {
      fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // left behind, see above
    }
  }
}
