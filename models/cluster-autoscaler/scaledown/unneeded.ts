/**
 * Which unneeded nodes may be removed now. Upstream: core/scaledown/unneeded/nodes.go
 * (Nodes.RemovableAt, unremovableReason, verifyMinSize, lookupAndSetRemovalThreshold).
 */
import { hasNoScaleDownAnnotation, type UnremovableReason } from "./eligibility.js";

export interface UnneededNode {
  name: string;
  group: string | null;
  /** Ready condition; null (no condition) counts as unready. */
  ready: boolean | null;
  annotations: Record<string, string>;
  /** When the node was first found unneeded in the current streak. */
  unneededSince_ms: number;
  /** Pods a removal must move: empty nodes have none. */
  podsToReschedule: string[];
}

export interface RemovableAtInput {
  now_ms: number;
  scaleDownUnneededTime_ms: number;
  scaleDownUnreadyTime_ms: number;
  /** Node groups by name: min size and current target size. */
  nodeGroups: ReadonlyMap<string, { min: number; targetSize: number }>;
  /** Nodes of each group whose deletion is in progress. */
  deletionsInProgress: ReadonlyMap<string, number>;
  /** Min-quota check for removing one more node of that group (Tracker.ConsumeQuota); false = MinimalResourceLimitExceeded. */
  consumeMinQuota: (node: UnneededNode) => boolean;
  unneeded: readonly UnneededNode[];
}

export interface RemovableAtResult {
  empty: UnneededNode[];
  drain: UnneededNode[];
  unremovable: { node: string; reason: UnremovableReason }[];
}

/**
 * RemovableAt: empty nodes are considered before nodes that need a drain; a node must have been
 * unneeded for strictly longer than scale-down-unneeded-time (unready nodes:
 * scale-down-unready-time), be in an autoscaled group that stays above its min size (counting
 * deletions in progress and the nodes accepted before it), and pass the min quota. Upstream walks
 * Go maps here (random order among equals); kubesim walks input order.
 */
export function removableAt(input: RemovableAtInput): RemovableAtResult {
  const result: RemovableAtResult = { empty: [], drain: [], unremovable: [] };
  const sizes = new Map<string, number>();
  for (const [name, g] of input.nodeGroups) sizes.set(name, g.targetSize);
  const reasonFor = (v: UnneededNode): UnremovableReason | null => {
    if (hasNoScaleDownAnnotation(v)) return "ScaleDownDisabledAnnotation";
    const group = v.group === null ? undefined : input.nodeGroups.get(v.group);
    // A node without a group gets no removal threshold, so the time check is skipped.
    const threshold_ms = group === undefined ? 0 : v.ready === true ? input.scaleDownUnneededTime_ms : input.scaleDownUnreadyTime_ms;
    if (threshold_ms > 0 && !(v.unneededSince_ms + threshold_ms < input.now_ms)) {
      return v.ready === true ? "NotUnneededLongEnough" : "NotUnreadyLongEnough";
    }
    if (group === undefined || v.group === null) return "NotAutoscaled";
    const size = sizes.get(v.group) ?? 0;
    if (size - (input.deletionsInProgress.get(v.group) ?? 0) <= group.min) return "NodeGroupMinSizeReached";
    if (!input.consumeMinQuota(v)) return "MinimalResourceLimitExceeded";
    sizes.set(v.group, size - 1);
    return null;
  };
  const empties = input.unneeded.filter((v) => v.podsToReschedule.length === 0);
  const drains = input.unneeded.filter((v) => v.podsToReschedule.length > 0);
  for (const [list, out] of [
    [empties, result.empty],
    [drains, result.drain],
  ] as const) {
    for (const v of list) {
      const reason = reasonFor(v);
      if (reason === null) out.push(v);
      else result.unremovable.push({ node: v.name, reason });
    }
  }
  return result;
}
