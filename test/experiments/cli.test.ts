import t from "tap";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { tempDir } from "../temp-dir.js";

const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });

t.test("--help lists the commands", async (t) => {
  const r = cli("--help");
  t.equal(r.status, 0);
  for (const command of ["run", "validate", "schema", "compare", "sweep", "merge", "oracle", "demo"]) t.match(r.stdout, new RegExp(`\\n  ${command} `), command);
});

t.test("each command's --help has an example", async (t) => {
  for (const command of ["run", "validate", "schema", "compare", "sweep", "merge", "oracle", "demo"]) {
    const r = cli(command, "--help");
    t.equal(r.status, 0, `${command} --help exits 0`);
    t.match(r.stdout, /Example/, `${command} --help shows an example`);
  }
});

t.test("a user mistake is one clear line and a hint, never a stack trace", async (t) => {
  const r = cli("demo", "--seed", "-4");
  t.equal(r.status, 1);
  t.match(r.stderr, /^kubesim: --seed: expected a non-negative integer, got "-4"\nhint: /);
  t.notMatch(r.stderr, /at .*\.ts:\d+/, "no stack frames");
  const unknown = cli("frobnicate");
  t.not(unknown.status, 0);
  t.match(unknown.stderr, /unknown command 'frobnicate'/);
});

t.test("demo writes its CSV and chart atomically and is deterministic", async (t) => {
  const dir = tempDir("kubesim-demo-");
  const a = path.join(dir, "a");
  const b = path.join(dir, "b");
  t.equal(cli("demo", "--seed", "3", "--out", a).status, 0);
  t.equal(cli("demo", "--seed", "3", "--out", b).status, 0);
  const csv = fs.readFileSync(path.join(a, "timeseries.csv"), "utf8");
  t.match(csv, /^time_s,kind,name,metric,value\n/);
  t.equal(fs.readFileSync(path.join(b, "timeseries.csv"), "utf8"), csv, "same seed, same bytes");
  t.same(JSON.parse(fs.readFileSync(path.join(a, "queue.vl.json"), "utf8")).mark, "line");
  t.same(fs.readdirSync(dir).sort(), ["a", "b"], "no partial folders left behind");
});
