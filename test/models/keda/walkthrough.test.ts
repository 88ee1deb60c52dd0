/**
 * ../shared/oracle/keda/walkthrough.md as a full simulation (experiments/scenarios/keda-redis):
 * a Redis list consumer scaled 0 → 1 by KEDA, 1 → 4 → 8 → 10 by the HPA KEDA generated (legacy
 * rules: no behavior), 10 → 8 when the 19 of 200 s leaves the stabilisation window, and to 0 by
 * KEDA cooldownPeriod after its last active poll.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { formatDiagnostic } from "../../../experiments/manifests/diagnostics.js";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import path from "node:path";
import { fixture, HEADER, outputText } from "../../experiments/scenario/helpers.js";

const loaded = loadScenario("experiments/scenarios/keda-redis/scenario.yaml");
if (loaded.config === null) throw new Error(loaded.errors.map(formatDiagnostic).join("\n"));
const output = runScenario(loaded.config, { name: "keda-redis", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
const csv = (name: string) => parse(outputText(output.files, name), { columns: true }) as Record<string, string>[];

t.test("the replicas: 0 → 1 (KEDA, 60 s), 1 → 4 → 8 → 10 (HPA, 200/215/230 s), → 8 (HPA, 500 s), → 0 (KEDA, 510 s)", async (t) => {
  t.strictSame(loaded.warnings.map(formatDiagnostic), [], "no warning");
  const rescales = [...output.simulation.events.recorder.rows()]
    .filter((e) => e[5] === "SuccessfulRescale")
    .map((e) => [e[0], String(e[6]).match(/New size: (\d+)/)![1]]);
  t.strictSame(rescales, [[200, "4"], [215, "8"], [230, "10"], [500, "8"]], "the HPA's rescales");
  const keda = csv("keda-decisions.csv").filter((r) => r.scale_to !== "").map((r) => [r.time_s, r.action, r.current_replicas, r.scale_to]);
  t.strictSame(keda, [
    ["60.001", "scaleFromZeroOrIdle", "0", "1"],
    ["510.001", "scaleToZeroOrIdle", "8", "0"],
  ], "KEDA's writes: activation at the first poll after the item, deactivation cooldownPeriod after the last active poll (210 s)");
  const active = csv("keda-decisions.csv").filter((r) => r.active === "true").map((r) => r.time_s);
  t.strictSame(active, ["60.001", "210.001"], "active at the polls that saw items");
});

t.test("what the HPA and KEDA read: LLEN 95 at 200 s, 58 at 210 s, 38 at 215 s, 0 at 230 s", async (t) => {
  const decisions = csv("decisions.csv");
  const metric = (time_s: string) => decisions.find((r) => r.time_s === time_s)?.metrics.match(/=(\d+)m/)?.[1];
  // The decision shows the metric per current replica (AverageValue): 95 / 1, 38 / 4.
  t.equal(metric("200"), "95000");
  t.equal(metric("215"), "9500");
  t.equal(metric("230"), "0");
  t.match(csv("keda-decisions.csv").find((r) => r.time_s === "210.001")?.triggers, /^s0-redis-jobs=58 \(active\)$/);
  const hpa230 = decisions.find((r) => r.time_s === "230")!;
  t.equal(hpa230.desired_replicas, "10", "the legacy max-stabilisation keeps scaling up after the list drained");
});

t.test("queues.csv: every item taken; the burst's last item waited 25.25 s", async (t) => {
  const [row] = csv("queues.csv");
  t.equal(row.queue, "jobs");
  t.equal(row.items_produced, "101");
  t.equal(row.items_taken, "101");
  t.equal(row.items_waiting, "0");
  t.equal(row.backlog_max, "100");
  // 100 items at 195 s, taken at 1/s by one pod until 200 s, 4 pods (3 from 201 s), 8 (4 from 216 s): empty at 220.25 s.
  t.equal(row.wait_max_s, "25.25");
  // Each item then takes its worker 1 s (quantiles are read within a 2.3 % histogram bucket).
  const p99 = Number(row.wait_p99_s);
  t.ok(Math.abs(Number(row.latency_p99_s) - (p99 + 1)) <= 0.025 * (p99 + 1), `latency p99 ${row.latency_p99_s} = wait p99 ${p99} + 1 s`);
});

t.test("components.keda.pollLatency 0: the poll reads the clock on its tick, and the cooldown ending at 510 s holds until 540 s", async (t) => {
  const f = fixture({
    "on-tick.yaml": `${HEADER}extends: ${path.resolve("experiments/scenarios/keda-redis/scenario.yaml")}\ncomponents: {keda: {pollLatency: 0s}}\n`,
  });
  const onTick = loadScenario(f.file("on-tick.yaml"));
  if (onTick.config === null) throw new Error(onTick.errors.map(formatDiagnostic).join("\n"));
  const out = runScenario(onTick.config, { name: "on-tick", description: "", sloLatencyP95_ms: 500, files: onTick.scenario.files });
  const rows = parse(outputText(out.files, "keda-decisions.csv"), { columns: true }) as Record<string, string>[];
  t.strictSame(rows.filter((r) => r.scale_to !== "").map((r) => [r.time_s, r.scale_to]), [["60", "1"], ["540", "0"]]);
});
