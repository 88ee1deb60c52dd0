/**
 * `npm run experiment:keda-vs-cpu`: KEDA on queue length against an HPA on CPU for the same
 * queue consumer under a bursty producer (experiments/scenarios/keda-queue/). The npm script runs
 * the two sweeps (experiments/sweeps/keda-queue.yaml: the redis trigger's listLength;
 * cpu-queue.yaml: the HPA's target utilization), then this script puts their cells on one chart:
 * the items' p95 latency against pod-hours, means with 95 % confidence intervals on both axes.
 *
 * Usage: figure.ts <keda sweep folder> <cpu sweep folder> <output folder>
 * Writes keda-vs-cpu.csv (one row per cell of both sweeps), chart.vl.json, chart.svg, chart.png.
 */
import fs from "node:fs";
import path from "node:path";
import { parse } from "csv-parse/sync";
import { stringify } from "csv-stringify/sync";
import type { TopLevelSpec } from "vega-lite";
import { CSV_CAST } from "../../engine/index.js";
import { writeFilesAtomically } from "../output.js";
import { renderSvg, svgToPng } from "../report/index.js";
import { CHART_CONFIG } from "../report/charts.js";
import { UserError } from "../errors.js";

interface Point {
  autoscaler: string;
  target: string;
  pod_hours: number;
  pod_hours_low: number;
  pod_hours_high: number;
  item_latency_p95_s: number;
  item_latency_p95_s_low: number;
  item_latency_p95_s_high: number;
  replications: number;
}

/** The cells of one sweep's sweep-summary.csv (its single factor is the autoscaler's target). */
function readSweep(folder: string, autoscaler: string, unit: string): Point[] {
  const file = path.join(folder, "sweep-summary.csv");
  if (!fs.existsSync(file)) throw new UserError(`${file}: no such file (run the sweep first)`);
  const rows = parse(fs.readFileSync(file, "utf8"), { columns: true }) as Record<string, string>[];
  return rows.map((r) => {
    const factor = Object.keys(r)[1];
    const n = (key: string) => (r[key] === "" ? NaN : Number(r[key]));
    const mean = (m: string) => n(`${m}_mean`);
    // One replication has no interval: the mean stands for it.
    const bound = (m: string, side: "low" | "high") => (Number.isFinite(n(`${m}_ci95_${side}`)) ? n(`${m}_ci95_${side}`) : mean(m));
    return {
      autoscaler,
      target: `${r[factor]}${unit}`,
      pod_hours: mean("pod_hours"),
      pod_hours_low: bound("pod_hours", "low"),
      pod_hours_high: bound("pod_hours", "high"),
      item_latency_p95_s: mean("item_latency_p95_s"),
      item_latency_p95_s_low: bound("item_latency_p95_s", "low"),
      item_latency_p95_s_high: bound("item_latency_p95_s", "high"),
      replications: n("replications"),
    };
  });
}

export function kedaVsCpuChart(points: readonly Point[]): TopLevelSpec {
  const color = { field: "autoscaler", type: "nominal" as const, title: null, scale: { domain: ["KEDA (list length)", "HPA (CPU)"], range: ["#1f77b4", "#d62728"] } };
  const x = { field: "pod_hours", type: "quantitative" as const, title: "pod-hours (mean, 95 % CI)", scale: { zero: false } };
  const y = { field: "item_latency_p95_s", type: "quantitative" as const, title: "item latency p95 (s, mean, 95 % CI)", scale: { zero: false } };
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: `KEDA on list length vs HPA on CPU, queue under bursts (${points[0]?.replications ?? 0} replications)`,
    width: 520,
    height: 320,
    config: CHART_CONFIG,
    data: { values: points },
    layer: [
      { mark: { type: "rule", opacity: 0.6 }, encoding: { x: { ...x, field: "pod_hours_low" }, x2: { field: "pod_hours_high" }, y, color } },
      { mark: { type: "rule", opacity: 0.6 }, encoding: { x, y: { ...y, field: "item_latency_p95_s_low" }, y2: { field: "item_latency_p95_s_high" }, color } },
      { mark: { type: "point", filled: true, size: 80 }, encoding: { x, y, color } },
      { mark: { type: "text", align: "left", dx: 7, dy: -7, fontSize: 10 }, encoding: { x, y, color, text: { field: "target" } } },
    ],
  } as TopLevelSpec;
}

if (/figure\.(ts|js)$/.test(process.argv[1] ?? "")) {
  const [keda, cpu, out] = process.argv.slice(2);
  if (out === undefined) {
    console.error("usage: figure.ts <keda sweep folder> <cpu sweep folder> <output folder>");
    process.exit(2);
  }
  try {
    const points = [...readSweep(keda, "KEDA (list length)", " items"), ...readSweep(cpu, "HPA (CPU)", " %")];
    const spec = kedaVsCpuChart(points);
    const svg = await renderSvg(spec, "keda-vs-cpu");
    writeFilesAtomically(out, {
      "keda-vs-cpu.csv": stringify(points, { header: true, cast: CSV_CAST }),
      "chart.vl.json": JSON.stringify(spec, null, 2) + "\n",
      "chart.svg": svg,
      "chart.png": svgToPng(svg),
    });
    console.log(`wrote ${out}/ (keda-vs-cpu.csv, chart.vl.json, chart.svg, chart.png)`);
  } catch (e) {
    if (!(e instanceof UserError)) throw e;
    console.error(`error: ${e.message}`);
    process.exit(1);
  }
}
