import type { ContainerSample, NodeScrape, PodSample, ResourceSample } from "../../../models/metrics-server/types.js";

/** One core·second of CPU in the input unit (mcore·ms): 1000 mcores × 1000 ms. */
export const CORE_SECOND = 1_000_000;
export const MIB = 1024 * 1024;

export const point = (start_s: number, ts_s: number, cpu_core_s: number, mem_bytes: number): ResourceSample => ({
  startTime_ms: start_s * 1000,
  timestamp_ms: ts_s * 1000,
  cumulativeCpuUsed_mcore_ms: cpu_core_s * CORE_SECOND,
  memoryWorkingSet_bytes: mem_bytes,
});

export const container = (name: string, p: ResourceSample): ContainerSample => ({ name, ...p });

export const pod = (name: string, ...containers: ContainerSample[]): PodSample => ({ namespace: "ns1", name, containers });

/** A scrape of one node carrying the given pods (and no node point). */
export const scrape = (...pods: PodSample[]): NodeScrape[] => [{ nodeName: "node1", node: null, pods }];
