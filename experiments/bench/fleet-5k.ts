/**
 * `npm run bench -- fleet-5k`: 200 nodes of 16 cores, 100 Deployments with CPU HPAs, about 5,000
 * pods, diurnal load with spikes, cAdvisor 10 s, metrics-server 15 s, 24 simulated hours.
 * Prints `fleet-5k wall_s=<x> rss_mib=<y> sim_speed=<simulated s per wall s>`, then runs the plain
 * SimPy 3 model of the same fleet (../shared/yardsticks/fleet_simpy.py, same horizon) in the same
 * call and ends with `fleet-5k-vs-simpy kubesim_wall_s=<x> simpy_wall_s=<y> speedup=<simpy/kubesim>`.
 * SimPy 3 is found through SIMPY3_SRC (a SimPy 3 source tree's `src/`, see the yardstick's
 * README) or an installed `simpy` 3.x/4.x; without it the line says so. FLEET_YARDSTICK=0 skips it.
 *
 * Each Deployment serves a diurnal load (peak at a different hour per service) plus three
 * Poisson-timed spikes a day; its HPA targets 60 % CPU of a 250m request with 20-100 replicas,
 * so the fleet moves between about 3,000 and 7,000 pods over the day.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { ClusterSimulation, type SimulationConfig } from "../simulator.js";
import { cpuHpa, deployment, service } from "../builders.js";
import { RngRegistry } from "../../engine/index.js";
import { diurnal, poissonSpikes, type LoadProfile } from "../../models/workload/load-profiles.js";
import type { NewObject, StoredObject } from "../../models/cluster/store.js";

const HOUR_MS = 3_600_000;

export function fleetConfig(seed = 1, duration_ms = 24 * HOUR_MS, deployments = 100): SimulationConfig {
  const objects: NewObject<StoredObject>[] = [];
  const traffic: SimulationConfig["traffic"] = [];
  const rng = new RngRegistry(seed);
  for (let i = 0; i < deployments; i++) {
    const name = `svc-${String(i).padStart(3, "0")}`;
    objects.push(deployment({ name, replicas: 50, app: "web", containers: [{ request_mcores: 250, limit_mcores: 1000, requestMemory_bytes: 256 * 2 ** 20 }] }));
    objects.push(service(name));
    objects.push(cpuHpa({ name, target: name, minReplicas: 20, maxReplicas: 100, cpuUtilization_percent: 60 }));
    // 300 rps at 25 mcore·s is 7.5 cores: 50 pods at 60 % of 250m.
    const base = diurnal({ min_rps: 150, max_rps: 450, peakAt_ms: (i % 24) * HOUR_MS, resolution_ms: 60_000 });
    const spikes = poissonSpikes({
      base_rps: 0, height_rps: 150, duration_ms: 600_000, meanInterval_ms: 8 * HOUR_MS, until_ms: duration_ms,
      stream: rng.stream(`fleet/spikes/${name}`),
    });
    traffic.push({ namespace: "default", service: name, profile: sum(base, spikes), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" });
  }
  return {
    seed,
    duration_ms,
    nodeGroups: [{ name: "pool", count: 200, cpu_mcores: 16_000, memory_bytes: 64 * 2 ** 30 }],
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

if (process.argv[1]?.endsWith("fleet-5k.ts")) {
  const hours = Number(process.env.FLEET_HOURS ?? 24);
  const config = fleetConfig(1, hours * HOUR_MS);
  const started = process.hrtime.bigint();
  const sim = new ClusterSimulation(config);
  const events = sim.run();
  const wall_s = Number(process.hrtime.bigint() - started) / 1e9;
  const rss_mib = process.resourceUsage().maxRSS / 1024;
  const pods = sim.store.count("Pod");
  console.log(`events=${events} pods_at_end=${pods} timeseries_rows=${sim.timeseries.length} hpa_syncs=${sim.hpa.decisions.length}`);
  // FLEET_HASH=1: a digest of the three CSVs, so a change meant only to be faster can show it left
  // every output byte alike (computed after the timing; CSV text costs time and memory).
  if (process.env.FLEET_HASH === "1") console.log(`outputs_sha256=${outputsDigest(sim)}`);
  console.log(`fleet-5k wall_s=${wall_s.toFixed(2)} rss_mib=${rss_mib.toFixed(0)} sim_speed=${Math.round(config.duration_ms / 1000 / wall_s)}`);
  if (process.env.FLEET_YARDSTICK !== "0") runYardstick(hours, wall_s);
}

/** Runs the SimPy yardstick for `hours` and prints the paired line (or why it could not run). */
function runYardstick(hours: number, kubesimWall_s: number): void {
  const script = "../shared/yardsticks/fleet_simpy.py";
  const env = { ...process.env, PYTHONPATH: [process.env.SIMPY3_SRC, process.env.PYTHONPATH].filter(Boolean).join(":") };
  const probe = spawnSync("python3", ["-c", "import simpy, sys; sys.exit(0 if simpy.__version__.split('.')[0] in ('3', '4') else 3)"], { env, encoding: "utf8" });
  if (!existsSync(script) || probe.status !== 0) {
    const why = !existsSync(script) ? `${script} not found` : probe.error ? "python3 not found" : "SimPy 3 not found";
    console.log(`fleet-5k-vs-simpy skipped: ${why} (set SIMPY3_SRC=<SimPy 3 source tree>/src; see ../shared/yardsticks/README.md)`);
    return;
  }
  const run = spawnSync("python3", [script, String(hours), "--quiet"], { env, encoding: "utf8" });
  const simpyWall_s = Number(/wall_s=([0-9.]+)/.exec(run.stdout ?? "")?.[1]);
  if (run.status !== 0 || !Number.isFinite(simpyWall_s)) {
    console.log(`fleet-5k-vs-simpy failed: the yardstick exited ${run.status}: ${(run.stderr ?? "").trim().split("\n").slice(-1)[0] ?? ""}`);
    return;
  }
  process.stdout.write(run.stdout);
  console.log(`fleet-5k-vs-simpy kubesim_wall_s=${kubesimWall_s.toFixed(2)} simpy_wall_s=${simpyWall_s.toFixed(2)} speedup=${(simpyWall_s / kubesimWall_s).toFixed(2)}`);
}
