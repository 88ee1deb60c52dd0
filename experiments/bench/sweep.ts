/**
 * `npm run bench -- sweep`: one fixed sweep (the diurnal scenario stretched to 24 h, 2 window
 * settings x 6 replications: 12 runs of ~1.5 s, long enough that starting the workers, ~0.5 s
 * each from TypeScript sources, does not dominate) with 1 and then 2 worker threads, each into a
 * fresh temporary folder, without the report (its rendering is serial). Prints
 * `sweep workers=1 wall_s=<a> workers=2 wall_s=<b> speedup=<a/b>`; the target is >= 1.8 on two
 * free cores. Outputs of both runs are compared byte for byte as a side check.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { planSweep } from "../sweep/plan.js";
import { runSweep } from "../sweep/sweep.js";

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
try {
  const wall: Record<number, number> = {};
  for (const workers of [1, 2]) {
    const started = process.hrtime.bigint();
    await runSweep(plan, { out: path.join(tmp, `w${workers}`), workers, shard: null, quiet: true, noReport: true });
    wall[workers] = Number(process.hrtime.bigint() - started) / 1e9;
  }
  const a = fs.readFileSync(path.join(tmp, "w1", "sweep-summary.csv"), "utf8");
  const b = fs.readFileSync(path.join(tmp, "w2", "sweep-summary.csv"), "utf8");
  if (a !== b) throw new Error("sweep-summary.csv differs between 1 and 2 workers");
  process.stdout.write(`sweep workers=1 wall_s=${wall[1].toFixed(2)} workers=2 wall_s=${wall[2].toFixed(2)} speedup=${(wall[1] / wall[2]).toFixed(2)}\n`);
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
