/**
 * Sweeps and merges that never lose or trust the wrong files: damaged shards refused with the
 * shard and file named, a damaged copy already in the output replaced, a user's folder refused
 * (and kept with --force), what a kill -9 leaves removed by the rerun, and a failing run
 * reported on one line while the sweep goes on (or stops, with failFast).
 */
import t from "tap";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { planSweep } from "../../../experiments/sweep/plan.js";
import { runSweep } from "../../../experiments/sweep/sweep.js";
import { mergeSweeps } from "../../../experiments/sweep/merge.js";
import { stagingName } from "../../../experiments/output.js";
import { UserError } from "../../../experiments/errors.js";
import { sourceHash } from "../../../experiments/version.js";
import { failure, tree } from "./helpers.js";
import { tempDir } from "../../temp-dir.js";

t.setTimeout(300_000);

const EXPERIMENT = "test/experiments/sweep/fixtures/tiny-grid.yaml";
const tmp = tempDir("kubesim-sweep-safety-");
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });
const VERSION = JSON.parse(fs.readFileSync("package.json", "utf8")).version;
const deadPid = spawnSync(process.execPath, ["-e", ""]).pid!;
const staleName = (prefix: string) => stagingName(prefix).replace(`-${process.pid}-`, `-${deadPid}-`);

const plan = planSweep(EXPERIMENT);
const shards = [0, 1].map((i) => path.join(tmp, `s${i}`));
const reference = path.join(tmp, "reference");

/** Runs `fn` with stderr captured (in-process warnings and failure lines). */
async function capturingStderr<T>(fn: () => Promise<T>): Promise<{ value: T | null; error: unknown; stderr: string }> {
  const write = process.stderr.write;
  let stderr = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), error: null, stderr };
  } catch (error) {
    return { value: null, error, stderr };
  } finally {
    process.stderr.write = write;
  }
}

/** The replication folders of `dir`, as paths relative to it, in plan order. */
function reps(dir: string): string[] {
  return plan.units.map((u) => path.join("cells", u.cell.id, `rep-${u.replication}`)).filter((r) => fs.existsSync(path.join(dir, r)));
}

/** Rewrites one line of a folder's files.sha256 so it matches an edited file (a "legitimately" different run). */
function redigest(repPath: string, file: string): void {
  const digest = path.join(repPath, "files.sha256");
  const sha = createHash("sha256").update(fs.readFileSync(path.join(repPath, file))).digest("hex");
  fs.writeFileSync(digest, fs.readFileSync(digest, "utf8").replace(new RegExp(`^[0-9a-f]{64}  ${file.replace(".", "\\.")}$`, "m"), `${sha}  ${file}`));
}

/** Changes one figure of a summary.csv (the SLO mean 40 -> 3358 of the issue). */
function alterSummary(file: string): void {
  const [header, row] = fs.readFileSync(file, "utf8").split("\n");
  const cells = row.split(",");
  cells[2] = String(Number(cells[2]) + 3318);
  fs.writeFileSync(file, `${header}\n${cells.join(",")}\n`);
}

t.before(async () => {
  for (let i = 0; i < 2; i++) await runSweep(plan, { out: shards[i], workers: 2, shard: { index: i, count: 2 }, quiet: true, noReport: true });
  await mergeSweeps(shards, reference, { noReport: true });
});

t.test("every replication folder carries its digest, written with it", async (t) => {
  const rep = path.join(reference, reps(reference)[0]);
  const lines = fs.readFileSync(path.join(rep, "files.sha256"), "utf8").trim().split("\n");
  t.same(lines.map((l) => l.slice(66)), ["decisions.csv", "events.csv", "lag.csv", "manifest.json", "summary.csv", "timeseries.csv"]);
});

t.test("merge refuses a damaged shard, naming the shard and the file, and writes nothing", async (t) => {
  const cases: [string, (shard: string, rep: string) => void, (shard: string, rep: string) => string | RegExp][] = [
    ["garbage sweep.json", (s) => fs.writeFileSync(path.join(s, "sweep.json"), "\x00garbage"), (s) => new RegExp(`^merge: shard ${s}: sweep\\.json: not valid JSON \\(.+\\); nothing was merged$`)],
    ["{} as sweep.json", (s) => fs.writeFileSync(path.join(s, "sweep.json"), "{}"), (s) => `merge: shard ${s}: sweep.json: kind: expected "Sweep", got nothing; nothing was merged`],
    ["a cell id that climbs out", (s) => {
      const j = JSON.parse(fs.readFileSync(path.join(s, "sweep.json"), "utf8"));
      j.cells[0].id = "../../etc";
      fs.writeFileSync(path.join(s, "sweep.json"), JSON.stringify(j));
    }, (s) => `merge: shard ${s}: sweep.json: cells[0].id: expected a folder name of letters, digits, ".", "_" and "-"; nothing was merged`],
    ["a truncated summary.csv", (s, r) => fs.truncateSync(path.join(s, r, "summary.csv"), 40), (s, r) => `merge: shard ${s}: ${r}/summary.csv differs from its sha256 in files.sha256 (damaged, truncated or edited); nothing was merged`],
    ["a missing summary.csv", (s, r) => fs.rmSync(path.join(s, r, "summary.csv")), (s, r) => `merge: shard ${s}: ${r}/summary.csv missing; nothing was merged`],
    ["a truncated timeseries.csv", (s, r) => fs.truncateSync(path.join(s, r, "timeseries.csv"), 1000), (s, r) => `merge: shard ${s}: ${r}/timeseries.csv differs from its sha256 in files.sha256 (damaged, truncated or edited); nothing was merged`],
    ["an altered summary value", (s, r) => alterSummary(path.join(s, r, "summary.csv")), (s, r) => `merge: shard ${s}: ${r}/summary.csv differs from its sha256 in files.sha256 (damaged, truncated or edited); nothing was merged`],
    ["an empty replication folder", (s, r) => {
      fs.rmSync(path.join(s, r), { recursive: true });
      fs.mkdirSync(path.join(s, r));
    }, (s, r) => `merge: shard ${s}: ${r}/files.sha256 missing (the folder was not completely written by kubesim); nothing was merged`],
    ["a run of another kubesim version", (s, r) => {
      const file = path.join(s, r, "manifest.json");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(`"version": "${VERSION}"`, '"version": "9.9.9"'));
      redigest(path.join(s, r), "manifest.json");
    }, (s, r) => `merge: shard ${s}: ${r}/manifest.json was written by kubesim 9.9.9, but ${path.join(shards[0], reps(shards[0])[0], "manifest.json")} by kubesim ${VERSION}; merge shards of one kubesim version; nothing was merged`],
    ["a run of the same version built from other sources", (s, r) => {
      const file = path.join(s, r, "manifest.json");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"source_sha256": "[0-9a-f]{64}"/, `"source_sha256": "${"ab".repeat(32)}"`));
      redigest(path.join(s, r), "manifest.json");
    }, (s, r) => `merge: shard ${s}: ${r}/manifest.json was written by kubesim ${VERSION} built from other sources (source_sha256 abababababab…) than ${path.join(shards[0], reps(shards[0])[0], "manifest.json")} (${sourceHash().slice(0, 12)}…); merge shards run by the same build; nothing was merged`],
    ["a run of another seed", (s, r) => {
      const file = path.join(s, r, "manifest.json");
      fs.writeFileSync(file, fs.readFileSync(file, "utf8").replace(/"seed": \d+/, '"seed": 5'));
      redigest(path.join(s, r), "manifest.json");
    }, (s, r) => `merge: shard ${s}: ${r}/manifest.json has seed 5, but sweep.json gives replication ${r.endsWith("0") ? 0 : 1} seed ${plan.units[r.endsWith("0") ? 0 : 1].seed} (a run of another experiment); nothing was merged`],
  ];
  for (const [what, damage, expected] of cases) {
    const bad = path.join(tmp, "bad-shard");
    fs.rmSync(bad, { recursive: true, force: true });
    fs.cpSync(shards[1], bad, { recursive: true });
    const rep = reps(bad).at(-1)!;
    damage(bad, rep);
    const out = path.join(tmp, "bad-merge");
    const e = await failure(mergeSweeps([shards[0], bad], out, { noReport: true }));
    t.equal(e?.exitCode, 2, `${what}: exit 2`);
    const message = expected(bad, rep);
    if (typeof message === "string") t.equal(e?.message, message, what);
    else t.match(e?.message, message, what);
    t.notOk(fs.existsSync(out), `${what}: nothing written`);
  }
  // Through the CLI once: exit 2 (never 70), one line and a hint.
  const bad = path.join(tmp, "bad-shard");
  fs.writeFileSync(path.join(bad, "sweep.json"), "{}");
  const r = cli("merge", shards[0], bad, "--out", path.join(tmp, "bad-merge"));
  t.equal(r.status, 2);
  t.equal(r.stderr, `kubesim: merge: shard ${bad}: sweep.json: kind: expected "Sweep", got nothing; nothing was merged\nhint: this shard's sweep.json is damaged: rerun the shard's sweep into a new folder, or leave the shard out\n`);
});

t.test("a later merge never keeps a damaged copy already in the output", async (t) => {
  const out = path.join(tmp, "remerge");
  await mergeSweeps(shards, out, { noReport: true });
  const rep = reps(shards[0])[0];
  const summary = path.join(out, rep, "summary.csv");
  alterSummary(summary);
  fs.rmSync(path.join(out, "sweep-summary.csv"));
  const again = await capturingStderr(() => mergeSweeps(shards, out, { noReport: true }));
  t.same(again.value, { copied: 1, present: 7, missing: 0 });
  t.equal(again.stderr, `warning: ${out}: ${rep}/summary.csv differs from its sha256 in files.sha256 (damaged, truncated or edited); replacing it with the copy from ${shards[0]}\n`);
  t.same([...tree(out)], [...tree(reference)], "the same bytes as a merge of good shards");

  // Damaged in the output and in no shard given: refused, not counted as present.
  fs.truncateSync(summary, 10);
  const e = await failure(mergeSweeps([shards[1]], out, { noReport: true }));
  t.equal(e?.exitCode, 2);
  t.equal(e?.message, `merge: ${out}: ${rep}/summary.csv differs from its sha256 in files.sha256 (damaged, truncated or edited), and no shard has this replication`);
});

t.test("sweep and merge refuse a user's folder; --force keeps the user's charts and other files", async (t) => {
  const user = path.join(tmp, "user");
  fs.mkdirSync(path.join(user, "charts"), { recursive: true });
  fs.writeFileSync(path.join(user, "charts", "mine.png"), "my figure");
  fs.writeFileSync(path.join(user, "report.html"), "my report");
  const refused = cli("merge", ...shards, "--out", user);
  t.equal(refused.status, 2);
  t.equal(refused.stderr.split("\n")[0], `kubesim: cannot write to ${user}: it exists and is not a kubesim sweep folder (no sweep.json written by kubesim)`);
  const e = await failure(runSweep(plan, { out: user, workers: 1, shard: null, quiet: true }));
  t.equal(e?.exitCode, 2);
  t.equal(e?.message, `cannot write to ${user}: it exists and is not a kubesim sweep folder (no sweep.json written by kubesim)`);
  t.same(fs.readdirSync(user).sort(), ["charts", "report.html"], "nothing written");
  t.equal(fs.readFileSync(path.join(user, "report.html"), "utf8"), "my report");

  const m = await mergeSweeps(shards, user, { force: true });
  t.same(m, { copied: 8, present: 0, missing: 0 });
  t.equal(fs.readFileSync(path.join(user, "charts", "mine.png"), "utf8"), "my figure", "the user's chart survives");
  t.ok(fs.existsSync(path.join(user, "charts", "pareto.svg")), "kubesim's charts beside it");
  t.equal(fs.readFileSync(path.join(user, "sweep-summary.csv"), "utf8"), fs.readFileSync(path.join(reference, "sweep-summary.csv"), "utf8"));

  // Another experiment's sweep folder: refused even with --force (replications would mix).
  const other = path.join(tmp, "other");
  fs.mkdirSync(other);
  fs.writeFileSync(path.join(other, "sweep.json"), JSON.stringify({ kind: "Sweep", name: "other" }));
  const mixed = await failure(runSweep(plan, { out: other, workers: 1, shard: null, quiet: true, force: true }));
  t.equal(mixed?.message, `cannot write to ${other}: it holds another sweep (its sweep.json differs from this one's)`);
  const mixedMerge = await failure(mergeSweeps(shards, other, { force: true }));
  t.equal(mixedMerge?.message, `cannot write to ${other}: it holds another sweep (its sweep.json differs from this one's)`);
});

t.test("kill -9 in the summary/report phase: the rerun leaves nothing behind and completes the outputs", async (t) => {
  const out = path.join(tmp, "killed");
  await mergeSweeps(shards, out);
  const charts = fs.readdirSync(path.join(out, "charts")).sort();
  t.ok(charts.length > 0);
  // What a kill -9 leaves while sweep-summary.csv, report.html and charts/ are being replaced:
  // their staging files, a half-filled charts staging folder (one chart moved in, one not), the
  // output folder's own staging beside it, and the plan check's scratch folder.
  fs.rmSync(path.join(out, "sweep-summary.csv"));
  fs.writeFileSync(path.join(out, staleName(".sweep-summary.csv.partial-")), "cell,");
  fs.writeFileSync(path.join(out, staleName(".report.html.partial-")), "<html");
  const chartsStaging = path.join(out, staleName(".charts.partial-"));
  fs.mkdirSync(chartsStaging);
  fs.renameSync(path.join(out, "charts", charts[0]), path.join(chartsStaging, charts[0]));
  fs.mkdirSync(path.join(tmp, staleName(".killed.partial-")));
  const scratch = path.join(os.tmpdir(), staleName("kubesim-sweep-check-"));
  fs.mkdirSync(scratch);
  fs.writeFileSync(path.join(scratch, "cell.yaml"), "x");

  const rerunPlan = planSweep(EXPERIMENT);
  const r = await runSweep(rerunPlan, { out, workers: 1, shard: null, quiet: true });
  t.same(r, { ran: 0, skipped: 8, complete: true });
  const leftovers = [...(fs.readdirSync(out, { recursive: true }) as string[]), ...fs.readdirSync(tmp)].filter((n) => n.includes(".partial-"));
  t.same(leftovers, [], "no staging left in or beside the output");
  t.notOk(fs.existsSync(scratch), "the plan check's scratch folder of the killed run is gone");
  t.equal(fs.readFileSync(path.join(out, "sweep-summary.csv"), "utf8"), fs.readFileSync(path.join(reference, "sweep-summary.csv"), "utf8"));
  t.same(fs.readdirSync(path.join(out, "charts")).sort(), charts, "every chart back");
  t.match(fs.readFileSync(path.join(out, "report.html"), "utf8"), /^<!doctype html>/i);
});

t.test("a run that fails is one line; the sweep goes on, or stops with failFast; no summary", async (t) => {
  // A base whose HPA is edited between planning and running (in the plan's copy of the base, which
  // the sweep writes into its folder): the cells with maxReplicas 3 < minReplicas 4 fail to load, the others run.
  const dir = path.join(tmp, "failing");
  fs.cpSync("experiments/scenarios/php-apache", path.join(dir, "php-apache"), { recursive: true });
  fs.writeFileSync(path.join(dir, "base.yaml"), "apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: base}\nextends: php-apache/scenario.yaml\nduration: 2m\n");
  fs.writeFileSync(path.join(dir, "exp.yaml"), `apiVersion: kubesim.io/v1alpha1
kind: Experiment
metadata: {name: failing}
scenario: base.yaml
replications: 2
factors:
  "patch:HorizontalPodAutoscaler/php-apache:spec.maxReplicas": [3, 6]
`);
  const failingPlan = planSweep(path.join(dir, "exp.yaml"));
  const hpa = Object.keys(failingPlan.baseCopy.files).find((name) => name.endsWith("php-apache/hpa.yaml"))!;
  const original = failingPlan.baseCopy.files[hpa];
  failingPlan.baseCopy.files[hpa] = Buffer.from(original.toString().replace("minReplicas: 1", "minReplicas: 4"));
  const bad = failingPlan.cells[0];
  t.equal(bad.values[0][1], 3);
  const out = path.join(dir, "out");
  const line = (k: number) => new RegExp(
    `^kubesim: run failed: cell ${bad.id} replication ${k} \\(scenario ${path.join(out, "cells", bad.id, "scenario.yaml").replace(/[.\\\\/]/g, "\\$&")}\\): cell scenario failed to load: .*maxReplicas.*minReplicas.*$`,
  );

  const fast = await capturingStderr(() => runSweep(failingPlan, { out, workers: 1, shard: null, quiet: true, failFast: true }));
  t.equal((fast.error as UserError).exitCode, 1);
  t.equal((fast.error as UserError).message, "sweep failing: 1 run failed (listed above), 3 not started (--fail-fast), 0 done; no summary written");
  const fastLines = fast.stderr.trimEnd().split("\n");
  t.equal(fastLines.length, 1, "one line");
  t.match(fastLines[0], line(0));

  const all = await capturingStderr(() => runSweep(failingPlan, { out, workers: 1, shard: null, quiet: true }));
  t.equal((all.error as UserError).message, "sweep failing: 2 runs failed (listed above), 2 done; no summary written");
  const lines = all.stderr.trimEnd().split("\n");
  t.equal(lines.length, 2, "one line per failed run, no stack trace");
  t.match(lines[0], line(0));
  t.match(lines[1], line(1));
  t.notOk(fs.existsSync(path.join(out, "sweep-summary.csv")), "no summary claiming completeness");
  t.ok(fs.existsSync(path.join(out, "cells", failingPlan.cells[1].id, "rep-1", "files.sha256")), "the other cell ran");

  // KUBESIM_DEBUG adds the stack.
  process.env.KUBESIM_DEBUG = "1";
  const debug = await capturingStderr(() => runSweep(failingPlan, { out, workers: 1, shard: null, quiet: true }));
  delete process.env.KUBESIM_DEBUG;
  t.match(debug.stderr, /\n\s+at /, "stack with KUBESIM_DEBUG");

  // Fixed: the rerun runs only the failed runs and writes the summary.
  failingPlan.baseCopy.files[hpa] = original;
  const fixed = await runSweep(failingPlan, { out, workers: 1, shard: null, quiet: true, noReport: true });
  t.same(fixed, { ran: 2, skipped: 2, complete: true });
});
