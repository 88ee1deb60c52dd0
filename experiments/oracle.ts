/**
 * The HPA oracle replay harness: reads upstream test vectors (../shared/oracle/*.json), turns
 * each case into the model's inputs, runs the real HPA functions from models/hpa/ and returns
 * one `{id, result}` per case, with the keys of that case's `expected`.
 *
 * Oracle conventions: times are seconds relative to now = 0 (so virtual `now_ms` is 0), -1e11 is
 * Go's zero time, null startTime is a nil pointer, quantities are milli-units, and int64 values
 * beyond 2^53 arrive and leave as decimal strings.
 */
import { readFileSync } from "node:fs";
import type { Container, Pod, PodPhase } from "../models/cluster/types.js";
import { int64ToJSON, parseInt64, type Int64 } from "../models/hpa/int64.js";
import {
  StaticMetricsClient,
  type CustomPodMetricItem,
  type MetricsSnapshot,
  type PodMetricsInfo,
  type PodMetricsItem,
  type TimestampedValue,
} from "../models/hpa/metrics-client.js";
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  getReplicasChangePerPeriod,
  RecommendationHistory,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  storeScaleEvent,
} from "../models/hpa/normalization.js";
import { findCpuUtilization, reconcileAutoscaler } from "../models/hpa/reconcile.js";
import { groupPods, ReplicaCalculator, type Tolerances } from "../models/hpa/replica-calculator.js";
import {
  emptyMetricTarget,
  type HorizontalControllerConfig,
  type HorizontalPodAutoscaler,
  type HPAScalingRules,
  type MetricSpec,
  type MetricTarget,
  type ResourceName,
  type TimestampedScaleEvent,
} from "../models/hpa/types.js";
import { UserError } from "./errors.js";
import { isClusterAutoscalerCase, runClusterAutoscalerCase } from "./oracle/cluster-autoscaler.js";
import { arr, num, obj, OracleCaseError, str, type Json } from "./oracle/json.js";
import { isKedaCase, runKedaCase } from "./oracle/keda.js";
import { isVpaCase, runVpaCase, VpaCaseError } from "./oracle/vpa.js";

/** The evaluation instant of every oracle case. */
const NOW_MS = 0;
const NAMESPACE = "test-namespace";
/** replica_calculator.go defaultTestingCPUInitializationPeriod / defaultTestingDelayOfInitialReadinessStatus. */
const TEST_CPU_INITIALIZATION_PERIOD_MS = 120_000;
const TEST_DELAY_OF_INITIAL_READINESS_STATUS_MS = 10_000;
/** The metric name every upstream custom/external metric test uses. */
const TEST_METRIC_NAME = "qps";

/** horizontal_test.go's controller: production flags except the testing periods and factor 8. */
export const HORIZONTAL_TEST_CONTROLLER_CONFIG: Readonly<HorizontalControllerConfig> = Object.freeze({
  tolerance: 0.1,
  downscaleStabilisationWindow_ms: 300_000,
  cpuInitializationPeriod_ms: TEST_CPU_INITIALIZATION_PERIOD_MS,
  delayOfInitialReadinessStatus_ms: TEST_DELAY_OF_INITIAL_READINESS_STATUS_MS,
  scaleUpLimitFactor: 8,
  scaleUpLimitMinimum: 4,
});


export type OracleCaseKind = "replicaCalculator" | "behavior" | "controller" | "groupPods";

export interface OracleResult {
  id: string;
  result: Record<string, unknown>;
}

function int64(x: unknown, what: string): Int64 {
  if (typeof x !== "number" && typeof x !== "string") throw new OracleCaseError(`${what} must be an integer or a decimal string`);
  try {
    return parseInt64(x);
  } catch {
    throw new OracleCaseError(`${what} must be an integer or a decimal string, got ${JSON.stringify(x)}`);
  }
}

/** Oracle seconds (relative to now, -1e11 = Go zero time) to virtual milliseconds. */
function secondsToMs(x: unknown, what: string): number {
  return Math.round(num(x, what) * 1000);
}

/** Recognises a case's kind from its fields. */
export function caseKind(c: Json): OracleCaseKind | null {
  if ("calculatorMethod" in c) return "replicaCalculator";
  if ("hpa" in c && "scale" in c) return "controller";
  if (c.function === "groupPods") return "groupPods";
  if ("function" in c && "inputs" in c) return "behavior";
  return null;
}

// ---- pods and metrics ----------------------------------------------------------------------

function buildContainer(x: unknown, what: string): Container {
  const c = obj(x, what);
  const request = c.requestMilliCpu;
  return {
    name: str(c.name, `${what}.name`),
    image: "",
    resources: {
      // null or absent = the container sets no CPU request.
      requests: request === null || request === undefined ? {} : { cpu_mcores: num(request, `${what}.requestMilliCpu`) },
      limits: {},
    },
    readinessProbe: null,
  };
}

const PHASES: readonly PodPhase[] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

function buildPod(x: unknown, what: string): Pod {
  const p = obj(x, what);
  const phase = str(p.phase, `${what}.phase`) as PodPhase;
  if (!PHASES.includes(phase)) throw new OracleCaseError(`${what}.phase: unknown phase ${phase}`);
  const ready = p.readyCondition === null || p.readyCondition === undefined ? null : obj(p.readyCondition, `${what}.readyCondition`);
  const name = str(p.name, `${what}.name`);
  return {
    kind: "Pod",
    metadata: {
      name,
      namespace: NAMESPACE,
      uid: name,
      labels: { name: "test-pod" },
      annotations: {},
      ownerReferences: [],
      creationTimestamp_ms: 0,
      deletionTimestamp_ms: p.deletionTimestamp === true ? NOW_MS : null,
      resourceVersion: 1,
    },
    spec: {
      containers: arr(p.containers ?? [], `${what}.containers`).map((c, i) => buildContainer(c, `${what}.containers[${i}]`)),
      initContainers: [],
      nodeName: "",
      nodeSelector: {},
      nodeAffinity: null,
      tolerations: [],
      terminationGracePeriodSeconds: 30,
      restartPolicy: "Always",
      resources: null,
    },
    status: {
      phase,
      conditions:
        ready === null
          ? []
          : [
              {
                type: "Ready",
                status: str(ready.status, `${what}.readyCondition.status`) as "True" | "False",
                lastTransitionTime_ms: secondsToMs(ready.lastTransitionTime, `${what}.readyCondition.lastTransitionTime`),
                reason: "",
                message: "",
              },
            ],
      startTime_ms: p.startTime === null ? null : secondsToMs(p.startTime, `${what}.startTime`),
      containerStatuses: [],
    },
  };
}

function buildResourceMetrics(x: unknown, what: string): PodMetricsItem[] {
  return arr(x, what).map((m0, i) => {
    const m = obj(m0, `${what}[${i}]`);
    return {
      podName: str(m.pod, `${what}[${i}].pod`),
      timestamp_ms: secondsToMs(m.timestamp, `${what}[${i}].timestamp`),
      window_ms: secondsToMs(m.windowSeconds, `${what}[${i}].windowSeconds`),
      containers: arr(m.containers, `${what}[${i}].containers`).map((c0, j) => {
        const c = obj(c0, `${what}[${i}].containers[${j}]`);
        // usageMilliCpu null = a ContainerMetrics entry without CPU usage.
        const usage = c.usageMilliCpu;
        return {
          name: str(c.name, `${what}[${i}].containers[${j}].name`),
          usage: usage === null || usage === undefined ? {} : { cpu_mcores: num(usage, `${what}[${i}].containers[${j}].usageMilliCpu`) },
        };
      }),
    };
  });
}

function buildPodsMetric(x: unknown, what: string): CustomPodMetricItem[] {
  return arr(x, what).map((m0, i) => {
    const m = obj(m0, `${what}[${i}]`);
    return {
      podName: str(m.pod, `${what}[${i}].pod`),
      timestamp_ms: secondsToMs(m.timestamp, `${what}[${i}].timestamp`),
      window_ms: m.windowSeconds === undefined || m.windowSeconds === null ? null : secondsToMs(m.windowSeconds, `${what}[${i}].windowSeconds`),
      value_milli: int64(m.milliValue, `${what}[${i}].milliValue`),
    };
  });
}

/** The fake metrics APIs of the upstream tests, as a MetricsSnapshot. */
function buildSnapshot(c: Json, fetchErrors: Json): MetricsSnapshot {
  const failure = { error: "something went wrong" };
  const resource = fetchErrors.resource === true ? failure : buildResourceMetrics(c.resourceMetrics ?? [], "resourceMetrics");
  const pods = fetchErrors.pods === true ? failure : buildPodsMetric(c.podsMetric ?? [], "podsMetric");
  const objectValue: TimestampedValue | undefined =
    c.objectMetricMilliValue === null || c.objectMetricMilliValue === undefined
      ? undefined
      : { timestamp_ms: NOW_MS, value_milli: int64(c.objectMetricMilliValue, "objectMetricMilliValue") };
  const external =
    fetchErrors.external === true
      ? failure
      : arr(c.externalMetricMilliValues ?? [], "externalMetricMilliValues").map((v, i) => ({
          timestamp_ms: NOW_MS,
          value_milli: int64(v, `externalMetricMilliValues[${i}]`),
        }));
  return {
    resource,
    pods: () => pods,
    object: () => (fetchErrors.object === true ? failure : objectValue),
    external: () => external,
  };
}

function tolerancesOf(x: unknown): Tolerances {
  const t = obj(x, "tolerance");
  return { scaleUp: num(t.scaleUp, "tolerance.scaleUp"), scaleDown: num(t.scaleDown, "tolerance.scaleDown") };
}

// ---- replica_calculator_test.go cases --------------------------------------------------------

function runReplicaCalculatorCase(c: Json): Record<string, unknown> {
  const method = str(c.calculatorMethod, "calculatorMethod");
  const current = num(c.currentReplicas, "currentReplicas");
  const tolerances = tolerancesOf(c.tolerance);
  const pods = arr(c.pods, "pods").map((p, i) => buildPod(p, `pods[${i}]`));
  const calc = new ReplicaCalculator(
    new StaticMetricsClient(buildSnapshot(c, {})),
    pods,
    TEST_CPU_INITIALIZATION_PERIOD_MS,
    TEST_DELAY_OF_INITIAL_READINESS_STATUS_MS,
    NOW_MS,
  );
  const ref = { kind: "Deployment", name: "some-deployment", apiVersion: "apps/v1" };
  const usageResult = (r: { ok: true; replicaCount: number; usage: Int64 } | { ok: false; error: string }) =>
    r.ok ? { desiredReplicas: r.replicaCount, usage: int64ToJSON(r.usage) } : { error: r.error };

  switch (method) {
    case "GetResourceReplicas": {
      const resource = str(c.resourceName, "resourceName") as ResourceName;
      const container = c.metricType === "ContainerResource" ? str(c.container, "container") : "";
      const r = calc.getResourceReplicas(current, num(c.target, "target"), resource, tolerances, container);
      return r.ok ? { desiredReplicas: r.replicaCount, utilization: r.utilization, rawValueMilli: int64ToJSON(r.rawUtilization) } : { error: r.error };
    }
    case "GetRawResourceReplicas": {
      const resource = str(c.resourceName, "resourceName") as ResourceName;
      const container = c.metricType === "ContainerResource" ? str(c.container, "container") : "";
      return usageResult(calc.getRawResourceReplicas(current, int64(c.target, "target"), resource, tolerances, container));
    }
    case "GetMetricReplicas":
      return usageResult(calc.getMetricReplicas(current, int64(c.target, "target"), TEST_METRIC_NAME, tolerances, null));
    case "GetObjectMetricReplicas":
      return usageResult(calc.getObjectMetricReplicas(current, int64(c.target, "target"), TEST_METRIC_NAME, tolerances, ref, null, NAMESPACE));
    case "GetObjectPerPodMetricReplicas":
      return usageResult(calc.getObjectPerPodMetricReplicas(current, int64(c.target, "target"), TEST_METRIC_NAME, tolerances, ref, null, NAMESPACE));
    case "GetExternalMetricReplicas":
      return usageResult(calc.getExternalMetricReplicas(current, int64(c.target, "target"), TEST_METRIC_NAME, tolerances, null, NAMESPACE));
    case "GetExternalPerPodMetricReplicas":
      return usageResult(calc.getExternalPerPodMetricReplicas(current, int64(c.target, "target"), TEST_METRIC_NAME, tolerances, null, NAMESPACE));
    default:
      throw new OracleCaseError(`unknown calculatorMethod ${method}`);
  }
}

// ---- TestGroupPods cases ---------------------------------------------------------------------

function runGroupPodsCase(c: Json): Record<string, unknown> {
  const inputs = obj(c.inputs, "inputs");
  const pods = arr(inputs.pods, "inputs.pods").map((p, i) => buildPod(p, `inputs.pods[${i}]`));
  const metrics: PodMetricsInfo = new Map();
  arr(inputs.metrics, "inputs.metrics").forEach((m0, i) => {
    const m = obj(m0, `inputs.metrics[${i}]`);
    metrics.set(str(m.pod, `inputs.metrics[${i}].pod`), {
      timestamp_ms: secondsToMs(m.timestamp, `inputs.metrics[${i}].timestamp`),
      window_ms: secondsToMs(m.windowSeconds, `inputs.metrics[${i}].windowSeconds`),
      value_milli: int64(m.value, `inputs.metrics[${i}].value`),
    });
  });
  const g = groupPods(
    pods,
    metrics,
    str(inputs.resource, "inputs.resource") as ResourceName | "",
    secondsToMs(inputs.cpuInitializationPeriodSeconds, "inputs.cpuInitializationPeriodSeconds"),
    secondsToMs(inputs.delayOfInitialReadinessStatusSeconds, "inputs.delayOfInitialReadinessStatusSeconds"),
    NOW_MS,
  );
  // Plain code-unit order: deterministic and independent of locale.
  const sorted = (s: Set<string>) => [...s].sort();
  return {
    readyPodCount: g.readyPodCount,
    unreadyPods: sorted(g.unreadyPods),
    missingPods: sorted(g.missingPods),
    ignoredPods: sorted(g.ignoredPods),
  };
}

// ---- horizontal_test.go behavior cases -------------------------------------------------------

function buildRules(x: unknown, what: string): HPAScalingRules {
  const r = obj(x, what);
  return {
    stabilizationWindowSeconds:
      r.stabilizationWindowSeconds === null || r.stabilizationWindowSeconds === undefined
        ? null
        : num(r.stabilizationWindowSeconds, `${what}.stabilizationWindowSeconds`),
    selectPolicy: r.selectPolicy === null || r.selectPolicy === undefined ? null : (str(r.selectPolicy, `${what}.selectPolicy`) as HPAScalingRules["selectPolicy"]),
    policies:
      r.policies === null || r.policies === undefined
        ? null
        : arr(r.policies, `${what}.policies`).map((p0, i) => {
            const p = obj(p0, `${what}.policies[${i}]`);
            return {
              type: str(p.type, `${what}.policies[${i}].type`) as "Pods" | "Percent",
              value: num(p.value, `${what}.policies[${i}].value`),
              periodSeconds: num(p.periodSeconds, `${what}.policies[${i}].periodSeconds`),
            };
          }),
    tolerance: r.tolerance === null || r.tolerance === undefined ? null : num(r.tolerance, `${what}.tolerance`),
  };
}

function buildEvents(x: unknown, what: string): TimestampedScaleEvent[] {
  return arr(x ?? [], what).map((e0, i) => {
    const e = obj(e0, `${what}[${i}]`);
    return {
      replicaChange: num(e.replicaChange, `${what}[${i}].replicaChange`),
      timestamp_ms: NOW_MS - secondsToMs(e.ageSeconds, `${what}[${i}].ageSeconds`),
      outdated: e.outdated === true,
    };
  });
}

function buildRecommendations(x: unknown, what: string): RecommendationHistory {
  return RecommendationHistory.of(
    arr(x, what).map((r0, i) => {
      const r = obj(r0, `${what}[${i}]`);
      return {
        recommendation: num(r.recommendation, `${what}[${i}].recommendation`),
        timestamp_ms: NOW_MS - secondsToMs(r.ageSeconds, `${what}[${i}].ageSeconds`),
      };
    }),
  );
}

function runBehaviorCase(c: Json): Record<string, unknown> {
  const fn = str(c.function, "function");
  const inputs = obj(c.inputs, "inputs");
  switch (fn) {
    case "convertDesiredReplicasWithBehaviorRate": {
      const r = convertDesiredReplicasWithBehaviorRate(
        {
          scaleUpBehavior: buildRules(inputs.scaleUpRules, "inputs.scaleUpRules"),
          scaleDownBehavior: buildRules(inputs.scaleDownRules, "inputs.scaleDownRules"),
          minReplicas: num(inputs.minReplicas, "inputs.minReplicas"),
          maxReplicas: num(inputs.maxReplicas, "inputs.maxReplicas"),
          currentReplicas: num(inputs.currentReplicas, "inputs.currentReplicas"),
          desiredReplicas: num(inputs.prenormalizedDesiredReplicas, "inputs.prenormalizedDesiredReplicas"),
        },
        buildEvents(inputs.scaleUpEvents, "inputs.scaleUpEvents"),
        buildEvents(inputs.scaleDownEvents, "inputs.scaleDownEvents"),
        NOW_MS,
      );
      return { replicas: r.replicas, limitingReason: r.reason };
    }
    case "stabilizeRecommendationWithBehaviors": {
      const rules = (windowSeconds: unknown, what: string): HPAScalingRules => ({
        stabilizationWindowSeconds: num(windowSeconds, what),
        selectPolicy: "Max",
        policies: [],
        tolerance: null,
      });
      const recommendations = buildRecommendations(inputs.recommendations, "inputs.recommendations");
      const stabilizedReplicas = stabilizeRecommendationWithBehaviors(
        recommendations,
        {
          scaleUpBehavior: rules(inputs.scaleUpStabilizationWindowSeconds, "inputs.scaleUpStabilizationWindowSeconds"),
          scaleDownBehavior: rules(inputs.scaleDownStabilizationWindowSeconds, "inputs.scaleDownStabilizationWindowSeconds"),
          minReplicas: 0,
          maxReplicas: 0,
          currentReplicas: num(inputs.currentReplicas, "inputs.currentReplicas"),
          desiredReplicas: num(inputs.prenormalizedDesiredReplicas, "inputs.prenormalizedDesiredReplicas"),
        },
        NOW_MS,
      );
      // Upstream asserts the history only in some cases; expected null = not asserted.
      const expected = obj(c.expected, "expected");
      return {
        stabilizedReplicas,
        recommendationsAfter: expected.recommendationsAfter === null ? null : recommendations.entries().map((x) => x.recommendation),
      };
    }
    case "stabilizeRecommendation": {
      const recommendations = buildRecommendations(inputs.recommendations, "inputs.recommendations");
      const stabilizedReplicas = stabilizeRecommendation(
        recommendations,
        num(inputs.prenormalizedDesiredReplicas, "inputs.prenormalizedDesiredReplicas"),
        secondsToMs(inputs.downscaleStabilisationWindowSeconds, "inputs.downscaleStabilisationWindowSeconds"),
        NOW_MS,
      );
      return { stabilizedReplicas, recommendationsLengthAfter: recommendations.length };
    }
    case "convertDesiredReplicasWithRules": {
      const r = convertDesiredReplicasWithRules(
        num(inputs.currentReplicas, "inputs.currentReplicas"),
        num(inputs.desiredReplicas, "inputs.desiredReplicas"),
        num(inputs.minReplicas, "inputs.minReplicas"),
        num(inputs.maxReplicas, "inputs.maxReplicas"),
        num(inputs.scaleUpLimitFactor, "inputs.scaleUpLimitFactor"),
        num(inputs.scaleUpLimitMinimum, "inputs.scaleUpLimitMinimum"),
      );
      return { replicas: r.replicas, limitingReason: r.reason };
    }
    case "calculateScaleUpLimitWithScalingRules":
      return {
        limit: calculateScaleUpLimitWithScalingRules(
          num(inputs.currentReplicas, "inputs.currentReplicas"),
          buildEvents(inputs.scaleUpEvents, "inputs.scaleUpEvents"),
          buildEvents(inputs.scaleDownEvents, "inputs.scaleDownEvents"),
          buildRules(inputs.rules, "inputs.rules"),
          NOW_MS,
        ),
      };
    case "calculateScaleDownLimitWithBehaviors":
      return {
        limit: calculateScaleDownLimitWithBehaviors(
          num(inputs.currentReplicas, "inputs.currentReplicas"),
          buildEvents(inputs.scaleUpEvents, "inputs.scaleUpEvents"),
          buildEvents(inputs.scaleDownEvents, "inputs.scaleDownEvents"),
          buildRules(inputs.rules, "inputs.rules"),
          NOW_MS,
        ),
      };
    case "storeScaleEvent+getReplicasChangePerPeriod": {
      // Upstream runs this for both directions with identical histories; the scale-up run
      // (prev -> prev + change) stands for both.
      const previous = buildEvents(inputs.previousEvents, "inputs.previousEvents");
      const rules = inputs.scalingRules === null ? null : buildRules(inputs.scalingRules, "inputs.scalingRules");
      const before = getReplicasChangePerPeriod(num(inputs.periodForChangeQuerySeconds, "inputs.periodForChangeQuerySeconds"), previous, NOW_MS);
      const prev = num(inputs.prevReplicas, "inputs.prevReplicas");
      storeScaleEvent(
        rules === null ? null : { scaleUp: rules, scaleDown: rules },
        previous,
        [],
        prev,
        prev + num(inputs.replicaChange, "inputs.replicaChange"),
        NOW_MS,
      );
      return {
        replicasChangeInLast60sBeforeStore: before,
        eventsAfterStore: previous.map((e) => ({ replicaChange: e.replicaChange, outdated: e.outdated })),
      };
    }
    default:
      throw new OracleCaseError(`unknown function ${fn}`);
  }
}

// ---- full reconcile cases --------------------------------------------------------------------

function buildTarget(x: unknown, what: string): MetricTarget {
  const t = obj(x ?? {}, what);
  const target = emptyMetricTarget();
  if (t.type !== undefined && t.type !== null) target.type = str(t.type, `${what}.type`) as MetricTarget["type"];
  if (t.averageUtilization !== undefined && t.averageUtilization !== null) {
    target.averageUtilization_percent = num(t.averageUtilization, `${what}.averageUtilization`);
  }
  if (t.averageValueMilli !== undefined && t.averageValueMilli !== null) target.averageValue_milli = int64(t.averageValueMilli, `${what}.averageValueMilli`);
  if (t.valueMilli !== undefined && t.valueMilli !== null) target.value_milli = int64(t.valueMilli, `${what}.valueMilli`);
  return target;
}

function buildMetricSpec(x: unknown, what: string): MetricSpec {
  const m = obj(x, what);
  const type = str(m.type, `${what}.type`);
  const metric = () => ({ name: str(m.metricName ?? TEST_METRIC_NAME, `${what}.metricName`), selector: null });
  switch (type) {
    case "Resource":
      return { type, resource: { name: str(m.name, `${what}.name`) as ResourceName, target: buildTarget(m.target, `${what}.target`) } };
    case "ContainerResource":
      return {
        type,
        containerResource: {
          name: str(m.name, `${what}.name`) as ResourceName,
          container: str(m.container, `${what}.container`),
          target: buildTarget(m.target, `${what}.target`),
        },
      };
    case "Pods":
      return { type, pods: { metric: metric(), target: buildTarget(m.target, `${what}.target`) } };
    case "Object": {
      const d = obj(m.describedObject, `${what}.describedObject`);
      return {
        type,
        object: {
          metric: metric(),
          describedObject: {
            apiVersion: str(d.apiVersion ?? "", `${what}.describedObject.apiVersion`),
            kind: str(d.kind, `${what}.describedObject.kind`),
            name: str(d.name, `${what}.describedObject.name`),
          },
          target: buildTarget(m.target, `${what}.target`),
        },
      };
    }
    case "External":
      return { type, external: { metric: metric(), target: buildTarget(m.target, `${what}.target`) } };
    default:
      // An unknown type carries no source; the controller reports InvalidMetricSourceType.
      return { type };
  }
}

function runControllerCase(c: Json): Record<string, unknown> {
  const h = obj(c.hpa, "hpa");
  const s = obj(c.scale, "scale");
  const specReplicas = num(s.specReplicas, "scale.specReplicas");
  const statusReplicas = num(s.statusReplicas, "scale.statusReplicas");
  const behaviorJson = h.behavior === null || h.behavior === undefined ? null : obj(h.behavior, "hpa.behavior");
  const hpa: HorizontalPodAutoscaler = {
    kind: "HorizontalPodAutoscaler",
    metadata: { name: "test-hpa", namespace: NAMESPACE },
    spec: {
      scaleTargetRef: { kind: str(s.targetKind ?? "ReplicationController", "scale.targetKind"), name: "test-rc", apiVersion: "v1" },
      minReplicas: h.minReplicas === null || h.minReplicas === undefined ? null : num(h.minReplicas, "hpa.minReplicas"),
      maxReplicas: num(h.maxReplicas, "hpa.maxReplicas"),
      metrics: arr(h.metrics, "hpa.metrics").map((m, i) => buildMetricSpec(m, `hpa.metrics[${i}]`)),
      behavior:
        behaviorJson === null
          ? null
          : {
              scaleUp: behaviorJson.scaleUp === null || behaviorJson.scaleUp === undefined ? null : buildRules(behaviorJson.scaleUp, "hpa.behavior.scaleUp"),
              scaleDown:
                behaviorJson.scaleDown === null || behaviorJson.scaleDown === undefined ? null : buildRules(behaviorJson.scaleDown, "hpa.behavior.scaleDown"),
            },
    },
    // prepareTestClient starts the status at the spec replica count, with no conditions.
    status: { currentReplicas: specReplicas, desiredReplicas: specReplicas, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
  };
  const fetchErrors = c.metricFetchErrors === null || c.metricFetchErrors === undefined ? {} : obj(c.metricFetchErrors, "metricFetchErrors");
  const r = reconcileAutoscaler({
    hpa,
    scale: { specReplicas, statusReplicas },
    pods: arr(c.pods ?? [], "pods").map((p, i) => buildPod(p, `pods[${i}]`)),
    metricsClient: new StaticMetricsClient(buildSnapshot(c, fetchErrors)),
    recommendations: c.recommendations === null || c.recommendations === undefined ? null : buildRecommendations(c.recommendations, "recommendations"),
    scaleUpEvents: [],
    scaleDownEvents: [],
    config: HORIZONTAL_TEST_CONTROLLER_CONFIG,
    now_ms: NOW_MS,
  });
  return {
    desiredReplicas: r.desiredReplicas,
    conditions: r.conditions.map((x) => [x.type, x.status, x.reason]),
    cpuUtilization: findCpuUtilization(r.status.currentMetrics),
    rescale: r.rescale,
    currentReplicas: r.status.currentReplicas,
  };
}

// ---- entry points ----------------------------------------------------------------------------

/** Runs one case and returns `{id, result}` with exactly the keys of the case's `expected`. */
export function runOracleCase(raw: unknown): OracleResult {
  const c = obj(raw, "case");
  const id = str(c.id, "id");
  // VPA cases (../shared/oracle/vpa/) also have function+inputs: recognise them by family first.
  if (isVpaCase(c)) {
    try {
      return { id, result: runVpaCase(c) };
    } catch (err) {
      if (err instanceof VpaCaseError) throw new OracleCaseError(`case ${id}: ${err.message}`);
      throw err;
    }
  }
  try {
    if (isClusterAutoscalerCase(c)) return { id, result: runClusterAutoscalerCase(c) };
    if (isKedaCase(c)) return { id, result: runKedaCase(c) };
    const kind = caseKind(c);
    let full: Record<string, unknown>;
    switch (kind) {
      case "replicaCalculator":
        full = runReplicaCalculatorCase(c);
        break;
      case "groupPods":
        full = runGroupPodsCase(c);
        break;
      case "behavior":
        full = runBehaviorCase(c);
        break;
      case "controller":
        full = runControllerCase(c);
        break;
      default:
        throw new OracleCaseError("unrecognised case kind (expected calculatorMethod, hpa+scale, or function+inputs)");
    }
    const result: Record<string, unknown> = {};
    for (const key of Object.keys(obj(c.expected, "expected"))) {
      const outKey = key === "errorContains" ? "error" : key;
      result[outKey] = outKey in full ? full[outKey] : null;
    }
    return { id, result };
  } catch (err) {
    if (err instanceof OracleCaseError) throw new OracleCaseError(`case ${id}: ${err.message}`);
    throw err;
  }
}

/** Reads an oracle file (a JSON array of cases); unreadable or malformed input is a UserError. */
export function loadOracleFile(path: string): unknown[] {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code === "EACCES" ? "permission denied" : String(code ?? err);
    throw new UserError(`cannot read oracle file ${path}: ${reason}`, "pass the path of a JSON case file, e.g. ../shared/oracle/hpa_k8s_cases.json");
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new UserError(`${path} is not valid JSON: ${(err as Error).message}`, "oracle files are JSON arrays of cases");
  }
  if (!Array.isArray(data)) throw new UserError(`${path} must hold a JSON array of cases`, "oracle files are JSON arrays of cases");
  return data;
}

/** Runs every case of every file, in order. Malformed cases become UserErrors naming the file. */
export function runOracleFiles(paths: readonly string[]): OracleResult[] {
  const out: OracleResult[] = [];
  for (const path of paths) {
    for (const c of loadOracleFile(path)) {
      try {
        out.push(runOracleCase(c));
      } catch (err) {
        if (err instanceof OracleCaseError) throw new UserError(`${path}: ${err.message}`, "check the case against ../shared/oracle/README.md");
        throw err;
      }
    }
  }
  return out;
}

/** One JSON line per result; int64s beyond 2^53 are already decimal strings. */
export function formatOracleResult(r: OracleResult): string {
  return JSON.stringify({ id: r.id, result: r.result });
}
