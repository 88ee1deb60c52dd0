/**
 * Runs fuzz cases (test/experiments/fuzz/mutate.ts) through the real command line, in-process
 * (experiments/program.ts runCli), and checks what a user must be able to rely on whatever the
 * input:
 *   - `validate` and `run` exit 0 or 2, never 70 (an internal error);
 *   - no stack trace and no raw control bytes on stderr, and at most MAX_STDERR_BYTES of it;
 *   - on exit 2 nothing is written: no output folder, no leftovers beside the inputs;
 *   - a non-finite number or a __proto__/constructor/prototype key anywhere is refused;
 *   - on exit 0 every CSV cell is a finite number, text, or empty (never NaN or Infinity).
 * One JSON line per case on stdout: {index, base, mutations, validate, run, ms, problems}.
 *
 *   node --import tsx test/experiments/fuzz/run-fuzz.ts --seed 20261204 --count 500
 *   node --import tsx test/experiments/fuzz/run-fuzz.ts --seed 20261204 --case 17 --keep /tmp/case17
 *   node --import tsx test/experiments/fuzz/run-fuzz.ts --seed 20261204 --from 200 --count 50
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parse as parseCsv } from "csv-parse/sync";
import { runCli } from "../../../experiments/program.js";
import { baseCases, makeCase, type FuzzCase } from "./mutate.js";

// A user who gets pages of errors stops reading; the CLI caps what it prints.
const MAX_STDERR_BYTES = 64 * 1024;
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|\(native\))$/m;
// Control bytes other than newline and tab would reach the user's terminal raw.
const CONTROL_BYTE = /[\u0000-\u0008\u000b-\u001f\u007f]/;
const NON_FINITE_CELL = /^[+-]?(NaN|Infinity|inf|nan)$/i;

interface Captured {
  code: number;
  stderr: string;
}

/** Runs one command line in-process with stdout and stderr captured. */
async function cli(args: string[]): Promise<Captured> {
  let stderr = "";
  const write = { out: process.stdout.write, err: process.stderr.write };
  process.stdout.write = (() => true) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
    return true;
  }) as typeof process.stderr.write;
  try {
    const code = await runCli(["node", "kubesim", ...args]);
    return { code, stderr };
  } catch (e) {
    // runCli never throws; if it does, that is a finding like any other.
    return { code: -1, stderr: stderr + String((e as Error)?.stack ?? e) };
  } finally {
    process.stdout.write = write.out;
    process.stderr.write = write.err;
  }
}

function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

function checkStderr(what: string, c: Captured, problems: string[]): void {
  if (c.code !== 0 && c.code !== 2) problems.push(`${what}: exit ${c.code}: ${c.stderr.slice(0, 500)}`);
  if (STACK_FRAME.test(c.stderr)) problems.push(`${what}: stack trace on stderr: ${c.stderr.slice(0, 500)}`);
  if (CONTROL_BYTE.test(c.stderr)) problems.push(`${what}: control bytes on stderr: ${JSON.stringify(c.stderr.slice(0, 300))}`);
  if (Buffer.byteLength(c.stderr) > MAX_STDERR_BYTES) problems.push(`${what}: ${Buffer.byteLength(c.stderr)} bytes on stderr`);
}

function checkCsvCells(out: string, problems: string[]): void {
  for (const name of listTree(out).filter((n) => n.endsWith(".csv"))) {
    const rows = parseCsv(fs.readFileSync(path.join(out, name), "utf8")) as string[][];
    for (let r = 0; r < rows.length; r++) {
      const bad = rows[r].findIndex((cell) => NON_FINITE_CELL.test(cell) || cell === "undefined" || cell === "null");
      if (bad >= 0) {
        problems.push(`${name}:${r + 1}: cell ${bad + 1} is ${JSON.stringify(rows[r][bad])} (${rows[0].join(",")})`);
        return;
      }
    }
  }
}

export interface CaseResult {
  index: number;
  base: string;
  mutations: string[];
  validate: number;
  run: number;
  ms: number;
  problems: string[];
}

export async function runCase(c: FuzzCase, dir: string): Promise<CaseResult> {
  const started = process.hrtime.bigint();
  fs.mkdirSync(dir, { recursive: true });
  for (const [name, text] of Object.entries(c.files)) fs.writeFileSync(path.join(dir, name), text);
  const before = listTree(dir);
  const entry = path.join(dir, c.entry);
  const out = path.join(dir, "out");
  const problems: string[] = [];

  const validate = await cli(["validate", entry]);
  checkStderr("validate", validate, problems);
  const run = await cli(["run", entry, "--out", out, "--quiet"]);
  checkStderr("run", run, problems);
  if (validate.code === 0 && run.code !== 0) problems.push(`validate said OK but run exited ${run.code}: ${run.stderr.slice(0, 300)}`);
  if (validate.code === 2 && run.code === 0) problems.push("validate refused but run ran");
  if (c.mustRefuse && validate.code === 0) problems.push("validate accepted a value no field may hold (NaN, Infinity, a __proto__/constructor/prototype key)");
  if (run.code === 0) checkCsvCells(out, problems);
  else {
    const after = listTree(dir);
    if (after.join("\n") !== before.join("\n")) problems.push(`exit ${run.code} wrote files: ${after.filter((n) => !before.includes(n)).slice(0, 5).join(", ")}`);
  }
  return { index: c.index, base: c.base, mutations: c.mutations, validate: validate.code, run: run.code, ms: Number(process.hrtime.bigint() - started) / 1e6, problems };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: "string", default: "20261204" }, count: { type: "string", default: "500" }, from: { type: "string", default: "0" }, case: { type: "string" }, keep: { type: "string" } },
  });
  const seed = Number(values.seed);
  const bases = baseCases();
  const indexes = values.case !== undefined ? [Number(values.case)] : Array.from({ length: Number(values.count) }, (_, i) => Number(values.from) + i);
  const root = values.keep ?? fs.mkdtempSync(path.join(os.tmpdir(), "kubesim-fuzz-"));
  try {
    for (const i of indexes) {
      const c = makeCase(seed, i, bases);
      const dir = path.join(root, `case-${i}`);
      const result = await runCase(c, dir);
      process.stdout.write(JSON.stringify(result) + "\n");
      if (values.keep === undefined) fs.rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    if (values.keep === undefined) fs.rmSync(root, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(new URL(import.meta.url).pathname)) await main();
