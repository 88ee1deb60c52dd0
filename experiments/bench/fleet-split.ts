/**
 * `npm run bench -- fleet-split`: how fleet-5k's time splits between the per-pod core and the
 * rest of the simulator. A CPU profile (node:inspector, one sample every 0.5 ms) of FLEET_HOURS
 * (default 3) simulated hours after setup and a first hour; a sample counts for the core when any
 * frame of its stack is in one of the core's modules (CORE_MODULES: the container runtime and pod
 * servers, cAdvisor, metrics-server, the HPA's metrics clients and replica calculator, the
 * Services' traffic, the time-series sampler), so everything they call counts for the core and
 * the rest's share is a lower bound. FLEET_DEPLOYMENTS (default 100) sets the size (4: ~200 pods,
 * whose state stays in the caches; 1000 with FLEET_LOAD_SCALE=2: fleet-100k).
 *
 * Prints the functions that take the most of the rest, and ends with
 * `fleet-split deployments=<n> hours=<h> wall_s=<the profiled hours' wall time> core_pct=<x> rest_pct=<y>`.
 * Profiling slows the run, so quote the shares, and time the run without it.
 */
import type { Profiler } from "node:inspector";
import { Session } from "node:inspector/promises";
import { HOUR_MS, newFleet, runSetup } from "./fleet.js";

/** The per-pod core's modules, as paths within the build (docs/PERFORMANCE.md, "The per-pod core"). */
const CORE_MODULES = [
  "models/kubelet/container-runtime.js",
  "models/kubelet/pod-handles.js",
  "models/workload/",
  "models/cadvisor/",
  "models/metrics-server/",
  "models/hpa/metrics-client.js",
  "models/hpa/metrics-apis.js",
  "models/hpa/pod-metric-rows.js",
  "models/hpa/utilization.js",
  "models/hpa/replica-calculator.js",
  "models/service/traffic",
  "experiments/sampler",
];

/** The whole number > 0 in the environment variable `name` (`fallback` when unset); exits 2 on anything else. */
function wholeFromEnv(name: string, fallback: number): number {
  const text = process.env[name];
  const value = text === undefined ? fallback : Number(text);
  if (!(value > 0) || !Number.isInteger(value)) {
    process.stderr.write(`fleet-split: ${name} must be a whole number > 0, got "${text}"\n`);
    process.exit(2);
  }
  return value;
}

const hours = wholeFromEnv("FLEET_HOURS", 3);
const deployments = wholeFromEnv("FLEET_DEPLOYMENTS", 100);
const loadScale = wholeFromEnv("FLEET_LOAD_SCALE", 1);

const fleet = newFleet({ deployments, loadScale }, hours + 1);
runSetup(fleet);
fleet.sim.run(HOUR_MS);

const session = new Session();
session.connect();
await session.post("Profiler.enable");
await session.post("Profiler.setSamplingInterval", { interval: 500 });
await session.post("Profiler.start");
const started = process.hrtime.bigint();
fleet.sim.run((hours + 1) * HOUR_MS);
const wall_s = Number(process.hrtime.bigint() - started) / 1e9;
const { profile } = (await session.post("Profiler.stop")) as { profile: Profiler.Profile };
session.disconnect();

const parentOf = new Map<number, number>();
for (const node of profile.nodes) for (const child of node.children ?? []) parentOf.set(child, node.id);
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const inCore = (url: string): boolean => CORE_MODULES.some((module) => url.includes(`/dist/${module}`));
/** Whether the stack of the node `id` (it and its callers) runs in the core, by node id. */
const coreStack = new Map<number, boolean>();
const isCoreStack = (id: number): boolean => {
  let answer = coreStack.get(id);
  if (answer === undefined) {
    const parent = parentOf.get(id);
    answer = inCore(byId.get(id)!.callFrame.url) || (parent !== undefined && isCoreStack(parent));
    coreStack.set(id, answer);
  }
  return answer;
};

const samples = profile.samples ?? [];
let core = 0;
const rest = new Map<string, number>();
for (const id of samples) {
  if (isCoreStack(id)) {
    core++;
    continue;
  }
  const frame = byId.get(id)!.callFrame;
  const key = `${frame.functionName || "(anonymous)"} ${frame.url.replace(/^.*\/dist\//, "")}`;
  rest.set(key, (rest.get(key) ?? 0) + 1);
}
const percent = (count: number): string => ((100 * count) / samples.length).toFixed(1);
console.log(`the rest's largest parts (% of all samples, ${samples.length} samples over ${wall_s.toFixed(2)} s):`);
for (const [key, count] of [...rest].sort((a, b) => b[1] - a[1]).slice(0, 20)) console.log(`${percent(count).padStart(6)} %  ${key}`);
console.log(`fleet-split deployments=${deployments} hours=${hours} wall_s=${wall_s.toFixed(2)} core_pct=${percent(core)} rest_pct=${percent(samples.length - core)}`);
