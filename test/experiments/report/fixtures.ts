/**
 * A small synthetic run (two Deployments, two Services, two HPAs) as the runner's file texts,
 * with free text that needs escaping and CSV quoting, for the report tests.
 */
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../../temp-dir.js";

export const XSS = "<img src=x onerror=alert(1)>";

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csv = (header: string[], rows: (string | number)[][]): string =>
  [header.join(","), ...rows.map((r) => r.map(csvCell).join(","))].join("\n") + "\n";

export interface FixtureOptions {
  deployments?: string[];
  duration_s?: number;
  description?: string;
  /** Scales replica counts, so two fixtures differ (for comparison charts). */
  replicaFactor?: number;
}

/** The texts of a run folder: timeseries.csv, events.csv, decisions.csv, summary.csv, manifest.json. */
export function runTexts(opts: FixtureOptions = {}): Record<string, string> {
  const deployments = opts.deployments ?? ["web", "api"];
  const duration_s = opts.duration_s ?? 600;
  const factor = opts.replicaFactor ?? 1;
  const ts: (string | number)[][] = [];
  const decisions: (string | number)[][] = [];
  for (let t = 0; t <= duration_s; t += 15) {
    deployments.forEach((d, i) => {
      const demand = 50 + 40 * Math.sin(t / 120 + i) + 10 * i;
      const replicas = Math.max(1, Math.round((demand / 20) * factor));
      const ready = t < 30 ? 1 : replicas - (t % 60 === 0 ? 1 : 0);
      ts.push([t, "Deployment", d, "replicas_spec", replicas]);
      ts.push([t, "Deployment", d, "replicas_ready", Math.max(0, ready)]);
      ts.push([t, "Deployment", d, "cpu_usage_mcores", demand * 10]);
      ts.push([t, "Deployment", d, "cpu_utilization_pct", Math.round(demand * 1.2)]);
      ts.push([t, "Deployment", d, "cpu_utilization_true_pct", demand * 1.1]);
      ts.push([t, "HorizontalPodAutoscaler", `${d}-hpa`, "desired_replicas", replicas]);
      ts.push([t, "Service", d, "rps_offered", demand]);
      ts.push([t, "Service", d, "rps_served", demand * 0.98]);
      ts.push([t, "Service", d, "rps_dropped", demand * 0.02]);
      // No traffic in the first sample: empty latency cells (NaN).
      ts.push([t, "Service", d, "latency_p50_ms", t === 0 ? "" : 40 + demand / 2]);
      ts.push([t, "Service", d, "latency_p95_ms", t === 0 ? "" : 90 + demand * 1.5]);
      const prev = Math.max(1, Math.round(((50 + 40 * Math.sin((t - 15) / 120 + i) + 10 * i) / 20) * factor));
      const rescale = t > 0 && prev !== replicas;
      decisions.push([t, `${d}-hpa`, prev, "cpu=60%", replicas, replicas, replicas, replicas, rescale ? "true" : "false",
        "normal", rescale ? "" : "ScaleDownStabilized", t % 90 === 0 ? "TooManyReplicas, \"max\"" : "", "True", "True", "False"]);
    });
    ts.push([t, "Node", "node-1", "cpu_requested_mcores", 2000]);
    ts.push([t, "Cluster", "cluster", "nodes_ready", 3]);
    ts.push([t, "Cluster", "cluster", "pods_pending", 0]);
  }
  const events = [
    [0, "scheduler", "Pod", "web-1", "Scheduled", "Scheduled", "assigned default/web-1 to node-1"],
    [15, "hpa", "HorizontalPodAutoscaler", "web-hpa", "SuccessfulRescale", "SuccessfulRescale", 'New size: 3; reason: cpu resource utilization (percentage of request) above target, "quoted"'],
    [30, "kubelet", "Pod", "web-2", "Failed", "BackOff", `multi-line\nmessage with ${XSS} & <b>tags</b>`],
  ];
  return {
    "timeseries.csv": csv(["time_s", "kind", "name", "metric", "value"], ts),
    "events.csv": csv(["time_s", "component", "kind", "name", "event", "reason", "message"], events),
    "decisions.csv": csv(
      ["time_s", "hpa", "current_replicas", "metrics", "metric_desired_replicas", "stabilized_replicas", "limited_replicas", "desired_replicas", "rescale", "path",
        "stabilization_reason", "limiting_reason", "able_to_scale", "scaling_active", "scaling_limited"],
      decisions,
    ),
    "summary.csv": csv(["slo_violation_s", "latency_p95_ms", "replicas_mean", "replicas_max", "pod_hours", "scale_events", "note"],
      [[45, 180.5, 3.2, 6, 1.25, 12, "a <script>alert(1)</script> note"]]),
    "manifest.json": JSON.stringify({
      scenario: { name: "diurnal <web>", description: opts.description ?? `Two services, ${XSS}` },
      seed: 42,
      slo: { latencyP95_ms: 200 },
    }, null, 2),
  };
}

/** Writes a fixture run to a fresh temporary folder and returns its path. */
export function writeRunDir(opts: FixtureOptions = {}): string {
  const dir = tempDir("kubesim-report-");
  for (const [name, text] of Object.entries(runTexts(opts))) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
