/** Builders for StatefulSet tests: a whole cluster simulation and the objects it starts with. */
import { ClusterSimulation } from "../../../experiments/simulator.js";
import type { NewObject, StoredObject } from "../../../models/cluster/store.js";
import type { Pod, PodTemplateSpec, ReplicaSet, StatefulSet } from "../../../models/cluster/types.js";
import { container } from "../pipeline/fixtures.js";

export function template(app: string): PodTemplateSpec {
  return {
    metadata: { labels: { app }, annotations: {} },
    spec: {
      containers: [container(app, 100)], initContainers: [], nodeName: "", nodeSelector: {}, nodeAffinity: null, tolerations: [],
      terminationGracePeriodSeconds: 30, restartPolicy: "Always", resources: null,
    },
  };
}

export function statefulSet(name: string, replicas: number, overrides: Partial<StatefulSet["spec"]> = {}): NewObject<StatefulSet> {
  return {
    kind: "StatefulSet",
    metadata: { name, generation: 1 } as NewObject<StatefulSet>["metadata"],
    spec: {
      replicas,
      selector: { matchLabels: { app: name }, matchExpressions: [] },
      template: template(name),
      serviceName: name,
      podManagementPolicy: "OrderedReady",
      updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 0 } },
      minReadySeconds: 0,
      revisionHistoryLimit: 10,
      volumeClaimTemplates: [
        { metadata: { name: "data", labels: {}, annotations: {} }, spec: { storageClassName: null, accessModes: ["ReadWriteOnce"], storage_bytes: 2 ** 30, volumeName: "" } },
      ],
      persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain", whenScaled: "Retain" },
      ...overrides,
    },
    status: { observedGeneration: 0, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, currentRevision: "", updateRevision: "" },
  };
}

export function replicaSet(name: string, replicas: number): NewObject<ReplicaSet> {
  return {
    kind: "ReplicaSet",
    metadata: { name },
    spec: { replicas, minReadySeconds: 0, selector: { matchLabels: { app: name }, matchExpressions: [] }, template: template(name) },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
}

export interface NodeSpec {
  name: string;
  count: number;
  zone?: string;
}

export function cluster(objects: NewObject<StoredObject>[], groups: NodeSpec[] = [{ name: "pool", count: 3 }], seed = 1): ClusterSimulation {
  return new ClusterSimulation({
    seed,
    duration_ms: 60 * 60_000,
    nodeGroups: groups.map((g) => ({
      name: g.name, count: g.count, cpu_mcores: 4000, memory_bytes: 16 * 2 ** 30,
      labels: g.zone === undefined ? {} : ({ "topology.kubernetes.io/zone": g.zone } as Record<string, string>),
    })),
    objects,
    apps: [],
    traffic: [],
    sampleInterval_ms: 15_000,
    components: {},
  });
}

/** Every pod lifecycle moment of interest, in time order, recorded from the store's watch. */
export interface PodMoment {
  t_ms: number;
  pod: string;
  what: "created" | "ready" | "terminating" | "deleted";
}

export function recordPods(sim: ClusterSimulation): PodMoment[] {
  const moments: PodMoment[] = [];
  const ready = new Set<string>();
  const terminating = new Set<string>();
  sim.store.watch<Pod>("Pod", (type, pod) => {
    const t_ms = sim.sim.now_ms;
    const uid = pod.metadata.uid;
    const name = pod.metadata.name;
    if (type === "ADDED") moments.push({ t_ms, pod: name, what: "created" });
    if (type === "DELETED") return void moments.push({ t_ms, pod: name, what: "deleted" });
    const isReady = pod.status.conditions.some((c) => c.type === "Ready" && c.status === "True");
    if (isReady && !ready.has(uid)) {
      ready.add(uid);
      moments.push({ t_ms, pod: name, what: "ready" });
    }
    if (pod.metadata.deletionTimestamp_ms !== null && !terminating.has(uid)) {
      terminating.add(uid);
      moments.push({ t_ms, pod: name, what: "terminating" });
    }
  });
  return moments;
}
