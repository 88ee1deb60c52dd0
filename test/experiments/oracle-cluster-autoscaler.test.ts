import t from "tap";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runOracleCase } from "../../experiments/oracle.js";
import { tempDir } from "../temp-dir.js";

const root = path.resolve(import.meta.dirname, "../..");
// The upstream vectors live beside the project, in ../shared/oracle/cluster-autoscaler from its root.
const CA_DIR = path.join(root, "../shared/oracle/cluster-autoscaler");
const files = readdirSync(CA_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

type Case = { id: string; family: string; test: string; expected: Record<string, unknown>; tolerance?: number };

/** The README's comparison: exact, except non-integer floats within a relative tolerance (1e-9 unless the case says). */
function matches(got: unknown, want: unknown, tolerance: number): boolean {
  if (typeof want === "number" && typeof got === "number" && !Number.isInteger(want)) return Math.abs(got - want) <= tolerance * Math.abs(want);
  if (Array.isArray(want)) return Array.isArray(got) && got.length === want.length && want.every((w, i) => matches(got[i], w, tolerance));
  if (typeof want === "object" && want !== null) {
    if (typeof got !== "object" || got === null || Array.isArray(got)) return false;
    const g = got as Record<string, unknown>;
    const keys = Object.keys(want);
    return keys.length === Object.keys(g).length && keys.every((k) => k in g && matches(g[k], (want as Record<string, unknown>)[k], tolerance));
  }
  return got === want;
}

t.test("every Cluster Autoscaler oracle case matches its expected result", async (t) => {
  t.same(files, ["ca_estimator_cases.json", "ca_expander_cases.json", "ca_scaledown_cases.json", "ca_scaleup_cases.json"]);
  let total = 0;
  for (const file of files) {
    const cases = JSON.parse(readFileSync(path.join(CA_DIR, file), "utf8")) as Case[];
    let matched = 0;
    for (const c of cases) {
      const { id, result } = runOracleCase(c);
      t.equal(id, c.id);
      t.same(Object.keys(result), Object.keys(c.expected), `${id}: keys`);
      const ok = matches(result, c.expected, c.tolerance ?? 1e-9);
      t.ok(ok, `${id} (${c.family} ${c.test}): got ${JSON.stringify(result)}, expected ${JSON.stringify(c.expected)}`);
      if (ok) matched++;
    }
    t.equal(matched, cases.length, `${file}: ${matched}/${cases.length} match`);
    total += cases.length;
  }
  t.equal(total, 168, "all 168 published cases replayed");
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "oracle", ...args], { cwd: root, encoding: "utf8" });

t.test("CLI replays the CA files: one JSON line per case, in file order, exit 0", async (t) => {
  const paths = files.map((f) => path.join(CA_DIR, f));
  const r = cli(paths);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const ids = paths.flatMap((p) => (JSON.parse(readFileSync(p, "utf8")) as Case[]).map((c) => c.id));
  t.same(
    lines.map((l) => (JSON.parse(l) as { id: string }).id),
    ids,
  );
  t.match(r.stdout, /^\{"id":"est-001","result":\{"nodeCount":5,"podCount":10,"scheduledPerGroup":\[10\]\}\}\n/);
});

t.test("a malformed CA case is one clear line naming the file and case, non-zero exit", async (t) => {
  const dir = tempDir("kubesim-ca-oracle-");
  const file = path.join(dir, "bad.json");
  writeFileSync(
    file,
    JSON.stringify([{ id: "bad-1", family: "ca.expander", function: "x", inputs: { expander: "cheapest", options: [] }, expected: { best: [] } }]),
  );
  const r = cli([file]);
  t.not(r.status, 0);
  t.equal(r.stdout, "");
  t.match(r.stderr, /^kubesim: .*bad\.json: case bad-1: unknown expander "cheapest"; known: random, most-pods, least-nodes, least-waste, price, priority\n/);
  t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
});

t.test("an unknown ca.* family is reported, not guessed", async (t) => {
  t.throws(() => runOracleCase({ id: "x", family: "ca.nope", inputs: {}, expected: {} }), /case x: unknown family ca\.nope/);
});
