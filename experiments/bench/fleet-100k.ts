/**
 * `npm run bench -- fleet-100k`: 2,000 nodes of 16 cores, 1,000 Deployments with CPU HPAs, about
 * 100,000 pods (twice fleet-5k's load per service, and twice its replicas), diurnal load with
 * spikes, 24 simulated hours (the cluster: fleet.ts). Ends with
 * `fleet-100k wall_s=<x> rss_mib=<y> sim_speed=<simulated s per wall s>`; `setup_s` is the wall
 * time until every initial pod runs (created, scheduled, started). FLEET_DEPLOYMENTS=N runs N Deployments (50 → 5,000 pods, 200 → 20,000), to see how
 * setup scales; FLEET_HOURS and FLEET_HASH=1 as for fleet-5k.
 */
import { runFleet } from "./fleet.js";

const deployments = Number(process.env.FLEET_DEPLOYMENTS ?? 1000);
const hours = Number(process.env.FLEET_HOURS ?? 24);
runFleet(deployments === 1000 ? "fleet-100k" : `fleet-${deployments * 100}`, { deployments, loadScale: 2 }, hours);
