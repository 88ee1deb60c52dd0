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
import { array, bad, bool, describe, int, isPlainObject, leaf, ok, shapeOf, str, withShape, type Codec } from "../manifests/codec.js";
import type { KubeletConfig } from "../../models/kubelet/kubelet.js";
import type { CadvisorConfig } from "../../models/cadvisor/cadvisor.js";
import type { MetricsServerConfig } from "../../models/metrics-server/controller.js";
import type { HpaControllerConfig } from "../../models/hpa/controller.js";
import type { SchedulerControllerConfig } from "../../models/scheduler/controller.js";
import { DEFAULT_SCORE_WEIGHTS, type ScoreWeights } from "../../models/scheduler/schedule-one.js";
import type { TrafficConfig } from "../../models/service/traffic.js";
import type { ComponentConfig } from "../simulator.js";
import { strictStruct, unknownKeyErrors } from "./strict.js";
import { doc, opt, req } from "../manifests/codec.js";
import { EXPOSED_METRICS } from "../../models/prometheus-adapter/prometheus.js";
import { customRule, externalRule, RuleConfigError, type RuleConfig } from "../../models/prometheus-adapter/rules.js";
import type { PrometheusConfig } from "../../models/prometheus-adapter/prometheus.js";
import type { AdapterConfig } from "../../models/prometheus-adapter/adapter.js";
import { duration, memoryTotal, nonNegative, nullableDuration, period, periodAtLeast, positive, positiveDuration, record } from "./units.js";
import type { ClusterAutoscalerConfig } from "../../models/cluster-autoscaler/config.js";
import { EXPANDER_NAMES, parseExpanderChain, type ExpanderName } from "../../models/cluster-autoscaler/expander/expander.js";
import type { VpaConfig } from "../../models/vpa/object.js";
import type { KedaOperatorConfig } from "../../models/keda/operator.js";
import { DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS, type NodeGroupDifferenceRatios } from "../../models/cluster-autoscaler/nodegroupset.js";

// Hoisted above the tables: they call paramTable while the module initialises.
function noGuard<A>(_u: unknown): _u is A {
  return false;
}

/** One scenario key: the config field it sets, how its value is read and what it means (for docs/scenario.md). */
export interface Param<C, K extends keyof C = keyof C> {
  field: K;
  codec: Codec<C[K]>;
  doc: string;
}

export const param = <C, K extends keyof C>(field: K, codec: Codec<C[K]>, doc: string): Param<C, K> => ({ field, codec, doc });

/** scenario key -> parameter, for one config interface. */
export type ParamTable<C> = Readonly<Record<string, { [K in keyof C]: Param<C, K> }[keyof C]>>;

// ---- the tables --------------------------------------------------------------------------------

export const KUBELET_PARAMS: ParamTable<KubeletConfig> = {
  defaultImagePull: param("defaultImagePull_ms", duration, "Pull time of an image not yet on the node (unless `imagePull` names it)."),
  imagePull: param("imagePull_ms", record("imagePull", duration), "Pull time per image name, e.g. `{nginx: 2s}`; overrides `defaultImagePull` for that image."),
  serializeImagePulls: param("serializeImagePulls", bool, "kubelet `--serialize-image-pulls`: one pull at a time per node."),
  containerStartMin: param("containerStartMin_ms", duration, "Shortest container start (runtime create + start); each start is drawn uniformly from [min, max]."),
  containerStartMax: param("containerStartMax_ms", duration, "Longest container start."),
  crashLoopBackOffInitial: param("crashLoopBackOffInitial_ms", period, "First CrashLoopBackOff delay; doubles per crash."),
  crashLoopBackOffMax: param("crashLoopBackOffMax_ms", period, "Longest CrashLoopBackOff delay."),
  crashLoopBackOffReset: param("crashLoopBackOffReset_ms", positiveDuration, "A container that ran this long has its back-off reset."),
  resizeActuation: param("resizeActuation_ms", duration, "In-place resize: from the kubelet admitting it to the container status reporting the new resources (UpdateContainerResources and a PLEG relist)."),
  syncFrequency: param("syncFrequency_ms", period, "kubelet `--sync-frequency`: how often every pod is synced, which retries Deferred and failed in-place resizes."),
};

export const CADVISOR_PARAMS: ParamTable<CadvisorConfig> = {
  housekeepingInterval: param("housekeepingInterval_ms", period, "cAdvisor `--housekeeping_interval`: how often a node's container stats are refreshed."),
  maxJitter: param("maxJitter_ms", duration, "0 = a fixed interval; otherwise each interval gets a uniform extra in [0, maxJitter)."),
  phase: param("phase_ms", nullableDuration, "Delay to each node's first housekeeping; null draws it uniformly in [0, interval) per node."),
};

export const METRICS_SERVER_PARAMS: ParamTable<MetricsServerConfig> = {
  // metrics-server's options validation refuses less (cmd/metrics-server/app/options/options.go).
  metricResolution: param("metricResolution_ms", periodAtLeast(10_000, " (metrics-server refuses a shorter --metric-resolution)"), "metrics-server `--metric-resolution`: the scrape period of every node."),
  phase: param("phase_ms", nullableDuration, "Delay to the first scrape; null draws it uniformly in [0, metricResolution)."),
  scrapeLatency: param("scrapeLatency_ms", duration, "Time from a scrape's start until its samples are stored."),
};

export const HPA_PARAMS: ParamTable<HpaControllerConfig> = {
  syncPeriod: param("syncPeriod_ms", period, "kube-controller-manager `--horizontal-pod-autoscaler-sync-period`: how often every HPA is evaluated."),
  scaleToZero: param("scaleToZero", bool, "Feature gate HPAScaleToZero (alpha, off): the API server accepts `minReplicas: 0` for an HPA with an Object or External metric, which then scales its target to zero and back."),
  firstSyncDelay: param("firstSyncDelay_ms", nullableDuration, "Delay from an HPA's creation to its first sync; null draws it uniformly in [0, syncPeriod) per HPA."),
  tolerance: param("tolerance", nonNegative("a fraction, e.g. 0.1"), "`--horizontal-pod-autoscaler-tolerance`: a usage ratio within 1 ± tolerance does not rescale."),
  downscaleStabilization: param("downscaleStabilisationWindow_ms", duration, "`--horizontal-pod-autoscaler-downscale-stabilization`: the scale-down window of an HPA without `behavior`."),
  cpuInitializationPeriod: param("cpuInitializationPeriod_ms", duration, "`--horizontal-pod-autoscaler-cpu-initialization-period`: CPU samples of pods younger than this are treated as missing unless the pod is ready with a sample after its readiness."),
  initialReadinessDelay: param("delayOfInitialReadinessStatus_ms", duration, "`--horizontal-pod-autoscaler-initial-readiness-delay`: a pod that turns ready within this of its start counts as not yet ready."),
  scaleUpLimitFactor: param("scaleUpLimitFactor", positive("a factor, e.g. 2"), "Scale-up limit of an HPA without `behavior` (autoscaling/v1): at most factor × current replicas…"),
  scaleUpLimitMinimum: param("scaleUpLimitMinimum", nonNegative("pods"), "…or this many replicas, whichever is larger."),
};

const WEIGHT_PARAMS: ParamTable<ScoreWeights> = {
  taintToleration: param("taintToleration", nonNegative("a score plugin weight"), "Weight of the TaintToleration score plugin."),
  nodeAffinity: param("nodeAffinity", nonNegative("a score plugin weight"), "Weight of the NodeAffinity score plugin."),
  nodeResourcesFit: param("nodeResourcesFit", nonNegative("a score plugin weight"), "Weight of the NodeResourcesFit score plugin."),
  balancedAllocation: param("balancedAllocation", nonNegative("a score plugin weight"), "Weight of the NodeResourcesBalancedAllocation score plugin."),
};

// The scheduler reads whole weights; unset ones keep the default profile's weight.
const weights: Codec<Readonly<ScoreWeights>> = mapDecoded(paramTable("weights", WEIGHT_PARAMS), (w) => ({ ...DEFAULT_SCORE_WEIGHTS, ...w }));

export const SCHEDULER_PARAMS: ParamTable<SchedulerControllerConfig> = {
  schedulingLatency: param("schedulingLatency_ms", duration, "Time one scheduling cycle takes (pop to assume); the next pod waits for it."),
  bindingLatency: param("bindingLatency_ms", duration, "Time from the end of the cycle until the binding is written."),
  podInitialBackoff: param("podInitialBackoff_ms", period, "KubeSchedulerConfiguration `podInitialBackoffSeconds`."),
  podMaxBackoff: param("podMaxBackoff_ms", period, "KubeSchedulerConfiguration `podMaxBackoffSeconds`."),
  podMaxInUnschedulablePodsDuration: param("podMaxInUnschedulablePodsDuration_ms", positiveDuration, "`--pod-max-in-unschedulable-pods-duration`: an unschedulable pod is retried after at most this."),
  percentageOfNodesToScore: param("percentageOfNodesToScore", int(0, 100), "KubeSchedulerConfiguration `percentageOfNodesToScore`; 0 = adaptive."),
  weights: param("weights", weights, "Score plugin weights of the profile; unset weights keep the default profile's."),
  legacyTaintReason: param("legacyTaintReason", bool, "Write the ≤ 1.34 taint message `node(s) had untolerated taint {k: v}`."),
  popFromBackoffQ: param("popFromBackoffQ", bool, "Feature gate SchedulerPopFromBackoffQ (on since 1.33): an idle scheduler pops the backoff queue."),
};

export const TRAFFIC_PARAMS: ParamTable<TrafficConfig> = {
  endpointsDelay: param("endpointsDelay_ms", duration, "Delay from a pod turning ready (or not) until Services route to it (or stop)."),
};

export const PROMETHEUS_PARAMS: ParamTable<PrometheusConfig> = {
  scrapeInterval: param("scrapeInterval_ms", periodAtLeast(1000, " (the Prometheus model scrapes at most once a second)"), "Prometheus `scrape_interval` of the app's metrics."),
  phase: param("phase_ms", nullableDuration, "Delay to the first scrape; null draws it uniformly in [0, scrapeInterval)."),
  retention: param("retention_ms", positiveDuration, "How far back samples are kept; must cover the longest rate window and the lookback."),
  lookbackDelta: param("lookbackDelta_ms", positiveDuration, "Prometheus `--query.lookback-delta`: how old the newest sample an instant selector takes may be."),
};

const ruleName = strictStruct(
  "name",
  {
    matches: doc("A regular expression the series name must match (default `.*`).", opt(str)),
    as: doc("The metric's name, with the match's groups as `$1` / `${1}` (default `$1`, or the whole name without a group).", opt(str)),
  },
  { build: (f) => f },
);

const KNOWN_SERIES: ReadonlySet<string> = new Set(EXPOSED_METRICS.keys());

/** One rule of prometheus-adapter's config file, compiled by models/prometheus-adapter/rules.ts (errors at their field). */
function adapterRule<R>(name: string, compile: (rule: RuleConfig) => R): Codec<R> {
  return strictStruct(
    name,
    {
      seriesQuery: doc(`The series the rule discovers: a selector of one of the series kubesim's Prometheus scrapes (${[...KNOWN_SERIES].join(", ")}).`, req(str)),
      name: doc("How the metric is named from the series name (`matches`, `as`).", opt(ruleName)),
      metricsQuery: doc("The query template: `sum`/`avg`/`min`/`max` of `rate(<<.Series>>{<<.LabelMatchers>>}[window])` or of `<<.Series>>{<<.LabelMatchers>>}`, `by (<<.GroupBy>>)` (or, for external rules, by literal labels).", req(str)),
      resources: doc("`overrides` / `template` are accepted (kubesim's series carry the namespace, pod and service labels); for external rules `namespaced` (default true) adds the HPA's namespace to the matchers.", opt(leaf("map", (u) => (isPlainObject(u) ? ok(u) : bad(`expected a map, got ${describe(u)}`))))),
    },
    {
      build: (f, ctx) => {
        const rule: RuleConfig = {
          seriesQuery: f.seriesQuery,
          metricsQuery: f.metricsQuery,
          ...(f.name !== undefined && { name: f.name }),
          ...(typeof f.resources?.namespaced === "boolean" && { namespaced: f.resources.namespaced }),
        };
        try {
          return compile(rule);
        } catch (e) {
          if (!(e instanceof RuleConfigError)) throw e;
          ctx.error([e.field], `Invalid value: ${e.message}`);
          return undefined as never;
        }
      },
    },
  );
}

export const PROMETHEUS_ADAPTER_PARAMS: ParamTable<AdapterConfig> = {
  relistInterval: param("relistInterval_ms", period, "prometheus-adapter `--metrics-relist-interval`."),
  maxAge: param("maxAge_ms", nullableDuration, "prometheus-adapter `--metrics-max-age`; null = the relist interval."),
  relistPhase: param("relistPhase_ms", nullableDuration, "Delay to the first relist; null draws it uniformly in [0, relistInterval)."),
  warmStart: param("warmStart", bool, "true: the adapter ran before the simulation, so every rule's metric is registered at t = 0; false: a fresh adapter knows nothing until a relist sees series."),
  reportRateWindow: param("reportRateWindow", bool, "Report a rule's rate window as the metric's window (upstream reports none)."),
  rules: param("rules", array(adapterRule("rules", (r) => customRule(r, KNOWN_SERIES))), "The adapter's `rules` (custom.metrics.k8s.io) as in its config file; given, they replace the default rules (http_requests_per_second, http_requests_dropped_per_second, http_requests_queued)."),
  externalRules: param("externalRules", array(adapterRule("externalRules", (r) => externalRule(r, KNOWN_SERIES))), "The adapter's `externalRules` (external.metrics.k8s.io); given, they replace the default ones (queue_length, service_requests_per_second)."),
};

/** --expander: one name, a comma-separated chain ("priority,least-waste"), or the chain as a list. */
const expanderChain: Codec<ExpanderName[]> = leaf("expander", (u) => {
  const text = Array.isArray(u) && u.length > 0 && u.every((x) => typeof x === "string") ? u.join(",") : u;
  if (typeof text !== "string") return bad(`expected an expander name or a chain (${EXPANDER_NAMES.join(", ")}), got ${describe(u)}`);
  try {
    return ok(parseExpanderChain(text));
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
  maxCapacityMemoryDifferenceRatio: param("maxCapacityMemoryDifferenceRatio", fraction, "--memory-difference-ratio."),
  maxAllocatableDifferenceRatio: param("maxAllocatableDifferenceRatio", fraction, "--max-allocatable-difference-ratio."),
  maxFreeDifferenceRatio: param("maxFreeDifferenceRatio", fraction, "--max-free-difference-ratio."),
};

const ratios: Codec<NodeGroupDifferenceRatios> = mapDecoded(paramTable("nodeGroupDifferenceRatios", RATIO_PARAMS), (r) => ({ ...DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS, ...r }));

/** Cluster Autoscaler flags (cluster-autoscaler/FAQ.md "What are the parameters to CA?"), camelCased. */
export const CLUSTER_AUTOSCALER_PARAMS: ParamTable<ClusterAutoscalerConfig> = {
  scanInterval: param("scanInterval_ms", period, "--scan-interval: how often CA re-evaluates the cluster."),
  frequentLoopsEnabled: param("frequentLoopsEnabled", bool, "--frequent-loops-enabled: a loop starts at once after a productive loop or when a pod turns unschedulable (at most once a second)."),
  expander: param("expander", expanderChain, "--expander: random, most-pods, least-nodes, least-waste, price, priority, or a comma-separated chain."),
  expanderPriorities: param("expanderPriorities", expanderPriorities, "The priority expander's ConfigMap: priority → regexes of node group names; null = none."),
  maxNodesTotal: param("maxNodesTotal", int(0), "--max-nodes-total (0 = no limit)."),
  minCoresTotal: param("minCoresTotal", int(0), "--cores-total minimum, whole cores: scale-down keeps at least this."),
  maxCoresTotal: param("maxCoresTotal", int(0), "--cores-total maximum, whole cores."),
  minMemoryTotal: param("minMemoryTotal_bytes", memoryTotal, "--memory-total minimum."),
  maxMemoryTotal: param("maxMemoryTotal_bytes", memoryTotal, "--memory-total maximum (upstream's default: 6400000Gi)."),
  newPodScaleUpDelay: param("newPodScaleUpDelay_ms", duration, "--new-pod-scale-up-delay: pods younger than this do not trigger a scale-up."),
  maxNodesPerScaleUp: param("maxNodesPerScaleUp", int(1), "--max-nodes-per-scaleup."),
  maxNodeGroupBinpackingDuration: param("maxNodeGroupBinpackingDuration_ms", positiveDuration, "--max-nodegroup-binpacking-duration."),
  maxNodeProvisionTime: param("maxNodeProvisionTime_ms", positiveDuration, "--max-node-provision-time: an instance not registered by then is given back and the group backs off."),
  initialNodeGroupBackoffDuration: param("initialNodeGroupBackoff_ms", positiveDuration, "--initial-node-group-backoff-duration."),
  maxNodeGroupBackoffDuration: param("maxNodeGroupBackoff_ms", positiveDuration, "--max-node-group-backoff-duration."),
  nodeGroupBackoffResetTimeout: param("nodeGroupBackoffReset_ms", positiveDuration, "--node-group-backoff-reset-timeout."),
  balanceSimilarNodeGroups: param("balanceSimilarNodeGroups", bool, "--balance-similar-node-groups."),
  balancingIgnoreLabels: param("balancingIgnoredLabels", array(str), "--balancing-ignore-label (each label once)."),
  nodeGroupDifferenceRatios: param("nodeGroupDifferenceRatios", ratios, "How different similar node groups may be (--memory-difference-ratio, --max-allocatable-difference-ratio, --max-free-difference-ratio)."),
  enforceNodeGroupMinSize: param("enforceNodeGroupMinSize", bool, "--enforce-node-group-min-size: scale groups below min up to it."),
  scaleDownEnabled: param("scaleDownEnabled", bool, "--scale-down-enabled."),
  scaleDownDelayAfterAdd: param("scaleDownDelayAfterAdd_ms", duration, "--scale-down-delay-after-add."),
  scaleDownDelayAfterDelete: param("scaleDownDelayAfterDelete_ms", duration, "--scale-down-delay-after-delete."),
  scaleDownDelayAfterFailure: param("scaleDownDelayAfterFailure_ms", duration, "--scale-down-delay-after-failure."),
  scaleDownUnneededTime: param("scaleDownUnneededTime_ms", duration, "--scale-down-unneeded-time: how long a node must be unneeded before it goes."),
  scaleDownUnreadyTime: param("scaleDownUnreadyTime_ms", duration, "--scale-down-unready-time: the same for unready nodes."),
  scaleDownUnreadyEnabled: param("scaleDownUnreadyEnabled", bool, "--scale-down-unready-enabled."),
  scaleDownUtilizationThreshold: param("scaleDownUtilizationThreshold", fraction, "--scale-down-utilization-threshold: requests over allocatable (max of CPU and memory) at or below which a node may go."),
  scaleDownGpuUtilizationThreshold: param("scaleDownGpuUtilizationThreshold", fraction, "--scale-down-gpu-utilization-threshold."),
  maxEmptyBulkDelete: param("maxEmptyBulkDelete", int(1), "--max-empty-bulk-delete."),
  maxScaleDownParallelism: param("maxScaleDownParallelism", int(1), "--max-scale-down-parallelism."),
  maxDrainParallelism: param("maxDrainParallelism", int(1), "--max-drain-parallelism."),
  scaleDownNonEmptyCandidatesCount: param("scaleDownNonEmptyCandidatesCount", int(0), "--scale-down-non-empty-candidates-count: accepted, but release 1.36 no longer reads it (its planner bounds the nodes it simulates by the unneeded nodes and --max-scale-down-parallelism)."),
  unremovableNodeRecheckTimeout: param("unremovableNodeRecheckTimeout_ms", duration, "--unremovable-node-recheck-timeout: how long a node whose removal simulation failed is skipped (RecentlyUnremovable) before it is simulated again."),
  maxGracefulTermination: param("maxGracefulTermination_ms", duration, "--max-graceful-termination-sec: the longest grace period a drain gives a pod."),
  ignoreDaemonsetsUtilization: param("ignoreDaemonSetsUtilization", bool, "--ignore-daemonsets-utilization."),
  ignoreMirrorPodsUtilization: param("ignoreMirrorPodsUtilization", bool, "--ignore-mirror-pods-utilization."),
  skipNodesWithSystemPods: param("skipNodesWithSystemPods", bool, "--skip-nodes-with-system-pods."),
  skipNodesWithLocalStorage: param("skipNodesWithLocalStorage", bool, "--skip-nodes-with-local-storage."),
  skipNodesWithCustomControllerPods: param("skipNodesWithCustomControllerPods", bool, "--skip-nodes-with-custom-controller-pods."),
  minReplicaCount: param("minReplicaCount", int(0), "--min-replica-count."),
  blockingSystemPodDisruptionTimeout: param("blockingSystemPodDisruptionTimeout_ms", duration, "--blocking-system-pod-distruption-timeout: kube-system pods without a PDB block a node's removal until this long after their creation."),
};

/** The flags of the VPA recommender, updater and admission controller (main.go of pkg/recommender, pkg/updater, pkg/admission-controller; VPA 1.8), camelCased. */
export const VPA_PARAMS: ParamTable<VpaConfig> = {
  recommenderInterval: param("recommenderInterval_ms", period, "recommender --recommender-interval: how often every VPA's recommendation is recomputed."),
  recommenderName: param("recommenderName", str, "recommender --recommender-name: VPAs whose spec.recommenders name another recommender are left alone."),
  targetCpuPercentile: param("targetCpuPercentile", fraction, "--target-cpu-percentile."),
  lowerBoundCpuPercentile: param("lowerBoundCpuPercentile", fraction, "--recommendation-lower-bound-cpu-percentile."),
  upperBoundCpuPercentile: param("upperBoundCpuPercentile", fraction, "--recommendation-upper-bound-cpu-percentile."),
  targetMemoryPercentile: param("targetMemoryPercentile", fraction, "--target-memory-percentile."),
  lowerBoundMemoryPercentile: param("lowerBoundMemoryPercentile", fraction, "--recommendation-lower-bound-memory-percentile."),
  upperBoundMemoryPercentile: param("upperBoundMemoryPercentile", fraction, "--recommendation-upper-bound-memory-percentile."),
  safetyMarginFraction: param("safetyMarginFraction", nonNegative("a fraction, e.g. 0.15"), "--recommendation-margin-fraction: added to every estimate."),
  podMinCpu: param("podMinCpu_mcores", nonNegative("millicores"), "--pod-recommendation-min-cpu-millicores: the pod's minimum CPU, split over its containers."),
  podMinMemory: param("podMinMemory_mb", nonNegative("MiB"), "--pod-recommendation-min-memory-mb (MiB): the pod's minimum memory, split over its containers."),
  confidenceIntervalCpu: param("confidenceIntervalCpu_ms", positiveDuration, "--confidence-interval-cpu: history over which the CPU bounds' confidence grows."),
  confidenceIntervalMemory: param("confidenceIntervalMemory_ms", positiveDuration, "--confidence-interval-memory."),
  memoryAggregationInterval: param("memoryAggregationInterval_ms", positiveDuration, "--memory-aggregation-interval: one memory peak per container per interval."),
  memoryAggregationIntervalCount: param("memoryAggregationIntervalCount", int(1), "--memory-aggregation-interval-count."),
  cpuHistogramDecayHalfLife: param("cpuHistogramDecayHalfLife_ms", positiveDuration, "--cpu-histogram-decay-half-life."),
  memoryHistogramDecayHalfLife: param("memoryHistogramDecayHalfLife_ms", positiveDuration, "--memory-histogram-decay-half-life."),
  oomBumpUpRatio: param("oomBumpUpRatio", positive("a factor, e.g. 1.2"), "--oom-bump-up-ratio: memory sample recorded after an OOM kill, as a factor of the memory request…"),
  oomMinBumpUp: param("oomMinBumpUp_bytes", nonNegative("bytes"), "…or --oom-min-bump-up-bytes above it, whichever is more."),
  updaterInterval: param("updaterInterval_ms", period, "updater --updater-interval."),
  updaterPhase: param("updaterPhase_ms", duration, "Delay to the updater's first loop (it starts independently of the recommender)."),
  minReplicas: param("minReplicas", int(1), "updater --min-replicas: fewer live replicas than this and no pod is evicted (a VPA's updatePolicy.minReplicas overrides it)."),
  evictionTolerance: param("evictionTolerance", fraction, "updater --eviction-tolerance: the fraction of a workload's replicas that may be down for eviction at once."),
  podUpdateThreshold: param("podUpdateThreshold", nonNegative("a fraction, e.g. 0.1"), "updater --pod-update-threshold: the relative change of requests below which a pod inside its bounds is not updated."),
  podLifetimeUpdateThreshold: param("podLifetimeUpdateThreshold_ms", duration, "updater --in-recommendation-bounds-eviction-lifetime-threshold: pods younger than this are updated only when outside their bounds."),
  evictAfterOomThreshold: param("evictAfterOomThreshold_ms", duration, "updater --evict-after-oom-threshold: a container OOM-killed within this of its start gets its pod evicted for a memory increase."),
  inPlaceOrRecreate: param("inPlaceOrRecreate", bool, "Feature gate InPlaceOrRecreate of the updater and the admission controller."),
};

export const KEDA_PARAMS: ParamTable<KedaOperatorConfig> = {
  pollLatency: param("pollLatency_ms", duration, "From a poll's tick to the executor reading the clock (the scalers' queries take time): above 0, a cooldown that ends on a poll tick is over at that poll, as in a real operator."),
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
  vpa?: Partial<VpaConfig>;
  keda?: Partial<KedaOperatorConfig>;
}

/**
 * A map decoded through a table into a partial config. Unlike `struct`, null is passed to the
 * codec rather than treated as absent: `phase: null` is a value ("draw a random phase") that must
 * be able to override a base scenario's fixed phase.
 */
export function paramTable<C>(name: string, table: ParamTable<C>): Codec<Partial<C>> {
  const known = Object.keys(table);
  const codec = new t.Type<Partial<C>, unknown, unknown>(
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
  const entries = Object.entries(table).map(([key, p]) => ({
    key,
    codec: p.codec as Codec<unknown>,
    doc: p.doc,
    field: String(p.field),
  }));
  return withShape(codec, { kind: "table", entries });
}

function mapDecoded<A, B>(codec: Codec<A>, f: (a: A) => B): Codec<B> {
  const mapped = new t.Type<B, unknown, unknown>(codec.name, noGuard, (u, c) => {
    const r = codec.validate(u, c);
    return isLeft(r) ? r : t.success(f(r.right));
  }, t.identity);
  const shape = shapeOf(codec);
  return shape === undefined ? mapped : withShape(mapped, shape);
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
  vpa: paramTable("vpa", VPA_PARAMS),
  keda: paramTable("keda", KEDA_PARAMS),
};

const TOP_PARAMS: ParamTable<ComponentOverrides> = {
  watchDelay: param("watchDelay_ms", duration, "Delay of watch notifications (informer lag) for every controller."),
  kubelet: param("kubelet", COMPONENT_TABLES.kubelet, "The kubelet of every node: image pulls, container starts, CrashLoopBackOff, in-place resizes."),
  cadvisor: param("cadvisor", COMPONENT_TABLES.cadvisor, "cAdvisor in every kubelet: how fresh the container stats are."),
  metricsServer: param("metricsServer", COMPONENT_TABLES.metricsServer, "metrics-server: the resource metrics (CPU, memory) the HPA reads."),
  hpa: param("hpa", COMPONENT_TABLES.hpa, "The HPA controller of kube-controller-manager."),
  scheduler: param("scheduler", COMPONENT_TABLES.scheduler, "kube-scheduler."),
  traffic: param("traffic", COMPONENT_TABLES.traffic, "Services: how requests reach ready pods."),
  prometheus: param("prometheus", COMPONENT_TABLES.prometheus, "Prometheus, built only when an HPA reads Pods, Object or External metrics."),
  prometheusAdapter: param("prometheusAdapter", COMPONENT_TABLES.prometheusAdapter, "prometheus-adapter, which serves those metrics to the HPA."),
  clusterAutoscaler: param("clusterAutoscaler", COMPONENT_TABLES.clusterAutoscaler, "The Cluster Autoscaler, run when a node group has min and max (cluster-autoscaler flags, camelCased)."),
  vpa: param("vpa", COMPONENT_TABLES.vpa, "The Vertical Pod Autoscaler's recommender, updater and admission controller, run when the manifests have a VerticalPodAutoscaler (their flags, camelCased)."),
  keda: param("keda", COMPONENT_TABLES.keda, "The KEDA operator and its scale loops, run when the manifests have a ScaledObject."),
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
