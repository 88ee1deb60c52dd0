// outputs.lagMinStep and outputs.summaryFrom in the scenario: defaults, values, and a clear
// error at the field for bad ones.
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { loadScenario } from "../../../experiments/scenario/index.js";
import { fixture } from "../scenario/helpers.js";

const PHP = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../experiments/scenarios/php-apache/scenario.yaml");

function load(outputs: string) {
  const f = fixture({ "s.yaml": `apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nextends: ${JSON.stringify(PHP)}\noutputs:\n${outputs}` });
  return loadScenario(f.file("s.yaml"));
}

t.test("defaults: unset (the runner's 0.2 and first load apply)", async (t) => {
  const loaded = loadScenario(PHP);
  t.equal(loaded.config!.lagMinStep, undefined);
  t.equal(loaded.config!.summaryFrom_ms, undefined);
});

t.test("values reach the configuration", async (t) => {
  const loaded = load("  lagMinStep: 0.5\n  summaryFrom: 2m\n");
  t.strictSame(loaded.errors, []);
  t.equal(loaded.config!.lagMinStep, 0.5);
  t.equal(loaded.config!.summaryFrom_ms, 120_000);
});

const BAD: [string, string, RegExp][] = [
  ["  lagMinStep: 0\n", "outputs.lagMinStep", /expected a number > 0 \(the relative change of offered rate that counts as a load step, e.g. 0.2 for 20 %\), got 0/],
  ["  lagMinStep: -0.5\n", "outputs.lagMinStep", /expected a number > 0 .*got -0.5/],
  ['  lagMinStep: "20%"\n', "outputs.lagMinStep", /expected a number > 0 .*got "20%"/],
  ["  summaryFrom: 40m\n", "outputs.summaryFrom", /must be before the end of the run \(duration 1800s\), or no sample would count/],
  ["  summaryFrom: 60\n", "outputs.summaryFrom", /expected a duration such as 15s/],
];
for (const [text, field, message] of BAD) {
  t.test(`${text.trim()}: an error at ${field}`, async (t) => {
    const loaded = load(text);
    t.equal(loaded.config, null, "nothing runs");
    t.equal(loaded.errors.length, 1);
    t.equal(loaded.errors[0].path, field);
    t.equal(loaded.errors[0].line, 5, "the line of the field");
    t.match(loaded.errors[0].message, message);
  });
}
