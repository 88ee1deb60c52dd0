/**
 * Sweeps end to end on a tiny scenario: byte-identical folders for 1 and 2 workers, resume after
 * losing replications, shards merged equal to one run, and bad input (exit 2, nothing written).
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { runSweep } from "../../../experiments/sweep/sweep.js";
import { mergeSweeps } from "../../../experiments/sweep/merge.js";
import { sweepCommand } from "../../../experiments/commands/sweep.js";
import { UserError } from "../../../experiments/errors.js";
import { failure, tree } from "./helpers.js";
import { tempDir } from "../../temp-dir.js";

// Worker threads and CLI processes start tsx; on a busy machine that alone takes seconds.
t.setTimeout(180_000);

const EXPERIMENT = "test/experiments/sweep/fixtures/tiny-grid.yaml";
const tmp = tempDir("kubesim-sweep-");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });

function sameTree(t: { same: (a: unknown, b: unknown, message: string) => unknown }, a: string, b: string, what: string) {
  const ta = tree(a);
  const tb = tree(b);
  t.same([...tb.keys()], [...ta.keys()], `${what}: same files`);
  const differing = [...ta.keys()].filter((k) => ta.get(k) !== tb.get(k));
  t.same(differing, [], `${what}: same bytes`);
}

const plan = planSweep(EXPERIMENT);
const one = path.join(tmp, "one");
const two = path.join(tmp, "two");

t.test("1 and 2 workers give byte-identical folders", async (t) => {
  const r1 = await runSweep(plan, { out: one, workers: 1, shard: null, quiet: true, noReport: true });
  t.same(r1, { ran: 8, skipped: 0, complete: true });
  const r2 = await runSweep(plan, { out: two, workers: 2, shard: null, quiet: true, noReport: true });
  t.equal(r2.ran, 8);
  sameTree(t, one, two, "workers 1 vs 2");
  const csv = fs.readFileSync(path.join(one, "sweep-summary.csv"), "utf8").trim().split("\n");
  t.equal(csv.length, 5, "header + 4 cells");
  t.same(csv.slice(1).map((l) => l.split(",").slice(1, 3)), [["15s", "3"], ["15s", "6"], ["60s", "3"], ["60s", "6"]], "cells in design order");
  const manifest = JSON.parse(fs.readFileSync(path.join(one, "cells", plan.cells[0].id, "rep-1", "manifest.json"), "utf8"));
  t.equal(manifest.seed, plan.units[1].seed, "replication seed applied");
  t.equal(manifest.parameters.metricsServer.metricResolution_ms, 15000, "factor applied");
  t.notOk("wall_time_s" in manifest);
});

t.test("resume: only the deleted replications run again, to the same bytes", async (t) => {
  const gone = [path.join(two, "cells", plan.cells[1].id, "rep-0"), path.join(two, "cells", plan.cells[3].id, "rep-1")];
  for (const d of gone) fs.rmSync(d, { recursive: true });
  // What a killed run leaves: a staging folder of a replication in progress.
  fs.mkdirSync(path.join(two, "cells", plan.cells[1].id, ".rep-0.partial-abc"));
  fs.rmSync(path.join(two, "sweep-summary.csv"));
  const kept = path.join(two, "cells", plan.cells[0].id, "rep-0", "summary.csv");
  const before = fs.statSync(kept).mtimeMs;
  const r = await runSweep(plan, { out: two, workers: 2, shard: null, quiet: true, noReport: true });
  t.same(r, { ran: 2, skipped: 6, complete: true });
  t.equal(fs.statSync(kept).mtimeMs, before, "finished replications untouched");
  sameTree(t, one, two, "resumed");
});

t.test("3 shards merged equal the single-machine sweep", async (t) => {
  const shards = [0, 1, 2].map((i) => path.join(tmp, "shards", `s${i}`));
  for (let i = 0; i < 3; i++) {
    const r = await runSweep(plan, { out: shards[i], workers: 1, shard: { index: i, count: 3 }, quiet: true, noReport: true });
    t.equal(r.complete, false, `shard ${i} alone is incomplete`);
  }
  t.notOk(fs.existsSync(path.join(shards[0], "sweep-summary.csv")));
  const merged = path.join(tmp, "merged");
  const m = await mergeSweeps(shards, merged, { noReport: true });
  t.same(m, { copied: 8, present: 0, missing: 0 });
  sameTree(t, one, merged, "merged");
});

t.test("CLI: a full sweep with its report, then a rerun that skips everything", async (t) => {
  const out = path.join(tmp, "cli");
  const first = cli("sweep", EXPERIMENT, "--out", out, "--workers", "2");
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, /8 runs done, 0 already finished/);
  t.ok(fs.existsSync(path.join(out, "report.html")));
  t.ok(fs.existsSync(path.join(out, "charts", "pareto.svg")));
  t.same(fs.readFileSync(path.join(out, "sweep-summary.csv"), "utf8"), fs.readFileSync(path.join(one, "sweep-summary.csv"), "utf8"));
  const again = cli("sweep", EXPERIMENT, "--out", out, "--quiet");
  t.equal(again.status, 0, again.stderr);
});

t.test("CLI: --no-charts writes the summary only, the same bytes; merge --no-charts too", async (t) => {
  const out = path.join(tmp, "no-charts");
  const r = cli("sweep", EXPERIMENT, "--out", out, "--workers", "1", "--no-charts");
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /wrote \S+sweep-summary\.csv\n$/, "names only the summary");
  t.notOk(fs.existsSync(path.join(out, "report.html")), "no report");
  t.notOk(fs.existsSync(path.join(out, "charts")), "no charts");
  t.same(fs.readFileSync(path.join(out, "sweep-summary.csv"), "utf8"), fs.readFileSync(path.join(one, "sweep-summary.csv"), "utf8"));
  const merged = path.join(tmp, "no-charts-merged");
  const m = cli("merge", out, "--out", merged, "--no-charts", "--quiet");
  t.equal(m.status, 0, m.stderr);
  t.notOk(fs.existsSync(path.join(merged, "report.html")));
  t.same(fs.readFileSync(path.join(merged, "sweep-summary.csv"), "utf8"), fs.readFileSync(path.join(one, "sweep-summary.csv"), "utf8"));
});

t.test("bad input: one error line with file:line, exit 2, nothing written", async (t) => {
  const dir = path.join(tmp, "bad");
  fs.mkdirSync(dir);
  const exp = path.join(dir, "exp.yaml");
  const base = path.resolve("test/experiments/sweep/fixtures/tiny.yaml");
  const write = (factors: string) =>
    fs.writeFileSync(exp, `apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: bad}\nscenario: ${path.relative(dir, base)}\nfactors:\n${factors}`);
  const cases: [string, RegExp][] = [
    ["  components.hpa.syncPeriodd: [15s, 30s]\n", /exp\.yaml:6 factors\[components\.hpa\.syncPeriodd\]: unknown field "syncPeriodd" \(did you mean "syncPeriod"\?\)/],
    ["  componets.hpa.syncPeriod: [15s]\n", /exp\.yaml:6 .*unknown factor path "componets\.hpa\.syncPeriod"/],
    ["  components.hpa.syncPeriod: []\n", /exp\.yaml:6 .*non-empty list/],
    ["  components.hpa.syncPeriod: [15x]\n", /exp\.yaml:6 .*expected a .*duration.*15x/],
    ['  "patch:HorizontalPodAutoscaler/nope:spec.maxReplicas": [3]\n', /exp\.yaml:6 .*no HorizontalPodAutoscaler "nope"/],
  ];
  const out = path.join(dir, "out");
  // Through the CLI once: the first stderr line is the error, the exit code 2.
  write(cases[0][0]);
  const r = cli("sweep", exp, "--out", out);
  t.equal(r.status, 2);
  t.match(r.stderr.split("\n")[0], cases[0][1]);
  t.notOk(fs.existsSync(out), "nothing written");
  // The rest in-process (same code path, without starting a process each).
  for (const [factors, message] of cases.slice(1)) {
    write(factors);
    const e = await failure(sweepCommand(exp, { out, quiet: true }));
    t.equal(e?.exitCode, 2, factors);
    t.match(e?.message, message, factors);
    t.notOk(fs.existsSync(out), "nothing written");
  }
  write("  duration: [1m]\n");
  const e = await failure(sweepCommand(exp, { out, shard: "3/3" }));
  t.equal(e?.exitCode, 2);
  t.match(e?.message, /--shard: expected i\/N/);
  t.notOk(fs.existsSync(out));
});

