import t from "tap";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { caseKind, runOracleCase, runOracleFiles } from "../../experiments/oracle.js";

const root = path.resolve(import.meta.dirname, "../..");
// The upstream vectors live beside the project, in ../shared/oracle from its root.
const ORACLE_DIR = path.join(root, "../shared/oracle");
const files = readdirSync(ORACLE_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

t.test("every oracle case matches its expected result", async (t) => {
  t.ok(files.length >= 4, "oracle files present");
  for (const file of files) {
    const cases = JSON.parse(readFileSync(path.join(ORACLE_DIR, file), "utf8")) as Record<string, unknown>[];
    let matched = 0;
    for (const c of cases) {
      const { id, result } = runOracleCase(c);
      const expected = c.expected as Record<string, unknown>;
      t.equal(id, c.id);
      if ("errorContains" in expected) {
        t.same(Object.keys(result), ["error"], `${id}: error key`);
        const ok = typeof result.error === "string" && result.error.includes(String(expected.errorContains));
        t.ok(ok, `${id} (${c.name}): error ${JSON.stringify(result.error)} contains ${JSON.stringify(expected.errorContains)}`);
        if (ok) matched++;
      } else {
        t.same(Object.keys(result), Object.keys(expected), `${id}: keys`);
        t.strictSame(result, expected, `${id} (${c.name})${c.skippedInSource ? " [skippedInSource]" : ""}`);
        if (JSON.stringify(result) === JSON.stringify(expected)) matched++;
      }
    }
    t.equal(matched, cases.length, `${file}: ${matched}/${cases.length} match`);
  }
});

t.test("case kinds are recognised from their fields", async (t) => {
  t.equal(caseKind({ calculatorMethod: "GetResourceReplicas" }), "replicaCalculator");
  t.equal(caseKind({ hpa: {}, scale: {} }), "controller");
  t.equal(caseKind({ function: "groupPods", inputs: {} }), "groupPods");
  t.equal(caseKind({ function: "storeScaleEvent+getReplicasChangePerPeriod", inputs: {} }), "behavior");
  t.equal(caseKind({ id: "x" }), null);
});

t.test("runOracleFiles keeps file order", async (t) => {
  const out = runOracleFiles([path.join(ORACLE_DIR, "hpa_grouppods_cases.json")]);
  t.equal(out[0].id, "gp-001");
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "oracle", ...args], { cwd: root, encoding: "utf8" });

t.test("CLI prints one JSON line per case and exits 0", async (t) => {
  const file = path.join(ORACLE_DIR, "hpa_controller_examples.json");
  const r = cli([file]);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const cases = JSON.parse(readFileSync(file, "utf8")) as { id: string; expected: unknown }[];
  t.equal(lines.length, cases.length);
  lines.forEach((line, i) => {
    const parsed = JSON.parse(line) as { id: string; result: unknown };
    t.equal(parsed.id, cases[i].id);
    t.same(parsed.result, cases[i].expected);
  });
});

t.test("CLI prints int64 values beyond 2^53 as strings", async (t) => {
  const r = cli([path.join(ORACLE_DIR, "hpa_k8s_cases.json")]);
  t.equal(r.status, 0, r.stderr);
  t.match(r.stdout, /\{"id":"rc-048","result":\{"desiredReplicas":2147483647,"usage":"9223372036854775807"\}\}/);
});

t.test("CLI on a nonexistent file: one clear line, non-zero exit, no stack trace", async (t) => {
  const r = cli(["/nonexistent/oracle.json"]);
  t.not(r.status, 0);
  t.equal(r.stdout, "");
  t.match(r.stderr, /^kubesim: cannot read oracle file \/nonexistent\/oracle\.json: no such file\n/);
  t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
});
