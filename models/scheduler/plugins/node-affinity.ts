/**
 * Port of framework/plugins/nodeaffinity/node_affinity.go: PreFilter (Skip when the pod has
 * neither nodeSelector nor required affinity), Filter (RequiredNodeAffinity.Match), PreScore
 * (Skip without preferred terms), Score (sum of matching preferred weights) and NormalizeScore
 * (DefaultNormalizeScore, not reversed). The scheduler-profile addedAffinity is not modelled.
 */
import type { Pod } from "../../cluster/types.js";
import type { NodeInfo } from "../node-info.js";
import {
  getRequiredNodeAffinity,
  newPreferredSchedulingTerms,
  preferredSchedulingTermsScore,
  requiredNodeAffinityMatches,
  type ParsedPreferredTerm,
  type RequiredNodeAffinity,
} from "../node-selector.js";
import { newStatus, SUCCESS, type Status } from "../status.js";

export const NODE_AFFINITY = "NodeAffinity";
/** node_affinity.go ErrReasonPod. */
export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";

const REJECTED = newStatus("UnschedulableAndUnresolvable", NODE_AFFINITY, ERR_REASON_POD);

/** NodeAffinity.PreFilter: the parsed requirement, or null for Skip (the filter has nothing to do). */
export function nodeAffinityPreFilter(pod: Pod): RequiredNodeAffinity | null {
  const noNodeAffinity = (pod.spec.nodeAffinity?.requiredTerms.length ?? 0) === 0;
  if (noNodeAffinity && Object.keys(pod.spec.nodeSelector).length === 0) return null;
  return getRequiredNodeAffinity(pod);
}

/** NodeAffinity.Filter. */
export function nodeAffinityFilter(state: RequiredNodeAffinity, nodeInfo: NodeInfo): Status {
  return requiredNodeAffinityMatches(state, nodeInfo.node.metadata.labels, nodeInfo.node.metadata.name) ? SUCCESS : REJECTED;
}

/**
 * NodeAffinity.PreScore: the parsed preferred terms, or null for Skip (no preferred terms). A
 * parse error is an Error status upstream, which aborts the cycle; here it is thrown.
 */
export function nodeAffinityPreScore(pod: Pod): ParsedPreferredTerm[] | null {
  const terms = pod.spec.nodeAffinity?.preferredTerms;
  if (terms === undefined) return null;
  const parsed = newPreferredSchedulingTerms(terms);
  if (parsed === null) throw new Error(`NodeAffinity PreScore: invalid preferred terms on pod ${pod.metadata.namespace}/${pod.metadata.name}`);
  return parsed;
}

/** NodeAffinity.Score (before NormalizeScore). */
export function nodeAffinityScore(terms: readonly ParsedPreferredTerm[], nodeInfo: NodeInfo): number {
  return preferredSchedulingTermsScore(terms, nodeInfo.node.metadata.labels, nodeInfo.node.metadata.name);
}
