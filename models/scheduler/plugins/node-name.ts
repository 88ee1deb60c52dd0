/**
 * Port of framework/plugins/nodename/node_name.go Filter/Fits: a pod that names a node fits only
 * that node. (Pods created with spec.nodeName normally bypass the scheduler; the filter still
 * matters for pods the scheduler sees with a nodeName, e.g. in preemption simulations.)
 */
import type { Pod } from "../../cluster/types.js";
import type { NodeInfo } from "../node-info.js";
import { newStatus, SUCCESS, type Status } from "../status.js";

export const NODE_NAME = "NodeName";
/** node_name.go ErrReason. */
export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

const REJECTED = newStatus("UnschedulableAndUnresolvable", NODE_NAME, ERR_REASON_NODE_NAME);

export function nodeNameFilter(pod: Pod, nodeInfo: NodeInfo): Status {
  const want = pod.spec.nodeName;
  return want === "" || want === nodeInfo.name ? SUCCESS : REJECTED;
}
