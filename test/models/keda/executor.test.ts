import t from "tap";
import { cooldownOver, requestScale } from "../../../models/keda/executor.js";
import { getMetricsWithFallback } from "../../../models/keda/fallback.js";
import { checkReplicaCountBoundsAreValid, getScaledObjectMetricSpecs, newHPAForScaledObject } from "../../../models/keda/hpa.js";
import { pollScaledObject } from "../../../models/keda/poll.js";
import type { ScaledObject, ScaledObjectSpec } from "../../../models/keda/types.js";

const REDIS = { type: "redis", metadata: { listName: "jobs", listLength: "5", address: "redis:6379" } };

function so(spec: Partial<ScaledObjectSpec>, extra: Partial<ScaledObject> = {}): ScaledObject {
  return {
    name: "rc",
    namespace: "default",
    labels: {},
    annotations: null,
    creationTimestamp: null,
    spec: { scaleTargetRef: { name: "deploy" }, triggers: [REDIS], ...spec },
    status: { lastActiveTime: null },
    ...extra,
  };
}

t.test("RequestScale: what the executor writes, and why", async (t) => {
  const rows: Array<[string, ScaledObject, number, boolean, boolean, number | null, string]> = [
    ["inactive below min without idle → min", so({ minReplicaCount: 3 }), 1, false, false, 3, "scaleToMinReplicas"],
    ["inactive above idle after cooldown → idle", so({ minReplicaCount: 3, idleReplicaCount: 1 }), 5, false, false, 1, "scaleToZeroOrIdle"],
    ["paused=true writes nothing", so({ minReplicaCount: 0 }, { annotations: { "autoscaling.keda.sh/paused": "true" } }), 0, true, false, null, "paused"],
    ["inactive with an error and a fallback: the HPA does the fallback", so({ minReplicaCount: 0, fallback: { failureThreshold: 3, replicas: 4 } }), 2, false, true, null, "fallbackHandledByHPA"],
    ["inactive with an error and no fallback still scales to zero", so({ minReplicaCount: 0 }), 2, false, true, 0, "scaleToZeroOrIdle"],
  ];
  for (const [name, obj, current, active, error, scaleTo, action] of rows) {
    const d = requestScale(obj, current, active, error, 1_700_000_000);
    t.equal(d.scaleTo, scaleTo, `${name}: scaleTo`);
    t.equal(d.action, action, `${name}: action`);
  }
});

t.test("cooldown: strict Before, from lastActiveTime or creation + initialCooldownPeriod", async (t) => {
  const last = so({ cooldownPeriod: 300 }, { status: { lastActiveTime: 210 } });
  t.notOk(cooldownOver(last, 510), "exactly cooldownPeriod later is not over");
  t.ok(cooldownOver(last, 510.001), "just after it is");
  const created = so({ initialCooldownPeriod: 120 }, { creationTimestamp: 1000 });
  t.notOk(cooldownOver(created, 1120));
  t.ok(cooldownOver(created, 1121));
  t.ok(cooldownOver(so({}), 0), "no lastActiveTime and a zero creation time: over");
});

t.test("walkthrough polls: 0 → 1 on the first item, lastActiveTime refreshed while busy, 0 after the cooldown", async (t) => {
  const walk = so({ minReplicaCount: 0, maxReplicaCount: 10, pollingInterval: 30, cooldownPeriod: 300 });
  const at30 = pollScaledObject(walk, 0, [{ listLength: 0 }], 30);
  t.same(at30.triggers, [{ metricName: "s0-redis-jobs", metricValueMilli: 0, isActive: false }]);
  t.equal(at30.decision.scaleTo, null);
  const at60 = pollScaledObject(walk, 0, [{ listLength: 1 }], 60);
  t.equal(at60.decision.scaleTo, 1);
  t.equal(at60.decision.lastActiveTime, 60);
  const busy = { ...walk, status: { lastActiveTime: 60 } };
  const at210 = pollScaledObject(busy, 4, [{ listLength: 58 }], 210.2);
  t.equal(at210.decision.scaleTo, null, "1 → N belongs to the HPA");
  t.equal(at210.decision.lastActiveTime, 210, "stored at 1-second precision");
  const idle = { ...walk, status: { lastActiveTime: 210 } };
  t.equal(pollScaledObject(idle, 10, [{ listLength: 0 }], 480).decision.action, "cooldown");
  t.equal(pollScaledObject(idle, 8, [{ listLength: 0 }], 510.1).decision.scaleTo, 0);
});

t.test("generated HPA: resource triggers, sort order, bounds errors", async (t) => {
  const multi = so({
    minReplicaCount: 2,
    triggers: [{ type: "memory", metricType: "AverageValue", metadata: { value: "512Mi" } }, REDIS, { type: "cpu", metadata: { value: "70" } }],
  });
  t.same(
    getScaledObjectMetricSpecs(multi).map((m) => (m.type === "External" ? m.metricName : m.resourceName)),
    ["s1-redis-jobs", "memory", "cpu"],
    "External first, Resource after, trigger order kept within a type",
  );
  t.same(getScaledObjectMetricSpecs(multi)[1].target, { type: "AverageValue", averageValueMilli: 512 * 1024 * 1024 * 1000 });
  t.equal(newHPAForScaledObject(multi, { kind: "Deployment", apiVersion: "apps/v1" }).minReplicas, 2);
  t.equal(checkReplicaCountBoundsAreValid(so({ minReplicaCount: 5, maxReplicaCount: 2 })), "MinReplicaCount=5 must be less than MaxReplicaCount=2");
  t.equal(checkReplicaCountBoundsAreValid(so({ minReplicaCount: 2, idleReplicaCount: 2 })), "IdleReplicaCount=2 must be less than MinReplicaCount=2");
  t.equal(checkReplicaCountBoundsAreValid(so({ minReplicaCount: 0, maxReplicaCount: 10 })), null);
  t.throws(() => getScaledObjectMetricSpecs(so({ triggers: [{ type: "redis", metadata: { listName: "q" } }] })), /no address or host and port/);
});

t.test("fallback: threshold, condition from any failing metric, Value targets over ready replicas", async (t) => {
  const base = {
    fallback: { failureThreshold: 1, replicas: 6 },
    metricName: "m",
    target: { type: "Value" as const, valueMilli: 30_000 },
    scalerResult: { error: "down" },
    health: { m: { numberOfFailures: 1, status: "Failing" as const } },
    currentReplicas: 4,
    readyReplicas: 3,
  };
  t.same(getMetricsWithFallback(base), {
    metricValueMilli: 60_000,
    error: null,
    fallbackActive: true,
    health: { numberOfFailures: 2, status: "Failing" },
    fallbackCondition: "True",
  });
  const ok = getMetricsWithFallback({ ...base, scalerResult: { metricValueMilli: 7 }, health: { ...base.health, other: { numberOfFailures: 9, status: "Failing" } } });
  t.same(ok, { metricValueMilli: 7, error: null, fallbackActive: false, health: { numberOfFailures: 0, status: "Happy" }, fallbackCondition: "True" });
});

t.test("the HPA name label is cut to 63 characters without a trailing dash", async (t) => {
  const long = so({}, { name: "a".repeat(54) + "-bcdef" });
  const hpa = newHPAForScaledObject(long, { kind: "Deployment", apiVersion: "apps/v1" });
  t.equal(hpa.name, `keda-hpa-${"a".repeat(54)}-bcdef`);
  t.equal(hpa.labels["app.kubernetes.io/name"], `keda-hpa-${"a".repeat(54)}`);
});
