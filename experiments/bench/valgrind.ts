/**
 * What the counting benchmarks (fleet-instructions, fleet-functions) share: valgrind, installed
 * with apt-get when missing, and running its jobs a few at a time.
 */
import { spawnSync } from "node:child_process";

/** Exits with a message when valgrind is missing and cannot be installed. */
export function ensureValgrind(bench: string): void {
  if (spawnSync("valgrind", ["--version"]).status === 0) return;
  console.log(`${bench}: valgrind not found, installing it (apt-get install valgrind)`);
  spawnSync("apt-get", ["update", "-qq"], { stdio: "ignore" });
  const install = spawnSync("apt-get", ["install", "-y", "-qq", "valgrind"], { stdio: "ignore" });
  if (install.status !== 0 || spawnSync("valgrind", ["--version"]).status !== 0) {
    process.stderr.write(`${bench}: valgrind is needed and could not be installed (apt-get install valgrind)\n`);
    process.exit(2);
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
