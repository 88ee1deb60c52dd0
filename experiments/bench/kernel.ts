/**
 * `npm run bench:kernel`: the M/M/1 queue (1,000,000 customers, arrival rate 0.9, service rate
 * 1.0) on the kubesim kernel and on SimPy, in one run on the same machine.
 *
 * Both count two events per customer (arrival, departure) and time only the simulation itself
 * (not interpreter start-up). Both report the mean wait with a 95 % batch-means confidence
 * interval (20 batches): at rho = 0.9 the standard error of a 1M-customer mean wait is about
 * 2 % of the 9 s mean, so each model's interval, not a fixed 1 % band, is the honest check that
 * the two compute the same statistic.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { runMm1, mm1MeanWait_s } from "./mm1.js";
import { confidenceInterval } from "../stats.js";

const CUSTOMERS = Number(process.env.MM1_CUSTOMERS ?? 1_000_000);
const ARRIVAL_RATE = 0.9;
const SERVICE_RATE = 1.0;
const SEED = 1;
const BATCHES = 20;
const PYTHON = "/usr/bin/python3";

function ensureSimPy(): void {
  const ok = () => {
    try {
      execFileSync(PYTHON, ["-c", "import SimPy.Simulation"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  };
  if (ok()) return;
  process.stderr.write("installing Debian python3-simpy for the SimPy peer model...\n");
  execFileSync("sh", ["-c", "apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-simpy"], { stdio: "inherit" });
  if (!ok()) throw new Error("python3-simpy is not importable after installing it");
}

function report(label: string, batch_means_s: number[], events: number, wall_s: number): number {
  const ci = confidenceInterval(batch_means_s);
  const expected = mm1MeanWait_s(ARRIVAL_RATE, SERVICE_RATE);
  const covers = ci.low <= expected && expected <= ci.high;
  console.log(
    `${label}: events=${events} wall_s=${wall_s.toFixed(3)} mean_wait_s=${ci.mean.toFixed(3)} ` +
      `ci95=[${ci.low.toFixed(3)}, ${ci.high.toFixed(3)}] formula=${expected.toFixed(3)} ` +
      `error_pct=${((ci.mean / expected - 1) * 100).toFixed(2)} formula_in_ci=${covers}`,
  );
  return events / wall_s;
}

ensureSimPy();
// Warm the JIT on a small run first, as SimPy's interpreter needs no warm-up.
runMm1(20_000, ARRIVAL_RATE, SERVICE_RATE, SEED + 1, BATCHES);
const started = process.hrtime.bigint();
const kernel = runMm1(CUSTOMERS, ARRIVAL_RATE, SERVICE_RATE, SEED, BATCHES);
const kernel_wall_s = Number(process.hrtime.bigint() - started) / 1e9;
const kernelRate = report("kernel", kernel.batch_means_s, kernel.events, kernel_wall_s);

const script = path.join(path.dirname(fileURLToPath(import.meta.url)), "mm1_simpy.py");
const simpyScript = fs.existsSync(script) ? script : path.resolve("experiments/bench/mm1_simpy.py");
const simpy = JSON.parse(
  execFileSync(PYTHON, [simpyScript, String(CUSTOMERS), String(ARRIVAL_RATE), String(SERVICE_RATE), String(SEED), String(BATCHES)], {
    encoding: "utf8",
  }),
);
const simpyRate = report("simpy", simpy.batch_means_s, simpy.events, simpy.wall_s);
console.log(
  `kernel_events_per_s=${Math.round(kernelRate)} simpy_events_per_s=${Math.round(simpyRate)} ratio=${(kernelRate / simpyRate).toFixed(1)}`,
);
