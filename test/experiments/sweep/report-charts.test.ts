/**
 * The sweep report's charts: labels a reader can read (factors moved together share one entry;
 * only the Pareto front is labelled, cells at one point under one label), the cost axis chosen
 * by what the cells vary (dollars, requested CPU for sizing sweeps, else pod-hours), and metrics
 * charted only when some cell measured them.
 */
import t from "tap";
import { cellLabel, paretoChart, sweepReportFiles } from "../../../experiments/sweep/report.js";
import { SWEEP_METRICS, type CellStats } from "../../../experiments/sweep/aggregate.js";

const stat = (mean: number) => ({ mean, sd: 0, low: mean, high: mean, n: 3 });
function cell(id: string, values: [string, string | number][], metrics: Record<string, number>): CellStats {
  // As aggregate.ts gives them: every metric, NaN where no run measured it.
  const stats: CellStats["stats"] = {};
  for (const m of SWEEP_METRICS) stats[m] = stat(NaN);
  for (const [m, v] of Object.entries(metrics)) stats[m] = stat(v);
  return { id, values, replications: 3, stats };
}

const sizing = [
  cell("a", [["components.vpa.targetCpuPercentile", 0.5], ["components.vpa.targetMemoryPercentile", 0.5], ["components.vpa.safetyMarginFraction", 0]], { pod_hours: 22, replicas_mean: 4, cpu_requested_core_hours: 24, slo_violation_s: 13600, oom_kills: 60, cpu_throttled_s: 9000 }),
  cell("b", [["components.vpa.targetCpuPercentile", 0.9], ["components.vpa.targetMemoryPercentile", 0.9], ["components.vpa.safetyMarginFraction", 0]], { pod_hours: 24, replicas_mean: 4, cpu_requested_core_hours: 28, slo_violation_s: 10600, oom_kills: 20, cpu_throttled_s: 700 }),
  cell("c", [["components.vpa.targetCpuPercentile", 0.95], ["components.vpa.targetMemoryPercentile", 0.95], ["components.vpa.safetyMarginFraction", 0]], { pod_hours: 24, replicas_mean: 4, cpu_requested_core_hours: 28, slo_violation_s: 10600, oom_kills: 20, cpu_throttled_s: 700 }),
  cell("d", [["components.vpa.targetCpuPercentile", 0.9], ["components.vpa.targetMemoryPercentile", 0.9], ["components.vpa.safetyMarginFraction", 0.3]], { pod_hours: 24, replicas_mean: 4, cpu_requested_core_hours: 38, slo_violation_s: 3400, oom_kills: 0, cpu_throttled_s: 35 }),
  cell("e", [["components.vpa.targetCpuPercentile", 0.5], ["components.vpa.targetMemoryPercentile", 0.5], ["components.vpa.safetyMarginFraction", 0.3]], { pod_hours: 24, replicas_mean: 4, cpu_requested_core_hours: 39, slo_violation_s: 5600, oom_kills: 0, cpu_throttled_s: 53 }),
];

type Spec = { layer: { data: { values: { cell: string; cost: number }[] }; mark: { type: string } | string; encoding: { x: { title: string } } }[] };

t.test("labels: factors moved together share one entry", async (t) => {
  t.equal(cellLabel(sizing[0], sizing), "targetCpuPercentile=targetMemoryPercentile=0.5, safetyMarginFraction=0");
  t.equal(cellLabel(sizing[0]), "targetCpuPercentile=targetMemoryPercentile=0.5, safetyMarginFraction=0", "alone, every tie counts");
  const grid = [cell("x", [["a.p", 1], ["a.q", 1]], {}), cell("y", [["a.p", 1], ["a.q", 2]], {})];
  t.equal(cellLabel(grid[0], grid), "p=1, q=1", "not tied across the cells: separate");
});

t.test("the Pareto chart of a sizing sweep: requested CPU as the cost; only the front labelled, one label per point", async (t) => {
  const spec = paretoChart(sizing).spec as unknown as Spec;
  t.equal(spec.layer[0].encoding.x.title, "CPU requested (core-hours, mean)", "the cells run the same replicas: pod-hours would not tell them apart");
  const text = spec.layer.find((l) => typeof l.mark === "object" && l.mark.type === "text")!;
  const labels = text.data.values.map((v) => v.cell);
  t.strictSame(labels, [
    "targetCpuPercentile=targetMemoryPercentile=0.5, safetyMarginFraction=0",
    "targetCpuPercentile=targetMemoryPercentile=0.9, safetyMarginFraction=0 | targetCpuPercentile=targetMemoryPercentile=0.95, safetyMarginFraction=0",
    "targetCpuPercentile=targetMemoryPercentile=0.9, safetyMarginFraction=0.3",
  ], "e (more CPU, more violations than d) is dominated and unlabelled; b and c coincide");
  const counting = sizing.map((c, i) => ({ ...c, stats: { ...c.stats, replicas_mean: stat(2 + i) } }));
  t.equal(((paretoChart(counting).spec as unknown as Spec).layer[0].encoding.x.title), "pod-hours (mean)", "cells with different replicas: pod-hours");
});

t.test("OOM kills and throttling are charted only when some cell has them", async (t) => {
  const files = await sweepReportFiles("vpa", "", sizing);
  t.ok("charts/ci-oom_kills.svg" in files && "charts/ci-cpu_throttled_s.svg" in files);
  const calm = sizing.map((c) => ({ ...c, stats: { ...c.stats, oom_kills: stat(0), cpu_throttled_s: stat(0) } }));
  const calmFiles = await sweepReportFiles("vpa", "", calm);
  t.notOk("charts/ci-oom_kills.svg" in calmFiles || "charts/ci-cpu_throttled_s.svg" in calmFiles);
  t.notOk("charts/ci-latency_p95_ms.svg" in calmFiles, "no request latency measured: no chart");
});
