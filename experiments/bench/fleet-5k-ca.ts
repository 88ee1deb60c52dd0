/**
 * `npm run bench -- fleet-5k-ca`: fleet-5k (fleet.ts) paired with the same fleet whose pool is a
 * Cluster Autoscaler node group (min 50, max 400, 200 at start, every CA flag at its default),
 * the two run in lockstep (lockstep.ts), taking turns of `FLEET_CA_CHUNK_MIN` simulated minutes
 * (default 15). Until 2026-12-05 the bench ran the halves one after the other, and single pairs'
 * ratios spread from 0.78 to 1.74 with the machine's drift.
 *
 * Prints each half's lines and ends with
 * `fleet-5k-ca ratio=<wall with CA / without> cpu_ratio=<CPU time with / without> (…)`
 * (target: at most 1.3). FLEET_HOURS=2 runs 2-hour slices.
 */
import { lockstep } from "./lockstep.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const chunk_min = Number(process.env.FLEET_CA_CHUNK_MIN ?? 15);
const [plain, ca] = await lockstep(
  [
    { label: "without CA", env: { FLEET_NAME: "fleet-5k", FLEET_CA: "0", FLEET_HOURS: String(hours) } },
    { label: "with CA", env: { FLEET_NAME: "fleet-5k-ca", FLEET_CA: "1", FLEET_HOURS: String(hours) } },
  ],
  Math.ceil((hours * 60) / chunk_min),
);
console.log(`wall ${plain.wall_s.toFixed(2)} s without CA, ${ca.wall_s.toFixed(2)} s with; CPU ${plain.cpu_s.toFixed(2)} s, ${ca.cpu_s.toFixed(2)} s`);
console.log(`fleet-5k-ca ratio=${(ca.wall_s / plain.wall_s).toFixed(2)} cpu_ratio=${(ca.cpu_s / plain.cpu_s).toFixed(2)} (${hours} simulated h, lockstep in ${chunk_min}-minute turns)`);
