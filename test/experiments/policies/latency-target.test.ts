/**
 * The latency-target controller plugin (experiments/policies/latency-target.ts): proportional
 * scale-up capped at doubling, one pod down below the low watermark, the dead band in between,
 * scale-down held by its window; and on the shipped spiky scenario it reads the Service's p95
 * from Prometheus and runs fewer pods than the HPA.
 */
import t from "tap";
import latencyTarget, { type LatencyTargetConfig } from "../../../experiments/policies/latency-target.js";
import type { ControllerContext } from "../../../experiments/plugins/api.js";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { runScenario } from "../../../experiments/runner.js";

function drive(config: Partial<LatencyTargetConfig>, p95_s: (t_s: number) => number | null, ticks: number, replicas = 4) {
  let tick: ((now_ms: number) => void) | null = null;
  let now_ms = 0;
  const rows: { t_s: number; desired: number | null; replicas: number; action: string }[] = [];
  const ctx = {
    every: (_p: number, fn: (now_ms: number) => void) => ((tick = fn), { cancel() {} }),
    metrics: { prometheus: () => ({ value: p95_s(now_ms / 1000) }) },
    getScale: () => ({ replicas }),
    updateScale: (_k: string, _n: string, _d: string, r: number) => ((replicas = r), { ok: true }),
    decide: (row: { desired: number | null; replicas: number; action: string }) => rows.push({ t_s: now_ms / 1000, ...row }),
  } as unknown as ControllerContext;
  latencyTarget(ctx, { deployment: "web", query: "q", targetLatencyMs: 400, interval: 15, minReplicas: 1, maxReplicas: 50, ...config });
  for (let i = 1; i <= ticks; i++) {
    now_ms = i * 15_000;
    tick!(now_ms);
  }
  return rows;
}

t.test("table: one check from 4 replicas", async (t) => {
  const cases: [p95_ms: number | null, desired: number | null, action: string][] = [
    [500, 5, "scale up"], // 4 × 500/400 = 5
    [1000, 8, "scale up"], // 4 × 2.5, capped at doubling
    [410, 5, "scale up"], // any overshoot adds at least one pod (ceil)
    [380, 4, "keep"], // the dead band: between 200 (0.5 × 400) and 400
    [150, 3, "scale down"], // below the low watermark (200): one pod fewer (no window here)
    [null, null, "no latency"],
  ];
  for (const [p95_ms, desired, action] of cases) {
    const [row] = drive({ scaleDownWindow: 0 }, () => (p95_ms === null ? null : p95_ms / 1000), 1);
    t.strictSame([row.desired, row.action], [desired, action], `p95 ${p95_ms} ms`);
  }
});

t.test("scale-down waits for the window and goes one pod at a time", async (t) => {
  // 1 s p95 for a minute (up to 8, then 16), then 100 ms.
  const rows = drive({ scaleDownWindow: 120 }, (t_s) => (t_s <= 60 ? 1 : 0.1), 40);
  const downs = rows.filter((r) => r.action === "scale down");
  t.ok(downs[0].t_s > 60 + 120 - 15, `first scale-down at ${downs[0].t_s} s`);
  t.ok(downs.every((r) => r.replicas - r.desired! === 1), "one pod at a time");
});

t.test("the shipped spiky scenario: p95 from Prometheus, fewer pod-hours than the HPA", async (t) => {
  const run = (file: string) => {
    const loaded = loadScenario(file);
    t.strictSame(loaded.errors, []);
    return runScenario(loaded.config!, { name: "x", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  };
  const plugin = run("experiments/scenarios/predictive/spiky-latency.yaml");
  const hpa = run("experiments/scenarios/spiky/scenario.yaml");
  const rows = [...plugin.simulation.controllers!.decisions.get("latency-target")!.rows()];
  t.ok(rows.some((r) => typeof r[2] === "number" && r[2] > 300), "it read p95s from Prometheus");
  t.ok(plugin.summary.scale_events > 0, "its rescales count as scale events");
  t.ok(plugin.summary.pod_hours < hpa.summary.pod_hours * 0.8, `pod-hours ${plugin.summary.pod_hours} against the HPA's ${hpa.summary.pod_hours}`);
});
