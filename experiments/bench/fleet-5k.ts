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
import { runFleet } from "./fleet.js";
import { runYardstick } from "./yardstick.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const wall_s = runFleet("fleet-5k", { deployments: 100, loadScale: 1 }, hours);
if (process.env.FLEET_YARDSTICK !== "0") {
  const yardstick = runYardstick(hours);
  if (!yardstick.ok) console.log(`fleet-5k-vs-simpy ${yardstick.why}`);
  else {
    process.stdout.write(yardstick.stdout);
    console.log(`fleet-5k-vs-simpy kubesim_wall_s=${wall_s.toFixed(2)} simpy_wall_s=${yardstick.wall_s.toFixed(2)} speedup=${(yardstick.wall_s / wall_s).toFixed(2)}`);
  }
}
