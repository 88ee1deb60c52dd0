/**
 * The ReplicaSet controller on the kernel: pkg/controller/replicaset/replica_set.go
 * ReplicaSetController (the event handlers addPod/updatePod/deletePod/addRS/updateRS/deleteRS,
 * syncReplicaSet, manageReplicas with slowStartBatch, and updateReplicaSetStatus) around the pure
 * decisions in manage-replicas.ts and status.ts.
 *
 * Differences from upstream, and why:
 * - No ControllerExpectations. Upstream needs them because its pod list comes from an informer
 *   cache that lags its own writes; here the store's writes are synchronous and the owner index
 *   is updated inside store.create/update/delete, so listing through the index is always current
 *   and a second sync before the watch events land sees the pods the first one created.
 * - Pods are found through a store index on their controller's uid (claimPods' adoption of
 *   orphans that match the selector is not modelled; releasing owned pods that no longer match
 *   is). This keeps a sync O(pods of this ReplicaSet), never O(pods of the cluster).
 * - client-go's delaying queue keeps an AddAfter apart from an immediate Add; the kernel
 *   WorkQueue keeps one due time per key, so delayed adds are kernel timers that Add on expiry.
 */
import type { RandomStream, Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { labelSelectorMatches } from "../cluster/labels.js";
import { objectKey, StoreError, type ClusterStore, type StoredObject, type WatchEventType } from "../cluster/store.js";
import type { ObjectMeta, OwnerReference, Pod, ReplicaSet } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { DEFAULT_ACTIVE_PODS_FEATURE_GATES, type ActivePodsFeatureGates } from "./active-pods.js";
import { BURST_REPLICAS, manageReplicas } from "./manage-replicas.js";
import { deletePodGracefully, isPodActive, isPodReady } from "./podutil.js";
import { calculateStatus, minReadyRequeueAfter_ms, type ReplicaSetReadyCounts } from "./status.js";

/** Store index (on Pods and ReplicaSets) from an object to its controller's uid. */
export const CONTROLLER_UID_INDEX = "controller-uid";

/** The component name on the events this controller records (upstream's event source). */
export const REPLICASET_COMPONENT = "replicaset-controller";

/**
 * The kind a ReplicaSetController manages. Upstream's replication manager
 * (pkg/controller/replication/replication_controller.go NewReplicationManager) is this same
 * controller run with the ReplicationController kind, its own event source and informer adapters
 * that convert RCs to ReplicaSets (conversion.go); the stored RC already has the ReplicaSet shape
 * (the manifest loader converts its map selector), so only the kind, the event component and the
 * name stream differ.
 */
export interface ReplicaSetControllerKind {
  kind: "ReplicaSet" | "ReplicationController";
  component: string;
}

export const REPLICASET_KIND: Readonly<ReplicaSetControllerKind> = Object.freeze({ kind: "ReplicaSet", component: REPLICASET_COMPONENT });
export const REPLICATION_CONTROLLER_KIND: Readonly<ReplicaSetControllerKind> = Object.freeze({
  kind: "ReplicationController",
  component: "replication-controller",
});

/**
 * utilrand.String's alphabet (k8s.io/apimachinery/pkg/util/rand): consonants and digits only,
 * so generated names never spell words and never contain ambiguous characters.
 */
export const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
/** names.SimpleNameGenerator: randomLength 5, maxGeneratedNameLength 63 - 5 = 58. */
const NAME_SUFFIX_LENGTH = 5;
const MAX_GENERATED_NAME_BASE_LENGTH = 58;
/**
 * The API server retries a generateName that collides (RetryGenerateName); a bounded number of
 * draws keeps the loop finite. With 27^5 = 14 million suffixes per ReplicaSet, a collision run
 * this long means something is wrong.
 */
const GENERATE_NAME_ATTEMPTS = 8;

export interface ReplicaSetControllerConfig {
  /** --concurrent... BurstReplicas: the most pods one sync creates or deletes (500). */
  burstReplicas: number;
  gates: ActivePodsFeatureGates;
  /**
   * Added to syncReplicaSet's minReadySeconds requeue. In a real cluster the requeued sync runs a
   * few ms after the delay, so a pod that turned Ready at the previous sync has been Ready
   * strictly longer than minReadySeconds (IsPodAvailable's time.Before is strict). With zero
   * latency the sync would land exactly on the boundary, see nothing available and wait a whole
   * extra minReadySeconds; one virtual ms restores upstream's outcome.
   */
  minReadyRequeueSlack_ms: number;
}

export const DEFAULT_REPLICASET_CONTROLLER_CONFIG: Readonly<ReplicaSetControllerConfig> = Object.freeze({
  burstReplicas: BURST_REPLICAS,
  gates: DEFAULT_ACTIVE_PODS_FEATURE_GATES,
  minReadyRequeueSlack_ms: 1,
});

// metav1.GetControllerOf: the owner reference with controller=true, or null.
export function controllerRefOf(metadata: ObjectMeta): OwnerReference | null {
  const refs = metadata.ownerReferences;
  for (let i = 0; i < refs.length; i++) if (refs[i].controller) return refs[i];
  return null;
}

/**
 * Flags the controller-uid index counts per controller for Pods (store.indexFlagCounts), so a
 * ReplicaSet sync reads its status counts without walking its pods:
 * - POD_ACTIVE: IsPodActive;
 * - POD_CLAIMED: active, and its labels match the selector of the ReplicaSet (or
 *   ReplicationController) its controller reference names: a pod claimActivePods keeps;
 * - POD_CLAIMED_READY: claimed and Ready.
 * The selector is read when the pod is written. A ReplicaSet's selector is immutable in apps/v1
 * (validation.ValidateReplicaSetUpdate), so only a pod's own write can change these flags; a
 * pod written before its ReplicaSet existed is not counted as claimed until its next write,
 * which only sends the sync down the walking path.
 */
const POD_ACTIVE_BIT = 0;
const POD_CLAIMED_BIT = 1;
const POD_CLAIMED_READY_BIT = 2;
const POD_ACTIVE = 1 << POD_ACTIVE_BIT;
const POD_CLAIMED = 1 << POD_CLAIMED_BIT;
const POD_CLAIMED_READY = 1 << POD_CLAIMED_READY_BIT;

function controlledPodFlags(store: ClusterStore, pod: Pod): number {
  if (!isPodActive(pod)) return 0;
  const ref = controllerRefOf(pod.metadata);
  if (ref === null || (ref.kind !== "ReplicaSet" && ref.kind !== "ReplicationController")) return POD_ACTIVE;
  const owner = store.get<ReplicaSet>(ref.kind, pod.metadata.namespace, ref.name);
  if (owner === undefined || owner.metadata.uid !== ref.uid || !labelSelectorMatches(owner.spec.selector, pod.metadata.labels)) return POD_ACTIVE;
  return isPodReady(pod) ? POD_ACTIVE | POD_CLAIMED | POD_CLAIMED_READY : POD_ACTIVE | POD_CLAIMED;
}

/**
 * Adds the controller-uid index on `kind` unless it exists (every workload controller shares
 * it); on Pods it also counts the flags above per controller.
 */
export function ensureControllerIndex(store: ClusterStore, kind: string): void {
  if (store.hasIndex(kind, CONTROLLER_UID_INDEX)) return;
  const keysOf = (object: StoredObject): readonly string[] => {
    const ref = controllerRefOf(object.metadata);
    return ref === null ? [] : [ref.uid];
  };
  store.addIndex<StoredObject>(kind, CONTROLLER_UID_INDEX, keysOf, kind === "Pod" ? (object) => controlledPodFlags(store, object as Pod) : null);
}

/** Objects of `kind` whose controller has `uid`, in the order they joined the index (a copy). */
export function listControlledBy<T extends StoredObject>(store: ClusterStore, kind: string, uid: string): T[] {
  return Array.from(store.byIndex<T>(kind, CONTROLLER_UID_INDEX, uid));
}

/**
 * names.SimpleNameGenerator.GenerateName with utilrand.String(5): `base` (cut to 58 characters)
 * and five characters from `stream`, redrawn while an object of `kind` of that name exists.
 */
export function generateName(store: ClusterStore, kind: string, stream: RandomStream, namespace: string, base: string): string {
  if (base.length > MAX_GENERATED_NAME_BASE_LENGTH) base = base.slice(0, MAX_GENERATED_NAME_BASE_LENGTH);
  for (let attempt = 0; attempt < GENERATE_NAME_ATTEMPTS; attempt++) {
    let name = base;
    for (let i = 0; i < NAME_SUFFIX_LENGTH; i++) name += NAME_SUFFIX_ALPHABET[stream.integer(0, NAME_SUFFIX_ALPHABET.length - 1)];
    if (store.get(kind, namespace, name) === undefined) return name;
  }
  throw new StoreError(`could not generate a free ${kind.toLowerCase()} name from "${base}" in namespace ${namespace}`, "AlreadyExists");
}

/** generateName for a Pod. */
export function generatePodName(store: ClusterStore, stream: RandomStream, namespace: string, base: string): string {
  return generateName(store, "Pod", stream, namespace, base);
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return slash < 0 ? ["", key] : [key.slice(0, slash), key.slice(slash + 1)];
}

export class ReplicaSetController {
  readonly queue: WorkQueue;
  /** syncReplicaSet calls that found their ReplicaSet (for benchmarks and tests). */
  syncs = 0;
  podsCreated = 0;
  podsDeleted = 0;
  /**
   * Whether each owned pod was Ready when last seen: the "old object" of updatePod's
   * readiness-transition check (an informer hands upstream both versions; the store hands us the
   * current one only).
   */
  private readonly podWasReady = new Map<string, boolean>();
  /** claimActivePods's list, reused by every sync. */
  private readonly claimed: Pod[] = [];

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly config: Readonly<ReplicaSetControllerConfig> = DEFAULT_REPLICASET_CONTROLLER_CONFIG,
    private readonly gvk: Readonly<ReplicaSetControllerKind> = REPLICASET_KIND,
  ) {
    ensureControllerIndex(store, "Pod");
    ensureControllerIndex(store, "ReplicaSet");
    this.queue = new WorkQueue(sim, (key, now_ms) => this.syncReplicaSet(key, now_ms));
    // addRS / updateRS / deleteRS all enqueue; a sync of a deleted ReplicaSet is a no-op.
    store.watch<ReplicaSet>(gvk.kind, (_type, rs) => this.queue.add(objectKey(rs.metadata.namespace, rs.metadata.name)));
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  // replica_set.go resolveControllerRef: the ReplicaSet a controller reference names, if it is
  // still the same object (uid match).
  private resolveControllerRef(namespace: string, ref: OwnerReference | null): ReplicaSet | null {
    if (ref === null || ref.kind !== this.gvk.kind) return null;
    const rs = this.store.get<ReplicaSet>(this.gvk.kind, namespace, ref.name);
    return rs !== undefined && rs.metadata.uid === ref.uid ? rs : null;
  }

  // replica_set.go addPod / updatePod / deletePod for pods with a controller reference.
  private onPod(type: WatchEventType, pod: Pod): void {
    const uid = pod.metadata.uid;
    const wasReady = this.podWasReady.get(uid) ?? false;
    if (type === "DELETED") this.podWasReady.delete(uid);
    const rs = this.resolveControllerRef(pod.metadata.namespace, controllerRefOf(pod.metadata));
    if (rs === null) return;
    const key = objectKey(rs.metadata.namespace, rs.metadata.name);
    this.queue.add(key);
    if (type === "DELETED") return;
    const ready = isPodReady(pod);
    this.podWasReady.set(uid, ready);
    // updatePod: a pod turning Ready becomes available only after minReadySeconds, and nothing
    // else would wake the ReplicaSet then ("Add a second to avoid milliseconds skew in AddAfter").
    if (type === "MODIFIED" && pod.metadata.deletionTimestamp_ms === null && !wasReady && ready && rs.spec.minReadySeconds > 0) {
      this.queue.addAfter(key, rs.spec.minReadySeconds * 1000 + 1000);
    }
  }

  /**
   * replica_set.go syncReplicaSet: list the active pods the ReplicaSet controls, create or delete
   * pods to match spec.replicas (unless the ReplicaSet is being deleted), write the status
   * computed from the pods listed before the writes (as upstream), and requeue after
   * minReadySeconds while ready pods still wait to become available.
   */
  syncReplicaSet(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const rs = this.store.get<ReplicaSet>(this.gvk.kind, namespace, name);
    if (rs === undefined) return;
    this.syncs++;

    let status: ReplicaSetReadyCounts | null = this.countsWithoutWalking(rs);
    let manageReplicasOk = true;
    if (status === null) {
      const filteredPods = this.claimActivePods(rs);
      if (rs.metadata.deletionTimestamp_ms === null) manageReplicasOk = this.manageReplicas(filteredPods, rs, now_ms);
      status = calculateStatus(rs, filteredPods, now_ms);
    }
    // updateReplicaSetStatus: write only when something changed (each write wakes the
    // Deployment controller and this one).
    if (
      rs.status.replicas !== status.replicas ||
      rs.status.readyReplicas !== status.readyReplicas ||
      rs.status.availableReplicas !== status.availableReplicas
    ) {
      rs.status.replicas = status.replicas;
      rs.status.readyReplicas = status.readyReplicas;
      rs.status.availableReplicas = status.availableReplicas;
      this.store.update(rs);
    }
    const requeue_ms = minReadyRequeueAfter_ms(rs, status);
    if (manageReplicasOk && requeue_ms !== null) this.queue.addAfter(key, requeue_ms + this.config.minReadyRequeueSlack_ms);
    // processNextWorkItem: a failed sync (a refused create) is retried with the rate limiter's
    // backoff; a good one resets it.
    if (manageReplicasOk) this.queue.forget(key);
    else this.queue.addRateLimited(key);
  }

  /**
   * The sync's status counts from the controller-uid index's flag counts, when they say the
   * walk would change nothing: every active pod it controls is claimed (none to release), their
   * number is spec.replicas (nothing to create or delete) or the ReplicaSet is being deleted
   * (nothing is), and minReadySeconds is 0 (available is ready, with no clock in it). Null
   * otherwise: then the pods are walked. This keeps a sync O(1) while a ReplicaSet's pods start,
   * turn ready and run, instead of a walk over all of them at each of their changes.
   */
  private countsWithoutWalking(rs: ReplicaSet): ReplicaSetReadyCounts | null {
    if (rs.spec.minReadySeconds !== 0) return null;
    const counts = this.store.indexFlagCounts("Pod", CONTROLLER_UID_INDEX, rs.metadata.uid);
    const claimed = counts[POD_CLAIMED_BIT];
    if (counts[POD_ACTIVE_BIT] !== claimed) return null;
    if (rs.metadata.deletionTimestamp_ms === null && claimed !== rs.spec.replicas) return null;
    const ready = counts[POD_CLAIMED_READY_BIT];
    return { replicas: claimed, readyReplicas: ready, availableReplicas: ready };
  }

  /**
   * FilterActivePods over the pods the ReplicaSet controls, then ControllerRefManager.ClaimPods's
   * release half: an owned active pod whose labels no longer match the selector is orphaned (its
   * controller reference removed) and not counted. One pass over the index bucket, into a list
   * reused by every sync (read it before the next one; manageReplicas keeps none of it).
   */
  private claimActivePods(rs: ReplicaSet): readonly Pod[] {
    const claimed = this.claimed;
    claimed.length = 0;
    // Releasing a pod removes it from the bucket being walked, which a Set allows (the rest of
    // the walk is unchanged).
    for (const pod of this.store.byIndex<Pod>("Pod", CONTROLLER_UID_INDEX, rs.metadata.uid)) {
      if (!isPodActive(pod)) continue;
      if (labelSelectorMatches(rs.spec.selector, pod.metadata.labels)) {
        claimed.push(pod);
        continue;
      }
      pod.metadata.ownerReferences = pod.metadata.ownerReferences.filter((ref) => ref.uid !== rs.metadata.uid);
      this.store.update(pod);
    }
    return claimed;
  }

  // replica_set.go getIndirectlyRelatedPods: the pods of every ReplicaSet sharing this one's
  // controller (the Deployment's other revisions), used to rank deletions by node. An orphan
  // ReplicaSet has none (upstream logs an error and ranks every pod 0).
  private relatedPods(rs: ReplicaSet): Pod[] {
    const ref = controllerRefOf(rs.metadata);
    if (ref === null) return [];
    const out: Pod[] = [];
    for (const sibling of this.store.byIndex<ReplicaSet>("ReplicaSet", CONTROLLER_UID_INDEX, ref.uid)) {
      if (sibling.metadata.namespace !== rs.metadata.namespace) continue;
      for (const pod of this.store.byIndex<Pod>("Pod", CONTROLLER_UID_INDEX, sibling.metadata.uid)) out.push(pod);
    }
    return out;
  }

  /** replica_set.go manageReplicas with the writes; false when a create failed (upstream's error). */
  private manageReplicas(filteredPods: readonly Pod[], rs: ReplicaSet, now_ms: number): boolean {
    // Related pods only rank deletions; skip gathering them when nothing will be deleted.
    const related = filteredPods.length > rs.spec.replicas ? this.relatedPods(rs) : [];
    const decision = manageReplicas(filteredPods, rs, related, now_ms, {
      burstReplicas: this.config.burstReplicas,
      gates: this.config.gates,
    });
    if (decision.action === "create") {
      // slowStartBatch: batches of 1, 2, 4, ... calls; a batch with a failure ends the sync and
      // the skipped pods wait for the next one. In virtual time every batch completes at the same
      // instant; the structure is kept so a create-failure model (quota, admission) fits here.
      for (const batchSize of decision.batchSizes) {
        let failures = 0;
        for (let i = 0; i < batchSize; i++) if (!this.createPod(rs, now_ms)) failures++;
        if (failures > 0) return false;
      }
      return true;
    }
    if (decision.action === "delete") {
      for (const pod of decision.pods) this.deletePod(rs, pod, now_ms);
    }
    return true;
  }

  // controller_utils.go RealPodControl.CreatePods: GetPodFromTemplate (labels, annotations and a
  // deep copy of the spec; generateName "<rs>-"), the controller reference, the create, and the
  // SuccessfulCreate event, or the FailedCreate event of a refused create.
  private createPod(rs: ReplicaSet, now_ms: number): boolean {
    const template = rs.spec.template;
    const name = this.generateName(rs);
    try {
      this.store.create<Pod>({
        kind: "Pod",
        metadata: {
          name,
          namespace: rs.metadata.namespace,
          labels: { ...template.metadata.labels },
          annotations: { ...template.metadata.annotations },
          ownerReferences: [{ kind: this.gvk.kind, name: rs.metadata.name, uid: rs.metadata.uid, controller: true }],
        },
        // Each pod owns its containers, conditions and selectors: the kubelet and scheduler mutate
        // pods in place, which must never reach the template or a sibling.
        spec: structuredClone(template.spec),
        status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
      });
    } catch (e) {
      // Admission refused the pod (models/cluster/admission.ts: quota, LimitRange).
      if (!(e instanceof StoreError) || e.reason !== "Forbidden") throw e;
      this.events.emit(now_ms, this.gvk.component, this.gvk.kind, rs.metadata.name, "Warning", "FailedCreate", `Error creating: ${e.message}`);
      return false;
    }
    this.podsCreated++;
    this.events.emit(now_ms, this.gvk.component, this.gvk.kind, rs.metadata.name, "Normal", "SuccessfulCreate", `Created pod: ${name}`);
    return true;
  }

  // Drawn from the ReplicaSet's own stream so one ReplicaSet's pods never shift another's names.
  private generateName(rs: ReplicaSet): string {
    return generatePodName(this.store, this.nameStream(rs), rs.metadata.namespace, `${rs.metadata.name}-`);
  }

  private nameStream(rs: ReplicaSet): RandomStream {
    // ReplicaSets keep their historical stream names so existing runs do not change.
    const prefix = this.gvk.kind === "ReplicaSet" ? "replicaset" : "replicationcontroller";
    return this.sim.rng.stream(`${prefix}/${rs.metadata.namespace}/${rs.metadata.name}`);
  }

  // controller_utils.go RealPodControl.DeletePod and the SuccessfulDelete event.
  private deletePod(rs: ReplicaSet, pod: Pod, now_ms: number): void {
    deletePodGracefully(this.store, pod, now_ms);
    this.podsDeleted++;
    this.events.emit(now_ms, this.gvk.component, this.gvk.kind, rs.metadata.name, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
  }
}
