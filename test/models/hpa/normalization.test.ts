import t from "tap";
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  getReplicasChangePerPeriod,
  RecommendationHistory,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
  stabilizationCondition,
  storeScaleEvent,
} from "../../../models/hpa/normalization.js";
import { generateHPAScaleDownRules, generateHPAScaleUpRules } from "../../../models/hpa/defaults.js";
import type { HPAScalingRules, TimestampedScaleEvent } from "../../../models/hpa/types.js";

const rules = (policies: HPAScalingRules["policies"], selectPolicy: HPAScalingRules["selectPolicy"] = "Max"): HPAScalingRules => ({
  stabilizationWindowSeconds: 0,
  selectPolicy,
  policies,
  tolerance: null,
});
const ev = (replicaChange: number, age_s: number): TimestampedScaleEvent => ({ replicaChange, timestamp_ms: -age_s * 1000, outdated: false });

t.test("scale-up limits per policy and selectPolicy", async (t) => {
  const cases = [
    { name: "default rules from 3", current: 3, r: generateHPAScaleUpRules(null), up: [], want: 7 },
    { name: "percent rounds up", current: 3, r: rules([{ type: "Percent", value: 10, periodSeconds: 60 }]), up: [], want: 4 },
    { name: "Min picks the smaller", current: 1, r: rules([{ type: "Pods", value: 2, periodSeconds: 60 }, { type: "Percent", value: 50, periodSeconds: 60 }], "Min"), up: [], want: 2 },
    { name: "events in the period count", current: 10, r: rules([{ type: "Pods", value: 4, periodSeconds: 60 }]), up: [ev(3, 30)], want: 11 },
    { name: "event aged exactly the period is out", current: 10, r: rules([{ type: "Pods", value: 4, periodSeconds: 60 }]), up: [ev(3, 60)], want: 14 },
    { name: "Disabled keeps current", current: 10, r: rules([{ type: "Pods", value: 4, periodSeconds: 60 }], "Disabled"), up: [], want: 10 },
  ];
  for (const c of cases) t.equal(calculateScaleUpLimitWithScalingRules(c.current, c.up, [], c.r, 0), c.want, c.name);
});

t.test("scale-down limits truncate percentages", async (t) => {
  const cases = [
    { name: "default rules allow to zero", current: 5, r: generateHPAScaleDownRules(null), want: 0 },
    { name: "10% of 80", current: 80, r: rules([{ type: "Percent", value: 10, periodSeconds: 60 }]), want: 72 },
    { name: "Min picks the larger", current: 5, r: rules([{ type: "Pods", value: 2, periodSeconds: 60 }, { type: "Percent", value: 50, periodSeconds: 60 }], "Min"), want: 3 },
  ];
  for (const c of cases) t.equal(calculateScaleDownLimitWithBehaviors(c.current, [], [], c.r, 0), c.want, c.name);
});

t.test("convertDesiredReplicasWithBehaviorRate reasons", async (t) => {
  const base = { scaleUpBehavior: generateHPAScaleUpRules(null), scaleDownBehavior: generateHPAScaleDownRules(null), minReplicas: 2, maxReplicas: 10 };
  const cases = [
    { current: 5, desired: 7, want: [7, "DesiredWithinRange"] },
    { current: 5, desired: 12, want: [10, "TooManyReplicas"] },
    { current: 2, desired: 9, want: [6, "ScaleUpLimit"] },
    { current: 3, desired: 1, want: [2, "TooFewReplicas"] },
  ];
  for (const c of cases) {
    const r = convertDesiredReplicasWithBehaviorRate({ ...base, currentReplicas: c.current, desiredReplicas: c.desired }, [], [], 0);
    t.same([r.replicas, r.reason], c.want, `${c.current} -> ${c.desired}`);
  }
  const down = convertDesiredReplicasWithBehaviorRate(
    { ...base, scaleDownBehavior: rules([{ type: "Pods", value: 1, periodSeconds: 60 }]), currentReplicas: 8, desiredReplicas: 3 },
    [],
    [],
    0,
  );
  t.same([down.replicas, down.reason], [7, "ScaleDownLimit"]);
});

t.test("legacy rules: scale-up limit max(factor*current, minimum)", async (t) => {
  t.equal(calculateScaleUpLimit(3, 2, 4), 6);
  t.equal(calculateScaleUpLimit(1, 2, 4), 4);
  t.same(convertDesiredReplicasWithRules(3, 20, 1, 100, 2, 4), { replicas: 6, reason: "ScaleUpLimit", message: "the desired replica count is increasing faster than the maximum scale rate" });
  t.equal(convertDesiredReplicasWithRules(3, 20, 1, 5, 2, 4).reason, "TooManyReplicas");
  t.equal(convertDesiredReplicasWithRules(3, 0, 1, 5, 2, 4).reason, "TooFewReplicas");
});

t.test("stabilization windows and history reuse", async (t) => {
  const recs = RecommendationHistory.of([
    { recommendation: 10, timestamp_ms: -600_000 },
    { recommendation: 4, timestamp_ms: -60_000 },
  ]);
  t.equal(stabilizeRecommendation(recs, 3, 300_000, 0), 4);
  t.same(recs.entries().map((r) => [r.recommendation, r.timestamp_ms]), [[3, 0], [4, -60_000]], "the old slot is reused, in place");
  stabilizeRecommendation(recs, 5, 30_000, 0);
  t.same(recs.entries().map((r) => r.recommendation), [3, 5], "the last entry out of the window is the one overwritten");
  stabilizeRecommendation(recs, 6, 300_000, 0);
  t.same(recs.entries().map((r) => r.recommendation), [3, 5, 6], "no entry out of the window: appended");
  // Appending past the history's first capacity keeps every entry, in order.
  const long = new RecommendationHistory(1);
  for (let i = 0; i < 30; i++) stabilizeRecommendation(long, i, 3_600_000, i * 15_000);
  t.same(long.entries().map((r) => [r.recommendation, r.timestamp_ms]), Array.from({ length: 30 }, (_, i) => [i, i * 15_000]), "grown, in order");

  const sdown = (up_s: number, down_s: number) => ({
    scaleUpBehavior: { ...generateHPAScaleUpRules(null), stabilizationWindowSeconds: up_s },
    scaleDownBehavior: { ...generateHPAScaleDownRules(null), stabilizationWindowSeconds: down_s },
    minReplicas: 1,
    maxReplicas: 100,
  });
  const now = RecommendationHistory.of([{ recommendation: 5, timestamp_ms: 0 }]);
  t.equal(stabilizeRecommendationWithBehaviors(now, { ...sdown(0, 0), currentReplicas: 5, desiredReplicas: 2 }, 0), 2, "age 0 with window 0 is outside");
  t.same(now.entries().map((r) => r.recommendation), [2], "the entry outside both windows is overwritten in place");
  const held = RecommendationHistory.of([{ recommendation: 5, timestamp_ms: 0 }]);
  t.equal(stabilizeRecommendationWithBehaviors(held, { ...sdown(0, 300), currentReplicas: 5, desiredReplicas: 2 }, 0), 5, "down window holds the scale-down");
  t.same(held.entries().map((r) => r.recommendation), [5, 2], "an entry inside a window is kept: appended");
  const upArgs = { ...sdown(300, 0), currentReplicas: 2, desiredReplicas: 9 };
  t.equal(stabilizeRecommendationWithBehaviors(RecommendationHistory.of([{ recommendation: 3, timestamp_ms: -60_000 }]), upArgs, 0), 3);
  t.equal(stabilizationCondition(upArgs).reason, "ScaleUpStabilized");
  t.equal(stabilizationCondition({ ...upArgs, desiredReplicas: 1 }).reason, "ScaleDownStabilized");
});

t.test("storeScaleEvent marks outdated events and reuses the last slot", async (t) => {
  const behavior = { scaleUp: rules([{ type: "Pods", value: 10, periodSeconds: 60 }]), scaleDown: rules([{ type: "Pods", value: 10, periodSeconds: 60 }]) };
  const prev = [ev(8, 29), ev(7, 61), ev(9, 61)];
  t.equal(getReplicasChangePerPeriod(60, prev, 0), 8);
  const reused = prev[2];
  storeScaleEvent(behavior, prev, [], 10, 15, 0);
  t.same(prev.map((e) => [e.replicaChange, e.outdated]), [[8, false], [7, true], [5, false]], "marked in place; the last outdated entry holds the new event");
  t.equal(prev[2], reused, "the entry is edited, not replaced");
  t.equal(getReplicasChangePerPeriod(60, prev, 0), 13);
  const up: ReturnType<typeof ev>[] = [];
  const down: ReturnType<typeof ev>[] = [];
  storeScaleEvent(behavior, up, down, 10, 4, 0);
  t.same([up.length, down.map((e) => e.replicaChange)], [0, [6]], "a scale-down goes in the down history");
  storeScaleEvent(null, prev, [], 10, 15, 0);
  t.equal(prev.length, 3, "no behavior, nothing stored");
});
