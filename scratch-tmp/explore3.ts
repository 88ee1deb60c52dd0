import path from "node:path";
import { runScenario } from "../experiments/runner.js";
import { loadScenario } from "../experiments/scenario/index.js";
import type { SimulationConfig } from "../experiments/simulator.js";
import { constant } from "../models/workload/load-profiles.js";
import { outputText } from "../test/experiments/scenario/helpers.js";
import { parse } from "csv-parse/sync";
const loaded = loadScenario(path.resolve("experiments/scenarios/php-apache/scenario.yaml"));
const base = loaded.config!;
function at10(arrivals: any, spread: any, seed: number): SimulationConfig {
  const objects = base.objects.filter((o) => o.kind !== "HorizontalPodAutoscaler").map((o) => (o.kind === "Deployment" ? { ...o, spec: { ...(o as any).spec, replicas: 10 } } : o));
  return { ...base, seed, objects: objects as any, duration_ms: 4 * 3_600_000, sampleInterval_ms: 1_800_000, traffic: [{ ...base.traffic[0], profile: constant(2.27), arrivals, spread }] };
}
for (const [arrivals, spread] of [["fluid", "random"], ["requests", "random"], ["requests", "round-robin"]]) {
  const t0 = Date.now();
  const out = runScenario(at10(arrivals, spread, 7), { name: "x", description: "", sloLatencyP95_ms: 2000, files: loaded.scenario.files });
  const rows = parse(outputText(out.files, "timeseries.csv"), { columns: true }) as any[];
  const p95 = rows.filter((r) => r.kind === "Service" && r.metric === "latency_p95_ms").map((r) => r.value);
  const p50 = rows.filter((r) => r.kind === "Service" && r.metric === "latency_p50_ms").map((r) => r.value);
  const cpu = rows.filter((r) => r.kind === "Deployment" && r.metric === "cpu_usage_mcores").map((r) => r.value);
  console.log(arrivals, spread, Date.now() - t0, "ms p95", p95.join(" "), "p50", p50.join(" "), "cpu", cpu.join(" "));
}
