/**
 * `kubesim compare`: the folder layout (run folders under runs/, the comparison at the top, so a
 * scenario named "comparison" collides with nothing), reruns into its own folder, and refusals.
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../temp-dir.js";

t.setTimeout(180_000);
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });
const SCENARIO = "experiments/scenarios/php-apache/scenario.yaml";
const tmp = tempDir("kubesim-compare-");

/** A scenario file in tmp named `name` that extends `base` with `extra` (YAML lines); its path. */
function derived(name: string, base: string, extra = ""): string {
  const file = path.join(tmp, `${name}.yaml`);
  fs.writeFileSync(file, `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: ${name}}
extends: ${path.relative(tmp, path.resolve(base))}
${extra}`);
  return file;
}

t.test("a scenario named comparison gets its own run folder beside the comparison", async (t) => {
  const named = derived("comparison", SCENARIO, "duration: 5m\n");
  const out = path.join(tmp, "cmp");
  const r = cli("compare", SCENARIO, named, "--out", out, "--quiet");
  t.equal(r.status, 0, r.stderr);
  t.same(fs.readdirSync(out).sort(), [
    "comparison-cpu.png", "comparison-cpu.svg", "comparison-cpu.vl.json",
    "comparison-latency.png", "comparison-latency.svg", "comparison-latency.vl.json",
    "comparison.json", "comparison.png", "comparison.svg", "comparison.vl.json", "index.html", "runs", "summary.csv",
  ], "replicas, and CPU utilization and latency since the runs have them (the HPA's CPU metric is the CPU chart, not a second one)");
  const latency = JSON.parse(fs.readFileSync(path.join(out, "comparison-latency.vl.json"), "utf8"));
  t.same(latency.encoding.y.scale, { type: "log" }, "latency on a log axis");
  t.match(latency.title, /^p95 latency: php-apache vs comparison/);
  t.same(fs.readdirSync(path.join(out, "runs")).sort(), ["comparison", "php-apache"]);
  t.equal(JSON.parse(fs.readFileSync(path.join(out, "runs", "comparison", "manifest.json"), "utf8")).scenario.name, "comparison");
  t.equal(JSON.parse(fs.readFileSync(path.join(out, "runs", "php-apache", "manifest.json"), "utf8")).duration_s, 1800);
  const index = fs.readFileSync(path.join(out, "index.html"), "utf8");
  for (const name of ["php-apache", "comparison"]) {
    t.match(index, `href="runs/${name}/report.html"`, `index links ${name}`);
    t.ok(fs.existsSync(path.join(out, "runs", name, "report.html")), `${name}'s report is there`);
  }
  t.same(JSON.parse(fs.readFileSync(path.join(out, "comparison.json"), "utf8")), { kind: "Comparison", runs: ["php-apache", "comparison"] });

  // A rerun into its own folder needs no --force and keeps a user's file.
  fs.writeFileSync(path.join(out, "notes.md"), "mine");
  const again = cli("compare", SCENARIO, named, "--out", out, "--quiet", "--seed", "3");
  t.equal(again.status, 0, again.stderr);
  t.equal(fs.readFileSync(path.join(out, "notes.md"), "utf8"), "mine");
  t.equal(JSON.parse(fs.readFileSync(path.join(out, "runs", "comparison", "manifest.json"), "utf8")).seed, 3);
});

t.test("compare refuses a folder that is not a comparison, and a run folder in the way, before running", async (t) => {
  const user = path.join(tmp, "user");
  fs.mkdirSync(user);
  fs.writeFileSync(path.join(user, "thesis.tex"), "x");
  const r = cli("compare", SCENARIO, "--out", user, "--quiet");
  t.equal(r.status, 2);
  t.equal(r.stderr.split("\n")[0], `kubesim: cannot write to ${user}: it exists and is not a kubesim comparison folder (no comparison.json written by kubesim)`);
  t.same(fs.readdirSync(user), ["thesis.tex"], "nothing written");

  const forced = path.join(tmp, "forced");
  fs.mkdirSync(path.join(forced, "runs", "php-apache"), { recursive: true });
  fs.writeFileSync(path.join(forced, "runs", "php-apache", "data.csv"), "mine");
  fs.writeFileSync(path.join(forced, "comparison.json"), JSON.stringify({ kind: "Comparison", runs: [] }));
  const blocked = cli("compare", SCENARIO, "--out", forced, "--quiet");
  t.equal(blocked.status, 2);
  t.equal(blocked.stderr.split("\n")[0], `kubesim: cannot write to ${path.join(forced, "runs", "php-apache")}: it exists and is not a kubesim run folder (no manifest.json written by kubesim)`);
  t.notOk(fs.existsSync(path.join(forced, "index.html")), "nothing run or written");
});

t.test("--replications: common seeds per replication, means with intervals, paired differences marked when significant", async (t) => {
  const same = derived("same", SCENARIO);
  const out = path.join(tmp, "cmp-reps");
  const r = cli("compare", SCENARIO, same, "experiments/scenarios/php-apache/tuned.yaml", "--replications", "4", "--seed", "9", "--out", out, "--quiet");
  t.equal(r.status, 0, r.stderr);
  t.same(fs.readdirSync(out).sort(), [
    "comparison-replications.png", "comparison-replications.svg", "comparison-replications.vl.json",
    "comparison.json", "differences.csv", "index.html", "runs", "summary.csv",
  ]);
  const chart = JSON.parse(fs.readFileSync(path.join(out, "comparison-replications.vl.json"), "utf8"));
  const figures: { scenario: string; metric: string; mean: number; low: number; high: number }[] = chart.data.values;
  t.same([...new Set(figures.map((f) => f.metric))], ["slo_violation_s", "latency_p95_ms", "pod_hours", "scale_events"], "the figures a policy comparison quotes");
  t.ok(figures.every((f) => f.low <= f.mean && f.mean <= f.high), "each mean inside its interval");
  t.match(fs.readFileSync(path.join(out, "index.html"), "utf8"), /<svg/, "the page shows the chart");
  t.same(fs.readdirSync(path.join(out, "runs", "same")).sort(), ["rep-0", "rep-1", "rep-2", "rep-3"]);
  const seed = (name: string, k: number) => JSON.parse(fs.readFileSync(path.join(out, "runs", name, `rep-${k}`, "manifest.json"), "utf8")).seed;
  t.equal(seed("php-apache", 2), seed("php-apache-tuned", 2), "replication k of every scenario has one seed");
  t.not(seed("php-apache", 1), seed("php-apache", 2), "replications differ");
  const rows = (file: string) => {
    const [head, ...lines] = fs.readFileSync(path.join(out, file), "utf8").trim().split("\n");
    const keys = head.split(",");
    return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [keys[i], v])));
  };
  const summary = rows("summary.csv");
  t.same(summary.map((s) => [s.scenario, s.replications]), [["php-apache", "4"], ["same", "4"], ["php-apache-tuned", "4"]]);
  t.ok(Number(summary[0].pod_hours_ci95_high) > Number(summary[0].pod_hours_ci95_low), "an interval, not a point");
  const diff = rows("differences.csv");
  const of = (name: string, metric: string) => diff.find((d) => d.scenario === name && d.metric === metric)!;
  t.same([of("same", "pod_hours").difference_mean, of("same", "pod_hours").p_value, of("same", "pod_hours").significant], ["0", "1", "false"], "the same scenario: no difference");
  t.equal(of("php-apache-tuned", "pod_hours").significant, "true", "the tuned behavior saves pod-hours, significantly");
  t.ok(Number(of("php-apache-tuned", "pod_hours").difference_ci95_high) < 0, "its whole interval below zero");
  t.match(fs.readFileSync(path.join(out, "index.html"), "utf8"), /<td>php-apache-tuned<\/td>.*\d \*<\/td>/, "the page marks it");
  const bad = cli("compare", SCENARIO, same, "--replications", "0", "--out", path.join(tmp, "bad"));
  t.equal(bad.status, 2);
  t.match(bad.stderr, /--replications must be an integer from 1 to 1000, got "0"/);
});

t.test("an HPA's metric is compared by name and unit: KEDA's external queue length, two targets", async (t) => {
  const base = "experiments/scenarios/keda-redis/scenario.yaml";
  const deeper = derived("keda-redis-deeper", base, `duration: 5m
patches:
  - target: {kind: ScaledObject, name: redis-consumer}
    patch: {spec: {triggers: [{type: redis, metadata: {address: redis.default.svc:6379, listName: jobs, listLength: "20", activationListLength: "0"}}]}}
`);
  const out = path.join(tmp, "cmp-keda");
  const r = cli("compare", base, deeper, "--out", out, "--quiet");
  t.equal(r.status, 0, r.stderr);
  const spec = JSON.parse(fs.readFileSync(path.join(out, "comparison-hpa-s0-redis-jobs-average.vl.json"), "utf8"));
  t.match(spec.title, /^HPA metric s0-redis-jobs per pod: keda-redis vs keda-redis-deeper/);
  t.equal(spec.encoding.y.title, "the metric's own units");
  const values: { run: string; value: number }[] = spec.data.values;
  t.ok(values.some((v) => v.run === "keda-redis") && values.some((v) => v.run === "keda-redis-deeper"), "both runs drawn");
  t.ok(fs.existsSync(path.join(out, "comparison-hpa-s0-redis-jobs-average.png")), "rendered");
});
