/**
 * `npm run bench -- fleet-5k-ca`: fleet-5k (fleet.ts) paired with the same fleet whose pool is a
 * Cluster Autoscaler node group (min 50, max 400, 200 at start, every CA flag at its default).
 *
 * The two halves run in lockstep: each in its own process (neither inherits the other's heap or
 * compiled code), and the parent lets them take turns, one chunk of simulated time each
 * (`FLEET_CA_CHUNK_MIN` simulated minutes, default 15; the first chunk is building the fleet and
 * its setup), alternating which half goes first. Each half times only its own chunks. On a shared
 * machine the speed drifts by a third within minutes as the neighbours come and go; taking turns
 * every fraction of a second puts both halves under the same drift, where runs one after the other
 * (how this bench measured until 2026-12-06) saw single pairs spread from 0.78 to 1.74.
 *
 * Prints each half's lines and ends with
 * `fleet-5k-ca ratio=<wall with CA / without> cpu_ratio=<CPU time with / without> chunks=<n>`
 * (target: at most 1.3). FLEET_HOURS=2 runs 2-hour slices.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { HOUR_MS, newFleet, reportFleet, runSetup, type Fleet } from "./fleet.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const chunk_ms = Number(process.env.FLEET_CA_CHUNK_MIN ?? 15) * 60_000;
const half = process.env.FLEET_CA_HALF;

type Half = "plain" | "ca";

/**
 * A half, in this (child) process: obeys one command per stdin line and answers each with
 * `done <wall_ns> <cpu_us>`, the time the command took: `setup` builds the fleet and runs its
 * setup, `run <ms>` runs it up to that simulated time, `report` prints its lines.
 */
function serveHalf(which: Half): void {
  let fleet: Fleet | null = null;
  let setup_ms = 0;
  let setup_s = 0;
  let wall_ns = 0n;
  const lines = createInterface({ input: process.stdin });
  lines.on("line", (command) => {
    const [verb, arg] = command.split(" ");
    if (verb === "report") {
      reportFleet(which === "ca" ? "fleet-5k-ca" : "fleet-5k", fleet!, { setup_s, setup_ms, wall_s: Number(wall_ns) / 1e9 });
      console.log("done 0 0");
      lines.close();
      return;
    }
    const cpu = process.cpuUsage();
    const started = process.hrtime.bigint();
    if (verb === "setup") {
      fleet = newFleet({ deployments: 100, loadScale: 1, ...(which === "ca" && { autoscaling: { min: 50, max: 400 } }) }, hours);
      setup_ms = runSetup(fleet);
    } else fleet!.sim.run(Number(arg));
    const took_ns = process.hrtime.bigint() - started;
    const used = process.cpuUsage(cpu);
    wall_ns += took_ns;
    if (verb === "setup") setup_s = Number(took_ns) / 1e9;
    console.log(`done ${took_ns} ${used.user + used.system}`);
  });
}

/** The parent: starts both halves and lets them take turns, chunk by chunk. */
async function lockstep(): Promise<void> {
  if (!(chunk_ms > 0)) throw new RangeError(`FLEET_CA_CHUNK_MIN must be a number > 0, got ${process.env.FLEET_CA_CHUNK_MIN}`);
  const halves = { plain: new HalfProcess("plain"), ca: new HalfProcess("ca") };
  const commands = ["setup"];
  const end_ms = Math.round(hours * HOUR_MS);
  for (let t = chunk_ms; t < end_ms + chunk_ms; t += chunk_ms) commands.push(`run ${Math.min(t, end_ms)}`);
  for (let i = 0; i < commands.length; i++) {
    const order: Half[] = i % 2 === 0 ? ["plain", "ca"] : ["ca", "plain"];
    for (const h of order) await halves[h].command(commands[i]);
  }
  for (const h of ["plain", "ca"] as const) {
    await halves[h].command("report");
    halves[h].close();
  }
  const { plain, ca } = halves;
  console.log(`wall ${(plain.wall_ns / 1e9).toFixed(2)} s without CA, ${(ca.wall_ns / 1e9).toFixed(2)} s with; CPU ${(plain.cpu_us / 1e6).toFixed(2)} s, ${(ca.cpu_us / 1e6).toFixed(2)} s`);
  console.log(`fleet-5k-ca ratio=${(ca.wall_ns / plain.wall_ns).toFixed(2)} cpu_ratio=${(ca.cpu_us / plain.cpu_us).toFixed(2)} chunks=${commands.length} (${hours} simulated h, lockstep)`);
}

/** One half's child process, driven a command at a time; sums the times it reports. */
class HalfProcess {
  wall_ns = 0;
  cpu_us = 0;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: ((line: string) => void)[] = [];

  constructor(readonly which: Half) {
    this.child = spawn(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, FLEET_CA_HALF: which } });
    this.child.stderr.pipe(process.stderr);
    createInterface({ input: this.child.stdout }).on("line", (line) => {
      if (!line.startsWith("done ")) console.log(line);
      else this.pending.shift()?.(line);
    });
    this.child.on("exit", (code) => {
      if (code !== 0) {
        console.error(`the ${which} half exited ${code}`);
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
  }

  close(): void {
    this.child.stdin.end();
  }
}

if (half === "plain" || half === "ca") serveHalf(half);
else await lockstep();
