import t from "tap";
import {
  calculateScaleDownLimitWithBehaviors,
  calculateScaleUpLimit,
  calculateScaleUpLimitWithScalingRules,
  convertDesiredReplicasWithBehaviorRate,
  convertDesiredReplicasWithRules,
  getReplicasChangePerPeriod,
  stabilizeRecommendation,
  stabilizeRecommendationWithBehaviors,
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
  const recs = [
    { recommendation: 10, timestamp_ms: -600_000 },
    { recommendation: 4, timestamp_ms: -60_000 },
  ];
  const legacy = stabilizeRecommendation(recs, 3, 300_000, 0);
  t.equal(legacy.stabilizedReplicas, 4);
  t.same(legacy.recommendations.map((r) => r.recommendation), [3, 4], "the old slot is reused");
  t.equal(recs[0].recommendation, 10, "input not mutated");

  const sdown = (up_s: number, down_s: number) => ({
    scaleUpBehavior: { ...generateHPAScaleUpRules(null), stabilizationWindowSeconds: up_s },
    scaleDownBehavior: { ...generateHPAScaleDownRules(null), stabilizationWindowSeconds: down_s },
    minReplicas: 1,
    maxReplicas: 100,
  });
  const now = [{ recommendation: 5, timestamp_ms: 0 }];
  t.equal(stabilizeRecommendationWithBehaviors(now, { ...sdown(0, 0), currentReplicas: 5, desiredReplicas: 2 }, 0).recommendation, 2, "age 0 with window 0 is outside");
  t.equal(stabilizeRecommendationWithBehaviors(now, { ...sdown(0, 300), currentReplicas: 5, desiredReplicas: 2 }, 0).recommendation, 5, "down window holds the scale-down");
  const upHeld = stabilizeRecommendationWithBehaviors([{ recommendation: 3, timestamp_ms: -60_000 }], { ...sdown(300, 0), currentReplicas: 2, desiredReplicas: 9 }, 0);
  t.same([upHeld.recommendation, upHeld.reason], [3, "ScaleUpStabilized"]);
});

t.test("storeScaleEvent marks outdated events and reuses the last slot", async (t) => {
  const behavior = { scaleUp: rules([{ type: "Pods", value: 10, periodSeconds: 60 }]), scaleDown: rules([{ type: "Pods", value: 10, periodSeconds: 60 }]) };
  const prev = [ev(8, 29), ev(7, 61), ev(9, 61)];
  const stored = storeScaleEvent(behavior, prev, [], 10, 15, 0);
  t.same(stored.scaleUpEvents.map((e) => [e.replicaChange, e.outdated]), [[8, false], [7, true], [5, false]]);
  t.same(prev[1].outdated, false, "input not mutated");
  t.equal(getReplicasChangePerPeriod(60, prev, 0), 8);
  const down = storeScaleEvent(behavior, [], [], 10, 4, 0);
  t.same(down.scaleDownEvents.map((e) => e.replicaChange), [6]);
  t.same(storeScaleEvent(null, prev, [], 10, 15, 0).scaleUpEvents.length, 3, "no behavior, nothing stored");
});
