#!/usr/bin/env node
// Runs the tap suite (raw TAP on stdout) and ends with the plain line `N passed, N failed`
// that CI counts, keeping tap's exit code. Extra arguments go to tap (e.g. a test file).
import { spawn } from "node:child_process";
import { createRequire } from "node:module";
import fs from "node:fs";
import path from "node:path";

const require = createRequire(import.meta.url);
const tapBin = path.join(path.dirname(require.resolve("tap/package.json")), "dist/esm/run.mjs");
// tap takes files, not folders: expand a folder argument to the *.test.ts files under it.
const expand = (arg) =>
  fs.existsSync(arg) && fs.statSync(arg).isDirectory()
    ? fs.readdirSync(arg, { recursive: true }).filter((f) => f.endsWith(".test.ts")).sort().map((f) => path.join(arg, f))
    : [arg];
const args = process.argv.slice(2).flatMap(expand);
const child = spawn(process.execPath, [tapBin, "--reporter=tap", ...args], {
  stdio: ["inherit", "pipe", "inherit"],
});

let tail = "";
child.stdout.on("data", (chunk) => {
  process.stdout.write(chunk);
  tail = (tail + chunk.toString()).slice(-4096);
});
child.on("close", (code) => {
  // tap's closing summary: `# { total: 12, pass: 11, fail: 1, skip: 0 }`
  const summary = tail.match(/# \{([^}]*)\}\s*(?:# time=[^\n]*\s*)?$/);
  const count = (key) => Number(summary?.[1].match(new RegExp(`${key}: (\\d+)`))?.[1] ?? 0);
  const failed = summary ? count("fail") : Math.max(1, count("fail"));
  const skipped = count("skip") + count("todo");
  const line = `${count("pass")} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : "");
  process.stdout.write(`\n${line}\n`);
  process.exit(code ?? 1);
});
