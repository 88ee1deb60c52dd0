/**
 * The Deployment controller on the kernel: pkg/controller/deployment/deployment_controller.go
 * (event handlers, syncDeployment, getReplicaSetsForDeployment, getPodMapForDeployment),
 * sync.go (sync, syncStatusOnly, getAllReplicaSetsAndSyncRevision, getNewReplicaSet,
 * scaleReplicaSet, cleanupDeployment, syncDeploymentStatus, isScalingEvent,
 * checkPausedConditions), rolling.go rolloutRolling, recreate.go rolloutRecreate and progress.go
 * syncRolloutStatus / requeueStuckDeployment, around the pure decisions of this folder.
 *
 * The pure functions return ScaleActions; this controller applies each to the stored ReplicaSet
 * in place (applyScaleAction + store.update) and records upstream's ScalingReplicaSet event.
 *
 * Differences from upstream, and why:
 * - ReplicaSets are found through the store's controller-uid index (ClaimReplicaSets' adoption
 *   of orphans is not modelled), pods likewise: a sync costs O(this Deployment's objects).
 * - The API server's generation bump on a spec change has no counterpart in the store; whoever
 *   writes a Deployment's spec (tests, the HPA's scale subresource) calls updateDeploymentSpec.
 * - Rollback (spec.rollbackTo, long removed from apps/v1), hash-collision handling
 *   (collisionCount) and the ReplicaFailure condition are not modelled; deleting a Deployment
 *   does not garbage-collect its ReplicaSets (there is no garbage collector yet).
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { labelSelectorIsEmpty } from "../cluster/labels.js";
import { objectKey, StoreError, type ClusterStore, type WatchEventType } from "../cluster/store.js";
import type { Deployment, DeploymentCondition, OwnerReference, Pod, PodTemplateSpec, ReplicaSet } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { CONTROLLER_UID_INDEX, controllerRefOf, ensureControllerIndex, listControlledBy } from "../replicaset/controller.js";
import { equalIgnoreHash, findNewReplicaSet, newReplicaSetFor, syncExistingNewReplicaSet, templateIdentity } from "./new-replicaset.js";
import { requeueStuckDeployment_ms, syncRolloutStatus } from "./progress.js";
import { oldPodsRunning, scaleDownOldReplicaSetsForRecreate, scaleUpNewReplicaSetForRecreate } from "./recreate.js";
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from "./rolling.js";
import { filterActiveReplicaSets } from "./rs-sort.js";
import { applyScaleAction, type ScaleAction } from "./scale-action.js";
import { calculateStatus, checkPausedConditions, cleanupDeployment, isScalingEvent, scale } from "./sync.js";
import { deploymentComplete, RevisionAnnotation, type DeploymentStatus } from "./util.js";
import { ControllerRateLimiter, DEFAULT_CONTROLLER_RATE_LIMITER, type RateLimiterConfig } from "../cluster/rate-limiter.js";

/** The component name on the events this controller records (upstream's event source). */
export const DEPLOYMENT_COMPONENT = "deployment-controller";

export interface DeploymentControllerConfig {
  /**
   * The queue's rate limiter (client-go DefaultControllerRateLimiter), which
   * requeueStuckDeployment's "less than a second left" case goes through (AddRateLimited). A
   * successful sync Forgets the key, so the per-item backoff stays at its 5 ms base; the shared
   * 10 qps bucket (burst 100) is what spaces out the requeues of a Deployment scaled long after
   * its rollout completed (its Progressing condition is older than the deadline) while it waits
   * for the new pods to become available: upstream resyncs it at the bucket's pace, not every 5 ms.
   */
  rateLimiter: Readonly<RateLimiterConfig>;
}

export const DEFAULT_DEPLOYMENT_CONTROLLER_CONFIG: Readonly<DeploymentControllerConfig> = Object.freeze({
  rateLimiter: DEFAULT_CONTROLLER_RATE_LIMITER,
});

/**
 * Writes a changed Deployment spec as the API server would: bump metadata.generation (the
 * controller reports observedGeneration against it, and a rollout is complete only once the
 * current generation is observed), then store the object. Used for template changes, pauses and
 * scale-subresource writes alike. Every spec edit must go through here: the controller also
 * caches the template's identity per generation, so a template edited in place and written
 * with a plain store.update is not seen as a new template.
 */
export function updateDeploymentSpec(store: ClusterStore, deployment: Deployment): Deployment {
  deployment.metadata.generation++;
  return store.update(deployment);
}

function splitKey(key: string): [string, string] {
  const slash = key.indexOf("/");
  return slash < 0 ? ["", key] : [key.slice(0, slash), key.slice(slash + 1)];
}

function conditionsEqual(a: readonly DeploymentCondition[], b: readonly DeploymentCondition[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (
      x.type !== y.type ||
      x.status !== y.status ||
      x.reason !== y.reason ||
      x.message !== y.message ||
      x.lastUpdateTime_ms !== y.lastUpdateTime_ms ||
      x.lastTransitionTime_ms !== y.lastTransitionTime_ms
    ) {
      return false;
    }
  }
  return true;
}

// reflect.DeepEqual(d.Status, newStatus) over the fields kubesim models.
export function deploymentStatusEqual(a: DeploymentStatus, b: DeploymentStatus): boolean {
  return (
    a.observedGeneration === b.observedGeneration &&
    a.replicas === b.replicas &&
    a.updatedReplicas === b.updatedReplicas &&
    a.readyReplicas === b.readyReplicas &&
    a.availableReplicas === b.availableReplicas &&
    a.unavailableReplicas === b.unavailableReplicas &&
    conditionsEqual(a.conditions, b.conditions)
  );
}

export class DeploymentController {
  readonly queue: WorkQueue;
  /** syncDeployment calls that found their Deployment (for benchmarks and tests). */
  syncs = 0;
  /**
   * Template identities (EqualIgnoreHash's canonical JSON), cached because every sync compares
   * templates several times and serializing them dominated the controller's profile:
   * - a Deployment's while its generation and template object are unchanged: the template is
   *   spec, and spec edits go through updateDeploymentSpec, which bumps generation as the API
   *   server does (its resourceVersion, by contrast, moves with every status write);
   * - a ReplicaSet's per template object: a ReplicaSet's template is fixed at creation (this
   *   controller makes a new ReplicaSet for each template and writes only replicas, annotations
   *   and minReadySeconds), whereas its resourceVersion moves with every status write.
   *   Replacing rs.spec.template with a new object is seen; editing it in place is not.
   */
  private readonly deploymentIdentities = new WeakMap<Deployment, { generation: number; template: PodTemplateSpec; identity: string }>();
  private readonly replicaSetTemplateIdentities = new WeakMap<PodTemplateSpec, string>();

  constructor(
    sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    config: Readonly<DeploymentControllerConfig> = DEFAULT_DEPLOYMENT_CONTROLLER_CONFIG,
  ) {
    ensureControllerIndex(store, "ReplicaSet");
    ensureControllerIndex(store, "Pod");
    // processNextWorkItem: sync, then handleErr, which Forgets the key (syncs do not fail here).
    this.queue = new WorkQueue(sim, (key, now_ms) => {
      this.syncDeployment(key, now_ms);
      this.queue.forget(key);
    }, 0, new ControllerRateLimiter(config.rateLimiter));
    // addDeployment / updateDeployment / deleteDeployment: every change enqueues (a sync of a
    // deleted Deployment is a no-op).
    store.watch<Deployment>("Deployment", (_type, d) => this.queue.add(objectKey(d.metadata.namespace, d.metadata.name)));
    // addReplicaSet / updateReplicaSet / deleteReplicaSet: wake the owning Deployment.
    store.watch<ReplicaSet>("ReplicaSet", (_type, rs) => {
      const d = this.resolveControllerRef(rs.metadata.namespace, controllerRefOf(rs.metadata));
      if (d !== null) this.queue.add(objectKey(d.metadata.namespace, d.metadata.name));
    });
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  // deployment_controller.go resolveControllerRef.
  private resolveControllerRef(namespace: string, ref: OwnerReference | null): Deployment | null {
    if (ref === null || ref.kind !== "Deployment") return null;
    const d = this.store.get<Deployment>("Deployment", namespace, ref.name);
    return d !== undefined && d.metadata.uid === ref.uid ? d : null;
  }

  // deployment_controller.go deletePod: a Recreate Deployment waits for its old pods to be gone,
  // so the last pod's deletion wakes it. (Upstream has no add/update pod handlers.)
  private onPod(type: WatchEventType, pod: Pod): void {
    if (type !== "DELETED") return;
    const ref = controllerRefOf(pod.metadata);
    if (ref === null || ref.kind !== "ReplicaSet") return;
    const rs = this.store.get<ReplicaSet>("ReplicaSet", pod.metadata.namespace, ref.name);
    if (rs === undefined || rs.metadata.uid !== ref.uid) return;
    const d = this.resolveControllerRef(rs.metadata.namespace, controllerRefOf(rs.metadata));
    if (d === null || d.spec.strategy.type !== "Recreate") return;
    for (const owned of this.getReplicaSetsForDeployment(d)) {
      if (this.store.byIndex<Pod>("Pod", CONTROLLER_UID_INDEX, owned.metadata.uid).size > 0) return;
    }
    this.queue.add(objectKey(d.metadata.namespace, d.metadata.name));
  }

  /** deployment_controller.go syncDeployment. */
  syncDeployment(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const d = this.store.get<Deployment>("Deployment", namespace, name);
    if (d === undefined) return;
    this.syncs++;
    // Every rollout-complete check compares observedGeneration with generation; a Deployment
    // created without one (the API server sets 1) would never complete.
    if (!Number.isSafeInteger(d.metadata.generation)) {
      throw new Error(`Deployment ${key} has no metadata.generation (create it with generation: 1)`);
    }

    if (labelSelectorIsEmpty(d.spec.selector)) {
      this.events.emit(now_ms, DEPLOYMENT_COMPONENT, "Deployment", d.metadata.name, "Warning", "SelectingAll",
        "This deployment is selecting all pods. A non-empty selector is required.");
      if (d.status.observedGeneration < d.metadata.generation) {
        d.status.observedGeneration = d.metadata.generation;
        this.store.update(d);
      }
      return;
    }

    const rsList = this.getReplicaSetsForDeployment(d);
    if (d.metadata.deletionTimestamp_ms !== null) {
      this.syncStatusOnly(d, rsList, now_ms);
      return;
    }
    this.checkPausedConditions(d, now_ms);
    if (d.spec.paused) {
      this.sync(d, rsList, now_ms);
      return;
    }
    if (this.isScalingEvent(d, rsList, now_ms)) {
      this.sync(d, rsList, now_ms);
      return;
    }
    if (d.spec.strategy.type === "Recreate") this.rolloutRecreate(d, rsList, now_ms);
    else this.rolloutRolling(d, rsList, now_ms);
  }

  // deployment_controller.go getReplicaSetsForDeployment (owned ReplicaSets only).
  private getReplicaSetsForDeployment(d: Deployment): ReplicaSet[] {
    const out: ReplicaSet[] = [];
    for (const rs of this.store.byIndex<ReplicaSet>("ReplicaSet", CONTROLLER_UID_INDEX, d.metadata.uid)) {
      if (rs.metadata.namespace === d.metadata.namespace) out.push(rs);
    }
    return out;
  }

  // deployment_controller.go getPodMapForDeployment: every ReplicaSet's pods by its uid (an
  // entry, possibly empty, for each ReplicaSet).
  private getPodMapForDeployment(rsList: readonly ReplicaSet[]): Map<string, Pod[]> {
    const podMap = new Map<string, Pod[]>();
    for (const rs of rsList) podMap.set(rs.metadata.uid, listControlledBy<Pod>(this.store, "Pod", rs.metadata.uid));
    return podMap;
  }

  // sync.go checkPausedConditions.
  private checkPausedConditions(d: Deployment, now_ms: number): void {
    const conditions = checkPausedConditions(d, now_ms);
    if (conditions === null) return;
    d.status.conditions = conditions;
    this.store.update(d);
  }

  // sync.go isScalingEvent (after getAllReplicaSetsAndSyncRevision without creating).
  private isScalingEvent(d: Deployment, rsList: readonly ReplicaSet[], now_ms: number): boolean {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false, now_ms);
    return isScalingEvent(d, newRS, oldRSs);
  }

  private templateIdentityOf = (object: Deployment | ReplicaSet): string => {
    if (object.kind === "ReplicaSet") {
      let identity = this.replicaSetTemplateIdentities.get(object.spec.template);
      if (identity === undefined) {
        identity = templateIdentity(object.spec.template);
        this.replicaSetTemplateIdentities.set(object.spec.template, identity);
      }
      return identity;
    }
    const cached = this.deploymentIdentities.get(object);
    if (cached !== undefined && cached.generation === object.metadata.generation && cached.template === object.spec.template) {
      return cached.identity;
    }
    const identity = templateIdentity(object.spec.template);
    this.deploymentIdentities.set(object, { generation: object.metadata.generation, template: object.spec.template, identity });
    return identity;
  };

  // sync.go getAllReplicaSetsAndSyncRevision, with FindOldReplicaSets' allRSs (every ReplicaSet
  // but the new one, in list order) taken from the same FindNewReplicaSet result.
  private getAllReplicaSetsAndSyncRevision(
    d: Deployment,
    rsList: readonly ReplicaSet[],
    createIfNotExisted: boolean,
    now_ms: number,
  ): { newRS: ReplicaSet | null; oldRSs: ReplicaSet[] } {
    const existing = findNewReplicaSet(d, rsList, this.templateIdentityOf);
    const oldRSs = rsList.filter((rs) => rs !== existing);
    const newRS = this.getNewReplicaSet(d, existing, oldRSs, createIfNotExisted, now_ms);
    return { newRS, oldRSs };
  }

  // sync.go getNewReplicaSet (`existing` is FindNewReplicaSet's answer).
  private getNewReplicaSet(
    d: Deployment,
    existing: ReplicaSet | null,
    oldRSs: readonly ReplicaSet[],
    createIfNotExisted: boolean,
    now_ms: number,
  ): ReplicaSet | null {
    if (existing !== null) {
      const r = syncExistingNewReplicaSet(d, existing, oldRSs, now_ms);
      if (r.kind === "updateReplicaSet") {
        // Upstream returns right after this update; the Deployment's revision follows next sync.
        existing.metadata.annotations = r.replicaSet.metadata.annotations;
        existing.spec.minReadySeconds = r.replicaSet.spec.minReadySeconds;
        this.store.update(existing);
        return existing;
      }
      let needsUpdate = false;
      if (r.deploymentRevision !== null) {
        d.metadata.annotations = { ...d.metadata.annotations, [RevisionAnnotation]: r.deploymentRevision };
        needsUpdate = true;
      }
      if (r.conditions !== null) {
        d.status.conditions = r.conditions;
        needsUpdate = true;
      }
      if (needsUpdate) this.store.update(d);
      return existing;
    }
    if (!createIfNotExisted) return null;

    const { replicaSet, deploymentRevision, conditions } = newReplicaSetFor(d, oldRSs, now_ms);
    let created: ReplicaSet;
    let alreadyExists = false;
    try {
      // A deep copy: the draft shares the Deployment's template spec, which later edits of the
      // Deployment must not reach.
      created = this.store.create<ReplicaSet>(structuredClone(replicaSet));
    } catch (err) {
      if (!(err instanceof StoreError) || err.reason !== "AlreadyExists") throw err;
      // Upstream: an existing ReplicaSet of that name that this Deployment controls with the
      // same template is the new ReplicaSet (an informer lag); anything else is a hash collision.
      const found = this.store.get<ReplicaSet>("ReplicaSet", d.metadata.namespace, replicaSet.metadata.name)!;
      const ref = controllerRefOf(found.metadata);
      if (ref === null || ref.uid !== d.metadata.uid || !equalIgnoreHash(found.spec.template, d.spec.template)) {
        throw new Error(`ReplicaSet ${replicaSet.metadata.name} exists with another template: hash collisions are not modelled`);
      }
      created = found;
      alreadyExists = true;
    }
    if (!alreadyExists && created.spec.replicas > 0) {
      this.events.emit(now_ms, DEPLOYMENT_COMPONENT, "Deployment", d.metadata.name, "Normal", "ScalingReplicaSet",
        `Scaled up replica set ${created.metadata.name} to ${created.spec.replicas}`);
    }
    let needsUpdate = false;
    if (d.metadata.annotations[RevisionAnnotation] !== deploymentRevision) {
      d.metadata.annotations = { ...d.metadata.annotations, [RevisionAnnotation]: deploymentRevision };
      needsUpdate = true;
    }
    if (!alreadyExists && conditions !== null) {
      d.status.conditions = conditions;
      needsUpdate = true;
    }
    if (needsUpdate) this.store.update(d);
    return created;
  }

  // sync.go scaleReplicaSet's write and event, for each action in order.
  private applyScaleActions(d: Deployment, actions: readonly ScaleAction[], now_ms: number): void {
    for (const action of actions) {
      const rs = this.store.get<ReplicaSet>("ReplicaSet", d.metadata.namespace, action.replicaSetName);
      if (rs === undefined || rs.metadata.uid !== action.replicaSetUid) {
        throw new Error(`scale action for ReplicaSet ${action.replicaSetName}, which is gone`);
      }
      if (rs.spec.replicas !== action.oldReplicas) {
        throw new Error(`scale action for ${action.replicaSetName} expects ${action.oldReplicas} replicas, found ${rs.spec.replicas}`);
      }
      const updated = applyScaleAction(rs, action);
      rs.metadata.annotations = updated.metadata.annotations;
      rs.spec.replicas = updated.spec.replicas;
      this.store.update(rs);
      if (action.scaled) {
        this.events.emit(now_ms, DEPLOYMENT_COMPONENT, "Deployment", d.metadata.name, "Normal", "ScalingReplicaSet",
          `Scaled ${action.scalingOperation} replica set ${action.replicaSetName} to ${action.newReplicas} from ${action.oldReplicas}`);
      }
    }
  }

  // sync.go sync: a resize (or a paused Deployment): scale, clean up when paused, status.
  private sync(d: Deployment, rsList: readonly ReplicaSet[], now_ms: number): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false, now_ms);
    this.applyScaleActions(d, scale(d, newRS, oldRSs), now_ms);
    if (d.spec.paused) this.cleanupDeployment(oldRSs, d);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, d, now_ms);
  }

  // sync.go syncStatusOnly.
  private syncStatusOnly(d: Deployment, rsList: readonly ReplicaSet[], now_ms: number): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false, now_ms);
    this.syncDeploymentStatus([...oldRSs, newRS], newRS, d, now_ms);
  }

  // rolling.go rolloutRolling.
  private rolloutRolling(d: Deployment, rsList: readonly ReplicaSet[], now_ms: number): void {
    const { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, true, now_ms);
    if (newRS === null) throw new Error(`Deployment ${d.metadata.name}: no new ReplicaSet after create`);
    const allRSs = [...oldRSs, newRS];

    // Scale up, if we can.
    const up = reconcileNewReplicaSet(allRSs, newRS, d);
    this.applyScaleActions(d, up.actions, now_ms);
    if (up.scaled) {
      this.syncRolloutStatus(allRSs, newRS, d, now_ms);
      return;
    }
    // Scale down, if we can.
    const down = reconcileOldReplicaSets(allRSs, filterActiveReplicaSets(oldRSs), newRS, d);
    this.applyScaleActions(d, down.actions, now_ms);
    if (down.scaled) {
      this.syncRolloutStatus(allRSs, newRS, d, now_ms);
      return;
    }
    if (deploymentComplete(d, d.status)) this.cleanupDeployment(oldRSs, d);
    this.syncRolloutStatus(allRSs, newRS, d, now_ms);
  }

  // recreate.go rolloutRecreate: old ReplicaSets to zero, wait until none of their pods runs,
  // then create (or find) the new ReplicaSet and scale it up.
  private rolloutRecreate(d: Deployment, rsList: readonly ReplicaSet[], now_ms: number): void {
    let { newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, false, now_ms);
    let allRSs: (ReplicaSet | null)[] = [...oldRSs, newRS];

    const down = scaleDownOldReplicaSetsForRecreate(filterActiveReplicaSets(oldRSs), d);
    this.applyScaleActions(d, down.actions, now_ms);
    if (down.scaled) {
      this.syncRolloutStatus(allRSs, newRS, d, now_ms);
      return;
    }
    // Do not create the new ReplicaSet while old pods are running.
    if (oldPodsRunning(newRS, oldRSs, this.getPodMapForDeployment(rsList))) {
      this.syncRolloutStatus(allRSs, newRS, d, now_ms);
      return;
    }
    if (newRS === null) {
      ({ newRS, oldRSs } = this.getAllReplicaSetsAndSyncRevision(d, rsList, true, now_ms));
      allRSs = [...oldRSs, newRS];
    }
    if (newRS === null) throw new Error(`Deployment ${d.metadata.name}: no new ReplicaSet after create`);
    this.applyScaleActions(d, scaleUpNewReplicaSetForRecreate(newRS, d).actions, now_ms);
    if (deploymentComplete(d, d.status)) this.cleanupDeployment(oldRSs, d);
    this.syncRolloutStatus(allRSs, newRS, d, now_ms);
  }

  // sync.go cleanupDeployment: delete the oldest empty ReplicaSets beyond revisionHistoryLimit.
  private cleanupDeployment(oldRSs: readonly ReplicaSet[], d: Deployment): void {
    for (const name of cleanupDeployment(oldRSs, d)) this.store.delete("ReplicaSet", d.metadata.namespace, name);
  }

  // sync.go syncDeploymentStatus: write the status if it changed.
  private syncDeploymentStatus(allRSs: readonly (ReplicaSet | null)[], newRS: ReplicaSet | null, d: Deployment, now_ms: number): void {
    const newStatus = calculateStatus(allRSs, newRS, d, now_ms);
    if (deploymentStatusEqual(d.status, newStatus)) return;
    d.status = newStatus;
    this.store.update(d);
  }

  // progress.go syncRolloutStatus: write the status with the Progressing condition, or, when
  // nothing changed, come back when the progress deadline would pass (requeueStuckDeployment).
  private syncRolloutStatus(allRSs: readonly (ReplicaSet | null)[], newRS: ReplicaSet | null, d: Deployment, now_ms: number): void {
    const newStatus = syncRolloutStatus(allRSs, newRS, d, now_ms);
    if (deploymentStatusEqual(d.status, newStatus)) {
      const after_ms = requeueStuckDeployment_ms(d, newStatus, now_ms);
      if (after_ms !== null) {
        const key = objectKey(d.metadata.namespace, d.metadata.name);
        if (after_ms === 0) this.queue.addRateLimited(key);
        else this.queue.addAfter(key, after_ms);
      }
      return;
    }
    d.status = newStatus;
    this.store.update(d);
  }
}
