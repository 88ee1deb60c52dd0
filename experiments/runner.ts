/**
 * Runs one simulation and produces its output files (in memory, written atomically by the
 * caller): timeseries.csv, events.csv, decisions.csv (HPA), ca-decisions.csv (Cluster Autoscaler,
 * when a node group is autoscaled), vpa-decisions.csv (VPA updater, when there is a VPA; one row
 * per pod and updater loop: priority and why it was evicted or not), lag.csv, summary.csv, manifest.json.
 *
 * The run is played in slices of virtual time so a progress callback can report between them;
 * slicing does not change results (events are processed in the same order whatever the slices).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { QUEUE_SUMMARY_COLUMNS } from "../models/queue/broker.js";
import { stringify } from "csv-stringify/sync";
import { CSV_CAST } from "../engine/index.js";
import { ClusterSimulation, effectiveComponents, type SimulationConfig } from "./simulator.js";
import { summarize, SUMMARY_COLUMNS, type Summary } from "./summary.js";
import { UserError } from "./errors.js";
import { LagObserver } from "./lag/observer.js";
import { lagAnatomy, lagCsv, pluginRescalesOf, rescalesOf } from "./lag/anatomy.js";
import { DEFAULT_LAG_MIN_STEP, detectLoadSteps, firstLoad_ms } from "./lag/steps.js";
import type { Service } from "../models/cluster/types.js";
import { DEFAULT_LIMITS } from "./scenario/limits.js";
import { packageVersion, sourceHash } from "./version.js";

// The event limit is checked at least once per simulated hour, whatever the progress slices.
const EVENT_CHECK_MS = 3_600_000;

export interface ScenarioInfo {
  name: string;
  description: string;
  sloLatencyP95_ms: number;
  /** Every file the scenario was read from (for the content hash). */
  files: string[];
  /** Most kernel events the run may execute (the scenario's limits.events); DEFAULT_LIMITS.events when absent. */
  maxEvents?: number;
}

export interface RunOutput {
  /** File name -> content; the CSVs as chunk iterables (each iteration streams from the recorders again). */
  files: Record<string, string | Iterable<string>>;
  summary: Summary;
  events_processed: number;
  simulation: ClusterSimulation;
}

export interface RunOptions {
  /** Called between slices with (virtual now, horizon, events so far). */
  onProgress?: (now_ms: number, horizon_ms: number, events: number) => void;
  slices?: number;
}

export function runScenario(config: SimulationConfig, scenario: ScenarioInfo, options: RunOptions = {}): RunOutput {
  const started = process.hrtime.bigint();
  const simulation = new ClusterSimulation(config);
  const lagMinStep = config.lagMinStep ?? DEFAULT_LAG_MIN_STEP;
  const observer = new LagObserver(
    simulation,
    config.traffic.map((source) => ({
      namespace: source.namespace,
      name: source.service,
      selector: simulation.store.get<Service>("Service", source.namespace, source.service)?.spec.selector ?? {},
      steps: detectLoadSteps(source.profile, config.duration_ms, lagMinStep),
    })),
  );
  const slices = Math.max(1, options.slices ?? 200);
  const maxEvents = scenario.maxEvents ?? DEFAULT_LIMITS.events;
  for (let i = 1; i <= slices; i++) {
    const until_ms = Math.round((config.duration_ms * i) / slices);
    for (let at_ms = simulation.sim.now_ms; at_ms < until_ms; ) {
      at_ms = Math.min(until_ms, at_ms + EVENT_CHECK_MS);
      simulation.run(at_ms);
      const events = simulation.sim.events_processed;
      if (events > maxEvents) {
        throw new UserError(
          `${scenario.name}: stopped after ${events} events at simulated ${simulation.sim.now_ms / 1000} s: more than limits.events (${maxEvents}); nothing was written`,
          "raise limits.events in the scenario if the run is meant to be this large, or shorten it",
          2,
        );
      }
    }
    options.onProgress?.(simulation.sim.now_ms, config.duration_ms, simulation.sim.events_processed);
  }
  const wall_s = Number(process.hrtime.bigint() - started) / 1e9;
  const now_ms = simulation.sim.now_ms;

  simulation.runtime.advanceAll(now_ms);
  let offered = 0;
  let dropped = 0;
  for (const state of simulation.traffic.all()) {
    if (!state.source) continue;
    const counts = simulation.traffic.requestCounts(state, now_ms);
    offered += counts.offered;
    dropped += counts.dropped;
  }
  const nodes = simulation.nodeHoursAndCost();
  const lag = lagAnatomy(observer, simulation.store, rescalesOf(simulation.hpa.decisions), config.duration_ms, pluginRescalesOf(simulation.controllers?.rescales ?? []));
  const summaryFrom_ms = config.summaryFrom_ms ?? firstLoadOfRun_ms(config);
  const summary = summarize({
    seed: config.seed,
    duration_ms: config.duration_ms,
    sampleInterval_ms: config.sampleInterval_ms,
    sloLatencyP95_ms: scenario.sloLatencyP95_ms,
    summaryFrom_ms,
    lag,
    timeseries: simulation.timeseries,
    events: simulation.events,
    podHours: simulation.runtime.podHours(now_ms),
    controllers: (config.controllers ?? []).map((c) => c.name),
    cpuThrottled_s: simulation.runtime.cpuThrottledSeconds(now_ms),
    requestsOffered: offered,
    requestsDropped: dropped,
    nodeHours: nodes.node_hours,
    costUsd: nodes.cost_usd,
    queues: simulation.queues?.totals() ?? null,
  });

  const manifest = {
    kubesim: { version: packageVersion(), source_sha256: sourceHash() },
    scenario: { name: scenario.name, description: scenario.description, content_sha256: contentHash(scenario.files) },
    seed: config.seed,
    duration_s: config.duration_ms / 1000,
    sample_interval_s: config.sampleInterval_ms / 1000,
    slo: { latencyP95_ms: scenario.sloLatencyP95_ms },
    summary_from_s: summaryFrom_ms / 1000,
    lag_min_step: lagMinStep,
    parameters: effectiveComponents(config),
    node_groups: config.nodeGroups,
    apps: config.apps,
    // Which controller plugins ran (their modules relative to the scenario, and their config): their decisions are <name>-decisions.csv.
    ...((config.controllers ?? []).length > 0 && { controllers: config.controllers!.map((c) => ({ name: c.name, module: path.basename(c.module), config: c.config })) }),
    events_processed: simulation.sim.events_processed,
    // The only field that differs between two runs of the same scenario and seed.
    wall_time_s: Math.round(wall_s * 1000) / 1000,
  };

  // The CSVs stream from the recorders, a chunk at a time, each time the files are written.
  const chunks = (csv: () => Iterator<string>): Iterable<string> => ({ [Symbol.iterator]: csv });
  return {
    files: {
      "timeseries.csv": chunks(() => simulation.timeseries.csvChunks()),
      "events.csv": chunks(() => simulation.events.recorder.csvChunks()),
      "decisions.csv": chunks(() => simulation.hpa.decisions.csvChunks()),
      ...(simulation.clusterAutoscaler !== null && { "ca-decisions.csv": chunks(() => simulation.clusterAutoscaler!.decisions.csvChunks()) }),
      ...(simulation.vpaUpdater !== null && { "vpa-decisions.csv": chunks(() => simulation.vpaUpdater!.decisions.csvChunks()) }),
      ...(simulation.keda !== null && { "keda-decisions.csv": chunks(() => simulation.keda!.decisions.csvChunks()) }),
      ...Object.fromEntries([...(simulation.controllers?.decisions ?? [])].map(([name, recorder]) => [`${name}-decisions.csv`, chunks(() => recorder.csvChunks())])),
      ...(simulation.queues !== null && { "queues.csv": stringify(simulation.queues.summaryRows(), { header: true, columns: [...QUEUE_SUMMARY_COLUMNS], cast: CSV_CAST }) }),
      "lag.csv": lagCsv(lag),
      "summary.csv": stringify([SUMMARY_COLUMNS.map((c) => summary[c])], { header: true, columns: [...SUMMARY_COLUMNS], cast: CSV_CAST }),
      "manifest.json": JSON.stringify(manifest, jsonReplacer, 2) + "\n",
    },
    summary,
    events_processed: simulation.sim.events_processed,
    simulation,
  };
}

/** When the first load of the run starts (0 when none ever does: everything counts). */
function firstLoadOfRun_ms(config: SimulationConfig): number {
  let first = Infinity;
  for (const source of config.traffic) first = Math.min(first, firstLoad_ms(source.profile, config.duration_ms) ?? Infinity);
  return Number.isFinite(first) ? first : 0;
}

/** Infinity (an unset limit) and bigint survive JSON as strings. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}

/**
 * sha256 over (file name, content) of every scenario file, in the order of what is hashed (name,
 * then content), so the hash does not depend on which folders the files are in.
 */
function contentHash(files: readonly string[]): string {
  const entries = files.map((file) => ({ name: path.basename(file), content: fs.readFileSync(file) }));
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : Buffer.compare(a.content, b.content)));
  const hash = createHash("sha256");
  for (const { name, content } of entries) {
    hash.update(name);
    hash.update("\0");
    hash.update(content);
    hash.update("\0");
  }
  return hash.digest("hex");
}
