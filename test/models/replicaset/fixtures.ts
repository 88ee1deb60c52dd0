/** Pod and ReplicaSet builders for the ReplicaSet controller's table tests. */
import type { Labels, Pod, PodPhase, ReplicaSet } from "../../../models/cluster/types.js";

export interface PodOptions {
  nodeName?: string;
  phase?: PodPhase;
  /** Ready condition: true = True since readySince_ms, false = False, undefined = none. */
  ready?: boolean;
  readySince_ms?: number;
  created_ms?: number;
  restarts?: number[];
  annotations?: Labels;
  labels?: Labels;
  uid?: string;
  deleted_ms?: number | null;
}

export function pod(name: string, o: PodOptions = {}): Pod {
  return {
    kind: "Pod",
    metadata: {
      name,
      namespace: "default",
      uid: o.uid ?? name,
      labels: o.labels ?? {},
      annotations: o.annotations ?? {},
      ownerReferences: [],
      creationTimestamp_ms: o.created_ms ?? 0,
      deletionTimestamp_ms: o.deleted_ms ?? null,
      resourceVersion: 1,
    },
    spec: {
      containers: [],
      initContainers: [],
      nodeName: o.nodeName ?? "",
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
        o.ready === undefined
          ? []
          : [{ type: "Ready", status: o.ready ? "True" : "False", lastTransitionTime_ms: o.readySince_ms ?? 0, reason: "", message: "" }],
      startTime_ms: 0,
      containerStatuses: (o.restarts ?? []).map((n, i) => ({
        name: `c${i}`,
        ready: o.ready === true,
        started: true,
        restartCount: n,
        state: "running" as const,
        containerID: "",
        reason: "",
      })),
    },
  };
}

export function replicaSet(name: string, replicas: number, o: { templateLabels?: Labels; minReadySeconds?: number } = {}): ReplicaSet {
  const labels = o.templateLabels ?? { name: "foo" };
  return {
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "default",
      uid: name,
      labels,
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: null,
      resourceVersion: 1,
    },
    spec: {
      replicas,
      minReadySeconds: o.minReadySeconds ?? 0,
      selector: { matchLabels: { ...labels }, matchExpressions: [] },
      template: { metadata: { labels: { ...labels }, annotations: {} }, spec: pod("template").spec },
    },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
}

export const names = (pods: readonly Pod[]): string[] => pods.map((p) => p.metadata.name);
