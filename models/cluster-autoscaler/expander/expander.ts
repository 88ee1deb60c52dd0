/**
 * Expanders: which expansion option (node group × node count × pods) a scale-up takes.
 * Upstream: expander/expander.go (Option, Filter, Strategy), expander/factory/chain.go
 * (chainStrategy.BestOption), expander/factory/expander_factory.go (Build: the filters named in
 * --expander, then random as the fallback), expander/mostpods, leastnodes, waste, price, priority,
 * random.
 */
import { podRequests } from "../pod.js";
import type { CaNode, CaPod } from "../types.js";

export interface ExpansionOption {
  nodeGroup: string;
  nodeCount: number;
  pods: CaPod[];
  /** False for a node group that does not exist yet (autoprovisioning); true otherwise. */
  exists: boolean;
}

/** Templates per node group (nodeInfos in upstream). */
export type NodeTemplates = ReadonlyMap<string, CaNode>;

/** expander.Filter: the options it considers equally best. */
export type ExpanderFilter = (options: readonly ExpansionOption[], templates: NodeTemplates) => ExpansionOption[];

/** A source of uniform integers in [0, n) (the random expander's stream). */
export type PickIndex = (n: number) => number;

export const EXPANDER_NAMES = ["random", "most-pods", "least-nodes", "least-waste", "price", "priority"] as const;
export type ExpanderName = (typeof EXPANDER_NAMES)[number];

/** mostpods.go BestOptions: the options scheduling the most pods; the maximum starts at 0. */
export function mostPods(options: readonly ExpansionOption[]): ExpansionOption[] {
  let maxPods = 0;
  let best: ExpansionOption[] = [];
  for (const o of options) {
    if (o.pods.length === maxPods) best.push(o);
    if (o.pods.length > maxPods) {
      maxPods = o.pods.length;
      best = [o];
    }
  }
  return best;
}

/** leastnodes.go BestOptions: the options adding the fewest nodes (options with 0 nodes are ignored). */
export function leastNodes(options: readonly ExpansionOption[]): ExpansionOption[] {
  let least = Number.MAX_SAFE_INTEGER;
  let best: ExpansionOption[] = [];
  for (const o of options) {
    if (o.nodeCount === 0) continue;
    if (o.nodeCount === least) best.push(o);
    else if (o.nodeCount < least) {
      least = o.nodeCount;
      best = [o];
    }
  }
  return best;
}

/**
 * waste.go BestOptions: the least idle CPU + memory share over the new nodes' capacity (not
 * allocatable). Ties are all kept.
 */
export function leastWaste(options: readonly ExpansionOption[], templates: NodeTemplates): ExpansionOption[] {
  let leastScore = 0;
  let best: ExpansionOption[] | null = null;
  for (const o of options) {
    const node = templates.get(o.nodeGroup);
    if (node === undefined) continue;
    let cpu = 0;
    let memory = 0;
    for (const p of o.pods) {
      const r = podRequests(p);
      cpu += r.cpuMilli;
      memory += r.memoryBytes;
    }
    const availCpu = node.capacity.cpuMilli * o.nodeCount;
    const availMemory = node.capacity.memoryBytes * o.nodeCount;
    const score = (availCpu - cpu) / availCpu + (availMemory - memory) / availMemory;
    if (score === leastScore && best !== null) best.push(o);
    if (best === null || score < leastScore) {
      leastScore = score;
      best = [o];
    }
  }
  return best ?? [];
}

/** cloudprovider.PricingModel over one hour from now. */
export interface PricingModel {
  /** $ for one node of the group's template for an hour; undefined = no price (option skipped). */
  nodePrice(nodeGroup: string, node: CaNode): number | undefined;
  /** $ for the pod for an hour; undefined = no price (option skipped). */
  podPrice(pod: CaPod): number | undefined;
  /** $ of price.go priceStabilizationPod (500m, 500Mi). */
  stabilizationPodPrice(): number;
}

/**
 * price/preferred.go SimplePreferredNodeProvider.Node: the CPU of the node size CA prefers for a
 * cluster of this many nodes.
 */
export function preferredNodeCpuMilli(clusterNodeCount: number): number {
  if (clusterNodeCount <= 2) return 1000;
  if (clusterNodeCount <= 6) return 2000;
  if (clusterNodeCount <= 20) return 4000;
  if (clusterNodeCount <= 60) return 8000;
  if (clusterNodeCount <= 200) return 16000;
  return 32000;
}

/** price/preferred.go SimpleNodeUnfitness: how far the CPU capacity is from the preferred one, ≥ 1. */
export function simpleNodeUnfitness(preferredCpuMilli: number, evaluatedCpuMilli: number): number {
  return Math.max(preferredCpuMilli / evaluatedCpuMilli, evaluatedCpuMilli / preferredCpuMilli);
}

/** price.go notExistCoeficient and gpuUnfitnessOverride. */
const NOT_EXIST_COEFFICIENT = 2.0;
const GPU_UNFITNESS_OVERRIDE = 1000.0;

/**
 * price.go priceBased.BestOptions: (node price + stabilisation) / (pod price + stabilisation),
 * times the unfitness to the preferred node size, damped as the option grows
 * ((u - 1)(1 - tanh((n - 1)/15)) + 1); doubled for groups that do not exist yet. Lowest wins.
 */
export function priceBased(pricing: PricingModel, preferredCpuMilli: number): ExpanderFilter {
  return (options, templates) => {
    let best: ExpansionOption[] = [];
    let bestScore = 0;
    const stabilization = pricing.stabilizationPodPrice();
    for (const o of options) {
      const node = templates.get(o.nodeGroup);
      if (node === undefined) continue;
      const nodePrice = pricing.nodePrice(o.nodeGroup, node);
      if (nodePrice === undefined) continue;
      let podPrice = 0;
      let priced = true;
      for (const p of o.pods) {
        const price = pricing.podPrice(p);
        if (price === undefined) {
          priced = false;
          break;
        }
        podPrice += price;
      }
      if (!priced) continue;
      const priceSubScore = (nodePrice * o.nodeCount + stabilization) / (podPrice + stabilization);
      const unfitness = simpleNodeUnfitness(preferredCpuMilli, node.capacity.cpuMilli);
      let suppressed = (unfitness - 1) * (1 - Math.tanh((o.nodeCount - 1) / 15)) + 1;
      if (node.gpuLabel || node.allocatable.gpu > 0) suppressed = GPU_UNFITNESS_OVERRIDE;
      let score = suppressed * priceSubScore;
      if (!o.exists) score *= NOT_EXIST_COEFFICIENT;
      if (best.length === 0 || bestScore === score) {
        best.push(o);
        bestScore = score;
      } else if (bestScore > score) {
        best = [o];
        bestScore = score;
      }
    }
    return best;
  };
}

/** Parsed priority ConfigMap: priority → regexes (Go RE2 syntax; the common subset is JS-compatible). */
export type Priorities = ReadonlyMap<number, readonly RegExp[]>;

/**
 * priority.go BestOptions: the options whose group id matches (unanchored) a regex of the highest
 * priority. No ConfigMap (null), or no option matching anything, keeps every option.
 */
export function priorityFilter(priorities: Priorities | null): ExpanderFilter {
  return (options) => {
    if (options.length === 0) return [];
    if (priorities === null) return [...options];
    // Highest priority first: the first list an option matches is its priority.
    const levels = [...priorities.keys()].sort((a, b) => b - a);
    let maxPrio = -1;
    let best: ExpansionOption[] = [];
    for (const o of options) {
      const prio = levels.find((p) => (priorities.get(p) ?? []).some((re) => re.test(o.nodeGroup)));
      if (prio === undefined || prio < maxPrio) continue;
      if (prio > maxPrio) {
        maxPrio = prio;
        best = [];
      }
      best.push(o);
    }
    return best.length === 0 ? [...options] : best;
  };
}

/** random.go BestOptions: one option picked from the stream. */
export function randomFilter(pick: PickIndex): ExpanderFilter {
  return (options) => (options.length === 0 ? [] : [options[pick(options.length)]]);
}

export interface ExpanderConfig {
  pick: PickIndex;
  pricing?: PricingModel;
  preferredNodeCpuMilli?: number;
  priorities?: Priorities | null;
}

export interface ChainResult {
  best: ExpansionOption | null;
  /** The options the decision was made from: one when a filter settled it, else the random fallback's candidates. */
  candidates: ExpansionOption[];
  /** The filter that settled it ("random" when the fallback picked). */
  decidedBy: string;
}

function buildFilter(name: ExpanderName, config: ExpanderConfig): ExpanderFilter {
  switch (name) {
    case "most-pods":
      return mostPods;
    case "least-nodes":
      return leastNodes;
    case "least-waste":
      return leastWaste;
    case "random":
      return randomFilter(config.pick);
    case "price":
      if (config.pricing === undefined) throw new Error("the price expander needs a pricing model");
      return priceBased(config.pricing, config.preferredNodeCpuMilli ?? 4000);
    case "priority":
      return priorityFilter(config.priorities ?? null);
  }
}

/** Parses --expander ("least-waste", "priority,least-waste"); unknown names throw. */
export function parseExpanderChain(spec: string): ExpanderName[] {
  const names = spec.split(",").map((s) => s.trim());
  for (const n of names) {
    if (!(EXPANDER_NAMES as readonly string[]).includes(n)) throw new Error(`unknown expander ${JSON.stringify(n)}; known: ${EXPANDER_NAMES.join(", ")}`);
  }
  return names as ExpanderName[];
}

/**
 * chain.go chainStrategy.BestOption: each filter narrows the options; one left settles it;
 * otherwise the random fallback picks among what is left.
 */
export function chainBestOption(
  chain: readonly ExpanderName[],
  options: readonly ExpansionOption[],
  templates: NodeTemplates,
  config: ExpanderConfig,
): ChainResult {
  let filtered: ExpansionOption[] = [...options];
  for (const name of chain) {
    filtered = buildFilter(name, config)(filtered, templates);
    if (filtered.length === 1) return { best: filtered[0], candidates: filtered, decidedBy: name };
  }
  const best = filtered.length === 0 ? null : filtered[config.pick(filtered.length)];
  return { best, candidates: filtered, decidedBy: "random" };
}
