/**
 * Which pods a node removal must move, and which pod blocks it. Upstream: simulator/drain.go
 * GetPodsToMove with simulator/drainability/rules (rules.Default: mirror, longterminating,
 * replicacount, daemonset, safetoevict, terminal, oncompletion, replicated, system,
 * notsafetoevict, localstorage, pdb), utils/drain/drain.go and core/scaledown/pdb/basic.go
 * (MatchingPdbs).
 */
import { labelSelectorMatches } from "../../cluster/labels.js";
import { isDaemonSetPod, isMirrorPod, isPodLongTerminating } from "../pod.js";
import type { CaPod, PodDisruptionBudget } from "../types.js";

export const POD_SAFE_TO_EVICT_KEY = "cluster-autoscaler.kubernetes.io/safe-to-evict";
export const SAFE_TO_EVICT_LOCAL_VOLUMES_KEY = "cluster-autoscaler.kubernetes.io/safe-to-evict-local-volumes";
export const KUBE_SYSTEM_NAMESPACE = "kube-system";

/** drain.BlockingPodReason names. */
export type BlockingPodReason =
  | "ControllerNotFound"
  | "MinReplicasReached"
  | "NotReplicated"
  | "LocalStorageRequested"
  | "NotSafeToEvictAnnotation"
  | "UnmovableKubeSystemPod"
  | "NotEnoughPdb"
  | "UnexpectedError";

/** options.NodeDeleteOptions. */
export interface NodeDeleteOptions {
  skipNodesWithSystemPods: boolean;
  skipNodesWithLocalStorage: boolean;
  skipNodesWithCustomControllerPods: boolean;
  minReplicaCount: number;
  /** --blocking-system-pod-distruption-timeout (1 h). */
  bspDisruptionTimeout_ms: number;
}

export const DEFAULT_NODE_DELETE_OPTIONS: Readonly<NodeDeleteOptions> = Object.freeze({
  skipNodesWithSystemPods: true,
  skipNodesWithLocalStorage: true,
  skipNodesWithCustomControllerPods: true,
  minReplicaCount: 0,
  bspDisruptionTimeout_ms: 3_600_000,
});

/**
 * The controller listers the replica-count rule reads: kind → "namespace/name" → spec.replicas
 * (null = replicas unset). A missing entry is a controller that does not exist.
 */
export type ControllerListers = ReadonlyMap<string, ReadonlyMap<string, number | null>>;

export interface DrainContext {
  pdbs: readonly PodDisruptionBudget[];
  /** null = no listers (the replica-count rule is then skipped, as upstream with nil listers). */
  listers: ControllerListers | null;
  now_ms: number;
}

type Outcome =
  | { outcome: "undefined" }
  | { outcome: "drainOk" }
  | { outcome: "block"; reason: BlockingPodReason }
  | { outcome: "wait" }
  | { outcome: "skip" };

// Outcomes are values: one object each (per reason for a block), as drainable runs for every pod
// of every node a removal simulation looks at.
const UNDEFINED: Outcome = Object.freeze({ outcome: "undefined" });
const DRAIN_OK: Outcome = Object.freeze({ outcome: "drainOk" });
const WAIT: Outcome = Object.freeze({ outcome: "wait" });
const SKIP: Outcome = Object.freeze({ outcome: "skip" });
const BLOCKS = new Map<BlockingPodReason, Outcome>();
function block(reason: BlockingPodReason): Outcome {
  let outcome = BLOCKS.get(reason);
  if (outcome === undefined) {
    outcome = Object.freeze({ outcome: "block", reason });
    BLOCKS.set(reason, outcome);
  }
  return outcome;
}
const NO_PDBS: readonly PodDisruptionBudget[] = Object.freeze([]);

/** basic.go MatchingPdbs: PDBs of the pod's namespace whose selector matches (nil selector matches nothing). */
export function matchingPdbs(pod: CaPod, pdbs: readonly PodDisruptionBudget[]): readonly PodDisruptionBudget[] {
  if (pdbs.length === 0) return NO_PDBS;
  return pdbs.filter((p) => p.namespace === pod.namespace && p.selector !== null && labelSelectorMatches(p.selector, pod.labels));
}

/** utils/drain IsPodTerminal. */
function isPodTerminal(pod: CaPod): boolean {
  if (pod.restartPolicy === "Never" && (pod.phase === "Succeeded" || pod.phase === "Failed")) return true;
  if (pod.restartPolicy === "OnFailure" && pod.phase === "Succeeded") return true;
  return pod.phase === "Failed";
}

/** utils/drain HasBlockingLocalStorage: hostPath, or emptyDir not in memory, not listed as safe to evict. */
function hasBlockingLocalStorage(pod: CaPod): boolean {
  if (pod.volumes.length === 0) return false;
  const annotation = pod.annotations[SAFE_TO_EVICT_LOCAL_VOLUMES_KEY] ?? "";
  const nonBlocking = new Set(annotation === "" ? [] : annotation.split(","));
  return pod.volumes.some(
    (v) => (v.type === "hostPath" || (v.type === "emptyDir" && v.medium !== "Memory")) && !nonBlocking.has(v.name),
  );
}

/** schema.ParseGroupVersion(apiVersion).Group: "" for the core group ("v1"). */
function apiGroup(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash === -1 ? "" : apiVersion.slice(0, slash);
}

/** replicacount/rule.go: the owning controller must exist and, for RC/RS, have at least minReplicaCount replicas. */
function replicaCountRule(pod: CaPod, ctx: DrainContext, minReplicaCount: number): Outcome {
  if (ctx.listers === null || pod.owner === null) return UNDEFINED;
  const ref = pod.owner;
  const listers = ctx.listers;
  const key = `${pod.namespace}/${ref.name}`;
  if (ref.kind === "ReplicationController" || ref.kind === "ReplicaSet") {
    if (!listed(listers, ref.kind, key)) return block("ControllerNotFound");
    const replicas = listers.get(ref.kind)!.get(key);
    if (replicas !== null && replicas !== undefined && replicas < minReplicaCount) return block("MinReplicasReached");
  } else if (isDaemonSetPod(pod)) {
    if (apiGroup(ref.apiVersion) !== "apps" || ref.kind !== "DaemonSet") return UNDEFINED;
    if (!listed(listers, "DaemonSet", key)) return block("ControllerNotFound");
  } else if (ref.kind === "Job") {
    if (!listed(listers, "Job", key)) return block("ControllerNotFound");
  } else if (ref.kind === "StatefulSet") {
    if (apiGroup(ref.apiVersion) !== "apps") return UNDEFINED;
    if (!listed(listers, "StatefulSet", key)) return block("ControllerNotFound");
  }
  return UNDEFINED;
}

/** Whether the lister of `kind` has the controller `key` (namespace/name). */
function listed(listers: ControllerListers, kind: string, key: string): boolean {
  return listers.get(kind)?.has(key) === true;
}

const REPLICATED_KINDS = new Set(["ReplicationController", "Job", "ReplicaSet", "StatefulSet"]);

/** rules.Default(deleteOptions).Drainable: the first rule with an outcome decides. */
export function drainable(pod: CaPod, ctx: DrainContext, options: NodeDeleteOptions): Outcome {
  // mirror, longterminating
  if (isMirrorPod(pod)) return SKIP;
  if (isPodLongTerminating(pod, ctx.now_ms)) return SKIP;
  // replicacount (only with skipNodesWithCustomControllerPods)
  if (options.skipNodesWithCustomControllerPods) {
    const r = replicaCountRule(pod, ctx, options.minReplicaCount);
    if (r.outcome !== "undefined") return r;
  }
  // daemonset, safetoevict, terminal: drainable before any blocking rule.
  if (isDaemonSetPod(pod)) return DRAIN_OK;
  if (pod.annotations[POD_SAFE_TO_EVICT_KEY] === "true") return DRAIN_OK;
  if (isPodTerminal(pod)) return DRAIN_OK;
  // oncompletion
  if (pod.annotations[POD_SAFE_TO_EVICT_KEY] === "on-completion") return WAIT;
  // replicated
  const replicated = pod.owner !== null && (!options.skipNodesWithCustomControllerPods || REPLICATED_KINDS.has(pod.owner.kind));
  if (!replicated) return block("NotReplicated");
  const pdbs = matchingPdbs(pod, ctx.pdbs);
  // system: a kube-system pod without a PDB blocks until bspDisruptionTimeout after its creation.
  if (options.skipNodesWithSystemPods && pod.namespace === KUBE_SYSTEM_NAMESPACE && pdbs.length === 0) {
    const passed = pod.creationTimestamp_ms !== null && ctx.now_ms > pod.creationTimestamp_ms + options.bspDisruptionTimeout_ms;
    return passed ? DRAIN_OK : block("UnmovableKubeSystemPod");
  }
  // notsafetoevict
  if (pod.annotations[POD_SAFE_TO_EVICT_KEY] === "false") return block("NotSafeToEvictAnnotation");
  // localstorage
  if (options.skipNodesWithLocalStorage && hasBlockingLocalStorage(pod)) return block("LocalStorageRequested");
  // pdb
  if (pdbs.some((p) => p.disruptionsAllowed < 1)) return block("NotEnoughPdb");
  return UNDEFINED;
}

export interface PodMoveInfo {
  pods: CaPod[];
  daemonSetPods: CaPod[];
  onCompletionPods: CaPod[];
  blockingPod: { pod: CaPod; reason: BlockingPodReason } | null;
}

/** GetPodsToMove: sorts the node's pods by rule outcome; stops at the first blocking pod. */
export function getPodsToMove(pods: readonly CaPod[], ctx: DrainContext, options: NodeDeleteOptions): PodMoveInfo {
  const info: PodMoveInfo = { pods: [], daemonSetPods: [], onCompletionPods: [], blockingPod: null };
  for (const pod of pods) {
    const s = drainable(pod, ctx, options);
    switch (s.outcome) {
      case "undefined":
      case "drainOk":
        (isDaemonSetPod(pod) ? info.daemonSetPods : info.pods).push(pod);
        break;
      case "wait":
        info.onCompletionPods.push(pod);
        break;
      case "block":
        info.blockingPod = { pod, reason: s.reason };
        return info;
      case "skip":
        break;
    }
  }
  return info;
}
