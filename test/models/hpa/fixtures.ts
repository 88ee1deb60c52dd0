/** Small builders for HPA unit tests (pods as upstream's buildFakePod makes them). */
import type { Pod, PodPhase } from "../../../models/cluster/types.js";
import { StaticMetricsClient, type PodMetricsItem } from "../../../models/hpa/metrics-client.js";

export interface FakePodOptions {
  phase?: PodPhase;
  ready?: "True" | "False" | null;
  readyTransition_ms?: number;
  startTime_ms?: number | null;
  deleted?: boolean;
  requests_mcores?: (number | undefined)[];
}

/** Go's zero time in the model's virtual milliseconds. */
export const ZERO_MS = -1e14;

export function fakePod(name: string, o: FakePodOptions = {}): Pod {
  const requests = o.requests_mcores ?? [500, 500];
  return {
    kind: "Pod",
    metadata: {
      name,
      namespace: "ns",
      uid: name,
      labels: {},
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: o.deleted ? 0 : null,
      resourceVersion: 1,
    },
    spec: {
      containers: requests.map((r, i) => ({
        name: `container${i + 1}`,
        image: "",
        resources: { requests: r === undefined ? {} : { cpu_mcores: r }, limits: {} },
        readinessProbe: null,
      })),
      initContainers: [],
      nodeName: "",
      nodeSelector: {},
      nodeAffinity: null,
      tolerations: [],
      terminationGracePeriodSeconds: 30,
      restartPolicy: "Always",
      resources: null,
    },
    status: {
      phase: o.phase ?? "Running",
      conditions:
        o.ready === null
          ? []
          : [{ type: "Ready", status: o.ready ?? "True", lastTransitionTime_ms: o.readyTransition_ms ?? ZERO_MS, reason: "", message: "" }],
      startTime_ms: o.startTime_ms === undefined ? ZERO_MS : o.startTime_ms,
      containerStatuses: [],
    },
  };
}

/** Resource metrics with the usage split over two containers, as horizontal_test.go reports it. */
export function cpuMetrics(levels_mcores: Record<string, number>, timestamp_ms = 0): PodMetricsItem[] {
  return Object.keys(levels_mcores).map((podName) => ({
    podName,
    timestamp_ms,
    window_ms: 60_000,
    containers: [
      { name: "container1", usage: { cpu_mcores: Math.trunc(levels_mcores[podName] / 2) } },
      { name: "container2", usage: { cpu_mcores: Math.trunc(levels_mcores[podName] / 2) } },
    ],
  }));
}

export function resourceOnlyClient(items: PodMetricsItem[]): StaticMetricsClient {
  return new StaticMetricsClient({
    resource: items,
    pods: () => [],
    object: () => undefined,
    external: () => [],
  });
}
