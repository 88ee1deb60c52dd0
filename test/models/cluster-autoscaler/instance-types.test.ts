import t from "tap";
import {
  aksKubeReservedCpuMilli,
  aksKubeReservedMemoryBytes,
  eksKubeReservedMemoryBytes,
  gkeKubeReservedMemoryBytes,
  INSTANCE_TYPES,
  lookupInstanceType,
  tieredKubeReservedCpuMilli,
} from "../../../models/cluster-autoscaler/instance-types.js";

const MiB = 2 ** 20;
const GiB = 2 ** 30;

t.test("the catalogue covers the issue's families and sizes", async (t) => {
  const want = [
    ...["m5", "c5", "r5"].flatMap((f) => ["large", "xlarge", "2xlarge", "4xlarge"].map((s) => `${f}.${s}`)),
    ...["e2-standard", "n2-standard"].flatMap((f) => [2, 4, 8, 16].map((n) => `${f}-${n}`)),
    ...[2, 4, 8, 16].map((n) => `Standard_D${n}s_v5`),
  ];
  t.same([...INSTANCE_TYPES.keys()].sort(), want.sort());
  t.equal(lookupInstanceType("m9.huge"), undefined);
  for (const it of INSTANCE_TYPES.values()) {
    t.ok(it.price_usd_per_h > 0 && it.allocatable.cpuMilli < it.capacity.cpuMilli && it.allocatable.memoryBytes < it.capacity.memoryBytes, it.name);
  }
});

t.test("EKS m5.large: 1930m allocatable (the walkthrough's figure), 29 pods, 8 GiB - 574 MiB - 100 MiB", async (t) => {
  const m5 = lookupInstanceType("m5.large");
  t.same(m5?.allocatable, { cpuMilli: 1930, memoryBytes: 8 * GiB - 674 * MiB, pods: 29, gpu: 0, ephemeralBytes: 0 });
  t.equal(m5?.capacity.cpuMilli, 2000);
  t.equal(m5?.price_usd_per_h, 0.096);
  t.equal(eksKubeReservedMemoryBytes(234), 2829 * MiB);
});

t.test("tiered CPU reservation (EKS, GKE): 60 + 10 + 2×5 + 2.5 per core above 4", async (t) => {
  t.same([1, 2, 4, 8, 16].map(tieredKubeReservedCpuMilli), [60, 70, 80, 90, 110]);
});

t.test("GKE memory reservation tiers", async (t) => {
  t.equal(gkeKubeReservedMemoryBytes(512 * MiB), 255 * MiB);
  t.equal(gkeKubeReservedMemoryBytes(8 * GiB), Math.round(1.8 * GiB), "25 % of 4 + 20 % of 4");
  t.equal(gkeKubeReservedMemoryBytes(64 * GiB), Math.round(1.8 * GiB + 0.8 * GiB + 0.06 * 48 * GiB));
  t.equal(lookupInstanceType("e2-standard-4")?.allocatable.memoryBytes, 16 * GiB - Math.round(2.6 * GiB) - 100 * MiB);
  t.equal(lookupInstanceType("n2-standard-16")?.allocatable.cpuMilli, 15890);
});

t.test("AKS: the published CPU table and the 25 % memory cap", async (t) => {
  t.same([1, 2, 4, 8, 16].map(aksKubeReservedCpuMilli), [60, 100, 140, 180, 260]);
  // The doc's example: 30 pods on 8 GB reserves 650 MB.
  t.equal(aksKubeReservedMemoryBytes(30, 8 * GiB), 650 * MiB);
  // 250 pods would reserve 5050 MiB: capped at a quarter of 8 GiB.
  t.equal(aksKubeReservedMemoryBytes(250, 8 * GiB), 2 * GiB);
  t.same(lookupInstanceType("Standard_D2s_v5")?.allocatable, { cpuMilli: 1900, memoryBytes: 6 * GiB - 100 * MiB, pods: 250, gpu: 0, ephemeralBytes: 0 });
});
