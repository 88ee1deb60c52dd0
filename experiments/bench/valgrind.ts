/**
 * What the counting benchmarks (fleet-instructions, fleet-functions) share: the window of
 * simulated hours they count, valgrind (installed with apt-get when missing), and running its
 * jobs a few at a time.
 */
import { spawn, spawnSync } from "node:child_process";

/** Prints `bench: message` and exits 2. */
export function fail(bench: string, message: string): never {
  process.stderr.write(`${bench}: ${message}\n`);
  process.exit(2);
}

/**
 * The steady window counted: from FLEET_INSTR_FROM_H to FLEET_INSTR_TO_H simulated hours
 * (default 1 and 2, past setup and most of V8's compiling). Each run goes to one end; the
 * difference is the window.
 */
export function countingWindow(bench: string): { fromHours: number; toHours: number } {
  const fromHours = Number(process.env.FLEET_INSTR_FROM_H ?? 1);
  const toHours = Number(process.env.FLEET_INSTR_TO_H ?? 2);
  if (!(toHours > fromHours && fromHours > 0)) fail(bench, `FLEET_INSTR_FROM_H (${fromHours}) must be > 0 and below FLEET_INSTR_TO_H (${toHours})`);
  return { fromHours, toHours };
}

/** Exits with a message when valgrind is missing and cannot be installed. */
export function ensureValgrind(bench: string): void {
  if (spawnSync("valgrind", ["--version"]).status === 0) return;
  console.log(`${bench}: valgrind not found, installing it (apt-get install valgrind)`);
  spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "valgrind"], { stdio: "ignore" });
  if (install.status !== 0 || spawnSync("valgrind", ["--version"]).status !== 0) {
    fail(bench, "valgrind is needed and could not be installed (apt-get install valgrind)");
  }
}

/** Runs `run` on each job, `parallel` at a time; returns the results in job order. */
export async function runAll<J, R>(jobs: readonly J[], parallel: number, run: (job: J) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const i = next++;
      out[i] = await run(jobs[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, jobs.length) }, worker));
  return out;
}

/** Runs valgrind with `args`; resolves with its exit code and what it wrote to stderr. */
export function runValgrind(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("valgrind", args, { env, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("close", (code) => resolve({ code, stderr }));
  });
}
