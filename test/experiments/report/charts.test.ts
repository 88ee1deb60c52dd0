import type { Test } from "tap";
import t from "tap";
import { comparedHpaMetric, comparisonChart, defaultCharts, hpaMetricsChart, queueChart, type Chart } from "../../../experiments/report/charts.js";
import { recordedSeries } from "../../../experiments/report/series.js";
import { TimeSeries } from "../../../engine/index.js";
import { parseRun } from "../../../experiments/report/parse.js";
import { compileSpec, renderSvg, stableIds, svgToPng } from "../../../experiments/report/render.js";
import { thinSeries, topNames } from "../../../experiments/report/select.js";
import type { RunData } from "../../../experiments/report/types.js";
import { runTexts } from "./fixtures.js";

function fixtureRun(opts: Parameters<typeof runTexts>[0] = {}): RunData {
  const f = runTexts(opts);
  return parseRun({ timeseries: f["timeseries.csv"], events: f["events.csv"], decisions: f["decisions.csv"], summary: f["summary.csv"], manifest: f["manifest.json"] });
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

/** Axis titles each chart must show (they are SVG <text> elements). */
const AXIS_TITLES: Record<string, string[]> = {
  replicas: ["time (s)", "replicas", "offered load (req/s, grey)"],
  "cpu-utilization": ["time (s)", "CPU utilization (%)"],
  latency: ["time (s)", "latency (ms, log scale)"],
  decisions: ["time (s)", "desired replicas"],
  comparison: ["time (s)", "replicas"],
  nodes: ["time (s)", "nodes", "pending pods (grey)"],
};

async function checkChart(t: Test, chart: Chart): Promise<void> {
  t.same(compileSpec(chart.spec).warnings, [], `${chart.name}: vega-lite compiles without warnings`);
  const svg = await renderSvg(chart.spec, chart.name);
  t.match(svg, /^<svg[\s\S]*<\/svg>$/, `${chart.name}: SVG document`);
  t.ok(svg.length > 1000, `${chart.name}: SVG is not empty`);
  for (const title of AXIS_TITLES[chart.name]) t.ok(svg.includes(`>${title}</text>`), `${chart.name}: axis title "${title}"`);
  const png = svgToPng(svg);
  t.same([...png.subarray(0, 8)], PNG_SIGNATURE, `${chart.name}: PNG signature`);
  t.ok(png.length > 1000, `${chart.name}: PNG is not empty`);
  // Determinism: a second render (process-wide vega counters have moved on) gives the same bytes.
  const svg2 = await renderSvg(structuredClone(chart.spec), chart.name);
  t.equal(svg2, svg, `${chart.name}: same SVG bytes twice`);
  t.same(Buffer.from(svgToPng(svg2)), Buffer.from(png), `${chart.name}: same PNG bytes twice`);
  t.notMatch(svg, /<script|onerror=/i, `${chart.name}: no script in SVG`);
}

t.test("default charts compile, render and are deterministic", async (t) => {
  const run = fixtureRun();
  const charts = defaultCharts(run);
  t.same(charts.map((c) => c.name), ["replicas", "cpu-utilization", "latency", "decisions"]);
  for (const chart of charts) await checkChart(t, chart);
  // Specs are self-contained: data inline, no URLs.
  for (const chart of charts) t.notMatch(JSON.stringify(chart.spec), /"url"/, `${chart.name}: no data URL`);
});

t.test("single-Deployment run gives unfaceted charts that still compile cleanly", async (t) => {
  const run = fixtureRun({ deployments: ["web"] });
  for (const chart of defaultCharts(run)) {
    t.same(compileSpec(chart.spec).warnings, [], `${chart.name}: no warnings`);
    t.notOk("facet" in chart.spec, `${chart.name}: not faceted`);
  }
});

/** What vega and vega-lite print to the console while `fn` runs (their default logger uses console). */
async function consoleOutput(fn: () => Promise<unknown>): Promise<string[]> {
  const printed: string[] = [];
  const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
  for (const method of ["log", "warn", "error", "info"] as const) console[method] = (...args: unknown[]) => void printed.push(args.map(String).join(" "));
  try {
    await fn();
  } finally {
    Object.assign(console, saved);
  }
  return printed;
}

t.test("a run that never rescales and serves nothing renders without a vega warning", async (t) => {
  const f = runTexts();
  const run = parseRun({
    // No request served: every latency cell empty.
    timeseries: f["timeseries.csv"].replace(/^([^,]*,Service,[^,]*,latency_p\d+_ms,).*$/gm, "$1"),
    events: f["events.csv"],
    // Never rescaled.
    decisions: f["decisions.csv"].replace(/,true,/g, ",false,"),
    summary: f["summary.csv"],
    manifest: f["manifest.json"],
  });
  const charts = defaultCharts(run);
  t.same(charts.map((c) => c.name), ["replicas", "cpu-utilization", "decisions"], "no latency chart: there is no latency to draw");
  const decisions = charts.find((c) => c.name === "decisions")!;
  t.equal((decisions.spec as { layer: unknown[] }).layer.length, 1, "no rescale markers layer");
  const printed = await consoleOutput(async () => {
    for (const chart of charts) await renderSvg(chart.spec, chart.name);
  });
  t.same(printed, [], "nothing printed (was: WARN Infinite extent for field \"time_s\")");
  // The guard itself works: the old two-layer spec with no marker does print the warning.
  const twoLayers = structuredClone(defaultCharts(fixtureRun()).find((c) => c.name === "decisions")!.spec) as { data: { values: { change: string }[] } };
  for (const v of twoLayers.data.values) v.change = "";
  const warned = await consoleOutput(() => renderSvg(twoLayers as never, "decisions"));
  t.match(warned.join("\n"), /Infinite extent/, "an empty layer is what made vega warn");
});

t.test("comparison chart overlays runs", async (t) => {
  const a = fixtureRun();
  const b = fixtureRun({ replicaFactor: 1.5 });
  const chart = comparisonChart([
    { label: "default HPA", timeseries: a.timeseries },
    { label: "fast scale-down", timeseries: b.timeseries },
  ]);
  t.match(chart.title, /default HPA vs fast scale-down/);
  await checkChart(t, chart);
  const svg = await renderSvg(chart.spec, chart.name);
  t.ok(svg.includes("fast scale-down"), "legend names the runs");

  const single = comparisonChart([
    { label: "A", timeseries: fixtureRun({ deployments: ["web"] }).timeseries },
    { label: "B", timeseries: fixtureRun({ deployments: ["web"], replicaFactor: 2 }).timeseries },
  ]);
  t.same(compileSpec(single.spec).warnings, []);
});

t.test("more than 10 series: top 10 by mean, said in the title", async (t) => {
  const names = Array.from({ length: 12 }, (_, i) => `svc-${String(i).padStart(2, "0")}`);
  const run = fixtureRun({ deployments: names, duration_s: 120 });
  const charts = defaultCharts(run);
  const replicas = charts.find((c) => c.name === "replicas")!;
  t.match(replicas.title, /top 10 of 12 Deployments by mean replicas/);
  const shown = new Set((replicas.spec as { data: { values: { kind: string; name: string }[] } }).data.values.filter((v) => v.kind === "Deployment").map((v) => v.name));
  t.equal(shown.size, 10);
  for (const c of charts) t.match(c.title, /top 10 of 12/, `${c.name} says it shows the top 10`);
  for (const c of charts) t.same(compileSpec(c.spec).warnings, [], `${c.name}: no warnings`);
});

t.test("free text in names is escaped in the SVG", async (t) => {
  const run = fixtureRun({ deployments: ["<img src=x onerror=alert(1)>"] });
  const chart = defaultCharts(run)[0];
  const svg = await renderSvg(chart.spec, chart.name);
  t.notOk(svg.includes("<img"), "no raw tag");
  t.ok(svg.includes("&lt;img"), "escaped");
});

t.test("stableIds renumbers vega's counters per chart", async (t) => {
  const svg = `<svg><g clip-path="url(#clip7)"></g><defs><clipPath id="clip7"><rect/></clipPath><clipPath id="clip9"/><linearGradient id="gradient_3"/></defs><path fill="url(#gradient_3)" clip-path="url(#clip9)"/></svg>`;
  const out = stableIds(svg, "my chart");
  t.equal(
    out,
    `<svg><g clip-path="url(#my_chart-clip-1)"></g><defs><clipPath id="my_chart-clip-1"><rect/></clipPath><clipPath id="my_chart-clip-2"/><linearGradient id="my_chart-gradient-3"/></defs><path fill="url(#my_chart-gradient-3)" clip-path="url(#my_chart-clip-2)"/></svg>`,
  );
  // A spec with a clipped mark: vega draws clip ids from a counter that keeps growing.
  const spec = {
    data: { values: [{ x: 0, y: 1 }, { x: 1, y: 5 }] },
    mark: { type: "line" as const, clip: true },
    encoding: { x: { field: "x", type: "quantitative" as const, scale: { domain: [0, 0.5] } }, y: { field: "y", type: "quantitative" as const } },
  };
  const a = await renderSvg(spec, "c");
  const b = await renderSvg(spec, "c");
  t.match(a, /id="c-clip-1"/);
  t.equal(a, b);
});

t.test("thinSeries keeps the shape", async (t) => {
  const pts = [0, 1, 2, 3, 4, 5].map((i) => ({ time_s: i, value: i < 3 ? 1 : 2 }));
  t.same(thinSeries(pts).map((p) => p.time_s), [0, 2, 3, 5], "interior points of constant runs dropped");
  const nulls = [{ time_s: 0, value: null }, { time_s: 1, value: null }, { time_s: 2, value: null }, { time_s: 3, value: 4 }];
  t.same(thinSeries(nulls).map((p) => p.time_s), [0, 2, 3], "gaps stay gaps");
  const wave = Array.from({ length: 10_000 }, (_, i) => ({ time_s: i, value: Math.sin(i / 50) * (i === 7777 ? 10 : 1) }));
  const thin = thinSeries(wave, 400);
  t.ok(thin.length <= 400, `thinned to ${thin.length}`);
  t.ok(thin.some((p) => p.time_s === 7777), "the spike survives");
  t.equal(thin[0].time_s, 0);
  t.equal(thin[thin.length - 1].time_s, 9999);
});

t.test("topNames ranks by mean, ties by name", async (t) => {
  const series = [
    { name: "b", metric: "m", value: [2, NaN, 2] },
    { name: "a", metric: "m", value: [1, 3] },
    { name: "c", metric: "m", value: [5] },
    { name: "d", metric: "m", value: [NaN] },
    { name: "e", metric: "other", value: [100] },
  ];
  t.same(topNames(series, "m", 3), { names: ["c", "a", "b"], total: 5 }, "no value ranks last; another metric's values do not count");
});

t.test("a run with an autoscaled node group gets the nodes-against-pending-pods chart", async (t) => {
  const f = runTexts();
  const rows = ["0,NodeGroup,ng,target_size,3", "0,NodeGroup,ng,nodes,3", "0,NodeGroup,ng,nodes_ready,3", "0,Cluster,,pods_pending,0",
    "10,NodeGroup,ng,target_size,6", "10,NodeGroup,ng,nodes,3", "10,NodeGroup,ng,nodes_ready,3", "10,Cluster,,pods_pending,22",
    "90,NodeGroup,ng,target_size,6", "90,NodeGroup,ng,nodes,6", "90,NodeGroup,ng,nodes_ready,6", "90,Cluster,,pods_pending,13"];
  const run = parseRun({ timeseries: f["timeseries.csv"] + rows.join("\n") + "\n", events: f["events.csv"], decisions: f["decisions.csv"], summary: f["summary.csv"], manifest: f["manifest.json"] });
  const charts = defaultCharts(run);
  t.same(charts.map((c) => c.name), ["replicas", "cpu-utilization", "latency", "nodes", "decisions"]);
  const nodes = charts.find((c) => c.name === "nodes")!;
  const values = (nodes.spec as { data: { values: { measure: string; value: number; time_s: number }[] } }).data.values;
  t.same(values.filter((v) => v.measure === "target size").map((v) => v.value), [3, 6, 6]);
  const pending = values.filter((v) => v.measure === "pending pods").map((v) => v.value);
  t.ok(pending.includes(22) && pending.includes(13), "the cluster's pending pods on the right axis");
  await checkChart(t, nodes);
});

t.test("readable axes: latency on a log scale, whole replica ticks", async (t) => {
  const run = fixtureRun();
  const charts = defaultCharts(run);
  const spec = (name: string) => JSON.stringify(charts.find((c) => c.name === name)!.spec);
  t.match(spec("latency"), /"scale":\{"type":"log"\}/, "latency: log scale");
  t.match(spec("replicas"), /"axis":\{"tickMinStep":1,"format":"d"\}/, "replicas: integer ticks");
});

t.test("a run with queues gets the queue chart: items waiting against consumer pods", async (t) => {
  const ts = new TimeSeries();
  for (const [time_ms, items, consumers] of [[0, 0, 0], [60_000, 1, 1], [200_000, 95, 4], [230_000, 0, 10]]) {
    ts.add(time_ms, "Queue", "jobs", "items", items);
    ts.add(time_ms, "Queue", "jobs", "consumers", consumers);
  }
  const chart = queueChart(recordedSeries(ts));
  t.equal(chart.name, "queues");
  const svg = await renderSvg(chart.spec, "queues");
  for (const title of ["items waiting", "consumer pods (dashed)", "time (s)"]) t.ok(svg.includes(`>${title}</text>`), `axis title "${title}"`);
  t.match(JSON.stringify(chart.spec), /"tickMinStep":1/, "whole consumer ticks");
});

/** Two HPAs' metric series as the sampler writes them (hpa-metric-series.ts), with replicas beside. */
function hpaSeries(scale = 1): TimeSeries {
  const ts = new TimeSeries();
  for (const [time_ms, cpu, mem_mib] of [[15_000, 40, 70], [30_000, 95, 82.5], [45_000, 60, 90]]) {
    ts.add(time_ms, "HorizontalPodAutoscaler", "web", "desired_replicas", 3);
    ts.add(time_ms, "HorizontalPodAutoscaler", "web", "cpu_utilization_pct", cpu * scale);
    ts.add(time_ms, "HorizontalPodAutoscaler", "web", "target_cpu_utilization_pct", 50);
    ts.add(time_ms, "HorizontalPodAutoscaler", "cache", "memory_average_mib", mem_mib * scale);
    ts.add(time_ms, "HorizontalPodAutoscaler", "cache", "target_memory_average_mib", 64);
  }
  return ts;
}

t.test("HPA metrics chart: one panel per HPA metric, named with its unit, current against target", async (t) => {
  const chart = hpaMetricsChart(recordedSeries(hpaSeries()));
  t.equal(chart.name, "hpa-metrics");
  t.same(compileSpec(chart.spec).warnings, []);
  const spec = chart.spec as { facet: { sort: string[] }; resolve: object; data: { values: { panel: string; measure: string; value: number }[] } };
  t.same(spec.facet.sort, ["web: cpu utilization (% of request)", "cache: memory average (MiB)"], "panels by HPA and metric, with units");
  t.same(spec.resolve, { scale: { y: "independent" } }, "each panel its own y scale");
  const mem = spec.data.values.filter((v) => v.panel === "cache: memory average (MiB)");
  t.same(mem.filter((v) => v.measure === "current").map((v) => v.value), [70, 82.5, 90], "memory in MiB, as written");
  t.same([...new Set(mem.filter((v) => v.measure === "target").map((v) => v.value))], [64], "its target beside it");
  t.notOk(spec.data.values.some((v) => v.panel.includes("replicas")), "replica counts are not metrics");
  const svg = await renderSvg(chart.spec, chart.name);
  for (const text of ["web: cpu utilization (% of request)", "cache: memory average (MiB)", "time (s)"]) t.ok(svg.includes(`>${text}</text>`), `shows "${text}"`);

  const run = fixtureRun();
  t.notOk(defaultCharts(run).some((c) => c.name === "hpa-metrics"), "a run without HPA metric series has no such chart");
});

t.test("compare: an HPA metric overlaid across runs, by name and unit", async (t) => {
  const compared = comparedHpaMetric("memory_average_mib");
  t.same({ name: compared.name, what: compared.what, unit: compared.unit }, { name: "comparison-hpa-memory-average-mib", what: "HPA metric memory average", unit: "MiB" });
  const chart = comparisonChart([
    { label: "A", timeseries: recordedSeries(hpaSeries()) },
    { label: "B", timeseries: recordedSeries(hpaSeries(1.5)) },
  ], compared);
  t.same(compileSpec(chart.spec).warnings, []);
  t.match(chart.title, /^HPA metric memory average: A vs B/);
  const values = (chart.spec as { data: { values: { run: string; name: string; value: number }[] } }).data.values;
  t.same(values.filter((v) => v.run === "B").map((v) => v.value), [105, 123.75, 135], "run B's values, cache only");
  const svg = await renderSvg(chart.spec, chart.name);
  t.ok(svg.includes(">MiB</text>"), "axis says MiB");
});
