import type { RecommendedContainerResources, ResourceList, VpaPod, VpaSpecView } from "../../../models/vpa/types.js";

/** A ResourceList from millicores and bytes. */
export function rl(cpu_mcores?: number, memory_bytes?: number): ResourceList {
  const out: ResourceList = {};
  if (cpu_mcores !== undefined) out.cpu = BigInt(cpu_mcores);
  if (memory_bytes !== undefined) out.memory = BigInt(memory_bytes) * 1000n;
  return out;
}

export function pod(name: string, containers: { name: string; requests?: ResourceList; limits?: ResourceList }[], extra: Partial<VpaPod> = {}): VpaPod {
  return {
    namespace: "default",
    name,
    uid: name,
    annotations: {},
    controllerRef: { kind: "ReplicaSet", name: "app-rs" },
    containers: containers.map((c) => ({ name: c.name, requests: c.requests ?? {}, limits: c.limits ?? {} })),
    containerStatuses: [],
    phase: "Running",
    startTime_ms: 0,
    ...extra,
  };
}

export function rec(containerName: string, target: ResourceList, lowerBound: ResourceList | null = null, upperBound: ResourceList | null = null): RecommendedContainerResources {
  return { containerName, target, lowerBound, upperBound, uncappedTarget: null };
}

export function vpa(extra: Partial<VpaSpecView> = {}): VpaSpecView {
  return { updatePolicy: null, resourcePolicy: null, recommendation: null, hasStartupBoost: false, ...extra };
}
