import t from "tap";
import { milliCpuToShares, waterFill } from "../../../models/kubelet/cpu-shares.js";

t.test("MilliCPUToShares as upstream", async (t) => {
  const cases: [number, number][] = [[0, 2], [1, 2], [100, 102], [200, 204], [1000, 1024], [2500, 2560], [1_000_000, 262144]];
  for (const [request, shares] of cases) t.equal(milliCpuToShares(request), shares, `${request}m -> ${shares}`);
});

t.test("water-filling", async (t) => {
  const cases: { name: string; demand: number[]; weight: number[]; capacity: number; expected: number[] }[] = [
    { name: "under capacity: everyone gets its demand", demand: [100, 200, 300], weight: [1, 1, 1], capacity: 1000, expected: [100, 200, 300] },
    { name: "equal weights split evenly", demand: [1000, 1000], weight: [1, 1], capacity: 1000, expected: [500, 500] },
    { name: "weights 1:3", demand: [1000, 1000], weight: [1, 3], capacity: 1000, expected: [250, 750] },
    { name: "a small demand is met, the rest is shared", demand: [100, 1000, 1000], weight: [1, 1, 1], capacity: 1000, expected: [100, 450, 450] },
    { name: "exactly full", demand: [400, 600], weight: [5, 1], capacity: 1000, expected: [400, 600] },
  ];
  for (const c of cases) {
    const out: number[] = [];
    waterFill(c.demand.length, c.demand, c.weight, c.capacity, out);
    t.same(out.map((x) => Math.round(x * 1e9) / 1e9), c.expected, c.name);
  }
});

t.test("water-filling never exceeds capacity or demand (random cases)", async (t) => {
  let seed = 12345;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  let violations = 0;
  for (let round = 0; round < 500; round++) {
    const n = 1 + Math.floor(next() * 30);
    const demand = Array.from({ length: n }, () => next() * 2000);
    const weight = Array.from({ length: n }, () => 2 + Math.floor(next() * 2000));
    const capacity = next() * 16000;
    const out: number[] = [];
    waterFill(n, demand, weight, capacity, out);
    const total = out.reduce((a, b) => a + b, 0);
    const demanded = demand.reduce((a, b) => a + b, 0);
    if (total > capacity + 1e-6 || out.some((x, i) => x > demand[i] + 1e-9 || x < 0)) violations++;
    if (Math.abs(total - Math.min(capacity, demanded)) > 1e-6) violations++;
  }
  t.equal(violations, 0, "allocation <= demand, total = min(capacity, total demand)");
});
