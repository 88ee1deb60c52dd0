/**
 * The VPA oracle replay harness: turns each case of ../shared/oracle/vpa/*.json (schema in that
 * folder's README) into the inputs of the real VPA functions in models/vpa/ and returns the
 * result with the keys of the case's `expected`.
 *
 * Oracle conventions: CPU in millicores, memory in bytes, times in seconds since the Unix epoch
 * (null = Go's zero time), durations in seconds, int64 values beyond 2^53 as decimal strings.
 */
import {
  aggregateAddSample,
  aggregatorOf,
  isExpired,
  newAggregateContainerState,
  type AggregateContainerState,
  type ContainerUsageSample,
} from "../../models/vpa/aggregate-container-state.js";
import { DEFAULT_AGGREGATIONS_CONFIG, MIN_SAMPLE_WEIGHT } from "../../models/vpa/aggregations-config.js";
import { NOOP_LIMITS_CALCULATOR, newCappingRecommendationProcessor, applyVPAPolicy, type LimitRangeCalculator } from "../../models/vpa/capping.js";
import { containerAddSample, newContainerState, recordOOM, type ContainerState } from "../../models/vpa/container-state.js";
import {
  getConfidence,
  newConstCPUEstimator,
  newConstMemoryEstimator,
  newPercentileCPUEstimator,
  newPercentileMemoryEstimator,
  withCPUConfidenceMultiplier,
  withCPUMargin,
  withCPUMinResource,
  withMemoryConfidenceMultiplier,
  withMemoryMargin,
  withMemoryMinResource,
} from "../../models/vpa/estimator.js";
import {
  BasicHistogram,
  DecayingHistogram,
  newExponentialHistogramOptions,
  newLinearHistogramOptions,
  type Histogram,
  type HistogramOptions,
} from "../../models/vpa/histogram.js";
import { getBoundaryRequest, getProportionalResourceLimit } from "../../models/vpa/limit-and-request-scaling.js";
import { getContainersResourcesForPod } from "../../models/vpa/recommendation-provider.js";
import {
  computeVpaRecommendation,
  createPodResourceRecommender,
  DEFAULT_RECOMMENDATION_CONFIG,
  getRecommendedPodResources,
  type RecommendationConfig,
} from "../../models/vpa/recommender.js";
import { cpuAmountFromCores } from "../../models/vpa/resource-amount.js";
import { GO_ZERO_TIME_MS, type ResourceAmount, type Resources } from "../../models/vpa/types.js";
import { runUpdaterFamily } from "./vpa-updater.js";
import {
  arr,
  bool,
  buildLimitRangeItem,
  buildPod,
  buildRecommendationList,
  buildRecommendationMap,
  buildResourceList,
  buildResourcePolicy,
  num,
  obj,
  optional,
  quantityToJson,
  recommendationListToJson,
  recommendationMapToJson,
  resourceListToJson,
  secondsToMs,
  str,
  timeToMs,
  updateModeOf,
  VpaCaseError,
  type Json,
} from "./vpa-json.js";

export { VpaCaseError };

/** The `family` values this harness replays. */
export const VPA_FAMILIES: readonly string[] = [
  "vpa.histogramOptions",
  "vpa.histogram",
  "vpa.containerState",
  "vpa.aggregateIsExpired",
  "vpa.estimator",
  "vpa.podRecommender",
  "vpa.recommendation",
  "vpa.applyVPAPolicy",
  "vpa.capping",
  "vpa.limitScaling",
  "vpa.admission",
  "vpa.updatePriority",
  "vpa.updateCalculator",
  "vpa.evictionRestriction",
  "vpa.updaterMode",
];

/** True for a VPA case (recognised by its `family`). */
export function isVpaCase(c: Json): boolean {
  return typeof c.family === "string" && c.family.startsWith("vpa.");
}

// ---- histograms ----------------------------------------------------------------------------

function buildHistogramOptions(x: unknown, what: string): HistogramOptions {
  const o = obj(x, what);
  const type = str(o.type, `${what}.type`);
  try {
    if (type === "linear") return newLinearHistogramOptions(num(o.maxValue, `${what}.maxValue`), num(o.bucketSize, `${what}.bucketSize`), num(o.epsilon, `${what}.epsilon`));
    if (type === "exponential") {
      return newExponentialHistogramOptions(
        num(o.maxValue, `${what}.maxValue`),
        num(o.firstBucketSize, `${what}.firstBucketSize`),
        num(o.ratio, `${what}.ratio`),
        num(o.epsilon, `${what}.epsilon`),
      );
    }
  } catch (err) {
    throw new VpaCaseError(`${what}: ${(err as Error).message}`);
  }
  throw new VpaCaseError(`${what}.type must be linear or exponential, got ${JSON.stringify(type)}`);
}

function runHistogramOptions(inputs: Json): Json {
  const options = buildHistogramOptions(inputs.options, "inputs.options");
  const results = arr(inputs.queries, "inputs.queries").map((q0, i) => {
    const q = obj(q0, `inputs.queries[${i}]`);
    switch (q.op) {
      case "numBuckets":
        return options.numBuckets();
      case "findBucket":
        return options.findBucket(num(q.value, `inputs.queries[${i}].value`));
      case "bucketStart":
        try {
          return options.getBucketStart(num(q.bucket, `inputs.queries[${i}].bucket`));
        } catch (err) {
          throw new VpaCaseError(`inputs.queries[${i}].bucket: ${(err as Error).message}`); // upstream panics
        }
      case "epsilon":
        return options.epsilon();
      default:
        throw new VpaCaseError(`inputs.queries[${i}].op: unknown query ${JSON.stringify(q.op)}`);
    }
  });
  return { results };
}

/** Builds a histogram and replays its ops; queries append to `results`. Options JSON equal to
 * `shared`'s are the same object, as upstream's tests share one options value. */
function replayHistogram(x: Json, what: string, shared: { json: string; options: HistogramOptions } | null, results: unknown[]): BasicHistogram {
  const optionsJson = JSON.stringify(x.options);
  const options = shared !== null && shared.json === optionsJson ? shared.options : buildHistogramOptions(x.options, `${what}.options`);
  const own = { json: optionsJson, options };
  const halfLife = x.decayingHalfLifeSeconds;
  const h = halfLife === null || halfLife === undefined ? new BasicHistogram(options) : new DecayingHistogram(options, secondsToMs(halfLife, `${what}.decayingHalfLifeSeconds`));
  arr(x.ops, `${what}.ops`).forEach((op0, i) => {
    const w = `${what}.ops[${i}]`;
    const op = obj(op0, w);
    switch (op.op) {
      case "add":
      case "subtract": {
        const value = num(op.value, `${w}.value`);
        const weight = num(op.weight, `${w}.weight`);
        const t = timeToMs(op.t, `${w}.t`);
        if (op.op === "add") h.addSample(value, weight, t);
        else h.subtractSample(value, weight, t);
        return;
      }
      case "merge": {
        const other = replayHistogram(obj(op.other, `${w}.other`), `${w}.other`, own, []);
        try {
          h.merge(other);
        } catch (err) {
          throw new VpaCaseError(`${w}: ${(err as Error).message}`); // upstream panics
        }
        return;
      }
      case "percentile":
        results.push(h.percentile(num(op.p, `${w}.p`)));
        return;
      case "isEmpty":
        results.push(h.isEmpty());
        return;
      case "state": {
        const s = h.state();
        const state: Json = { minBucket: s.minBucket, maxBucket: s.maxBucket, totalWeight: s.totalWeight, bucketWeights: s.bucketWeights };
        if (s.referenceTimestamp_ms !== undefined) state.referenceTimestamp = s.referenceTimestamp_ms / 1000;
        results.push(state);
        return;
      }
      default:
        throw new VpaCaseError(`${w}.op: unknown op ${JSON.stringify(op.op)}`);
    }
  });
  return h;
}

function runHistogram(inputs: Json): Json {
  const results: unknown[] = [];
  replayHistogram(inputs, "inputs", null, results);
  return { results };
}

// ---- container state, aggregates ------------------------------------------------------------

interface HistogramCall {
  histogram: "cpu" | "memory";
  call: "AddSample" | "SubtractSample";
  value: number;
  weight: number;
  t: number;
}

/** histogram_mock.go: records the calls a ContainerState makes on its aggregate's histograms. */
class RecordingHistogram implements Histogram {
  constructor(
    private readonly name: "cpu" | "memory",
    private readonly calls: HistogramCall[],
  ) {}
  addSample(value: number, weight: number, time_ms: number): void {
    this.calls.push({ histogram: this.name, call: "AddSample", value, weight, t: time_ms / 1000 });
  }
  subtractSample(value: number, weight: number, time_ms: number): void {
    this.calls.push({ histogram: this.name, call: "SubtractSample", value, weight, t: time_ms / 1000 });
  }
  percentile(): number {
    throw new VpaCaseError("a recording histogram has no percentiles");
  }
  merge(): void {
    throw new VpaCaseError("a recording histogram cannot merge");
  }
  isEmpty(): boolean {
    return this.calls.length === 0;
  }
}

/** An aggregate with the production histograms and the case's OOM / interval settings. */
function buildAggregate(x: Json, what: string, creationTime_ms = GO_ZERO_TIME_MS): AggregateContainerState {
  const a = newAggregateContainerState(creationTime_ms);
  const interval = optional(x.memoryAggregationIntervalSeconds);
  if (interval !== null) a.memoryAggregationInterval_ms = secondsToMs(interval, `${what}.memoryAggregationIntervalSeconds`);
  const count = optional(x.memoryAggregationIntervalCount);
  if (count !== null) a.memoryAggregationIntervalCount = num(count, `${what}.memoryAggregationIntervalCount`);
  const ratio = optional(x.oomBumpUpRatio);
  if (ratio !== null) a.oomBumpUpRatio = num(ratio, `${what}.oomBumpUpRatio`);
  const minBump = optional(x.oomMinBumpUpBytes);
  if (minBump !== null) a.oomMinBumpUp_bytes = num(minBump, `${what}.oomMinBumpUpBytes`);
  return a;
}

function resourceOf(x: unknown, what: string): "cpu" | "memory" {
  const r = str(x, what);
  if (r !== "cpu" && r !== "memory") throw new VpaCaseError(`${what} must be cpu or memory, got ${JSON.stringify(r)}`);
  return r;
}

/** Replays `addSample` / `addSampleSeries` / `recordOOM` ops on a ContainerState; returns each op's result. */
function replayContainerOps(container: ContainerState, a: AggregateContainerState, ops: unknown, what: string): unknown[] {
  const aggregator = aggregatorOf(a);
  const returns: unknown[] = [];
  arr(ops, what).forEach((op0, i) => {
    const w = `${what}[${i}]`;
    const op = obj(op0, w);
    switch (op.op) {
      case "addSample":
        returns.push(
          containerAddSample(
            container,
            { measureStart_ms: timeToMs(op.t, `${w}.t`), usage: num(op.usage, `${w}.usage`), resource: resourceOf(op.resource, `${w}.resource`) },
            aggregator,
          ),
        );
        return;
      case "addSampleSeries": {
        const t0 = timeToMs(op.t, `${w}.t`);
        const step = secondsToMs(op.stepSeconds, `${w}.stepSeconds`);
        const sample = (k: number): ContainerUsageSample => ({
          measureStart_ms: t0 + k * step,
          usage: num(op.usage, `${w}.usage`),
          resource: resourceOf(op.resource, `${w}.resource`),
        });
        for (let k = 0; k < num(op.count, `${w}.count`); k++) containerAddSample(container, sample(k), aggregator);
        returns.push(null);
        return;
      }
      case "recordOOM":
        returns.push(recordOOM(container, timeToMs(op.t, `${w}.t`), num(op.requestBytes, `${w}.requestBytes`), aggregator) === null ? null : "error");
        return;
      default:
        throw new VpaCaseError(`${w}.op: unknown op ${JSON.stringify(op.op)}`);
    }
  });
  return returns;
}

function runContainerState(inputs: Json): Json {
  const calls: HistogramCall[] = [];
  const a = buildAggregate(inputs, "inputs");
  a.aggregateCPUUsage = new RecordingHistogram("cpu", calls);
  a.aggregateMemoryPeaks = new RecordingHistogram("memory", calls);
  const returns = replayContainerOps(newContainerState({}), a, inputs.ops, "inputs.ops");
  return { returns, histogramCalls: calls };
}

function runAggregateIsExpired(inputs: Json): Json {
  const a = buildAggregate(inputs, "inputs", timeToMs(inputs.creationTime ?? null, "inputs.creationTime"));
  a.totalSamplesCount = num(inputs.totalSamplesCount, "inputs.totalSamplesCount");
  if (inputs.lastSampleStart !== undefined) a.lastSampleStart_ms = timeToMs(inputs.lastSampleStart, "inputs.lastSampleStart");
  return { results: arr(inputs.queries, "inputs.queries").map((q, i) => isExpired(a, timeToMs(obj(q, `inputs.queries[${i}]`).now, `inputs.queries[${i}].now`))) };
}

/** The aggregate of an estimator case: direct AddSample calls or ContainerStates feeding it. */
function buildEstimatorAggregate(x: unknown): AggregateContainerState {
  const spec = x === undefined || x === null ? {} : obj(x, "inputs.aggregate");
  const a = newAggregateContainerState(GO_ZERO_TIME_MS);
  arr(spec.aggregateSamples ?? [], "inputs.aggregate.aggregateSamples").forEach((s0, i) => {
    const w = `inputs.aggregate.aggregateSamples[${i}]`;
    const s = obj(s0, w);
    aggregateAddSample(a, { measureStart_ms: timeToMs(s.t, `${w}.t`), usage: num(s.usage, `${w}.usage`), resource: resourceOf(s.resource, `${w}.resource`) });
  });
  arr(spec.containerStates ?? [], "inputs.aggregate.containerStates").forEach((cs0, i) => {
    const cs = obj(cs0, `inputs.aggregate.containerStates[${i}]`);
    replayContainerOps(newContainerState({}), a, cs.ops, `inputs.aggregate.containerStates[${i}].ops`);
  });
  return a;
}

function runEstimator(inputs: Json): Json {
  const e = obj(inputs.estimator, "inputs.estimator");
  const kind = str(e.kind, "inputs.estimator.kind");
  const a = buildEstimatorAggregate(inputs.aggregate);
  const baseCPU = () => newConstCPUEstimator(num(e.baseCPUMillicores, "inputs.estimator.baseCPUMillicores"));
  const baseMemory = () => newConstMemoryEstimator(num(e.baseMemoryBytes, "inputs.estimator.baseMemoryBytes"));
  const both = (cpu: (s: AggregateContainerState) => ResourceAmount, memory: (s: AggregateContainerState) => ResourceAmount): Json => ({
    cpuMillicores: cpu(a),
    memoryBytes: memory(a),
  });
  switch (kind) {
    case "confidence":
      return { confidence: getConfidence(a, secondsToMs(e.confidenceIntervalSeconds, "inputs.estimator.confidenceIntervalSeconds")) };
    case "confidenceMultiplier": {
      const m = num(e.multiplier, "inputs.estimator.multiplier");
      const x = num(e.exponent, "inputs.estimator.exponent");
      const interval = secondsToMs(e.confidenceIntervalSeconds, "inputs.estimator.confidenceIntervalSeconds");
      return both(withCPUConfidenceMultiplier(m, x, baseCPU(), interval), withMemoryConfidenceMultiplier(m, x, baseMemory(), interval));
    }
    case "margin": {
      const f = num(e.marginFraction, "inputs.estimator.marginFraction");
      return both(withCPUMargin(f, baseCPU()), withMemoryMargin(f, baseMemory()));
    }
    case "minResource":
      return both(
        withCPUMinResource(num(e.minCPUMillicores, "inputs.estimator.minCPUMillicores"), baseCPU()),
        withMemoryMinResource(num(e.minMemoryBytes, "inputs.estimator.minMemoryBytes"), baseMemory()),
      );
    case "percentile": {
      // Plain (non-decaying) histograms with the production bucketing, as estimator_test.go.
      a.aggregateCPUUsage = new BasicHistogram(DEFAULT_AGGREGATIONS_CONFIG.cpuHistogramOptions);
      a.aggregateMemoryPeaks = new BasicHistogram(DEFAULT_AGGREGATIONS_CONFIG.memoryHistogramOptions);
      arr(e.cpuSamples ?? [], "inputs.estimator.cpuSamples").forEach((s0, i) => {
        const s = obj(s0, `inputs.estimator.cpuSamples[${i}]`);
        a.aggregateCPUUsage.addSample(num(s.cores, `inputs.estimator.cpuSamples[${i}].cores`), num(s.weight ?? MIN_SAMPLE_WEIGHT, `inputs.estimator.cpuSamples[${i}].weight`), 0);
      });
      arr(e.memorySamples ?? [], "inputs.estimator.memorySamples").forEach((s0, i) => {
        const s = obj(s0, `inputs.estimator.memorySamples[${i}]`);
        a.aggregateMemoryPeaks.addSample(num(s.bytes, `inputs.estimator.memorySamples[${i}].bytes`), num(s.weight ?? 1, `inputs.estimator.memorySamples[${i}].weight`), 0);
      });
      return both(
        newPercentileCPUEstimator(num(e.cpuPercentile, "inputs.estimator.cpuPercentile")),
        newPercentileMemoryEstimator(num(e.memoryPercentile, "inputs.estimator.memoryPercentile")),
      );
    }
    case "cpuAmountFromCores":
      return { cpuMillicores: cpuAmountFromCores(num(e.cores, "inputs.estimator.cores")) };
    default:
      throw new VpaCaseError(`inputs.estimator.kind: unknown estimator ${JSON.stringify(kind)}`);
  }
}

function resourcesToJson(r: Resources): Json {
  const out: Json = {};
  if (r.cpu !== undefined) out.cpu = r.cpu;
  if (r.memory !== undefined) out.memory = r.memory;
  return out;
}

function runPodRecommender(inputs: Json): Json {
  const est = obj(inputs.constEstimators, "inputs.constEstimators");
  const bound = (name: string) => {
    const b = obj(est[name], `inputs.constEstimators.${name}`);
    return { cpu: newConstCPUEstimator(num(b.cpu, `inputs.constEstimators.${name}.cpu`)), memory: newConstMemoryEstimator(num(b.memory, `inputs.constEstimators.${name}.memory`)) };
  };
  const target = bound("target");
  const lower = bound("lowerBound");
  const upper = bound("upperBound");
  const containers = obj(inputs.containers, "inputs.containers");
  const states = new Map<string, AggregateContainerState>();
  for (const name of Object.keys(containers)) {
    const c = obj(containers[name], `inputs.containers.${name}`);
    const a = newAggregateContainerState(GO_ZERO_TIME_MS);
    if (c.controlledResources !== undefined && c.controlledResources !== null) {
      a.controlledResources = arr(c.controlledResources, `inputs.containers.${name}.controlledResources`).map((r, i) =>
        resourceOf(r, `inputs.containers.${name}.controlledResources[${i}]`),
      );
    }
    states.set(name, a);
  }
  const recommendation = getRecommendedPodResources(
    {
      targetCPU: target.cpu,
      targetMemory: target.memory,
      lowerBoundCPU: lower.cpu,
      lowerBoundMemory: lower.memory,
      upperBoundCPU: upper.cpu,
      upperBoundMemory: upper.memory,
      minCPUMillicores: num(inputs.minCPUMillicores ?? 0, "inputs.minCPUMillicores"),
      minMemoryMb: num(inputs.minMemoryMb ?? 0, "inputs.minMemoryMb"),
    },
    states,
  );
  const out: Json = {};
  for (const [name, r] of recommendation) {
    out[name] = { target: resourcesToJson(r.target), lowerBound: resourcesToJson(r.lowerBound), upperBound: resourcesToJson(r.upperBound) };
  }
  return { recommendation: out };
}

/** `config` overrides of RecommendationConfig; durations may be given in seconds. */
function buildRecommendationConfig(x: unknown): RecommendationConfig {
  const config: RecommendationConfig = { ...DEFAULT_RECOMMENDATION_CONFIG };
  if (x === undefined || x === null) return config;
  const o = obj(x, "inputs.config");
  for (const [key, value] of Object.entries(o)) {
    const field = key.replace(/Seconds$/, "_ms").replace(/^(confidenceInterval(?:CPU|Memory))$/, "$1_ms") as keyof RecommendationConfig;
    if (!(field in config)) throw new VpaCaseError(`inputs.config.${key}: unknown recommendation setting`);
    config[field] = field.endsWith("_ms") ? secondsToMs(value, `inputs.config.${key}`) : num(value, `inputs.config.${key}`);
  }
  return config;
}

function runRecommendation(inputs: Json): Json {
  // One aggregate per container name: the case's pods share one label set, hence one
  // aggregation key per container; each pod's container has its own ContainerState.
  const aggregates = new Map<string, AggregateContainerState>();
  let last_ms = GO_ZERO_TIME_MS;
  arr(inputs.containerStates, "inputs.containerStates").forEach((cs0, i) => {
    const w = `inputs.containerStates[${i}]`;
    const cs = obj(cs0, w);
    const name = str(cs.containerName, `${w}.containerName`);
    let a = aggregates.get(name);
    if (a === undefined) {
      a = buildAggregate(cs, w);
      aggregates.set(name, a);
    }
    replayContainerOps(newContainerState({}), a, cs.ops, `${w}.ops`);
    last_ms = Math.max(last_ms, a.lastSampleStart_ms);
  });
  const recommendation = computeVpaRecommendation(
    createPodResourceRecommender(buildRecommendationConfig(inputs.config)),
    [...aggregates.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)),
    buildResourcePolicy(inputs.resourcePolicy, "inputs.resourcePolicy"),
    inputs.globalMaxAllowed === undefined || inputs.globalMaxAllowed === null ? null : buildResourceList(inputs.globalMaxAllowed, "inputs.globalMaxAllowed"),
    last_ms,
  );
  const out: Json = {};
  for (const r of recommendation.containerRecommendations) {
    out[r.containerName] = { target: resourceListToJson(r.target), lowerBound: resourceListToJson(r.lowerBound), upperBound: resourceListToJson(r.upperBound) };
  }
  return { recommendation: out };
}

// ---- capping, limits, admission -------------------------------------------------------------

function runApplyVPAPolicy(inputs: Json): Json {
  const recommendation = inputs.recommendation === null ? null : buildRecommendationMap(inputs.recommendation, "inputs.recommendation");
  const capped = applyVPAPolicy(
    recommendation,
    buildResourcePolicy(inputs.resourcePolicy, "inputs.resourcePolicy"),
    inputs.globalMaxAllowed === null || inputs.globalMaxAllowed === undefined ? null : buildResourceList(inputs.globalMaxAllowed, "inputs.globalMaxAllowed"),
  );
  return { recommendation: capped === null ? null : recommendationMapToJson(capped) };
}

/** A LimitRangeCalculator returning the case's items (null = none). */
function fixedLimitRanges(podItem: unknown, containerItem: unknown, error: string | null): LimitRangeCalculator {
  const pod = podItem === null || podItem === undefined ? null : buildLimitRangeItem(podItem, "Pod", "inputs.podLimitRange");
  const container = containerItem === null || containerItem === undefined ? null : buildLimitRangeItem(containerItem, "Container", "inputs.containerLimitRange");
  return {
    getPodLimitRangeItem: () => ({ item: pod, error }),
    getContainerLimitRangeItem: () => ({ item: container, error }),
  };
}

function buildVpa(x: unknown, what: string) {
  const v = obj(x, what);
  const mode = optional(v.updateMode);
  return {
    updatePolicy: mode === null ? null : { updateMode: updateModeOf(mode, `${what}.updateMode`), minReplicas: null },
    resourcePolicy: buildResourcePolicy(v.resourcePolicy, `${what}.resourcePolicy`),
    recommendation: v.recommendation === null || v.recommendation === undefined ? null : { containerRecommendations: buildRecommendationList(v.recommendation, `${what}.recommendation`) },
    hasStartupBoost: false,
  };
}

function runCapping(inputs: Json): Json {
  const vpa = buildVpa(inputs.vpa, "inputs.vpa");
  const pod = buildPod(inputs.pod, "inputs.pod");
  const processor = newCappingRecommendationProcessor(fixedLimitRanges(inputs.podLimitRange, inputs.containerLimitRange, null));
  const r = processor(vpa, pod);
  if (r.error !== null) return { error: true };
  return {
    recommendation: r.recommendation === null ? null : recommendationListToJson(r.recommendation.containerRecommendations),
    annotations: r.annotations ?? {},
  };
}

function limitOutput(resource: "cpu" | "memory", q: bigint): Json {
  return resource === "cpu" ? { limitMillicores: quantityToJson("cpu", q) } : { limitBytes: quantityToJson("memory", q) };
}

function runLimitScaling(inputs: Json): Json {
  const fn = str(inputs.function, "inputs.function");
  const resource = resourceOf(inputs.resource, "inputs.resource");
  const q = (key: string) => (inputs[key] === undefined || inputs[key] === null ? null : buildResourceList({ [resource]: inputs[key] }, `inputs.${key}`)[resource]);
  switch (fn) {
    case "getProportionalResourceLimit": {
      const r = getProportionalResourceLimit(resource, q("originalLimit"), q("originalRequest"), q("recommendedRequest"), q("defaultLimit"));
      return { ...(r.limit === null ? { limitSet: false } : limitOutput(resource, r.limit)), annotation: r.annotation !== "" };
    }
    case "GetBoundaryRequest": {
      const boundary = getBoundaryRequest(resource, q("originalRequest"), q("originalLimit"), q("boundaryLimit") ?? 0n, q("defaultLimit"));
      return { boundary: quantityToJson(resource, boundary) };
    }
    default:
      throw new VpaCaseError(`inputs.function: unknown function ${JSON.stringify(fn)}`);
  }
}

function runAdmission(inputs: Json): Json {
  const pod = buildPod(inputs.pod, "inputs.pod");
  const vpa = buildVpa(inputs.vpa, "inputs.vpa");
  // As recommendation_provider_test.go: the capping processor has no LimitRanges; the provider's
  // own calculator returns the case's container LimitRange (or its error).
  const provider = fixedLimitRanges(null, inputs.containerLimitRange, bool(inputs.limitRangeError ?? false, "inputs.limitRangeError") ? "oh no" : null);
  const r = getContainersResourcesForPod(pod, vpa, newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR), provider);
  if (r.error !== null) return { error: true };
  return {
    containers: r.containers.map((c, i) => ({
      containerName: pod.containers[i].name,
      requests: c.requests === null ? null : resourceListToJson(c.requests),
      limits: c.limits === null ? null : resourceListToJson(c.limits),
    })),
    annotations: r.annotations,
  };
}

// ---- entry point -----------------------------------------------------------------------------

/** Runs one VPA case; the result has the keys of the case's `expected`. */
export function runVpaCase(c: Json): Json {
  const family = str(c.family, "family");
  const inputs = obj(c.inputs, "inputs");
  let full: Json;
  switch (family) {
    case "vpa.histogramOptions":
      full = runHistogramOptions(inputs);
      break;
    case "vpa.histogram":
      full = runHistogram(inputs);
      break;
    case "vpa.containerState":
      full = runContainerState(inputs);
      break;
    case "vpa.aggregateIsExpired":
      full = runAggregateIsExpired(inputs);
      break;
    case "vpa.estimator":
      full = runEstimator(inputs);
      break;
    case "vpa.podRecommender":
      full = runPodRecommender(inputs);
      break;
    case "vpa.recommendation":
      full = runRecommendation(inputs);
      break;
    case "vpa.applyVPAPolicy":
      full = runApplyVPAPolicy(inputs);
      break;
    case "vpa.capping":
      full = runCapping(inputs);
      break;
    case "vpa.limitScaling":
      full = runLimitScaling(inputs);
      break;
    case "vpa.admission":
      full = runAdmission(inputs);
      break;
    case "vpa.evictionRestriction":
    case "vpa.updatePriority":
    case "vpa.updateCalculator":
    case "vpa.updaterMode":
      full = runUpdaterFamily(family, inputs);
      break;
    default:
      throw new VpaCaseError(`unknown family ${JSON.stringify(family)} (known: ${VPA_FAMILIES.join(", ")})`);
  }
  const result: Json = {};
  for (const key of Object.keys(obj(c.expected, "expected"))) result[key] = key in full ? full[key] : null;
  return result;
}
