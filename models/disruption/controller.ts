/**
 * The disruption controller on the kernel: pkg/controller/disruption/disruption.go (sync,
 * trySync, getPodsForPdb, getExpectedPodCount with getExpectedScale's finders, buildDisruptedPodMap,
 * updatePdbStatus, failSafe). It keeps each PodDisruptionBudget's status — how many of its pods
 * are healthy, how many must be, and how many may be disrupted now — which the eviction API
 * (models/disruption/budgets.ts) and the Cluster Autoscaler's drain rules read.
 *
 * Differences from upstream: no informer resync (every pod, PDB and workload write enqueues the
 * namespace's budgets); the DisruptionAllowed condition is kept as its reason only.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { labelSelectorMatches } from "../cluster/labels.js";
import { objectKey, type ClusterStore, type StoredObject } from "../cluster/store.js";
import type { Deployment, Pod, ReplicaSet, StatefulSet } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { controllerRefOf } from "../replicaset/controller.js";
import { countHealthyPods, DELETION_TIMEOUT_MS, getScaledValueFromIntOrPercent } from "./budgets.js";
import type { PodDisruptionBudget } from "./types.js";

export const DISRUPTION_COMPONENT = "controllermanager";

function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return [key.slice(0, i), key.slice(i + 1)];
}

export class DisruptionController {
  readonly queue: WorkQueue;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
  ) {
    this.queue = new WorkQueue(sim, (key, now_ms) => this.sync(key, now_ms));
    store.watch<PodDisruptionBudget>("PodDisruptionBudget", (_type, pdb) => this.queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name)));
    store.watch<Pod>("Pod", (_type, pod) => {
      for (const pdb of this.store.list<PodDisruptionBudget>("PodDisruptionBudget", pod.metadata.namespace)) {
        if (pdb.spec.selector !== null && labelSelectorMatches(pdb.spec.selector, pod.metadata.labels)) this.queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name));
      }
    });
    // A workload's scale is a percentage's base (getExpectedScale).
    for (const kind of ["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController"]) {
      store.watch<StoredObject>(kind, (_type, o) => {
        for (const pdb of this.store.list<PodDisruptionBudget>("PodDisruptionBudget", o.metadata.namespace)) this.queue.add(objectKey(pdb.metadata.namespace, pdb.metadata.name));
      });
    }
  }

  /**
   * disruption.go getExpectedScale: the sum of the scales of the pods' controllers (a
   * ReplicaSet's Deployment if it has one, a StatefulSet, a ReplicationController), each counted
   * once; null when a pod has no such controller ("found no controllers for pod").
   */
  private expectedScale(pods: readonly Pod[]): number | null {
    const scales = new Map<string, number>();
    for (const pod of pods) {
      const ref = controllerRefOf(pod.metadata);
      if (ref === null) return null;
      const ns = pod.metadata.namespace;
      if (ref.kind === "ReplicaSet" || ref.kind === "ReplicationController") {
        const rs = this.store.get<ReplicaSet>(ref.kind, ns, ref.name);
        if (rs === undefined) return null;
        const owner = controllerRefOf(rs.metadata);
        const deployment = owner !== null && owner.kind === "Deployment" ? this.store.get<Deployment>("Deployment", ns, owner.name) : undefined;
        if (deployment !== undefined) scales.set(deployment.metadata.uid, deployment.spec.replicas);
        else scales.set(rs.metadata.uid, rs.spec.replicas);
      } else if (ref.kind === "StatefulSet") {
        const set = this.store.get<StatefulSet>("StatefulSet", ns, ref.name);
        if (set === undefined) return null;
        scales.set(set.metadata.uid, set.spec.replicas);
      } else {
        return null;
      }
    }
    let total = 0;
    for (const s of scales.values()) total += s;
    return total;
  }

  /** disruption.go sync / trySync / updatePdbStatus (failSafe on a pod without a known controller). */
  sync(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const pdb = this.store.get<PodDisruptionBudget>("PodDisruptionBudget", namespace, name);
    if (pdb === undefined) return;
    const selector = pdb.spec.selector;
    const pods = selector === null ? [] : this.store.list<Pod>("Pod", namespace).filter((p) => labelSelectorMatches(selector, p.metadata.labels));

    // getExpectedPodCount.
    let expected = 0;
    let desired = 0;
    let failed = false;
    const { minAvailable, maxUnavailable } = pdb.spec;
    if (maxUnavailable !== null) {
      const scale = this.expectedScale(pods);
      if (scale === null) failed = true;
      else {
        expected = scale;
        desired = Math.max(0, expected - getScaledValueFromIntOrPercent(maxUnavailable, expected, true));
      }
    } else if (minAvailable !== null) {
      if (typeof minAvailable === "number") {
        desired = minAvailable;
        expected = pods.length;
      } else {
        const scale = this.expectedScale(pods);
        if (scale === null) failed = true;
        else {
          expected = scale;
          desired = getScaledValueFromIntOrPercent(minAvailable, expected, true);
        }
      }
    }

    // buildDisruptedPodMap: evictions the controller has not seen complete, until DeletionTimeout.
    const disrupted: Record<string, number> = {};
    let nextExpiry_ms = Infinity;
    const present = new Map(pods.map((p) => [p.metadata.name, p]));
    for (const [pod, at_ms] of Object.entries(pdb.status.disruptedPods)) {
      const p = present.get(pod);
      if (p === undefined || p.metadata.deletionTimestamp_ms !== null) continue;
      const expires_ms = at_ms + DELETION_TIMEOUT_MS;
      if (expires_ms <= now_ms) continue;
      disrupted[pod] = at_ms;
      nextExpiry_ms = Math.min(nextExpiry_ms, expires_ms);
    }
    const healthy = failed ? 0 : countHealthyPods(pods, disrupted, now_ms);
    let allowed = healthy - desired;
    if (failed || expected <= 0 || allowed <= 0) allowed = 0;
    const reason = failed ? "SyncFailed" : allowed > 0 ? "SufficientPods" : "InsufficientPods";
    if (failed && pdb.status.disruptionAllowedReason !== "SyncFailed") {
      this.events.emit(now_ms, DISRUPTION_COMPONENT, "PodDisruptionBudget", name, "Warning", "CalculateExpectedPodCountFailed",
        "Failed to calculate the number of expected pods: found no controllers for a selected pod");
    }
    const s = pdb.status;
    const changed = s.currentHealthy !== healthy || s.desiredHealthy !== desired || s.expectedPods !== expected || s.disruptionsAllowed !== allowed ||
      s.disruptionAllowedReason !== reason || s.observedGeneration !== pdb.metadata.generation ||
      Object.keys(s.disruptedPods).length !== Object.keys(disrupted).length;
    if (changed) {
      pdb.status = { observedGeneration: pdb.metadata.generation, disruptedPods: disrupted, disruptionsAllowed: allowed, currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, disruptionAllowedReason: reason };
      this.store.update(pdb);
    }
    if (nextExpiry_ms < Infinity) this.queue.addAfter(key, nextExpiry_ms - now_ms);
  }
}
