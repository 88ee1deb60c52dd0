/**
 * One row per run (summary.csv): the figures a researcher compares across policies and seeds.
 * Every figure is computed from what the run recorded, so it can be recomputed from the CSVs.
 *
 * - slo_violation_s: time (sample intervals) during which any Service missed its SLO: p95
 *   latency above the SLO, or requests dropped.
 * - latency_p95_ms: the 95th percentile over the run of the Services' sampled p95 latency,
 *   each sample weighted by the requests it served (NaN when nothing was served).
 * - replicas_mean / replicas_max: of the Deployments' summed spec.replicas over the samples.
 * - pod_hours: running pods integrated over time (exact, from the container runtime).
 * - scale_events: successful rescales of every HPA.
 * - time_to_scale_s: mean delay from each increase of a Service's offered load (by >= 10 %
 *   between samples) to the next successful scale-up of any HPA; NaN if there was none.
 *
 * A NaN figure is an empty cell in summary.csv (engine/record/csv.ts: no cell is NaN or Infinity).
 */
import type { TimeSeries } from "../engine/index.js";
import type { EventLog } from "../models/cluster/events.js";

export const SUMMARY_COLUMNS = [
  "seed", "duration_s", "slo_violation_s", "latency_p95_ms", "replicas_mean", "replicas_max", "pod_hours",
  "scale_events", "time_to_scale_s", "requests_offered", "requests_dropped",
] as const;

export type Summary = Record<(typeof SUMMARY_COLUMNS)[number], number>;

export interface SummaryInputs {
  seed: number;
  duration_ms: number;
  sampleInterval_ms: number;
  sloLatencyP95_ms: number;
  timeseries: TimeSeries;
  events: EventLog;
  podHours: number;
  requestsOffered: number;
  requestsDropped: number;
}

export function summarize(inputs: SummaryInputs): Summary {
  // Two passes over the recorder's rows, none of them kept: a 28-day run has millions.
  const rows = () => inputs.timeseries.rows();
  // Replicas per sample time and workload (Deployments and StatefulSets; a change recorded at a
  // sample instant and the sample itself are one value, not two).
  const replicasAt = new Map<number, Map<string, number>>();
  const byTime = new Map<number, { replicas: number; violated: boolean }>();
  const weighted: [number, number][] = [];
  const offeredByService = new Map<string, [number, number][]>();
  const servedAt = new Map<string, number>();
  for (const r of rows()) {
    if (r.kind === "Service" && r.metric === "rps_served") servedAt.set(`${r.name}@${r.time_ms}`, r.value);
  }
  for (const r of rows()) {
    let slot = byTime.get(r.time_ms);
    if (!slot) byTime.set(r.time_ms, (slot = { replicas: 0, violated: false }));
    if ((r.kind === "Deployment" || r.kind === "StatefulSet") && r.metric === "replicas_spec") {
      let perDeployment = replicasAt.get(r.time_ms);
      if (!perDeployment) replicasAt.set(r.time_ms, (perDeployment = new Map()));
      perDeployment.set(`${r.kind}/${r.name}`, r.value);
    }
    if (r.kind === "Service" && r.metric === "rps_dropped" && r.value > 0) slot.violated = true;
    if (r.kind === "Service" && r.metric === "latency_p95_ms" && Number.isFinite(r.value)) {
      if (r.value > inputs.sloLatencyP95_ms) slot.violated = true;
      weighted.push([r.value, servedAt.get(`${r.name}@${r.time_ms}`) ?? 0]);
    }
    if (r.kind === "Service" && r.metric === "rps_offered") {
      let list = offeredByService.get(r.name);
      if (!list) offeredByService.set(r.name, (list = []));
      list.push([r.time_ms, r.value]);
    }
  }
  for (const [time_ms, perDeployment] of replicasAt) {
    let total = 0;
    for (const v of perDeployment.values()) total += v;
    byTime.get(time_ms)!.replicas = total;
  }
  const samples = [...byTime.entries()].filter(([t]) => t % inputs.sampleInterval_ms === 0).sort((a, b) => a[0] - b[0]);
  let violation_ms = 0;
  let replicasSum = 0;
  let replicasMax = 0;
  for (let i = 0; i < samples.length; i++) {
    const [, s] = samples[i];
    // A sample reports the interval that ends at it.
    if (s.violated && i > 0) violation_ms += samples[i][0] - samples[i - 1][0];
    replicasSum += s.replicas;
    if (s.replicas > replicasMax) replicasMax = s.replicas;
  }

  const scaleUps: number[] = [];
  for (const e of inputs.events.recorder.rows()) {
    if (e[5] === "SuccessfulRescale" && /\(was (\d+)\)/.test(String(e[6])) && isScaleUp(String(e[6]))) scaleUps.push(Number(e[0]) * 1000);
  }
  const delays: number[] = [];
  for (const list of offeredByService.values()) {
    for (let i = 1; i < list.length; i++) {
      const [t, rate] = list[i];
      const before = list[i - 1][1];
      if (!(rate >= before * 1.1 && rate - before > 1e-9)) continue;
      const next = scaleUps.find((s) => s >= t);
      if (next !== undefined) delays.push((next - t) / 1000);
    }
  }

  return {
    seed: inputs.seed,
    duration_s: inputs.duration_ms / 1000,
    slo_violation_s: violation_ms / 1000,
    latency_p95_ms: round3(weightedQuantile(weighted, 0.95)),
    replicas_mean: round3(samples.length > 0 ? replicasSum / samples.length : NaN),
    replicas_max: replicasMax,
    pod_hours: round3(inputs.podHours),
    scale_events: inputs.events.count("horizontal-pod-autoscaler", "Normal", "SuccessfulRescale"),
    time_to_scale_s: round3(delays.length > 0 ? delays.reduce((a, b) => a + b, 0) / delays.length : NaN),
    requests_offered: round3(inputs.requestsOffered),
    requests_dropped: round3(inputs.requestsDropped),
  };
}

function isScaleUp(message: string): boolean {
  const m = /New size: (\d+);.*\(was (\d+)\)/.exec(message);
  return m !== null && Number(m[1]) > Number(m[2]);
}

/** The q-quantile of values with weights (value order, cumulative weight); NaN without weight. */
export function weightedQuantile(pairs: [number, number][], q: number): number {
  const sorted = pairs.filter(([, w]) => w > 0).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const total = sorted.reduce((a, [, w]) => a + w, 0);
  if (total === 0) return NaN;
  let cumulative = 0;
  for (const [v, w] of sorted) {
    cumulative += w;
    if (cumulative >= q * total) return v;
  }
  return sorted[sorted.length - 1][0];
}

function round3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
