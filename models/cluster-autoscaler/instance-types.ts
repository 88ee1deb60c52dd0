/**
 * Built-in instance-type catalogue for node-group templates: capacity, allocatable as each managed
 * Kubernetes service reserves it, and the on-demand price.
 *
 * Capacity is the instance's published vCPU and memory (the kubelet reports slightly less memory,
 * the kernel's own reservation, which is not modelled). Allocatable = capacity - kube-reserved -
 * the hard eviction threshold (memory.available < 100Mi on all three services):
 *
 * - EKS (Amazon EKS AMI bootstrap, also AL2023 nodeadm): CPU 6 % of the first core, 1 % of the
 *   second, 0.5 % of cores 3-4, 0.25 % above 4; memory 11 MiB × max pods + 255 MiB; max pods from
 *   the VPC CNI's eni-max-pods.txt, ENIs × (IPv4 addresses per ENI - 1) + 2.
 * - GKE ("Standard cluster architecture", node allocatable): the same CPU tiers; memory 25 % of the
 *   first 4 GiB, 20 % of the next 4 GiB, 10 % of the next 8 GiB, 6 % of the next 112 GiB, 2 % above
 *   128 GiB; 110 pods.
 * - AKS 1.29+ ("Node resource reservations in AKS"): CPU by core count 60/100/140/180/260 m for
 *   1/2/4/8/16 cores; memory the lesser of 20 MiB × max pods + 50 MiB and 25 % of the memory;
 *   250 pods (Azure CNI Overlay's default).
 *
 * Prices: on-demand Linux list prices in USD per hour, AWS us-east-1, GCP us-central1, Azure East US
 * (2025 price lists).
 */
import type { NodeResources } from "./types.js";

export type Provider = "aws" | "gcp" | "azure";

export interface InstanceType {
  name: string;
  provider: Provider;
  vcpu: number;
  memory_GiB: number;
  maxPods: number;
  price_usd_per_h: number;
  capacity: NodeResources;
  allocatable: NodeResources;
}

const MiB = 2 ** 20;
const GiB = 2 ** 30;
/** --eviction-hard memory.available<100Mi on EKS, GKE and AKS. */
const EVICTION_HARD_MEMORY_BYTES = 100 * MiB;

/** EKS and GKE kube-reserved CPU: 6 % of core 1, 1 % of core 2, 0.5 % of cores 3-4, 0.25 % of the rest. */
export function tieredKubeReservedCpuMilli(vcpu: number): number {
  const tiers: [number, number][] = [
    [1, 0.06],
    [1, 0.01],
    [2, 0.005],
    [Infinity, 0.0025],
  ];
  let left = vcpu;
  let reserved = 0;
  for (const [cores, share] of tiers) {
    const n = Math.min(left, cores);
    reserved += n * 1000 * share;
    left -= n;
  }
  return Math.round(reserved);
}

/** EKS kube-reserved memory: 11 MiB per pod slot plus 255 MiB. */
export function eksKubeReservedMemoryBytes(maxPods: number): number {
  return (11 * maxPods + 255) * MiB;
}

/** GKE kube-reserved memory: 255 MiB below 1 GiB, else the regressive tiers. */
export function gkeKubeReservedMemoryBytes(memoryBytes: number): number {
  if (memoryBytes < GiB) return 255 * MiB;
  const tiers: [number, number][] = [
    [4 * GiB, 0.25],
    [4 * GiB, 0.2],
    [8 * GiB, 0.1],
    [112 * GiB, 0.06],
    [Infinity, 0.02],
  ];
  let left = memoryBytes;
  let reserved = 0;
  for (const [size, share] of tiers) {
    const n = Math.min(left, size);
    reserved += n * share;
    left -= n;
  }
  return Math.round(reserved);
}

/** AKS kube-reserved CPU by core count (the published table; sizes in between use the next lower row). */
export function aksKubeReservedCpuMilli(vcpu: number): number {
  const table: [number, number][] = [
    [64, 740],
    [32, 420],
    [16, 260],
    [8, 180],
    [4, 140],
    [2, 100],
    [1, 60],
  ];
  for (const [cores, milli] of table) if (vcpu >= cores) return milli;
  return 60;
}

/** AKS 1.29+ kube-reserved memory: min(20 MiB × max pods + 50 MiB, 25 % of memory). */
export function aksKubeReservedMemoryBytes(maxPods: number, memoryBytes: number): number {
  return Math.min((20 * maxPods + 50) * MiB, Math.round(memoryBytes * 0.25));
}

function build(name: string, provider: Provider, vcpu: number, memory_GiB: number, maxPods: number, price_usd_per_h: number): InstanceType {
  const memory = memory_GiB * GiB;
  const reservedCpu = provider === "azure" ? aksKubeReservedCpuMilli(vcpu) : tieredKubeReservedCpuMilli(vcpu);
  const reservedMemory =
    provider === "aws" ? eksKubeReservedMemoryBytes(maxPods) : provider === "gcp" ? gkeKubeReservedMemoryBytes(memory) : aksKubeReservedMemoryBytes(maxPods, memory);
  const capacity: NodeResources = { cpuMilli: vcpu * 1000, memoryBytes: memory, pods: maxPods, gpu: 0, ephemeralBytes: 0 };
  return {
    name,
    provider,
    vcpu,
    memory_GiB,
    maxPods,
    price_usd_per_h,
    capacity,
    allocatable: { ...capacity, cpuMilli: capacity.cpuMilli - reservedCpu, memoryBytes: memory - reservedMemory - EVICTION_HARD_MEMORY_BYTES },
  };
}

/** [name, vCPU, memory GiB, EKS max pods, $/h]. */
const AWS: [string, number, number, number, number][] = [
  ["m5.large", 2, 8, 29, 0.096],
  ["m5.xlarge", 4, 16, 58, 0.192],
  ["m5.2xlarge", 8, 32, 58, 0.384],
  ["m5.4xlarge", 16, 64, 234, 0.768],
  ["c5.large", 2, 4, 29, 0.085],
  ["c5.xlarge", 4, 8, 58, 0.17],
  ["c5.2xlarge", 8, 16, 58, 0.34],
  ["c5.4xlarge", 16, 32, 234, 0.68],
  ["r5.large", 2, 16, 29, 0.126],
  ["r5.xlarge", 4, 32, 58, 0.252],
  ["r5.2xlarge", 8, 64, 58, 0.504],
  ["r5.4xlarge", 16, 128, 234, 1.008],
];

/** [name, vCPU, memory GiB, $/h]; GKE allows 110 pods per node. */
const GCP: [string, number, number, number][] = [
  ["e2-standard-2", 2, 8, 0.067006],
  ["e2-standard-4", 4, 16, 0.134012],
  ["e2-standard-8", 8, 32, 0.268024],
  ["e2-standard-16", 16, 64, 0.536048],
  ["n2-standard-2", 2, 8, 0.097118],
  ["n2-standard-4", 4, 16, 0.194236],
  ["n2-standard-8", 8, 32, 0.388472],
  ["n2-standard-16", 16, 64, 0.776944],
];

/** [name, vCPU, memory GiB, $/h]; AKS with Azure CNI Overlay allows 250 pods per node. */
const AZURE: [string, number, number, number][] = [
  ["Standard_D2s_v5", 2, 8, 0.096],
  ["Standard_D4s_v5", 4, 16, 0.192],
  ["Standard_D8s_v5", 8, 32, 0.384],
  ["Standard_D16s_v5", 16, 64, 0.768],
];

export const INSTANCE_TYPES: ReadonlyMap<string, InstanceType> = new Map(
  [
    ...AWS.map(([n, c, m, p, price]) => build(n, "aws", c, m, p, price)),
    ...GCP.map(([n, c, m, price]) => build(n, "gcp", c, m, 110, price)),
    ...AZURE.map(([n, c, m, price]) => build(n, "azure", c, m, 250, price)),
  ].map((t) => [t.name, t]),
);

/** The catalogue entry for a name, or undefined (the scenario loader reports unknown names). */
export function lookupInstanceType(name: string): InstanceType | undefined {
  return INSTANCE_TYPES.get(name);
}
