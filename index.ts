/**
 * kubesim as a library, for notebooks and scripts:
 *
 *   import { simulate } from "kubesim";
 *   const run = simulate("experiments/scenarios/php-apache/scenario.yaml", { seed: 3 });
 *   run.summary.replicas_mean; run.simulation.hpa.decisions.all();
 *
 * `simulate` accepts a scenario file path or a programmatic SimulationConfig (see
 * experiments/builders.ts for object builders) and returns the outputs in memory.
 */
import { loadScenario } from "./experiments/scenario/load.js";
import { formatDiagnostic } from "./experiments/manifests/decode.js";
import { runScenario, type RunOutput, type ScenarioInfo } from "./experiments/runner.js";
import type { SimulationConfig } from "./experiments/simulator.js";

export { ClusterSimulation, effectiveComponents, type SimulationConfig, type NodeGroup } from "./experiments/simulator.js";
export { runScenario, type RunOutput, type ScenarioInfo } from "./experiments/runner.js";
export { loadScenario } from "./experiments/scenario/load.js";
export { summarize, type Summary } from "./experiments/summary.js";
export * as builders from "./experiments/builders.js";
export * as loadProfiles from "./models/workload/load-profiles.js";
export { Simulation, RngRegistry, TimeSeries } from "./engine/index.js";
export type { ControllerContext, MetricsApis, ObjectView, PluginModule, Scale } from "./experiments/plugins/api.js";

export interface SimulateOptions {
  seed?: number;
  /** Override the duration (ms). */
  duration_ms?: number;
}

export class ScenarioError extends Error {
  constructor(readonly diagnostics: string[]) {
    super(`scenario has ${diagnostics.length} error(s):\n${diagnostics.join("\n")}`);
    this.name = "ScenarioError";
  }
}

/** Runs a scenario file or a configuration and returns its outputs (nothing is written). */
export function simulate(scenario: string | SimulationConfig, options: SimulateOptions = {}): RunOutput {
  let config: SimulationConfig;
  let info: ScenarioInfo;
  if (typeof scenario === "string") {
    const loaded = loadScenario(scenario);
    if (!loaded.config) throw new ScenarioError(loaded.errors.map(formatDiagnostic));
    config = loaded.config;
    info = {
      name: loaded.scenario.name,
      description: loaded.scenario.description,
      sloLatencyP95_ms: loaded.scenario.slo.latencyP95_ms,
      files: loaded.scenario.files,
      maxEvents: loaded.scenario.limits.events,
    };
  } else {
    config = scenario;
    info = { name: "programmatic", description: "", sloLatencyP95_ms: 500, files: [] };
  }
  config = { ...config, seed: options.seed ?? config.seed, duration_ms: options.duration_ms ?? config.duration_ms };
  return runScenario(config, info);
}
