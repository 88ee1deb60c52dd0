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
 * InPlaceOrRecreate: kubesim's runtime has no in-place resize (no resize subresource, no
 * resize status), so every in-place update would be infeasible; upstream then falls back to
 * eviction (updater.go: an InPlaceOrRecreate pod that cannot be resized in place is evicted),
 * which is what the updater does here, saying so in the decision row. InPlace (alpha, without
 * fallback) is not admitted by the loader.
 *
 * Not modelled: --eviction-rate-limit (off by default), the in-place bookkeeping and the
 * infeasible-attempt memory that only in-place resizes fill.
 */
import { Recorder, type Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { evictPod } from "../cluster/eviction.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod, ReplicaSet } from "../cluster/types.js";
import { getUpdateMode } from "./api.js";
import { controllingVpa } from "./admission-controller.js";
import { newCappingRecommendationProcessor, type RecommendationProcessor } from "./capping.js";
import { targetSelector, toVpaPod } from "./convert.js";
import { canEvict, evict, getCreatorMaps, type PodReplicaCreator } from "./eviction-restriction.js";
import { storeLimitRangeCalculator } from "./limit-range-calculator.js";
import { DEFAULT_VPA_CONFIG, vpaSpecView, type StoredVerticalPodAutoscaler, type VpaConfig } from "./object.js";
import { VPA_LOOP_PRIORITY } from "./recommender-controller.js";
import { addPod, getSortedPods, newUpdatePriorityCalculator, type PodPriority } from "./update-priority.js";
import { updaterModeDecision } from "./updater.js";

export const VPA_UPDATER_COMPONENT = "vpa-updater";

export const VPA_DECISION_COLUMNS = ["time_s", "vpa", "pod", "update_mode", "outside_range", "scale_up", "resource_diff", "decision", "reason"] as const;

export class VpaUpdater {
  readonly decisions = new Recorder(VPA_DECISION_COLUMNS);
  private readonly processor: RecommendationProcessor;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly config: Readonly<VpaConfig> = DEFAULT_VPA_CONFIG,
  ) {
    this.processor = newCappingRecommendationProcessor(storeLimitRangeCalculator(store));
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
      const path = updaterModeDecision(view, { inPlace: false }).path;
      const fallback = path === "inPlace" ? "in-place resize is not modelled; falling back to eviction as for an infeasible resize" : "";
      const vpaPods = livePods.map((p) => toVpaPod(p));
      const restriction = getCreatorMaps(vpaPods, view, { minReplicas: this.config.minReplicas, evictionToleranceFraction: this.config.evictionTolerance, inPlaceSkipDisruptionBudget: false }, this.replicaCount);
      const calc = newUpdatePriorityCalculator(view, {
        minChangePriority: this.config.podUpdateThreshold,
        podLifetimeUpdateThreshold_ms: this.config.podLifetimeUpdateThreshold_ms,
        evictAfterOOMThreshold_ms: this.config.evictAfterOomThreshold_ms,
      }, this.processor);
      const byUid = new Map(livePods.map((p) => [p.metadata.uid, p]));
      const reasons = new Map<string, { priority: PodPriority | null; decision: string; reason: string }>();
      for (const vpaPod of vpaPods) {
        // filterNonEvictablePods, then AddPod.
        if (!canEvict(restriction, vpaPod)) {
          const grouped = restriction.podToReplicaCreatorMap.has(`${vpaPod.namespace}/${vpaPod.name}`);
          reasons.set(vpaPod.uid, { priority: null, decision: "kept", reason: grouped ? "eviction budget exhausted (eviction tolerance)" : "fewer live replicas than min-replicas" });
          continue;
        }
        const skip = addPod(calc, vpaPod, now_ms, new Map());
        const queued = calc.pods.find((p) => p.pod === vpaPod);
        reasons.set(vpaPod.uid, skip === null ? { priority: queued!.priority, decision: "queued", reason: "" } : { priority: calc.priorityProcessor(vpaPod, this.processor(view, vpaPod).recommendation ?? null), decision: "kept", reason: skip });
      }
      for (const vpaPod of getSortedPods(calc, () => true)) {
        const entry = reasons.get(vpaPod.uid)!;
        const pod = byUid.get(vpaPod.uid)!;
        const refused = evict(restriction, vpaPod);
        if (refused !== null) {
          reasons.set(vpaPod.uid, { ...entry, decision: "kept", reason: "eviction budget exhausted (eviction tolerance)" });
          continue;
        }
        const result = evictPod(this.store, pod, now_ms);
        if (!result.evicted) {
          reasons.set(vpaPod.uid, { ...entry, decision: "kept", reason: `eviction refused: ${result.message}` });
          continue;
        }
        // AddPod queued it for one of three reasons: outside the bounds, a quick OOM, or old enough with a large change.
        const young = pod.status.startTime_ms === null || now_ms < pod.status.startTime_ms + this.config.podLifetimeUpdateThreshold_ms;
        const why = entry.priority!.outsideRecommendedRange
          ? "requests outside the recommended range"
          : young
            ? "a container was OOM-killed within evict-after-oom-threshold of its start"
            : "requests differ from the target by more than pod-update-threshold";
        reasons.set(vpaPod.uid, { ...entry, decision: "evicted", reason: fallback === "" ? why : `${why}; ${fallback}` });
        this.events.emit(now_ms, VPA_UPDATER_COMPONENT, "Pod", pod.metadata.name, "Normal", "EvictedByVPA", "Pod was evicted by VPA Updater to apply resource recommendation.");
        this.events.emit(now_ms, VPA_UPDATER_COMPONENT, "VerticalPodAutoscaler", vpa.metadata.name, "Normal", "EvictedPod", `VPA Updater evicted Pod ${pod.metadata.name} to apply resource recommendation.`);
      }
      for (const pod of livePods) {
        const r = reasons.get(pod.metadata.uid)!;
        this.record(now_ms, vpa, pod, r.priority, r.decision === "queued" ? "kept" : r.decision, r.reason);
      }
    }
  }
}
