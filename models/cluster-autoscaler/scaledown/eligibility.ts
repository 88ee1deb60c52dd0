/**
 * Which nodes may be considered for scale-down at all. Upstream:
 * core/scaledown/eligibility/eligibility.go (Checker.FilterOutUnremovable,
 * unremovableReasonAndNodeUtilization, isNodeAtOrBelowUtilizationThreshold,
 * HasNoScaleDownAnnotation) and core/scaledown/actuation/delete_in_batch.go IsNodeBeingDeleted.
 */
import type { NodeInfo } from "../snapshot.js";
import type { CaNode } from "../types.js";
import { calculateUtilization, isGpuNode, type UtilizationInfo, type UtilizationResult } from "./utilization.js";

/** eligibility.go ScaleDownDisabledKey. */
export const SCALE_DOWN_DISABLED_ANNOTATION = "cluster-autoscaler.kubernetes.io/scale-down-disabled";
/** actuation MaxCloudProviderNodeDeletionTime: a ToBeDeleted taint younger than this means a deletion is under way. */
export const MAX_CLOUD_PROVIDER_NODE_DELETION_TIME_MS = 5 * 60_000;

/** simulator.UnremovableReason names. */
export type UnremovableReason =
  | "CurrentlyBeingDeleted"
  | "ScaleDownDisabledAnnotation"
  | "NotAutoscaled"
  | "UnexpectedError"
  | "ScaleDownUnreadyDisabled"
  | "NotUnderutilized"
  | "NotUnneededLongEnough"
  | "NotUnreadyLongEnough"
  | "NodeGroupMinSizeReached"
  | "MinimalResourceLimitExceeded"
  | "BlockedByPod"
  | "NoPlaceToMovePods"
  | "RecentlyUnremovable";

export interface EligibilityOptions {
  scaleDownUtilizationThreshold: number;
  scaleDownGpuUtilizationThreshold: number;
  scaleDownUnreadyEnabled: boolean;
  ignoreDaemonSetsUtilization: boolean;
  ignoreMirrorPodsUtilization: boolean;
}

export function hasNoScaleDownAnnotation(node: Pick<CaNode, "annotations">): boolean {
  return node.annotations[SCALE_DOWN_DISABLED_ANNOTATION] === "true";
}

/** IsNodeBeingDeleted: CA's ToBeDeleted taint set less than 5 minutes ago. */
export function isNodeBeingDeleted(node: CaNode, now_ms: number): boolean {
  return node.toBeDeletedTaintTime_ms !== null && now_ms - node.toBeDeletedTaintTime_ms < MAX_CLOUD_PROVIDER_NODE_DELETION_TIME_MS;
}

const NONE_RECENT: { has(node: string): boolean } = { has: () => false };

export interface EligibilityResult {
  unneeded: string[];
  unremovable: { node: string; reason: UnremovableReason }[];
  utilization: Map<string, UtilizationInfo>;
}

/**
 * FilterOutUnremovable, in upstream's check order: recently found unremovable by a removal
 * simulation (`unremovableNodes.IsRecent`: skipped without computing anything), being deleted,
 * scale-down-disabled annotation, not in an autoscaled group, utilization error, unready (when
 * scale-down of unready nodes is disabled), utilization above the threshold (exactly at the
 * threshold is eligible).
 */
export function filterOutUnremovable(
  candidates: readonly NodeInfo[],
  options: EligibilityOptions,
  now_ms: number,
  /** calculateUtilization, or a caller's cache of it. */
  utilizationOf: (info: NodeInfo) => UtilizationResult = (info) =>
    calculateUtilization(info, options.ignoreDaemonSetsUtilization, options.ignoreMirrorPodsUtilization, now_ms),
  /** The nodes within their --unremovable-node-recheck-timeout (RecentlyUnremovable): unremovable.Nodes ttls. */
  recentlyUnremovable: { has(node: string): boolean } = NONE_RECENT,
): EligibilityResult {
  const out: EligibilityResult = { unneeded: [], unremovable: [], utilization: new Map() };
  for (const info of candidates) {
    const node = info.node;
    const reject = (reason: UnremovableReason) => out.unremovable.push({ node: node.name, reason });
    if (recentlyUnremovable.has(node.name)) {
      reject("RecentlyUnremovable");
      continue;
    }
    if (isNodeBeingDeleted(node, now_ms)) {
      reject("CurrentlyBeingDeleted");
      continue;
    }
    if (hasNoScaleDownAnnotation(node)) {
      reject("ScaleDownDisabledAnnotation");
      continue;
    }
    if (node.group === null) {
      reject("NotAutoscaled");
      continue;
    }
    const util = utilizationOf(info);
    if (!util.ok) {
      reject("UnexpectedError");
      continue;
    }
    if (!options.scaleDownUnreadyEnabled && node.ready !== true) {
      reject("ScaleDownUnreadyDisabled");
      continue;
    }
    out.utilization.set(node.name, util.info);
    const threshold = isGpuNode(node) ? options.scaleDownGpuUtilizationThreshold : options.scaleDownUtilizationThreshold;
    if (util.info.utilization > threshold) {
      reject("NotUnderutilized");
      continue;
    }
    out.unneeded.push(node.name);
  }
  return out;
}
