/**
 * Store objects → the plain data CA's decision functions read (types.ts). The controller keeps
 * each converted object until its resourceVersion changes, so a loop converts only what changed.
 *
 * kubesim's Pod has no GPUs, host ports, topology spread or volumes: those stay empty. Required
 * node affinity is not carried over (CaPod has nodeSelector only), so CA's simulation of a pod
 * with required node affinity checks its nodeSelector alone.
 */
import type { Container, Node, Pod } from "../cluster/types.js";
import { TO_BE_DELETED_TAINT } from "./scaledown/planner.js";
import type { CaNode, CaPod, ContainerRequests, NodeResources } from "./types.js";

/** The label kubesim puts on every node with its node group's name. */
export const NODE_GROUP_LABEL = "kubesim.io/node-group";
/** node.kubernetes.io/not-ready: the node lifecycle controller's taint while a node is NotReady. */
export const NOT_READY_TAINT = "node.kubernetes.io/not-ready";

const API_VERSIONS: Readonly<Record<string, string>> = {
  ReplicaSet: "apps/v1",
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  Job: "batch/v1",
};

function requests(c: Container): ContainerRequests {
  const r = c.resources.requests;
  const out: ContainerRequests = { requests: { cpuMilli: r.cpu_mcores ?? 0, memoryBytes: r.memory_bytes ?? 0, gpu: 0, ephemeralBytes: 0 } };
  if (c.restartPolicy === "Always") out.restartPolicy = "Always";
  return out;
}

export function toCaPod(pod: Pod): CaPod {
  const ref = pod.metadata.ownerReferences.find((o) => o.controller);
  return {
    name: pod.metadata.name,
    namespace: pod.metadata.namespace,
    labels: pod.metadata.labels,
    annotations: pod.metadata.annotations,
    containers: pod.spec.containers.map(requests),
    initContainers: pod.spec.initContainers.map(requests),
    nodeName: pod.spec.nodeName,
    nodeSelector: pod.spec.nodeSelector,
    tolerations: pod.spec.tolerations,
    hostPorts: [],
    topologySpread: [],
    owner: ref === undefined ? null : { kind: ref.kind, name: ref.name, apiVersion: API_VERSIONS[ref.kind] ?? "v1" },
    volumes: [],
    deletionTimestamp_ms: pod.metadata.deletionTimestamp_ms,
    terminationGracePeriodSeconds: pod.spec.terminationGracePeriodSeconds,
    creationTimestamp_ms: pod.metadata.creationTimestamp_ms,
    phase: pod.status.phase,
    restartPolicy: pod.spec.restartPolicy,
  };
}

function nodeResources(r: Node["status"]["allocatable"]): NodeResources {
  return { cpuMilli: r.cpu_mcores, memoryBytes: r.memory_bytes, gpu: 0, ephemeralBytes: 0, pods: r.pods };
}

export function isNodeReady(node: Node): boolean {
  return node.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
}

/** `group` is the node's autoscaled group (null when its group is not autoscaled). */
export function toCaNode(node: Node, group: string | null): CaNode {
  const taint = node.spec.taints.find((t) => t.key === TO_BE_DELETED_TAINT);
  const ready = node.status.conditions.find((c) => c.type === "Ready");
  return {
    name: node.metadata.name,
    group,
    allocatable: nodeResources(node.status.allocatable),
    capacity: nodeResources(node.status.capacity),
    labels: node.metadata.labels,
    taints: node.spec.taints,
    ready: ready === undefined ? null : ready.status === "True",
    unschedulable: node.spec.unschedulable,
    annotations: node.metadata.annotations,
    // The taint's value is the Unix time in seconds when CA set it (taints.MarkToBeDeleted).
    toBeDeletedTaintTime_ms: taint === undefined ? null : Number(taint.value) * 1000,
    gpuLabel: false,
  };
}
