/**
 * `npm run bench -- fleet-5k`: 200 nodes of 16 cores, 100 Deployments with CPU HPAs, about 5,000
 * pods, diurnal load with spikes, cAdvisor 10 s, metrics-server 15 s, 24 simulated hours (the
 * cluster: fleet.ts). The fleet moves between about 3,000 and 7,000 pods over the day.
 *
 * Prints `fleet-5k wall_s=<x> rss_mib=<y> sim_speed=<simulated s per wall s>`, then runs the plain
 * SimPy 3 model of the same fleet (../shared/yardsticks/fleet_simpy.py, same horizon) in the same
 * call and ends with `fleet-5k-vs-simpy kubesim_wall_s=<x> simpy_wall_s=<y> speedup=<simpy/kubesim>`.
 * SimPy 3 is found through SIMPY3_SRC (a SimPy 3 source tree's `src/`, see the yardstick's
 * README) or an installed `simpy` 3.x/4.x; without it the line says so. FLEET_YARDSTICK=0 skips it.
 * FLEET_HOURS=2 runs a 2-hour slice; FLEET_HASH=1 adds a digest of the outputs.
 */
import { spawnSync } from "node:child_process";
import { runFleet } from "./fleet.js";
import { findYardstick, YARDSTICK_SCRIPT } from "./yardstick.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const wall_s = runFleet("fleet-5k", { deployments: 100, loadScale: 1 }, hours);
if (process.env.FLEET_YARDSTICK !== "0") runYardstick(hours, wall_s);

/** Runs the SimPy yardstick for `hours` and prints the paired line (or why it could not run). */
function runYardstick(hours: number, kubesimWall_s: number): void {
  const yardstick = findYardstick();
  if (!yardstick.ok) {
    console.log(`fleet-5k-vs-simpy skipped: ${yardstick.why} (set SIMPY3_SRC=<SimPy 3 source tree>/src; see ../shared/yardsticks/README.md)`);
    return;
  }
  const run = spawnSync(yardstick.python, [YARDSTICK_SCRIPT, String(hours), "--quiet"], { env: yardstick.env, encoding: "utf8" });
  const simpyWall_s = Number(/wall_s=([0-9.]+)/.exec(run.stdout ?? "")?.[1]);
  if (run.status !== 0 || !Number.isFinite(simpyWall_s)) {
    console.log(`fleet-5k-vs-simpy failed: the yardstick exited ${run.status}: ${(run.stderr ?? "").trim().split("\n").slice(-1)[0] ?? ""}`);
    return;
  }
  process.stdout.write(run.stdout);
  console.log(`fleet-5k-vs-simpy kubesim_wall_s=${kubesimWall_s.toFixed(2)} simpy_wall_s=${simpyWall_s.toFixed(2)} speedup=${(simpyWall_s / kubesimWall_s).toFixed(2)}`);
}
