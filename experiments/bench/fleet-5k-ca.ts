/**
 * `npm run bench -- fleet-5k-ca`: fleet-5k (fleet.ts) twice in one call, paired: first as it is,
 * then with its pool as a Cluster Autoscaler node group (min 50, max 400, 200 at start, every CA
 * flag at its default). Prints each run's lines and ends with
 * `fleet-5k-ca ratio=<wall with CA / wall without>` (target: at most 1.3).
 * FLEET_HOURS=2 runs a 2-hour slice.
 */
import { runFleet } from "./fleet.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const plain_s = runFleet("fleet-5k", { deployments: 100, loadScale: 1 }, hours);
const ca_s = runFleet("fleet-5k-ca", { deployments: 100, loadScale: 1, autoscaling: { min: 50, max: 400 } }, hours);
console.log(`fleet-5k-ca ratio=${(ca_s / plain_s).toFixed(2)} (fleet-5k ${plain_s.toFixed(2)} s, with CA ${ca_s.toFixed(2)} s, ${hours} simulated h)`);
