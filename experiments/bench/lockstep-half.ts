/**
 * One run of a lockstep benchmark (lockstep.ts), in its own process: obeys one command per stdin
 * line and answers each with `done <wall_ns> <cpu_us>`, the time it took. `setup` builds the
 * fleet and runs its setup, `run <fraction>` runs it up to that fraction of its simulated
 * horizon, `report` prints its lines (fleet.ts reportFleet, with the sum of the turns' wall times).
 *
 * Environment: FLEET_HOURS, the horizon (default 24); FLEET_DEPLOYMENTS (default 100: fleet-5k);
 * FLEET_CA=1 runs the pool as a Cluster Autoscaler node group (min 50, max 400); FLEET_NAME names
 * it in the lines; FLEET_DIST, another build's `dist/` directory, runs that build's fleet instead
 * of this one's.
 */
import { createInterface } from "node:readline";
import { pathToFileURL } from "node:url";
import type * as FleetModule from "./fleet.js";

const fleetModule = process.env.FLEET_DIST
  ? pathToFileURL(`${process.env.FLEET_DIST}/experiments/bench/fleet.js`).href
  : new URL("./fleet.js", import.meta.url).href;
const { newFleet, reportFleet, runSetup } = (await import(fleetModule)) as typeof FleetModule;
if (typeof newFleet !== "function") {
  process.stderr.write(`${fleetModule} has no newFleet: a build from before the lockstep benchmarks (2026-12-05)\n`);
  process.exit(2);
}
const hours = Number(process.env.FLEET_HOURS ?? 24);
const deployments = Number(process.env.FLEET_DEPLOYMENTS ?? 100);
const autoscaled = process.env.FLEET_CA === "1";

let fleet: FleetModule.Fleet | null = null;
let setup_ms = 0;
let setup_s = 0;
let wall_ns = 0n;
const lines = createInterface({ input: process.stdin });
lines.on("line", (command) => {
  const [verb, arg] = command.split(" ");
  if (verb === "report") {
    reportFleet(process.env.FLEET_NAME ?? "fleet-5k", fleet!, { setup_s, setup_ms, wall_s: Number(wall_ns) / 1e9 });
    console.log("done 0 0");
    lines.close();
    return;
  }
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  if (verb === "setup") {
    fleet = newFleet({ deployments, loadScale: 1, ...(autoscaled && { autoscaling: { min: 50, max: 400 } }) }, hours);
    setup_ms = runSetup(fleet);
  } else fleet!.sim.run(Math.round(Number(arg) * fleet!.config.duration_ms));
  const took_ns = process.hrtime.bigint() - started;
  const used = process.cpuUsage(cpu);
  wall_ns += took_ns;
  if (verb === "setup") setup_s = Number(took_ns) / 1e9;
  console.log(`done ${took_ns} ${used.user + used.system}`);
});
