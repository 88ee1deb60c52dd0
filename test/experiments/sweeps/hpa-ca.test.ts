/**
 * The shipped HPA + Cluster Autoscaler experiment: every cell of experiments/sweeps/hpa-ca.yaml
 * loads, and the base scenario shows what the sweep is about — the HPA asks for pods the nodes
 * cannot hold, the CA adds priced nodes, and new pods serve later than the HPA decided.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { parse } from "csv-parse/sync";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { outputText } from "../scenario/helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

t.test("every cell of the experiment loads: 2 x 2 x 2 cells, 3 replications", async (t) => {
  const plan = planSweep(path.join(ROOT, "experiments/sweeps/hpa-ca.yaml"));
  t.equal(plan.cells.length, 8);
  t.equal(plan.units.length, 24);
});

t.test("the base scenario: HPA scale-ups wait for nodes the CA buys", async (t) => {
  const loaded = loadScenario(path.join(ROOT, "experiments/scenarios/hpa-ca/scenario.yaml"));
  t.strictSame(loaded.errors, []);
  const output = runScenario(loaded.config!, { name: "hpa-ca", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  const s = output.summary;
  const decisions = parse(outputText(output.files, "ca-decisions.csv"), { columns: true }) as Record<string, string>[];
  t.ok(decisions.some((r) => r.scale_up !== "" && r.scale_up !== "0"), "the CA scaled a group up");
  t.ok(s.cost_usd > 0 && s.node_hours > 1.5, `priced nodes were bought: ${s.node_hours} node-hours, $${s.cost_usd}`);
  t.ok(s.time_to_serving_s! > s.time_to_scale_s! + 30, `new pods serve well after the HPA decides (${s.time_to_scale_s} s -> ${s.time_to_serving_s} s): they waited for nodes`);
});
