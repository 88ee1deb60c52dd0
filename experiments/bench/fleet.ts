/**
 * The fleet benchmarks' cluster (fleet-5k, fleet-100k): `deployments` Deployments with CPU HPAs
 * on `deployments × 2` nodes of 16 cores, each serving a diurnal load (peak at a different hour
 * per service) plus three Poisson-timed spikes a day. At `loadScale` 1 a service's load is
 * 150-450 rps and its HPA targets 60 % CPU of a 250m request with 20-100 replicas (50 at first);
 * `loadScale` k multiplies the load, the replica bounds and the initial replicas by k.
 *
 * `runFleet` runs one (`newFleet`, `runSetup`, then the rest) and prints `events=… pods_at_end=…`,
 * optionally the outputs digest (FLEET_HASH=1), the setup time (the wall time until every initial
 * pod runs, checked every 10 simulated seconds: creating, scheduling and starting them), and
 * `<name> wall_s=… rss_mib=… sim_speed=…`. FLEET_GC_AT_H (with `node --expose-gc`) collects all
 * garbage at that simulated hour (the counting benches' window start: `collectGarbageAt`).
 */
import { createHash } from "node:crypto";
import { ClusterSimulation, type SimulationConfig } from "../simulator.js";
import { cpuHpa, deployment, service } from "../builders.js";
import { RngRegistry } from "../../engine/index.js";
import { diurnal, poissonSpikes, type LoadProfile } from "../../models/workload/load-profiles.js";
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import type { Pod } from "../../models/cluster/types.js";

export const HOUR_MS = 3_600_000;
/** How often (simulated) the setup phase checks whether every initial pod runs. */
const SETUP_STEP_MS = 10_000;

export interface FleetOptions {
  deployments: number;
  loadScale: number;
  /** Run the pool as a Cluster Autoscaler node group with these bounds (fleet-5k-ca). */
  autoscaling?: { min: number; max: number };
}

export function fleetConfig(seed = 1, duration_ms = 24 * HOUR_MS, options: FleetOptions = { deployments: 100, loadScale: 1 }): SimulationConfig {
  const { deployments, loadScale: k } = options;
  const objects: NewObject<StoredObject>[] = [];
  const traffic: SimulationConfig["traffic"] = [];
  const rng = new RngRegistry(seed);
  const digits = Math.max(3, String(deployments - 1).length);
  for (let i = 0; i < deployments; i++) {
    const name = `svc-${String(i).padStart(digits, "0")}`;
    objects.push(deployment({ name, replicas: 50 * k, app: "web", containers: [{ request_mcores: 250, limit_mcores: 1000, requestMemory_bytes: 256 * 2 ** 20 }] }));
    objects.push(service(name));
    objects.push(cpuHpa({ name, target: name, minReplicas: 20 * k, maxReplicas: 100 * k, cpuUtilization_percent: 60 }));
    // 300 rps at 25 mcore·s is 7.5 cores: 50 pods at 60 % of 250m.
    const base = diurnal({ min_rps: 150 * k, max_rps: 450 * k, peakAt_ms: (i % 24) * HOUR_MS, resolution_ms: 60_000 });
    const spikes = poissonSpikes({
      base_rps: 0, height_rps: 150 * k, duration_ms: 600_000, meanInterval_ms: 8 * HOUR_MS, until_ms: duration_ms,
      stream: rng.stream(`fleet/spikes/${name}`),
    });
    traffic.push({ namespace: "default", service: name, profile: sum(base, spikes), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" });
  }
  return {
    seed,
    duration_ms,
    nodeGroups: [{ name: "pool", count: 2 * deployments, cpu_mcores: 16_000, memory_bytes: 64 * 2 ** 30, ...(options.autoscaling !== undefined && { autoscaling: options.autoscaling }) }],
    objects,
    apps: [{
      name: "web", cpuPerRequest_mcore_s: 25, baselineCpu_mcores: 2, memoryBaseline_bytes: 128 * 2 ** 20,
      memoryPerInflight_bytes: 64 * 1024, queueCapacity_requests: 500, warmup_ms: 5_000, shutdown_ms: 2_000,
    }],
    traffic,
    sampleInterval_ms: 60_000,
    components: { kubelet: { defaultImagePull_ms: 3_000 } },
  };
}

/** A fleet built and ready to run (see `newFleet`). */
export interface Fleet {
  readonly config: SimulationConfig;
  readonly sim: ClusterSimulation;
  /** How many pods the Deployments start with. */
  readonly initialPods: number;
}

export function newFleet(options: FleetOptions, hours: number): Fleet {
  const config = fleetConfig(1, Math.round(hours * HOUR_MS), options);
  return { config, sim: new ClusterSimulation(config), initialPods: options.deployments * 50 * options.loadScale };
}

/** The setup phase: runs until every initial pod runs, checked every 10 simulated seconds; returns the simulated ms it took. */
export function runSetup(fleet: Fleet): number {
  let setup_ms = 0;
  while (setup_ms < fleet.config.duration_ms && runningPods(fleet.sim) < fleet.initialPods) fleet.sim.run((setup_ms += SETUP_STEP_MS));
  return setup_ms;
}

/** Prints a finished fleet's lines (see the header), given the wall times measured around it. */
export function reportFleet(name: string, fleet: Fleet, timing: { setup_s: number; setup_ms: number; wall_s: number }): void {
  const { config, sim } = fleet;
  const rss_mib = process.resourceUsage().maxRSS / 1024;
  console.log(`events=${sim.sim.events_processed} pods_at_end=${sim.store.count("Pod")} timeseries_rows=${sim.timeseries.length} hpa_syncs=${sim.hpa.decisions.length}`);
  const ca = sim.clusterAutoscaler;
  if (ca !== null) {
    const removed = sim.events.recorder.all().filter((r) => r[1] === "cluster-autoscaler" && r[2] === "Node" && / removed/.test(String(r[6]))).length;
    console.log(`ca_loops=${ca.loops} nodes_at_end=${sim.store.count("Node")} scale_ups=${sim.events.count("cluster-autoscaler", "Normal", "ScaledUpGroup")} nodes_removed=${removed}`);
  }
  // FLEET_HASH=1: a digest of the three CSVs, so a change meant only to be faster can show it left
  // every output byte alike (computed after the timing; CSV text costs time and memory).
  if (process.env.FLEET_HASH === "1") console.log(`outputs_sha256=${outputsDigest(sim)}`);
  console.log(`${name} setup_s=${timing.setup_s.toFixed(2)} setup_simulated_s=${timing.setup_ms / 1000} (until all ${fleet.initialPods} initial pods run)`);
  console.log(`${name} wall_s=${timing.wall_s.toFixed(2)} rss_mib=${rss_mib.toFixed(0)} sim_speed=${Math.round(config.duration_ms / 1000 / timing.wall_s)}`);
}

/** Runs the fleet for `hours` and prints its lines (see the header); returns the wall time. */
export function runFleet(name: string, options: FleetOptions, hours: number): number {
  const started = process.hrtime.bigint();
  const fleet = newFleet(options, hours);
  const setup_ms = runSetup(fleet);
  const setup_s = Number(process.hrtime.bigint() - started) / 1e9;
  collectGarbageAt(fleet);
  fleet.sim.run();
  const wall_s = Number(process.hrtime.bigint() - started) / 1e9;
  reportFleet(name, fleet, { setup_s, setup_ms, wall_s });
  return wall_s;
}

/**
 * With FLEET_GC_AT_H and V8's `gc` exposed (`--expose-gc`): runs the fleet to that simulated hour
 * and collects all garbage there. The counting benches pass it at the start of their window in
 * both of their runs, so that the window starts from a collected heap in each: otherwise a major
 * collection (with its incremental marking, whose write barriers run inside the compiled
 * JavaScript) falls in one build's window and not in another's, and moves the count by more than
 * the changes compared (docs/PERFORMANCE.md, "Counted instead of timed").
 */
function collectGarbageAt(fleet: Fleet): void {
  const at_h = process.env.FLEET_GC_AT_H;
  const gc = (globalThis as { gc?: () => void }).gc;
  if (at_h === undefined || gc === undefined) return;
  const at_ms = Number(at_h) * HOUR_MS;
  if (!(at_ms > 0)) {
    process.stderr.write(`fleet: FLEET_GC_AT_H must be a number of hours > 0, got ${at_h}\n`);
    process.exit(2);
  }
  fleet.sim.run(at_ms);
  gc();
}

function runningPods(sim: ClusterSimulation): number {
  let running = 0;
  for (const pod of sim.store.list<Pod>("Pod")) if (pod.status.phase === "Running") running++;
  return running;
}

function outputsDigest(sim: ClusterSimulation): string {
  const hash = createHash("sha256");
  for (const chunk of sim.timeseries.csvChunks()) hash.update(chunk);
  hash.update("\0");
  hash.update(sim.events.recorder.toCsv());
  hash.update("\0");
  hash.update(sim.hpa.decisions.toCsv());
  return hash.digest("hex");
}

/** The sum of two profiles (changes whenever either changes). */
function sum(a: LoadProfile, b: LoadProfile): LoadProfile {
  return {
    rateAt: (t) => a.rateAt(t) + b.rateAt(t),
    nextChangeAfter: (t) => Math.min(a.nextChangeAfter(t), b.nextChangeAfter(t)),
  };
}
