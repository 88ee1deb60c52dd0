// Fuzz: 500 damaged copies of the shipped scenarios (mutate.ts, fixed seed) through the real
// command line (run-fuzz.ts). Whatever the damage, kubesim exits 0 or 2, never 70; prints no
// stack trace, no control bytes and no flood; writes nothing when it refuses; and writes no NaN
// or Infinity cell when it runs. The child runs under a heap limit, and the test under tap's
// timeout, so a case that makes kubesim hang or balloon fails the test instead of the machine.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import type { CaseResult } from "./run-fuzz.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../../..");
const SEED = 20261204;
const CASES = 500;
// Far above what the shipped scenarios need (~100 MiB); a case that needs more is a finding.
const HEAP_LIMIT_MIB = 1024;

t.setTimeout(20 * 60_000);

t.test(`${CASES} mutated scenarios (seed ${SEED})`, async (t) => {
  const child = spawn(
    process.execPath,
    [`--max-old-space-size=${HEAP_LIMIT_MIB}`, "--import", "tsx", path.join(HERE, "run-fuzz.ts"), "--seed", String(SEED), "--count", String(CASES)],
    { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  child.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const results = stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as CaseResult);
  const last = results.at(-1);
  t.equal(code, 0, `the fuzz process ended cleanly (after case ${last?.index ?? "none"}): ${stderr.slice(-2000)}`);
  t.equal(results.length, CASES, "every case ran");

  const failing = results.filter((r) => r.problems.length > 0);
  for (const r of failing.slice(0, 20)) {
    t.fail(`case ${r.index} (${r.base}; ${r.mutations.join(" / ")}): ${r.problems.join("; ")}`);
  }
  t.equal(failing.length, 0, `no case broke a rule (reproduce: node --import tsx test/experiments/fuzz/run-fuzz.ts --seed ${SEED} --case N --keep /tmp/caseN)`);

  // The generator must exercise both sides, or the rules above hold vacuously.
  const ran = results.filter((r) => r.run === 0).length;
  const refused = results.filter((r) => r.run === 2).length;
  t.ok(ran >= CASES * 0.1, `at least 10 % of the cases run (${ran})`);
  t.ok(refused >= CASES * 0.3, `at least 30 % of the cases are refused (${refused})`);
});
