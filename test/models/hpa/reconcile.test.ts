import t from "tap";
import { StaticMetricsClient } from "../../../models/hpa/metrics-client.js";
import { newReconcileScratch, reconcileAutoscaler, type ReconcileInput } from "../../../models/hpa/reconcile.js";
import { RecommendationHistory } from "../../../models/hpa/normalization.js";
import {
  DEFAULT_HORIZONTAL_CONTROLLER_CONFIG,
  emptyMetricTarget,
  type HorizontalPodAutoscaler,
  type MetricSpec,
} from "../../../models/hpa/types.js";
import { cpuMetrics, fakePod } from "./fixtures.js";

const cpuSpec = (percent: number): MetricSpec => ({
  type: "Resource",
  resource: { name: "cpu", target: { ...emptyMetricTarget(), type: "Utilization", averageUtilization_percent: percent } },
});

function input(o: {
  spec: number;
  min?: number | null;
  max?: number;
  metrics?: MetricSpec[];
  levels?: Record<string, number>;
  behavior?: HorizontalPodAutoscaler["spec"]["behavior"];
  externalError?: boolean;
  recommendations?: ReconcileInput["recommendations"];
}): ReconcileInput {
  const names = Array.from({ length: o.spec }, (_, i) => `p${i}`);
  const levels = o.levels ?? Object.fromEntries(names.map((n) => [n, 500]));
  return {
    hpa: {
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "h", namespace: "ns" },
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "d", apiVersion: "apps/v1" },
        minReplicas: o.min === undefined ? 1 : o.min,
        maxReplicas: o.max ?? 10,
        metrics: o.metrics ?? [cpuSpec(50)],
        behavior: o.behavior ?? null,
      },
      status: { currentReplicas: o.spec, desiredReplicas: o.spec, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
    },
    scale: { specReplicas: o.spec, statusReplicas: o.spec },
    pods: names.map((n) => fakePod(n)),
    metricsClient: new StaticMetricsClient({
      resource: cpuMetrics(levels),
      pods: () => [],
      object: () => undefined,
      external: () => (o.externalError ? { error: "boom" } : [{ timestamp_ms: 0, value_milli: 1000 }]),
    }),
    recommendations: o.recommendations === undefined ? new RecommendationHistory() : o.recommendations,
    scaleUpEvents: [],
    scaleDownEvents: [],
    config: { ...DEFAULT_HORIZONTAL_CONTROLLER_CONFIG, cpuInitializationPeriod_ms: 120_000, delayOfInitialReadinessStatus_ms: 10_000 },
    now_ms: 1_000_000,
  };
}

const conds = (r: ReturnType<typeof reconcileAutoscaler>) => r.conditions.map((c) => [c.type, c.status, c.reason]);
const external = (averageValue_milli: number): MetricSpec => ({
  type: "External",
  external: { metric: { name: "q", selector: null }, target: { ...emptyMetricTarget(), type: "AverageValue", averageValue_milli } },
});

t.test("reconcileAutoscaler paths and conditions", async (t) => {
  const cases: { name: string; in: ReconcileInput; desired: number; rescale: boolean; conditions: string[][] }[] = [
    {
      name: "scale up on CPU (legacy, limited by 2x)",
      in: input({ spec: 2, levels: { p0: 1000, p1: 1000 }, metrics: [cpuSpec(25)] }),
      desired: 4,
      rescale: true,
      conditions: [["AbleToScale", "True", "SucceededRescale"], ["ScalingActive", "True", "ValidMetricFound"], ["ScalingLimited", "True", "ScaleUpLimit"]],
    },
    {
      name: "scaled to zero disables the HPA",
      in: input({ spec: 0 }),
      desired: 0,
      rescale: false,
      conditions: [["AbleToScale", "True", "SucceededGetScale"], ["ScalingActive", "False", "ScalingDisabled"]],
    },
    {
      // HPAScaleToZero: with minReplicas 0, zero replicas is a state to scale from, not
      // "autoscaling disabled"; getUsageRatioReplicaCount takes ceil(usageRatio) = 1000/250.
      name: "minReplicas 0: scales from zero on an External metric",
      in: input({ spec: 0, min: 0, metrics: [external(250)] }),
      desired: 4,
      rescale: true,
      conditions: [["AbleToScale", "True", "SucceededRescale"], ["ScalingActive", "True", "ValidMetricFound"], ["ScalingLimited", "False", "DesiredWithinRange"]],
    },
    {
      name: "above max goes to max without reading metrics",
      in: input({ spec: 12, max: 10 }),
      desired: 10,
      rescale: true,
      conditions: [["AbleToScale", "True", "SucceededRescale"]],
    },
    {
      name: "invalid metric type",
      in: input({ spec: 3, metrics: [{ type: "CheddarCheese" }] }),
      desired: 3,
      rescale: false,
      conditions: [["AbleToScale", "True", "SucceededGetScale"], ["ScalingActive", "False", "InvalidMetricSourceType"]],
    },
    {
      name: "a broken metric blocks a scale-down",
      in: input({ spec: 4, levels: { p0: 100, p1: 100, p2: 100, p3: 100 }, metrics: [cpuSpec(50), external(100)], externalError: true }),
      desired: 4,
      rescale: false,
      conditions: [["AbleToScale", "True", "SucceededGetScale"], ["ScalingActive", "False", "FailedGetExternalMetric"]],
    },
    {
      name: "a broken metric does not block a scale-up",
      in: input({ spec: 2, levels: { p0: 1000, p1: 1000 }, metrics: [cpuSpec(50), external(100)], externalError: true }),
      desired: 4,
      rescale: true,
      conditions: [["AbleToScale", "True", "SucceededRescale"], ["ScalingActive", "True", "ValidMetricFound"], ["ScalingLimited", "False", "DesiredWithinRange"]],
    },
    {
      name: "missing target",
      in: input({ spec: 3, metrics: [{ type: "Resource", resource: { name: "cpu", target: emptyMetricTarget() } }] }),
      desired: 3,
      rescale: false,
      conditions: [["AbleToScale", "True", "SucceededGetScale"], ["ScalingActive", "False", "FailedGetResourceMetric"]],
    },
    {
      name: "seeded history stabilizes a scale-down (legacy)",
      in: input({ spec: 4, levels: { p0: 100, p1: 100, p2: 100, p3: 100 }, recommendations: null }),
      desired: 4,
      rescale: false,
      conditions: [["AbleToScale", "True", "ScaleDownStabilized"], ["ScalingActive", "True", "ValidMetricFound"], ["ScalingLimited", "False", "DesiredWithinRange"]],
    },
    {
      name: "behavior rate limit",
      in: input({
        spec: 4,
        max: 20,
        levels: { p0: 2000, p1: 2000, p2: 2000, p3: 2000 },
        metrics: [cpuSpec(10)],
        behavior: { scaleUp: { stabilizationWindowSeconds: null, selectPolicy: null, policies: [{ type: "Pods", value: 2, periodSeconds: 60 }], tolerance: null }, scaleDown: null },
      }),
      desired: 6,
      rescale: true,
      conditions: [["AbleToScale", "True", "SucceededRescale"], ["ScalingActive", "True", "ValidMetricFound"], ["ScalingLimited", "True", "ScaleUpLimit"]],
    },
  ];
  for (const c of cases) {
    const r = reconcileAutoscaler(c.in);
    t.equal(r.desiredReplicas, c.desired, `${c.name}: desired`);
    t.equal(r.rescale, c.rescale, `${c.name}: rescale`);
    t.same(conds(r), c.conditions, `${c.name}: conditions`);
    t.equal(r.decision.desiredReplicas, c.desired, `${c.name}: decision record`);
  }
});

t.test("reconcile edits the histories in place and returns a decision record", async (t) => {
  const inp = input({
    spec: 4,
    max: 20,
    levels: { p0: 2000, p1: 2000, p2: 2000, p3: 2000 },
    metrics: [cpuSpec(10)],
    behavior: { scaleUp: null, scaleDown: null },
  });
  const r = reconcileAutoscaler(inp);
  t.equal(r.desiredReplicas, 8, "default scale-up policy: max(+4, +100%)");
  t.same(r.scaleUpEvents, [{ replicaChange: 4, timestamp_ms: 1_000_000, outdated: false }]);
  t.same(r.recommendations.entries().map((x) => x.recommendation), [80]);
  t.equal(r.recommendations, inp.recommendations, "the history given is the one edited (as upstream's controller map)");
  t.equal(r.scaleUpEvents, inp.scaleUpEvents);
  t.equal(r.status.lastScaleTime_ms, 1_000_000);
  t.same(r.decision.metrics[0].current, { averageUtilization_percent: 200, averageValue_milli: 2000 });
  t.equal(r.decision.metricDesiredReplicas, 80);
  t.equal(r.decision.stabilizedReplicas, 80);
  t.equal(r.decision.limitedReplicas, 8);
  t.equal(r.decision.limitingReason, "ScaleUpLimit");
  t.equal(r.decision.rescaleReason, "cpu resource utilization (percentage of request) above target");
});

t.test("with a scratch, a reconcile refills its own objects and never edits the stored status", async (t) => {
  const inp = input({ spec: 4, levels: { p0: 2000, p1: 2000, p2: 2000, p3: 2000 } });
  const scratch = newReconcileScratch();
  inp.scratch = scratch;
  const initial = inp.hpa.status;
  const first = reconcileAutoscaler(inp);
  t.not(first.status, initial, "the status is built in the scratch's object, not the HPA's");
  // What the controller does when the status changed: store it, give the scratch the replaced one.
  const stored = first.status;
  scratch.status = inp.hpa.status;
  inp.hpa.status = stored;
  const snapshot = JSON.parse(JSON.stringify(stored));
  const decision = first.decision;
  const metric = stored.currentMetrics[0];

  inp.now_ms += 15_000;
  const second = reconcileAutoscaler(inp);
  t.equal(second.status, initial, "the two status objects take turns");
  t.same(JSON.parse(JSON.stringify(stored)), snapshot, "the stored status, its conditions and metric statuses are untouched");
  t.equal(stored.currentMetrics[0], metric);
  t.not(second.status.conditions, stored.conditions);
  t.not(second.status.currentMetrics[0], metric, "the metric status is the reconcile's own");
  t.equal(second.decision, decision, "the decision record is refilled");
  t.equal(second.decision.now_ms, inp.now_ms);
  t.same(second.status.currentMetrics, stored.currentMetrics, "the same metrics, read again");

  // Once its status is stored and the next reconcile's status object is the first one again,
  // that reconcile refills the metric status it had built (no new objects in a steady state).
  const own = second.status.currentMetrics[0];
  scratch.status = inp.hpa.status;
  inp.hpa.status = second.status;
  inp.now_ms += 15_000;
  const third = reconcileAutoscaler(inp);
  t.equal(third.status, stored);
  t.equal(third.status.currentMetrics[0], metric, "its own earlier metric status, refilled");
  t.not(third.status.currentMetrics[0], own);
});
