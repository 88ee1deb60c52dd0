/**
 * keda.sh/v1alpha1 ScaledObject, loaded as KEDA's admission webhook and operator would take it
 * (apis/keda/v1alpha1 scaledobject_types.go, scaledobject_webhook.go): triggers parsed by their
 * scalers (an unknown type or a missing field is an error here, not at the first poll), replica
 * bounds checked (CheckReplicaCountBoundsAreValid).
 */
import type { NewObject } from "../../models/cluster/store.js";
import { checkReplicaCountBoundsAreValid } from "../../models/keda/hpa.js";
import { cpuMemoryMetricSpec } from "../../models/keda/scalers/cpu-memory.js";
import { buildScaler, RESOURCE_TRIGGER_TYPES } from "../../models/keda/scalers/index.js";
import { KedaConfigError, type Fallback, type HpaBehaviorConfig, type ScaledJobSpec, type ScaledObjectSpec, type ScaleTriggers } from "../../models/keda/types.js";
import type { ScalingStrategy } from "../../models/keda/scaled-job.js";
import { jobSpec } from "./batch.js";
import type { HorizontalPodAutoscalerBehavior, HPAScalingRules } from "../../models/hpa/types.js";
import { behavior as hpaBehavior } from "./hpa.js";
import type { StoredScaledJob, StoredScaledObject } from "../../models/keda/operator.js";
import * as t from "io-ts";
import { array, def, int, isPlainObject, oneOf, opt, req, str, stringMap, struct, type Codec } from "./codec.js";
import type { JobSpec } from "../../models/job/types.js";
import { objectMeta } from "./common.js";
import { isDNS1123Subdomain } from "./validation.js";

/** Trigger types whose event source kubesim simulates (redis and kafka read the scenario's `queues`, prometheus kubesim's Prometheus). */
export const SIMULATED_TRIGGER_TYPES: readonly string[] = ["cpu", "memory", "cron", "redis", "kafka", "prometheus"];

const anyStrings = (name: string) => stringMap(name, () => [], () => []);

const trigger: Codec<ScaleTriggers> = struct(
  "ScaleTriggers",
  {
    type: req(str),
    name: opt(str),
    metricType: opt(oneOf(["AverageValue", "Value", "Utilization"] as const)),
    metadata: def(anyStrings("metadata"), () => ({})),
  },
  {
    unmodelled: ["authenticationRef", "useCachedMetrics"],
    build: (f, ctx) => {
      const t: ScaleTriggers = { type: f.type, metadata: f.metadata, ...(f.name !== undefined && { name: f.name }), ...(f.metricType !== undefined && { metricType: f.metricType }) };
      try {
        if (RESOURCE_TRIGGER_TYPES.includes(t.type)) cpuMemoryMetricSpec(t);
        else buildScaler(t).getMetricSpecForScaling(0);
      } catch (e) {
        if (!(e instanceof KedaConfigError)) throw e;
        ctx.error([e.message.startsWith("unknown trigger type") ? "type" : "metadata"], e.message);
        return t;
      }
      if (!SIMULATED_TRIGGER_TYPES.includes(t.type)) {
        ctx.error(["type"], `Unsupported value: ${JSON.stringify(t.type)}: kubesim simulates the event sources of ${SIMULATED_TRIGGER_TYPES.join(", ")} triggers`);
      }
      return t;
    },
  },
);

/** The behavior as written: only the rules and fields given (KEDA passes it on; the API server defaults the rest). */
function writtenBehavior(b: HorizontalPodAutoscalerBehavior): HpaBehaviorConfig {
  const rules = (r: HPAScalingRules | null): Partial<HPAScalingRules> | undefined =>
    r === null ? undefined : (Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as Partial<HPAScalingRules>);
  const out: HpaBehaviorConfig = {};
  const up = rules(b.scaleUp);
  const down = rules(b.scaleDown);
  if (up !== undefined) out.scaleUp = up;
  if (down !== undefined) out.scaleDown = down;
  return out;
}

const advanced = struct(
  "AdvancedConfig",
  {
    horizontalPodAutoscalerConfig: opt(struct(
      "HorizontalPodAutoscalerConfig",
      { name: opt(str), behavior: opt(hpaBehavior) },
      { build: (f) => ({ ...(f.name !== undefined && { name: f.name }), ...(f.behavior !== undefined && { behavior: writtenBehavior(f.behavior) }) }) },
    )),
  },
  { unmodelled: ["restoreToOriginalReplicaCount", "scalingModifiers"], build: (f) => (f.horizontalPodAutoscalerConfig === undefined ? {} : { horizontalPodAutoscalerConfig: f.horizontalPodAutoscalerConfig }) },
);

const fallback: Codec<Fallback> = struct(
  "Fallback",
  {
    failureThreshold: req(int(-(2 ** 31))),
    replicas: req(int(-(2 ** 31))),
    behavior: def(oneOf(["static", "currentReplicas", "currentReplicasIfHigher", "currentReplicasIfLower"] as const), () => "static" as const),
  },
  { build: (f) => ({ failureThreshold: f.failureThreshold, replicas: f.replicas, behavior: f.behavior }) },
);

/**
 * scaledobject_types.go CheckFallbackValid: non-negative threshold and replicas; not with cpu or
 * memory triggers; only AverageValue or Value targets (the fallback metric is derived from them).
 */
function checkFallbackValid(spec: ScaledObjectSpec): string | null {
  const f = spec.fallback;
  if (f === undefined) return null;
  if (f.failureThreshold < 0 || f.replicas < 0) return `FailureThreshold=${f.failureThreshold} & Replicas=${f.replicas} must both be greater than or equal to 0`;
  for (const t of spec.triggers) {
    if (RESOURCE_TRIGGER_TYPES.includes(t.type)) return `type is ${t.type}, but fallback it is not supported by the CPU & memory scalers`;
    const metricType = t.metricType ?? "AverageValue";
    if (metricType !== "AverageValue" && metricType !== "Value") return `MetricType=${metricType}, but Fallback can only be enabled for triggers with metric of type AverageValue or Value`;
  }
  return null;
}

const scaledObjectSpec: Codec<ScaledObjectSpec> = struct(
  "ScaledObjectSpec",
  {
    scaleTargetRef: req(struct("ScaleTarget", { name: req(str), kind: def(str, () => "Deployment"), apiVersion: def(str, () => "apps/v1") }, { unmodelled: ["envSourceContainerName"], build: (f) => f })),
    pollingInterval: def(int(1), () => 30),
    cooldownPeriod: def(int(0), () => 300),
    initialCooldownPeriod: def(int(0), () => 0),
    idleReplicaCount: opt(int(0)),
    minReplicaCount: def(int(0), () => 0),
    maxReplicaCount: def(int(0), () => 100),
    triggers: req(array(trigger)),
    fallback: opt(fallback),
    advanced: opt(advanced),
  },
  {
    build: (f, ctx) => {
      if (f.triggers.length === 0) ctx.error(["triggers"], "Required value: at least one trigger");
      const spec: ScaledObjectSpec = {
        scaleTargetRef: f.scaleTargetRef,
        pollingInterval: f.pollingInterval,
        cooldownPeriod: f.cooldownPeriod,
        initialCooldownPeriod: f.initialCooldownPeriod,
        minReplicaCount: f.minReplicaCount,
        maxReplicaCount: f.maxReplicaCount,
        ...(f.idleReplicaCount !== undefined && { idleReplicaCount: f.idleReplicaCount }),
        ...(f.fallback !== undefined && { fallback: f.fallback }),
        ...(f.advanced !== undefined && { advanced: f.advanced }),
        triggers: f.triggers,
      };
      const fallbackProblem = checkFallbackValid(spec);
      if (fallbackProblem !== null) ctx.error(["fallback"], `Invalid value: ${fallbackProblem}`);
      const bounds = checkReplicaCountBoundsAreValid({ name: "", namespace: "", labels: {}, annotations: null, creationTimestamp: null, spec, status: { lastActiveTime: null } });
      if (bounds !== null) ctx.error(["minReplicaCount"], `Invalid value: ${bounds}`);
      if (f.minReplicaCount === 0 && f.triggers.every((t) => RESOURCE_TRIGGER_TYPES.includes(t.type))) {
        // scaledobject_webhook.go verifyCPUMemoryScalers: cpu/memory alone cannot bring a target back from zero.
        ctx.error(["minReplicaCount"], "Invalid value: 0: scaledobject has only cpu/memory triggers AND minReplica is 0 (scale to zero doesn't work in this case)");
      }
      return spec;
    },
  },
);

/** keda.sh/v1alpha1 ScaledObject. */
export const scaledObjectCodec: Codec<NewObject<StoredScaledObject>> = struct(
  "ScaledObject",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(scaledObjectSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({ kind: "ScaledObject" as const, metadata: f.metadata, spec: f.spec, status: { lastActiveTime: null, active: false, ready: false, health: {}, fallback: false } }),
  },
);

const scalingStrategy = struct(
  "ScalingStrategy",
  {
    strategy: def(oneOf(["default", "custom", "accurate", "eager"] as const), () => "default" as const),
    customScalingQueueLengthDeduction: opt(int(-(2 ** 31))),
    customScalingRunningJobPercentage: opt(str),
    multipleScalersCalculation: def(oneOf(["max", "min", "avg", "sum"] as const), () => "max" as const),
  },
  {
    unmodelled: ["pendingPodConditions"],
    build: (f): ScalingStrategy => ({
      strategy: f.strategy,
      multipleScalersCalculation: f.multipleScalersCalculation,
      ...(f.customScalingQueueLengthDeduction !== undefined && { customScalingQueueLengthDeduction: f.customScalingQueueLengthDeduction }),
      ...(f.customScalingRunningJobPercentage !== undefined && { customScalingRunningJobPercentage: f.customScalingRunningJobPercentage }),
    }),
  },
);

/**
 * generateJobs: "Job doesn't allow RestartPolicyAlways": a jobTargetRef whose pod template sets
 * no restartPolicy gets OnFailure (before the pod defaulting would make it Always).
 */
const jobTargetRef: Codec<JobSpec> = new t.Type<JobSpec, unknown, unknown>(
  "JobSpec",
  (_u): _u is JobSpec => false,
  (u, c) => {
    const spec = isPlainObject(u) && isPlainObject(u.template) && isPlainObject(u.template.spec) ? u.template.spec : null;
    if (spec === null || spec.restartPolicy !== undefined) return jobSpec.validate(u, c);
    const template = u as { template: { spec: Record<string, unknown> } };
    return jobSpec.validate({ ...template, template: { ...template.template, spec: { ...spec, restartPolicy: "OnFailure" } } }, c);
  },
  t.identity,
);

const scaledJobSpec: Codec<ScaledJobSpec> = struct(
  "ScaledJobSpec",
  {
    jobTargetRef: req(jobTargetRef),
    pollingInterval: def(int(1), () => 30),
    successfulJobsHistoryLimit: def(int(0), () => 100),
    failedJobsHistoryLimit: def(int(0), () => 100),
    minReplicaCount: def(int(0), () => 0),
    maxReplicaCount: def(int(0), () => 100),
    scalingStrategy: def(scalingStrategy, () => ({ strategy: "default" as const, multipleScalersCalculation: "max" as const })),
    triggers: req(array(trigger)),
  },
  {
    unmodelled: ["rollout", "rolloutStrategy", "envSourceContainerName"],
    build: (f, ctx) => {
      if (f.triggers.length === 0) ctx.error(["triggers"], "Required value: at least one trigger");
      f.triggers.forEach((t, i) => {
        // getScaledJobMetrics skips metric specs without External: cpu/memory scale nothing here.
        if (RESOURCE_TRIGGER_TYPES.includes(t.type)) ctx.error(["triggers", i, "type"], `Unsupported value: ${JSON.stringify(t.type)}: a ScaledJob scales on external metrics only (cpu and memory triggers give it none)`);
      });
      if (f.minReplicaCount > f.maxReplicaCount) ctx.error(["minReplicaCount"], `Invalid value: MinReplicaCount=${f.minReplicaCount} must be less than MaxReplicaCount=${f.maxReplicaCount}`);
      return { ...f };
    },
  },
);

/** keda.sh/v1alpha1 ScaledJob. */
export const scaledJobCodec: Codec<NewObject<StoredScaledJob>> = struct(
  "ScaledJob",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(scaledJobSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({ kind: "ScaledJob" as const, metadata: f.metadata, spec: f.spec, status: { lastActiveTime: null, active: false } }),
  },
);
