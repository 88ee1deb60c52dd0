/**
 * `npm run experiment:step-load [-- SEEDS]`: how long after a load step the metrics API (what
 * every autoscaler reads) shows the new usage. Two pods requesting 200m serve a load that steps
 * from 30 % to 150 % of their request at t = 5 min; each seed draws new phases for cAdvisor
 * (10 s housekeeping) and metrics-server (15 s resolution). The delay is from the step until both
 * pods' metrics show >= 90 % of the new per-pod usage, polled every 100 ms.
 *
 * Writes results/step-load/{delays.csv, summary.csv, delay.vl.json, delay.svg, delay.png} and
 * prints the distribution. The derived budget (../shared/reference/k8s-fidelity.md §2) is about
 * 15-45 s: one cAdvisor interval plus one scrape interval plus the window of the two-point rate.
 */
import { ClusterSimulation } from "../simulator.js";
import { deployment, service } from "../builders.js";
import { step } from "../../models/workload/load-profiles.js";
import { writeFilesAtomically } from "../output.js";
import { renderSvg, svgToPng } from "../report/index.js";
import { stringify } from "csv-stringify/sync";
import { CSV_CAST } from "../../engine/index.js";
import type { Pod } from "../../models/cluster/types.js";

const STEP_AT_MS = 300_000;
const REQUEST_MCORES = 200;
const COST_MCORE_S = 10;
const PODS = 2;
/** Offered rate giving `fraction` of the pods' request: rps = fraction * request * pods / cost. */
const rateFor = (fraction: number) => (fraction * REQUEST_MCORES * PODS) / COST_MCORE_S;

export interface StepDelayOptions {
  cadvisorInterval_ms?: number;
  metricResolution_ms?: number;
}

/** Seconds from the load step until the metrics API shows >= 90 % of the new per-pod usage. */
export function measureStepDelay(seed: number, options: StepDelayOptions = {}): number {
  const sim = new ClusterSimulation({
    seed,
    duration_ms: STEP_AT_MS + 120_000,
    nodeGroups: [{ name: "pool", count: 2, cpu_mcores: 4000, memory_bytes: 16 * 2 ** 30 }],
    objects: [deployment({ name: "web", replicas: PODS, app: "web", containers: [{ request_mcores: REQUEST_MCORES, limit_mcores: 1000 }] }), service("web")],
    apps: [{ name: "web", cpuPerRequest_mcore_s: COST_MCORE_S, baselineCpu_mcores: 0.5, memoryBaseline_bytes: 64 * 2 ** 20, memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 500 }],
    traffic: [{ namespace: "default", service: "web", profile: step([{ at_ms: STEP_AT_MS, rate_rps: rateFor(1.5) }], rateFor(0.3)), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" }],
    sampleInterval_ms: 60_000,
    components: {
      cadvisor: { housekeepingInterval_ms: options.cadvisorInterval_ms ?? 10_000 },
      metricsServer: { metricResolution_ms: options.metricResolution_ms ?? 15_000 },
    },
  });
  const target_mcores = 0.9 * 1.5 * REQUEST_MCORES;
  let seen_ms = NaN;
  sim.sim.every(100, (now_ms) => {
    if (!Number.isNaN(seen_ms) || now_ms < STEP_AT_MS) return;
    const names = sim.store.list<Pod>("Pod").map((p) => p.metadata.name);
    const metrics = sim.metricsServer.getPodMetrics("default", names);
    if (metrics.length === PODS && metrics.every((m) => m.containers[0].usage.cpu_mcores >= target_mcores)) {
      seen_ms = now_ms;
      sim.sim.stop();
    }
  }, { phase_ms: 100 });
  sim.run();
  return (seen_ms - STEP_AT_MS) / 1000;
}

export function quantile(sorted: readonly number[], q: number): number {
  const i = (sorted.length - 1) * q;
  const lo = Math.floor(i);
  return sorted[lo] + (sorted[Math.ceil(i)] - sorted[lo]) * (i - lo);
}

/** The delays' distribution over seeds: min, quartiles, max and mean. */
export function delayStats(delays: readonly number[]) {
  const sorted = [...delays].sort((a, b) => a - b);
  const mean = delays.reduce((a, b) => a + b, 0) / delays.length;
  return { seeds: delays.length, min_s: sorted[0], p25_s: quantile(sorted, 0.25), median_s: quantile(sorted, 0.5), p75_s: quantile(sorted, 0.75), max_s: sorted[sorted.length - 1], mean_s: Math.round(mean * 1000) / 1000 };
}

/** The histogram of the delays (results/step-load/delay.*, the README's figure). */
export function delayChart(delays: readonly number[]) {
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `Delay from a 30 % -> 150 % load step to the metrics API showing it (${delays.length} seeds; cAdvisor 10 s, resolution 15 s)`,
    width: 600,
    height: 250,
    data: { values: delays.map((delay_s, i) => ({ seed: i + 1, delay_s })) },
    mark: "bar",
    encoding: {
      x: { field: "delay_s", type: "quantitative", bin: { step: 2.5 }, title: "delay (s)" },
      y: { aggregate: "count", type: "quantitative", title: "seeds" },
    },
    config: { font: "DejaVu Sans" },
  };
}

if (process.argv[1]?.endsWith("step-load.ts")) {
  const seeds = Number(process.argv[2] ?? 100);
  const delays = Array.from({ length: seeds }, (_, i) => measureStepDelay(i + 1));
  const stats = delayStats(delays);
  const spec = delayChart(delays);
  const svg = await renderSvg(spec as never, "step-load");
  writeFilesAtomically("results/step-load", {
    "delays.csv": stringify(delays.map((d, i) => [i + 1, d]), { header: true, columns: ["seed", "delay_s"], cast: CSV_CAST }),
    "summary.csv": stringify([stats], { header: true, cast: CSV_CAST }),
    "delay.vl.json": JSON.stringify(spec, null, 2) + "\n",
    "delay.svg": svg,
    "delay.png": svgToPng(svg),
  });
  console.log(JSON.stringify(stats));
  console.log("wrote results/step-load/ (delays.csv, summary.csv, delay.svg, delay.png)");
}
