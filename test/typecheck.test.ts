/**
 * The tests type-check with the sources (tsconfig.test.json): tap runs them through tsx, which
 * strips types without checking them, so a test could otherwise drift from the API it tests.
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";

t.setTimeout(300_000);

t.test("every source and test file type-checks", async (t) => {
  const tsc = path.join(path.dirname(createRequire(import.meta.url).resolve("typescript/package.json")), "bin", "tsc");
  const r = spawnSync(process.execPath, [tsc, "--noEmit", "-p", "tsconfig.test.json"], { encoding: "utf8" });
  t.equal(r.status, 0, r.stdout + r.stderr);
});
