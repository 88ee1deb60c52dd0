/**
 * `npm run bench -- fleet-cache`: how much of fleet-5k's time is the size of its working set.
 * The same simulated work (Deployments × hours: the same HPA syncs, about as many events and
 * time-series rows, the same pod-hours of integration, scraping and reading) at three cluster
 * sizes: 4 Deployments (~200 pods) for 150 simulated hours, 20 (~1,000 pods) for 30 hours and 100
 * (fleet-5k, ~5,000 pods) for 6 hours, run in lockstep (lockstep.ts, 96 turns). The small cluster's
 * state stays in the processor's caches between one visit of a pod and the next; fleet-5k's does
 * not. Prints each run's time after its setup, and
 * `fleet-cache ratio_1k=<~1,000 pods / ~200> ratio_5k=<~5,000 pods / ~200>`.
 *
 * Then, when the SimPy yardstick can run (SIMPY3_SRC, as for fleet-5k; FLEET_YARDSTICK=0 skips
 * it), it runs the yardstick for fleet-5k's 6 hours, the same work again, and ends with
 * `fleet-cache-vs-simpy simpy_s=<x> speedup_200=<simpy / ~200 pods> speedup_5k=<simpy / ~5,000 pods>`:
 * what kubesim would reach against the yardstick if its whole state stayed in the caches.
 */
import { lockstep } from "./lockstep.js";
import { runYardstick } from "./yardstick.js";

const sizes = [
  { deployments: 4, hours: 150 },
  { deployments: 20, hours: 30 },
  { deployments: 100, hours: 6 },
];
const times = await lockstep(
  sizes.map((s) => ({
    label: `${s.deployments} deployments`,
    env: { FLEET_DEPLOYMENTS: String(s.deployments), FLEET_HOURS: String(s.hours), FLEET_NAME: `fleet-d${s.deployments}`, FLEET_CA: "0" },
  })),
  96,
);
const run_s = times.map((t) => t.wall_s - t.setupWall_s);
sizes.forEach((s, i) => console.log(`${s.deployments} deployments × ${s.hours} h: ${run_s[i].toFixed(2)} s after setup`));
console.log(`fleet-cache ratio_1k=${(run_s[1] / run_s[0]).toFixed(2)} ratio_5k=${(run_s[2] / run_s[0]).toFixed(2)} (the same work at ~1,000 and ~5,000 pods, against ~200)`);

if (process.env.FLEET_YARDSTICK !== "0") {
  const hours = sizes[2].hours;
  const yardstick = runYardstick(hours);
  if (!yardstick.ok) console.log(`fleet-cache-vs-simpy ${yardstick.why}`);
  else console.log(`fleet-cache-vs-simpy simpy_s=${yardstick.wall_s.toFixed(2)} speedup_200=${(yardstick.wall_s / run_s[0]).toFixed(2)} speedup_5k=${(yardstick.wall_s / run_s[2]).toFixed(2)} (the yardstick's ${hours} hours of fleet-5k against the same work at ~200 and ~5,000 pods)`);
}
