import t from "tap";
import { simulate, ScenarioError, builders, loadProfiles } from "../index.js";
import { tempDir } from "./temp-dir.js";

t.test("simulate() runs a scenario file and returns the outputs in memory", async (t) => {
  const run = simulate("experiments/scenarios/php-apache/scenario.yaml", { duration_ms: 300_000 });
  t.equal(run.summary.seed, 7);
  t.equal(run.summary.duration_s, 300);
  t.ok(run.simulation.hpa.decisions.length >= 19, "HPA decisions recorded");
  t.match(String(run.files["summary.csv"]), /^seed,duration_s,/);
});

t.test("simulate() runs a programmatic configuration", async (t) => {
  const run = simulate({
    seed: 1, duration_ms: 120_000, sampleInterval_ms: 15_000, components: {},
    nodeGroups: [{ name: "pool", count: 1, cpu_mcores: 4000, memory_bytes: 8 * 2 ** 30 }],
    objects: [builders.deployment({ name: "web", replicas: 2, containers: [{ request_mcores: 100 }] }), builders.service("web")],
    apps: [],
    traffic: [{ namespace: "default", service: "web", profile: loadProfiles.constant(10), arrivals: "fluid", interval_ms: 1000, spread: "round-robin" }],
  });
  t.ok(run.summary.requests_offered > 900 && run.summary.requests_offered <= 1200, `offered ${run.summary.requests_offered}`);
  t.equal(run.simulation.store.count("Pod"), 2);
});

t.test("a bad scenario throws ScenarioError with the diagnostics", async (t) => {
  t.throws(() => simulate("nope.yaml"), ScenarioError);
});

t.test("simulate() refuses a scenario with a __proto__ patch and Object.prototype stays clean", async (t) => {
  const fs = await import("node:fs");
  const path = await import("node:path");
  const dir = tempDir("kubesim-lib-");
  for (const f of ["php-apache.yaml", "hpa.yaml", "scenario.yaml"]) fs.copyFileSync(path.join("experiments/scenarios/php-apache", f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, "proto.yaml"), `apiVersion: kubesim.io/v1alpha1
kind: Scenario
extends: scenario.yaml
patches:
  - target: {kind: Service, name: php-apache}
    patch: {__proto__: {replicas: 7}}
`);
  let thrown: unknown;
  try {
    simulate(path.join(dir, "proto.yaml"));
  } catch (e) {
    thrown = e;
  }
  t.ok(thrown instanceof ScenarioError);
  t.strictSame((thrown as ScenarioError).diagnostics, [
    `${path.join(dir, "proto.yaml")}:6 patches[0].patch.__proto__: Forbidden: "__proto__" cannot be used as a key (it names a JavaScript object prototype)`,
  ]);
  t.equal(({} as Record<string, unknown>).replicas, undefined);
});
