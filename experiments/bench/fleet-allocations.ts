/**
 * `npm run bench -- fleet-allocations`: what fleet-5k allocates per steady simulated hour, by the
 * function that allocates it (V8's sampling heap profiler, objects that die young included), for
 * finding the allocations behind the garbage collector's share of the time. Runs the fleet to
 * FLEET_ALLOC_FROM_H (default 1) simulated hours, samples to FLEET_ALLOC_TO_H (default 2), and
 * prints `fleet-allocations mb_per_h=…`, then the FLEET_ALLOC_TOP (default 30) functions with the
 * most bytes, each with its caller ("<function> <file>:<line> <- <caller>"). Sampled (one sample
 * per 4 KiB allocated on average), so a figure below ~1 MB an hour is noise. About a minute.
 *
 * A function V8 inlined is not a frame of its own: its allocations count as its caller's.
 */
import { Session } from "node:inspector/promises";
import { HOUR_MS, newFleet, runSetup } from "./fleet.js";

const fromHours = Number(process.env.FLEET_ALLOC_FROM_H ?? 1);
const toHours = Number(process.env.FLEET_ALLOC_TO_H ?? 2);
const top = Number(process.env.FLEET_ALLOC_TOP ?? 30);
if (!(fromHours >= 0 && toHours > fromHours && Number.isInteger(top) && top > 0)) {
  process.stderr.write("fleet-allocations: need 0 <= FLEET_ALLOC_FROM_H < FLEET_ALLOC_TO_H and a whole FLEET_ALLOC_TOP > 0\n");
  process.exit(2);
}

interface SamplingNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: SamplingNode[];
}

const fleet = newFleet({ deployments: 100, loadScale: 1 }, toHours);
runSetup(fleet);
fleet.sim.run(fromHours * HOUR_MS);
const session = new Session();
session.connect();
await session.post("HeapProfiler.startSampling", {
  samplingInterval: 4096,
  includeObjectsCollectedByMinorGC: true,
  includeObjectsCollectedByMajorGC: true,
});
fleet.sim.run(toHours * HOUR_MS);
const { profile } = (await session.post("HeapProfiler.stopSampling")) as { profile: { head: SamplingNode } };
session.disconnect();

const bytes = new Map<string, number>();
let total = 0;
const visit = (node: SamplingNode, caller: string): void => {
  const frame = node.callFrame;
  if (node.selfSize > 0) {
    // Relative to the build's root ("models/…"); a builtin (Set add, array growth) has no file.
    const where = frame.url === "" ? "(builtin)" : `${frame.url.replace(/^.*\/dist[^/]*\//, "")}:${frame.lineNumber + 1}`;
    const key = `${frame.functionName || "(anonymous)"} ${where} <- ${caller || "(root)"}`;
    bytes.set(key, (bytes.get(key) ?? 0) + node.selfSize);
    total += node.selfSize;
  }
  for (const child of node.children) visit(child, frame.functionName || "(anonymous)");
};
visit(profile.head, "");

const span = toHours - fromHours;
const mb = (n: number) => (n / span / 1e6).toFixed(1).padStart(6);
console.log(`fleet-allocations mb_per_h=${(total / span / 1e6).toFixed(0)} (simulated hours ${fromHours} to ${toHours}); by function, MB per simulated hour:`);
const sorted = [...bytes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
for (const [key, n] of sorted.slice(0, top)) console.log(`${((100 * n) / total).toFixed(1).padStart(5)}% ${mb(n)} ${key}`);
