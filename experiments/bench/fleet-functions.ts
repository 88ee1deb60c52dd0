/**
 * `npm run bench -- fleet-functions`: where fleet-5k's instructions go, by function, per steady
 * simulated hour: fleet-instructions' count, split by what executes it. valgrind's callgrind
 * counts the instructions at each code address; V8 (`--perf-basic-prof`) writes where it put
 * each compiled JavaScript function and builtin (/tmp/perf-<pid>.map), which names the addresses
 * callgrind cannot. A CPU profile measures time, in which a function that waits for memory looks
 * as dear as one that computes; this measures the work alone, which is what the 2× target needs
 * cut (docs/PERFORMANCE.md, "Counted instead of timed").
 *
 * Runs fleet-5k to FLEET_INSTR_FROM_H and FLEET_INSTR_TO_H simulated hours (default 1 and 2) and
 * prints the difference per hour: the FLEET_FUNCTIONS_TOP (default 40) functions with the most
 * instructions of their own (a JavaScript function counted with the functions V8 inlined into
 * it, tiers merged), then the JavaScript functions that spend the most in the builtins and V8
 * runtime functions they call (property loads that missed their inline cache, Map lookups, write
 * barriers, allocation). About 25 minutes on this machine (callgrind runs ~100× slower).
 *
 * FLEET_FUNCTIONS_EVENT=DLmr counts, instead of instructions, the data reads that miss a 2 MiB
 * second-level cache (callgrind's cache simulation, configured as fleet-instructions' cachegrind
 * is): which functions make the random reads that are the other term of the time (about 35
 * minutes). Any event of callgrind's cache simulation can be named (D1mr, DLmw, …).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { CodeMap, splitByFunction, type Split } from "./callgrind.js";
import { countingWindow, ensureValgrind, fail as failIn, runAll, runValgrind } from "./valgrind.js";

const fail = (message: string): never => failIn("fleet-functions", message);
const { fromHours, toHours } = countingWindow("fleet-functions");
const top = Number(process.env.FLEET_FUNCTIONS_TOP ?? 40);
if (!(Number.isInteger(top) && top > 0)) fail(`FLEET_FUNCTIONS_TOP must be a whole number > 0, got ${process.env.FLEET_FUNCTIONS_TOP}`);
const event = process.env.FLEET_FUNCTIONS_EVENT ?? "Ir";
const CACHE_EVENTS = ["Ir", "Dr", "Dw", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw"];
if (!CACHE_EVENTS.includes(event)) fail(`FLEET_FUNCTIONS_EVENT must be one of ${CACHE_EVENTS.join(", ")}, got ${event}`);
ensureValgrind("fleet-functions");

const outDir = mkdtempSync(path.join(tmpdir(), "fleet-functions-"));
// Removed on any exit: fail() ends the process with process.exit(2), past a removal at the end.
process.on("exit", () => rmSync(outDir, { recursive: true, force: true }));
const [a, b] = await runAll([fromHours, toHours], Math.max(1, availableParallelism()), runOne);
const span = toHours - fromHours;
const perHour = (x: Map<string, number>, y: Map<string, number>) => {
  const d = new Map<string, number>();
  for (const [k, v] of y) d.set(k, (v - (x.get(k) ?? 0)) / span);
  return [...d].sort((p, q) => q[1] - p[1] || (p[0] < q[0] ? -1 : 1));
};
const total = (b.total - a.total) / span;
const what = event === "Ir" ? "instructions" : event;
console.log(`fleet-functions ${what}_per_h=${giga(total)} (simulated hours ${fromHours} to ${toHours}); by function, its own:`);
for (const [name, n] of perHour(a.self, b.self).slice(0, top)) console.log(`${share(n)} ${giga(n)} ${name}`);
console.log("JavaScript functions by what their calls to builtins and V8's runtime cost (inclusive):");
for (const [name, n] of perHour(a.calls, b.calls).slice(0, top)) console.log(`${share(n)} ${giga(n)} ${name}`);

function share(n: number): string {
  return `${((100 * n) / total).toFixed(1).padStart(5)}%`;
}

async function runOne(hours: number): Promise<Split> {
  const outFile = path.join(outDir, `${hours}.out`);
  const args = [
    "--tool=callgrind", "--dump-instr=yes", "--smc-check=all-non-file", `--callgrind-out-file=${outFile}`,
    ...(event === "Ir" ? [] : ["--cache-sim=yes", "--LL=2097152,16,64"]),
    // --perf-basic-prof also starts V8's log: kept out of the working directory.
    process.execPath, "--single-threaded", "--expose-gc", "--perf-basic-prof", "--no-logfile-per-isolate", `--logfile=${path.join(outDir, `${hours}.v8.log`)}`,
    "dist/experiments/bench/fleet-5k.js",
  ];
  const { code, stderr } = await runValgrind(args, { ...process.env, FLEET_YARDSTICK: "0", FLEET_HASH: "0", FLEET_HOURS: String(hours), FLEET_GC_AT_H: String(fromHours) });
  if (code !== 0 || !existsSync(outFile)) fail(`fleet-5k to ${hours} h exited ${code} under callgrind: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  const text = readFileSync(outFile, "utf8");
  const pid = /^pid: (\d+)$/m.exec(text)?.[1];
  const mapFile = `/tmp/perf-${pid}.map`;
  if (pid === undefined || !existsSync(mapFile)) fail(`no V8 perf map for the run to ${hours} h (${mapFile})`);
  const split = splitByFunction(text, new CodeMap(readFileSync(mapFile, "utf8")), event);
  rmSync(mapFile, { force: true });
  return split;
}

/** A count per hour: instructions in billions, a cache event (fewer) in millions. */
function giga(x: number): string {
  return event === "Ir" ? `${(x / 1e9).toFixed(3)}G` : `${(x / 1e6).toFixed(3)}M`;
}
