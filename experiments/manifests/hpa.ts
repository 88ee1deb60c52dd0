/**
 * HorizontalPodAutoscaler codecs: autoscaling/v2 as is, autoscaling/v1 converted to v2.
 *
 * Defaults: pkg/apis/autoscaling/v2/defaults.go SetDefaults_HorizontalPodAutoscaler (minReplicas
 * 1; no metrics -> CPU Utilization 80 %). `behavior` stays null when absent (legacy
 * normalization); when present, each rule keeps null for what the user left unset, and
 * models/hpa/defaults.ts setDefaultsHorizontalPodAutoscalerBehavior fills the per-direction
 * defaults where the controller reads them (reconcile.ts), exactly as the API server would have.
 * Checks: pkg/apis/autoscaling/validation/validation.go.
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { StoredHorizontalPodAutoscaler } from "../../models/hpa/controller.js";
import type { Int64 } from "../../models/hpa/int64.js";
import type {
  CrossVersionObjectReference,
  HorizontalPodAutoscalerBehavior,
  HorizontalPodAutoscalerSpec,
  HorizontalPodAutoscalerStatus,
  HPAScalingPolicy,
  HPAScalingRules,
  MetricIdentifier,
  MetricSpec,
  MetricTarget,
  ResourceName,
} from "../../models/hpa/types.js";
import { array, def, int, oneOf, opt, req, str, struct, type BuildContext, type Codec } from "./codec.js";
import { labelSelector, milliQuantity, objectMeta, plainQuantity, type DecodedMeta } from "./common.js";
import { checkCrossVersionObjectReference, invalidValue, isDNS1123Subdomain, notSupported } from "./validation.js";

export type NewHorizontalPodAutoscaler = NewObject<StoredHorizontalPodAutoscaler>;

/** autoscaling.DefaultCPUUtilization (pkg/apis/autoscaling/annotations.go). */
export const DEFAULT_CPU_UTILIZATION_PERCENT = 80;

const isPositive = (x: Int64): boolean => (typeof x === "bigint" ? x > 0n : x > 0);

/** autoscaling/v2 CrossVersionObjectReference; ValidateCrossVersionObjectReference. */
const crossVersionObjectReference: Codec<CrossVersionObjectReference> = struct(
  "CrossVersionObjectReference",
  { kind: req(str), name: req(str), apiVersion: def(str, () => "") },
  {
    build: (f, ctx) => {
      checkCrossVersionObjectReference(f, (path, message) => ctx.error(path, message));
      return { kind: f.kind, name: f.name, apiVersion: f.apiVersion };
    },
  },
);

/** autoscaling/v2 MetricTarget; validation.go validateMetricTarget. */
const metricTarget: Codec<MetricTarget> = struct(
  "MetricTarget",
  {
    type: req(oneOf(["Utilization", "Value", "AverageValue"] as const), "Required value: must specify a metric target type"),
    value: opt(milliQuantity),
    averageValue: opt(milliQuantity),
    averageUtilization: opt(int(1)),
  },
  {
    build: (f, ctx) => {
      if (f.value !== undefined && !isPositive(f.value)) ctx.error(["value"], "Invalid value: must be positive");
      if (f.averageValue !== undefined && !isPositive(f.averageValue)) ctx.error(["averageValue"], "Invalid value: must be positive");
      return {
        type: f.type,
        value_milli: f.value ?? null,
        averageValue_milli: f.averageValue ?? null,
        averageUtilization_percent: f.averageUtilization ?? null,
      };
    },
  },
);

const metricIdentifier: Codec<MetricIdentifier> = struct(
  "MetricIdentifier",
  { name: req(str, "Required value: must specify a metric name"), selector: opt(labelSelector) },
  { build: (f) => ({ name: f.name, selector: f.selector ?? null }) },
);

const RESOURCE_NAMES: readonly ResourceName[] = ["cpu", "memory"];

function resourceName(name: string, ctx: BuildContext): ResourceName {
  if (!(RESOURCE_NAMES as readonly string[]).includes(name)) {
    // Valid upstream, but kubesim has no usage model for other resources: an error, not a silent
    // drop, because ignoring a metric changes the HPA's decisions.
    ctx.error(["name"], `${notSupported(name, RESOURCE_NAMES)} (kubesim models only these resources)`);
  }
  return name as ResourceName;
}

// validation.go validateResourceSource / validateContainerResourceSource target checks.
function checkResourceTarget(target: MetricTarget, ctx: BuildContext): void {
  if (target.averageUtilization_percent === null && target.averageValue_milli === null) {
    ctx.error(["target", "averageUtilization"], "Required value: must set either a target raw value or a target utilization");
  }
  if (target.averageUtilization_percent !== null && target.averageValue_milli !== null) {
    ctx.error(["target", "averageValue"], "Forbidden: may not set both a target raw value and a target utilization");
  }
}

const resourceSource = struct(
  "ResourceMetricSource",
  { name: req(str, "Required value: must specify a resource name"), target: req(metricTarget) },
  {
    build: (f, ctx) => {
      checkResourceTarget(f.target, ctx);
      return { name: resourceName(f.name, ctx), target: f.target };
    },
  },
);

const containerResourceSource = struct(
  "ContainerResourceMetricSource",
  {
    name: req(str, "Required value: must specify a resource name"),
    target: req(metricTarget),
    container: req(str, "Required value: must specify a container"),
  },
  {
    build: (f, ctx) => {
      checkResourceTarget(f.target, ctx);
      return { name: resourceName(f.name, ctx), target: f.target, container: f.container };
    },
  },
);

const podsSource = struct(
  "PodsMetricSource",
  { metric: req(metricIdentifier), target: req(metricTarget) },
  {
    build: (f, ctx) => {
      if (f.target.averageValue_milli === null) ctx.error(["target", "averageValue"], "Required value: must specify a positive target averageValue");
      return { metric: f.metric, target: f.target };
    },
  },
);

const objectSource = struct(
  "ObjectMetricSource",
  { describedObject: req(crossVersionObjectReference), metric: req(metricIdentifier), target: req(metricTarget) },
  {
    build: (f, ctx) => {
      if (f.target.value_milli === null && f.target.averageValue_milli === null) {
        ctx.error(["target", "averageValue"], "Required value: must set either a target value or averageValue");
      }
      return { describedObject: f.describedObject, metric: f.metric, target: f.target };
    },
  },
);

const externalSource = struct(
  "ExternalMetricSource",
  { metric: req(metricIdentifier), target: req(metricTarget) },
  {
    build: (f, ctx) => {
      if (f.target.value_milli === null && f.target.averageValue_milli === null) {
        ctx.error(["target", "averageValue"], "Required value: must set either a target value for metric or a per-pod target");
      }
      if (f.target.value_milli !== null && f.target.averageValue_milli !== null) {
        ctx.error(["target", "value"], "Forbidden: may not set both a target value for metric and a per-pod target");
      }
      return { metric: f.metric, target: f.target };
    },
  },
);

// MetricSourceType -> the field that carries its source.
const SOURCE_FIELDS = { Object: "object", Pods: "pods", Resource: "resource", ContainerResource: "containerResource", External: "external" } as const;
const METRIC_SOURCE_TYPES = Object.keys(SOURCE_FIELDS) as (keyof typeof SOURCE_FIELDS)[];

/** autoscaling/v2 MetricSpec; validation.go validateMetricSpec: the source of `type`, and only it. */
const metricSpec: Codec<MetricSpec> = struct(
  "MetricSpec",
  {
    type: req(str, "Required value: must specify a metric source type"),
    object: opt(objectSource),
    pods: opt(podsSource),
    resource: opt(resourceSource),
    containerResource: opt(containerResourceSource),
    external: opt(externalSource),
  },
  {
    build: (f, ctx) => {
      const type = f.type as keyof typeof SOURCE_FIELDS;
      if (!METRIC_SOURCE_TYPES.includes(type)) {
        ctx.error(["type"], notSupported(f.type, [...METRIC_SOURCE_TYPES].sort()));
        return { type: f.type };
      }
      const expected = SOURCE_FIELDS[type];
      if (f[expected] === undefined) ctx.error([expected], "Required value: must populate information for the given metric source");
      for (const other of Object.values(SOURCE_FIELDS)) {
        if (other !== expected && f[other] !== undefined) ctx.error([other], "Forbidden: must populate the given metric source only");
      }
      return { type, [expected]: f[expected] } as MetricSpec;
    },
  },
);

const scalingPolicy: Codec<HPAScalingPolicy> = struct(
  "HPAScalingPolicy",
  {
    type: req(oneOf(["Pods", "Percent"] as const)),
    // validation.go validateScalingPolicy: value > 0; 0 < periodSeconds <= 1800 (MaxPeriodSeconds).
    value: req(int(1)),
    periodSeconds: req(int(1, 1800)),
  },
  { build: (f) => ({ type: f.type, value: f.value, periodSeconds: f.periodSeconds }) },
);

const scalingRules: Codec<HPAScalingRules> = struct(
  "HPAScalingRules",
  {
    // validation.go validateScalingRules: 0 <= window <= 3600 (MaxStabilizationWindowSeconds).
    stabilizationWindowSeconds: opt(int(0, 3600)),
    selectPolicy: opt(oneOf(["Max", "Min", "Disabled"] as const)),
    policies: opt(array(scalingPolicy)),
    // HPAConfigurableTolerance: a non-negative quantity ("0.05", "50m").
    tolerance: opt(plainQuantity),
  },
  {
    build: (f, ctx) => {
      if (f.policies !== undefined && f.policies.length === 0) ctx.error(["policies"], "Required value: must specify at least one Policy");
      return {
        stabilizationWindowSeconds: f.stabilizationWindowSeconds ?? null,
        selectPolicy: f.selectPolicy ?? null,
        policies: f.policies ?? null,
        tolerance: f.tolerance ?? null,
      };
    },
  },
);

/** autoscaling/v2 HorizontalPodAutoscalerBehavior, validated as the API server does (KEDA's advanced section reuses it). */
export const behavior: Codec<HorizontalPodAutoscalerBehavior> = struct(
  "HorizontalPodAutoscalerBehavior",
  { scaleUp: opt(scalingRules), scaleDown: opt(scalingRules) },
  { build: (f) => ({ scaleUp: f.scaleUp ?? null, scaleDown: f.scaleDown ?? null }) },
);

function defaultMetrics(): MetricSpec[] {
  return [
    {
      type: "Resource",
      resource: {
        name: "cpu",
        target: { type: "Utilization", value_milli: null, averageValue_milli: null, averageUtilization_percent: DEFAULT_CPU_UTILIZATION_PERCENT },
      },
    },
  ];
}

function checkReplicaBounds(minReplicas: number | undefined, maxReplicas: number | undefined, ctx: BuildContext): void {
  // validation.go validateHorizontalPodAutoscalerSpec.
  if (minReplicas !== undefined && maxReplicas !== undefined && maxReplicas < minReplicas) ctx.error(["maxReplicas"], invalidValue(maxReplicas, "must be greater than or equal to `minReplicas`"));
}

/**
 * validation.go validateMetrics: minReplicas 0 needs an Object or External metric (a pod metric
 * cannot bring a target back from zero pods). Whether minReplicas may be 0 at all is the
 * HPAScaleToZero gate's (scenario/checks.ts checkHpaScaleToZero).
 */
function checkScaleToZeroMetrics(minReplicas: number | undefined, metrics: readonly MetricSpec[], ctx: BuildContext): void {
  if (minReplicas !== 0) return;
  if (metrics.some((m) => m.type === "Object" || m.type === "External")) return;
  ctx.error(["metrics"], "Forbidden: must specify at least one Object or External metric to support scaling to zero replicas");
}

const hpaSpecV2: Codec<HorizontalPodAutoscalerSpec> = struct(
  "HorizontalPodAutoscalerSpec",
  {
    scaleTargetRef: req(crossVersionObjectReference),
    // 0 only under the HPAScaleToZero gate (checked with the scenario's components).
    minReplicas: def(int(0), () => 1),
    maxReplicas: req(int(1)),
    metrics: def(array(metricSpec), () => []),
    behavior: opt(behavior),
  },
  {
    unmodelled: ["selectionStrategy"],
    check: (f, ctx) => {
      checkReplicaBounds(f.minReplicas, f.maxReplicas, ctx);
      checkScaleToZeroMetrics(f.minReplicas, f.metrics ?? [], ctx);
    },
    build: (f) => {
      return {
        scaleTargetRef: f.scaleTargetRef,
        minReplicas: f.minReplicas,
        maxReplicas: f.maxReplicas,
        metrics: f.metrics.length === 0 ? defaultMetrics() : f.metrics,
        behavior: f.behavior ?? null,
      };
    },
  },
);

const V2_ONLY_SPEC_FIELDS = ["behavior", "metrics"];

/**
 * autoscaling/v1 spec, converted as pkg/apis/autoscaling/v1/conversion.go
 * Convert_v1_HorizontalPodAutoscalerSpec_To_autoscaling_HorizontalPodAutoscalerSpec does:
 * targetCPUUtilizationPercentage becomes one Resource cpu Utilization metric; without it the v2
 * default (CPU 80 %) applies. v1 has no behavior.
 */
const hpaSpecV1: Codec<HorizontalPodAutoscalerSpec> = struct(
  "HorizontalPodAutoscalerSpecV1",
  {
    scaleTargetRef: req(crossVersionObjectReference),
    minReplicas: def(int(0), () => 1),
    maxReplicas: req(int(1)),
    targetCPUUtilizationPercentage: opt(int(1)),
  },
  {
    // v2-only fields written on a v1 object: kubectl's strict validation refuses them, and
    // ignoring them (as the API server's pruning would) silently changes the experiment.
    accepted: V2_ONLY_SPEC_FIELDS,
    check: (f, ctx, raw) => {
      checkReplicaBounds(f.minReplicas, f.maxReplicas, ctx);
      checkScaleToZeroMetrics(f.minReplicas, defaultMetrics(), ctx); // v1 has only its CPU metric
      for (const key of V2_ONLY_SPEC_FIELDS) {
        if (key in raw) ctx.error([key], `${key} is not a field of autoscaling/v1; write apiVersion: autoscaling/v2 to use it`);
      }
    },
    build: (f) => {
      const metrics = defaultMetrics();
      if (f.targetCPUUtilizationPercentage !== undefined) metrics[0].resource!.target.averageUtilization_percent = f.targetCPUUtilizationPercentage;
      return { scaleTargetRef: f.scaleTargetRef, minReplicas: f.minReplicas, maxReplicas: f.maxReplicas, metrics, behavior: null };
    },
  },
);

function initialStatus(): HorizontalPodAutoscalerStatus {
  return { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] };
}

function hpaObject(metadata: DecodedMeta, spec: HorizontalPodAutoscalerSpec): NewHorizontalPodAutoscaler {
  return { kind: "HorizontalPodAutoscaler", metadata, spec, status: initialStatus() };
}

/** autoscaling/v2 HorizontalPodAutoscaler (ValidateHorizontalPodAutoscalerName = NameIsDNSSubdomain). */
export const hpaV2Codec: Codec<NewHorizontalPodAutoscaler> = struct(
  "HorizontalPodAutoscaler",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(hpaSpecV2) },
  { accepted: ["apiVersion", "kind"], unmodelled: ["status"], build: (f) => hpaObject(f.metadata, f.spec) },
);

// v1 round-trip annotations that conversion.go reads back into v2 fields (other metrics, behavior,
// tolerances). kubesim does not interpret them.
const V1_ROUND_TRIP_ANNOTATIONS = [
  "autoscaling.alpha.kubernetes.io/metrics",
  "autoscaling.alpha.kubernetes.io/behavior",
  "autoscaling.alpha.kubernetes.io/scale-down-tolerance",
  "autoscaling.alpha.kubernetes.io/scale-up-tolerance",
];

/** autoscaling/v1 HorizontalPodAutoscaler, converted to the v2 shape kubesim stores. */
export const hpaV1Codec: Codec<NewHorizontalPodAutoscaler> = struct(
  "HorizontalPodAutoscalerV1",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(hpaSpecV1) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f, ctx) => {
      for (const key of V1_ROUND_TRIP_ANNOTATIONS) {
        if (key in f.metadata.annotations) ctx.warn(["metadata", "annotations", key], "autoscaling/v1 round-trip annotation is not interpreted; write an autoscaling/v2 HPA instead");
      }
      return hpaObject(f.metadata, f.spec);
    },
  },
);
