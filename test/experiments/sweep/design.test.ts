/** Cell generation (grid, list, LHS), cell ids, replication seeds, shards, statistics (job specs: cluster.test.ts). */
import t from "tap";
import { parse as parseCsv } from "csv-parse/sync";
import { cellId, cellsOf, grid, latinHypercube, parseShard, replicationSeed, unitsOf, inShard } from "../../../experiments/sweep/design.js";
import { parseExperiment, readExperiment, type Experiment } from "../../../experiments/sweep/experiment.js";
import { cellStats, formatStat, metricStats, summaryCsv } from "../../../experiments/sweep/aggregate.js";
import { paretoFront } from "../../../experiments/sweep/report.js";
import { SUMMARY_COLUMNS } from "../../../experiments/summary.js";

const FILE = "test/experiments/sweep/fixtures/x.yaml";
const parse = (body: string): Experiment => {
  const r = parseExperiment(`apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nscenario: tiny.yaml\n${body}`, FILE);
  if (r.experiment === null) throw new Error(JSON.stringify(r.errors));
  return r.experiment;
};

t.test("grid: cartesian product, first factor slowest", async (t) => {
  t.same(grid([[1, 2], ["a", "b", "c"]]), [[1, "a"], [1, "b"], [1, "c"], [2, "a"], [2, "b"], [2, "c"]]);
  const e = parse("factors:\n  components.hpa.syncPeriod: [15s, 30s]\n  duration: [1m, 2m]\n");
  const cells = cellsOf(e);
  t.same(cells.map((c) => c.values.map(([, v]) => v)), [["15s", "1m"], ["15s", "2m"], ["30s", "1m"], ["30s", "2m"]]);
  t.equal(new Set(cells.map((c) => c.id)).size, 4, "distinct ids");
});

t.test("cell ids depend on the assignment, not on factor order", async (t) => {
  const a = parse("factors:\n  components.hpa.syncPeriod: [15s, 30s]\n  duration: [1m, 2m]\n");
  const b = parse("factors:\n  duration: [2m, 1m]\n  components.hpa.syncPeriod: [30s, 15s]\n");
  t.same(cellsOf(a).map((c) => c.id).sort(), cellsOf(b).map((c) => c.id).sort());
  t.match(cellId([["components.hpa.syncPeriod", "15s"]]), /^syncPeriod-15s-[0-9a-f]{8}$/);
  t.not(cellId([["x", 1]]), cellId([["x", "1"]]), "a number and a string are different values");
});

t.test("list: the i-th value of every factor; unequal lengths are an error", async (t) => {
  const e = parse("design: list\nfactors:\n  components.hpa.syncPeriod: [15s, 30s]\n  duration: [1m, 2m]\n");
  t.same(cellsOf(e).map((c) => c.values.map(([, v]) => v)), [["15s", "1m"], ["30s", "2m"]]);
  const r = parseExperiment("apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nscenario: tiny.yaml\ndesign: list\nfactors:\n  a.b: [1, 2]\n  c.d: [1]\n", FILE);
  t.equal(r.experiment, null);
  t.match(r.errors[0], { line: 6, message: /same length/ });
});

t.test("LHS: deterministic from the seed, one sample per stratum of every factor", async (t) => {
  const ranges = [
    { min: 0, max: 600_000, duration: true, integer: true },
    { min: 0, max: 1, duration: false, integer: false },
  ];
  const n = 10;
  const a = latinHypercube(ranges, n, 42, ["w", "tol"]);
  t.same(latinHypercube(ranges, n, 42, ["w", "tol"]), a, "same seed, same samples");
  t.notSame(latinHypercube(ranges, n, 43, ["w", "tol"]), a, "another seed, other samples");
  const strata0 = a.map((row) => Math.min(n - 1, Math.floor((parseInt(String(row[0]), 10) / 600_000) * n))).sort((x, y) => x - y);
  const strata1 = a.map((row) => Math.min(n - 1, Math.floor(Number(row[1]) * n))).sort((x, y) => x - y);
  t.same(strata0, [...Array(n).keys()], "factor 1 stratified");
  t.same(strata1, [...Array(n).keys()], "factor 2 stratified");
  t.match(String(a[0][0]), /^\d+ms$/, "durations come back with a unit");
  const e = parse("seed: 7\ndesign: lhs\nsamples: 5\nfactors:\n  components.hpa.syncPeriod: {min: 5s, max: 60s}\n");
  t.equal(cellsOf(e).length, 5);
});

t.test("replication seeds: deterministic, distinct, shared by all cells", async (t) => {
  t.equal(replicationSeed(42, 0), replicationSeed(42, 0));
  t.not(replicationSeed(42, 0), replicationSeed(42, 1));
  t.not(replicationSeed(42, 0), replicationSeed(43, 0));
  t.ok(Number.isSafeInteger(replicationSeed(42, 5)) && replicationSeed(42, 5) >= 0);
  const e = parse("seed: 42\nreplications: 3\nfactors:\n  duration: [1m, 2m]\n");
  const units = unitsOf(cellsOf(e), 3, 42);
  t.same(units.map((u) => u.index), [0, 1, 2, 3, 4, 5]);
  t.same(units.filter((u) => u.cell === units[0].cell).map((u) => u.seed), units.filter((u) => u.cell !== units[0].cell).map((u) => u.seed), "common random numbers");
});

t.test("shards: i/N parsing and a partition of the units", async (t) => {
  t.same(parseShard("1/4"), { index: 1, count: 4 });
  for (const bad of ["4/4", "1", "a/b", "-1/2", "0/0", "1/2/3"]) t.equal(parseShard(bad), null, bad);
  const e = parse("replications: 5\nfactors:\n  duration: [1m, 2m, 3m]\n");
  const units = unitsOf(cellsOf(e), 5, 0);
  const shards = [0, 1, 2, 3].map((i) => units.filter((u) => inShard(u, { index: i, count: 4 })).map((u) => u.index));
  t.same(shards.flat().sort((a, b) => a - b), units.map((u) => u.index), "every unit in exactly one shard");
});

t.test("experiment file errors carry file:line", async (t) => {
  const r = parseExperiment("apiVersion: kubesim.io/v1alpha1\nkind: Experiment\nmetadata: {name: x}\nscenario: tiny.yaml\nreplicatons: 3\nfactors:\n  duration: []\n", FILE);
  t.equal(r.experiment, null);
  t.match(r.errors, [
    { line: 5, message: /unknown field "replicatons" \(did you mean "replications"\?\)/ },
    { line: 7, message: /non-empty list/ },
  ]);
});

t.test("an experiment file is read as scenario files are: regular files only", async (t) => {
  // /dev/zero would be read until memory runs out; a folder is not a file.
  for (const [file, kind] of [["/dev/zero", "a character device"], ["test", "a folder"]]) {
    const { experiment, errors } = readExperiment(file);
    t.equal(experiment, null);
    t.strictSame(errors.map((e) => e.message), [`cannot read experiment file: not a regular file (it is ${kind})`]);
  }
});

t.test("statistics: mean, sd and the Student-t 95 % interval for known inputs", async (t) => {
  const s = metricStats([1, 2, 3]);
  t.equal(s.mean, 2);
  t.equal(s.sd, 1);
  // t(0.975, 2) = 4.302653; half-width 4.302653 / sqrt(3) = 2.484138
  t.equal(formatStat(s.low), "-0.484138");
  t.equal(formatStat(s.high), "4.484138");
  const nan = metricStats([NaN, 4, 6]);
  t.equal(nan.n, 2, "NaN (no value) replications left out");
  t.equal(nan.mean, 5);
  const runs = [0, 1, 2].map((k) => Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, c === "pod_hours" ? k + 1 : 10])));
  const csv = summaryCsv(["duration"], [cellStats("c1", [["duration", "1m"]], runs)]).split("\n");
  const header = csv[0].split(",");
  const row = csv[1].split(",");
  const col = (name: string) => row[header.indexOf(name)];
  t.same(header.slice(0, 4), ["cell", "duration", "replications", "slo_violation_s_mean"]);
  t.equal(col("pod_hours_mean"), "2");
  t.equal(col("pod_hours_sd"), "1");
  t.equal(col("pod_hours_ci95_low"), "-0.484138");
  t.equal(col("pod_hours_ci95_high"), "4.484138");
  t.equal(col("scale_events_ci95_low"), "10", "no spread: the interval is the point");
});

t.test("Pareto front: cells no other cell beats on both", async (t) => {
  t.same([...paretoFront([[1, 5], [2, 2], [3, 3], [5, 1], [2, 2]])].sort(), [0, 1, 3, 4]);
});

t.test("sweep-summary.csv: string factor values a spreadsheet would run are written as text, numbers keep their sign", async (t) => {
  const runs = [0, 1].map((k) => Object.fromEntries(SUMMARY_COLUMNS.map((c) => [c, c === "time_to_scale_s" ? NaN : k + 1])));
  const values: [string, string | number | boolean][][] = [
    [["label", '=HYPERLINK("http://evil","x")'], ["offset", -3.5], ["flag", true]],
    [["label", "+cmd|' /C calc'!A0"], ["offset", "-3"], ["flag", false]],
    [["label", "@SUM(A1)"], ["offset", 0], ["flag", true]],
  ];
  const csv = summaryCsv(["label", "offset", "flag"], values.map((v, i) => cellStats(`c${i}`, v, runs)));
  const lines = csv.split("\n");
  t.match(lines[1], /^c0,"'=HYPERLINK\(""http:\/\/evil"",""x""\)",-3\.5,true,2,/, "formula neutralised and quoted; a negative number stays a number");
  t.match(lines[2], /^c1,"'\+cmd\|' \/C calc'!A0","'-3",false,2,/, "a string that begins with - is text");
  t.match(lines[3], /^c2,"'@SUM\(A1\)",0,true,2,/);
  const [header, first] = parseCsv(csv) as string[][];
  t.equal(first[header.indexOf("time_to_scale_s_mean")], "", "no replication had a value: empty, not NaN");
  for (const line of lines.slice(1)) t.notMatch(line, /NaN|Infinity/);
});
