/**
 * balance-similar-node-groups. Upstream: processors/nodegroupset/compare_nodegroups.go
 * (IsCloudProviderNodeInfoSimilar, CreateGenericNodeInfoComparator, BasicIgnoredLabels) and
 * processors/nodegroupset/balancing_processor.go (FindSimilarNodeGroups,
 * BalanceScaleUpBetweenGroups).
 */
import type { NodeInfo } from "./snapshot.js";
import type { CaNode, NodeResources } from "./types.js";

/** config.NodeGroupDifferenceRatios; production defaults 0.015 / 0.05 / 0.05. */
export interface NodeGroupDifferenceRatios {
  maxCapacityMemoryDifferenceRatio: number;
  maxAllocatableDifferenceRatio: number;
  maxFreeDifferenceRatio: number;
}

export const DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS: Readonly<NodeGroupDifferenceRatios> = Object.freeze({
  maxCapacityMemoryDifferenceRatio: 0.015,
  maxAllocatableDifferenceRatio: 0.05,
  maxFreeDifferenceRatio: 0.05,
});

/** compare_nodegroups.go BasicIgnoredLabels: labels that differ between otherwise identical groups. */
export const BASIC_IGNORED_LABELS: readonly string[] = [
  "kubernetes.io/hostname",
  "failure-domain.beta.kubernetes.io/zone",
  "failure-domain.beta.kubernetes.io/region",
  "topology.kubernetes.io/zone",
  "topology.kubernetes.io/region",
  "beta.kubernetes.io/fluentd-ds-ready",
  "kops.k8s.io/instancegroup",
];

type ResourceMap = Map<string, number[]>;

/** The resources a core/v1 ResourceList would hold: cpu, memory and pods always; others when set. */
function resourceList(r: NodeResources): [string, number][] {
  const out: [string, number][] = [
    ["cpu", r.cpuMilli],
    ["memory", r.memoryBytes],
    ["pods", r.pods],
  ];
  if (r.ephemeralBytes > 0) out.push(["ephemeral-storage", r.ephemeralBytes]);
  if (r.gpu > 0) out.push(["nvidia.com/gpu", r.gpu]);
  return out;
}

function push(m: ResourceMap, key: string, v: number): void {
  const list = m.get(key);
  if (list === undefined) m.set(key, [v]);
  else list.push(v);
}

/** resourceListWithinTolerance: both present and |a - b| ≤ max(a, b) × ratio. */
function withinTolerance(list: readonly number[], ratio: number): boolean {
  if (list.length !== 2) return false;
  const larger = Math.max(list[0], list[1]);
  const smaller = Math.min(list[0], list[1]);
  return larger - smaller <= larger * ratio;
}

function compareLabels(a: CaNode, b: CaNode, ignored: ReadonlySet<string>): boolean {
  const values = new Map<string, string[]>();
  for (const node of [a, b]) {
    for (const [k, v] of Object.entries(node.labels)) {
      if (ignored.has(k)) continue;
      const list = values.get(k);
      if (list === undefined) values.set(k, [v]);
      else list.push(v);
    }
  }
  for (const list of values.values()) if (list.length !== 2 || list[0] !== list[1]) return false;
  return true;
}

/**
 * IsCloudProviderNodeInfoSimilar: capacity equal (memory within its ratio), allocatable and free
 * (allocatable − pod requests) within theirs, and labels equal except the ignored ones.
 */
export function isCloudProviderNodeInfoSimilar(
  n1: NodeInfo,
  n2: NodeInfo,
  ignoredLabels: ReadonlySet<string>,
  ratios: NodeGroupDifferenceRatios,
): boolean {
  const capacity: ResourceMap = new Map();
  const allocatable: ResourceMap = new Map();
  const free: ResourceMap = new Map();
  for (const info of [n1, n2]) {
    for (const [k, v] of resourceList(info.node.capacity)) push(capacity, k, v);
    for (const [k, v] of resourceList(info.node.allocatable)) push(allocatable, k, v);
    // scheduler.ResourceToResourceList(requested): cpu, memory, pods (0 requested), ephemeral storage, GPUs when requested.
    const a = info.node.allocatable;
    const r = info.requested;
    push(free, "cpu", a.cpuMilli - r.cpuMilli);
    push(free, "memory", a.memoryBytes - r.memoryBytes);
    push(free, "pods", a.pods);
    push(free, "ephemeral-storage", a.ephemeralBytes - r.ephemeralBytes);
    if (r.gpu > 0) push(free, "nvidia.com/gpu", a.gpu - r.gpu);
  }
  for (const [kind, list] of capacity) {
    if (list.length !== 2) return false;
    if (kind === "memory") {
      if (!withinTolerance(list, ratios.maxCapacityMemoryDifferenceRatio)) return false;
    } else if (list[0] !== list[1]) return false;
  }
  for (const list of allocatable.values()) if (!withinTolerance(list, ratios.maxAllocatableDifferenceRatio)) return false;
  for (const list of free.values()) if (!withinTolerance(list, ratios.maxFreeDifferenceRatio)) return false;
  return compareLabels(n1.node, n2.node, ignoredLabels);
}

/** CreateGenericNodeInfoComparator: BasicIgnoredLabels plus --balancing-ignore-label. */
export function genericNodeInfoComparator(extraIgnoredLabels: readonly string[], ratios: NodeGroupDifferenceRatios) {
  const ignored = new Set([...BASIC_IGNORED_LABELS, ...extraIgnoredLabels]);
  return (a: NodeInfo, b: NodeInfo) => isCloudProviderNodeInfoSimilar(a, b, ignored, ratios);
}

/** FindSimilarNodeGroups: the other groups (in `groups` order) whose template is similar. */
export function findSimilarNodeGroups(
  nodeGroup: string,
  groups: readonly string[],
  templates: ReadonlyMap<string, NodeInfo>,
  comparator: (a: NodeInfo, b: NodeInfo) => boolean,
): string[] {
  const own = templates.get(nodeGroup);
  if (own === undefined) return [];
  const out: string[] = [];
  for (const g of groups) {
    if (g === nodeGroup) continue;
    const other = templates.get(g);
    if (other !== undefined && comparator(own, other)) out.push(g);
  }
  return out;
}

export interface ScaleUpInfo {
  group: string;
  currentSize: number;
  newSize: number;
  maxSize: number;
}

/**
 * BalanceScaleUpBetweenGroups: fill the smallest group first, one node at a time, capped at each
 * group's max; groups already at max are left out; only changed groups come back.
 */
export function balanceScaleUpBetweenGroups(
  groups: readonly { name: string; targetSize: number; max: number }[],
  newNodes: number,
): ScaleUpInfo[] {
  if (groups.length === 0) throw new Error("Can't balance scale up between 0 groups");
  const infos: ScaleUpInfo[] = [];
  let totalCapacity = 0;
  for (const g of groups) {
    if (g.targetSize === g.max) continue;
    if (g.max > g.targetSize) totalCapacity += g.max - g.targetSize;
    infos.push({ group: g.name, currentSize: g.targetSize, newSize: g.targetSize, maxSize: g.max });
  }
  newNodes = Math.min(newNodes, totalCapacity);
  // sort.Slice by current size: an insertion sort (stable) for ≤ 12 groups, stable here.
  infos.sort((a, b) => a.currentSize - b.currentSize);
  let startIndex = 0;
  let currentIndex = 0;
  while (newNodes > 0) {
    const current = infos[currentIndex];
    if (current.newSize < current.maxSize) {
      current.newSize++;
      newNodes--;
    } else {
      // Out of room: park it before the start and continue with the rest.
      [infos[startIndex], infos[currentIndex]] = [infos[currentIndex], infos[startIndex]];
      startIndex++;
    }
    // Go keeps a pointer to the slot, so after a swap this reads the group swapped in.
    if (currentIndex < infos.length - 1 && infos[currentIndex].newSize > infos[currentIndex + 1].newSize) currentIndex++;
    else currentIndex = startIndex;
  }
  return infos.filter((i) => i.newSize !== i.currentSize);
}
