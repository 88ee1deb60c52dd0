/**
 * `components:` of a scenario: every parameter of every component model, in human units.
 *
 * One explicit table per component maps the scenario key to the config field and its codec
 * (`metricResolution: param("metricResolution_ms", period)`), so adding a parameter is
 * one line, a renamed field fails the type check here, and nothing derives names by string
 * munging. Unknown keys are errors with a "did you mean" hint.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { array, bad, bool, describe, int, isPlainObject, leaf, ok, str, type Codec } from "../manifests/codec.js";
import type { KubeletConfig } from "../../models/kubelet/kubelet.js";
import type { CadvisorConfig } from "../../models/cadvisor/cadvisor.js";
import type { MetricsServerConfig } from "../../models/metrics-server/controller.js";
import type { HpaControllerConfig } from "../../models/hpa/controller.js";
import type { SchedulerControllerConfig } from "../../models/scheduler/controller.js";
import { DEFAULT_SCORE_WEIGHTS, type ScoreWeights } from "../../models/scheduler/schedule-one.js";
import type { TrafficConfig } from "../../models/service/traffic.js";
import type { ComponentConfig } from "../simulator.js";
import { unknownKeyErrors } from "./strict.js";
import type { PrometheusConfig } from "../../models/prometheus-adapter/prometheus.js";
import type { AdapterConfig } from "../../models/prometheus-adapter/adapter.js";
import { duration, memoryOrZero, nonNegative, nullableDuration, period, periodAtLeast, positive, positiveDuration, record } from "./units.js";
import type { ClusterAutoscalerConfig } from "../../models/cluster-autoscaler/config.js";
import { EXPANDER_NAMES, parseExpanderChain, type ExpanderName } from "../../models/cluster-autoscaler/expander/expander.js";
import { DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS, type NodeGroupDifferenceRatios } from "../../models/cluster-autoscaler/nodegroupset.js";

// Hoisted above the tables: they call paramTable while the module initialises.
function noGuard<A>(_u: unknown): _u is A {
  return false;
}

/** One scenario key: the config field it sets and how its value is read. */
export interface Param<C, K extends keyof C = keyof C> {
  field: K;
  codec: Codec<C[K]>;
}

export const param = <C, K extends keyof C>(field: K, codec: Codec<C[K]>): Param<C, K> => ({ field, codec });

/** scenario key -> parameter, for one config interface. */
export type ParamTable<C> = Readonly<Record<string, { [K in keyof C]: Param<C, K> }[keyof C]>>;

// ---- the tables --------------------------------------------------------------------------------

export const KUBELET_PARAMS: ParamTable<KubeletConfig> = {
  defaultImagePull: param("defaultImagePull_ms", duration),
  imagePull: param("imagePull_ms", record("imagePull", duration)),
  serializeImagePulls: param("serializeImagePulls", bool),
  containerStartMin: param("containerStartMin_ms", duration),
  containerStartMax: param("containerStartMax_ms", duration),
  crashLoopBackOffInitial: param("crashLoopBackOffInitial_ms", period),
  crashLoopBackOffMax: param("crashLoopBackOffMax_ms", period),
  crashLoopBackOffReset: param("crashLoopBackOffReset_ms", positiveDuration),
};

export const CADVISOR_PARAMS: ParamTable<CadvisorConfig> = {
  housekeepingInterval: param("housekeepingInterval_ms", period),
  maxJitter: param("maxJitter_ms", duration),
  phase: param("phase_ms", nullableDuration),
};

export const METRICS_SERVER_PARAMS: ParamTable<MetricsServerConfig> = {
  // metrics-server's options validation refuses less (cmd/metrics-server/app/options/options.go).
  metricResolution: param("metricResolution_ms", periodAtLeast(10_000, " (metrics-server refuses a shorter --metric-resolution)")),
  phase: param("phase_ms", nullableDuration),
  scrapeLatency: param("scrapeLatency_ms", duration),
};

export const HPA_PARAMS: ParamTable<HpaControllerConfig> = {
  syncPeriod: param("syncPeriod_ms", period),
  firstSyncDelay: param("firstSyncDelay_ms", nullableDuration),
  tolerance: param("tolerance", nonNegative("a fraction, e.g. 0.1")),
  downscaleStabilization: param("downscaleStabilisationWindow_ms", duration),
  cpuInitializationPeriod: param("cpuInitializationPeriod_ms", duration),
  initialReadinessDelay: param("delayOfInitialReadinessStatus_ms", duration),
  scaleUpLimitFactor: param("scaleUpLimitFactor", positive("a factor, e.g. 2")),
  scaleUpLimitMinimum: param("scaleUpLimitMinimum", nonNegative("pods")),
};

const WEIGHT_PARAMS: ParamTable<ScoreWeights> = {
  taintToleration: param("taintToleration", nonNegative("a score plugin weight")),
  nodeAffinity: param("nodeAffinity", nonNegative("a score plugin weight")),
  nodeResourcesFit: param("nodeResourcesFit", nonNegative("a score plugin weight")),
  balancedAllocation: param("balancedAllocation", nonNegative("a score plugin weight")),
};

// The scheduler reads whole weights; unset ones keep the default profile's weight.
const weights: Codec<Readonly<ScoreWeights>> = mapDecoded(paramTable("weights", WEIGHT_PARAMS), (w) => ({ ...DEFAULT_SCORE_WEIGHTS, ...w }));

export const SCHEDULER_PARAMS: ParamTable<SchedulerControllerConfig> = {
  schedulingLatency: param("schedulingLatency_ms", duration),
  bindingLatency: param("bindingLatency_ms", duration),
  podInitialBackoff: param("podInitialBackoff_ms", period),
  podMaxBackoff: param("podMaxBackoff_ms", period),
  podMaxInUnschedulablePodsDuration: param("podMaxInUnschedulablePodsDuration_ms", positiveDuration),
  percentageOfNodesToScore: param("percentageOfNodesToScore", int(0, 100)),
  weights: param("weights", weights),
  legacyTaintReason: param("legacyTaintReason", bool),
  popFromBackoffQ: param("popFromBackoffQ", bool),
};

export const TRAFFIC_PARAMS: ParamTable<TrafficConfig> = {
  endpointsDelay: param("endpointsDelay_ms", duration),
};

export const PROMETHEUS_PARAMS: ParamTable<PrometheusConfig> = {
  scrapeInterval: param("scrapeInterval_ms", periodAtLeast(1000, " (the Prometheus model scrapes at most once a second)")),
  phase: param("phase_ms", nullableDuration),
  retention: param("retention_ms", positiveDuration),
  lookbackDelta: param("lookbackDelta_ms", positiveDuration),
};

export const PROMETHEUS_ADAPTER_PARAMS: ParamTable<AdapterConfig> = {
  relistInterval: param("relistInterval_ms", period),
  maxAge: param("maxAge_ms", nullableDuration),
  relistPhase: param("relistPhase_ms", nullableDuration),
  warmStart: param("warmStart", bool),
  reportRateWindow: param("reportRateWindow", bool),
};

/** --expander: one name or a comma-separated chain ("priority,least-waste"). */
const expanderChain: Codec<ExpanderName[]> = leaf("expander", (u) => {
  if (typeof u !== "string") return bad(`expected an expander name or a comma-separated chain (${EXPANDER_NAMES.join(", ")}), got ${describe(u)}`);
  try {
    return ok(parseExpanderChain(u));
  } catch (e) {
    return bad((e as Error).message);
  }
});

/** The priority expander's ConfigMap: priority (an integer) → regexes of node group names. */
const expanderPriorities: Codec<Record<number, string[]> | null> = leaf("priorities", (u) => {
  if (u === null) return ok(null);
  if (!isPlainObject(u)) return bad(`expected a map of priority → list of node group regexes, got ${describe(u)}`);
  const out: Record<number, string[]> = {};
  for (const [k, v] of Object.entries(u)) {
    if (!/^-?\d+$/.test(k)) return bad(`expected integer priorities as keys, got ${JSON.stringify(k)}`);
    if (!Array.isArray(v) || v.some((r) => typeof r !== "string")) return bad(`priority ${k}: expected a list of regexes, got ${describe(v)}`);
    for (const r of v as string[]) {
      try {
        new RegExp(r);
      } catch {
        return bad(`priority ${k}: ${JSON.stringify(r)} is not a valid regex`);
      }
    }
    out[Number(k)] = v as string[];
  }
  return ok(out);
});

const fraction: Codec<number> = leaf("fraction", (u) =>
  typeof u === "number" && Number.isFinite(u) && u >= 0 && u <= 1 ? ok(u) : bad(`expected a fraction between 0 and 1, got ${describe(u)}`),
);

const RATIO_PARAMS: ParamTable<NodeGroupDifferenceRatios> = {
  maxCapacityMemoryDifferenceRatio: param("maxCapacityMemoryDifferenceRatio", fraction),
  maxAllocatableDifferenceRatio: param("maxAllocatableDifferenceRatio", fraction),
  maxFreeDifferenceRatio: param("maxFreeDifferenceRatio", fraction),
};

const ratios: Codec<NodeGroupDifferenceRatios> = mapDecoded(paramTable("nodeGroupDifferenceRatios", RATIO_PARAMS), (r) => ({ ...DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS, ...r }));

/** Cluster Autoscaler flags (cluster-autoscaler/FAQ.md "What are the parameters to CA?"), camelCased. */
export const CLUSTER_AUTOSCALER_PARAMS: ParamTable<ClusterAutoscalerConfig> = {
  scanInterval: param("scanInterval_ms", period),
  frequentLoopsEnabled: param("frequentLoopsEnabled", bool),
  expander: param("expander", expanderChain),
  expanderPriorities: param("expanderPriorities", expanderPriorities),
  maxNodesTotal: param("maxNodesTotal", int(0)),
  minCoresTotal: param("minCoresTotal", int(0)),
  maxCoresTotal: param("maxCoresTotal", int(0)),
  minMemoryTotal: param("minMemoryTotal_bytes", memoryOrZero),
  maxMemoryTotal: param("maxMemoryTotal_bytes", memoryOrZero),
  newPodScaleUpDelay: param("newPodScaleUpDelay_ms", duration),
  maxNodesPerScaleUp: param("maxNodesPerScaleUp", int(1)),
  maxNodeGroupBinpackingDuration: param("maxNodeGroupBinpackingDuration_ms", positiveDuration),
  maxNodeProvisionTime: param("maxNodeProvisionTime_ms", positiveDuration),
  initialNodeGroupBackoffDuration: param("initialNodeGroupBackoff_ms", positiveDuration),
  maxNodeGroupBackoffDuration: param("maxNodeGroupBackoff_ms", positiveDuration),
  nodeGroupBackoffResetTimeout: param("nodeGroupBackoffReset_ms", positiveDuration),
  balanceSimilarNodeGroups: param("balanceSimilarNodeGroups", bool),
  balancingIgnoreLabels: param("balancingIgnoredLabels", array(str)),
  nodeGroupDifferenceRatios: param("nodeGroupDifferenceRatios", ratios),
  enforceNodeGroupMinSize: param("enforceNodeGroupMinSize", bool),
  scaleDownEnabled: param("scaleDownEnabled", bool),
  scaleDownDelayAfterAdd: param("scaleDownDelayAfterAdd_ms", duration),
  scaleDownDelayAfterDelete: param("scaleDownDelayAfterDelete_ms", duration),
  scaleDownDelayAfterFailure: param("scaleDownDelayAfterFailure_ms", duration),
  scaleDownUnneededTime: param("scaleDownUnneededTime_ms", duration),
  scaleDownUnreadyTime: param("scaleDownUnreadyTime_ms", duration),
  scaleDownUnreadyEnabled: param("scaleDownUnreadyEnabled", bool),
  scaleDownUtilizationThreshold: param("scaleDownUtilizationThreshold", fraction),
  scaleDownGpuUtilizationThreshold: param("scaleDownGpuUtilizationThreshold", fraction),
  maxEmptyBulkDelete: param("maxEmptyBulkDelete", int(1)),
  maxScaleDownParallelism: param("maxScaleDownParallelism", int(1)),
  maxDrainParallelism: param("maxDrainParallelism", int(1)),
  scaleDownNonEmptyCandidatesCount: param("scaleDownNonEmptyCandidatesCount", int(0)),
  maxGracefulTermination: param("maxGracefulTerminationSec", mapDecoded(duration, (ms) => Math.floor(ms / 1000))),
  ignoreDaemonsetsUtilization: param("ignoreDaemonSetsUtilization", bool),
  ignoreMirrorPodsUtilization: param("ignoreMirrorPodsUtilization", bool),
  skipNodesWithSystemPods: param("skipNodesWithSystemPods", bool),
  skipNodesWithLocalStorage: param("skipNodesWithLocalStorage", bool),
  skipNodesWithCustomControllerPods: param("skipNodesWithCustomControllerPods", bool),
  minReplicaCount: param("minReplicaCount", int(0)),
  blockingSystemPodDisruptionTimeout: param("blockingSystemPodDisruptionTimeout_ms", duration),
};

// ---- the codec ---------------------------------------------------------------------------------

/** The overrides a scenario gives; each component is merged over its defaults by the simulator. */
export interface ComponentOverrides {
  watchDelay_ms?: number;
  kubelet?: Partial<KubeletConfig>;
  cadvisor?: Partial<CadvisorConfig>;
  metricsServer?: Partial<MetricsServerConfig>;
  hpa?: Partial<HpaControllerConfig>;
  scheduler?: Partial<SchedulerControllerConfig>;
  traffic?: Partial<TrafficConfig>;
  prometheus?: Partial<PrometheusConfig>;
  prometheusAdapter?: Partial<AdapterConfig>;
  clusterAutoscaler?: Partial<ClusterAutoscalerConfig>;
}

/**
 * A map decoded through a table into a partial config. Unlike `struct`, null is passed to the
 * codec rather than treated as absent: `phase: null` is a value ("draw a random phase") that must
 * be able to override a base scenario's fixed phase.
 */
export function paramTable<C>(name: string, table: ParamTable<C>): Codec<Partial<C>> {
  const known = Object.keys(table);
  return new t.Type<Partial<C>, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, `expected a map, got ${describe(u)}`);
      const errors = unknownKeyErrors(u, known, c);
      const out: Partial<C> = {};
      for (const [key, value] of Object.entries(u)) {
        if (!Object.hasOwn(table, key)) continue;
        const p = table[key];
        const r = p.codec.validate(value, [...c, { key, type: p.codec, actual: value }]);
        if (isLeft(r)) errors.push(...r.left);
        else out[p.field] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
}

function mapDecoded<A, B>(codec: Codec<A>, f: (a: A) => B): Codec<B> {
  return new t.Type<B, unknown, unknown>(codec.name, noGuard, (u, c) => {
    const r = codec.validate(u, c);
    return isLeft(r) ? r : t.success(f(r.right));
  }, t.identity);
}

/** The top-level `components:` keys. */
const COMPONENT_TABLES: { [K in Exclude<keyof ComponentConfig, "watchDelay_ms">]: Codec<Partial<ComponentConfig[K]>> } = {
  kubelet: paramTable("kubelet", KUBELET_PARAMS),
  cadvisor: paramTable("cadvisor", CADVISOR_PARAMS),
  metricsServer: paramTable("metricsServer", METRICS_SERVER_PARAMS),
  hpa: paramTable("hpa", HPA_PARAMS),
  scheduler: paramTable("scheduler", SCHEDULER_PARAMS),
  traffic: paramTable("traffic", TRAFFIC_PARAMS),
  prometheus: paramTable("prometheus", PROMETHEUS_PARAMS),
  prometheusAdapter: paramTable("prometheusAdapter", PROMETHEUS_ADAPTER_PARAMS),
  clusterAutoscaler: paramTable("clusterAutoscaler", CLUSTER_AUTOSCALER_PARAMS),
};

const TOP_PARAMS: ParamTable<ComponentOverrides> = {
  watchDelay: param("watchDelay_ms", duration),
  kubelet: param("kubelet", COMPONENT_TABLES.kubelet),
  cadvisor: param("cadvisor", COMPONENT_TABLES.cadvisor),
  metricsServer: param("metricsServer", COMPONENT_TABLES.metricsServer),
  hpa: param("hpa", COMPONENT_TABLES.hpa),
  scheduler: param("scheduler", COMPONENT_TABLES.scheduler),
  traffic: param("traffic", COMPONENT_TABLES.traffic),
  prometheus: param("prometheus", COMPONENT_TABLES.prometheus),
  prometheusAdapter: param("prometheusAdapter", COMPONENT_TABLES.prometheusAdapter),
  clusterAutoscaler: param("clusterAutoscaler", COMPONENT_TABLES.clusterAutoscaler),
};

export const components: Codec<ComponentOverrides> = paramTable("components", TOP_PARAMS) as Codec<ComponentOverrides>;

/**
 * A base scenario's overrides with a derived scenario's on top: per component, per key; maps
 * inside a component (kubelet imagePull) merge too, so a variant can add one image.
 */
export function mergeComponents(base: ComponentOverrides, over: ComponentOverrides): ComponentOverrides {
  const out: ComponentOverrides = { ...base };
  if (over.watchDelay_ms !== undefined) out.watchDelay_ms = over.watchDelay_ms;
  for (const key of Object.keys(COMPONENT_TABLES) as (keyof typeof COMPONENT_TABLES)[]) {
    const b = base[key] as Record<string, unknown> | undefined;
    const o = over[key] as Record<string, unknown> | undefined;
    if (o === undefined) continue;
    const merged: Record<string, unknown> = { ...(b ?? {}) };
    for (const [field, value] of Object.entries(o)) {
      const prev = merged[field];
      merged[field] = isPlainObject(prev) && isPlainObject(value) ? { ...prev, ...value } : value;
    }
    (out as Record<string, unknown>)[key] = merged;
  }
  return out;
}
