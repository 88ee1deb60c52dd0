/**
 * The VPA updater on the kernel: every --updater-interval, one RunOnce of kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/updater/logic/updater.go (VPA 1.8), reading only the store:
 *  1. The VPAs whose mode the updater processes (updaterModeDecision) and whose target exists.
 *  2. The live pods (no deletionTimestamp), each given to its controlling VPA
 *     (GetControllingVPAForPod, the admission controller's matcher).
 *  3. Per VPA: the eviction restriction of its pods' replica groups (GetCreatorMaps: a group
 *     with fewer live pods than --min-replicas or spec.updatePolicy.minReplicas is left alone;
 *     eviction tolerance int(replicas × --eviction-tolerance)); the evictable pods in update
 *     priority order (UpdatePriorityCalculator with the capping processor); then each, in order,
 *     evicted through the Eviction API while the restriction allows.
 * Every pod of a processed VPA gets one row in the decision log: its priority and why it was
 * evicted or not.
 *
 * InPlaceOrRecreate (updater.go's in-place path; inplace-restriction.ts): the pods the in-place
 * restriction approves (or sends to eviction because their resize failed or stalled) go through
 * the same priority order; each approved pod is resized through the pod resize subresource
 * (models/cluster/resize.ts) to the capped recommendation, limits in proportion
 * (NewResourceInPlaceUpdatesCalculator), annotated `vpaInPlaceUpdated: "true"`
 * (NewInPlaceUpdatedCalculator), with an InPlaceResizedByVPA event; a resize the API refuses
 * falls back to eviction. The kubelet then admits, defers or refuses it; a resize Infeasible or
 * in Error, Deferred over 5 minutes or in progress over an hour is evicted at a later loop
 * (CanEvictInPlacingPod). InPlace (alpha, without fallback) is not admitted by the loader.
 *
 * Not modelled: --eviction-rate-limit and --in-place-rate-limit (off by default),
 * --in-place-skip-disruption-budget (off by default), the CPU startup boost.
 */
import { Recorder, type Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { evictPod } from "../cluster/eviction.js";
import { resizePod } from "../cluster/resize.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod, ReplicaSet } from "../cluster/types.js";
import { getUpdateMode } from "./api.js";
import { controllingVpa } from "./admission-controller.js";
import { newCappingRecommendationProcessor, type RecommendationProcessor } from "./capping.js";
import { targetSelector, toPodResourceList, toVpaPod } from "./convert.js";
import { canEvict, evict, getCreatorMaps, type LastInPlaceAttemptTimes, type PodReplicaCreator, type PodsEvictionRestriction } from "./eviction-restriction.js";
import { canInPlaceUpdate, recordInPlaceUpdate } from "./inplace-restriction.js";
import { storeLimitRangeCalculator } from "./limit-range-calculator.js";
import { getContainersResourcesForPod } from "./recommendation-provider.js";
import { DEFAULT_VPA_CONFIG, vpaSpecView, type StoredVerticalPodAutoscaler, type VpaConfig } from "./object.js";
import { VPA_LOOP_PRIORITY } from "./recommender-controller.js";
import { addPod, getSortedPods, newUpdatePriorityCalculator, type PodPriority, type UpdatePriorityCalculator } from "./update-priority.js";
import type { LimitRangeCalculator } from "./capping.js";
import type { VpaPod, VpaSpecView } from "./types.js";
import { updaterModeDecision } from "./updater.js";

export const VPA_UPDATER_COMPONENT = "vpa-updater";

/** annotations.VpaInPlaceUpdatedLabel: set on a pod the updater resized in place. */
export const VPA_IN_PLACE_UPDATED_ANNOTATION = "vpaInPlaceUpdated";

/** What the decision log says of one pod this loop. */
interface PodDecision {
  priority: PodPriority | null;
  decision: "queued" | "kept" | "evicted" | "resized";
  reason: string;
}

export const VPA_DECISION_COLUMNS = ["time_s", "vpa", "pod", "update_mode", "outside_range", "scale_up", "resource_diff", "decision", "reason"] as const;

export class VpaUpdater {
  readonly decisions = new Recorder(VPA_DECISION_COLUMNS);
  private readonly processor: RecommendationProcessor;
  private readonly limitRanges: LimitRangeCalculator;
  /** The restriction factory's lastInPlaceAttemptTimeMap, kept across loops. */
  private readonly lastInPlaceAttempts: LastInPlaceAttemptTimes = new Map();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly config: Readonly<VpaConfig> = DEFAULT_VPA_CONFIG,
  ) {
    this.limitRanges = storeLimitRangeCalculator(store);
    this.processor = newCappingRecommendationProcessor(this.limitRanges);
    sim.every(config.updaterInterval_ms, (now_ms) => this.runOnce(now_ms), { phase_ms: config.updaterPhase_ms, priority: VPA_LOOP_PRIORITY });
  }

  /** getReplicaCount: the creator's spec.replicas. */
  private replicaCount = (creator: PodReplicaCreator): number | null => {
    const owner = this.store.get<ReplicaSet>(creator.kind, creator.namespace, creator.name);
    return owner === undefined ? null : owner.spec.replicas;
  };

  private record(now_ms: number, vpa: StoredVerticalPodAutoscaler, pod: Pod, priority: PodPriority | null, decision: string, reason: string): void {
    this.decisions.add([
      now_ms / 1000,
      vpa.metadata.name,
      pod.metadata.name,
      getUpdateMode(vpaSpecView(vpa)),
      priority === null ? "" : String(priority.outsideRecommendedRange),
      priority === null ? "" : String(priority.scaleUp),
      priority === null ? "" : Math.round(priority.resourceDiff * 1e6) / 1e6,
      decision,
      reason,
    ]);
  }

  runOnce(now_ms: number): void {
    const vpas = this.store
      .list<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler")
      .filter((vpa) => updaterModeDecision(vpaSpecView(vpa), { inPlace: false }).processed && targetSelector(this.store, vpa) !== null);
    if (vpas.length === 0) return;
    const controlled = new Map<StoredVerticalPodAutoscaler, Pod[]>(vpas.map((v) => [v, []]));
    for (const pod of this.store.list<Pod>("Pod")) {
      if (pod.metadata.deletionTimestamp_ms !== null) continue;
      const owner = pod.metadata.ownerReferences.find((r) => r.controller);
      const vpa = controllingVpa(this.store, pod.metadata.namespace, pod.metadata.labels, owner);
      if (vpa !== null) controlled.get(vpa)?.push(pod);
    }
    for (const [vpa, livePods] of controlled) {
      if (livePods.length === 0) continue;
      const view = vpaSpecView(vpa);
      const vpaPods = livePods.map((p) => toVpaPod(p));
      const restriction = getCreatorMaps(
        vpaPods,
        view,
        { minReplicas: this.config.minReplicas, evictionToleranceFraction: this.config.evictionTolerance, inPlaceSkipDisruptionBudget: false },
        this.replicaCount,
        { lastAttempts: this.lastInPlaceAttempts, now_ms },
      );
      const calc = newUpdatePriorityCalculator(view, {
        minChangePriority: this.config.podUpdateThreshold,
        podLifetimeUpdateThreshold_ms: this.config.podLifetimeUpdateThreshold_ms,
        evictAfterOOMThreshold_ms: this.config.evictAfterOomThreshold_ms,
      }, this.processor);
      const byUid = new Map(livePods.map((p) => [p.metadata.uid, p]));
      const decisions = new Map<string, PodDecision>();
      const inPlace = updaterModeDecision(view, { inPlace: false }).path === "inPlace";
      const podsForEviction = inPlace
        ? this.updateInPlace(now_ms, vpa, view, vpaPods, restriction, calc, byUid, decisions)
        : this.evictable(now_ms, view, vpaPods, restriction, calc, decisions);
      for (const vpaPod of podsForEviction) {
        const entry = decisions.get(vpaPod.uid)!;
        const pod = byUid.get(vpaPod.uid)!;
        const refused = evict(restriction, vpaPod);
        if (refused !== null) {
          decisions.set(vpaPod.uid, { ...entry, decision: "kept", reason: "eviction budget exhausted (eviction tolerance)" });
          continue;
        }
        const result = evictPod(this.store, pod, now_ms);
        if (!result.evicted) {
          decisions.set(vpaPod.uid, { ...entry, decision: "kept", reason: `eviction refused: ${result.message}` });
          continue;
        }
        decisions.set(vpaPod.uid, { ...entry, decision: "evicted", reason: entry.reason === "" ? this.whyQueued(now_ms, pod, entry.priority!) : entry.reason });
        this.events.emit(now_ms, VPA_UPDATER_COMPONENT, "Pod", pod.metadata.name, "Normal", "EvictedByVPA", "Pod was evicted by VPA Updater to apply resource recommendation.");
        this.events.emit(now_ms, VPA_UPDATER_COMPONENT, "VerticalPodAutoscaler", vpa.metadata.name, "Normal", "EvictedPod", `VPA Updater evicted Pod ${pod.metadata.name} to apply resource recommendation.`);
      }
      for (const pod of livePods) {
        const d = decisions.get(pod.metadata.uid)!;
        this.record(now_ms, vpa, pod, d.priority, d.decision === "queued" ? "kept" : d.decision, d.reason);
      }
    }
  }

  /** AddPod queued a pod for one of three reasons: outside the bounds, a quick OOM, or old enough with a large change. */
  private whyQueued(now_ms: number, pod: Pod, priority: PodPriority): string {
    const young = pod.status.startTime_ms === null || now_ms < pod.status.startTime_ms + this.config.podLifetimeUpdateThreshold_ms;
    return priority.outsideRecommendedRange
      ? "requests outside the recommended range"
      : young
        ? "a container was OOM-killed within evict-after-oom-threshold of its start"
        : "requests differ from the target by more than pod-update-threshold";
  }

  /** AddPod for one pod: queued in the calculator, or kept with the reason it was skipped. */
  private prioritize(now_ms: number, view: VpaSpecView, vpaPod: VpaPod, calc: UpdatePriorityCalculator, decisions: Map<string, PodDecision>): void {
    const skip = addPod(calc, vpaPod, now_ms, new Map());
    const queued = calc.pods.find((p) => p.pod === vpaPod);
    decisions.set(
      vpaPod.uid,
      skip === null
        ? { priority: queued!.priority, decision: "queued", reason: "" }
        : { priority: calc.priorityProcessor(vpaPod, this.processor(view, vpaPod).recommendation ?? null), decision: "kept", reason: skip },
    );
  }

  /** Recreate and Auto: filterNonEvictablePods, then the evictable pods in priority order. */
  private evictable(now_ms: number, view: VpaSpecView, vpaPods: VpaPod[], restriction: PodsEvictionRestriction, calc: UpdatePriorityCalculator, decisions: Map<string, PodDecision>): VpaPod[] {
    for (const vpaPod of vpaPods) {
      if (!canEvict(restriction, vpaPod)) {
        const grouped = restriction.podToReplicaCreatorMap.has(`${vpaPod.namespace}/${vpaPod.name}`);
        decisions.set(vpaPod.uid, { priority: null, decision: "kept", reason: grouped ? "eviction budget exhausted (eviction tolerance)" : "fewer live replicas than min-replicas" });
        continue;
      }
      this.prioritize(now_ms, view, vpaPod, calc, decisions);
    }
    return getSortedPods(calc, () => true);
  }

  /**
   * InPlaceOrRecreate: filterNonInPlaceUpdatablePods, the pods in priority order, then each
   * resized in place, deferred, or (its resize failed or stalled, or the API refused it) returned
   * for eviction.
   */
  private updateInPlace(
    now_ms: number,
    vpa: StoredVerticalPodAutoscaler,
    view: VpaSpecView,
    vpaPods: VpaPod[],
    restriction: PodsEvictionRestriction,
    calc: UpdatePriorityCalculator,
    byUid: Map<string, Pod>,
    decisions: Map<string, PodDecision>,
  ): VpaPod[] {
    const hasRecommendation = view.recommendation !== null;
    for (const vpaPod of vpaPods) {
      const check = canInPlaceUpdate(restriction, vpaPod, hasRecommendation, this.lastInPlaceAttempts, now_ms);
      if (check.decision === "InPlaceDeferred") {
        decisions.set(vpaPod.uid, { priority: null, decision: "kept", reason: `in-place update deferred: ${check.reason}` });
        continue;
      }
      this.prioritize(now_ms, view, vpaPod, calc, decisions);
    }
    const podsForEviction: VpaPod[] = [];
    for (const vpaPod of getSortedPods(calc, () => true)) {
      const entry = decisions.get(vpaPod.uid)!;
      const check = canInPlaceUpdate(restriction, vpaPod, hasRecommendation, this.lastInPlaceAttempts, now_ms);
      if (check.decision === "InPlaceDeferred") {
        decisions.set(vpaPod.uid, { ...entry, decision: "kept", reason: `in-place update deferred: ${check.reason}` });
        continue;
      }
      if (check.decision === "InPlaceEvict") {
        decisions.set(vpaPod.uid, { ...entry, reason: `${this.whyQueued(now_ms, byUid.get(vpaPod.uid)!, entry.priority!)}; ${check.reason}` });
        podsForEviction.push(vpaPod);
        continue;
      }
      const pod = byUid.get(vpaPod.uid)!;
      const failure = this.inPlaceUpdate(now_ms, vpa, view, vpaPod, pod);
      if (failure !== null) {
        decisions.set(vpaPod.uid, { ...entry, reason: `${this.whyQueued(now_ms, pod, entry.priority!)}; in-place resize failed, falling back to eviction: ${failure}` });
        podsForEviction.push(vpaPod);
        continue;
      }
      recordInPlaceUpdate(restriction, vpaPod);
      decisions.set(vpaPod.uid, { ...entry, decision: "resized", reason: this.whyQueued(now_ms, pod, entry.priority!) });
    }
    return podsForEviction;
  }

  /**
   * PodsInPlaceRestrictionImpl.InPlaceUpdate: the resize patch (the capped recommendation, limits
   * in proportion) through the resize subresource, then the vpaInPlaceUpdated annotation and the
   * event. Returns the error that sends the pod to eviction instead, or null.
   */
  private inPlaceUpdate(now_ms: number, vpa: StoredVerticalPodAutoscaler, view: VpaSpecView, vpaPod: VpaPod, pod: Pod): string | null {
    const resources = getContainersResourcesForPod(vpaPod, view, this.processor, this.limitRanges);
    if (resources.error !== null) return `failed to calculate resource patch for pod ${pod.metadata.namespace}/${pod.metadata.name}: ${resources.error}`;
    const resizes = resources.containers
      .map((r, i) => ({ name: pod.spec.containers[i].name, requests: toPodResourceList(r.requests), limits: toPodResourceList(r.limits) }))
      .filter((r) => Object.keys(r.requests).length > 0 || Object.keys(r.limits).length > 0);
    if (resizes.length === 0) return "no resource patches were calculated to apply";
    const result = resizePod(this.store, pod, resizes);
    if (!result.resized) return result.message;
    pod.metadata.annotations = { ...pod.metadata.annotations, [VPA_IN_PLACE_UPDATED_ANNOTATION]: "true" };
    this.store.update(pod);
    this.events.emit(now_ms, VPA_UPDATER_COMPONENT, "Pod", pod.metadata.name, "Normal", "InPlaceResizedByVPA", "Pod was resized in place by VPA Updater.");
    return null;
  }
}
