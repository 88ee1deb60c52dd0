import t from "tap";
import { aggregatorOf, isExpired, newAggregateContainerState, type AggregateContainerState } from "../../../models/vpa/aggregate-container-state.js";
import { containerAddSample, newContainerState, recordOOM } from "../../../models/vpa/container-state.js";
import { getConfidence } from "../../../models/vpa/estimator.js";
import { computeVpaRecommendation, createPodResourceRecommender, DEFAULT_RECOMMENDATION_CONFIG } from "../../../models/vpa/recommender.js";
import { MAX_RESOURCE_AMOUNT, scaleResource } from "../../../models/vpa/resource-amount.js";
import type { PodResourcePolicy } from "../../../models/vpa/types.js";

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const MiB = 1024 * 1024;
const T0 = 1_492_536_905_000;
const recommender = createPodResourceRecommender(DEFAULT_RECOMMENDATION_CONFIG);

/** One pod's container fed `n` samples a minute apart (the walkthrough's set-up). */
function steady(n: number, cpu_mcores: number, memory_bytes: number): AggregateContainerState {
  const a = newAggregateContainerState(T0);
  const c = newContainerState({});
  for (let k = 0; k < n; k++) {
    containerAddSample(c, { measureStart_ms: T0 + k * MINUTE_MS, usage: cpu_mcores, resource: "cpu" }, aggregatorOf(a));
    containerAddSample(c, { measureStart_ms: T0 + k * MINUTE_MS, usage: memory_bytes, resource: "memory" }, aggregatorOf(a));
  }
  return a;
}

function recommend(aggregates: [string, AggregateContainerState][], policy: PodResourcePolicy | null = null) {
  const r = computeVpaRecommendation(recommender, aggregates, policy, null, T0);
  return new Map(r.containerRecommendations.map((c) => [c.containerName, c]));
}

t.test("walkthrough: steady 500m gives a 587m target from the first sample", async (t) => {
  const r = recommend([["app", steady(1, 500, 200 * MiB)]]).get("app")!;
  t.equal(r.target!.cpu, 587n, "bucket end 511m + 15 % (76m)");
  t.equal(r.target!.memory, 250n * BigInt(MiB) * 1000n, "200Mi + 15 % is below the 250Mi pod minimum");
  t.equal(r.lowerBound!.cpu, 25n, "confidence 0: lower bound 0, lifted to the 25m minimum");
  t.equal(r.upperBound!.cpu, BigInt(MAX_RESOURCE_AMOUNT), "confidence 0: upper bound +Inf, capped at 1e14");
});

t.test("walkthrough: the lower bound rises fast — (1 + 0.001/confidence)^-2 of 587m", async (t) => {
  // [samples, lower bound in millicores]; confidence = (samples − 1) minutes / 1 day.
  const table: [number, number][] = [
    [2, 98],
    [3, 198],
    [60, 559],
  ];
  for (const [n, lower] of table) {
    const confidence = (n - 1) / 1440;
    t.equal(lower, scaleResource(587, Math.pow(1 + 0.001 / confidence, -2)), `${n} samples: independent arithmetic`);
    t.equal(recommend([["app", steady(n, 500, 200 * MiB)]]).get("app")!.lowerBound!.cpu, BigInt(lower), `${n} samples → ${lower}m`);
  }
});

t.test("confidence is min(history in days, samples per minute of a day)", async (t) => {
  const a = steady(9, 1000, 0);
  t.equal(getConfidence(a, DAY_MS), 8 / 1440, "9 samples a minute apart: 8 minutes of history limit it");
  const sparse = newAggregateContainerState(T0);
  for (let k = 0; k < 9; k++) aggregatorOf(sparse).addSample({ measureStart_ms: T0 + k * 2 * MINUTE_MS, usage: 1000, resource: "cpu" });
  t.equal(getConfidence(sparse, DAY_MS), 9 / 1440, "2 minutes apart: the sample count limits (estimator_test.go)");
  t.equal(getConfidence(sparse, 18 * MINUTE_MS), 0.5, "a 18-minute interval: 16 minutes of history");
});

t.test("an empty aggregate recommends the pod minimum for all three bounds", async (t) => {
  const r = recommend([["app", newAggregateContainerState(T0)]]).get("app")!;
  for (const bound of [r.target!, r.lowerBound!, r.upperBound!]) {
    t.equal(bound.cpu, 25n);
    t.equal(bound.memory, 250n * BigInt(MiB) * 1000n);
  }
});

t.test("the pod minimum is split over containers; Off containers are dropped first; controlledResources filter", async (t) => {
  const two = recommend([
    ["app", steady(30, 1, 20 * MiB)],
    ["sidecar", steady(30, 1, 20 * MiB)],
  ]);
  t.equal(two.get("app")!.target!.cpu, 12n, "11m estimate < 25m / 2 containers, truncated");
  t.equal(two.get("sidecar")!.target!.memory, 125n * BigInt(MiB) * 1000n, "250Mi / 2");
  const off = recommend(
    [
      ["app", steady(30, 10, 20 * MiB)],
      ["sidecar", steady(30, 5, 20 * MiB)],
    ],
    { containerPolicies: [{ containerName: "sidecar", mode: "Off", minAllowed: null, maxAllowed: null, controlledResources: null, controlledValues: null }] },
  );
  t.same([...off.keys()], ["app"]);
  t.equal(off.get("app")!.target!.cpu, 25n, "app alone gets the whole minimum");
  const memOnly = recommend([["app", steady(30, 10, 20 * MiB)]], {
    containerPolicies: [{ containerName: "*", mode: null, minAllowed: null, maxAllowed: null, controlledResources: ["memory"], controlledValues: null }],
  });
  t.same(Object.keys(memOnly.get("app")!.target!), ["memory"]);
});

t.test("memory keeps one peak per 24 h window, at the window end; OOMs bump it", async (t) => {
  const calls: string[] = [];
  const a = newAggregateContainerState(T0);
  const real = aggregatorOf(a);
  const aggregator = {
    ...real,
    addSample: (s: Parameters<typeof real.addSample>[0]) => calls.push(`+${s.usage}@${s.measureStart_ms - T0}`),
    subtractSample: (s: Parameters<typeof real.addSample>[0]) => calls.push(`-${s.usage}@${s.measureStart_ms - T0}`),
  };
  const c = newContainerState({});
  t.ok(containerAddSample(c, { measureStart_ms: T0, usage: 300, resource: "memory" }, aggregator));
  t.ok(containerAddSample(c, { measureStart_ms: T0 + 3_600_000, usage: 200, resource: "memory" }, aggregator), "a smaller sample is accepted but not added");
  t.ok(containerAddSample(c, { measureStart_ms: T0 + 7_200_000, usage: 400, resource: "memory" }, aggregator));
  t.notOk(containerAddSample(c, { measureStart_ms: T0 + 3_600_000, usage: 900, resource: "memory" }, aggregator), "out of order");
  t.same(calls, [`+300@${DAY_MS}`, `-300@${DAY_MS}`, `+400@${DAY_MS}`]);
  calls.length = 0;
  t.equal(recordOOM(c, T0 + 8_000_000, 256 * MiB, aggregator), null);
  t.same(calls, [`-400@${DAY_MS}`, `+${256 * MiB + 100 * MiB}@${DAY_MS}`], "max(request + 100Mi, request × 1.2)");
  t.match(recordOOM(c, T0 - 2 * DAY_MS, 256 * MiB, aggregator), /too old/);
});

t.test("an aggregate expires 8 days after its last sample (or creation)", async (t) => {
  const a = steady(1, 100, 0);
  t.notOk(isExpired(a, T0 + 8 * DAY_MS - 1));
  t.ok(isExpired(a, T0 + 8 * DAY_MS));
  t.ok(isExpired(newAggregateContainerState(T0), T0 + 8 * DAY_MS), "no samples: from the creation time");
});
