/**
 * The KEDA oracle replay harness: turns each case of ../shared/oracle/keda/ (recognised by its
 * `family`, "keda.*") into the KEDA model's inputs, runs the real functions of models/keda/ (and,
 * for the pipeline's HPA recommendation, the HPA's own replica calculator) and returns the result
 * with exactly the keys of the case's `expected`.
 *
 * Oracle conventions (../shared/oracle/keda/README.md): times are Unix seconds, null = Go's zero
 * time; metric values and targets are milli-units; trigger metadata are strings as written.
 */
import { StaticMetricsClient } from "../../models/hpa/metrics-client.js";
import { ReplicaCalculator } from "../../models/hpa/replica-calculator.js";
import { getMetricsWithFallback, type HealthStatus } from "../../models/keda/fallback.js";
import { checkReplicaCountBoundsAreValid, getHPAMaxReplicas, getHPAMinReplicas, getScaledObjectMetricSpecs, newHPAForScaledObject } from "../../models/keda/hpa.js";
import { pollScaledObject } from "../../models/keda/poll.js";
import { requestScale } from "../../models/keda/executor.js";
import { getScaledObjectState, type TriggerState } from "../../models/keda/scale-handler.js";
import {
  findFactors,
  getLagForPartition,
  getNextFactorThatBalancesConsumersToTopicPartitions,
  parseKafkaMetadata,
  parsePartitionLimitation,
  type PartitionOffsets,
} from "../../models/keda/scalers/kafka.js";
import { buildScaler, type TriggerObservation } from "../../models/keda/scalers/index.js";
import { executePromQuery } from "../../models/keda/scalers/prometheus.js";
import { KedaConfigError, type ExternalTarget, type Fallback, type HpaBehaviorConfig, type ScaledObject, type ScaleTriggers } from "../../models/keda/types.js";
import { arr, num, obj, OracleCaseError, str, type Json } from "./json.js";

/** HPA controller --horizontal-pod-autoscaler-tolerance default. */
const HPA_TOLERANCE = 0.1;

const optNum = (x: unknown, what: string): number | undefined => (x === undefined || x === null ? undefined : num(x, what));
const timeOrNull = (x: unknown, what: string): number | null => (x === null || x === undefined ? null : num(x, what));

function stringMap(x: unknown, what: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(x, what))) out[k] = str(v, `${what}.${k}`);
  return out;
}

function trigger(x: unknown, what: string, extra: { metricType?: unknown; authParams?: unknown } = {}): ScaleTriggers {
  const t = obj(x, what);
  const metricType = t.metricType ?? extra.metricType;
  const authParams = t.authParams ?? extra.authParams;
  return {
    type: t.type === undefined ? "" : str(t.type, `${what}.type`),
    metadata: stringMap(t.metadata ?? {}, `${what}.metadata`),
    ...(metricType === undefined ? {} : { metricType: str(metricType, `${what}.metricType`) }),
    ...(authParams === undefined ? {} : { authParams: stringMap(authParams, `${what}.authParams`) }),
  };
}

function fallbackSpec(x: unknown, what: string): Fallback {
  const f = obj(x, what);
  return {
    failureThreshold: num(f.failureThreshold, `${what}.failureThreshold`),
    replicas: num(f.replicas, `${what}.replicas`),
    ...(f.behavior === undefined ? {} : { behavior: str(f.behavior, `${what}.behavior`) }),
  };
}

function scaledObject(x: unknown): ScaledObject {
  const so = obj(x, "inputs.scaledObject");
  const spec = obj(so.spec ?? {}, "scaledObject.spec");
  const status = so.status === undefined ? {} : obj(so.status, "scaledObject.status");
  const ints: Array<"pollingInterval" | "cooldownPeriod" | "initialCooldownPeriod" | "idleReplicaCount" | "minReplicaCount" | "maxReplicaCount"> = [
    "pollingInterval",
    "cooldownPeriod",
    "initialCooldownPeriod",
    "idleReplicaCount",
    "minReplicaCount",
    "maxReplicaCount",
  ];
  const out: ScaledObject = {
    name: so.name === undefined ? "name" : str(so.name, "scaledObject.name"),
    namespace: so.namespace === undefined ? "default" : str(so.namespace, "scaledObject.namespace"),
    labels: so.labels === undefined ? {} : stringMap(so.labels, "scaledObject.labels"),
    annotations: so.annotations === undefined || so.annotations === null ? null : stringMap(so.annotations, "scaledObject.annotations"),
    creationTimestamp: timeOrNull(so.creationTimestamp, "scaledObject.creationTimestamp"),
    spec: {
      scaleTargetRef: { name: spec.scaleTargetRef === undefined ? "" : str(obj(spec.scaleTargetRef, "spec.scaleTargetRef").name, "spec.scaleTargetRef.name") },
      triggers: arr(spec.triggers ?? [], "spec.triggers").map((t, i) => trigger(t, `spec.triggers[${i}]`)),
    },
    status: { lastActiveTime: timeOrNull(status.lastActiveTime, "scaledObject.status.lastActiveTime") },
  };
  for (const key of ints) {
    const v = optNum(spec[key], `spec.${key}`);
    if (v !== undefined) out.spec[key] = v;
  }
  if (spec.fallback !== undefined && spec.fallback !== null) out.spec.fallback = fallbackSpec(spec.fallback, "spec.fallback");
  if (spec.advanced !== undefined) {
    const hpaConfig = obj(obj(spec.advanced, "spec.advanced").horizontalPodAutoscalerConfig ?? {}, "spec.advanced.horizontalPodAutoscalerConfig");
    out.spec.advanced = {
      horizontalPodAutoscalerConfig: {
        ...(hpaConfig.name === undefined ? {} : { name: str(hpaConfig.name, "horizontalPodAutoscalerConfig.name") }),
        ...(hpaConfig.behavior === undefined ? {} : { behavior: obj(hpaConfig.behavior, "horizontalPodAutoscalerConfig.behavior") as HpaBehaviorConfig }),
      },
    };
  }
  return out;
}

function target(x: unknown, what: string): ExternalTarget {
  const t = obj(x, what);
  const type = str(t.type, `${what}.type`);
  if (type === "AverageValue") return { type, averageValueMilli: num(t.averageValueMilli, `${what}.averageValueMilli`) };
  if (type === "Value") return { type, valueMilli: num(t.valueMilli, `${what}.valueMilli`) };
  throw new OracleCaseError(`${what}.type must be AverageValue or Value`);
}

function partitions(x: unknown): PartitionOffsets[] {
  return arr(x, "inputs.partitions").map((p, i) => {
    const o = obj(p, `partitions[${i}]`);
    return {
      id: num(o.id, `partitions[${i}].id`),
      consumerOffset: num(o.consumerOffset, `partitions[${i}].consumerOffset`),
      latestOffset: o.latestOffset === undefined || o.latestOffset === null ? null : num(o.latestOffset, `partitions[${i}].latestOffset`),
      ...(o.previous === undefined ? {} : { previousOffset: num(o.previous, `partitions[${i}].previous`) }),
    };
  });
}

function observation(x: unknown, what: string): TriggerObservation {
  const o = obj(x, what);
  return {
    ...(o.listLength === undefined ? {} : { listLength: num(o.listLength, `${what}.listLength`) }),
    ...(o.queryValue === undefined ? {} : { queryValue: num(o.queryValue, `${what}.queryValue`) }),
    ...(o.partitions === undefined ? {} : { partitions: partitions(o.partitions) }),
    ...(o.now === undefined ? {} : { now: num(o.now, `${what}.now`) }),
  };
}

// ---- families --------------------------------------------------------------------------------

function runExecutor(inputs: Json): Json {
  const d = requestScale(
    scaledObject(inputs.scaledObject),
    num(inputs.currentReplicas, "currentReplicas"),
    inputs.isActive === true,
    inputs.isError === true,
    num(inputs.now, "now"),
  );
  return { scaleTo: d.scaleTo, lastActiveTime: d.lastActiveTime, conditions: d.conditions };
}

function runState(inputs: Json): Json {
  const triggers: TriggerState[] = arr(inputs.triggers, "triggers").map((t, i) => {
    const o = obj(t, `triggers[${i}]`);
    return {
      type: str(o.type, `triggers[${i}].type`),
      ...(o.metricName === undefined ? {} : { metricName: str(o.metricName, `triggers[${i}].metricName`) }),
      isActive: o.isActive === true,
      error: o.error !== undefined && o.error !== false,
    };
  });
  return { ...getScaledObjectState(triggers) };
}

/**
 * One polling cycle, then the generated HPA's raw recommendation at the replicas the executor
 * left: the HPA's own GetExternalPerPodMetricReplicas per metric, max over metrics, clamped.
 */
function runPipeline(inputs: Json): Json {
  const so = scaledObject(inputs.scaledObject);
  const currentReplicas = num(inputs.currentReplicas, "currentReplicas");
  const observations = arr(inputs.observations, "observations").map((o, i) => observation(o, `observations[${i}]`));
  const { triggers, state, decision } = pollScaledObject(so, currentReplicas, observations, num(inputs.now, "now"));
  const hpaMin = getHPAMinReplicas(so);
  const hpaMax = getHPAMaxReplicas(so);
  const replicas = decision.scaleTo ?? currentReplicas;
  let hpaRecommendation: number | null = null;
  if (replicas > 0) {
    const values = new Map(triggers.map((t) => [t.metricName, t.metricValueMilli]));
    const calc = new ReplicaCalculator(
      new StaticMetricsClient({
        resource: [],
        pods: () => [],
        object: () => undefined,
        external: (name) => (values.has(name) ? [{ value_milli: values.get(name) ?? 0, timestamp_ms: 0 }] : []),
      }),
      [],
      0,
      0,
      0,
    );
    let best = 0;
    for (const spec of getScaledObjectMetricSpecs(so)) {
      if (spec.type !== "External") throw new OracleCaseError("keda.pipeline: only External metrics are replayed");
      if (spec.target.type !== "AverageValue") throw new OracleCaseError("keda.pipeline: only AverageValue targets are replayed");
      const r = calc.getExternalPerPodMetricReplicas(replicas, spec.target.averageValueMilli, spec.metricName, { scaleUp: HPA_TOLERANCE, scaleDown: HPA_TOLERANCE }, null);
      if (!r.ok) throw new OracleCaseError(`keda.pipeline: ${r.error}`);
      best = Math.max(best, r.replicaCount);
    }
    hpaRecommendation = Math.min(Math.max(best, hpaMin), hpaMax);
  }
  return {
    triggers,
    isActive: state.isActive,
    scaleTo: decision.scaleTo,
    lastActiveTime: decision.lastActiveTime,
    hpaMinReplicas: hpaMin,
    hpaMaxReplicas: hpaMax,
    hpaRecommendation,
  };
}

/**
 * The scaler families, through buildScaler (the simulator's entry point) where the op is the
 * scaler interface's; a KedaConfigError (parse/validate) is {error:true}.
 */
function runScaler(family: string, inputs: Json): Json {
  const op = str(inputs.op, "inputs.op");
  const t = trigger({ type: family.slice("keda.".length), metadata: inputs.metadata ?? {} }, "inputs", { metricType: inputs.metricType, authParams: inputs.authParams });
  const index = inputs.triggerIndex === undefined ? 0 : num(inputs.triggerIndex, "triggerIndex");
  try {
    switch (op) {
      case "parse":
        if (family !== "keda.kafka") {
          buildScaler(t);
          return { error: false };
        }
        break;
      case "metricSpec":
        return { ...buildScaler(t).getMetricSpecForScaling(index) };
      case "metricsAndActivity":
        return { ...buildScaler(t).getMetricsAndActivity(observation(inputs, "inputs")) };
    }
    switch (`${family} ${op}`) {
      case "keda.prometheus executePromQuery": {
        const r = executePromQuery({ ignoreNullValues: inputs.ignoreNullValues !== false, query: "" }, num(inputs.httpStatus, "httpStatus"), str(inputs.body, "body"));
        return { value: r.value, error: r.error !== null };
      }
      case "keda.kafka parse": {
        const m = parseKafkaMetadata(t);
        return {
          topic: m.topic,
          partitionLimitation: m.partitionLimitation,
          offsetResetPolicy: m.offsetResetPolicy,
          allowIdleConsumers: m.allowIdleConsumers,
          excludePersistentLag: m.excludePersistentLag,
          limitToPartitionsWithLag: m.limitToPartitionsWithLag,
          ensureEvenDistributionOfPartitions: m.ensureEvenDistributionOfPartitions,
          fullMetadata: m.fullMetadata,
          error: false,
        };
      }
      case "keda.kafka FindFactors":
        return { factors: findFactors(num(inputs.n, "n")) };
      case "keda.kafka getNextFactorThatBalancesConsumersToTopicPartitions":
        return {
          factor: getNextFactorThatBalancesConsumersToTopicPartitions(
            num(inputs.totalLag, "totalLag"),
            num(inputs.totalTopicPartitions, "totalTopicPartitions"),
            num(inputs.lagThreshold, "lagThreshold"),
          ),
        };
      case "keda.kafka parsePartitionLimitation":
        return { error: false, partitions: parsePartitionLimitation(str(inputs.input, "input")) };
      case "keda.kafka getLagForPartition": {
        const policy = str(inputs.offsetResetPolicy, "offsetResetPolicy");
        if (policy !== "latest" && policy !== "earliest") throw new OracleCaseError('offsetResetPolicy must be "latest" or "earliest"');
        const [lag, lagWithPersistent] = getLagForPartition(
          { offsetResetPolicy: policy, scaleToZeroOnInvalidOffset: inputs.scaleToZeroOnInvalidOffset === true, excludePersistentLag: inputs.excludePersistentLag === true },
          {
            id: 0,
            consumerOffset: num(inputs.consumerOffset, "consumerOffset"),
            latestOffset: inputs.latestOffset === undefined ? null : num(inputs.latestOffset, "latestOffset"),
            ...(inputs.previousOffset === undefined ? {} : { previousOffset: num(inputs.previousOffset, "previousOffset") }),
          },
        );
        return { lag, lagWithPersistent };
      }
      default:
        throw new OracleCaseError(`unknown op ${op} for family ${family}`);
    }
  } catch (err) {
    // Only the parsing ops report a config error as a result; elsewhere it means a malformed case.
    if (err instanceof KedaConfigError) {
      if (op === "parse" || op === "parsePartitionLimitation") return { error: true };
      throw new OracleCaseError(err.message);
    }
    throw err;
  }
}

function runHpa(inputs: Json): Json {
  const op = str(inputs.op, "inputs.op");
  const so = scaledObject(inputs.scaledObject);
  if (op === "checkReplicaCountBounds") return { valid: checkReplicaCountBoundsAreValid(so) === null };
  if (op !== "newHPAForScaledObject") throw new OracleCaseError(`unknown op ${op} for family keda.hpa`);
  const st = obj(inputs.scaleTarget, "inputs.scaleTarget");
  return { ...newHPAForScaledObject(so, { kind: str(st.kind, "scaleTarget.kind"), apiVersion: str(st.apiVersion, "scaleTarget.apiVersion") }) };
}

function runFallback(inputs: Json): Json {
  const health: Record<string, HealthStatus> = {};
  for (const [k, v] of Object.entries(obj(inputs.health ?? {}, "inputs.health"))) {
    const h = obj(v, `health.${k}`);
    const status = str(h.status, `health.${k}.status`);
    if (status !== "Happy" && status !== "Failing") throw new OracleCaseError(`health.${k}.status must be Happy or Failing`);
    health[k] = { numberOfFailures: num(h.numberOfFailures, `health.${k}.numberOfFailures`), status };
  }
  const sr = obj(inputs.scalerResult, "inputs.scalerResult");
  const currentReplicas = optNum(inputs.currentReplicas, "currentReplicas") ?? 0;
  const r = getMetricsWithFallback({
    fallback: inputs.fallback === null || inputs.fallback === undefined ? null : fallbackSpec(inputs.fallback, "inputs.fallback"),
    metricName: str(inputs.metricName, "metricName"),
    target: target(inputs.metricSpecTarget, "inputs.metricSpecTarget"),
    scalerResult: sr.error !== undefined ? { error: String(sr.error) } : { metricValueMilli: num(sr.metricValueMilli, "scalerResult.metricValueMilli") },
    health,
    currentReplicas,
    readyReplicas: optNum(inputs.readyReplicas, "readyReplicas") ?? currentReplicas,
  });
  return {
    ...(r.metricValueMilli === null ? {} : { metricValueMilli: r.metricValueMilli }),
    error: r.error !== null,
    fallbackActive: r.fallbackActive,
    health: r.health,
    fallbackCondition: r.fallbackCondition ?? (inputs.fallbackCondition === undefined ? null : str(inputs.fallbackCondition, "fallbackCondition")),
  };
}

export function isKedaCase(c: Json): boolean {
  return typeof c.family === "string" && c.family.startsWith("keda.");
}

/** Runs one KEDA case; the result has exactly the keys of the case's `expected`. */
export function runKedaCase(c: Json): Json {
  const family = str(c.family, "family");
  const inputs = obj(c.inputs, "inputs");
  const expected = obj(c.expected, "expected");
  let full: Json;
  if (family === "keda.executor") full = runExecutor(inputs);
  else if (family === "keda.state") full = runState(inputs);
  else if (family === "keda.pipeline") full = runPipeline(inputs);
  else if (["keda.redis", "keda.kafka", "keda.prometheus", "keda.cron"].includes(family)) full = runScaler(family, inputs);
  else if (family === "keda.hpa") full = runHpa(inputs);
  else if (family === "keda.fallback") full = runFallback(inputs);
  else throw new OracleCaseError(`unknown family ${family}`);
  const result: Json = {};
  for (const key of Object.keys(expected)) result[key] = key in full ? full[key] : null;
  return result;
}
