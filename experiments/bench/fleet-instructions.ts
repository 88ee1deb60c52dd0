/**
 * `npm run bench -- fleet-instructions [<another build's dist/>]`: what fleet-5k executes per
 * simulated hour, counted by valgrind's cachegrind instead of timed: machine instructions, data
 * reads and writes, first-level data cache misses (the host's L1) and the data reads that miss
 * a simulated second level of the build machine's size (2 MiB, 16-way: each then waits for the
 * shared L3 or memory), with the instructions split by what ran them (`categoryOf`). Counts do not move with the machine's load: between two builds the compiled
 * JavaScript's instructions show a change of 1 % (fleet-ab's wall-time ratios cannot see below
 * about 4 %), while garbage collection and compiling move between windows of simulated time
 * with each build's allocations and are reported apart.
 *
 * Each build runs fleet-5k twice under cachegrind, to FLEET_INSTR_FROM_H and FLEET_INSTR_TO_H
 * simulated hours (default 1 and 2, both past setup and most of V8's compiling); the difference
 * is one steady simulated hour. V8 runs with --single-threaded, so its compiling and garbage
 * collection are counted on the one thread, the same way in every run. With SIMPY3_SRC (or an
 * installed SimPy 3), the SimPy yardstick is counted the same way, so the two can be compared as
 * work (instructions) and as memory traffic (second-level read misses) rather than as noisy wall
 * times.
 *
 * Why the second level and reads: simulated as a 32 MiB last level (the L3), fleet-5k's misses
 * were 80 % writes, the young generation's fresh allocations, and those cost next to nothing (a
 * 1 MiB young generation that stays in the cache cut them by 55 % and ran 11 % slower, for its
 * extra scavenges), while the reads that miss the 2 MiB L2 and wait for the L3 are fifteen
 * times SimPy's (docs/PERFORMANCE.md, "Counted instead of timed").
 * About 20 minutes on this machine (cachegrind runs ~50× slower; two runs at a time).
 *
 * Installs valgrind with apt-get when it is missing and this process may.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import path from "node:path";
import { countingWindow, ensureValgrind, fail as failIn, runAll, runValgrind } from "./valgrind.js";
import { findYardstick, YARDSTICK_SCRIPT } from "./yardstick.js";

interface Counts {
  instructions: number;
  dataRefs: number;
  d1Misses: number;
  /** Data reads that miss the simulated 2 MiB second level. */
  l2ReadMisses: number;
  /** Instructions by what ran them (see `categoryOf`). */
  byCategory: Map<string, number>;
}

/**
 * What ran an instruction, from the function cachegrind names: V8's compiled JavaScript (which
 * has no symbol: "???") and its builtins are the simulation's own work; V8's compilers and its
 * garbage collector are counted apart, because between two builds they shift work from one
 * window of simulated time to another (a major collection or a recompile falling inside it or not).
 */
const CATEGORIES = ["javascript", "gc", "compiler", "other"] as const;
function categoryOf(fn: string): (typeof CATEGORIES)[number] {
  if (fn === "???" || fn.startsWith("Builtins_")) return "javascript";
  if (/compiler::|maglev|Maglev|baseline::|Compile|Turbofan|TurboFan|interpreter::BytecodeGenerator|Parser|parsing::/.test(fn)) return "compiler";
  if (/Scaveng|MarkCompact|Marking|Mark[A-Z]|Sweep|Evacuat|RememberedSet|SlotSet|Heap::|GCTracer|IncrementalMarking|ConcurrentMarking|MinorMC|Compactor|PagedSpace|NewSpace|SemiSpace/.test(fn)) return "gc";
  return "other";
}

interface Job {
  label: string;
  hours: number;
  args: string[];
  env: NodeJS.ProcessEnv;
}

const fail = (message: string): never => failIn("fleet-instructions", message);
const { fromHours, toHours } = countingWindow("fleet-instructions");
const other = process.argv[2];
if (other !== undefined && !existsSync(path.join(other, "experiments/bench/fleet-5k.js"))) {
  fail(`${other} is not a build's dist/ directory (no experiments/bench/fleet-5k.js in it)`);
}
ensureValgrind("fleet-instructions");

const outDir = mkdtempSync(path.join(tmpdir(), "fleet-instructions-"));
// Removed on any exit: fail() ends the process with process.exit(2), past a removal at the end.
process.on("exit", () => rmSync(outDir, { recursive: true, force: true }));
const CACHEGRIND = ["--tool=cachegrind", "--cache-sim=yes", "--LL=2097152,16,64", "--smc-check=all-non-file"];
const builds: [label: string, dist: string][] = [["this", "dist"]];
if (other !== undefined) builds.push(["other", other]);
const jobs: Job[] = [];
for (const [label, dist] of builds) {
  for (const hours of [fromHours, toHours]) {
    jobs.push({
      label, hours,
      args: [...CACHEGRIND, process.execPath, "--single-threaded", "--expose-gc", path.join(dist, "experiments/bench/fleet-5k.js")],
      env: { ...process.env, FLEET_YARDSTICK: "0", FLEET_HASH: "0", FLEET_HOURS: String(hours), FLEET_GC_AT_H: String(fromHours) },
    });
  }
}
const yardstick = findYardstick();
if (yardstick.ok) {
  for (const hours of [fromHours, toHours]) {
    jobs.push({
      label: "simpy", hours,
      args: [...CACHEGRIND, yardstick.python, YARDSTICK_SCRIPT, String(hours), "--quiet"],
      env: yardstick.env,
    });
  }
}

const counts = await runAll(jobs, Math.max(1, availableParallelism()), runOne);
const perHour = new Map<string, Counts>();
for (const label of new Set(jobs.map((j) => j.label))) {
  const at = (hours: number) => counts[jobs.findIndex((j) => j.label === label && j.hours === hours)];
  const a = at(fromHours);
  const b = at(toHours);
  const span = toHours - fromHours;
  const c: Counts = {
    instructions: (b.instructions - a.instructions) / span,
    dataRefs: (b.dataRefs - a.dataRefs) / span,
    d1Misses: (b.d1Misses - a.d1Misses) / span,
    l2ReadMisses: (b.l2ReadMisses - a.l2ReadMisses) / span,
    byCategory: new Map(CATEGORIES.map((k) => [k, ((b.byCategory.get(k) ?? 0) - (a.byCategory.get(k) ?? 0)) / span])),
  };
  perHour.set(label, c);
  const split = CATEGORIES.map((k) => `${k}=${giga(c.byCategory.get(k)!)}`).join(" ");
  console.log(
    `fleet-instructions ${label} instructions_per_h=${giga(c.instructions)} data_refs_per_h=${giga(c.dataRefs)} ` +
      `d1_misses_per_h=${mega(c.d1Misses)} l2_read_misses_per_h=${mega(c.l2ReadMisses)} (simulated hours ${fromHours} to ${toHours}; instructions by what ran them: ${split})`,
  );
}
if (!yardstick.ok) console.log(`fleet-instructions simpy skipped: ${yardstick.why} (set SIMPY3_SRC=<SimPy 3 source tree>/src)`);
const ratio = (a: string, b: string) => {
  const x = perHour.get(a)!;
  const y = perHour.get(b)!;
  const r = (p: number, q: number) => (q === 0 ? "inf" : (p / q).toFixed(3));
  const js = (c: Counts) => c.byCategory.get("javascript")!;
  // Between two builds of kubesim the compiled JavaScript is the comparable part; SimPy's work
  // runs in the Python interpreter ("other"), so against it only the totals compare.
  const jsRatio = b === "simpy" ? "" : ` javascript_instructions=${r(js(x), js(y))}`;
  console.log(
    `fleet-instructions ratio ${a}/${b} instructions=${r(x.instructions, y.instructions)}${jsRatio} ` +
      `d1_misses=${r(x.d1Misses, y.d1Misses)} l2_read_misses=${r(x.l2ReadMisses, y.l2ReadMisses)}`,
  );
};
if (perHour.has("other")) ratio("this", "other");
if (perHour.has("simpy")) ratio("this", "simpy");

async function runOne(job: Job): Promise<Counts> {
  const outFile = path.join(outDir, `${job.label}-${job.hours}.out`);
  const { code, stderr } = await runValgrind([`--cachegrind-out-file=${outFile}`, ...job.args], job.env);
  const read = (name: RegExp) => Number(name.exec(stderr)?.[1]?.replace(/,/g, "") ?? NaN);
  const c: Counts = {
    instructions: read(/I\s+refs:\s+([\d,]+)/),
    dataRefs: read(/D\s+refs:\s+([\d,]+)/),
    d1Misses: read(/D1\s+misses:\s+([\d,]+)/),
    l2ReadMisses: read(/LLd misses:\s+[\d,]+\s+\(\s*([\d,]+) rd/),
    byCategory: code === 0 ? instructionsByCategory(outFile) : new Map(),
  };
  if (code !== 0 || !Number.isFinite(c.instructions)) {
    fail(`${job.label} at ${job.hours} h exited ${code} under cachegrind: ${stderr.trim().split("\n").slice(-3).join(" | ")}`);
  }
  return c;
}

/** Sums a cachegrind output file's instructions (its first event, Ir) by `categoryOf` its function. */
function instructionsByCategory(file: string): Map<string, number> {
  const sums = new Map<string, number>(CATEGORIES.map((k) => [k, 0]));
  let category: string = "other";
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (line.startsWith("fn=")) category = categoryOf(line.slice(3));
    else if (line.length > 0 && line.charCodeAt(0) >= 48 && line.charCodeAt(0) <= 57) {
      // "<line> <Ir> <I1mr> ...": the instructions are the second field.
      const fields = line.split(" ");
      sums.set(category, sums.get(category)! + Number(fields[1] ?? 0));
    }
  }
  return sums;
}

function giga(x: number): string {
  return `${(x / 1e9).toFixed(2)}G`;
}

function mega(x: number): string {
  return `${(x / 1e6).toFixed(1)}M`;
}
