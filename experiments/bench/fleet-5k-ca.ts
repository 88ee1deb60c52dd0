/**
 * `npm run bench -- fleet-5k-ca`: fleet-5k (fleet.ts) paired with the same fleet whose pool is a
 * Cluster Autoscaler node group (min 50, max 400, 200 at start, every CA flag at its default).
 * Each run is a fresh process, and the pairs alternate (plain, CA, then CA, plain, ...), so
 * neither half inherits the other's heap or compiled code, and a drift in the machine's speed
 * weighs on both halves alike. Prints each run's lines, a line per pair with its wall and CPU
 * ratios, and ends with
 * `fleet-5k-ca ratio=<median wall ratio with CA / without> cpu_ratio=<median CPU ratio> pairs=<n>`
 * (target: at most 1.3). FLEET_HOURS=2 runs 2-hour slices; FLEET_CA_PAIRS=n (default 3) sets the
 * number of pairs. On a shared machine one pair's wall ratio moves with the neighbours' load by
 * more than a tenth; the median of the pairs and the CPU-time ratio move less.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { runFleet } from "./fleet.js";

const hours = Number(process.env.FLEET_HOURS ?? 24);
const half = process.env.FLEET_CA_HALF;

if (half === "plain" || half === "ca") {
  // One half, in this (child) process: its lines, then its CPU time.
  const wall_s = runFleet(half === "ca" ? "fleet-5k-ca" : "fleet-5k", {
    deployments: 100,
    loadScale: 1,
    ...(half === "ca" && { autoscaling: { min: 50, max: 400 } }),
  }, hours);
  const usage = process.resourceUsage();
  console.log(`half=${half} wall_s=${wall_s.toFixed(3)} cpu_s=${((usage.userCPUTime + usage.systemCPUTime) / 1e6).toFixed(3)}`);
} else {
  const pairs = Number(process.env.FLEET_CA_PAIRS ?? 3);
  if (!(Number.isInteger(pairs) && pairs >= 1)) throw new RangeError(`FLEET_CA_PAIRS must be a whole number >= 1, got ${process.env.FLEET_CA_PAIRS}`);
  const wallRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let p = 0; p < pairs; p++) {
    const order: ("plain" | "ca")[] = p % 2 === 0 ? ["plain", "ca"] : ["ca", "plain"];
    const measured = new Map(order.map((h) => [h, runHalf(h)]));
    const plain = measured.get("plain")!;
    const ca = measured.get("ca")!;
    wallRatios.push(ca.wall_s / plain.wall_s);
    cpuRatios.push(ca.cpu_s / plain.cpu_s);
    console.log(`pair ${p + 1}: wall ${plain.wall_s.toFixed(2)} s without CA, ${ca.wall_s.toFixed(2)} s with: ratio ${(ca.wall_s / plain.wall_s).toFixed(2)}; cpu ratio ${(ca.cpu_s / plain.cpu_s).toFixed(2)}`);
  }
  console.log(`fleet-5k-ca ratio=${median(wallRatios).toFixed(2)} cpu_ratio=${median(cpuRatios).toFixed(2)} pairs=${pairs} (${hours} simulated h; medians over the pairs)`);
}

/** Runs one half in a fresh process; echoes its lines and returns its wall and CPU seconds. */
function runHalf(which: "plain" | "ca"): { wall_s: number; cpu_s: number } {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url)], { env: { ...process.env, FLEET_CA_HALF: which }, encoding: "utf8" });
  const line = /half=\w+ wall_s=([0-9.]+) cpu_s=([0-9.]+)/.exec(run.stdout ?? "");
  if (run.status !== 0 || line === null) {
    throw new Error(`the ${which} half exited ${run.status}: ${(run.stderr ?? "").trim().split("\n").slice(-3).join(" | ")}`);
  }
  process.stdout.write(run.stdout.replace(/^half=.*\n/m, ""));
  return { wall_s: Number(line[1]), cpu_s: Number(line[2]) };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
