/**
 * The shipped KEDA-vs-CPU experiment: every cell of both sweeps loads (the list-length factor
 * patches a trigger inside a list, through an RFC 6902 patch), one seed of each variant shows
 * what the comparison is about, and the figure script draws both sweeps' cells with their
 * confidence intervals.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { cellOverlay } from "../../../experiments/sweep/overlay.js";
import { kedaVsCpuChart } from "../../../experiments/keda-vs-cpu/figure.js";
import type { StoredScaledObject } from "../../../models/keda/operator.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

t.test("every cell of both sweeps loads: 4 targets each, 10 replications", async (t) => {
  for (const sweep of ["keda-queue", "cpu-queue"]) {
    const plan = planSweep(path.join(ROOT, `experiments/sweeps/${sweep}.yaml`));
    t.equal(plan.cells.length, 4, sweep);
    t.equal(plan.units.length, 40, sweep);
  }
});

t.test("a list-length cell sets the trigger's listLength and keeps the trigger list", async (t) => {
  const plan = planSweep(path.join(ROOT, "experiments/sweeps/keda-queue.yaml"));
  const cell = plan.cells.find((c) => c.values[0][1] === "200")!;
  t.ok(cell, "the 200-item cell");
  // The cell's overlay, beside the base scenario (it extends it by a relative path).
  const overlay = path.join(ROOT, "experiments/scenarios/keda-queue", `.test-cell-${process.pid}.yaml`);
  t.teardown(() => fs.rmSync(overlay, { force: true }));
  const { text, problems } = cellOverlay(cell, plan.base, "keda-run.yaml", "");
  t.strictSame(problems, []);
  t.match(text, /jsonPatch:/, "an RFC 6902 patch through the trigger list");
  fs.writeFileSync(overlay, text);
  const loaded = loadScenario(overlay);
  t.strictSame(loaded.errors, []);
  const so = loaded.config!.objects.find((o) => o.kind === "ScaledObject") as unknown as StoredScaledObject;
  t.equal(so.spec.triggers.length, 1);
  t.equal(so.spec.triggers[0].metadata.listLength, "200");
  t.equal(so.spec.triggers[0].metadata.listName, "jobs", "the rest of the trigger kept");
});

t.test("one seed of each: KEDA scales on the backlog, the HPA on the consumers' CPU; both drain every burst", async (t) => {
  const run = (file: string) => {
    const loaded = loadScenario(path.join(ROOT, "experiments/scenarios/keda-queue", file));
    t.strictSame(loaded.errors, [], file);
    return runScenario(loaded.config!, { name: file, description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files }).summary;
  };
  const keda = run("keda-run.yaml");
  const cpu = run("cpu-run.yaml");
  for (const [name, s] of [["keda", keda], ["cpu", cpu]] as const) {
    t.ok(s.replicas_max > 5, `${name}: scaled out for the bursts (max ${s.replicas_max})`);
    t.equal(s.items_waiting, 0, `${name}: nothing left in the list at the end`);
    t.ok(s.item_latency_p95_s > 0.4, `${name}: p95 above one item's processing time (${s.item_latency_p95_s} s)`);
  }
  t.ok(keda.pod_hours < cpu.pod_hours, `KEDA at 10 items per replica costs less than the HPA at 70 % CPU (${keda.pod_hours} < ${cpu.pod_hours} pod-hours)`);
});

t.test("the figure: both autoscalers' cells, with intervals on both axes", async (t) => {
  const point = (autoscaler: string, target: string, x: number, y: number) => ({
    autoscaler, target, pod_hours: x, pod_hours_low: x - 1, pod_hours_high: x + 1,
    item_latency_p95_s: y, item_latency_p95_s_low: y - 2, item_latency_p95_s_high: y + 2, replications: 10,
  });
  const spec = kedaVsCpuChart([point("KEDA (list length)", "10 items", 14, 22), point("HPA (CPU)", "40 %", 22, 10)]) as unknown as { layer: { encoding: Record<string, { field?: string }> }[]; data: { values: unknown[] } };
  t.equal(spec.data.values.length, 2);
  t.strictSame(spec.layer.map((l) => [l.encoding.x.field, l.encoding.y.field]), [
    ["pod_hours_low", "item_latency_p95_s"],
    ["pod_hours", "item_latency_p95_s_low"],
    ["pod_hours", "item_latency_p95_s"],
    ["pod_hours", "item_latency_p95_s"],
  ], "x and y error bars, points, labels");
});
