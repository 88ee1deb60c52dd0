/**
 * The shipped VPA sizing experiment: every cell of experiments/sweeps/vpa-sizing.yaml loads (a
 * list design: the percentiles move together), and its two ends show the trade-off: no safety
 * margin at the median OOM-kills and throttles pods on less CPU; a 0.3 margin at the 95th
 * percentile does neither, for more.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { fixture, HEADER } from "../scenario/helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

t.test("every cell loads: 12 cells of the list design, 3 replications", async (t) => {
  const plan = planSweep(path.join(ROOT, "experiments/sweeps/vpa-sizing.yaml"));
  t.equal(plan.cells.length, 12);
  t.equal(plan.units.length, 36);
  t.ok(plan.cells.every((c) => c.values[0][1] === c.values[1][1]), "CPU and memory percentiles move together");
});

t.test("the two ends: no margin at the median OOM-kills and throttles; a 0.3 margin at p95 does neither, for more CPU", async (t) => {
  const run = (percentile: number, margin: number) => {
    const f = fixture({
      "cell.yaml": `${HEADER}extends: ${path.join(ROOT, "experiments/scenarios/vpa-sizing/scenario.yaml")}\ncomponents: {vpa: {targetCpuPercentile: ${percentile}, targetMemoryPercentile: ${percentile}, safetyMarginFraction: ${margin}}}\n`,
    });
    const loaded = loadScenario(f.file("cell.yaml"));
    t.strictSame(loaded.errors, []);
    return runScenario(loaded.config!, { name: "cell", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files }).summary;
  };
  const tight = run(0.5, 0);
  const roomy = run(0.95, 0.3);
  t.ok(tight.oom_kills > 0, `OOM kills without a margin: ${tight.oom_kills}`);
  t.equal(roomy.oom_kills, 0);
  t.ok(tight.cpu_throttled_s > 10 * roomy.cpu_throttled_s, `throttled ${tight.cpu_throttled_s} s against ${roomy.cpu_throttled_s} s`);
  t.ok(tight.cpu_requested_core_hours < roomy.cpu_requested_core_hours, `${tight.cpu_requested_core_hours} < ${roomy.cpu_requested_core_hours} core-hours requested`);
  t.equal(tight.replicas_mean, roomy.replicas_mean, "the same replicas: the VPA only sizes them");
});
