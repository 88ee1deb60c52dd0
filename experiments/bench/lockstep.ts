/**
 * Runs fleets side by side in lockstep, for benchmarks that compare runs (fleet-5k-ca: with the
 * Cluster Autoscaler and without; fleet-ab: two builds; fleet-cache: one amount of work at three
 * cluster sizes). Each runs in its own process (lockstep-half.ts), so none inherits another's
 * heap or compiled code, and they take turns: first each builds its fleet and runs its setup,
 * then each runs the next 1/`turns` of its simulated horizon, the order rotating from turn to
 * turn. Each times only its own turns (wall and CPU time).
 *
 * Why: on a shared machine the speed drifts by a third within minutes as the neighbours come and
 * go. Runs one after the other see different machines; turns of a fraction of a second put all
 * of them under the same drift.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

export interface LockstepRun {
  /** Printed before each of the run's lines. */
  label: string;
  /**
   * Environment of its process (see lockstep-half.ts: FLEET_HOURS, FLEET_DEPLOYMENTS, FLEET_CA,
   * FLEET_DIST, FLEET_NAME).
   */
  env: Record<string, string>;
}

export interface LockstepTimes {
  /** Wall and CPU time of the whole run: construction, setup and the rest. */
  wall_s: number;
  cpu_s: number;
  /** Wall time of the construction and setup alone. */
  setupWall_s: number;
}

/** Runs `runs` in `turns` turns after their setup; returns each one's times. */
export async function lockstep(runs: readonly LockstepRun[], turns: number): Promise<LockstepTimes[]> {
  if (!(Number.isInteger(turns) && turns >= 1)) throw new RangeError(`turns must be a whole number >= 1, got ${turns}`);
  const processes = runs.map((r) => new RunProcess(r));
  const commands = ["setup"];
  for (let t = 1; t <= turns; t++) commands.push(`run ${t / turns}`);
  for (let i = 0; i < commands.length; i++) {
    for (let k = 0; k < processes.length; k++) await processes[(i + k) % processes.length].command(commands[i]);
  }
  for (const p of processes) {
    await p.command("report");
    p.close();
  }
  return processes.map((p) => ({ wall_s: p.wall_ns / 1e9, cpu_s: p.cpu_us / 1e6, setupWall_s: p.setupWall_ns / 1e9 }));
}

/** One run's child process, driven a command at a time; sums the times it reports. */
class RunProcess {
  wall_ns = 0;
  cpu_us = 0;
  setupWall_ns = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string) => void)[] = [];

  constructor(run: LockstepRun) {
    const script = fileURLToPath(new URL("./lockstep-half.js", import.meta.url));
    this.child = spawn(process.execPath, [script], { env: { ...process.env, ...run.env } });
    this.child.stderr.pipe(process.stderr);
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      if (!line.startsWith("done ")) console.log(`${run.label}: ${line}`);
      else this.pending.shift()?.(line);
    });
    this.child.on("exit", (code) => {
      if (code !== 0) {
        console.error(`${run.label} exited ${code}`);
        process.exit(1);
      }
    });
  }

  /** Sends a command and waits for its `done`. */
  async command(command: string): Promise<void> {
    const done = new Promise<string>((resolve) => this.pending.push(resolve));
    this.child.stdin.write(`${command}\n`);
    const [, wall_ns, cpu_us] = (await done).split(" ");
    this.wall_ns += Number(wall_ns);
    this.cpu_us += Number(cpu_us);
    if (command === "setup") this.setupWall_ns = Number(wall_ns);
  }

  close(): void {
    this.child.stdin.end();
  }
}
