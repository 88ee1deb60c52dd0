/**
 * `kubesim run` end to end: the run folder's files, byte-identical reruns, and bad input that
 * exits 2 with every error and writes nothing.
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { runScenario } from "../../experiments/runner.js";
import { loadScenario } from "../../experiments/scenario/load.js";
import { tempDir } from "../temp-dir.js";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });
const SCENARIO = "experiments/scenarios/php-apache/scenario.yaml";
const tmp = tempDir("kubesim-run-");

t.test("run writes every output file, and the same seed gives the same bytes", async (t) => {
  const a = path.join(tmp, "a");
  const b = path.join(tmp, "b");
  const first = cli("run", SCENARIO, "--out", a, "--quiet");
  t.equal(first.status, 0, first.stderr);
  t.equal(cli("run", SCENARIO, "--out", b, "--quiet").status, 0);
  const files = fs.readdirSync(a).sort();
  t.same(files, ["charts", "decisions.csv", "events.csv", "lag.csv", "manifest.json", "report.html", "summary.csv", "timeseries.csv"]);
  for (const f of ["timeseries.csv", "events.csv", "decisions.csv", "lag.csv", "summary.csv", "report.html"]) {
    t.equal(fs.readFileSync(path.join(b, f), "utf8"), fs.readFileSync(path.join(a, f), "utf8"), `${f} identical`);
  }
  const manifest = JSON.parse(fs.readFileSync(path.join(a, "manifest.json"), "utf8"));
  const manifestB = JSON.parse(fs.readFileSync(path.join(b, "manifest.json"), "utf8"));
  delete manifest.wall_time_s;
  delete manifestB.wall_time_s;
  t.same(manifestB, manifest, "manifest identical apart from wall time");
  t.equal(manifest.seed, 7);
  t.match(manifest.scenario.content_sha256, /^[0-9a-f]{64}$/);
  t.equal(manifest.parameters.metricsServer.metricResolution_ms, 15000, "effective parameters recorded");
  t.ok(manifest.events_processed > 0);
  const ts = fs.readFileSync(path.join(a, "timeseries.csv"), "utf8").split("\n");
  t.equal(ts[0], "time_s,kind,name,metric,value");
  for (const metric of ["replicas_spec", "replicas_ready", "cpu_usage_mcores", "cpu_utilization_pct", "desired_replicas", "current_replicas",
    "cpu_requested_mcores", "nodes_ready", "pods_pending", "rps_offered", "rps_served", "rps_dropped", "latency_p50_ms", "latency_p95_ms"]) {
    t.ok(ts.some((line) => line.split(",")[3] === metric), `timeseries has ${metric}`);
  }
  const other = path.join(tmp, "seed8");
  t.equal(cli("run", SCENARIO, "--seed", "8", "--out", other, "--quiet").status, 0);
  t.not(fs.readFileSync(path.join(other, "timeseries.csv"), "utf8"), fs.readFileSync(path.join(a, "timeseries.csv"), "utf8"), "another seed, other results");
});

t.test("an invalid scenario exits 2, reports every error, and writes nothing", async (t) => {
  const dir = path.join(tmp, "bad");
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "s.yaml"), `apiVersion: kubesim.io/v1alpha1
kind: Scenario
metadata: {name: bad}
duration: 10 minutes
cluster: {nodeGroups: [{name: pool, count: -1, cpu: "4", memory: 16Gi}]}
manifests: [missing.yaml]
`);
  const out = path.join(tmp, "bad-out");
  const r = cli("run", path.join(dir, "s.yaml"), "--out", out);
  t.equal(r.status, 2);
  const errors = r.stderr.split("\n").filter((l) => l.startsWith("error: "));
  t.ok(errors.length >= 3, `all errors at once:\n${r.stderr}`);
  t.match(r.stderr, /s\.yaml:4 duration: /);
  t.match(r.stderr, /s\.yaml:6 manifests\[0\]: /);
  t.notMatch(r.stderr, /at .*\.ts:\d+/, "no stack trace");
  t.notOk(fs.existsSync(out), "nothing written");
  t.same(fs.readdirSync(tmp).filter((f) => f.includes("partial")), [], "no partial folders");
});

t.test("a failed run leaves an earlier run folder intact", async (t) => {
  const out = path.join(tmp, "keep");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "summary.csv"), "earlier\n");
  const r = cli("run", "does-not-exist.yaml", "--out", out);
  t.not(r.status, 0);
  t.equal(fs.readFileSync(path.join(out, "summary.csv"), "utf8"), "earlier\n");
});

t.test("--out never loses a user's file: a foreign folder is refused, --force replaces only kubesim's files", async (t) => {
  const out = path.join(tmp, "thesis");
  fs.mkdirSync(out);
  fs.writeFileSync(path.join(out, "thesis.tex"), "my thesis");
  const refused = cli("run", SCENARIO, "--out", out, "--quiet");
  t.equal(refused.status, 2);
  t.equal(
    refused.stderr,
    `kubesim: cannot write to ${out}: it exists and is not a kubesim run folder (no manifest.json written by kubesim)\n` +
      "hint: name a new folder, or add --force to write into it anyway: kubesim then replaces only the files it writes and deletes nothing\n",
  );
  t.same(fs.readdirSync(out), ["thesis.tex"], "nothing written");
  const forced = cli("run", SCENARIO, "--out", out, "--quiet", "--force");
  t.equal(forced.status, 0, forced.stderr);
  t.equal(fs.readFileSync(path.join(out, "thesis.tex"), "utf8"), "my thesis", "the user's file survives --force");
  t.ok(fs.existsSync(path.join(out, "report.html")));
  // Now a kubesim run folder: a rerun needs no --force and still keeps the user's file.
  const again = cli("run", SCENARIO, "--out", out, "--quiet", "--seed", "8");
  t.equal(again.status, 0, again.stderr);
  t.equal(fs.readFileSync(path.join(out, "thesis.tex"), "utf8"), "my thesis", "the user's file survives a rerun");
  t.equal(JSON.parse(fs.readFileSync(path.join(out, "manifest.json"), "utf8")).seed, 8, "the run's files were replaced");
  t.same(fs.readdirSync(tmp).filter((f) => f.includes("partial")), [], "no partial folders");
});

t.test("--out '', ., .., the current folder and a file are refused with exit 2, never 70", async (t) => {
  const file = path.join(tmp, "a-file.txt");
  fs.writeFileSync(file, "keep me");
  const cases: [string, string][] = [
    ["", `kubesim: --out "": expected a folder name\nhint: name a new folder, e.g. --out results/my-run\n`],
    [".", "kubesim: cannot write to .: it is the current folder or one of its parents\nhint: name a new folder, e.g. --out results/my-run (--force does not change this)\n"],
    ["..", "kubesim: cannot write to ..: it is the current folder or one of its parents\nhint: name a new folder, e.g. --out results/my-run (--force does not change this)\n"],
    [process.cwd(), `kubesim: cannot write to ${process.cwd()}: it is the current folder or one of its parents\nhint: name a new folder, e.g. --out results/my-run (--force does not change this)\n`],
    [file, `kubesim: cannot write to ${file}: it is a file, not a folder\nhint: name a new folder, e.g. --out results/my-run; kubesim never replaces a file (--force does not change this)\n`],
  ];
  for (const [out, message] of cases) {
    const r = cli("run", SCENARIO, "--out", out, "--quiet", "--force");
    t.equal(r.status, 2, `--out "${out}" exits 2`);
    t.equal(r.stderr, message, `--out "${out}"`);
  }
  t.equal(fs.readFileSync(file, "utf8"), "keep me");
});

t.test("the scenario content hash does not depend on which folders hold the files", async (t) => {
  // The same files, the overlay's folder sorting before the base's (a/ < php/) in one case and
  // after it (z/ > php/) in the other: sorting by absolute path, not by what is hashed, gave two hashes.
  const root = path.join(tmp, "hash");
  fs.cpSync("experiments/scenarios/php-apache", path.join(root, "php"), { recursive: true });
  const hashes: string[] = [];
  for (const dir of ["a", "z"]) {
    const overlay = path.join(root, dir, "s.yaml");
    fs.mkdirSync(path.dirname(overlay));
    fs.writeFileSync(overlay, "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: s}\nextends: ../php/scenario.yaml\nduration: 1m\n");
    const loaded = loadScenario(overlay);
    t.same(loaded.errors, []);
    const output = runScenario(loaded.config!, { name: "s", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files }, { slices: 1 });
    hashes.push(JSON.parse(String(output.files["manifest.json"])).scenario.content_sha256);
  }
  t.equal(hashes[1], hashes[0]);
});
