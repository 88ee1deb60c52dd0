/**
 * One scale-up decision for the pending pods. Upstream: core/scaleup/orchestrator/orchestrator.go
 * (ScaleUpOrchestrator.ScaleUp, prepareScaleUp, filterValidScaleUpNodeGroups,
 * IsNodeGroupResourceExceeded, SchedulablePodGroups, ComputeExpansionOption,
 * ComputeSimilarNodeGroups, GetCappedNewNodeCount, applyLimits, balanceScaleUps,
 * capScaleUpsByQuota, GetRemainingPods, GetPodsAwaitingEvaluation, ScaleUpToNodeGroupMinSize) and
 * core/scaleup/equivalence/groups.go (BuildPodGroups).
 *
 * Not modelled: node-group autoprovisioning, atomic (ZeroOrMaxNodeScaling) groups, async node
 * groups, the binpacking limiter processor, and scale-up of upcoming nodes (the caller passes
 * upcoming nodes in `nodes` when it wants them counted).
 */
import { BinpackingNodeEstimator, type PodEquivalenceGroup } from "../estimator/binpacking.js";
import { productionThresholds, ThresholdBasedEstimationLimiter, type Threshold } from "../estimator/limiter.js";
import { chainBestOption, type ExpanderConfig, type ExpanderName, type ExpansionOption } from "../expander/expander.js";
import { balanceScaleUpBetweenGroups, findSimilarNodeGroups, genericNodeInfoComparator, type NodeGroupDifferenceRatios, type ScaleUpInfo } from "../nodegroupset.js";
import { isDaemonSetPod } from "../pod.js";
import { ClusterSnapshot, newNodeInfo, sanitizedNodeInfo, type NodeInfo, type SchedulingError } from "../snapshot.js";
import type { CaNode, CaPod, NodeGroup } from "../types.js";
import { QuotaTracker, type QuotaResource } from "./quotas.js";

/** equivalence.PodGroup. */
export interface PodGroup {
  pods: CaPod[];
  schedulable: boolean;
  schedulableGroups: string[];
  /** Per node group: why the exemplar does not fit its template (or a marking reason). */
  schedulingErrors: Map<string, SchedulingError | string>;
}

/** groups.go maxEquivalenceGroupsByController. */
const MAX_EQUIVALENCE_GROUPS_BY_CONTROLLER = 10;

/** What PodSpecSemanticallyEqual and the labels compare, as one string. */
function schedulingProperties(pod: CaPod): string {
  return JSON.stringify([
    pod.labels,
    pod.containers,
    pod.initContainers,
    pod.nodeSelector,
    pod.tolerations,
    pod.hostPorts,
    pod.topologySpread,
    pod.volumes,
  ]);
}

/**
 * BuildPodGroups: pods of one controller with equal labels and spec share a group (at most 10
 * groups per controller); bare and DaemonSet pods are alone. Groups come in creation order.
 */
export function buildPodGroups(pods: readonly CaPod[]): PodGroup[] {
  const groups: PodGroup[] = [];
  const byController = new Map<string, { group: PodGroup; key: string }[]>();
  const newGroup = (pod: CaPod) => {
    const g: PodGroup = { pods: [pod], schedulable: false, schedulableGroups: [], schedulingErrors: new Map() };
    groups.push(g);
    return g;
  };
  for (const pod of pods) {
    if (pod.owner === null || isDaemonSetPod(pod)) {
      newGroup(pod);
      continue;
    }
    const controller = `${pod.namespace}/${pod.owner.kind}/${pod.owner.name}`;
    const egs = byController.get(controller) ?? [];
    const key = schedulingProperties(pod);
    const match = egs.find((e) => e.key === key);
    if (match !== undefined) {
      match.group.pods.push(pod);
      continue;
    }
    const g = newGroup(pod);
    if (egs.length < MAX_EQUIVALENCE_GROUPS_BY_CONTROLLER) byController.set(controller, [...egs, { group: g, key }]);
  }
  return groups;
}

export type SkippedReason =
  | { reason: "MaxLimitReached" }
  | { reason: "MaxResourceLimitReached"; resources: QuotaResource[] }
  | { reason: "NotReady" }
  | { reason: "Backoff" };

export interface ScaleUpOptions {
  /** The --expander chain, or a fixed group (the upstream tests' MockReportingStrategy). */
  expander: { chain: readonly ExpanderName[]; config: ExpanderConfig } | { forced: string };
  /** "production": max-nodes-per-scaleup, group capacity and cluster capacity; "none": uncapped (the upstream unit tests). */
  estimatorThresholds: "production" | "none";
  maxNodesPerScaleUp: number;
  maxNodeGroupBinpackingDuration_ms: number;
  /** 0 = no limit. */
  maxNodesTotal: number;
  maxCoresTotal: number;
  maxMemoryTotalBytes: number;
  balanceSimilarNodeGroups: boolean;
  nodeGroupDifferenceRatios: NodeGroupDifferenceRatios;
  balancingIgnoredLabels: readonly string[];
  allOrNothing: boolean;
  fastpathBinpacking: boolean;
  /** IsNodeGroupReadyToScaleUp: null when the group may scale up now, else the reason (backoff, unhealthy). */
  nodeGroupScaleUpSafety: (group: string) => SkippedReason | null;
}

export interface ScaleUpInput {
  nodeGroups: readonly NodeGroup[];
  /** Every node in the cluster (autoscaled or not). */
  nodes: readonly CaNode[];
  /** Pods bound to those nodes. */
  scheduledPods: readonly CaPod[];
  /** The unschedulable pods to help. */
  pendingPods: readonly CaPod[];
}

export interface ScaleUpStatus {
  result: "Successful" | "NoOptionsAvailable" | "Error";
  error?: string;
  scaleUpInfos: ScaleUpInfo[];
  podsTriggeredScaleUp: CaPod[];
  podsRemainUnschedulable: { pod: CaPod; rejectedNodeGroups: Map<string, SchedulingError | string> }[];
  podsAwaitEvaluation: CaPod[];
  expansionOptions: ExpansionOption[];
  bestOption: ExpansionOption | null;
  /** The expander filter that settled the choice ("forced", a filter name, or "random"). */
  decidedBy: string;
  skippedNodeGroups: Map<string, SkippedReason>;
}

/** The snapshot of the cluster: every node with its pods. */
export function buildClusterSnapshot(nodes: readonly CaNode[], pods: readonly CaPod[]): ClusterSnapshot {
  const byNode = new Map<string, CaPod[]>();
  for (const p of pods) {
    const list = byNode.get(p.nodeName);
    if (list === undefined) byNode.set(p.nodeName, [p]);
    else list.push(p);
  }
  return new ClusterSnapshot(nodes.map((n) => newNodeInfo(n, byNode.get(n.name) ?? [])));
}

/**
 * The template NodeInfo of a group (simulator/node_info_utils.go SanitizedTemplateNodeInfoFromNodeGroup):
 * its template node, renamed with its hostname label, plus the pods every new node starts with.
 */
export function templateNodeInfo(group: NodeGroup): NodeInfo {
  return sanitizedNodeInfo(newNodeInfo(group.template, group.templatePods), `template-node-for-${group.name}`);
}

/** GetCappedNewNodeCount: max-nodes-total caps the new nodes; nothing left is an error. */
export function getCappedNewNodeCount(newNodeCount: number, currentNodeCount: number, maxNodesTotal: number): { count: number } | { error: string } {
  if (maxNodesTotal > 0 && newNodeCount + currentNodeCount > maxNodesTotal) {
    const count = maxNodesTotal - currentNodeCount;
    if (count < 1) return { error: "max node total count already reached" };
    return { count };
  }
  return { count: newNodeCount };
}

function resourceExceeded(tracker: QuotaTracker, group: string, node: CaNode, numNodes: number): SkippedReason | null {
  const r = tracker.checkDelta(group, node, numNodes);
  return r.exceededResources.length > 0 ? { reason: "MaxResourceLimitReached", resources: [...r.exceededResources].sort() } : null;
}

/**
 * ScaleUp: see the module comment for the order of operations. A caller that keeps its own
 * snapshot of `nodes` with `scheduledPods` on them (the controller) passes it; it comes back as it was.
 */
export function scaleUp(
  input: ScaleUpInput,
  options: ScaleUpOptions,
  snapshot: ClusterSnapshot = buildClusterSnapshot(input.nodes, input.scheduledPods),
): ScaleUpStatus {
  const podGroups = buildPodGroups(input.pendingPods);
  const templates = new Map(input.nodeGroups.map((g) => [g.name, templateNodeInfo(g)]));
  const groupsByName = new Map(input.nodeGroups.map((g) => [g.name, g]));
  const tracker = new QuotaTracker(input.nodes, { cpu: options.maxCoresTotal, memory: options.maxMemoryTotalBytes });
  const status: ScaleUpStatus = {
    result: "NoOptionsAvailable",
    scaleUpInfos: [],
    podsTriggeredScaleUp: [],
    podsRemainUnschedulable: [],
    podsAwaitEvaluation: [],
    expansionOptions: [],
    bestOption: null,
    decidedBy: "",
    skippedNodeGroups: new Map(),
  };

  // filterValidScaleUpNodeGroups
  const valid: NodeGroup[] = [];
  for (const g of input.nodeGroups) {
    const safety = options.nodeGroupScaleUpSafety(g.name);
    if (safety !== null) {
      status.skippedNodeGroups.set(g.name, safety);
      continue;
    }
    if (g.targetSize >= g.max) {
      status.skippedNodeGroups.set(g.name, { reason: "MaxLimitReached" });
      continue;
    }
    const exceeded = resourceExceeded(tracker, g.name, g.template, 1);
    if (exceeded !== null) {
      status.skippedNodeGroups.set(g.name, exceeded);
      continue;
    }
    valid.push(g);
  }

  // SchedulablePodGroups: which pod groups the template of each valid group can take.
  const schedulable = new Map<string, PodEquivalenceGroup[]>();
  for (const g of valid) {
    const template = templates.get(g.name) as NodeInfo;
    snapshot.fork();
    snapshot.addNodeInfo(template);
    const fits: PodEquivalenceGroup[] = [];
    for (const eg of podGroups) {
      const err = snapshot.checkPredicates(eg.pods[0], template.node.name);
      if (err === null) {
        fits.push({ pods: eg.pods });
        eg.schedulable = true;
        eg.schedulableGroups.push(g.name);
      } else {
        eg.schedulingErrors.set(g.name, err);
      }
    }
    snapshot.revert();
    schedulable.set(g.name, fits);
  }

  const remaining = () =>
    podGroups.filter((eg) => !eg.schedulable).flatMap((eg) => eg.pods.map((pod) => ({ pod, rejectedNodeGroups: eg.schedulingErrors })));
  const markAllUnschedulable = (reason: string) => {
    for (const eg of podGroups) {
      if (!eg.schedulable) continue;
      for (const g of eg.schedulableGroups) eg.schedulingErrors.set(g, reason);
      eg.schedulable = false;
    }
  };
  const noOptions = (): ScaleUpStatus => ({ ...status, result: "NoOptionsAvailable", podsRemainUnschedulable: remaining() });

  const comparator = genericNodeInfoComparator(options.balancingIgnoredLabels, options.nodeGroupDifferenceRatios);
  const allGroupNames = input.nodeGroups.map((g) => g.name);
  /** ComputeSimilarNodeGroups: similar groups that may scale up and take every pod group this one takes. */
  const similarNodeGroups = (group: string): NodeGroup[] => {
    if (!options.balanceSimilarNodeGroups) return [];
    const own = schedulable.get(group);
    if (own === undefined || own.length === 0) return [];
    const out: NodeGroup[] = [];
    for (const name of findSimilarNodeGroups(group, allGroupNames, templates, comparator)) {
      if (options.nodeGroupScaleUpSafety(name) !== null) continue;
      const theirs = schedulable.get(name);
      if (theirs === undefined) continue;
      const exemplars = new Set(theirs.map((pg) => pg.pods[0]));
      if (own.every((pg) => exemplars.has(pg.pods[0]))) out.push(groupsByName.get(name) as NodeGroup);
    }
    return out;
  };

  // ComputeExpansionOption per valid group.
  const thresholds: Threshold[] =
    options.estimatorThresholds === "production" ? productionThresholds(options.maxNodesPerScaleUp, options.maxNodeGroupBinpackingDuration_ms) : [];
  for (const g of valid) {
    const pgs = schedulable.get(g.name) ?? [];
    if (pgs.length === 0) continue;
    const similar = similarNodeGroups(g.name);
    const estimator = new BinpackingNodeEstimator(
      snapshot,
      new ThresholdBasedEstimationLimiter(thresholds),
      {
        nodeGroup: { max: g.max, targetSize: g.targetSize },
        similarNodeGroups: similar.map((s) => ({ max: s.max, targetSize: s.targetSize })),
        clusterMaxNodeLimit: options.maxNodesTotal,
        currentNodeCount: input.nodes.length,
      },
      options.fastpathBinpacking,
    );
    const estimate = estimator.estimate(pgs, templates.get(g.name) as NodeInfo);
    if (estimate.pods.length === 0 || estimate.nodeCount === 0) continue;
    if (options.allOrNothing && estimate.pods.length < input.pendingPods.length) continue;
    status.expansionOptions.push({ nodeGroup: g.name, nodeCount: estimate.nodeCount, pods: estimate.pods, exists: true });
  }
  if (status.expansionOptions.length === 0) return noOptions();

  // The expander.
  let best: ExpansionOption | null;
  if ("forced" in options.expander) {
    const forced = options.expander.forced;
    best = status.expansionOptions.find((o) => o.nodeGroup === forced) ?? null;
    status.decidedBy = "forced";
  } else {
    const nodeTemplates = new Map([...templates].map(([k, v]) => [k, v.node]));
    const chosen = chainBestOption(options.expander.chain, status.expansionOptions, nodeTemplates, options.expander.config);
    best = chosen.best;
    status.decidedBy = chosen.decidedBy;
  }
  if (best === null || best.nodeCount <= 0) {
    markAllUnschedulable("ExpansionOptionsFilteredOut");
    return noOptions();
  }
  status.bestOption = best;
  const bestGroup = groupsByName.get(best.nodeGroup) as NodeGroup;

  const capped = getCappedNewNodeCount(best.nodeCount, input.nodes.length, options.maxNodesTotal);
  if ("error" in capped) {
    markAllUnschedulable("ScaleUpExecutionError");
    return { ...status, result: "Error", error: capped.error, podsTriggeredScaleUp: best.pods, podsRemainUnschedulable: remaining() };
  }
  // applyLimits
  const newNodes = tracker.checkDelta(bestGroup.name, bestGroup.template, capped.count).allowedDelta;
  const abortAllOrNothing = () => {
    markAllUnschedulable("AllOrNothing");
    return noOptions();
  };
  if (newNodes < best.nodeCount && options.allOrNothing) return abortAllOrNothing();

  // balanceScaleUps
  const targets = [bestGroup, ...similarNodeGroups(bestGroup.name).filter((g) => resourceExceeded(tracker, g.name, g.template, 1) === null)];
  const infos = balanceScaleUpBetweenGroups(targets, newNodes);
  // capScaleUpsByQuota
  for (const info of infos) {
    const delta = info.newSize - info.currentSize;
    if (delta <= 0) continue;
    const template = (groupsByName.get(info.group) as NodeGroup).template;
    const allowed = tracker.checkDelta(info.group, template, delta).allowedDelta;
    if (allowed < delta) info.newSize = info.currentSize + allowed;
    if (allowed > 0) tracker.consume(info.group, template, allowed);
  }
  const scaleUpInfos = infos.filter((i) => i.newSize !== i.currentSize);
  const total = scaleUpInfos.reduce((s, i) => s + i.newSize - i.currentSize, 0);
  if (total < newNodes && options.allOrNothing) return abortAllOrNothing();

  return {
    ...status,
    result: "Successful",
    scaleUpInfos,
    podsTriggeredScaleUp: best.pods,
    podsRemainUnschedulable: remaining(),
    podsAwaitEvaluation: podGroups.filter((eg) => eg.schedulable && eg.schedulingErrors.has(best.nodeGroup)).flatMap((eg) => eg.pods),
  };
}

export interface MinSizeScaleUp {
  result: "Successful" | "NotNeeded";
  scaleUpInfos: ScaleUpInfo[];
}

/**
 * ScaleUpToNodeGroupMinSize (--enforce-node-group-min-size): every group below its min size grows
 * towards it, within the quotas and max-nodes-total (upstream caps against the group's own target
 * size there, and so does kubesim).
 */
export function scaleUpToNodeGroupMinSize(
  input: { nodeGroups: readonly NodeGroup[]; nodes: readonly CaNode[] },
  options: Pick<ScaleUpOptions, "maxNodesTotal" | "maxCoresTotal" | "maxMemoryTotalBytes" | "nodeGroupScaleUpSafety">,
): MinSizeScaleUp {
  const tracker = new QuotaTracker(input.nodes, { cpu: options.maxCoresTotal, memory: options.maxMemoryTotalBytes });
  const infos: ScaleUpInfo[] = [];
  for (const g of input.nodeGroups) {
    if (g.targetSize >= g.min) continue;
    if (options.nodeGroupScaleUpSafety(g.name) !== null) continue;
    if (resourceExceeded(tracker, g.name, g.template, 1) !== null) continue;
    const allowed = tracker.checkDelta(g.name, g.template, g.min - g.targetSize).allowedDelta;
    const capped = getCappedNewNodeCount(allowed, g.targetSize, options.maxNodesTotal);
    if ("error" in capped) continue;
    infos.push({ group: g.name, currentSize: g.targetSize, newSize: g.targetSize + capped.count, maxSize: g.max });
  }
  return { result: infos.length === 0 ? "NotNeeded" : "Successful", scaleUpInfos: infos };
}
