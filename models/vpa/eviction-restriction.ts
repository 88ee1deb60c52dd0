/**
 * How many pods of one replica group the updater may evict per loop. Ported from kubernetes/
 * autoscaler vertical-pod-autoscaler/pkg/updater/restriction/pods_restriction_factory.go and
 * pods_eviction_restriction.go (VPA 1.8). The in-place resize path is not ported yet.
 */
import { getUpdateMode } from "./api.js";
import type { VpaPod, VpaSpecView } from "./types.js";

/** The updater's flag defaults (--min-replicas, --eviction-tolerance). */
export const DEFAULT_MIN_REPLICAS = 2;
export const DEFAULT_EVICTION_TOLERANCE_FRACTION = 0.5;

/** restriction.podReplicaCreator. */
export interface PodReplicaCreator {
  namespace: string;
  name: string;
  kind: string;
}

/** restriction.singleGroupStats. */
export interface SingleGroupStats {
  configured: number;
  pending: number;
  running: number;
  evictionTolerance: number;
  evicted: number;
  inPlaceUpdateOngoing: number;
  inPlaceUpdateInitiated: number;
  belowMinReplicas: boolean;
}

/** The eviction bookkeeping of one updater loop for one VPA (GetCreatorMaps' result). */
export interface PodsEvictionRestriction {
  podToReplicaCreatorMap: Map<string, string>;
  creatorToSingleGroupStatsMap: Map<string, SingleGroupStats>;
  /** The factory's lastInPlaceAttemptTimeMap and the loop's time, for pods in the middle of a resize. */
  inPlace: { lastAttempts: LastInPlaceAttemptTimes; now_ms: number };
}

/**
 * The configured replica count of a creator (getReplicaCount): spec.replicas, or for a DaemonSet
 * status.numberReady; null = not available (upstream logs and skips the group).
 */
export type ReplicaCountLookup = (creator: PodReplicaCreator) => number | null;

export interface RestrictionFactoryConfig {
  minReplicas: number;
  evictionToleranceFraction: number;
  inPlaceSkipDisruptionBudget: boolean;
}

/** The startup-boost annotation prefix (annotations.StartupCPUBoostAnnotationPrefix). */
export const STARTUP_CPU_BOOST_ANNOTATION_PREFIX = "vpaCpuStartupBoost/";

/** PodHasCPUBoostInProgressAnnotation. */
function podHasCPUBoostInProgressAnnotation(pod: VpaPod): boolean {
  return Object.keys(pod.annotations).some((k) => k.startsWith(STARTUP_CPU_BOOST_ANNOTATION_PREFIX));
}

/** getPodID. */
export function getPodID(pod: VpaPod): string {
  return `${pod.namespace}/${pod.name}`;
}

function creatorKey(c: PodReplicaCreator): string {
  return `${c.kind}/${c.namespace}/${c.name}`;
}

/**
 * PodsRestrictionFactoryImpl.GetCreatorMaps: groups live pods by controller; a group with fewer
 * live pods than min-replicas (or the VPA's minReplicas) is not registered, so none of its pods
 * can be evicted.
 */
export function getCreatorMaps(
  pods: readonly VpaPod[],
  vpa: VpaSpecView,
  config: RestrictionFactoryConfig,
  getReplicaCount: ReplicaCountLookup,
  inPlace: PodsEvictionRestriction["inPlace"] = { lastAttempts: new Map(), now_ms: 0 },
): PodsEvictionRestriction {
  const livePods = new Map<string, { creator: PodReplicaCreator; pods: VpaPod[] }>();
  for (const pod of pods) {
    if (pod.controllerRef === null) continue; // Not managed by any controller.
    const creator: PodReplicaCreator = { namespace: pod.namespace, name: pod.controllerRef.name, kind: pod.controllerRef.kind };
    const key = creatorKey(creator);
    const group = livePods.get(key) ?? { creator, pods: [] };
    group.pods.push(pod);
    livePods.set(key, group);
  }
  const podToReplicaCreatorMap = new Map<string, string>();
  const creatorToSingleGroupStatsMap = new Map<string, SingleGroupStats>();
  const required = vpa.updatePolicy?.minReplicas ?? config.minReplicas;
  const mode = getUpdateMode(vpa);
  const skipReplicaCheck = (mode === "InPlaceOrRecreate" || mode === "InPlace") && config.inPlaceSkipDisruptionBudget;
  for (const [key, { creator, pods: replicas }] of livePods) {
    const actual = replicas.length;
    let isBelowMinReplicas = false;
    if (actual < required) {
      const hasBoostedPod = replicas.some(podHasCPUBoostInProgressAnnotation);
      if (!hasBoostedPod && !skipReplicaCheck) continue; // Too few replicas.
      if (skipReplicaCheck) isBelowMinReplicas = true;
    }
    let configured: number;
    if (creator.kind === "Job") {
      configured = actual;
    } else {
      const count = getReplicaCount(creator);
      if (count === null || count === 0) continue; // Replication info not available.
      configured = count;
    }
    const stats: SingleGroupStats = {
      configured,
      evictionTolerance: Math.trunc(configured * config.evictionToleranceFraction),
      belowMinReplicas: isBelowMinReplicas,
      pending: 0,
      running: 0,
      evicted: 0,
      inPlaceUpdateOngoing: 0,
      inPlaceUpdateInitiated: 0,
    };
    for (const pod of replicas) {
      podToReplicaCreatorMap.set(getPodID(pod), key);
      if (pod.phase === "Pending") stats.pending++;
      if (isInPlaceUpdating(pod)) stats.inPlaceUpdateOngoing++;
    }
    stats.running = replicas.length - stats.pending;
    creatorToSingleGroupStatsMap.set(key, stats);
  }
  return { podToReplicaCreatorMap, creatorToSingleGroupStatsMap, inPlace };
}

/**
 * singleGroupStats.isPodDisruptable: more pods alive than configured − tolerance, or (tolerance
 * 0) everything running and nothing disrupted yet, so small groups still get one eviction.
 */
export function isPodDisruptable(s: SingleGroupStats): boolean {
  const shouldBeAlive = s.configured - s.evictionTolerance;
  const actuallyAlive = s.running - (s.evicted + s.inPlaceUpdateInitiated);
  return actuallyAlive > shouldBeAlive || (s.configured === s.running && s.evictionTolerance === 0 && s.evicted === 0 && s.inPlaceUpdateInitiated === 0);
}

/** PodsEvictionRestrictionImpl.CanEvict: pending pods always; others within the tolerance. */
export function canEvict(e: PodsEvictionRestriction, pod: VpaPod): boolean {
  const cr = e.podToReplicaCreatorMap.get(getPodID(pod));
  if (cr === undefined) return false;
  const stats = e.creatorToSingleGroupStatsMap.get(cr);
  // A pending pod does not count as running, so evicting it does not reduce availability.
  if (pod.phase === "Pending") return true;
  if (stats === undefined) return false;
  if (stats.belowMinReplicas) return false;
  if (isInPlaceUpdating(pod)) return canEvictInPlacingPod(pod, stats, e.inPlace.lastAttempts, e.inPlace.now_ms);
  return isPodDisruptable(stats);
}

/** DeferredResizeUpdateTimeout: a resize the kubelet deferred this long falls back to eviction. */
export const DEFERRED_RESIZE_UPDATE_TIMEOUT_MS = 5 * 60_000;
/** InProgressResizeUpdateTimeout: a resize in progress this long falls back to eviction. */
export const IN_PROGRESS_RESIZE_UPDATE_TIMEOUT_MS = 60 * 60_000;

/**
 * When the updater first saw each pod (by getPodID) in the middle of an in-place resize: the
 * factory's lastInPlaceAttemptTimeMap, kept across loops and never cleared, as upstream.
 */
export type LastInPlaceAttemptTimes = Map<string, number>;

/** isInPlaceUpdating: the first resize condition of the pod's status says whether a resize is pending or in progress. */
export function isInPlaceUpdating(pod: VpaPod): boolean {
  for (const c of pod.resizeConditions ?? []) return c.status === "True";
  return false;
}

/**
 * CanEvictInPlacingPod: a pod in the middle of a resize is evicted when the resize failed
 * (Infeasible, Error, an unknown reason) or stalled (Deferred over 5 minutes, in progress over
 * an hour) since the updater first saw it resizing, and its group can spare it.
 */
export function canEvictInPlacingPod(pod: VpaPod, stats: SingleGroupStats, lastAttempts: LastInPlaceAttemptTimes, now_ms: number): boolean {
  if (!isInPlaceUpdating(pod)) return false;
  const id = getPodID(pod);
  let lastUpdate_ms = lastAttempts.get(id);
  if (lastUpdate_ms === undefined) {
    lastUpdate_ms = now_ms;
    lastAttempts.set(id, lastUpdate_ms);
  }
  if (!isPodDisruptable(stats)) return false;
  const conditions = pod.resizeConditions ?? [];
  const pending = conditions.find((c) => c.type === "PodResizePending");
  if (pending !== undefined) {
    if (pending.reason === "Deferred") return now_ms - lastUpdate_ms > DEFERRED_RESIZE_UPDATE_TIMEOUT_MS;
    // Infeasible, or a reason the updater does not know.
    return true;
  }
  const inProgress = conditions.find((c) => c.type === "PodResizeInProgress");
  if (inProgress !== undefined) {
    if (inProgress.reason === "" && inProgress.message === "") return now_ms - lastUpdate_ms > IN_PROGRESS_RESIZE_UPDATE_TIMEOUT_MS;
    // Error, or a reason the updater does not know.
    return true;
  }
  return false;
}

/**
 * PodsEvictionRestrictionImpl.Evict's bookkeeping: returns an error message, or null once the
 * eviction is counted. The caller then performs the eviction through the API.
 */
export function evict(e: PodsEvictionRestriction, pod: VpaPod): string | null {
  const cr = e.podToReplicaCreatorMap.get(getPodID(pod));
  if (cr === undefined) return `pod not suitable for eviction ${getPodID(pod)}: not in replicated pods map`;
  if (!canEvict(e, pod)) return `cannot evict pod ${getPodID(pod)}: eviction budget exceeded`;
  if (pod.phase !== "Pending") {
    const stats = e.creatorToSingleGroupStatsMap.get(cr);
    if (stats === undefined) return `internal error - cannot find stats for replication group ${cr}`;
    stats.evicted++;
  }
  return null;
}
