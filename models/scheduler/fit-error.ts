/**
 * Port of framework/types.go Diagnosis and FitError.Error(): why a pod fit no node, as the
 * "0/N nodes are available: <count> <reason>, ... ." message that becomes the pod's
 * PodScheduled=False condition and the FailedScheduling event.
 *
 * PreFilter rejections come from VolumeBinding only (a missing or unbound Immediate claim). The
 * PostFilter (preemption) suffix is kept in the type for completeness, but nothing sets it:
 * preemption is not modelled, so the message never carries upstream's " preemption: ..." tail.
 */
import { isRejected, type Status } from "./status.js";

export interface Diagnosis {
  /** NodeToStatus: the rejecting status of each node that was filtered out, by node name. */
  nodeToStatus: Map<string, Status>;
  /** Plugins that returned Unschedulable(AndUnresolvable), in first-seen order. */
  unschedulablePlugins: Set<string>;
  preFilterMsg: string;
  postFilterMsg: string;
}

export interface FitError {
  podNamespace: string;
  podName: string;
  numAllNodes: number;
  diagnosis: Diagnosis;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new Map(), unschedulablePlugins: new Set(), preFilterMsg: "", postFilterMsg: "" };
}

/** types.go Diagnosis.AddPluginStatus (the Pending branch does not arise here). */
export function addPluginStatus(d: Diagnosis, s: Status): void {
  if (s.plugin === "") return;
  if (isRejected(s)) d.unschedulablePlugins.add(s.plugin);
}

/** types.go NoNodeAvailableMsg. */
export const NO_NODE_AVAILABLE_MSG = "0/%v nodes are available";
/** schedule_one.go ErrNoNodesAvailable. */
export const ERR_NO_NODES_AVAILABLE = "no nodes available to schedule pods";

// Go sort.Strings: byte-wise order, which for these ASCII strings is UTF-16 code unit order.
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * types.go FitError.Error(): "0/X nodes are available: <PreFilterMsg>. <FilterMsg>. <PostFilterMsg>".
 * The filter part is a histogram "<count> <reason>" over every reason of every rejected node,
 * sorted as strings (so "10 x" sorts before "2 y", as upstream).
 */
export function fitErrorMessage(f: FitError): string {
  let reasonMsg = `0/${f.numAllNodes} nodes are available:`;
  const preFilterMsg = f.diagnosis.preFilterMsg;
  if (preFilterMsg !== "") reasonMsg += ` ${preFilterMsg}.`;
  if (preFilterMsg === "") {
    const reasons = new Map<string, number>();
    for (const status of f.diagnosis.nodeToStatus.values()) {
      for (const reason of status.reasons) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
    }
    const histogram: string[] = [];
    for (const [reason, count] of reasons) histogram.push(`${count} ${reason}`);
    histogram.sort(compareStrings);
    if (histogram.length !== 0) reasonMsg += ` ${histogram.join(", ")}.`;
  }
  if (f.diagnosis.postFilterMsg !== "") reasonMsg += ` ${f.diagnosis.postFilterMsg}`;
  return reasonMsg;
}
