/**
 * Node utilization as scale-down sees it. Upstream: simulator/utilization/info.go (Calculate,
 * CalculateUtilizationOfResource).
 */
import { isDaemonSetPod, isMirrorPod, isPodLongTerminating, podRequests } from "../pod.js";
import type { NodeInfo } from "../snapshot.js";
import type { CaNode, Resources } from "../types.js";

export interface UtilizationInfo {
  cpuUtil: number;
  memUtil: number;
  gpuUtil: number;
  /** "cpu", "memory" or "nvidia.com/gpu": the resource that set `utilization`. */
  resourceName: string;
  utilization: number;
}

export type UtilizationResult = { ok: true; info: UtilizationInfo } | { ok: false; error: string };

/** cloudprovider GetNodeGpuConfig: a node with the provider's GPU label or allocatable GPUs is a GPU node. */
export function isGpuNode(node: CaNode): boolean {
  return node.gpuLabel || node.allocatable.gpu > 0;
}

/**
 * CalculateUtilizationOfResource: requests of the counted pods over allocatable minus what the
 * skipped DaemonSet / mirror pods request; long-terminating pods do not count. Allocatable 0 is
 * an error.
 */
export function calculateUtilizationOfResource(
  info: NodeInfo,
  resource: keyof Resources,
  skipDaemonSetPods: boolean,
  skipMirrorPods: boolean,
  now_ms: number,
): number | { error: string } {
  const allocatable = info.node.allocatable[resource];
  if (allocatable === 0) return { error: `${resource} is 0 at ${info.node.name}` };
  let podsRequest = 0;
  let skipped = 0;
  for (const pod of info.pods) {
    const value = podRequests(pod)[resource];
    if ((skipDaemonSetPods && isDaemonSetPod(pod)) || (skipMirrorPods && isMirrorPod(pod))) {
      skipped += value;
      continue;
    }
    if (isPodLongTerminating(pod, now_ms)) continue;
    podsRequest += value;
  }
  return podsRequest / (allocatable - skipped);
}

/** Calculate: GPU utilization alone on GPU nodes (0 while no GPU is allocatable), else max(cpu, memory). */
export function calculateUtilization(info: NodeInfo, skipDaemonSetPods: boolean, skipMirrorPods: boolean, now_ms: number): UtilizationResult {
  if (isGpuNode(info.node)) {
    const gpu = calculateUtilizationOfResource(info, "gpu", skipDaemonSetPods, skipMirrorPods, now_ms);
    const util = typeof gpu === "number" ? gpu : 0;
    return { ok: true, info: { cpuUtil: 0, memUtil: 0, gpuUtil: util, resourceName: "nvidia.com/gpu", utilization: util } };
  }
  const cpu = calculateUtilizationOfResource(info, "cpuMilli", skipDaemonSetPods, skipMirrorPods, now_ms);
  if (typeof cpu !== "number") return { ok: false, error: cpu.error };
  const mem = calculateUtilizationOfResource(info, "memoryBytes", skipDaemonSetPods, skipMirrorPods, now_ms);
  if (typeof mem !== "number") return { ok: false, error: mem.error };
  return {
    ok: true,
    info: { cpuUtil: cpu, memUtil: mem, gpuUtil: 0, resourceName: cpu > mem ? "cpu" : "memory", utilization: Math.max(cpu, mem) },
  };
}
