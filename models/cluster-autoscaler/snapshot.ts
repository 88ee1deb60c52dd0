/**
 * CA's scheduling simulation: a ClusterSnapshot of nodes and the pods on them, with Fork/Revert,
 * and the scheduler Filter plugins CA's simulations need, run in the scheduler's order
 * (NodeUnschedulable, TaintToleration, NodeAffinity/nodeSelector, NodePorts, NodeResourcesFit,
 * PodTopologySpread). The first failing filter decides the reason.
 *
 * Upstream: simulator/clustersnapshot (ClusterSnapshot: SchedulePod, SchedulePodOnAnyNodeMatching,
 * CheckPredicates, Fork, Revert), simulator/clustersnapshot/predicate/plugin_runner.go
 * (RunFiltersUntilPassingNode with scheduling_opts.go lastIndexOrderMapping: the search starts
 * one past the last node that matched), and the kube-scheduler plugins named above.
 */
import { labelSelectorMatches, setSelectorMatches } from "../cluster/labels.js";
import { findMatchingUntoleratedTaint, isDoNotScheduleTaint, tolerationsTolerateTaint } from "../scheduler/toleration.js";
import { addResources, podRequests, withNodeName } from "./pod.js";
import { emptyResources, type CaNode, type CaPod, type Resources, type Taint } from "./types.js";

/** k8s.io/api core/v1 LabelHostname. */
export const LABEL_HOSTNAME = "kubernetes.io/hostname";

/** podtopologyspread ErrReasonConstraintsNotMatch / ErrReasonNodeLabelNotMatch. */
export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = "node(s) didn't match pod topology spread constraints (missing required label)";

export interface SchedulingError {
  /** The scheduler plugin that rejected the pod. */
  predicate: string;
  reasons: string[];
}

/** A node and the pods on it: a value, never edited once made (the snapshot replaces it). */
export interface NodeInfo {
  readonly node: CaNode;
  readonly pods: readonly CaPod[];
  /** Sum of podRequests over `pods`. */
  readonly requested: Readonly<Resources>;
}

export function newNodeInfo(node: CaNode, pods: readonly CaPod[] = []): NodeInfo {
  let requested = emptyResources();
  for (const p of pods) requested = addResources(requested, podRequests(p));
  return { node, pods: [...pods], requested };
}

/** A pod's spread constraint state computed once per scheduling attempt (PodTopologySpread PreFilter). */
interface SpreadState {
  constraints: {
    key: string;
    maxSkew: number;
    selfMatch: number;
    counts: Map<string, number>;
    minMatch: number;
  }[];
}

/**
 * Copy-on-write: NodeInfo objects are never changed once in the snapshot (placing a pod makes a new
 * one), and fork() only remembers the current list, so forking costs O(1) and the first change
 * after it one O(nodes) copy of the list; a simulation never copies every pod of the cluster. The
 * index by name belongs to the current list only: changes edit it in place, and a revert, which
 * brings back an older list, marks it for rebuilding at the next lookup (a removal simulation that
 * succeeds commits, so most simulations never rebuild it).
 */
export class ClusterSnapshot {
  private infos: NodeInfo[] = [];
  private readonly indexByName = new Map<string, number>();
  /** The index does not describe `infos` (after a revert): rebuild before use. */
  private indexStale = false;
  /** The current list is also a saved state: copy it before changing it. */
  private shared = false;
  private readonly forks: NodeInfo[][] = [];
  /** lastIndexOrderMapping: the index of the last node a pod was placed on by SchedulePodOnAnyNodeMatching. */
  private lastIndex = 0;

  constructor(nodeInfos: readonly NodeInfo[] = []) {
    for (const i of nodeInfos) this.addNodeInfo(i);
  }

  getNodeInfo(name: string): NodeInfo | undefined {
    const i = this.index().get(name);
    return i === undefined ? undefined : this.infos[i];
  }

  private index(): Map<string, number> {
    if (this.indexStale) {
      this.indexByName.clear();
      for (let k = 0; k < this.infos.length; k++) this.indexByName.set(this.infos[k].node.name, k);
      this.indexStale = false;
    }
    return this.indexByName;
  }

  private own(): void {
    if (!this.shared) return;
    this.infos = [...this.infos];
    this.shared = false;
  }

  /**
   * Adds a node. The NodeInfo itself is kept, not a copy: NodeInfos are values that nothing edits
   * once made (placing a pod makes a new one), so the caller's stays as it was.
   */
  addNodeInfo(info: NodeInfo): void {
    const index = this.index();
    if (index.has(info.node.name)) throw new Error(`node ${info.node.name} already in the snapshot`);
    this.own();
    index.set(info.node.name, this.infos.length);
    this.infos.push(info);
  }

  removeNodeInfo(name: string): void {
    const index = this.index();
    const at = index.get(name);
    if (at === undefined) return;
    this.own();
    // The nodes after it move up one place, keeping their order (SchedulePodOnAnyNodeMatching's).
    this.infos.splice(at, 1);
    index.delete(name);
    for (let k = at; k < this.infos.length; k++) index.set(this.infos[k].node.name, k);
  }

  /** Fork: later changes can be undone with revert() or kept with commit(). */
  fork(): void {
    this.forks.push(this.infos);
    this.shared = true;
  }

  revert(): void {
    const saved = this.forks.pop();
    if (saved === undefined) throw new Error("revert without fork");
    if (saved !== this.infos) this.indexStale = true;
    this.infos = saved;
    // An outer fork may still hold this list.
    this.shared = this.forks.length > 0;
  }

  commit(): void {
    if (this.forks.pop() === undefined) throw new Error("commit without fork");
  }

  /** Places the pod on the node without checking predicates (ForceAddPod). */
  forceAddPod(pod: CaPod, nodeName: string): void {
    const index = this.index().get(nodeName);
    if (index === undefined) throw new Error(`node ${nodeName} not in the snapshot`);
    this.placeAt(index, pod);
  }

  private placeAt(index: number, pod: CaPod): void {
    this.own();
    const old = this.infos[index];
    const placed = withNodeName(pod, old.node.name);
    this.infos[index] = { node: old.node, pods: [...old.pods, placed], requested: addResources(old.requested, podRequests(placed)) };
  }

  /** CheckPredicates: null when the pod fits the node, else the first failing filter. */
  checkPredicates(pod: CaPod, nodeName: string): SchedulingError | null {
    const info = this.getNodeInfo(nodeName);
    if (info === undefined) return { predicate: "", reasons: [`node ${nodeName} not found`] };
    return runFilters(pod, podRequests(pod), info, this.preFilter(pod));
  }

  /** SchedulePod: checks the predicates and, when they pass, places the pod on the node. */
  schedulePod(pod: CaPod, nodeName: string): SchedulingError | null {
    const err = this.checkPredicates(pod, nodeName);
    if (err === null) this.forceAddPod(pod, nodeName);
    return err;
  }

  /**
   * SchedulePodOnAnyNodeMatching: the first acceptable node the pod fits, searching round-robin
   * from one past the last match; places the pod there. null when no node fits.
   */
  schedulePodOnAnyNodeMatching(pod: CaPod, isNodeAcceptable: (info: NodeInfo) => boolean): string | null {
    const n = this.infos.length;
    if (n === 0) return null;
    const spread = this.preFilter(pod);
    const req = podRequests(pod);
    for (let i = 0; i < n; i++) {
      const index = (i + 1 + this.lastIndex) % n;
      const info = this.infos[index];
      if (info.node.unschedulable) continue;
      if (!isNodeAcceptable(info)) continue;
      if (runFilters(pod, req, info, spread) === null) {
        this.lastIndex = index;
        this.placeAt(index, pod);
        return info.node.name;
      }
    }
    return null;
  }

  /** PodTopologySpread PreFilter: per DoNotSchedule constraint, matching pods per domain. */
  private preFilter(pod: CaPod): SpreadState {
    const constraints = pod.topologySpread.filter((c) => c.whenUnsatisfiable === "DoNotSchedule");
    const state: SpreadState = { constraints: [] };
    if (constraints.length === 0) return state;
    // nodeAffinityPolicy Honor: only nodes matching the pod's nodeSelector count; nodeTaintsPolicy
    // Ignore: taints do not matter. A node must carry every constraint's key.
    const eligible = this.infos.filter(
      (i) => setSelectorMatches(pod.nodeSelector, i.node.labels) && constraints.every((c) => c.topologyKey in i.node.labels),
    );
    for (const c of constraints) {
      const selector = c.labelSelector;
      const matches = (labels: CaPod["labels"]) => selector !== null && labelSelectorMatches(selector, labels);
      const counts = new Map<string, number>();
      for (const info of eligible) {
        const value = info.node.labels[c.topologyKey];
        let n = counts.get(value) ?? 0;
        for (const p of info.pods) {
          if (p.namespace === pod.namespace && p.deletionTimestamp_ms === null && matches(p.labels)) n++;
        }
        counts.set(value, n);
      }
      let minMatch = counts.size === 0 ? 0 : Math.min(...counts.values());
      // minDomains: fewer eligible domains than required makes the global minimum 0.
      if (counts.size < (c.minDomains ?? 1)) minMatch = 0;
      state.constraints.push({ key: c.topologyKey, maxSkew: c.maxSkew, selfMatch: matches(pod.labels) ? 1 : 0, counts, minMatch });
    }
    return state;
  }
}

/** nodeunschedulable.go: the taint a pod must tolerate to land on a cordoned node. */
const UNSCHEDULABLE_TAINT: Taint = { key: "node.kubernetes.io/unschedulable", value: "", effect: "NoSchedule" };

const FIT_RESOURCES: readonly [keyof Resources, string][] = [
  ["cpuMilli", "cpu"],
  ["memoryBytes", "memory"],
  ["ephemeralBytes", "ephemeral-storage"],
  ["gpu", "nvidia.com/gpu"],
];

/** The Filter phase for one node, plugins in the scheduler's order; `req` = podRequests(pod). */
function runFilters(pod: CaPod, req: Resources, info: NodeInfo, spread: SpreadState): SchedulingError | null {
  const node = info.node;
  // NodeUnschedulable (a pod tolerating the unschedulable taint may still go there).
  if (node.unschedulable && !tolerationsTolerateTaint(pod.tolerations, UNSCHEDULABLE_TAINT)) {
    return { predicate: "NodeUnschedulable", reasons: ["node(s) were unschedulable"] };
  }
  // TaintToleration.
  const taint = findMatchingUntoleratedTaint(node.taints, pod.tolerations, isDoNotScheduleTaint);
  if (taint !== undefined) {
    return { predicate: "TaintToleration", reasons: [`node(s) had untolerated taint {${taint.key}: ${taint.value}}`] };
  }
  // NodeAffinity (nodeSelector).
  if (!setSelectorMatches(pod.nodeSelector, node.labels)) {
    return { predicate: "NodeAffinity", reasons: ["node(s) didn't match Pod's node affinity/selector"] };
  }
  // NodePorts.
  if (pod.hostPorts.length > 0) {
    const used = new Set(info.pods.flatMap((p) => p.hostPorts));
    if (pod.hostPorts.some((port) => used.has(port))) {
      return { predicate: "NodePorts", reasons: ["node(s) didn't have free ports for the requested pod ports"] };
    }
  }
  // NodeResourcesFit: the pod slot always; a resource only when the pod requests it.
  const reasons: string[] = [];
  if (info.pods.length + 1 > node.allocatable.pods) reasons.push("Too many pods");
  for (const [k, name] of FIT_RESOURCES) {
    if (req[k] > 0 && req[k] > node.allocatable[k] - info.requested[k]) reasons.push(`Insufficient ${name}`);
  }
  if (reasons.length > 0) return { predicate: "NodeResourcesFit", reasons };
  // PodTopologySpread.
  for (const c of spread.constraints) {
    if (!(c.key in node.labels)) return { predicate: "PodTopologySpread", reasons: [ERR_REASON_NODE_LABEL_NOT_MATCH] };
    const matchNum = c.counts.get(node.labels[c.key]) ?? 0;
    if (matchNum + c.selfMatch - c.minMatch > c.maxSkew) {
      return { predicate: "PodTopologySpread", reasons: [ERR_REASON_CONSTRAINTS_NOT_MATCH] };
    }
  }
  return null;
}

/**
 * simulator/node_info_utils.go SanitizedNodeInfo: a copy of a template node under a new name (its
 * hostname label follows the name), with copies of the template's pods bound to it.
 */
export function sanitizedNodeInfo(template: NodeInfo, newName: string): NodeInfo {
  const node: CaNode = { ...template.node, name: newName, labels: { ...template.node.labels, [LABEL_HOSTNAME]: newName } };
  return newNodeInfo(
    node,
    template.pods.map((p, i) => ({ ...p, name: `${p.name}-${newName}-${i}`, nodeName: newName })),
  );
}
