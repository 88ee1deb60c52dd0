/**
 * Which nodes a DaemonSet's pod belongs on: pkg/controller/daemon/daemon_controller.go
 * (NewPod, nodeShouldRunDaemonPod, predicates) and pkg/controller/daemon/util/daemonset_util.go
 * (AddOrUpdateDaemonPodTolerations, ReplaceDaemonSetPodNodeNameNodeAffinity, GetTargetNodeName).
 * Pure functions of the DaemonSet and the node.
 */
import type { DaemonSet, Node, NodeAffinity, Pod, PodSpec, Toleration } from "../cluster/types.js";
import { getRequiredNodeAffinity, requiredNodeAffinityMatches } from "../scheduler/node-selector.js";
import { findMatchingUntoleratedTaint } from "../scheduler/toleration.js";

/**
 * daemonset_util.go AddOrUpdateDaemonPodTolerations: a daemon pod tolerates a node that is not
 * ready or unreachable (NoExecute), under disk, memory or PID pressure, and cordoned (NoSchedule)
 * — so it keeps running where ordinary pods are evicted, and lands on cordoned nodes.
 * (network-unavailable is added for hostNetwork pods, which kubesim does not model.)
 */
export const DAEMON_POD_TOLERATIONS: readonly Toleration[] = [
  { key: "node.kubernetes.io/not-ready", operator: "Exists", value: "", effect: "NoExecute" },
  { key: "node.kubernetes.io/unreachable", operator: "Exists", value: "", effect: "NoExecute" },
  { key: "node.kubernetes.io/disk-pressure", operator: "Exists", value: "", effect: "NoSchedule" },
  { key: "node.kubernetes.io/memory-pressure", operator: "Exists", value: "", effect: "NoSchedule" },
  { key: "node.kubernetes.io/pid-pressure", operator: "Exists", value: "", effect: "NoSchedule" },
  { key: "node.kubernetes.io/unschedulable", operator: "Exists", value: "", effect: "NoSchedule" },
];

/** AddOrUpdateTolerationInPodSpec for each daemon toleration: added unless an equal one is there. */
export function withDaemonTolerations(tolerations: readonly Toleration[]): Toleration[] {
  const out = [...tolerations];
  for (const t of DAEMON_POD_TOLERATIONS) {
    if (!out.some((o) => o.key === t.key && o.operator === t.operator && o.value === t.value && o.effect === t.effect)) out.push(t);
  }
  return out;
}

/**
 * daemonset_util.go ReplaceDaemonSetPodNodeNameNodeAffinity: the pod's required node affinity
 * becomes exactly one term, `metadata.name In [nodeName]` (the template's own required terms are
 * replaced; they were checked against the node when it was chosen). Preferred terms stay.
 */
export function pinToNode(affinity: NodeAffinity | null, nodeName: string): NodeAffinity {
  return {
    requiredTerms: [{ matchExpressions: [], matchFields: [{ key: "metadata.name", operator: "In", values: [nodeName] }] }],
    ...(affinity?.preferredTerms !== undefined && { preferredTerms: affinity.preferredTerms }),
  };
}

/** daemon_controller.go NewPod's spec: the template's, with the daemon tolerations. */
export function daemonPodSpec(ds: DaemonSet): PodSpec {
  const spec = structuredClone(ds.spec.template.spec);
  spec.tolerations = withDaemonTolerations(spec.tolerations);
  return spec;
}

/**
 * daemon_controller.go nodeShouldRunDaemonPod: `shouldRun` when the template's node name, node
 * selector and required affinity fit the node and every NoSchedule / NoExecute taint is
 * tolerated; `shouldContinueRunning` while they fit and no NoExecute taint is untolerated (a
 * NoSchedule taint keeps a new pod off but does not evict a running one).
 */
export function nodeShouldRunDaemonPod(node: Node, ds: DaemonSet): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const template = ds.spec.template.spec;
  if (!(template.nodeName === "" || template.nodeName === node.metadata.name)) return { shouldRun: false, shouldContinueRunning: false };
  const pod = { spec: { ...template, tolerations: withDaemonTolerations(template.tolerations) } } as Pod;
  // predicates: fitsNodeAffinity (nodeSelector and required terms), then fitsTaints.
  if (!requiredNodeAffinityMatches(getRequiredNodeAffinity(pod), node.metadata.labels, node.metadata.name)) {
    return { shouldRun: false, shouldContinueRunning: false };
  }
  const taints = node.spec.taints;
  const blocking = findMatchingUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === "NoSchedule" || t.effect === "NoExecute");
  if (blocking === undefined) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findMatchingUntoleratedTaint(taints, pod.spec.tolerations, (t) => t.effect === "NoExecute");
  return { shouldRun: false, shouldContinueRunning: evicting === undefined };
}

/**
 * daemonset_util.go GetTargetNodeName: a daemon pod's node, from spec.nodeName once bound, else
 * from the metadata.name its node affinity pins it to; "" when neither says.
 */
export function getTargetNodeName(pod: Pod): string {
  if (pod.spec.nodeName !== "") return pod.spec.nodeName;
  for (const term of pod.spec.nodeAffinity?.requiredTerms ?? []) {
    for (const f of term.matchFields ?? []) if (f.key === "metadata.name" && f.operator === "In" && f.values.length === 1) return f.values[0];
  }
  return "";
}
