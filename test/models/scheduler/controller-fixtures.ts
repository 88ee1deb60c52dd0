/** Store-backed builders for the scheduler controller tests: Nodes and Pods created through the store. */
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Container, Node, Pod, ResourceList, Taint } from "../../../models/cluster/types.js";
import { SchedulerController, type SchedulerControllerConfig } from "../../../models/scheduler/controller.js";

export const GiB = 1024 ** 3;

export interface NodeSpec {
  cpu_mcores: number;
  memory_bytes: number;
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function createNode(store: ClusterStore, name: string, s: NodeSpec): Node {
  const alloc = { cpu_mcores: s.cpu_mcores, memory_bytes: s.memory_bytes, pods: s.pods ?? 110 };
  return store.create<Node>({
    kind: "Node",
    metadata: { name, labels: { ...(s.labels ?? {}) } },
    spec: { unschedulable: s.unschedulable ?? false, taints: s.taints ?? [] },
    status: { capacity: { ...alloc }, allocatable: { ...alloc }, conditions: [{ type: "Ready", status: "True", lastTransitionTime_ms: 0 }] },
  });
}

export interface PodSpecOptions {
  namespace?: string;
  /** Requests of each container. */
  containers?: ResourceList[];
  priority?: number;
  nodeName?: string;
}

export function createPod(store: ClusterStore, name: string, o: PodSpecOptions = {}): Pod {
  const containers: Container[] = (o.containers ?? [{}]).map((requests, i) => ({
    name: `c${i}`,
    image: "app",
    resources: { requests: { ...requests }, limits: {} },
    readinessProbe: null,
  }));
  const pod = store.create<Pod>({
    kind: "Pod",
    metadata: o.namespace === undefined ? { name } : { name, namespace: o.namespace },
    spec: {
      containers,
      initContainers: [],
      nodeName: o.nodeName ?? "",
      nodeSelector: {},
      nodeAffinity: null,
      tolerations: [],
      terminationGracePeriodSeconds: 30,
      restartPolicy: "Always",
      resources: null,
      ...(o.priority === undefined ? {} : { priority: o.priority }),
    },
    status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
  });
  return pod;
}

export interface Harness {
  sim: Simulation;
  store: ClusterStore;
  events: EventLog;
  scheduler: SchedulerController;
  /** Every binding in order: pod name, node, time. */
  bindings: { pod: string; node: string; time_ms: number }[];
}

export function harness(seed: number | string = 1, config: Partial<SchedulerControllerConfig> = {}): Harness {
  const sim = new Simulation({ seed });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const scheduler = new SchedulerController(sim, store, events, config);
  const bindings: Harness["bindings"] = [];
  scheduler.onBound = (pod, node, time_ms) => bindings.push({ pod: pod.metadata.name, node, time_ms });
  return { sim, store, events, scheduler, bindings };
}

/** Rows of the event log for one reason (time_s, name, message). */
export function eventRows(events: EventLog, reason: string): { time_s: number; name: string; message: string }[] {
  const out: { time_s: number; name: string; message: string }[] = [];
  for (const row of events.recorder.all()) {
    if (row[5] === reason) out.push({ time_s: row[0] as number, name: row[3] as string, message: row[6] as string });
  }
  return out;
}
