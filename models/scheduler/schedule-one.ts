/**
 * One scheduling attempt for one pod: port of pkg/scheduler/schedule_one.go schedulePod,
 * findNodesThatFitPod / findNodesThatPassFilters, numFeasibleNodesToFind, prioritizeNodes and
 * selectHost, with the default profile's plugins run in their MultiPoint order
 * (apis/config/v1/default_plugins.go getDefaultPlugins) and framework/runtime semantics
 * (RunFilterPlugins stops at the first rejecting plugin; a PreScore Skip drops that plugin's
 * Score; NormalizeScore then weight).
 *
 * Filters: NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodeResourcesFit, VolumeBinding.
 * Scores: TaintToleration ×3, NodeAffinity ×2, NodeResourcesFit (LeastAllocated) ×1,
 * NodeResourcesBalancedAllocation ×1. Not modelled (no API fields or out of scope): NodePorts,
 * volume plugins other than VolumeBinding, PodTopologySpread (incl. the default system spreading constraints),
 * InterPodAffinity, ImageLocality, DynamicResources, SchedulingGates, preemption
 * (DefaultPreemption PostFilter) and nominated pods.
 *
 * Differences from upstream, all for determinism:
 * - Filters run sequentially in round-robin order from nextStartNodeIndex and stop at the
 *   numFeasibleNodesToFind-th feasible node; upstream runs them on 16 goroutines, so which nodes
 *   are checked past that point is a race.
 * - Ties among top-scored nodes are broken by reservoir sampling over the feasible nodes in the
 *   order they were found, drawing from the given random stream (rand.Intn upstream). Upstream
 *   1.27–1.34 reservoir-samples the same set in heap-pop order, and main (1.35) breaks ties with a
 *   random Randomizer per node; all three choose uniformly among the top-scored nodes.
 * - The node list order is the caller's. Upstream's snapshot lists nodes zone by zone
 *   round-robin (backend/cache/node_tree.go); a controller wanting that order should pass it.
 */
import type { Pod } from "../cluster/types.js";
import type { FitError } from "./fit-error.js";
import { addPluginStatus, ERR_NO_NODES_AVAILABLE, newDiagnosis } from "./fit-error.js";
import type { NodeInfo } from "./node-info.js";
import { defaultNormalizeScore } from "./normalize-score.js";
import type { RequiredNodeAffinity, ParsedPreferredTerm } from "./node-selector.js";
import { volumeBindingFilter, volumeBindingPreFilter, type VolumeBindingState } from "./plugins/volume-binding.js";
import type { ClusterStore } from "../cluster/store.js";
import { balancedAllocationScore, isBestEffortPod, NODE_RESOURCES_BALANCED_ALLOCATION } from "./plugins/balanced-allocation.js";
import { NODE_AFFINITY, nodeAffinityFilter, nodeAffinityPreFilter, nodeAffinityPreScore, nodeAffinityScore } from "./plugins/node-affinity.js";
import { nodeNameFilter } from "./plugins/node-name.js";
import { leastAllocatedScore, NODE_RESOURCES_FIT, nodeResourcesFitFilter } from "./plugins/node-resources-fit.js";
import { nodeUnschedulableFilter } from "./plugins/node-unschedulable.js";
import {
  countIntolerableTaintsPreferNoSchedule,
  getAllTolerationPreferNoSchedule,
  TAINT_TOLERATION,
  taintTolerationFilter,
} from "./plugins/taint-toleration.js";
import { calculatePodResourceRequest, computePodResourceRequest, type PodResource } from "./resource.js";
import { isSuccess, MAX_NODE_SCORE, SUCCESS, type Status } from "./status.js";
import type { Toleration } from "../cluster/types.js";

/** Anything with a uniform [0, 1) draw; engine/rng.ts RandomStream satisfies it. */
export interface RandomSource {
  random(): number;
}

/** Score plugin weights of the default profile (default_plugins.go). */
export interface ScoreWeights {
  taintToleration: number;
  nodeAffinity: number;
  nodeResourcesFit: number;
  balancedAllocation: number;
}

export interface SchedulerConfig {
  /** KubeSchedulerConfiguration percentageOfNodesToScore; 0 = adaptive (the default). */
  percentageOfNodesToScore: number;
  weights: ScoreWeights;
  /** Use the ≤1.34 taint reason "node(s) had untolerated taint {k: v}" instead of 1.35's. */
  legacyTaintReason: boolean;
  /** Where VolumeBinding reads claims, volumes and classes; absent = pods carry no claims to check. */
  volumeStore?: ClusterStore;
}

export const DEFAULT_SCORE_WEIGHTS: Readonly<ScoreWeights> = Object.freeze({
  taintToleration: 3,
  nodeAffinity: 2,
  nodeResourcesFit: 1,
  balancedAllocation: 1,
});

export const DEFAULT_SCHEDULER_CONFIG: Readonly<SchedulerConfig> = Object.freeze({
  percentageOfNodesToScore: 0,
  weights: DEFAULT_SCORE_WEIGHTS,
  legacyTaintReason: false,
});

/** schedule_one.go minFeasibleNodesToFind. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** schedule_one.go minFeasibleNodesPercentageToFind. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

/**
 * schedule_one.go numFeasibleNodesToFind: below 100 nodes all of them; otherwise the configured
 * percentage, or adaptively 50% − 1% per 125 nodes (at least 5%), but never fewer than 100.
 * Integer arithmetic as in Go int32.
 */
export function numFeasibleNodesToFind(percentageOfNodesToScore: number, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let percentage = percentageOfNodesToScore;
  if (percentage === 0) {
    percentage = 50 - Math.trunc(numAllNodes / 125);
    if (percentage < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) percentage = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const numNodes = Math.trunc((numAllNodes * percentage) / 100);
  return numNodes < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : numNodes;
}

/** What the PreFilter plugins computed once per attempt (the CycleState entries we need). */
export interface FilterCycleState {
  /** NodeResourcesFit PreFilter: computePodResourceRequest. */
  podRequest: PodResource;
  /** NodeAffinity PreFilter; null = Skip. */
  requiredNodeAffinity: RequiredNodeAffinity | null;
  legacyTaintReason: boolean;
  /** VolumeBinding PreFilter; null = Skip. */
  volumeBinding: VolumeBindingState | null;
}

export function runPreFilterPlugins(pod: Pod, config: Readonly<SchedulerConfig> = DEFAULT_SCHEDULER_CONFIG): FilterCycleState {
  return {
    podRequest: computePodResourceRequest(pod),
    requiredNodeAffinity: nodeAffinityPreFilter(pod),
    legacyTaintReason: config.legacyTaintReason,
    volumeBinding: volumeBindingPreFilter(pod, config.volumeStore),
  };
}

/** framework RunFilterPlugins: the first non-success status in plugin order, else Success. */
export function runFilterPlugins(pod: Pod, cycle: FilterCycleState, nodeInfo: NodeInfo): Status {
  let s = nodeUnschedulableFilter(pod, nodeInfo);
  if (!isSuccess(s)) return s;
  s = nodeNameFilter(pod, nodeInfo);
  if (!isSuccess(s)) return s;
  s = taintTolerationFilter(pod, nodeInfo, cycle.legacyTaintReason);
  if (!isSuccess(s)) return s;
  if (cycle.requiredNodeAffinity !== null) {
    s = nodeAffinityFilter(cycle.requiredNodeAffinity, nodeInfo);
    if (!isSuccess(s)) return s;
  }
  s = nodeResourcesFitFilter(cycle.podRequest, nodeInfo);
  if (!isSuccess(s)) return s;
  if (cycle.volumeBinding !== null) {
    s = volumeBindingFilter(cycle.volumeBinding, nodeInfo);
    if (!isSuccess(s)) return s;
  }
  return SUCCESS;
}

/** What the PreScore plugins computed once per attempt; null fields are Skip. */
export interface ScoreCycleState {
  tolerationsPreferNoSchedule: Toleration[];
  preferredTerms: ParsedPreferredTerm[] | null;
  /** NodeResourcesFit PreScore: requests with non-zero defaults. */
  fitRequest: PodResource;
  /** BalancedAllocation PreScore: requests as written; null for a best-effort pod (Skip). */
  balancedRequest: PodResource | null;
}

export function runPreScorePlugins(pod: Pod): ScoreCycleState {
  const balanced = calculatePodResourceRequest(pod, true);
  return {
    tolerationsPreferNoSchedule: getAllTolerationPreferNoSchedule(pod.spec.tolerations),
    preferredTerms: nodeAffinityPreScore(pod),
    fitRequest: calculatePodResourceRequest(pod, false),
    balancedRequest: isBestEffortPod(balanced) ? null : balanced,
  };
}

/** Per-plugin normalized scores and the weighted total for the first `n` nodes. */
export interface ScoreBuffers {
  taintToleration: Float64Array;
  nodeAffinity: Float64Array;
  nodeResourcesFit: Float64Array;
  balancedAllocation: Float64Array;
  total: Float64Array;
}

export function newScoreBuffers(capacity: number): ScoreBuffers {
  return {
    taintToleration: new Float64Array(capacity),
    nodeAffinity: new Float64Array(capacity),
    nodeResourcesFit: new Float64Array(capacity),
    balancedAllocation: new Float64Array(capacity),
    total: new Float64Array(capacity),
  };
}

/**
 * framework RunScorePlugins + schedule_one.go prioritizeNodes for the modelled plugins: each
 * plugin scores every node, NormalizeScore where the plugin has one, then the weighted sum.
 * Skipped plugins (PreScore Skip) score 0 and add nothing. Writes into `out`.
 */
export function runScorePlugins(
  cycle: ScoreCycleState,
  nodes: readonly NodeInfo[],
  n: number,
  weights: Readonly<ScoreWeights>,
  out: ScoreBuffers,
): void {
  for (let i = 0; i < n; i++) {
    const node = nodes[i];
    out.taintToleration[i] = countIntolerableTaintsPreferNoSchedule(node.taints, cycle.tolerationsPreferNoSchedule);
    out.nodeAffinity[i] = cycle.preferredTerms === null ? 0 : nodeAffinityScore(cycle.preferredTerms, node);
    out.nodeResourcesFit[i] = leastAllocatedScore(cycle.fitRequest, node);
    out.balancedAllocation[i] = cycle.balancedRequest === null ? 0 : balancedAllocationScore(cycle.balancedRequest, node);
  }
  defaultNormalizeScore(MAX_NODE_SCORE, true, out.taintToleration, n);
  if (cycle.preferredTerms !== null) defaultNormalizeScore(MAX_NODE_SCORE, false, out.nodeAffinity, n);
  for (let i = 0; i < n; i++) {
    out.total[i] =
      out.taintToleration[i] * weights.taintToleration +
      out.nodeAffinity[i] * weights.nodeAffinity +
      out.nodeResourcesFit[i] * weights.nodeResourcesFit +
      out.balancedAllocation[i] * weights.balancedAllocation;
  }
}

/** fwk.NodePluginScores, for tests and decision logs (the scheduling path uses ScoreBuffers). */
export interface NodePluginScores {
  name: string;
  scores: { plugin: string; score: number }[];
  totalScore: number;
}

/** prioritizeNodes with its result as objects (allocates; meant for logs and tests). */
export function prioritizeNodes(pod: Pod, nodes: readonly NodeInfo[], config: Readonly<SchedulerConfig> = DEFAULT_SCHEDULER_CONFIG): NodePluginScores[] {
  const buf = newScoreBuffers(nodes.length);
  const cycle = runPreScorePlugins(pod);
  runScorePlugins(cycle, nodes, nodes.length, config.weights, buf);
  const w = config.weights;
  return nodes.map((node, i) => {
    const scores = [{ plugin: TAINT_TOLERATION, score: buf.taintToleration[i] * w.taintToleration }];
    if (cycle.preferredTerms !== null) scores.push({ plugin: NODE_AFFINITY, score: buf.nodeAffinity[i] * w.nodeAffinity });
    scores.push({ plugin: NODE_RESOURCES_FIT, score: buf.nodeResourcesFit[i] * w.nodeResourcesFit });
    if (cycle.balancedRequest !== null) {
      scores.push({ plugin: NODE_RESOURCES_BALANCED_ALLOCATION, score: buf.balancedAllocation[i] * w.balancedAllocation });
    }
    return { name: node.name, scores, totalScore: buf.total[i] };
  });
}

/**
 * schedule_one.go selectHost (≤1.26 form): the index of a top-scored entry among the first `n`,
 * chosen uniformly by reservoir sampling; a tie with the k-th top score replaces the candidate
 * with probability 1/k. Draws once per tie, none when the top score is unique.
 */
export function selectHostIndex(totals: { readonly [i: number]: number }, n: number, rng: RandomSource): number {
  if (n <= 0) throw new Error("selectHost: empty priorityList");
  let maxScore = totals[0];
  let selected = 0;
  let cntOfMaxScore = 1;
  for (let i = 1; i < n; i++) {
    const score = totals[i];
    if (score > maxScore) {
      maxScore = score;
      selected = i;
      cntOfMaxScore = 1;
    } else if (score === maxScore) {
      cntOfMaxScore++;
      if (Math.floor(rng.random() * cntOfMaxScore) === 0) selected = i;
    }
  }
  return selected;
}

/** selectHost over NodePluginScores: the chosen node's name. */
export function selectHost(list: readonly NodePluginScores[], rng: RandomSource): string {
  const totals = list.map((s) => s.totalScore);
  return list[selectHostIndex(totals, totals.length, rng)].name;
}

/**
 * The scheduler's state that outlives one attempt: the round-robin start and scratch buffers
 * (reused so an attempt allocates only what its result needs).
 */
export class SchedulerState {
  /** schedule_one.go Scheduler.nextStartNodeIndex. */
  nextStartNodeIndex = 0;
  private feasible: NodeInfo[] = [];
  private failedNodes: NodeInfo[] = [];
  private failedStatuses: Status[] = [];
  private buffers: ScoreBuffers = newScoreBuffers(0);

  /** @internal scratch for schedulePod */
  scratch(): { feasible: NodeInfo[]; failedNodes: NodeInfo[]; failedStatuses: Status[] } {
    this.feasible.length = 0;
    this.failedNodes.length = 0;
    this.failedStatuses.length = 0;
    return { feasible: this.feasible, failedNodes: this.failedNodes, failedStatuses: this.failedStatuses };
  }

  /** @internal score buffers with room for n nodes */
  scoreBuffers(n: number): ScoreBuffers {
    if (this.buffers.total.length < n) this.buffers = newScoreBuffers(Math.max(n, 2 * this.buffers.total.length));
    return this.buffers;
  }
}

export type ScheduleResult =
  | { kind: "Scheduled"; suggestedHost: string; evaluatedNodes: number; feasibleNodes: number }
  | { kind: "FitError"; fitError: FitError }
  | { kind: "NoNodesAvailable"; message: string };

/**
 * schedule_one.go schedulePod: filter nodes round-robin from state.nextStartNodeIndex until
 * numFeasibleNodesToFind are feasible, advance nextStartNodeIndex by the nodes processed, then
 * take the only feasible node, or score the feasible nodes and selectHost. `nodeInfos` is the
 * snapshot: the controller's incrementally maintained NodeInfos, in a stable order.
 */
export function schedulePod(
  pod: Pod,
  nodeInfos: readonly NodeInfo[],
  state: SchedulerState,
  rng: RandomSource,
  config: Readonly<SchedulerConfig> = DEFAULT_SCHEDULER_CONFIG,
): ScheduleResult {
  const numAllNodes = nodeInfos.length;
  if (numAllNodes === 0) return { kind: "NoNodesAvailable", message: ERR_NO_NODES_AVAILABLE };

  // findNodesThatFitPod → findNodesThatPassFilters.
  const cycle = runPreFilterPlugins(pod, config);
  // A PreFilter rejection (VolumeBinding's missing or unbound Immediate claim) ends the attempt
  // before any node is filtered: every node gets the status, the message is PreFilter's.
  const preFilterRejection = cycle.volumeBinding?.rejection ?? null;
  if (preFilterRejection !== null) {
    const diagnosis = newDiagnosis();
    for (const nodeInfo of nodeInfos) diagnosis.nodeToStatus.set(nodeInfo.name, preFilterRejection);
    addPluginStatus(diagnosis, preFilterRejection);
    diagnosis.preFilterMsg = preFilterRejection.reasons.join(", ");
    return { kind: "FitError", fitError: { podNamespace: pod.metadata.namespace, podName: pod.metadata.name, numAllNodes, diagnosis } };
  }
  const numNodesToFind = numFeasibleNodesToFind(config.percentageOfNodesToScore, numAllNodes);
  const { feasible, failedNodes, failedStatuses } = state.scratch();
  const start = state.nextStartNodeIndex;
  let processed = 0;
  while (processed < numAllNodes) {
    const nodeInfo = nodeInfos[(start + processed) % numAllNodes];
    processed++;
    const status = runFilterPlugins(pod, cycle, nodeInfo);
    if (isSuccess(status)) {
      feasible.push(nodeInfo);
      if (feasible.length >= numNodesToFind) break;
    } else {
      failedNodes.push(nodeInfo);
      failedStatuses.push(status);
    }
  }
  // "always try to update the sched.nextStartNodeIndex regardless of whether an error has occurred"
  state.nextStartNodeIndex = (start + processed) % numAllNodes;

  if (feasible.length === 0) {
    const diagnosis = newDiagnosis();
    for (let i = 0; i < failedNodes.length; i++) {
      diagnosis.nodeToStatus.set(failedNodes[i].name, failedStatuses[i]);
      addPluginStatus(diagnosis, failedStatuses[i]);
    }
    return {
      kind: "FitError",
      fitError: { podNamespace: pod.metadata.namespace, podName: pod.metadata.name, numAllNodes, diagnosis },
    };
  }
  if (feasible.length === 1) {
    // "When only one node after predicate, just use it." No scoring, no random draw.
    return { kind: "Scheduled", suggestedHost: feasible[0].name, evaluatedNodes: 1 + failedNodes.length, feasibleNodes: 1 };
  }

  const buffers = state.scoreBuffers(feasible.length);
  runScorePlugins(runPreScorePlugins(pod), feasible, feasible.length, config.weights, buffers);
  const chosen = selectHostIndex(buffers.total, feasible.length, rng);
  return {
    kind: "Scheduled",
    suggestedHost: feasible[chosen].name,
    evaluatedNodes: feasible.length + failedNodes.length,
    feasibleNodes: feasible.length,
  };
}
