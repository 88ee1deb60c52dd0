import t from "tap";
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { runOracleCase } from "../../experiments/oracle.js";
import { tempDir } from "../temp-dir.js";

const root = path.resolve(import.meta.dirname, "../..");
// The upstream vectors live beside the project, in ../shared/oracle/keda from its root.
const KEDA_DIR = path.join(root, "../shared/oracle/keda");
const files = readdirSync(KEDA_DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

type Tolerance = { relative?: number; absolute?: number; perKey?: Record<string, number>; unordered?: string[] };
type Case = { id: string; family: string; test: string; expected: Record<string, unknown>; tolerance?: Tolerance };

/**
 * The README's comparison: integers, booleans, strings and null exactly; non-integer floats within
 * a relative tolerance (1e-9 unless the case says); lists under `annotations` or named `unordered` as multisets.
 */
function matches(got: unknown, want: unknown, tol: Tolerance, key = "", unordered = false): boolean {
  if (typeof want === "number" && typeof got === "number" && !Number.isInteger(want)) {
    const rel = tol.perKey?.[key] ?? tol.relative ?? 1e-9;
    return Math.abs(got - want) <= Math.max(rel * Math.abs(want), tol.absolute ?? 0);
  }
  if (Array.isArray(want)) {
    if (!Array.isArray(got) || got.length !== want.length) return false;
    if (!unordered && !(tol.unordered ?? []).includes(key)) return want.every((w, i) => matches(got[i], w, tol, key));
    const left = [...got];
    return want.every((w) => {
      const i = left.findIndex((g) => matches(g, w, tol, key));
      return i >= 0 && left.splice(i, 1).length === 1;
    });
  }
  if (typeof want === "object" && want !== null) {
    if (typeof got !== "object" || got === null || Array.isArray(got)) return false;
    const g = got as Record<string, unknown>;
    const keys = Object.keys(want);
    return (
      keys.length === Object.keys(g).length &&
      keys.every((k) => k in g && matches(g[k], (want as Record<string, unknown>)[k], tol, k, unordered || k === "annotations"))
    );
  }
  return got === want;
}

t.test("every KEDA oracle case matches its expected result", async (t) => {
  t.same(files, ["keda_executor_cases.json", "keda_hpa_cases.json", "keda_scalers_cases.json"]);
  let total = 0;
  for (const file of files) {
    const cases = JSON.parse(readFileSync(path.join(KEDA_DIR, file), "utf8")) as Case[];
    let matched = 0;
    for (const c of cases) {
      const { id, result } = runOracleCase(c);
      t.equal(id, c.id);
      t.same(Object.keys(result).sort(), Object.keys(c.expected).sort(), `${id}: keys`);
      const ok = matches(result, c.expected, c.tolerance ?? {});
      t.ok(ok, `${id} (${c.family} ${c.test}): got ${JSON.stringify(result)}, expected ${JSON.stringify(c.expected)}`);
      if (ok) matched++;
    }
    t.equal(matched, cases.length, `${file}: ${matched}/${cases.length} match`);
    total += cases.length;
  }
  t.equal(total, 177, "all 177 published cases replayed");
});

t.test("the comparison itself rejects wrong results (an extra key, a wrong nested value)", async (t) => {
  t.notOk(matches({ a: 1, b: 2 }, { a: 1 }, {}));
  t.notOk(matches({ c: { Ready: { status: "True", reason: "x" } } }, { c: { Ready: { status: "True", reason: "y" } } }, {}));
  t.ok(matches({ annotations: { l: [2, 1] } }, { annotations: { l: [1, 2] } }, {}));
  t.notOk(matches([2, 1], [1, 2], {}));
});

const cli = (args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "oracle", ...args], { cwd: root, encoding: "utf8" });

t.test("CLI replays the KEDA files: one JSON line per case, in file order, exit 0", async (t) => {
  const paths = files.map((f) => path.join(KEDA_DIR, f));
  const r = cli(paths);
  t.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split("\n");
  const ids = paths.flatMap((p) => (JSON.parse(readFileSync(p, "utf8")) as Case[]).map((c) => c.id));
  t.same(
    lines.map((l) => (JSON.parse(l) as { id: string }).id),
    ids,
  );
  t.match(
    r.stdout,
    /^\{"id":"keda-exec-001","result":\{"scaleTo":0,"lastActiveTime":null,"conditions":\{"Ready":\{"status":"True","reason":"ScaledObjectReady"\},"Active":\{"status":"False","reason":"ScalerNotActive"\}\}\}\}\n/,
  );
});

t.test("a malformed KEDA case is one clear line naming the file and case, non-zero exit", async (t) => {
  const dir = tempDir("kubesim-keda-oracle-");
  const file = path.join(dir, "bad.json");
  writeFileSync(file, JSON.stringify([{ id: "bad-1", family: "keda.executor", function: "x", inputs: { scaledObject: {}, isActive: true, now: 0 }, expected: { scaleTo: 1 } }]));
  const r = cli([file]);
  t.not(r.status, 0);
  t.equal(r.stdout, "");
  t.match(r.stderr, /^kubesim: .*bad\.json: case bad-1: currentReplicas must be a number\n/);
  t.notMatch(r.stderr, /\n\s+at /, "no stack trace");
});

t.test("an unknown keda.* family or op is reported, not guessed", async (t) => {
  t.throws(() => runOracleCase({ id: "x", family: "keda.nope", inputs: {}, expected: {} }), /case x: unknown family keda\.nope/);
  t.throws(() => runOracleCase({ id: "y", family: "keda.redis", inputs: { op: "frobnicate", metadata: {} }, expected: {} }), /case y: unknown op frobnicate for family keda\.redis/);
});

t.test("a scaler case missing its observation is a malformed case, not a parse error", async (t) => {
  t.throws(
    () => runOracleCase({ id: "z", family: "keda.redis", inputs: { op: "metricsAndActivity", metadata: { listName: "q", address: "r:1" } }, expected: {} }),
    /case z: a redis trigger's observation needs "listLength"/,
  );
});
