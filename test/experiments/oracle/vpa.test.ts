import t from "tap";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runOracleCase, runOracleFiles } from "../../../experiments/oracle.js";
import { isVpaCase, VPA_FAMILIES } from "../../../experiments/oracle/vpa.js";
import { gradeVpaResult, type Tolerance } from "./vpa-grade.js";
import { tempDir } from "../../temp-dir.js";

const root = path.resolve(import.meta.dirname, "../../..");
// The upstream VPA vectors live beside the project, in ../shared/oracle/vpa from its root.
const VPA_DIR = path.join(root, "../shared/oracle/vpa");
const files = readdirSync(VPA_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

type Case = { id: string; family: string; expected: Record<string, unknown>; tolerance?: Tolerance };
const load = (file: string) => JSON.parse(readFileSync(path.join(VPA_DIR, file), "utf8")) as Case[];

t.test("every VPA oracle case matches its expected result", async (t) => {
  t.equal(files.length, 5, "the five VPA case files are present");
  let total = 0;
  const families = new Set<string>();
  for (const file of files) {
    const cases = load(file);
    let matched = 0;
    for (const c of cases) {
      families.add(c.family);
      const { id, result } = runOracleCase(c);
      t.equal(id, c.id);
      t.same(Object.keys(result), Object.keys(c.expected), `${id}: exactly the expected keys`);
      const difference = gradeVpaResult(c.expected, result, c.tolerance ?? {});
      t.equal(difference, null, `${id}: ${difference ?? "matches"}`);
      if (difference === null) matched++;
    }
    t.equal(matched, cases.length, `${file}: ${matched}/${cases.length} match`);
    total += cases.length;
  }
  t.equal(total, 148, "all 148 published cases replayed");
  t.same([...families].sort(), [...VPA_FAMILIES].sort(), "every family is covered by the published cases");
});

t.test("the grader rejects wrong results", async (t) => {
  t.equal(gradeVpaResult({ a: 587 }, { a: 587 }), null);
  t.not(gradeVpaResult({ a: 587 }, { a: 588 }), null, "an integer must match exactly");
  t.not(gradeVpaResult({ a: 1.0 }, { a: 1.0 + 1e-6 }), null, "floats within 1e-9 relative only");
  t.equal(gradeVpaResult({ a: 1000 }, { a: 1016 }, { relative: 0.05 }), null, "a case tolerance widens the match");
  t.not(gradeVpaResult({ r: { memory: 1 } }, { r: { memory: 1, cpu: 2 } }), null, "an extra nested key is a mismatch");
  t.not(gradeVpaResult({ l: [1, 2] }, { l: [2, 1] }), null, "lists are ordered by default");
  t.equal(gradeVpaResult({ l: [1, 2] }, { l: [2, 1] }, { unordered: ["l"] }), null, "tolerance.unordered lists are multisets");
  t.equal(gradeVpaResult({ annotations: { c: ["x", "y"] } }, { annotations: { c: ["y", "x"] } }), null, "annotations lists are unordered");
  t.not(gradeVpaResult({ x: "9223372036854775807" }, { x: 9223372036854775807 }), null, "int64 strings compare as strings");
});

t.test("VPA cases are recognised by family before the HPA kinds", async (t) => {
  t.ok(isVpaCase({ family: "vpa.histogram", function: "histogram.Percentile", inputs: {} }));
  t.notOk(isVpaCase({ function: "groupPods", inputs: {} }));
  t.notOk(isVpaCase({ family: "keda.scaler" }));
});

t.test("a malformed VPA case is one clear error naming the file, case and field", async (t) => {
  const dir = tempDir("vpa-oracle-");
  const file = path.join(dir, "bad.json");
  writeFileSync(file, JSON.stringify([{ id: "bad-1", family: "vpa.histogram", inputs: { options: { type: "linear", maxValue: 1, bucketSize: 0.1, epsilon: 1e-3 } }, expected: { results: [] } }]));
  t.throws(() => runOracleFiles([file]), /bad\.json: case bad-1: inputs\.ops must be an array/);
  writeFileSync(file, JSON.stringify([{ id: "bad-2", family: "vpa.nope", inputs: {}, expected: {} }]));
  t.throws(() => runOracleFiles([file]), /case bad-2: unknown family "vpa\.nope"/);
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "oracle", ...args], { cwd: root, encoding: "utf8" });

t.test("CLI replays the VPA files: one JSON line per case, exit 0", async (t) => {
  const r = cli(files.map((f) => path.join(VPA_DIR, f)));
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const cases = files.flatMap(load);
  t.equal(lines.length, cases.length);
  lines.forEach((line, i) => {
    const parsed = JSON.parse(line) as { id: string; result: unknown };
    t.equal(parsed.id, cases[i].id);
    t.equal(gradeVpaResult(cases[i].expected, parsed.result, cases[i].tolerance ?? {}), null, `${parsed.id} via the CLI`);
  });
  t.match(r.stdout, /\{"id":"vpa-cap-034","result":\{"limitBytes":"9223372036854775807","annotation":true\}\}/, "int64 beyond 2^53 prints as a string");
});
