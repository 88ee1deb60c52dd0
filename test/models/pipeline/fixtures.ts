/** Builders for cluster objects in tests: only the fields a test cares about, the rest defaulted. */
import type { Container, Node, Pod, Service } from "../../../models/cluster/types.js";
import type { NewObject } from "../../../models/cluster/store.js";

export function node(name: string, cpu_mcores: number, memory_bytes = 64 * 2 ** 30, pods = 110): NewObject<Node> {
  const resources = { cpu_mcores, memory_bytes, pods };
  return {
    kind: "Node",
    metadata: { name, labels: { "kubernetes.io/hostname": name } },
    spec: { unschedulable: false, taints: [] },
    status: { capacity: { ...resources }, allocatable: { ...resources }, conditions: [{ type: "Ready", status: "True", lastTransitionTime_ms: 0 }] },
  };
}

export function container(name: string, request_mcores: number, limit_mcores?: number, memoryLimit_bytes?: number): Container {
  return {
    name,
    image: `registry.example/${name}:1`,
    resources: {
      requests: { cpu_mcores: request_mcores, memory_bytes: 64 * 2 ** 20 },
      limits: { ...(limit_mcores !== undefined ? { cpu_mcores: limit_mcores } : {}), ...(memoryLimit_bytes !== undefined ? { memory_bytes: memoryLimit_bytes } : {}) },
    },
    readinessProbe: null,
  };
}

export function pod(name: string, labels: Record<string, string>, containers: Container[], nodeName = "", annotations: Record<string, string> = {}): NewObject<Pod> {
  return {
    kind: "Pod",
    metadata: { name, labels, annotations },
    spec: {
      containers, initContainers: [], nodeName, nodeSelector: {}, nodeAffinity: null, tolerations: [],
      terminationGracePeriodSeconds: 30, restartPolicy: "Always", resources: null,
    },
    status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
  };
}

export function service(name: string, selector: Record<string, string>): NewObject<Service> {
  return { kind: "Service", metadata: { name }, spec: { selector, ports: [{ name: "http", port: 80, targetPort: 8080 }] } };
}
