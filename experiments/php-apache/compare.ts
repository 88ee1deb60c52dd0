/**
 * `npm run php-apache:compare [-- SEEDS]`: runs the php-apache walkthrough scenario over many
 * seeds (each seed moves the phases of cAdvisor, metrics-server and the HPA, as two real runs of
 * the walkthrough differ) under metric-resolution 15 s, 30 s and 60 s, and prints how often the
 * real cluster's `kubectl get hpa -w` trace comes out:
 *   replicas  - desired replicas 1 -> 4 -> 8 -> 10 as the first distinct values
 *   stale483  - the HPA saw >= 450 % (the trace's 483 %) at both the 1 -> 4 and 4 -> 8 steps
 *   loaded    - at 10 replicas under load the HPA sees 40-55 %
 *   scaleDown - back to 1 no sooner than 5 minutes after the load stops
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadScenario } from "../scenario/load.js";
import { ClusterSimulation, type SimulationConfig } from "../simulator.js";
import { matchesWalkthrough, walkthroughTrace } from "./trace.js";

export const SCENARIO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../scenarios/php-apache/scenario.yaml");
/** The load generator stops at minute 15 of the scenario. */
export const LOAD_STOP_S = 900;

export function phpApacheConfig(): SimulationConfig {
  const loaded = loadScenario(SCENARIO);
  if (!loaded.config) throw new Error(`php-apache scenario does not load: ${loaded.errors.map((e) => e.message).join("; ")}`);
  return loaded.config;
}

export function runWalkthrough(base: SimulationConfig, seed: number, metricResolution_ms: number) {
  const config: SimulationConfig = {
    ...base,
    seed,
    components: { ...base.components, metricsServer: { ...(base.components.metricsServer ?? {}), metricResolution_ms } },
  };
  const sim = new ClusterSimulation(config);
  sim.run();
  const trace = walkthroughTrace(sim.hpa.decisions.all(), LOAD_STOP_S);
  return { trace, match: matchesWalkthrough(trace, LOAD_STOP_S) };
}

if (process.argv[1]?.endsWith("compare.ts") || process.argv[1]?.endsWith("compare.js")) {
  const seeds = Number(process.argv[2] ?? 100);
  const base = phpApacheConfig();
  console.log(`php-apache walkthrough over ${seeds} seeds (share of runs showing each part of the real trace)`);
  console.log("| metric-resolution | 1→4→8→10 | 483 % at 1→4 and 4→8 | 40–55 % at 10 | back to 1 ≥ 5 min after | all four |");
  console.log("|---|---|---|---|---|---|");
  for (const resolution_s of [15, 30, 60]) {
    const counts = { replicas: 0, stale483: 0, loaded: 0, scaleDown: 0, all: 0 };
    for (let seed = 1; seed <= seeds; seed++) {
      const { match } = runWalkthrough(base, seed, resolution_s * 1000);
      for (const k of ["replicas", "stale483", "loaded", "scaleDown"] as const) if (match[k]) counts[k]++;
      if (match.replicas && match.stale483 && match.loaded && match.scaleDown) counts.all++;
    }
    const pct = (n: number) => `${Math.round((100 * n) / seeds)} %`;
    console.log(`| ${resolution_s} s | ${pct(counts.replicas)} | ${pct(counts.stale483)} | ${pct(counts.loaded)} | ${pct(counts.scaleDown)} | ${pct(counts.all)} |`);
  }
}
