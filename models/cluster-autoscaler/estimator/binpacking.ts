/**
 * The binpacking estimator: how many new nodes from a template the pending pods need.
 * Upstream: estimator/binpacking_estimator.go (BinpackingNodeEstimator.Estimate,
 * tryToScheduleOnExistingNodes, tryToScheduleOnNewNodes, tryFastPath, determineBestPEGToFastpath,
 * shouldUseFastPath, isPodUsingHostNameTopologyKey) and estimator/decreasing_pod_orderer.go
 * (DecreasingPodOrderer.Order).
 */
import { podRequests } from "../pod.js";
import { ClusterSnapshot, ERR_REASON_CONSTRAINTS_NOT_MATCH, LABEL_HOSTNAME, sanitizedNodeInfo, type NodeInfo } from "../snapshot.js";
import type { CaPod } from "../types.js";
import type { EstimationContext, ThresholdBasedEstimationLimiter } from "./limiter.js";

/** estimator.PodEquivalenceGroup: pods the scheduler treats alike; the first is the exemplar. */
export interface PodEquivalenceGroup {
  pods: CaPod[];
}

/**
 * decreasing_pod_orderer.go Order: groups by cpu/allocatable cpu + memory/allocatable memory of
 * the exemplar, largest first (sort.Slice; stable for the small inputs CA sees, stable here).
 */
export function decreasingPodOrder(groups: readonly PodEquivalenceGroup[], template: NodeInfo): PodEquivalenceGroup[] {
  const alloc = template.node.allocatable;
  const score = (g: PodEquivalenceGroup) => {
    const pod = g.pods[0];
    if (pod === undefined) return 0;
    const r = podRequests(pod);
    let s = 0;
    if (alloc.cpuMilli > 0) s += r.cpuMilli / alloc.cpuMilli;
    if (alloc.memoryBytes > 0) s += r.memoryBytes / alloc.memoryBytes;
    return s;
  };
  return groups
    .map((g, i) => ({ g, i, s: score(g) }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.g);
}

/** shouldUseFastPath: not for topology spread (pod anti-affinity is not modelled). */
function shouldUseFastPath(group: PodEquivalenceGroup): boolean {
  const pod = group.pods[0];
  return pod !== undefined && pod.topologySpread.length === 0;
}

/**
 * determineBestPEGToFastpath: the group saving the most simulations, pods - pods/nodes, where
 * nodes comes from containers[0]'s requests against the template's capacity; ties go to the
 * later group; -1 when no group qualifies.
 */
export function determineBestPEGToFastpath(groups: readonly PodEquivalenceGroup[], template: NodeInfo): number {
  let maxSaved = 0;
  let best = -1;
  const capacity = template.node.capacity;
  groups.forEach((g, i) => {
    const pod = g.pods[0];
    if (pod === undefined) return;
    let byCpu = 0;
    let byMemory = 0;
    const c0 = pod.containers[0];
    if (c0 !== undefined) {
      byCpu = Math.ceil((g.pods.length * c0.requests.cpuMilli) / capacity.cpuMilli);
      byMemory = Math.ceil((g.pods.length * c0.requests.memoryBytes) / capacity.memoryBytes);
    }
    const nodes = Math.max(byCpu, byMemory);
    const saved = nodes > 0 ? g.pods.length - Math.trunc(g.pods.length / nodes) : 0;
    if (saved >= maxSaved && shouldUseFastPath(g)) {
      best = i;
      maxSaved = saved;
    }
  });
  return best;
}

export interface EstimateResult {
  /** Nodes that received at least one pod (new nodes, plus existing ones the hostname-topology retry used). */
  nodeCount: number;
  /** The pods the estimate places, in placement order. */
  pods: CaPod[];
}

class EstimationState {
  scheduledPods: CaPod[] = [];
  newNodeNameIndex = 0;
  lastNodeName = "";
  newNodeNames = new Set<string>();
  newNodesWithPods = new Set<string>();

  track(pod: CaPod, nodeName: string): void {
    this.newNodesWithPods.add(nodeName);
    this.scheduledPods.push(pod);
  }
}

function usesHostnameTopologyKey(pod: CaPod): boolean {
  return pod.topologySpread.some((c) => c.topologyKey === LABEL_HOSTNAME);
}

/** BinpackingNodeEstimator: first-fit decreasing over nodes built from the template. */
export class BinpackingNodeEstimator {
  constructor(
    private readonly snapshot: ClusterSnapshot,
    private readonly limiter: ThresholdBasedEstimationLimiter,
    private readonly context: EstimationContext,
    private readonly fastpathBinpackingEnabled: boolean,
  ) {}

  /** Estimate: the snapshot is forked and reverted; only the count and the placed pods come back. */
  estimate(groupsIn: readonly PodEquivalenceGroup[], template: NodeInfo): EstimateResult {
    this.limiter.startEstimation(this.context);
    try {
      let groups = decreasingPodOrder(groupsIn, template);
      let fastpathLast = false;
      if (this.fastpathBinpackingEnabled) {
        const best = determineBestPEGToFastpath(groups, template);
        if (best !== -1) {
          // The group that gains most from fastpath goes last: fastpath only runs on the last group.
          groups = [...groups.slice(0, best), ...groups.slice(best + 1), groups[best]];
          fastpathLast = true;
        }
      }
      this.snapshot.fork();
      try {
        const state = new EstimationState();
        let newNodesAvailable = true;
        groups.forEach((g, i) => {
          const remaining = this.tryToScheduleOnExistingNodes(state, g.pods);
          if (!newNodesAvailable) return;
          newNodesAvailable =
            i === groups.length - 1 && fastpathLast
              ? this.tryFastPath(state, template, remaining)
              : this.tryToScheduleOnNewNodes(state, template, remaining);
        });
        return { nodeCount: state.newNodesWithPods.size, pods: state.scheduledPods };
      } finally {
        this.snapshot.revert();
      }
    } finally {
      this.limiter.endEstimation();
    }
  }

  private tryToScheduleOnExistingNodes(state: EstimationState, pods: readonly CaPod[]): CaPod[] {
    let index = 0;
    for (; index < pods.length; index++) {
      const nodeName = this.snapshot.schedulePodOnAnyNodeMatching(pods[index], (info) => state.newNodeNames.has(info.node.name));
      if (nodeName === null) break;
      state.track(pods[index], nodeName);
    }
    return pods.slice(index);
  }

  /** Returns whether it is worth trying new nodes for later groups. */
  private tryToScheduleOnNewNodes(state: EstimationState, template: NodeInfo, pods: readonly CaPod[]): boolean {
    for (const pod of pods) {
      let found = false;
      if (state.lastNodeName !== "") {
        const err = this.snapshot.schedulePod(pod, state.lastNodeName);
        if (err === null) {
          found = true;
          state.track(pod, state.lastNodeName);
        } else if (usesHostnameTopologyKey(pod) && err.reasons.includes(ERR_REASON_CONSTRAINTS_NOT_MATCH)) {
          // Spread over hostnames: the pod may still fit any other node, pre-existing ones included.
          const last = state.lastNodeName;
          const nodeName = this.snapshot.schedulePodOnAnyNodeMatching(pod, (info) => info.node.name !== last);
          if (nodeName !== null) {
            found = true;
            state.track(pod, nodeName);
          }
        }
      }
      if (!found) {
        // An empty last node that did not take the pod means a new node would not either.
        if (state.lastNodeName !== "" && !state.newNodesWithPods.has(state.lastNodeName)) return true;
        if (!this.limiter.permissionToAddNode()) return false;
        this.addNewNodeToSnapshot(state, template);
        if (this.snapshot.schedulePod(pod, state.lastNodeName) !== null) break;
        state.track(pod, state.lastNodeName);
      }
    }
    return true;
  }

  /** tryFastPath: simulate one node, then assume ceil(pods / podsPerNode) nodes. */
  private tryFastPath(state: EstimationState, template: NodeInfo, pods: readonly CaPod[]): boolean {
    if (pods.length === 0) return true;
    if (!this.limiter.permissionToAddNode()) return false;
    this.addNewNodeToSnapshot(state, template);
    let i = 0;
    for (; i < pods.length; i++) {
      if (this.snapshot.schedulePod(pods[i], state.lastNodeName) !== null) break;
      state.track(pods[i], state.lastNodeName);
    }
    const podsPerNode = i;
    if (podsPerNode === 0) return true;
    const scaleUpSize = Math.ceil(pods.length / podsPerNode);
    for (let j = 1; j < scaleUpSize; j++) {
      if (!this.limiter.permissionToAddNode()) return false;
      const fakeNodeName = `${state.lastNodeName}-fake-${j}`;
      const n = Math.min(podsPerNode, pods.length - i);
      for (let k = 0; k < n; k++) state.track(pods[i + k], fakeNodeName);
      i += n;
    }
    return true;
  }

  private addNewNodeToSnapshot(state: EstimationState, template: NodeInfo): void {
    const info = sanitizedNodeInfo(template, `e-${state.newNodeNameIndex}`);
    this.snapshot.addNodeInfo(info);
    state.newNodeNameIndex++;
    state.lastNodeName = info.node.name;
    state.newNodeNames.add(info.node.name);
  }
}
