/** Builders for scheduler unit tests, in the spirit of upstream's st.MakePod() / st.MakeNode(). */
import type { Container, Node, NodeAffinity, Pod, ResourceList, Taint, Toleration } from "../../../models/cluster/types.js";
import { NodeInfo } from "../../../models/scheduler/node-info.js";

export interface PodOptions {
  namespace?: string;
  /** One container per entry (st.MakePod().Req(...) adds one container per call). */
  containers?: ResourceList[];
  initContainers?: (ResourceList & { sidecar?: boolean })[];
  podLevel?: ResourceList;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  nodeAffinity?: NodeAffinity | null;
  tolerations?: Toleration[];
  priority?: number;
}

function container(name: string, requests: ResourceList, sidecar = false): Container {
  const c: Container = { name, image: "img", resources: { requests: { ...requests }, limits: {} }, readinessProbe: null };
  if (sidecar) c.restartPolicy = "Always";
  return c;
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const pod: Pod = {
    kind: "Pod",
    metadata: {
      name,
      namespace: o.namespace ?? "default",
      uid: `uid-${name}`,
      labels: {},
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: null,
      resourceVersion: 1,
    },
    spec: {
      containers: (o.containers ?? []).map((r, i) => container(`c${i}`, r)),
      initContainers: (o.initContainers ?? []).map(({ sidecar, ...r }, i) => container(`i${i}`, r, sidecar)),
      nodeName: o.nodeName ?? "",
      nodeSelector: o.nodeSelector ?? {},
      nodeAffinity: o.nodeAffinity ?? null,
      tolerations: o.tolerations ?? [],
      terminationGracePeriodSeconds: 30,
      restartPolicy: "Always",
      resources: o.podLevel ? { requests: { ...o.podLevel }, limits: {} } : null,
    },
    status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
  };
  if (o.priority !== undefined) pod.spec.priority = o.priority;
  return pod;
}

export interface NodeOptions {
  cpu_mcores?: number;
  memory_bytes?: number;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const alloc = { cpu_mcores: o.cpu_mcores ?? 0, memory_bytes: o.memory_bytes ?? 0, pods: o.pods ?? 110 };
  return {
    kind: "Node",
    metadata: {
      name,
      namespace: "",
      uid: `uid-node-${name}`,
      labels: o.labels ?? {},
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: null,
      resourceVersion: 1,
    },
    spec: { unschedulable: o.unschedulable ?? false, taints: o.taints ?? [] },
    status: { capacity: { ...alloc }, allocatable: { ...alloc }, conditions: [] },
  };
}

/** A NodeInfo with the given pods added (cache.NewSnapshot for one node). */
export function nodeInfoWith(node: Node, pods: Pod[] = []): NodeInfo {
  const ni = new NodeInfo(node);
  for (const p of pods) ni.addPod(p);
  return ni;
}

let podSeq = 0;
/** An anonymous pod with one container per request list (unique name). */
export function reqPod(...containers: ResourceList[]): Pod {
  return makePod(`p${podSeq++}`, { containers });
}

/** A RandomSource replaying fixed draws. */
export function fixedRandom(draws: number[]): { random(): number; calls: number } {
  let i = 0;
  return {
    calls: 0,
    random() {
      this.calls++;
      if (i >= draws.length) throw new Error("fixedRandom: out of draws");
      return draws[i++];
    },
  };
}
