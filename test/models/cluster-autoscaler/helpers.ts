/** Builders for CA model tests: a pod or node with the fields a test names, the rest empty. */
import type { CaNode, CaPod, NodeGroup, NodeResources } from "../../../models/cluster-autoscaler/types.js";

export function pod(name: string, cpuMilli: number, memoryBytes = 0, extra: Partial<CaPod> = {}): CaPod {
  return {
    name,
    namespace: "default",
    labels: {},
    annotations: {},
    containers: [{ requests: { cpuMilli, memoryBytes, gpu: 0, ephemeralBytes: 0 } }],
    initContainers: [],
    nodeName: "",
    nodeSelector: {},
    tolerations: [],
    hostPorts: [],
    topologySpread: [],
    owner: { kind: "ReplicaSet", name: "rs", apiVersion: "apps/v1" },
    volumes: [],
    deletionTimestamp_ms: null,
    terminationGracePeriodSeconds: null,
    creationTimestamp_ms: null,
    phase: "Running",
    restartPolicy: "Always",
    ...extra,
  };
}

export function res(cpuMilli: number, memoryBytes: number, pods = 110, gpu = 0): NodeResources {
  return { cpuMilli, memoryBytes, pods, gpu, ephemeralBytes: 0 };
}

export function node(name: string, cpuMilli: number, memoryBytes: number, extra: Partial<CaNode> = {}): CaNode {
  const allocatable = res(cpuMilli, memoryBytes);
  return {
    name,
    group: "ng",
    allocatable,
    capacity: allocatable,
    labels: { "kubernetes.io/hostname": name },
    taints: [],
    ready: true,
    unschedulable: false,
    annotations: {},
    toBeDeletedTaintTime_ms: null,
    gpuLabel: false,
    ...extra,
  };
}

export function group(name: string, min: number, max: number, targetSize: number, template: CaNode, templatePods: CaPod[] = []): NodeGroup {
  return { name, min, max, targetSize, template: { ...template, group: name }, templatePods };
}

export const GiB = 2 ** 30;
export const MiB = 2 ** 20;
