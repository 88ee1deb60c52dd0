/**
 * One row per run (summary.csv): the figures a researcher compares across policies and seeds.
 * Every figure is computed from what the run recorded, so it can be recomputed from the CSVs.
 *
 * Service quality counts from `summaryFrom` on (outputs.summaryFrom; default when the first load
 * starts), and only over samples whose Service was offered traffic: start-up seconds, before
 * anyone asked anything, are neither violations nor latency.
 * - slo_violation_s: time (sample intervals) during which any Service with offered load missed
 *   its SLO: p95 latency above the SLO, or requests dropped.
 * - latency_p95_ms: the 95th percentile of the Services' sampled p95 latency, each sample
 *   weighted by the requests it served (NaN when nothing was served).
 * - replicas_mean / replicas_max: of the Deployments', StatefulSets' and ReplicationControllers'
 *   summed spec.replicas over the samples (the
 *   whole run: start-up pods cost as much as any).
 * - pod_hours: running pods integrated over time (exact, from the container runtime).
 * - scale_events: successful rescales of every HPA and of every controller plugin (each scale
 *   subresource write that changed replicas).
 * - node_hours / cost_usd: nodes integrated over time, and each at its group's price per hour
 *   (autoscaled groups bill from the instance request to its deletion, as a cloud does).
 * From lag.csv (experiments/lag/anatomy.ts), over the rises of offered load (load steps up) of
 * each Service and its own HPA:
 * - time_to_scale_s: mean delay from the step to the HPA's first scale-up decision, over the
 *   steps that got one; time_to_metrics_s: to the metrics API showing the new usage;
 *   time_to_serving_s: to all the pods of that scale-up serving.
 * - steps_up: the rises counted; steps_up_without_rescale: those no scale-up answered before the
 *   next step (or the end), which the means above leave out.
 *
 * From the queues (models/queue/broker.ts), over the whole run:
 * - item_latency_p95_s: the 95th percentile of the items' time from being produced to being
 *   processed (waiting in the broker, then a worker's time), over every item of every queue
 *   taken by a consumer; items_waiting: items still in the queues at the end (NaN without queues).
 *
 * - oom_kills: containers OOM-killed (the kubelet's OOMKilled events); cpu_throttled_s: seconds
 *   pods spent throttled at their CPU limit with work waiting, summed over pods;
 *   cpu_requested_core_hours: the CPU the nodes' pods request, integrated over the run from the
 *   samples (the mean of the Nodes' summed cpu_requested_mcores × the duration): what right-sizing
 *   saves, where pod-hours do not move.
 *
 * A NaN figure is an empty cell in summary.csv (engine/record/csv.ts: no cell is NaN or Infinity).
 */
import type { TimeSeries } from "../engine/index.js";
import type { EventLog } from "../models/cluster/events.js";
import type { LagRow, LagStage } from "./lag/anatomy.js";

export const SUMMARY_COLUMNS = [
  "seed", "duration_s", "slo_violation_s", "latency_p95_ms", "replicas_mean", "replicas_max", "pod_hours",
  "scale_events", "time_to_scale_s", "time_to_metrics_s", "time_to_serving_s", "steps_up", "steps_up_without_rescale",
  "requests_offered", "requests_dropped", "node_hours", "cost_usd", "item_latency_p95_s", "items_waiting",
  "oom_kills", "cpu_throttled_s", "cpu_requested_core_hours",
] as const;

export type Summary = Record<(typeof SUMMARY_COLUMNS)[number], number>;

export interface SummaryInputs {
  seed: number;
  duration_ms: number;
  sampleInterval_ms: number;
  sloLatencyP95_ms: number;
  /** Service-quality figures count samples whose interval ends after this. */
  summaryFrom_ms: number;
  timeseries: TimeSeries;
  events: EventLog;
  podHours: number;
  requestsOffered: number;
  requestsDropped: number;
  nodeHours: number;
  costUsd: number;
  lag: readonly LagRow[];
  cpuThrottled_s: number;
  /** The queues' figures; null when the run has no queue. */
  queues: { itemLatencyP95_s: number; itemsWaiting: number } | null;
  /** The names of the run's controller plugins (the components of their rescale events). */
  controllers: readonly string[];
}

export function summarize(inputs: SummaryInputs): Summary {
  // Two passes over the recorder's rows, none of them kept: a 28-day run has millions.
  const rows = () => inputs.timeseries.rows();
  // Replicas per sample time and workload (Deployments, StatefulSets, ReplicationControllers; a change recorded at a
  // sample instant and the sample itself are one value, not two).
  const replicasAt = new Map<number, Map<string, number>>();
  const byTime = new Map<number, { replicas: number; violated: boolean }>();
  const weighted: [number, number][] = [];
  const servedAt = new Map<string, number>();
  const offeredAt = new Map<string, number>();
  for (const r of rows()) {
    if (r.kind === "Service" && r.metric === "rps_served") servedAt.set(`${r.name}@${r.time_ms}`, r.value);
    if (r.kind === "Service" && r.metric === "rps_offered") offeredAt.set(`${r.name}@${r.time_ms}`, r.value);
  }
  // A sample reports the interval that ends at it: it counts when that interval ends after
  // summaryFrom (one straddling it counts: a load starting off the sample grid is not hidden),
  // for a Service that was offered traffic in it.
  const counts = (name: string, time_ms: number) => time_ms > inputs.summaryFrom_ms && (offeredAt.get(`${name}@${time_ms}`) ?? 0) > 0;
  for (const r of rows()) {
    let slot = byTime.get(r.time_ms);
    if (!slot) byTime.set(r.time_ms, (slot = { replicas: 0, violated: false }));
    if ((r.kind === "Deployment" || r.kind === "StatefulSet" || r.kind === "ReplicationController") && r.metric === "replicas_spec") {
      let perDeployment = replicasAt.get(r.time_ms);
      if (!perDeployment) replicasAt.set(r.time_ms, (perDeployment = new Map()));
      perDeployment.set(`${r.kind}/${r.name}`, r.value);
    }
    if (r.kind !== "Service" || !counts(r.name, r.time_ms)) continue;
    if (r.metric === "rps_dropped" && r.value > 0) slot.violated = true;
    if (r.metric === "latency_p95_ms" && Number.isFinite(r.value)) {
      if (r.value > inputs.sloLatencyP95_ms) slot.violated = true;
      weighted.push([r.value, servedAt.get(`${r.name}@${r.time_ms}`) ?? 0]);
    }
  }
  // Requested CPU per sample time, over every node.
  const requestedAt = new Map<number, number>();
  for (const r of rows()) {
    if (r.kind === "Node" && r.metric === "cpu_requested_mcores" && r.time_ms % inputs.sampleInterval_ms === 0) requestedAt.set(r.time_ms, (requestedAt.get(r.time_ms) ?? 0) + r.value);
  }
  let requestedSum_mcores = 0;
  for (const v of requestedAt.values()) requestedSum_mcores += v;
  const cpuRequestedCoreHours = requestedAt.size > 0 ? ((requestedSum_mcores / requestedAt.size) * inputs.duration_ms) / 1000 / 3_600_000 : NaN;
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

  const lag = lagFigures(inputs.lag);
  return {
    seed: inputs.seed,
    duration_s: inputs.duration_ms / 1000,
    slo_violation_s: violation_ms / 1000,
    latency_p95_ms: round3(weightedQuantile(weighted, 0.95)),
    replicas_mean: round3(samples.length > 0 ? replicasSum / samples.length : NaN),
    replicas_max: replicasMax,
    pod_hours: round3(inputs.podHours),
    scale_events: ["horizontal-pod-autoscaler", ...inputs.controllers].reduce((n, component) => n + inputs.events.count(component, "Normal", "SuccessfulRescale"), 0),
    time_to_scale_s: round3(lag.mean("hpa_rescale")),
    time_to_metrics_s: round3(lag.mean("metrics_90pct")),
    time_to_serving_s: round3(lag.mean("pods_serving")),
    steps_up: lag.stepsUp,
    steps_up_without_rescale: lag.withoutRescale,
    requests_offered: round3(inputs.requestsOffered),
    requests_dropped: round3(inputs.requestsDropped),
    node_hours: round3(inputs.nodeHours),
    cost_usd: round3(inputs.costUsd),
    item_latency_p95_s: round3(inputs.queues?.itemLatencyP95_s ?? NaN),
    items_waiting: round3(inputs.queues?.itemsWaiting ?? NaN),
    oom_kills: inputs.events.count("kubelet", "Killing", "OOMKilled"),
    cpu_throttled_s: round3(inputs.cpuThrottled_s),
    cpu_requested_core_hours: round3(cpuRequestedCoreHours),
  };
}

/** The summary's figures of the load steps up in lag.csv's rows. */
function lagFigures(rows: readonly LagRow[]): { mean: (stage: LagStage) => number; stepsUp: number; withoutRescale: number } {
  const up = rows.filter((r) => r.direction === "up");
  const rescales = up.filter((r) => r.stage === "hpa_rescale");
  return {
    mean: (stage) => {
      const reached = up.filter((r) => r.stage === stage && Number.isFinite(r.after_step_s));
      return reached.length > 0 ? reached.reduce((a, r) => a + r.after_step_s, 0) / reached.length : NaN;
    },
    stepsUp: rescales.length,
    withoutRescale: rescales.filter((r) => !Number.isFinite(r.after_step_s)).length,
  };
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
