/**
 * Which pods a controller deletes first when it scales down: ports of
 * pkg/controller/controller_utils.go ActivePods.Less and ActivePodsWithRanks.Less, with
 * afterOrZero, logarithmicRankDiff, and pkg/apis/core/helper GetDeletionCostFromPodAnnotations.
 *
 * "Less" means "delete earlier". Both Less functions are faithful: they return false both ways
 * for pods upstream considers equivalent (upstream then leaves their order to Go's unstable
 * sort, or, with LogarithmicScaleDown, to UID order). kubesim needs a total order, so
 * compareActivePodsWithRanks adds a final tie-break on (uid, namespace, name).
 */
import type { Pod } from "../cluster/types.js";
import { isPodReady, maxContainerRestarts, podReadyTime } from "./podutil.js";

/** pkg/apis/core/types.go PodDeletionCost. */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

/**
 * Feature gates that change the ordering. Defaults are upstream's: PodDeletionCost is beta and
 * on since 1.22; LogarithmicScaleDown is beta and on since 1.22 and GA (locked on) since 1.31
 * (pkg/features/kube_features.go).
 */
export interface ActivePodsFeatureGates {
  podDeletionCost: boolean;
  logarithmicScaleDown: boolean;
}

export const DEFAULT_ACTIVE_PODS_FEATURE_GATES: Readonly<ActivePodsFeatureGates> = {
  podDeletionCost: true,
  logarithmicScaleDown: true,
};

/** A pod with its rank: the number of active related pods on the same node. */
export interface RankedPod {
  pod: Pod;
  rank: number;
}

// controller_utils.go podPhaseToOrdinal: Go's map lookup yields 0 for a phase not in the map
// (Succeeded, Failed), the same ordinal as Pending.
function podPhaseToOrdinal(pod: Pod): number {
  switch (pod.status.phase) {
    case "Unknown":
      return 1;
    case "Running":
      return 2;
    default:
      return 0;
  }
}

const INT32_MIN = -2147483648n;
const INT32_MAX = 2147483647n;

// pkg/apis/core/helper/helpers.go GetDeletionCostFromPodAnnotations: the annotation as an int32;
// absent or invalid (a leading "+", leading zeros, not an integer, outside int32) counts as 0.
export function getDeletionCostFromPodAnnotations(annotations: Readonly<Record<string, string>>): number {
  if (!Object.prototype.hasOwnProperty.call(annotations, POD_DELETION_COST_ANNOTATION)) return 0;
  const value = annotations[POD_DELETION_COST_ANNOTATION];
  // validFirstDigit: "-", the string "0" itself, or 1-9.
  const first = value.length > 0 ? value[0] : "";
  const validFirstDigit = first === "-" || value === "0" || (first >= "1" && first <= "9");
  if (!validFirstDigit || !/^-?[0-9]+$/.test(value)) return 0;
  const parsed = BigInt(value);
  if (parsed < INT32_MIN || parsed > INT32_MAX) return 0;
  return Number(parsed);
}

// controller_utils.go afterOrZero: t1 after t2, where a zero (null) time counts as after any
// non-zero time.
export function afterOrZero(t1_ms: number | null, t2_ms: number | null): boolean {
  if (t1_ms === null || t2_ms === null) return t1_ms === null;
  return t1_ms > t2_ms;
}

// floor(log2(d)) for a positive integer d: its bit length minus one. Exact, unlike Go's
// int64(math.Log2(float64(d))), which agrees for every d that is a whole number of milliseconds
// in nanoseconds (the float error only matters within a few ns of a power of two).
function floorLog2(d: bigint): number {
  return d.toString(2).length - 1;
}

// controller_utils.go logarithmicRankDiff: the difference of floor(log2(age in ns)) of two
// timestamps relative to now, where a non-positive age ranks -1. Ages are in nanoseconds as
// upstream (time.Duration), so the buckets fall where they fall in a real cluster.
export function logarithmicRankDiff(t1_ms: number, t2_ms: number, now_ms: number): number {
  const d1_ns = BigInt(now_ms - t1_ms) * 1_000_000n;
  const d2_ns = BigInt(now_ms - t2_ms) * 1_000_000n;
  const r1 = d1_ns > 0n ? floorLog2(d1_ns) : -1;
  const r2 = d2_ns > 0n ? floorLog2(d2_ns) : -1;
  return r1 - r2;
}

// controller_utils.go ActivePods.Less (the rank-less ordering, still used by other callers).
export function activePodsLess(a: Pod, b: Pod): boolean {
  // 1. Unassigned < assigned.
  if (a.spec.nodeName !== b.spec.nodeName && (a.spec.nodeName === "" || b.spec.nodeName === "")) {
    return a.spec.nodeName === "";
  }
  // 2. Pending < Unknown < Running.
  if (podPhaseToOrdinal(a) !== podPhaseToOrdinal(b)) return podPhaseToOrdinal(a) < podPhaseToOrdinal(b);
  // 3. Not ready < ready.
  if (isPodReady(a) !== isPodReady(b)) return !isPodReady(a);
  // 4. Ready for a shorter time < longer.
  if (isPodReady(a) && isPodReady(b)) {
    const readyTime1 = podReadyTime(a);
    const readyTime2 = podReadyTime(b);
    if (readyTime1 !== readyTime2) return afterOrZero(readyTime1, readyTime2);
  }
  // 5. Higher restart count < lower.
  if (maxContainerRestarts(a) !== maxContainerRestarts(b)) return maxContainerRestarts(a) > maxContainerRestarts(b);
  // 6. Newer < older.
  if (a.metadata.creationTimestamp_ms !== b.metadata.creationTimestamp_ms) {
    return afterOrZero(a.metadata.creationTimestamp_ms, b.metadata.creationTimestamp_ms);
  }
  return false;
}

// Step 6 and 8 of ActivePodsWithRanks.Less: compare two differing times newest-first, on a log2
// scale of their age when LogarithmicScaleDown is on (so pods of similar age are treated alike
// and spread by UID instead of always killing the very newest).
function newerFirst(
  t1_ms: number | null,
  t2_ms: number | null,
  a: Pod,
  b: Pod,
  now_ms: number | null,
  gates: ActivePodsFeatureGates,
): boolean {
  if (!gates.logarithmicScaleDown || now_ms === null || t1_ms === null || t2_ms === null) {
    return afterOrZero(t1_ms, t2_ms);
  }
  const rankDiff = logarithmicRankDiff(t1_ms, t2_ms, now_ms);
  if (rankDiff === 0) return a.metadata.uid < b.metadata.uid;
  return rankDiff < 0;
}

/**
 * controller_utils.go ActivePodsWithRanks.Less: true when `a` should be deleted before `b`.
 * `now_ms` is ActivePodsWithRanks.Now; null stands for Go's zero Now (plain time comparison).
 */
export function activePodsWithRanksLess(
  a: RankedPod,
  b: RankedPod,
  now_ms: number | null,
  gates: ActivePodsFeatureGates = DEFAULT_ACTIVE_PODS_FEATURE_GATES,
): boolean {
  const pi = a.pod;
  const pj = b.pod;
  // 1. Unassigned < assigned.
  if (pi.spec.nodeName !== pj.spec.nodeName && (pi.spec.nodeName === "" || pj.spec.nodeName === "")) {
    return pi.spec.nodeName === "";
  }
  // 2. Pending < Unknown < Running.
  if (podPhaseToOrdinal(pi) !== podPhaseToOrdinal(pj)) return podPhaseToOrdinal(pi) < podPhaseToOrdinal(pj);
  // 3. Not ready < ready.
  if (isPodReady(pi) !== isPodReady(pj)) return !isPodReady(pi);
  // 4. Lower pod-deletion-cost < higher.
  if (gates.podDeletionCost) {
    const ci = getDeletionCostFromPodAnnotations(pi.metadata.annotations);
    const cj = getDeletionCostFromPodAnnotations(pj.metadata.annotations);
    if (ci !== cj) return ci < cj;
  }
  // 5. Doubled up < not doubled up: more related pods on the same node goes first.
  if (a.rank !== b.rank) return a.rank > b.rank;
  // 6. Ready for a shorter time < longer.
  if (isPodReady(pi) && isPodReady(pj)) {
    const readyTime1 = podReadyTime(pi);
    const readyTime2 = podReadyTime(pj);
    if (readyTime1 !== readyTime2) return newerFirst(readyTime1, readyTime2, pi, pj, now_ms, gates);
  }
  // 7. Higher restart count < lower.
  if (maxContainerRestarts(pi) !== maxContainerRestarts(pj)) return maxContainerRestarts(pi) > maxContainerRestarts(pj);
  // 8. Newer < older.
  if (pi.metadata.creationTimestamp_ms !== pj.metadata.creationTimestamp_ms) {
    return newerFirst(pi.metadata.creationTimestamp_ms, pj.metadata.creationTimestamp_ms, pi, pj, now_ms, gates);
  }
  return false;
}

// The tie-break upstream lacks (Go's sort leaves equivalent pods in arbitrary order): uid, then
// namespace and name, so the order never depends on the input order. 0 only for the same object.
export function comparePodIdentity(a: Pod, b: Pod): number {
  const ka = [a.metadata.uid, a.metadata.namespace, a.metadata.name];
  const kb = [b.metadata.uid, b.metadata.namespace, b.metadata.name];
  for (let i = 0; i < ka.length; i++) {
    if (ka[i] < kb[i]) return -1;
    if (ka[i] > kb[i]) return 1;
  }
  return 0;
}

/** Sort comparator over ActivePodsWithRanks.Less with the deterministic tie-break. */
export function compareActivePodsWithRanks(
  a: RankedPod,
  b: RankedPod,
  now_ms: number | null,
  gates: ActivePodsFeatureGates = DEFAULT_ACTIVE_PODS_FEATURE_GATES,
): number {
  if (activePodsWithRanksLess(a, b, now_ms, gates)) return -1;
  if (activePodsWithRanksLess(b, a, now_ms, gates)) return 1;
  return comparePodIdentity(a.pod, b.pod);
}

/**
 * sort.Sort(ActivePodsWithRanks{...}) made deterministic: returns a new array, deletion-first.
 * The input is first put in identity order so the result depends only on the set of pods, even
 * in the rare cases where upstream's Less is not transitive (log-rank UID ties mixed with exact
 * time ties).
 */
export function sortActivePodsWithRanks(
  pods: readonly RankedPod[],
  now_ms: number | null,
  gates: ActivePodsFeatureGates = DEFAULT_ACTIVE_PODS_FEATURE_GATES,
): RankedPod[] {
  const out = [...pods].sort((a, b) => comparePodIdentity(a.pod, b.pod));
  // Array.prototype.sort is stable (ES2019), so the identity pre-order breaks any remaining ties.
  return out.sort((a, b) => compareActivePodsWithRanks(a, b, now_ms, gates));
}
