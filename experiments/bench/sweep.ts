/**
 * `npm run bench -- sweep`: one fixed sweep (the diurnal scenario stretched to 24 h, 2 window
 * settings x 6 replications: 12 runs of ~0.7 s, long enough that starting the workers, ~0.5 s
 * each from TypeScript sources, does not dominate) with 1 and then 2 worker threads, each into a
 * fresh temporary folder, without the report (its rendering is serial). The target is >= 1.8 on
 * two free cores.
 *
 * It then measures the most any pool could get here: the same sweep as one process (one
 * worker), then as two independent processes at once (shards 0/2 and 1/2, one worker each),
 * which share nothing but the hardware. Prints `sweep workers=1 wall_s=<a> workers=2
 * wall_s=<b> speedup=<a/b> one_process_wall_s=<c> two_processes_wall_s=<d> process_ceiling=<c/d>`.
 * The three runs' sweep-summary.csv are compared byte for byte as a side check.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";
import { planSweep } from "../sweep/plan.js";
import { runSweep } from "../sweep/sweep.js";

// Child mode (`--shard-child INDEX COUNT OUT EXPERIMENT`): run one shard of the parent's sweep, exit.
const childArg = process.argv.indexOf("--shard-child");
if (childArg >= 0) {
  const [index, count, out, experiment] = process.argv.slice(childArg + 1, childArg + 5);
  await runSweep(planSweep(experiment), { out, workers: 1, shard: { index: Number(index), count: Number(count) }, quiet: true, noReport: true });
  process.exit(0);
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "kubesim-bench-sweep-"));
const EXPERIMENT = path.join(tmp, "bench.yaml");
fs.writeFileSync(
  EXPERIMENT,
  `apiVersion: kubesim.io/v1alpha1
kind: Experiment
metadata: {name: bench-sweep}
scenario: ${path.relative(tmp, path.resolve("experiments/scenarios/diurnal/scenario.yaml"))}
seed: 1
replications: 6
factors:
  duration: [24h]
  "patch:HorizontalPodAutoscaler/shop:spec.behavior.scaleDown.stabilizationWindowSeconds": [0, 300]
`,
);
const plan = planSweep(EXPERIMENT);

/** Runs shards `indexes` (of `count`) of the sweep as concurrent processes into `out`; wall seconds. */
async function processes(out: string, count: number, indexes: number[]): Promise<number> {
  const run = (index: number) =>
    new Promise<void>((resolve, reject) => {
      const args = [...process.execArgv, process.argv[1], "--shard-child", String(index), String(count), out, EXPERIMENT];
      const child = spawn(process.execPath, args, { stdio: "inherit" });
      child.on("error", reject);
      child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`shard ${index}/${count} exited with ${code}`))));
    });
  const started = process.hrtime.bigint();
  await Promise.all(indexes.map(run));
  return Number(process.hrtime.bigint() - started) / 1e9;
}

try {
  const wall: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const started = process.hrtime.bigint();
    await runSweep(plan, { out: path.join(tmp, `w${workers}`), workers, shard: null, quiet: true, noReport: true });
    wall[workers] = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const oneProcess_s = await processes(path.join(tmp, "p1"), 1, [0]);
  const twoProcesses_s = await processes(path.join(tmp, "p2"), 2, [0, 1]);
  const a = fs.readFileSync(path.join(tmp, "w1", "sweep-summary.csv"), "utf8");
  const b = fs.readFileSync(path.join(tmp, "w2", "sweep-summary.csv"), "utf8");
  if (a !== b) throw new Error("sweep-summary.csv differs between 1 and 2 workers");
  if (fs.readFileSync(path.join(tmp, "p2", "sweep-summary.csv"), "utf8") !== a) throw new Error("sweep-summary.csv differs between 1 worker and 2 shard processes");
  process.stdout.write(`sweep workers=1 wall_s=${wall[1].toFixed(2)} workers=2 wall_s=${wall[2].toFixed(2)} speedup=${(wall[1] / wall[2]).toFixed(2)} one_process_wall_s=${oneProcess_s.toFixed(2)} two_processes_wall_s=${twoProcesses_s.toFixed(2)} process_ceiling=${(oneProcess_s / twoProcesses_s).toFixed(2)}\n`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
