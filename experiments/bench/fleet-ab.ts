/**
 * `npm run bench -- fleet-ab <dist>`: fleet-5k on another build (`<dist>`: its compiled `dist/`
 * directory, e.g. of a git worktree at the commit before a change) and on this one, in lockstep
 * (lockstep.ts), for a change meant to make it faster. FLEET_HOURS (default 6) sets the slice,
 * FLEET_AB_CHUNK_MIN (default 5) the turns. Ends with
 * `fleet-ab ratio=<this build's wall / the other's> cpu_ratio=<the same for CPU time> (…)`.
 * Identical builds measured 0.98–1.04 (docs/PERFORMANCE.md, "Measuring a change"): a process's own
 * layout and compiled code vary that much from run to run.
 */
import fs from "node:fs";
import path from "node:path";
import { lockstep } from "./lockstep.js";

const other = process.argv[2];
if (other === undefined || !fs.existsSync(path.join(other, "experiments/bench/fleet.js"))) {
  process.stderr.write("usage: npm run bench -- fleet-ab <another build's dist/ directory>\n");
  process.exit(2);
}
const hours = Number(process.env.FLEET_HOURS ?? 6);
const chunk_min = Number(process.env.FLEET_AB_CHUNK_MIN ?? 5);
const env = { FLEET_HOURS: String(hours), FLEET_CA: "0" };
const [before, after] = await lockstep(
  [
    { label: "other", env: { ...env, FLEET_NAME: "fleet-5k (other)", FLEET_DIST: path.resolve(other) } },
    { label: "this", env: { ...env, FLEET_NAME: "fleet-5k (this)" } },
  ],
  Math.ceil((hours * 60) / chunk_min),
);
console.log(`wall ${before.wall_s.toFixed(2)} s the other build, ${after.wall_s.toFixed(2)} s this one; CPU ${before.cpu_s.toFixed(2)} s, ${after.cpu_s.toFixed(2)} s`);
console.log(`fleet-ab ratio=${(after.wall_s / before.wall_s).toFixed(3)} cpu_ratio=${(after.cpu_s / before.cpu_s).toFixed(3)} (${hours} simulated h, lockstep in ${chunk_min}-minute turns)`);
