/** Deployment / ReplicaSet builders mirroring deployment_controller_test.go newDeployment and rs. */
import type { Deployment, Labels, ReplicaSet } from "../../../models/cluster/types.js";
import type { IntOrString } from "../../../models/deployment/intstr.js";

const podSpec = (): Deployment["spec"]["template"]["spec"] => ({
  containers: [
    { name: "c", image: "foo/bar", resources: { requests: {}, limits: {} }, readinessProbe: null },
  ],
  initContainers: [],
  nodeName: "",
  nodeSelector: {},
  nodeAffinity: null,
  tolerations: [],
  terminationGracePeriodSeconds: 30,
  restartPolicy: "Always",
  resources: null,
});

/** newDeployment: RollingUpdate with maxSurge and maxUnavailable 0 unless given. */
export function newDeployment(
  name: string,
  replicas: number,
  o: { revisionHistoryLimit?: number; maxSurge?: IntOrString; maxUnavailable?: IntOrString; selector?: Labels; recreate?: boolean } = {},
): Deployment {
  const selector = o.selector ?? {};
  return {
    kind: "Deployment",
    metadata: {
      name,
      namespace: "default",
      uid: `uid-${name}`,
      labels: {},
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: null,
      resourceVersion: 1,
      generation: 1,
    },
    spec: {
      replicas,
      selector: { matchLabels: { ...selector }, matchExpressions: [] },
      template: { metadata: { labels: { ...selector }, annotations: {} }, spec: podSpec() },
      strategy: o.recreate
        ? { type: "Recreate" }
        : { type: "RollingUpdate", rollingUpdate: { maxSurge: o.maxSurge ?? 0, maxUnavailable: o.maxUnavailable ?? 0 } },
      minReadySeconds: 0,
      revisionHistoryLimit: o.revisionHistoryLimit ?? 2147483647,
      progressDeadlineSeconds: 600,
      paused: false,
    },
    status: {
      observedGeneration: 0,
      replicas: 0,
      updatedReplicas: 0,
      readyReplicas: 0,
      availableReplicas: 0,
      unavailableReplicas: 0,
      conditions: [],
    },
  };
}

/** rs(name, replicas, selector, timestamp). */
export function rs(name: string, replicas: number, created_ms = 0, o: { available?: number; statusReplicas?: number; uid?: string } = {}): ReplicaSet {
  return {
    kind: "ReplicaSet",
    metadata: {
      name,
      namespace: "default",
      uid: o.uid ?? `uid-${name}`,
      labels: {},
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: created_ms,
      deletionTimestamp_ms: null,
      resourceVersion: 1,
    },
    spec: {
      replicas,
      minReadySeconds: 0,
      selector: { matchLabels: {}, matchExpressions: [] },
      template: { metadata: { labels: {}, annotations: {} }, spec: podSpec() },
    },
    status: { replicas: o.statusReplicas ?? 0, readyReplicas: 0, availableReplicas: o.available ?? 0, observedGeneration: 0 },
  };
}

export function withAnnotations(r: ReplicaSet, annotations: Record<string, string>): ReplicaSet {
  return { ...r, metadata: { ...r.metadata, annotations: { ...r.metadata.annotations, ...annotations } } };
}
