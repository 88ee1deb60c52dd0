/**
 * The Cluster Autoscaler oracle replay harness: turns each case of ../shared/oracle/cluster-autoscaler/
 * (recognised by its `family`, "ca.*") into the CA model's inputs, runs the real functions of
 * models/cluster-autoscaler/ and returns the result with exactly the keys of the case's `expected`.
 *
 * Oracle conventions (../shared/oracle/cluster-autoscaler/README.md): CPU in millicores, memory in
 * bytes, times in seconds since the Unix epoch (turned into milliseconds here), durations in
 * seconds; a node's capacity defaults to its allocatable; "ready" null = no Ready condition.
 */
import { RngRegistry } from "../../engine/rng.js";
import { BinpackingNodeEstimator, decreasingPodOrder, determineBestPEGToFastpath, type PodEquivalenceGroup } from "../../models/cluster-autoscaler/estimator/binpacking.js";
import {
  clusterCapacityNodeLimit,
  getMinLimit,
  sngCapacityNodeLimit,
  staticThreshold,
  ThresholdBasedEstimationLimiter,
  type EstimationContext,
} from "../../models/cluster-autoscaler/estimator/limiter.js";
import {
  chainBestOption,
  parseExpanderChain,
  preferredNodeCpuMilli,
  simpleNodeUnfitness,
  type ExpanderConfig,
  type ExpansionOption,
  type PricingModel,
  type Priorities,
} from "../../models/cluster-autoscaler/expander/expander.js";
import {
  balanceScaleUpBetweenGroups,
  BASIC_IGNORED_LABELS,
  DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS,
  findSimilarNodeGroups,
  genericNodeInfoComparator,
  isCloudProviderNodeInfoSimilar,
  type NodeGroupDifferenceRatios,
} from "../../models/cluster-autoscaler/nodegroupset.js";
import { DEFAULT_NODE_DELETE_OPTIONS, getPodsToMove, type ControllerListers, type NodeDeleteOptions } from "../../models/cluster-autoscaler/scaledown/drain.js";
import { filterOutUnremovable } from "../../models/cluster-autoscaler/scaledown/eligibility.js";
import { categorizeNodes, TO_BE_DELETED_TAINT } from "../../models/cluster-autoscaler/scaledown/planner.js";
import { removableAt, type UnneededNode } from "../../models/cluster-autoscaler/scaledown/unneeded.js";
import { calculateUtilization } from "../../models/cluster-autoscaler/scaledown/utilization.js";
import { buildClusterSnapshot, scaleUp, scaleUpToNodeGroupMinSize, type ScaleUpOptions } from "../../models/cluster-autoscaler/scaleup/orchestrator.js";
import { ClusterSnapshot, newNodeInfo, type NodeInfo } from "../../models/cluster-autoscaler/snapshot.js";
import type { CaNode, CaPod, ContainerRequests, NodeGroup, NodeResources, PodDisruptionBudget, Resources } from "../../models/cluster-autoscaler/types.js";
import { arr, num, obj, OracleCaseError, str, type Json } from "./json.js";

function opt<T>(x: unknown, parse: (v: unknown) => T, fallback: T): T {
  return x === undefined || x === null ? fallback : parse(x);
}

function strings(x: unknown, what: string): string[] {
  return arr(x, what).map((v, i) => str(v, `${what}[${i}]`));
}

function stringMap(x: unknown, what: string): Record<string, string> {
  const o = obj(x, what);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(o)) out[k] = str(v, `${what}.${k}`);
  return out;
}

const seconds_ms = (x: unknown, what: string) => num(x, what) * 1000;

/** "ready": null = no Ready condition (unready); absent = a ready node. */
const readyOf = (x: unknown): boolean | null => (x === undefined ? true : x === null ? null : x === true);

function resources(x: Json, what: string): Resources {
  return {
    cpuMilli: opt(x.cpuMilli, (v) => num(v, `${what}.cpuMilli`), 0),
    memoryBytes: opt(x.memoryBytes, (v) => num(v, `${what}.memoryBytes`), 0),
    gpu: opt(x.gpu, (v) => num(v, `${what}.gpu`), 0),
    ephemeralBytes: opt(x.ephemeralBytes, (v) => num(v, `${what}.ephemeralBytes`), 0),
  };
}

function nodeResources(x: unknown, what: string): NodeResources {
  const o = obj(x, what);
  return { ...resources(o, what), pods: num(o.pods, `${what}.pods`) };
}

function buildPod(x: unknown, what: string): CaPod {
  const p = obj(x, what);
  const containers: ContainerRequests[] = p.noContainers === true ? [] : [{ requests: resources(p, what) }];
  return {
    name: opt(p.name, (v) => str(v, `${what}.name`), ""),
    namespace: opt(p.namespace, (v) => str(v, `${what}.namespace`), "default"),
    labels: opt(p.labels, (v) => stringMap(v, `${what}.labels`), {}),
    annotations: opt(p.annotations, (v) => stringMap(v, `${what}.annotations`), {}),
    containers,
    initContainers: opt(
      p.initContainers,
      (v) =>
        arr(v, `${what}.initContainers`).map((c0, i) => {
          const c = obj(c0, `${what}.initContainers[${i}]`);
          const ic: ContainerRequests = { requests: resources(c, `${what}.initContainers[${i}]`) };
          if (c.restartPolicy === "Always") ic.restartPolicy = "Always";
          return ic;
        }),
      [],
    ),
    nodeName: opt(p.node, (v) => str(v, `${what}.node`), ""),
    nodeSelector: opt(p.nodeSelector, (v) => stringMap(v, `${what}.nodeSelector`), {}),
    tolerations: opt(
      p.tolerations,
      (v) =>
        arr(v, `${what}.tolerations`).map((t0, i) => {
          const t = obj(t0, `${what}.tolerations[${i}]`);
          return {
            key: opt(t.key, (k) => str(k, `${what}.tolerations[${i}].key`), ""),
            operator: opt(t.operator, (k) => str(k, `${what}.tolerations[${i}].operator`), "Equal") as "Equal" | "Exists",
            value: opt(t.value, (k) => str(k, `${what}.tolerations[${i}].value`), ""),
            effect: opt(t.effect, (k) => str(k, `${what}.tolerations[${i}].effect`), "") as "" | "NoSchedule",
          };
        }),
      [],
    ),
    hostPorts: opt(p.hostPorts, (v) => arr(v, `${what}.hostPorts`).map((n, i) => num(n, `${what}.hostPorts[${i}]`)), []),
    topologySpread: opt(
      p.topologySpread,
      (v) =>
        arr(v, `${what}.topologySpread`).map((c0, i) => {
          const w = `${what}.topologySpread[${i}]`;
          const c = obj(c0, w);
          const sel = c.labelSelector === undefined || c.labelSelector === null ? null : obj(c.labelSelector, `${w}.labelSelector`);
          return {
            maxSkew: num(c.maxSkew, `${w}.maxSkew`),
            topologyKey: str(c.topologyKey, `${w}.topologyKey`),
            whenUnsatisfiable: str(c.whenUnsatisfiable, `${w}.whenUnsatisfiable`) as "DoNotSchedule" | "ScheduleAnyway",
            labelSelector: sel === null ? null : labelSelector(sel, `${w}.labelSelector`),
            minDomains: opt(c.minDomains, (m) => num(m, `${w}.minDomains`), null),
          };
        }),
      [],
    ),
    owner: opt(
      p.owner,
      (v) => {
        const o = obj(v, `${what}.owner`);
        return {
          kind: str(o.kind, `${what}.owner.kind`),
          name: str(o.name, `${what}.owner.name`),
          apiVersion: opt(o.apiVersion, (a) => str(a, `${what}.owner.apiVersion`), "apps/v1"),
        };
      },
      null,
    ),
    volumes: opt(
      p.volumes,
      (v) =>
        arr(v, `${what}.volumes`).map((x0, i) => {
          const x = obj(x0, `${what}.volumes[${i}]`);
          return {
            name: str(x.name, `${what}.volumes[${i}].name`),
            type: str(x.type, `${what}.volumes[${i}].type`),
            medium: opt(x.medium, (m) => str(m, `${what}.volumes[${i}].medium`), ""),
          };
        }),
      [],
    ),
    deletionTimestamp_ms: opt(p.deletionTimestamp, (v) => seconds_ms(v, `${what}.deletionTimestamp`), null),
    terminationGracePeriodSeconds: opt(p.terminationGracePeriodSeconds, (v) => num(v, `${what}.terminationGracePeriodSeconds`), null),
    creationTimestamp_ms: opt(p.creationTimestamp, (v) => seconds_ms(v, `${what}.creationTimestamp`), null),
    phase: opt(p.phase, (v) => str(v, `${what}.phase`), "Running") as CaPod["phase"],
    restartPolicy: opt(p.restartPolicy, (v) => str(v, `${what}.restartPolicy`), "Always") as CaPod["restartPolicy"],
  };
}

function labelSelector(s: Json, what: string) {
  return {
    matchLabels: opt(s.matchLabels, (v) => stringMap(v, `${what}.matchLabels`), {}),
    matchExpressions: opt(
      s.matchExpressions,
      (v) =>
        arr(v, `${what}.matchExpressions`).map((e0, i) => {
          const e = obj(e0, `${what}.matchExpressions[${i}]`);
          return {
            key: str(e.key, `${what}.matchExpressions[${i}].key`),
            operator: str(e.operator, `${what}.matchExpressions[${i}].operator`) as "In" | "NotIn" | "Exists" | "DoesNotExist",
            values: opt(e.values, (x) => strings(x, `${what}.matchExpressions[${i}].values`), []),
          };
        }),
      [],
    ),
  };
}

function buildNode(x: unknown, what: string, defaultName = ""): CaNode {
  const n = obj(x, what);
  const allocatable = nodeResources(n.allocatable, `${what}.allocatable`);
  const toBeDeleted = opt(n.toBeDeletedTaintTime, (v) => seconds_ms(v, `${what}.toBeDeletedTaintTime`), null);
  const taints = opt(
    n.taints,
    (v) =>
      arr(v, `${what}.taints`).map((t0, i) => {
        const t = obj(t0, `${what}.taints[${i}]`);
        return {
          key: str(t.key, `${what}.taints[${i}].key`),
          value: opt(t.value, (k) => str(k, `${what}.taints[${i}].value`), ""),
          effect: str(t.effect, `${what}.taints[${i}].effect`) as "NoSchedule",
        };
      }),
    [],
  );
  if (toBeDeleted !== null) taints.push({ key: TO_BE_DELETED_TAINT, value: String(toBeDeleted / 1000), effect: "NoSchedule" });
  return {
    name: opt(n.name, (v) => str(v, `${what}.name`), defaultName),
    group: opt(n.group, (v) => str(v, `${what}.group`), null),
    allocatable,
    capacity: opt(n.capacity, (v) => nodeResources(v, `${what}.capacity`), allocatable),
    labels: opt(n.labels, (v) => stringMap(v, `${what}.labels`), {}),
    taints,
    ready: readyOf(n.ready),
    unschedulable: n.unschedulable === true,
    annotations: opt(n.annotations, (v) => stringMap(v, `${what}.annotations`), {}),
    toBeDeletedTaintTime_ms: toBeDeleted,
    gpuLabel: n.gpuLabel === true,
  };
}

/** A node with the pods listed under its "pods" key. */
function buildNodeInfo(x: unknown, what: string, defaultName = ""): NodeInfo {
  const node = buildNode(x, what, defaultName);
  const pods = opt(obj(x, what).pods, (v) => arr(v, `${what}.pods`).map((p, i) => ({ ...buildPod(p, `${what}.pods[${i}]`), nodeName: node.name })), []);
  return newNodeInfo(node, pods);
}

function buildNodeGroup(x: unknown, what: string): NodeGroup {
  const g = obj(x, what);
  const name = str(g.name, `${what}.name`);
  const template = buildNodeInfo(g.template, `${what}.template`, `template-${name}`);
  return {
    name,
    min: num(g.min, `${what}.min`),
    max: num(g.max, `${what}.max`),
    targetSize: num(g.targetSize, `${what}.targetSize`),
    template: { ...template.node, group: name },
    templatePods: template.pods,
  };
}

const sortedNames = (pods: readonly CaPod[]) => pods.map((p) => p.name).sort();

/** The random expander's stream: seeded, so a replay is repeatable. */
function pickIndex(): (n: number) => number {
  const stream = new RngRegistry("oracle").stream("cluster-autoscaler/expander");
  return (n) => stream.integer(0, n - 1);
}

function ratiosOf(x: unknown, what: string): NodeGroupDifferenceRatios {
  const r = obj(x, what);
  return {
    maxCapacityMemoryDifferenceRatio: num(r.maxCapacityMemoryDifferenceRatio, `${what}.maxCapacityMemoryDifferenceRatio`),
    maxAllocatableDifferenceRatio: num(r.maxAllocatableDifferenceRatio, `${what}.maxAllocatableDifferenceRatio`),
    maxFreeDifferenceRatio: num(r.maxFreeDifferenceRatio, `${what}.maxFreeDifferenceRatio`),
  };
}

/** The priority ConfigMap; null when missing or invalid (a key that is not an integer, a regex that does not compile), as upstream ignores such a ConfigMap. */
function prioritiesOf(x: unknown, what: string): Priorities | null {
  if (x === null || x === undefined) return null;
  const out = new Map<number, RegExp[]>();
  for (const [k, v] of Object.entries(obj(x, what))) {
    const prio = Number(k);
    if (!Number.isInteger(prio)) return null;
    const regexes: RegExp[] = [];
    for (const re of strings(v, `${what}.${k}`)) {
      try {
        regexes.push(new RegExp(re));
      } catch {
        return null;
      }
    }
    out.set(prio, regexes);
  }
  return out;
}

function pricingOf(x: unknown, what: string): { model: PricingModel; preferredCpuMilli: number } {
  const p = obj(x, what);
  const nodePrices = obj(p.nodePrices, `${what}.nodePrices`);
  const podPrices = obj(p.podPrices, `${what}.podPrices`);
  const stabilization = num(p.stabilizationPodPrice, `${what}.stabilizationPodPrice`);
  return {
    model: {
      nodePrice: (group) => (typeof nodePrices[group] === "number" ? (nodePrices[group] as number) : undefined),
      podPrice: (pod) => (typeof podPrices[pod.name] === "number" ? (podPrices[pod.name] as number) : undefined),
      stabilizationPodPrice: () => stabilization,
    },
    preferredCpuMilli: num(p.preferredNodeCpuMilli, `${what}.preferredNodeCpuMilli`),
  };
}

/** The random stream, the priority ConfigMap and the pricing model from the fields that carry them. */
function expanderConfig(x: Json): ExpanderConfig {
  const config: ExpanderConfig = { pick: pickIndex(), priorities: prioritiesOf(x.priorities, "priorities") };
  if (x.pricing !== undefined && x.pricing !== null) {
    const pricing = pricingOf(x.pricing, "pricing");
    config.pricing = pricing.model;
    config.preferredNodeCpuMilli = pricing.preferredCpuMilli;
  }
  return config;
}

function chainOf(spec: string) {
  try {
    return parseExpanderChain(spec);
  } catch (err) {
    throw new OracleCaseError((err as Error).message);
  }
}

/** PodEquivalenceGroups of `count` copies of one pod; copies get distinct names. */
function podGroupsOf(x: unknown, what: string): PodEquivalenceGroup[] {
  return arr(x, what).map((g0, i) => {
    const g = obj(g0, `${what}[${i}]`);
    const pod = buildPod(g.pod, `${what}[${i}].pod`);
    const count = num(g.count, `${what}[${i}].count`);
    return { pods: Array.from({ length: count }, (_, j) => ({ ...pod, name: `${pod.name || "pod"}-${i}-${j}` })) };
  });
}

// ---- families --------------------------------------------------------------------------------

const NO_CONTEXT: EstimationContext = { nodeGroup: { max: 0, targetSize: 0 }, similarNodeGroups: [], clusterMaxNodeLimit: 0, currentNodeCount: 0 };

function runEstimator(family: string, inputs: Json): Json {
  switch (family) {
    case "ca.estimator.binpacking": {
      const template = buildNodeInfo(inputs.nodeTemplate, "inputs.nodeTemplate");
      const existing = opt(inputs.existingNodes, (v) => arr(v, "inputs.existingNodes").map((n, i) => buildNodeInfo(n, `inputs.existingNodes[${i}]`)), []);
      const thresholds =
        inputs.thresholds !== undefined
          ? arr(inputs.thresholds, "inputs.thresholds").map((t, i) => staticThreshold(num(obj(t, `inputs.thresholds[${i}]`).nodeLimit, `inputs.thresholds[${i}].nodeLimit`), 0))
          : [staticThreshold(opt(inputs.maxNodes, (v) => num(v, "inputs.maxNodes"), 0), 0)];
      const groups = podGroupsOf(inputs.podGroups, "inputs.podGroups");
      const estimator = new BinpackingNodeEstimator(new ClusterSnapshot(existing), new ThresholdBasedEstimationLimiter(thresholds), NO_CONTEXT, inputs.fastpath === true);
      const r = estimator.estimate(groups, template);
      const placed = new Set(r.pods);
      return { nodeCount: r.nodeCount, podCount: r.pods.length, scheduledPerGroup: groups.map((g) => g.pods.filter((p) => placed.has(p)).length) };
    }
    case "ca.estimator.fastpathGroup":
      return { groupIndex: determineBestPEGToFastpath(podGroupsOf(inputs.podGroups, "inputs.podGroups"), buildNodeInfo(inputs.nodeTemplate, "inputs.nodeTemplate")) };
    case "ca.estimator.podOrder": {
      const raw = arr(inputs.podGroups, "inputs.podGroups");
      const groups = podGroupsOf(raw, "inputs.podGroups");
      const ids = new Map(groups.map((g, i) => [g, str(obj(raw[i], `inputs.podGroups[${i}]`).id, `inputs.podGroups[${i}].id`)]));
      return { order: decreasingPodOrder(groups, buildNodeInfo(inputs.nodeTemplate, "inputs.nodeTemplate")).map((g) => ids.get(g)) };
    }
    case "ca.estimator.limiter": {
      let clock_ms = 0;
      const thresholds = arr(inputs.thresholds, "inputs.thresholds").map((t0, i) => {
        const t = obj(t0, `inputs.thresholds[${i}]`);
        return staticThreshold(
          opt(t.nodeLimit, (v) => num(v, `inputs.thresholds[${i}].nodeLimit`), 0),
          opt(t.durationLimitSeconds, (v) => seconds_ms(v, `inputs.thresholds[${i}].durationLimitSeconds`), 0),
        );
      });
      const limiter = new ThresholdBasedEstimationLimiter(thresholds, () => clock_ms);
      limiter.startEstimation(NO_CONTEXT);
      // startDelta: the estimation started this long ago.
      clock_ms = opt(inputs.initialElapsedSeconds, (v) => seconds_ms(v, "inputs.initialElapsedSeconds"), 0);
      const permissions: boolean[] = [];
      for (const [i, op] of strings(inputs.ops, "inputs.ops").entries()) {
        if (op === "add") permissions.push(limiter.permissionToAddNode());
        else if (op === "reset") {
          limiter.endEstimation();
          limiter.startEstimation(NO_CONTEXT);
        } else throw new OracleCaseError(`inputs.ops[${i}]: unknown op ${JSON.stringify(op)}`);
      }
      return { permissions, nodes: limiter.grantedNodes() };
    }
    case "ca.estimator.minLimit":
      return { limit: getMinLimit(num(inputs.base, "inputs.base"), num(inputs.target, "inputs.target")) };
    case "ca.estimator.threshold": {
      const kind = str(inputs.kind, "inputs.kind");
      const size = (x: unknown, what: string) => {
        const g = obj(x, what);
        return { max: num(g.max, `${what}.max`), targetSize: num(g.targetSize, `${what}.targetSize`) };
      };
      const ctx: EstimationContext = {
        nodeGroup: opt(inputs.nodeGroup, (v) => size(v, "inputs.nodeGroup"), { max: 0, targetSize: 0 }),
        similarNodeGroups: opt(inputs.similarNodeGroups, (v) => arr(v, "inputs.similarNodeGroups").map((g, i) => size(g, `inputs.similarNodeGroups[${i}]`)), []),
        clusterMaxNodeLimit: opt(inputs.clusterMaxNodeLimit, (v) => num(v, "inputs.clusterMaxNodeLimit"), 0),
        currentNodeCount: opt(inputs.currentNodeCount, (v) => num(v, "inputs.currentNodeCount"), 0),
      };
      if (kind === "sngCapacity") return { nodeLimit: sngCapacityNodeLimit(ctx) };
      if (kind === "clusterCapacity") return { nodeLimit: clusterCapacityNodeLimit(ctx) };
      throw new OracleCaseError(`inputs.kind: unknown threshold ${JSON.stringify(kind)}`);
    }
    default:
      throw new OracleCaseError(`unknown family ${family}`);
  }
}

function runExpander(family: string, inputs: Json): Json {
  switch (family) {
    case "ca.expander": {
      const options: ExpansionOption[] = arr(inputs.options, "inputs.options").map((o0, i) => {
        const o = obj(o0, `inputs.options[${i}]`);
        return {
          nodeGroup: str(o.nodeGroup, `inputs.options[${i}].nodeGroup`),
          nodeCount: num(o.nodeCount, `inputs.options[${i}].nodeCount`),
          pods: arr(o.pods ?? [], `inputs.options[${i}].pods`).map((p, j) => buildPod(p, `inputs.options[${i}].pods[${j}]`)),
          exists: o.exists !== false,
        };
      });
      const templates = new Map(
        Object.entries(opt(inputs.nodeInfos, (v) => obj(v, "inputs.nodeInfos"), {})).map(([g, n]) => [g, buildNode(n, `inputs.nodeInfos.${g}`, g)]),
      );
      const r = chainBestOption(chainOf(str(inputs.expander, "inputs.expander")), options, templates, expanderConfig(inputs));
      return { best: r.candidates.map((o) => o.nodeGroup) };
    }
    case "ca.expander.preferredNode":
      return { cpuMilli: preferredNodeCpuMilli(num(inputs.clusterNodeCount, "inputs.clusterNodeCount")) };
    case "ca.expander.unfitness":
      return { unfitness: simpleNodeUnfitness(num(inputs.preferredCpuMilli, "inputs.preferredCpuMilli"), num(inputs.evaluatedCpuMilli, "inputs.evaluatedCpuMilli")) };
    default:
      throw new OracleCaseError(`unknown family ${family}`);
  }
}

function scaleUpOptions(x: unknown): ScaleUpOptions {
  const o = obj(x, "inputs.options");
  const expander = o.expander ?? "least-waste";
  return {
    expander:
      typeof expander === "object" && expander !== null
        ? { forced: str((expander as Json).forced, "inputs.options.expander.forced") }
        : { chain: chainOf(str(expander, "inputs.options.expander")), config: expanderConfig(o) },
    estimatorThresholds: opt(o.estimatorThresholds, (v) => str(v, "inputs.options.estimatorThresholds"), "none") === "production" ? "production" : "none",
    maxNodesPerScaleUp: 1000,
    maxNodeGroupBinpackingDuration_ms: 10_000,
    maxNodesTotal: opt(o.maxNodesTotal, (v) => num(v, "inputs.options.maxNodesTotal"), 0),
    maxCoresTotal: opt(o.maxCoresTotal, (v) => num(v, "inputs.options.maxCoresTotal"), 320_000),
    maxMemoryTotalBytes: opt(o.maxMemoryTotalBytes, (v) => num(v, "inputs.options.maxMemoryTotalBytes"), 6_400_000 * 2 ** 30),
    balanceSimilarNodeGroups: o.balanceSimilarNodeGroups === true,
    nodeGroupDifferenceRatios: opt(o.nodeGroupDifferenceRatios, (v) => ratiosOf(v, "inputs.options.nodeGroupDifferenceRatios"), DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS),
    balancingIgnoredLabels: opt(o.balancingIgnoredLabels, (v) => strings(v, "inputs.options.balancingIgnoredLabels"), []),
    allOrNothing: o.allOrNothing === true,
    fastpathBinpacking: false,
    nodeGroupScaleUpSafety: () => null,
  };
}

function runScaleUp(family: string, inputs: Json): Json {
  switch (family) {
    case "ca.scaleup.orchestrator": {
      const nodeGroups = arr(inputs.nodeGroups, "inputs.nodeGroups").map((g, i) => buildNodeGroup(g, `inputs.nodeGroups[${i}]`));
      const nodes = opt(inputs.nodes, (v) => arr(v, "inputs.nodes").map((n, i) => buildNode(n, `inputs.nodes[${i}]`)), []);
      const s = scaleUp(
        {
          nodeGroups,
          nodes,
          scheduledPods: opt(inputs.pods, (v) => arr(v, "inputs.pods").map((p, i) => buildPod(p, `inputs.pods[${i}]`)), []),
          pendingPods: arr(inputs.pendingPods, "inputs.pendingPods").map((p, i) => buildPod(p, `inputs.pendingPods[${i}]`)),
        },
        scaleUpOptions(inputs.options),
      );
      const skipped: Json = {};
      for (const [g, r] of s.skippedNodeGroups) skipped[g] = r;
      return {
        result: s.result,
        scaleUps: s.scaleUpInfos
          .map((i) => ({ nodeGroup: i.group, delta: i.newSize - i.currentSize }))
          .sort((a, b) => (a.nodeGroup < b.nodeGroup ? -1 : a.nodeGroup > b.nodeGroup ? 1 : 0)),
        podsTriggeredScaleUp: sortedNames(s.podsTriggeredScaleUp),
        podsRemainUnschedulable: sortedNames(s.podsRemainUnschedulable.map((r) => r.pod)),
        podsAwaitEvaluation: sortedNames(s.podsAwaitEvaluation),
        expansionOptions: s.expansionOptions.map((o) => ({ nodeGroup: o.nodeGroup, nodeCount: o.nodeCount })),
        skippedNodeGroups: skipped,
      };
    }
    case "ca.scaleup.minSize": {
      const o = obj(inputs.options, "inputs.options");
      const r = scaleUpToNodeGroupMinSize(
        {
          nodeGroups: arr(inputs.nodeGroups, "inputs.nodeGroups").map((g, i) => buildNodeGroup(g, `inputs.nodeGroups[${i}]`)),
          nodes: arr(inputs.nodes, "inputs.nodes").map((n, i) => buildNode(n, `inputs.nodes[${i}]`)),
        },
        {
          maxNodesTotal: opt(o.maxNodesTotal, (v) => num(v, "inputs.options.maxNodesTotal"), 0),
          maxCoresTotal: opt(o.maxCoresTotal, (v) => num(v, "inputs.options.maxCoresTotal"), 320_000),
          maxMemoryTotalBytes: opt(o.maxMemoryTotalBytes, (v) => num(v, "inputs.options.maxMemoryTotalBytes"), 6_400_000 * 2 ** 30),
          nodeGroupScaleUpSafety: () => null,
        },
      );
      return { result: r.result, scaleUpInfos: r.scaleUpInfos.map((i) => ({ nodeGroup: i.group, currentSize: i.currentSize, newSize: i.newSize })) };
    }
    case "ca.balance.split": {
      const groups = arr(inputs.groups, "inputs.groups").map((g0, i) => {
        const g = obj(g0, `inputs.groups[${i}]`);
        return { name: str(g.name, `inputs.groups[${i}].name`), targetSize: num(g.targetSize, `inputs.groups[${i}].targetSize`), max: num(g.max, `inputs.groups[${i}].max`) };
      });
      const newSizes: Json = {};
      const infos = balanceScaleUpBetweenGroups(groups, num(inputs.newNodes, "inputs.newNodes"));
      for (const i of infos.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0))) newSizes[i.group] = i.newSize;
      return { newSizes };
    }
    case "ca.balance.similar": {
      const ignored = new Set([...BASIC_IGNORED_LABELS, ...opt(inputs.extraIgnoredLabels, (v) => strings(v, "inputs.extraIgnoredLabels"), [])]);
      return {
        similar: isCloudProviderNodeInfoSimilar(
          buildNodeInfo(inputs.node1, "inputs.node1", "node1"),
          buildNodeInfo(inputs.node2, "inputs.node2", "node2"),
          ignored,
          ratiosOf(inputs.ratios, "inputs.ratios"),
        ),
      };
    }
    case "ca.balance.findSimilar": {
      const infos = obj(inputs.nodeInfos, "inputs.nodeInfos");
      const templates = new Map(Object.entries(infos).map(([g, n]) => [g, buildNodeInfo(n, `inputs.nodeInfos.${g}`, g)]));
      const comparator = genericNodeInfoComparator(
        opt(inputs.extraIgnoredLabels, (v) => strings(v, "inputs.extraIgnoredLabels"), []),
        ratiosOf(inputs.ratios, "inputs.ratios"),
      );
      return { similarNodeGroups: findSimilarNodeGroups(str(inputs.nodeGroup, "inputs.nodeGroup"), strings(inputs.nodeGroups, "inputs.nodeGroups"), templates, comparator) };
    }
    default:
      throw new OracleCaseError(`unknown family ${family}`);
  }
}

function deleteOptionsOf(x: unknown): NodeDeleteOptions {
  const o = obj(x ?? {}, "inputs.deleteOptions");
  const flag = (k: keyof NodeDeleteOptions) => (o[k] === undefined ? (DEFAULT_NODE_DELETE_OPTIONS[k] as boolean) : o[k] === true);
  return {
    skipNodesWithSystemPods: flag("skipNodesWithSystemPods"),
    skipNodesWithLocalStorage: flag("skipNodesWithLocalStorage"),
    skipNodesWithCustomControllerPods: flag("skipNodesWithCustomControllerPods"),
    minReplicaCount: opt(o.minReplicaCount, (v) => num(v, "inputs.deleteOptions.minReplicaCount"), 0),
    bspDisruptionTimeout_ms: opt(o.bspDisruptionTimeoutSeconds, (v) => seconds_ms(v, "inputs.deleteOptions.bspDisruptionTimeoutSeconds"), 3_600_000),
  };
}

function pdbsOf(x: unknown): PodDisruptionBudget[] {
  return opt(x, (v) => arr(v, "inputs.pdbs"), []).map((p0, i) => {
    const p = obj(p0, `inputs.pdbs[${i}]`);
    return {
      namespace: opt(p.namespace, (v) => str(v, `inputs.pdbs[${i}].namespace`), ""),
      selector: p.selector === null || p.selector === undefined ? null : labelSelector(obj(p.selector, `inputs.pdbs[${i}].selector`), `inputs.pdbs[${i}].selector`),
      disruptionsAllowed: num(p.disruptionsAllowed, `inputs.pdbs[${i}].disruptionsAllowed`),
    };
  });
}

function listersOf(x: unknown): ControllerListers | null {
  if (x === null || x === undefined) return null;
  const out = new Map<string, Map<string, number | null>>();
  for (const [kind, entries] of Object.entries(obj(x, "inputs.controllers"))) {
    const m = new Map<string, number | null>();
    for (const [key, replicas] of Object.entries(obj(entries, `inputs.controllers.${kind}`))) {
      m.set(key, replicas === null ? null : num(replicas, `inputs.controllers.${kind}.${key}`));
    }
    out.set(kind, m);
  }
  return out;
}

/** Nodes and the pods bound to them ("node" field). */
function clusterOf(inputs: Json): { nodes: CaNode[]; pods: CaPod[] } {
  return {
    nodes: arr(inputs.nodes, "inputs.nodes").map((n, i) => buildNode(n, `inputs.nodes[${i}]`)),
    pods: opt(inputs.pods, (v) => arr(v, "inputs.pods").map((p, i) => buildPod(p, `inputs.pods[${i}]`)), []),
  };
}

function runScaleDown(family: string, inputs: Json, expected: Json): Json {
  const now_ms = opt(inputs.now, (v) => seconds_ms(v, "inputs.now"), 0);
  switch (family) {
    case "ca.scaledown.utilization": {
      const node = buildNode(inputs.node, "inputs.node");
      const info = newNodeInfo(node, arr(inputs.pods, "inputs.pods").map((p, i) => ({ ...buildPod(p, `inputs.pods[${i}]`), nodeName: node.name })));
      const r = calculateUtilization(info, inputs.ignoreDaemonSetsUtilization === true, inputs.ignoreMirrorPodsUtilization === true, now_ms);
      return r.ok ? { utilization: r.info.utilization, cpuUtil: r.info.cpuUtil } : { error: true };
    }
    case "ca.scaledown.eligibility": {
      const { nodes, pods } = clusterOf(inputs);
      const snapshot = buildClusterSnapshot(nodes, pods);
      const o = obj(inputs.options, "inputs.options");
      const r = filterOutUnremovable(
        nodes.map((n) => snapshot.getNodeInfo(n.name) as NodeInfo),
        {
          scaleDownUtilizationThreshold: opt(o.scaleDownUtilizationThreshold, (v) => num(v, "inputs.options.scaleDownUtilizationThreshold"), 0.5),
          scaleDownGpuUtilizationThreshold: opt(o.scaleDownGpuUtilizationThreshold, (v) => num(v, "inputs.options.scaleDownGpuUtilizationThreshold"), 0.5),
          scaleDownUnreadyEnabled: o.scaleDownUnreadyEnabled !== false,
          ignoreDaemonSetsUtilization: o.ignoreDaemonSetsUtilization === true,
          ignoreMirrorPodsUtilization: o.ignoreMirrorPodsUtilization === true,
        },
        now_ms,
      );
      return { unneeded: r.unneeded, unremovable: r.unremovable };
    }
    case "ca.scaledown.removableAt": {
      const groups = new Map(
        arr(inputs.nodeGroups, "inputs.nodeGroups").map((g0, i) => {
          const g = obj(g0, `inputs.nodeGroups[${i}]`);
          return [str(g.name, `inputs.nodeGroups[${i}].name`), { min: num(g.min, `inputs.nodeGroups[${i}].min`), targetSize: num(g.targetSize, `inputs.nodeGroups[${i}].targetSize`) }];
        }),
      );
      const deletions = new Map(Object.entries(opt(inputs.deletionsInProgress, (v) => obj(v, "inputs.deletionsInProgress"), {})).map(([g, n]) => [g, num(n, `inputs.deletionsInProgress.${g}`)]));
      let quotaNodesLeft = opt(inputs.minQuotaNodesLeft, (v) => num(v, "inputs.minQuotaNodesLeft"), Infinity);
      const unneeded: UnneededNode[] = arr(inputs.unneededNodes, "inputs.unneededNodes").map((u0, i) => {
        const u = obj(u0, `inputs.unneededNodes[${i}]`);
        return {
          name: str(u.name, `inputs.unneededNodes[${i}].name`),
          group: opt(u.group, (v) => str(v, `inputs.unneededNodes[${i}].group`), null),
          ready: readyOf(u.ready),
          annotations: opt(u.annotations, (v) => stringMap(v, `inputs.unneededNodes[${i}].annotations`), {}),
          unneededSince_ms: seconds_ms(u.unneededSince, `inputs.unneededNodes[${i}].unneededSince`),
          podsToReschedule: opt(u.podsToReschedule, (v) => strings(v, `inputs.unneededNodes[${i}].podsToReschedule`), []),
        };
      });
      const r = removableAt({
        now_ms,
        scaleDownUnneededTime_ms: seconds_ms(inputs.scaleDownUnneededTime, "inputs.scaleDownUnneededTime"),
        scaleDownUnreadyTime_ms: seconds_ms(inputs.scaleDownUnreadyTime, "inputs.scaleDownUnreadyTime"),
        nodeGroups: groups,
        deletionsInProgress: deletions,
        consumeMinQuota: () => {
          if (quotaNodesLeft < 1) return false;
          quotaNodesLeft--;
          return true;
        },
        unneeded,
      });
      if ("emptyCount" in expected) return { emptyCount: r.empty.length, drainCount: r.drain.length };
      return { empty: r.empty.map((n) => n.name), drain: r.drain.map((n) => n.name), unremovable: r.unremovable };
    }
    case "ca.scaledown.drain": {
      const pods = arr(inputs.pods, "inputs.pods").map((p, i) => buildPod(p, `inputs.pods[${i}]`));
      const r = getPodsToMove(pods, { pdbs: pdbsOf(inputs.pdbs), listers: listersOf(inputs.controllers), now_ms }, deleteOptionsOf(inputs.deleteOptions));
      return {
        pods: sortedNames(r.pods),
        daemonSetPods: sortedNames(r.daemonSetPods),
        onCompletionPods: sortedNames(r.onCompletionPods),
        blockingPod: r.blockingPod === null ? null : { pod: r.blockingPod.pod.name, reason: r.blockingPod.reason },
      };
    }
    case "ca.scaledown.planner": {
      const { nodes, pods } = clusterOf(inputs);
      const eligible = new Set(strings(inputs.eligible, "inputs.eligible"));
      const r = categorizeNodes(
        buildClusterSnapshot(nodes, pods),
        nodes.map((n) => n.name),
        nodes.filter((n) => eligible.has(n.name)).map((n) => n.name),
        { deleteOptions: deleteOptionsOf(inputs.deleteOptions), pdbs: pdbsOf(inputs.pdbs), listers: listersOf(inputs.controllers), now_ms },
      );
      const removable = new Set(r.removable.map((n) => n.node));
      return { unneeded: [...removable].sort(), unremovable: nodes.map((n) => n.name).filter((n) => !removable.has(n)).sort() };
    }
    default:
      throw new OracleCaseError(`unknown family ${family}`);
  }
}

/** Whether a case belongs to this harness: its family is one of the "ca.*" families. */
export function isClusterAutoscalerCase(c: Json): boolean {
  return typeof c.family === "string" && c.family.startsWith("ca.");
}

/** Runs one CA case; the result has exactly the keys of the case's `expected`. */
export function runClusterAutoscalerCase(c: Json): Json {
  const family = str(c.family, "family");
  const inputs = obj(c.inputs, "inputs");
  const expected = obj(c.expected, "expected");
  let full: Json;
  if (family.startsWith("ca.estimator.")) full = runEstimator(family, inputs);
  else if (family.startsWith("ca.expander")) full = runExpander(family, inputs);
  else if (family.startsWith("ca.scaleup.") || family.startsWith("ca.balance.")) full = runScaleUp(family, inputs);
  else if (family.startsWith("ca.scaledown.")) full = runScaleDown(family, inputs, expected);
  else throw new OracleCaseError(`unknown family ${family}`);
  const result: Json = {};
  for (const key of Object.keys(expected)) result[key] = key in full ? full[key] : null;
  return result;
}
