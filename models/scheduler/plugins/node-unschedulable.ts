/**
 * Port of framework/plugins/nodeunschedulable/node_unschedulable.go Filter: a cordoned node
 * (spec.unschedulable) rejects pods unless they tolerate the node.kubernetes.io/unschedulable
 * NoSchedule taint (DaemonSet pods get that toleration).
 */
import type { Pod, Taint } from "../../cluster/types.js";
import type { NodeInfo } from "../node-info.js";
import { newStatus, SUCCESS, type Status } from "../status.js";
import { tolerationsTolerateTaint } from "../toleration.js";

export const NODE_UNSCHEDULABLE = "NodeUnschedulable";
/** node_unschedulable.go ErrReasonUnschedulable. */
export const ERR_REASON_UNSCHEDULABLE = "node(s) were unschedulable";
/** core/v1 TaintNodeUnschedulable. */
export const TAINT_NODE_UNSCHEDULABLE = "node.kubernetes.io/unschedulable";

const UNSCHEDULABLE_TAINT: Taint = Object.freeze({ key: TAINT_NODE_UNSCHEDULABLE, value: "", effect: "NoSchedule" });
const REJECTED = newStatus("UnschedulableAndUnresolvable", NODE_UNSCHEDULABLE, ERR_REASON_UNSCHEDULABLE);

export function nodeUnschedulableFilter(pod: Pod, nodeInfo: NodeInfo): Status {
  if (!nodeInfo.unschedulable) return SUCCESS;
  // "If pod tolerate unschedulable taint, it's also tolerate `node.Spec.Unschedulable`."
  return tolerationsTolerateTaint(pod.spec.tolerations, UNSCHEDULABLE_TAINT) ? SUCCESS : REJECTED;
}
