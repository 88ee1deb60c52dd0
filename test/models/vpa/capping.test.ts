import t from "tap";
import { applyVPAPolicy, NOOP_LIMITS_CALCULATOR, newCappingRecommendationProcessor, type LimitRangeCalculator } from "../../../models/vpa/capping.js";
import { getBoundaryRequest, getProportionalResourceLimit } from "../../../models/vpa/limit-and-request-scaling.js";
import { MAX_INT64 } from "../../../models/vpa/quantity.js";
import { getContainersResourcesForPod } from "../../../models/vpa/recommendation-provider.js";
import type { ContainerResourcePolicy, LimitRangeItem } from "../../../models/vpa/types.js";
import { pod, rec, rl, vpa } from "./fixtures.js";

const MiB = 1024 * 1024;

function policy(p: Partial<ContainerResourcePolicy>): ContainerResourcePolicy {
  return { containerName: "app", mode: null, minAllowed: null, maxAllowed: null, controlledResources: null, controlledValues: null, ...p };
}

function limitRanges(podItem: LimitRangeItem | null, containerItem: LimitRangeItem | null): LimitRangeCalculator {
  return { getPodLimitRangeItem: () => ({ item: podItem, error: null }), getContainerLimitRangeItem: () => ({ item: containerItem, error: null }) };
}

t.test("getProportionalResourceLimit keeps limit/request (table from limit_and_request_scaling_test.go)", async (t) => {
  // [resource, originalLimit, originalRequest, recommendedRequest, expected limit (null = not set), annotated]
  const table: ["cpu" | "memory", bigint | null, bigint | null, bigint | null, bigint | null, boolean][] = [
    ["cpu", 2000n, 1000n, 10000n, 20000n, false],
    ["cpu", null, 1000n, 10000n, null, true],
    ["cpu", 2000n, null, 10000n, 10000n, false],
    ["cpu", 1000n, 1000n, 10000n, 10000n, false],
    ["cpu", 2000n, 1500n, 1000n, 1333n, false],
    ["memory", 200_000n, 150_000n, 100_000n, 133_000n, false],
    ["memory", 10_000_000_000_000n, 1n, 10_000_000_000_000n, MAX_INT64 * 1000n, true],
  ];
  for (const [resource, limit, request, recommended, expected, annotated] of table) {
    const r = getProportionalResourceLimit(resource, limit, request, recommended, null);
    t.equal(r.limit, expected, `${resource} ${limit}/${request} → ${recommended}: limit ${expected}`);
    t.equal(r.annotation !== "", annotated);
  }
});

t.test("GetBoundaryRequest keeps the ratio, floors, and 0 means no boundary", async (t) => {
  t.equal(getBoundaryRequest("cpu", 250n, 1000n, 2000n, null), 500n);
  t.equal(getBoundaryRequest("memory", 3000n, 7000n, 100_000n, null), 42_000n, "3/7 × 100 B = 42 B");
  t.equal(getBoundaryRequest("memory", 100_000n, 0n, 1_000_000n, 0n), 0n);
  t.equal(getBoundaryRequest("cpu", 0n, 1000n, 3000n, null), 3000n);
});

t.test("ApplyVPAPolicy: own maxAllowed wins per resource, globalMaxAllowed fills the rest, uncappedTarget untouched", async (t) => {
  const recommendation = { containerRecommendations: [{ ...rec("app", rl(42, 42 * MiB), rl(31, 31 * MiB), rl(53, 53 * MiB)), uncappedTarget: rl(42, 42 * MiB) }] };
  const capped = applyVPAPolicy(recommendation, { containerPolicies: [policy({ maxAllowed: rl(40) })] }, rl(1000, 40 * MiB))!;
  const c = capped.containerRecommendations[0];
  t.same(c.target, rl(40, 40 * MiB));
  t.same(c.upperBound, rl(40, 40 * MiB));
  t.same(c.lowerBound, rl(31, 31 * MiB));
  t.same(c.uncappedTarget, rl(42, 42 * MiB));
  t.same(recommendation.containerRecommendations[0].target, rl(42, 42 * MiB), "the input is not modified");
  t.equal(applyVPAPolicy(null, null, null), null);
});

t.test("capping processor: RequestsOnly caps at the container limit after minAllowed", async (t) => {
  const v = vpa({
    recommendation: { containerRecommendations: [rec("app", rl(300, 300 * MiB), rl(200, 200 * MiB), rl(900, 900 * MiB))] },
    resourcePolicy: { containerPolicies: [policy({ controlledValues: "RequestsOnly", minAllowed: rl(600, 100 * MiB) })] },
  });
  const p = pod("p", [{ name: "app", requests: rl(100, 128 * MiB), limits: rl(500, 512 * MiB) }]);
  const r = newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR)(v, p);
  t.equal(r.error, null);
  t.same(r.recommendation!.containerRecommendations[0].target, rl(500, 300 * MiB), "minAllowed 600m, then the 500m limit");
  t.same(r.annotations, { app: ["cpu capped to minAllowed", "cpu capped to container limit"] });
  // In-place resized resources in the container status replace the spec's.
  p.containerStatuses = [{ name: "app", resources: { requests: {}, limits: rl(250) }, lastTerminated: null }];
  const resized = newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR)(v, p);
  t.same(resized.recommendation!.containerRecommendations[0].target, rl(250, 300 * MiB));
});

t.test("capping processor: a container LimitRange max is turned into a request bound", async (t) => {
  const v = vpa({ recommendation: { containerRecommendations: [rec("app", rl(2000, 200 * MiB))] }, resourcePolicy: null });
  const p = pod("p", [{ name: "app", requests: rl(500, 100 * MiB), limits: rl(1000, 100 * MiB) }]);
  const item: LimitRangeItem = { type: "Container", min: null, max: rl(1000), default: null };
  const r = newCappingRecommendationProcessor(limitRanges(null, item))(v, p);
  t.same(r.recommendation!.containerRecommendations[0].target, rl(500, 200 * MiB), "max limit 1 core at limit/request 2 → 500m request");
  t.same(r.annotations, { app: ["cpu capped to fit Max in container LimitRange"] });
});

t.test("capping processor: a Pod LimitRange max scales every container's share down", async (t) => {
  const v = vpa({ recommendation: { containerRecommendations: [rec("a", rl(100)), rec("b", rl(100))] } });
  const p = pod("p", [
    { name: "a", requests: rl(100), limits: rl(200) },
    { name: "b", requests: rl(100), limits: rl(200) },
  ]);
  const item: LimitRangeItem = { type: "Pod", min: null, max: rl(300), default: null };
  const r = newCappingRecommendationProcessor(limitRanges(item, null))(v, p);
  // Proportional limits total 400m > 300m: each target is scaled by 300/400.
  t.same(
    r.recommendation!.containerRecommendations.map((c) => c.target),
    [rl(75), rl(75)],
  );
});

t.test("admission: new requests from the target, limits kept in proportion (RequestsAndLimits)", async (t) => {
  const v = vpa({ recommendation: { containerRecommendations: [rec("app", rl(587, 250 * MiB))] } });
  const p = pod("p", [{ name: "app", requests: rl(100, 256 * MiB), limits: rl(200) }]);
  const r = getContainersResourcesForPod(p, v, newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR), NOOP_LIMITS_CALCULATOR);
  if (r.error !== null) throw new Error(r.error);
  t.same(r.containers[0].requests, rl(587, 250 * MiB));
  t.same(r.containers[0].limits, rl(1174), "cpu limit keeps ×2; no memory limit stays unset");
  t.same(r.annotations, { app: ["memory: limit NOT set since originalLimit is nil or 0"] });
  const requestsOnly = getContainersResourcesForPod(
    p,
    vpa({ ...v, resourcePolicy: { containerPolicies: [policy({ controlledValues: "RequestsOnly" })] } }),
    newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR),
    NOOP_LIMITS_CALCULATOR,
  );
  if (requestsOnly.error !== null) throw new Error(requestsOnly.error);
  t.same(requestsOnly.containers[0], { requests: rl(200, 250 * MiB), limits: null }, "RequestsOnly: capped at the 200m limit, limits untouched");
  const failing: LimitRangeCalculator = { ...NOOP_LIMITS_CALCULATOR, getContainerLimitRangeItem: () => ({ item: null, error: "oh no" }) };
  t.same(getContainersResourcesForPod(p, v, newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR), failing), {
    error: "error getting containerLimitRange: oh no",
  });
});
