/**
 * Controller plugins (experiments/plugins/): a plugin scales through the scale subresource and the
 * ReplicaSet follows; it reads the metrics API (lagging, as the HPA does) and copies of objects,
 * never true usage nor the stored objects themselves; runs with a plugin are byte-identical for
 * a seed and differ for another; Math.random in a plugin stops the run naming the plugin; bad
 * `controllers` items are errors at file:line.
 */
import t from "tap";
import path from "node:path";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import { runScenario } from "../../../experiments/runner.js";
import type { Pod, ReplicaSet } from "../../../models/cluster/types.js";
import { fixture, HEADER, deploymentYaml, outputText } from "../scenario/helpers.js";
import { tempDir } from "../../temp-dir.js";

const PLUGINS = path.resolve("test/fixtures/plugins");

function scenario(controllers: string, extra = ""): string {
  const f = fixture({
    "app.yaml": deploymentYaml("web", 2),
    "s.yaml": `${HEADER}metadata: {name: plug}
seed: 1
duration: 3m
cluster: {nodeGroups: [{name: pool, count: 2, cpu: "4", memory: 16Gi}]}
manifests: [app.yaml]
apps: [{name: web, deployments: [web], baselineCpu: 200m, memory: 64Mi}]
controllers:
${controllers}${extra}`,
  });
  return f.file("s.yaml");
}

function load(file: string) {
  const loaded = loadScenario(file);
  if (loaded.config === null) throw new Error(loaded.errors.map((e) => e.message).join("\n"));
  return loaded;
}

t.test("a plugin scales through the scale subresource and the ReplicaSet follows; it sees the metrics API, not true usage", async (t) => {
  const file = scenario(`  - module: ${PLUGINS}/fixed-scale.ts
    name: fixed
    config: {deployment: web, steps: [[5, 4], [100, 1]]}
`);
  const loaded = load(file);
  const sim = new ClusterSimulation(loaded.config!);
  sim.run(60_000);
  const rs = sim.store.list<ReplicaSet>("ReplicaSet")[0];
  t.equal(rs.spec.replicas, 4, "the Deployment controller passed the new scale to its ReplicaSet");
  t.equal(sim.store.list<Pod>("Pod").filter((p) => p.status.phase === "Running").length, 4, "and the ReplicaSet made the pods");
  sim.run(180_000);
  t.equal(sim.store.list<ReplicaSet>("ReplicaSet")[0].spec.replicas, 1);
  const rows = [...sim.controllers!.decisions.get("fixed")!.rows()];
  t.strictSame(rows[0], [5, 4, 0, 0], "at 5 s metrics-server has no sample of the pods yet: the plugin sees none (true usage is 2 × 200m)");
  t.equal(rows[1][2], 4, "at 100 s it sees the four pods' metrics");
  t.ok(Math.abs(Number(rows[1][3]) - 800) <= 8, `~800m from metrics-server (4 × 200m), got ${rows[1][3]}`);
  const events = [...sim.events.recorder.rows()].filter((r) => r[1] === "deployment-controller" || r[1] === "replicaset-controller").map((r) => r[5]);
  t.ok(events.includes("ScalingReplicaSet"), "the Deployment controller scaled its ReplicaSet");
});

t.test("a plugin gets copies: writing what it read changes nothing", async (t) => {
  const sim = new ClusterSimulation(load(scenario(`  - {module: ${PLUGINS}/writer.ts, name: writer, config: {deployment: web}}
`)).config!);
  sim.run(60_000);
  t.strictSame([...sim.controllers!.decisions.get("writer")!.rows()].map((r) => r[1]), [2, 2, 2]);
  t.equal(sim.store.list<ReplicaSet>("ReplicaSet")[0].spec.replicas, 2);
});

t.test("a plugin's context offers no way to true usage", async (t) => {
  const sim = new ClusterSimulation(load(scenario(`  - {module: ${PLUGINS}/introspect.ts, name: look}
`)).config!);
  const [row] = [...sim.controllers!.decisions.get("look")!.rows()];
  t.equal(row[1], "decide event every evict get getScale list metrics name now_ms random schedule updateScale watch", "timers, streams, copies of objects, metrics APIs, scale, eviction, events, decisions: no runtime, no cAdvisor, no simulation");
  t.equal(row[2], "custom external pods prometheus", "the APIs the HPA reads");
});

t.test("determinism: the same seed gives byte-identical outputs with a plugin, another seed differs", async (t) => {
  const file = scenario(`  - {module: ${PLUGINS}/seeded.ts, name: seeded, config: {deployment: web}}
`);
  const outputs = (seed: number) => {
    const loaded = load(file);
    const out = runScenario({ ...loaded.config!, seed }, { name: "plug", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
    return Object.fromEntries(Object.keys(out.files).filter((n) => n.endsWith(".csv")).map((n) => [n, outputText(out.files, n)]));
  };
  const a = outputs(1);
  const b = outputs(1);
  t.ok("seeded-decisions.csv" in a, "the plugin's decision log is an output");
  t.strictSame(b, a, "seed 1 twice: every CSV byte-identical");
  t.not(outputs(2)["seeded-decisions.csv"], a["seeded-decisions.csv"], "seed 2 draws other sizes");
});

t.test("a plugin calling Math.random stops the run with a message naming it", async (t) => {
  const sim = new ClusterSimulation(load(scenario(`  - {module: ${PLUGINS}/random.ts, name: dice}
`)).config!);
  t.throws(() => sim.run(60_000), { name: "UserError", message: `controller "dice" (${PLUGINS}/random.ts) called Math.random: plugin code must be deterministic` });
  t.equal(typeof Math.random(), "number", "Math.random is itself again outside plugin code");
  t.equal(typeof Date.now(), "number");
});

t.test("bad controllers items: errors at file:line", async (t) => {
  const errors = (controllers: string) => loadScenario(scenario(controllers)).errors.map((e) => `${e.line} ${e.path}: ${e.message}`);
  t.match(errors(`  - {module: ./nowhere.ts, name: a}\n`), [/^10 controllers\[0\]\.module: module not found: .*nowhere\.ts$/]);
  t.match(errors(`  - {module: ${PLUGINS}/no-factory.ts, name: a}\n`), [/^10 controllers\[0\]\.module: module .*no-factory\.ts exports no factory: its default export must be a function \(ctx, config\) => void$/]);
  t.strictSame(errors(`  - module: ${PLUGINS}/fixed-scale.ts\n    name: a\n    config: {deployment: web, steps: [[5, four]]}\n`), [
    `12 controllers[0].config: does not match ${PLUGINS}/fixed-scale.ts's configSchema: steps.0.1: expected number, got "four"`,
  ]);
  t.strictSame(errors(`  - {module: ${PLUGINS}/seeded.ts, name: a, config: {deployment: web}}\n  - {module: ${PLUGINS}/seeded.ts, name: a, config: {deployment: web}}\n`), [
    `11 controllers[1].name: Duplicate value: a controller named "a" already exists`,
  ]);
  t.match(errors(`  - {module: ${PLUGINS}/seeded.ts, name: Bad_Name}\n`), [/^10 controllers\[0\]\.name: /]);
});

t.test("a sweep ranges over a plugin's config; the sweep folder carries the plugin's modules and runs from anywhere", async (t) => {
  const { spawnSync } = await import("node:child_process");
  const fs = await import("node:fs");
  const dir = tempDir("kubesim-plugin-sweep-");
  const experiment = path.join(dir, "lead.yaml");
  fs.writeFileSync(experiment, `apiVersion: kubesim.io/v1alpha1
kind: Experiment
metadata: {name: lead, description: "predictive lead time"}
scenario: ${path.resolve("experiments/scenarios/predictive/spiky.yaml")}
seed: 7
replications: 1
design: grid
factors:
  controllers.0.config.leadTime: [30, 120]
  duration: [10m]
`);
  const out = path.join(dir, "out");
  const r = spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "sweep", experiment, "--out", out, "--no-charts"], { encoding: "utf8" });
  t.equal(r.status, 0, r.stderr);
  t.ok(fs.existsSync(path.join(out, "base", "policies", "predictive.ts")) && fs.existsSync(path.join(out, "base", "policies", "scale-down-window.ts")), "the module and the local module it imports are copied with the base scenario");
  const summary = fs.readFileSync(path.join(out, "sweep-summary.csv"), "utf8").trim().split("\n");
  t.equal(summary.length, 3, "two cells");
  const cell = fs.readdirSync(path.join(out, "cells")).find((c) => c.startsWith("leadTime-120"))!;
  const overlay = fs.readFileSync(path.join(out, "cells", cell, "scenario.yaml"), "utf8");
  t.match(overlay, /module: \.\.\/\.\.\/base\/policies\/predictive\.ts/, "the cell's module path is rebased onto the copy");
  t.match(overlay, /leadTime: 120/);
});

t.test("the run report shows a plugin's decisions, rescales first, the same from memory and from the run folder", async (t) => {
  const fs = await import("node:fs");
  const { readRunDir, buildReportFiles } = await import("../../../experiments/report/index.js");
  const { writeFilesAtomically } = await import("../../../experiments/output.js");
  const loaded = load(scenario(`  - module: ${PLUGINS}/fixed-scale.ts
    name: fixed
    config: {deployment: web, steps: [[5, 4], [100, 1]]}
`));
  const out = runScenario(loaded.config!, { name: "plug", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  const dir = tempDir("kubesim-plugin-report-");
  writeFilesAtomically(dir, out.files);
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, "manifest.json"), "utf8"));
  t.strictSame(manifest.controllers, [{ name: "fixed", module: "fixed-scale.ts", config: { deployment: "web", steps: [[5, 4], [100, 1]] } }], "manifest.json says which plugin ran with what");
  const run = readRunDir(dir);
  t.strictSame(run.controllerDecisions, [{ name: "fixed", columns: ["time_s", "replicas", "pods_with_metrics", "cpu_mcores"], rows: [["5", "4", "0", "0"], ["100", "1", "4", run.controllerDecisions[0].rows[1][3]]] }]);
  const html = (await buildReportFiles(run))["report.html"] as string;
  t.match(html, /<h2>Controller fixed: decisions<\/h2>/);
  const events = fs.readFileSync(path.join(dir, "events.csv"), "utf8");
  t.match(events, /5,fixed,Deployment,web,Normal,SuccessfulRescale,New size: 4; was 2/, "the plugin's rescale is an event");
  t.equal(out.summary.scale_events, 2, "and counts in scale_events");
});

t.test("enabled: false checks the controller but does not run it (a sweep factor can switch it)", async (t) => {
  const loaded = load(scenario(`  - {module: ${PLUGINS}/seeded.ts, name: seeded, config: {deployment: web}, enabled: false}
`));
  t.equal(loaded.config!.controllers, undefined, "nothing to run");
  const out = runScenario(loaded.config!, { name: "plug", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  t.notOk("seeded-decisions.csv" in out.files);
  t.match(loadScenario(scenario(`  - {module: ./nowhere.ts, name: a, enabled: false}\n`)).errors.map((e) => e.message), [/module not found/], "a disabled controller's module is still checked");
});
