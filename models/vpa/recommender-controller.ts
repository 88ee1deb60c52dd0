/**
 * The VPA recommender on the kernel: every --recommender-interval, one RunOnce of
 * kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/routines/recommender.go (VPA 1.8),
 * reading only the store and the resource metrics API (never true usage):
 *  1. LoadVPAs: the VPAs this recommender serves (spec.recommenders empty or naming it) and their
 *     target's selector; a target that cannot be read gives ConfigUnsupported "Cannot read targetRef".
 *  2. LoadPods: the non-Pending pods those selectors match, one ContainerState per container,
 *     each feeding the aggregate of (namespace, pod labels, container name) (AggregateStateKey);
 *     the container's request is refreshed each loop. Pods no longer listed are forgotten.
 *  3. LoadRealTimeMetrics: PodMetrics from metrics-server, one CPU and one memory sample per
 *     container with MeasureStart = the metrics' timestamp (CPU as Quantity.MilliValue(), memory
 *     in bytes); then the OOMs observed since the last loop (RecordOOM).
 *  4. UpdateVPAs: per VPA, the aggregates its selector matches, merged per container name, the
 *     estimators, the capping post-processor; status.recommendation and the conditions
 *     (RecommendationProvided, NoPodsMatched) written when they changed.
 *
 * OOMs come from the pods' container statuses as upstream's oom.Observer reads them: a restart
 * count that went up with lastState.terminated.reason OOMKilled, the memory request of that
 * container, at the termination's finish time.
 *
 * Not modelled: checkpoints (the recommender never restarts here), the hourly garbage collection
 * of aggregates without samples for 8 days, memory-saver mode (pods without a VPA are not
 * tracked at all, which gives the same recommendations).
 */
import type { Simulation, TimeSeries } from "../../engine/index.js";
import { labelSelectorMatches } from "../cluster/labels.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import type { PodMetrics } from "../metrics-server/types.js";
import { aggregatorOf, newAggregateContainerState, type AggregateContainerState } from "./aggregate-container-state.js";
import { newAggregationsConfig, type AggregationsConfig } from "./aggregations-config.js";
import { containerAddSample, newContainerState, recordOOM, type ContainerState } from "./container-state.js";
import { cpuMcoresOf, memoryBytesOf, podsOfTarget, targetSelector } from "./convert.js";
import { DEFAULT_VPA_CONFIG, type StoredVerticalPodAutoscaler, type VpaCondition, type VpaConfig } from "./object.js";
import { computeVpaRecommendation, createPodResourceRecommender, type PodResourceRecommender } from "./recommender.js";
import type { RecommendedPodResources } from "./types.js";

export const VPA_RECOMMENDER_COMPONENT = "vpa-recommender";

/** Controllers evaluate a little after their tick: at equal times, after the default priority 0. */
export const VPA_LOOP_PRIORITY = 1;

/** What the recommender reads of the resource metrics API. */
export interface PodMetricsSource {
  getPodMetrics(namespace: string, podNames: readonly string[]): PodMetrics[];
}

interface TrackedContainer {
  state: ContainerState;
  aggregate: AggregateContainerState;
}

interface TrackedPod {
  namespace: string;
  name: string;
  containers: Map<string, TrackedContainer>;
}

interface TrackedAggregate {
  namespace: string;
  labels: Record<string, string>;
  containerName: string;
  state: AggregateContainerState;
}

interface OomInfo {
  namespace: string;
  pod: string;
  container: string;
  timestamp_ms: number;
  memory_bytes: number;
}

/** A stable text of a status (Quantities are bigints), to write only what changed. */
function statusKey(recommendation: RecommendedPodResources | null, conditions: readonly VpaCondition[]): string {
  return JSON.stringify({ recommendation, conditions }, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

/** Labels as a stable key (AggregateStateKey's labelSetKey). */
function labelSetKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(",");
}

export class VpaRecommender {
  private readonly pods = new Map<string, TrackedPod>();
  private readonly aggregates = new Map<string, TrackedAggregate>();
  /** uid/container → the restart count last seen (the oom.Observer's old object). */
  private readonly restartCounts = new Map<string, number>();
  private ooms: OomInfo[] = [];
  private readonly aggregations: AggregationsConfig;
  private readonly recommender: PodResourceRecommender;
  /** Called after each loop with the VPAs it updated (outputs sample from here). */
  onLoop: ((now_ms: number) => void) | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly metrics: PodMetricsSource,
    private readonly config: Readonly<VpaConfig> = DEFAULT_VPA_CONFIG,
    private readonly series: TimeSeries | null = null,
  ) {
    this.aggregations = newAggregationsConfig(
      config.memoryAggregationInterval_ms,
      config.memoryAggregationIntervalCount,
      config.memoryHistogramDecayHalfLife_ms,
      config.cpuHistogramDecayHalfLife_ms,
      config.oomBumpUpRatio,
      config.oomMinBumpUp_bytes,
    );
    this.recommender = createPodResourceRecommender({
      safetyMarginFraction: config.safetyMarginFraction,
      podMinCPUMillicores: config.podMinCpu_mcores,
      podMinMemoryMb: config.podMinMemory_mb,
      targetCPUPercentile: config.targetCpuPercentile,
      lowerBoundCPUPercentile: config.lowerBoundCpuPercentile,
      upperBoundCPUPercentile: config.upperBoundCpuPercentile,
      confidenceIntervalCPU_ms: config.confidenceIntervalCpu_ms,
      targetMemoryPercentile: config.targetMemoryPercentile,
      lowerBoundMemoryPercentile: config.lowerBoundMemoryPercentile,
      upperBoundMemoryPercentile: config.upperBoundMemoryPercentile,
      confidenceIntervalMemory_ms: config.confidenceIntervalMemory_ms,
    });
    store.watch<Pod>("Pod", (type, pod) => this.observe(type, pod));
    sim.every(config.recommenderInterval_ms, (now_ms) => this.runOnce(now_ms), { priority: VPA_LOOP_PRIORITY });
  }

  /** oom.Observer OnUpdate: a restart caused by an OOM kill becomes an OomInfo. */
  private observe(type: "ADDED" | "MODIFIED" | "DELETED", pod: Pod): void {
    for (const status of pod.status.containerStatuses) {
      const key = `${pod.metadata.uid}/${status.name}`;
      if (type === "DELETED") {
        this.restartCounts.delete(key);
        continue;
      }
      const before = this.restartCounts.get(key) ?? 0;
      this.restartCounts.set(key, status.restartCount);
      if (type !== "MODIFIED" || status.restartCount <= before || status.lastTerminated?.reason !== "OOMKilled") continue;
      const spec = pod.spec.containers.find((c) => c.name === status.name);
      if (spec === undefined) continue;
      this.ooms.push({
        namespace: pod.metadata.namespace,
        pod: pod.metadata.name,
        container: status.name,
        timestamp_ms: status.lastTerminated.finishedAt_ms,
        memory_bytes: spec.resources.requests.memory_bytes ?? 0,
      });
    }
  }

  /** The VPAs this recommender serves (vpa.go's recommender-name filter). */
  private vpas(): StoredVerticalPodAutoscaler[] {
    return this.store
      .list<StoredVerticalPodAutoscaler>("VerticalPodAutoscaler")
      .filter((v) => v.spec.recommenders.length === 0 ? this.config.recommenderName === "default" : v.spec.recommenders.includes(this.config.recommenderName));
  }

  runOnce(now_ms: number): void {
    // LoadVPAs and LoadPods.
    const vpas = this.vpas().map((vpa) => ({ vpa, selector: targetSelector(this.store, vpa) }));
    const listed = new Map<string, Pod>();
    for (const { vpa, selector } of vpas) {
      if (selector === null) continue;
      for (const pod of podsOfTarget(this.store, vpa, selector)) if (pod.status.phase !== "Pending") listed.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
    }
    for (const key of [...this.pods.keys()]) if (!listed.has(key)) this.pods.delete(key);
    for (const [key, pod] of listed) this.addOrUpdatePod(key, pod, now_ms);

    // LoadRealTimeMetrics: samples, then the OOMs since the last loop.
    const byNamespace = new Map<string, string[]>();
    for (const p of this.pods.values()) {
      const names = byNamespace.get(p.namespace) ?? [];
      names.push(p.name);
      byNamespace.set(p.namespace, names);
    }
    for (const [namespace, names] of byNamespace) {
      for (const m of this.metrics.getPodMetrics(namespace, names)) {
        const pod = this.pods.get(`${m.namespace}/${m.name}`);
        if (pod === undefined) continue;
        for (const c of m.containers) {
          const tracked = pod.containers.get(c.name);
          if (tracked === undefined) continue;
          const aggregator = aggregatorOf(tracked.aggregate);
          containerAddSample(tracked.state, { measureStart_ms: m.timestamp_ms, usage: c.usage.cpu_mcores, resource: "cpu" }, aggregator);
          containerAddSample(tracked.state, { measureStart_ms: m.timestamp_ms, usage: c.usage.memory_bytes, resource: "memory" }, aggregator);
        }
      }
    }
    const ooms = this.ooms;
    this.ooms = [];
    for (const oom of ooms) {
      const tracked = this.pods.get(`${oom.namespace}/${oom.pod}`)?.containers.get(oom.container);
      if (tracked !== undefined) recordOOM(tracked.state, oom.timestamp_ms, oom.memory_bytes, aggregatorOf(tracked.aggregate));
    }

    // UpdateVPAs.
    for (const { vpa, selector } of vpas) this.updateVpa(vpa, selector, now_ms);
    if (this.series !== null) for (const { vpa, selector } of vpas) this.record(this.series, vpa, selector, now_ms);
    this.onLoop?.(now_ms);
  }

  /**
   * Outputs, per VPA and container (`<vpa>/<container>`): the published bounds and target, and
   * the mean requests of the target's live pods (what the admission controller and the updater
   * have made of them so far).
   */
  private record(series: TimeSeries, vpa: StoredVerticalPodAutoscaler, selector: ReturnType<typeof targetSelector>, now_ms: number): void {
    const pods = selector === null ? [] : podsOfTarget(this.store, vpa, selector).filter((p) => p.metadata.deletionTimestamp_ms === null);
    const names = new Set<string>([...(vpa.status.recommendation?.containerRecommendations ?? []).map((c) => c.containerName), ...pods.flatMap((p) => p.spec.containers.map((c) => c.name))]);
    for (const container of [...names].sort()) {
      const name = `${vpa.metadata.name}/${container}`;
      const rec = vpa.status.recommendation?.containerRecommendations.find((c) => c.containerName === container);
      for (const [bound, list] of [["lower", rec?.lowerBound], ["target", rec?.target], ["upper", rec?.upperBound]] as const) {
        if (list?.cpu !== undefined) series.add(now_ms, "VerticalPodAutoscaler", name, `recommendation_${bound}_cpu_mcores`, cpuMcoresOf(list.cpu));
        if (list?.memory !== undefined) series.add(now_ms, "VerticalPodAutoscaler", name, `recommendation_${bound}_memory_bytes`, memoryBytesOf(list.memory));
      }
      const specs = pods.map((p) => p.spec.containers.find((c) => c.name === container)).filter((c) => c !== undefined);
      if (specs.length === 0) continue;
      const mean = (f: (c: (typeof specs)[number]) => number | undefined) => specs.reduce((sum, c) => sum + (f(c) ?? 0), 0) / specs.length;
      series.add(now_ms, "VerticalPodAutoscaler", name, "requests_cpu_mcores", mean((c) => c.resources.requests.cpu_mcores));
      series.add(now_ms, "VerticalPodAutoscaler", name, "requests_memory_bytes", mean((c) => c.resources.requests.memory_bytes));
    }
  }

  private addOrUpdatePod(key: string, pod: Pod, now_ms: number): void {
    let tracked = this.pods.get(key);
    if (tracked === undefined) {
      tracked = { namespace: pod.metadata.namespace, name: pod.metadata.name, containers: new Map() };
      this.pods.set(key, tracked);
    }
    for (const c of pod.spec.containers) {
      const request = { cpu: c.resources.requests.cpu_mcores ?? 0, memory: c.resources.requests.memory_bytes ?? 0 };
      const existing = tracked.containers.get(c.name);
      if (existing !== undefined) {
        existing.state.request = request;
        continue;
      }
      tracked.containers.set(c.name, { state: newContainerState(request), aggregate: this.findOrCreateAggregate(pod, c.name, now_ms) });
    }
  }

  /** ClusterState.findOrCreateAggregateContainerState. */
  private findOrCreateAggregate(pod: Pod, containerName: string, now_ms: number): AggregateContainerState {
    const labels = pod.metadata.labels;
    const key = `${pod.metadata.namespace}\u0000${containerName}\u0000${labelSetKey(labels)}`;
    let aggregate = this.aggregates.get(key);
    if (aggregate === undefined) {
      aggregate = { namespace: pod.metadata.namespace, labels: { ...labels }, containerName, state: newAggregateContainerState(now_ms, this.aggregations) };
      this.aggregates.set(key, aggregate);
    }
    return aggregate.state;
  }

  private updateVpa(vpa: StoredVerticalPodAutoscaler, selector: ReturnType<typeof targetSelector>, now_ms: number): void {
    const matched: [string, AggregateContainerState][] = [];
    if (selector !== null) {
      for (const a of this.aggregates.values()) {
        if (a.namespace === vpa.metadata.namespace && labelSelectorMatches(selector, a.labels)) matched.push([a.containerName, a.state]);
      }
    }
    const podsMatched = selector !== null && [...this.pods.values()].some((p) => {
      const pod = this.store.get<Pod>("Pod", p.namespace, p.name);
      return pod !== undefined && p.namespace === vpa.metadata.namespace && labelSelectorMatches(selector, pod.metadata.labels);
    });
    const recommendation = computeVpaRecommendation(this.recommender, matched, vpa.spec.resourcePolicy, null, now_ms, this.aggregations);
    const hasRecommendation = recommendation.containerRecommendations.length > 0;

    const conditions = new Map(vpa.status.conditions.map((c) => [c.type, { ...c }]));
    const set = (type: VpaCondition["type"], status: boolean, reason: string, message: string): void => {
      const value = status ? "True" : "False";
      const previous = conditions.get(type);
      const lastTransitionTime_ms = previous !== undefined && previous.status === value ? previous.lastTransitionTime_ms : now_ms;
      conditions.set(type, { type, status: value, lastTransitionTime_ms, reason, message });
    };
    // cluster_feeder.go getSelector's conditions.
    if (selector === null) set("ConfigUnsupported", true, "", "Cannot read targetRef");
    else conditions.delete("ConfigUnsupported");
    conditions.delete("ConfigDeprecated");
    // model/vpa.go UpdateConditions.
    let reason = "";
    let message = "";
    if (podsMatched) conditions.delete("NoPodsMatched");
    else {
      reason = "NoPodsMatched";
      message = "No pods match this VPA object";
      set("NoPodsMatched", true, reason, message);
    }
    if (hasRecommendation) set("RecommendationProvided", true, "", "");
    else set("RecommendationProvided", false, reason, message);

    // Conditions.AsList sorts by type.
    const list = [...conditions.values()].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    const next = hasRecommendation ? recommendation : null;
    if (statusKey(next, list) === statusKey(vpa.status.recommendation, vpa.status.conditions)) return;
    vpa.status = { recommendation: next, conditions: list };
    this.store.update(vpa);
  }
}
