/**
 * The StatefulSet controller on the kernel: pkg/controller/statefulset/stateful_set.go
 * (StatefulSetController: addPod/updatePod/deletePod, enqueueStatefulSet, sync),
 * stateful_set_control.go (defaultStatefulSetControl.UpdateStatefulSet, performUpdate,
 * getStatefulSetRevisions, updateStatefulSet with processReplica / processCondemned / runForAll,
 * computeReplicaStatus, completeRollingUpdate) and stateful_pod_control.go
 * (StatefulPodControl.CreateStatefulPod, createPersistentVolumeClaims, DeleteStatefulPod,
 * UpdateStatefulPod, and the PersistentVolumeClaim retention policy).
 *
 * Differences from upstream, and why:
 * - No expectations or informer cache: the store's controller-uid index is current inside every
 *   write (as for the ReplicaSet controller).
 * - Revisions are ControllerRevision objects in the store named "<set>-<hash>", the hash being
 *   the Deployment controller's template hash (controller_utils.go ComputeHash) over the pod
 *   template rather than history.HashControllerRevision over a patch; only the template is kept,
 *   and going back to an earlier template reuses its revision without renumbering it.
 * - The retention policy's owner references are replaced by what the garbage collector would then
 *   do: when a condemned pod (whenScaled: Delete) or the set (whenDeleted: Delete) is gone, the
 *   controller deletes the claims itself.
 * - The maxUnavailable rolling update (alpha MaxUnavailableStatefulSet) and spec.ordinals.start
 *   are not modelled: updates go one pod at a time from the highest ordinal, ordinals start at 0.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { labelSelectorMatches } from "../cluster/labels.js";
import { objectKey, type ClusterStore, type WatchEventType } from "../cluster/store.js";
import type { ObjectMeta, PersistentVolumeClaim, Pod, PodTemplateSpec, StatefulSet } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { computeHash } from "../deployment/hash.js";
import { controllerRefOf, ensureControllerIndex, listControlledBy } from "../replicaset/controller.js";
import { deletePodGracefully, isPodReady } from "../replicaset/podutil.js";
import {
  allowsBurst,
  getOrdinal,
  getParentNameAndOrdinal,
  getPersistentVolumeClaims,
  getPodRevision,
  identityMatches,
  isCreated,
  isFailed,
  isRunningAndAvailable,
  isRunningAndReady,
  isSucceeded,
  isTerminating,
  isUnavailable,
  newVersionedStatefulSetPod,
  storageMatches,
  updateIdentity,
  updateStorage,
} from "./utils.js";

/** The component name on the events this controller records. */
export const STATEFULSET_COMPONENT = "statefulset-controller";

/** apps/v1 ControllerRevision restricted to what the StatefulSet controller reads back. */
export interface ControllerRevision {
  kind: "ControllerRevision";
  metadata: ObjectMeta;
  data: PodTemplateSpec;
  revision: number;
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return slash < 0 ? ["", key] : [key.slice(0, slash), key.slice(slash + 1)];
}

export class StatefulSetController {
  readonly queue: WorkQueue;
  syncs = 0;
  /** Whether each owned pod was Ready when last seen (updatePod's readiness transition). */
  private readonly podWasReady = new Map<string, boolean>();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
  ) {
    ensureControllerIndex(store, "Pod");
    this.queue = new WorkQueue(sim, (key, now_ms) => this.sync(key, now_ms));
    store.watch<StatefulSet>("StatefulSet", (type, set) => this.onStatefulSet(type, set));
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  private onStatefulSet(type: WatchEventType, set: StatefulSet): void {
    if (type === "DELETED") {
      this.deleteClaimsOnSetDeletion(set);
      return;
    }
    this.queue.add(objectKey(set.metadata.namespace, set.metadata.name));
  }

  // stateful_set.go addPod / updatePod / deletePod: enqueue the owning set.
  private onPod(type: WatchEventType, pod: Pod): void {
    const uid = pod.metadata.uid;
    const wasReady = this.podWasReady.get(uid) ?? false;
    if (type === "DELETED") this.podWasReady.delete(uid);
    const ref = controllerRefOf(pod.metadata);
    if (ref === null || ref.kind !== "StatefulSet") return;
    const set = this.store.get<StatefulSet>("StatefulSet", pod.metadata.namespace, ref.name);
    if (type === "DELETED") this.deleteClaimsOfCondemnedPod(pod, set);
    if (set === undefined || set.metadata.uid !== ref.uid) return;
    const key = objectKey(set.metadata.namespace, set.metadata.name);
    this.queue.add(key);
    if (type === "DELETED") return;
    const ready = isPodReady(pod);
    this.podWasReady.set(uid, ready);
    // updatePod: a pod turning Ready becomes available after minReadySeconds; wake the set then
    // ("Add a second to avoid milliseconds skew in AddAfter").
    if (type === "MODIFIED" && !wasReady && ready && set.spec.minReadySeconds > 0) {
      this.queue.addAfter(key, set.spec.minReadySeconds * 1000 + 1000);
    }
  }

  /** stateful_set.go sync -> syncStatefulSet -> UpdateStatefulSet. */
  sync(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const set = this.store.get<StatefulSet>("StatefulSet", namespace, name);
    if (set === undefined) return;
    this.syncs++;
    // getPodsForStatefulSet: owned pods still matching the selector and named for this set.
    const pods = listControlledBy<Pod>(this.store, "Pod", set.metadata.uid).filter(
      (pod) => labelSelectorMatches(set.spec.selector, pod.metadata.labels) && getParentNameAndOrdinal(pod).parent === set.metadata.name,
    );
    const { currentRevision, updateRevision } = this.getStatefulSetRevisions(set);
    const status = this.updateStatefulSet(set, currentRevision, updateRevision, pods, now_ms);
    this.updateStatefulSetStatus(set, status);
    this.truncateHistory(set, pods, currentRevision, updateRevision);
    // sync: "Requeue after minReadySeconds while ready pods wait to become available".
    if (set.spec.minReadySeconds > 0 && status.readyReplicas !== status.availableReplicas) {
      this.queue.addAfter(key, set.spec.minReadySeconds * 1000 + 1000);
    }
  }

  /**
   * stateful_set_control.go getStatefulSetRevisions: the update revision is the revision of the
   * current template (created when new); the current revision is the one status names, or the
   * update revision when status names none that still exists.
   */
  private getStatefulSetRevisions(set: StatefulSet): { currentRevision: ControllerRevision; updateRevision: ControllerRevision } {
    const ns = set.metadata.namespace;
    const updateName = `${set.metadata.name}-${computeHash(set.spec.template, null)}`;
    let updateRevision = this.store.get<ControllerRevision>("ControllerRevision", ns, updateName);
    if (updateRevision === undefined) {
      let maxRevision = 0;
      for (const r of this.store.list<ControllerRevision>("ControllerRevision", ns)) {
        if (controllerRefOf(r.metadata)?.uid === set.metadata.uid) maxRevision = Math.max(maxRevision, r.revision);
      }
      updateRevision = this.store.create<ControllerRevision>({
        kind: "ControllerRevision",
        metadata: {
          name: updateName,
          namespace: ns,
          labels: { ...set.spec.template.metadata.labels },
          ownerReferences: [{ kind: "StatefulSet", name: set.metadata.name, uid: set.metadata.uid, controller: true }],
        },
        data: structuredClone(set.spec.template),
        revision: maxRevision + 1,
      });
    }
    const current = set.status.currentRevision === "" ? undefined : this.store.get<ControllerRevision>("ControllerRevision", ns, set.status.currentRevision);
    return { currentRevision: current ?? updateRevision, updateRevision };
  }

  /**
   * stateful_set_control.go truncateHistory: revisions that are neither current, nor the update
   * revision, nor the revision of a pod are deleted, oldest first, down to revisionHistoryLimit.
   */
  private truncateHistory(set: StatefulSet, pods: readonly Pod[], current: ControllerRevision, update: ControllerRevision): void {
    const live = new Set([current.metadata.name, update.metadata.name, ...pods.map(getPodRevision)]);
    const history = this.store
      .list<ControllerRevision>("ControllerRevision", set.metadata.namespace)
      .filter((r) => controllerRefOf(r.metadata)?.uid === set.metadata.uid && !live.has(r.metadata.name))
      .sort((a, b) => a.revision - b.revision);
    for (const r of history.slice(0, Math.max(0, history.length - set.spec.revisionHistoryLimit))) {
      this.store.delete("ControllerRevision", r.metadata.namespace, r.metadata.name);
    }
  }

  /** stateful_set_control.go updateStatefulSet: one pass over replicas, condemned, then the update. */
  private updateStatefulSet(
    set: StatefulSet,
    currentRevision: ControllerRevision,
    updateRevision: ControllerRevision,
    pods: readonly Pod[],
    now_ms: number,
  ): StatefulSet["status"] {
    const replicaCount = set.spec.replicas;
    const replicas: (Pod | undefined)[] = new Array(replicaCount).fill(undefined);
    const condemned: Pod[] = [];
    // First we partition pods into two lists valid replicas and condemned Pods.
    for (const pod of pods) {
      const ord = getOrdinal(pod);
      if (ord >= 0 && ord < replicaCount) replicas[ord] = pod;
      else if (ord >= 0) condemned.push(pod);
    }
    // For any empty indices in the sequence [0,set.Spec.Replicas) create a new Pod at the correct revision.
    const full: Pod[] = replicas.map(
      (pod, ord) => pod ?? newVersionedStatefulSetPod(set, currentRevision.data, updateRevision.data, currentRevision.metadata.name, updateRevision.metadata.name, ord),
    );
    // sort the condemned Pods by their ordinals (descendingOrdinal).
    condemned.sort((a, b) => getOrdinal(b) - getOrdinal(a));

    // find the first unhealthy Pod, or the first unhealthy condemned Pod (lowest ordinal first).
    const minReadySeconds = set.spec.minReadySeconds;
    let firstUnavailablePod: Pod | null = full.find((pod) => isUnavailable(pod, minReadySeconds, now_ms)) ?? null;
    for (let i = condemned.length - 1; i >= 0 && firstUnavailablePod === null; i--) {
      if (isUnavailable(condemned[i], minReadySeconds, now_ms)) firstUnavailablePod = condemned[i];
    }

    // Upstream counts the replicas slice after processing (pods created in this pass included).
    const status = (): StatefulSet["status"] =>
      computeReplicaStatus(set, [...full.filter(isCreated), ...condemned], currentRevision.metadata.name, updateRevision.metadata.name, now_ms);
    // If the StatefulSet is being deleted, don't do anything other than updating status.
    if (set.metadata.deletionTimestamp_ms !== null) return status();

    const monotonic = !allowsBurst(set);
    // First, process each living replica. Exit if we run into an error or something blocking in monotonic mode.
    if (runForAll(full.length, (i) => this.processReplica(set, monotonic, full, i, now_ms), monotonic)) return status();
    // Fix pod claims for condemned pods (the retention policy's marks).
    for (const pod of condemned) this.markCondemnedClaims(set, pod);
    // At this point, in monotonic mode all of the current Replicas are Running, Ready and
    // Available, and we can consider termination.
    if (runForAll(condemned.length, (i) => this.processCondemned(set, firstUnavailablePod, monotonic, condemned, i, now_ms), monotonic)) return status();

    // for the OnDelete strategy we short circuit. Pods will be updated when they are manually deleted.
    if (set.spec.updateStrategy.type === "OnDelete") return status();
    // we compute the minimum ordinal of the target sequence for a destructive update based on the strategy.
    const updateMin = set.spec.updateStrategy.rollingUpdate.partition;
    // we terminate the Pod with the largest ordinal that does not match the update revision.
    for (let target = full.length - 1; target >= updateMin; target--) {
      // delete the Pod if it is not already terminating and does not match the update revision.
      if (getPodRevision(full[target]) !== updateRevision.metadata.name && !isTerminating(full[target])) {
        const s = status();
        this.deleteStatefulPod(set, full[target], now_ms);
        s.currentReplicas--;
        return s;
      }
      // wait for unavailable Pods on update
      if (isUnavailable(full[target], minReadySeconds, now_ms)) return status();
    }
    return status();
  }

  /** stateful_set_control.go processReplica: true = stop this pass (monotonic wait or a delete). */
  private processReplica(set: StatefulSet, monotonic: boolean, replicas: Pod[], i: number, now_ms: number): boolean {
    const replica = replicas[i];
    // A failed or succeeded pod is deleted; the next sync, after it is gone, creates it again.
    if (isFailed(replica) || isSucceeded(replica)) {
      if (!isTerminating(replica)) this.deleteStatefulPod(set, replica, now_ms);
      return true;
    }
    // If we find a Pod that has not been created we create the Pod.
    if (!isCreated(replica)) {
      replicas[i] = this.createStatefulPod(set, replica, now_ms);
      // if the set does not allow bursting, return immediately
      return monotonic;
    }
    // If the Pod is in pending state then trigger PVC creation to create missing PVCs.
    if (replica.status.phase === "Pending") this.createMissingPersistentVolumeClaims(set, replica, now_ms);
    // If we find a Pod that is currently terminating, we must wait until graceful deletion
    // completes before we continue to make progress.
    if (isTerminating(replica) && monotonic) return true;
    // If we have a Pod that has been created but is not running and ready we can not make progress.
    if (!isRunningAndReady(replica) && monotonic) return true;
    // If we have a Pod that has been created but is not available we can not make progress.
    if (!isRunningAndAvailable(replica, set.spec.minReadySeconds, now_ms) && monotonic) return true;
    // Enforce the StatefulSet invariants (UpdateStatefulPod).
    if (identityMatches(set, replica) && storageMatches(set, replica)) return false;
    updateIdentity(set, replica);
    updateStorage(set, replica);
    this.createMissingPersistentVolumeClaims(set, replica, now_ms);
    this.store.update(replica);
    return false;
  }

  /** stateful_set_control.go processCondemned. */
  private processCondemned(set: StatefulSet, firstUnhealthyPod: Pod | null, monotonic: boolean, condemned: Pod[], i: number, now_ms: number): boolean {
    const pod = condemned[i];
    if (isTerminating(pod)) return monotonic;
    // if we are in monotonic mode and the condemned target is not the first unhealthy Pod block
    if (!isRunningAndReady(pod) && monotonic && pod !== firstUnhealthyPod) return true;
    // if we are in monotonic mode and the condemned target is not the first unhealthy Pod, block.
    if (!isRunningAndAvailable(pod, set.spec.minReadySeconds, now_ms) && monotonic && pod !== firstUnhealthyPod) return true;
    this.deleteStatefulPod(set, pod, now_ms);
    return true;
  }

  // stateful_pod_control.go CreateStatefulPod: claims first, then the pod.
  private createStatefulPod(set: StatefulSet, pod: Pod, now_ms: number): Pod {
    this.createMissingPersistentVolumeClaims(set, pod, now_ms);
    const created = this.store.create<Pod>(pod);
    this.recordPodEvent("create", set, created, now_ms);
    return created;
  }

  // stateful_pod_control.go createPersistentVolumeClaims: each missing claim of the pod.
  private createMissingPersistentVolumeClaims(set: StatefulSet, pod: Pod, now_ms: number): void {
    for (const claim of getPersistentVolumeClaims(set, pod).values()) {
      if (this.store.get("PersistentVolumeClaim", set.metadata.namespace, claim.metadata.name) !== undefined) continue;
      this.store.create<PersistentVolumeClaim>(claim);
      this.events.emit(now_ms, STATEFULSET_COMPONENT, "StatefulSet", set.metadata.name, "Normal", "SuccessfulCreate",
        `create Claim ${claim.metadata.name} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} success`);
    }
  }

  // stateful_pod_control.go DeleteStatefulPod.
  private deleteStatefulPod(set: StatefulSet, pod: Pod, now_ms: number): void {
    deletePodGracefully(this.store, pod, now_ms);
    this.recordPodEvent("delete", set, pod, now_ms);
  }

  // stateful_pod_control.go recordPodEvent: "<verb> Pod <pod> in StatefulSet <set> successful".
  private recordPodEvent(verb: "create" | "delete", set: StatefulSet, pod: Pod, now_ms: number): void {
    const reason = verb === "create" ? "SuccessfulCreate" : "SuccessfulDelete";
    this.events.emit(now_ms, STATEFULSET_COMPONENT, "StatefulSet", set.metadata.name, "Normal", reason, `${verb} Pod ${pod.metadata.name} in StatefulSet ${set.metadata.name} successful`);
  }

  /**
   * stateful_pod_control.go updatePodClaimForRetentionPolicy for a condemned pod under
   * whenScaled: Delete: the pod becomes its claims' owner, so they go with it (see
   * deleteClaimsOfCondemnedPod). The annotation stands for that owner reference.
   */
  private markCondemnedClaims(set: StatefulSet, pod: Pod): void {
    if (set.spec.persistentVolumeClaimRetentionPolicy.whenScaled !== "Delete") return;
    for (const claim of getPersistentVolumeClaims(set, pod).values()) {
      const stored = this.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", set.metadata.namespace, claim.metadata.name);
      if (stored === undefined || stored.metadata.ownerReferences.some((r) => r.uid === pod.metadata.uid)) continue;
      stored.metadata.ownerReferences.push({ kind: "Pod", name: pod.metadata.name, uid: pod.metadata.uid, controller: false });
      this.store.update(stored);
    }
  }

  // The garbage collector's part of whenScaled: Delete: claims owned by a deleted pod go too.
  private deleteClaimsOfCondemnedPod(pod: Pod, set: StatefulSet | undefined): void {
    if (set === undefined || set.spec.volumeClaimTemplates.length === 0) return;
    for (const claim of getPersistentVolumeClaims(set, pod).values()) {
      const stored = this.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", set.metadata.namespace, claim.metadata.name);
      if (stored !== undefined && stored.metadata.ownerReferences.some((r) => r.uid === pod.metadata.uid)) {
        this.store.delete("PersistentVolumeClaim", stored.metadata.namespace, stored.metadata.name);
      }
    }
  }

  // whenDeleted: Delete: the set owns its claims, so the garbage collector deletes them with it.
  private deleteClaimsOnSetDeletion(set: StatefulSet): void {
    if (set.spec.persistentVolumeClaimRetentionPolicy.whenDeleted !== "Delete") return;
    const prefixes = set.spec.volumeClaimTemplates.map((t) => `${t.metadata.name}-${set.metadata.name}-`);
    for (const claim of this.store.list<PersistentVolumeClaim>("PersistentVolumeClaim", set.metadata.namespace)) {
      const name = claim.metadata.name;
      if (prefixes.some((p) => name.startsWith(p) && /^[0-9]+$/.test(name.slice(p.length)))) {
        this.store.delete("PersistentVolumeClaim", claim.metadata.namespace, name);
      }
    }
  }

  // stateful_set_control.go updateStatefulSetStatus with stateful_set_utils.go
  // completeRollingUpdate: once every replica runs the update revision and is Ready, the update
  // revision becomes the current revision.
  private updateStatefulSetStatus(set: StatefulSet, status: StatefulSet["status"]): void {
    if (set.spec.updateStrategy.type === "RollingUpdate" && status.updatedReplicas === status.replicas && status.readyReplicas === status.replicas) {
      status.currentRevision = status.updateRevision;
      status.currentReplicas = status.updatedReplicas;
    }
    const old = set.status;
    if (
      old.observedGeneration === status.observedGeneration && old.replicas === status.replicas && old.readyReplicas === status.readyReplicas &&
      old.currentReplicas === status.currentReplicas && old.updatedReplicas === status.updatedReplicas &&
      old.availableReplicas === status.availableReplicas && old.currentRevision === status.currentRevision && old.updateRevision === status.updateRevision
    ) return;
    set.status = status;
    this.store.update(set);
  }
}

/**
 * stateful_set_control.go runForAll: in monotonic mode, stop at the first call that says to;
 * otherwise (Parallel: slowStartBatch, which ignores what each call says) run every call and go
 * on. No call fails here, so slowStartBatch's batching changes nothing in virtual time.
 */
function runForAll(count: number, fn: (i: number) => boolean, monotonic: boolean): boolean {
  for (let i = 0; i < count; i++) {
    if (fn(i) && monotonic) return true;
  }
  return false;
}

/** stateful_set_control.go computeReplicaStatus over the pods listed at the start of the sync. */
function computeReplicaStatus(
  set: StatefulSet,
  pods: readonly Pod[],
  currentRevision: string,
  updateRevision: string,
  now_ms: number,
): StatefulSet["status"] {
  const status: StatefulSet["status"] = {
    observedGeneration: set.metadata.generation,
    replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0,
    currentRevision, updateRevision,
  };
  for (const pod of pods) {
    if (!isCreated(pod)) continue;
    status.replicas++;
    if (isRunningAndReady(pod)) {
      status.readyReplicas++;
      if (isRunningAndAvailable(pod, set.spec.minReadySeconds, now_ms)) status.availableReplicas++;
    }
    if (isTerminating(pod)) continue;
    const revision = getPodRevision(pod);
    if (revision === currentRevision) status.currentReplicas++;
    if (revision === updateRevision) status.updatedReplicas++;
  }
  return status;
}
