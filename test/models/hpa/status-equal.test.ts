/** horizontal.go updateStatusIfNeeded's comparison: equal statuses, and a change in each part. */
import t from "tap";
import { hpaStatusEqual } from "../../../models/hpa/status-equal.js";
import type { HorizontalPodAutoscalerStatus, MetricIdentifier } from "../../../models/hpa/types.js";

const metric: MetricIdentifier = { name: "queue", selector: null };
function status(): HorizontalPodAutoscalerStatus {
  return {
    currentReplicas: 3,
    desiredReplicas: 3,
    lastScaleTime_ms: 60_000,
    currentMetrics: [
      { type: "Resource", resource: { name: "cpu", current: { averageUtilization_percent: 60, averageValue_milli: 150 } } },
      { type: "Pods", pods: { metric, current: { averageValue_milli: 5000n } } },
    ],
    conditions: [{ type: "AbleToScale", status: "True", reason: "ReadyForNewScale", message: "recommended size matches current size", lastTransitionTime_ms: 0 }],
  };
}

t.test("equal statuses built apart compare equal (bigint values by value)", async (t) => {
  t.ok(hpaStatusEqual(status(), status()));
});

const changes: [string, (s: HorizontalPodAutoscalerStatus) => void][] = [
  ["currentReplicas", (s) => (s.currentReplicas = 4)],
  ["desiredReplicas", (s) => (s.desiredReplicas = 4)],
  ["lastScaleTime", (s) => (s.lastScaleTime_ms = 75_000)],
  ["a utilization", (s) => (s.currentMetrics[0].resource!.current.averageUtilization_percent = 61)],
  ["an average value", (s) => (s.currentMetrics[1].pods!.current.averageValue_milli = 5001n)],
  ["a metric's identifier object", (s) => (s.currentMetrics[1].pods!.metric = { ...metric })],
  ["a metric's type", (s) => (s.currentMetrics[0] = { type: "ContainerResource", containerResource: { name: "cpu", container: "app", current: { averageUtilization_percent: 60 } } })],
  ["one metric fewer", (s) => s.currentMetrics.pop()],
  ["a condition's reason", (s) => (s.conditions[0].reason = "ScaleDownStabilized")],
  ["a condition's transition time", (s) => (s.conditions[0].lastTransitionTime_ms = 15_000)],
  ["one condition more", (s) => s.conditions.push({ type: "ScalingActive", status: "True", reason: "ValidMetricFound", message: "", lastTransitionTime_ms: 0 })],
];

for (const [what, change] of changes) {
  t.test(`a change in ${what} is a change`, async (t) => {
    const b = status();
    change(b);
    t.notOk(hpaStatusEqual(status(), b));
    t.notOk(hpaStatusEqual(b, status()));
  });
}
