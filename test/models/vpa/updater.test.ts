import t from "tap";
import { NOOP_LIMITS_CALCULATOR, newCappingRecommendationProcessor } from "../../../models/vpa/capping.js";
import { canEvict, evict, getCreatorMaps, isPodDisruptable } from "../../../models/vpa/eviction-restriction.js";
import { addPod, DEFAULT_UPDATE_CONFIG, getSortedPods, getUpdatePriority, newUpdatePriorityCalculator } from "../../../models/vpa/update-priority.js";
import { updaterModeDecision } from "../../../models/vpa/updater.js";
import type { UpdateMode, VpaPod } from "../../../models/vpa/types.js";
import { pod, rec, rl, vpa } from "./fixtures.js";

const MiB = 1024 * 1024;
const HOUR_MS = 3_600_000;

t.test("GetUpdatePriority: resourceDiff sums |requests − targets| / requests per resource", async (t) => {
  const p = pod("p", [{ name: "app", requests: rl(100, 256 * MiB) }]);
  const first = getUpdatePriority(p, { containerRecommendations: [rec("app", rl(587, 250 * MiB), rl(25, 250 * MiB), rl(1e14, 1e14))] });
  t.same({ ...first, resourceDiff: Math.round(first.resourceDiff * 1e7) / 1e7 }, { outsideRecommendedRange: false, scaleUp: true, resourceDiff: 4.8934375 });
  const later = getUpdatePriority(p, { containerRecommendations: [rec("app", rl(587, 250 * MiB), rl(559, 250 * MiB), rl(14913, 6e9))] });
  t.ok(later.outsideRecommendedRange, "100m is below the 559m lower bound after an hour");
  const noMemoryRequest = getUpdatePriority(pod("p", [{ name: "app", requests: rl(100) }]), { containerRecommendations: [rec("app", rl(100, 250 * MiB))] });
  t.ok(noMemoryRequest.scaleUp && noMemoryRequest.outsideRecommendedRange, "a target without a request is a scale-up outside the range");
  const observed = pod("p", [{ name: "app", requests: rl(100) }, { name: "sidecar", requests: rl(100) }], { annotations: { vpaObservedContainers: "app" } });
  const onlyApp = getUpdatePriority(observed, { containerRecommendations: [rec("app", rl(200)), rec("sidecar", rl(1000))] });
  t.equal(onlyApp.resourceDiff, 1, "containers missing from vpaObservedContainers are ignored");
});

t.test("AddPod: outside range, quick OOM, or long-lived with a large enough change; sorted scale-up first", async (t) => {
  const v = vpa({ recommendation: { containerRecommendations: [rec("app", rl(200), rl(150), rl(300))] } });
  const calc = newUpdatePriorityCalculator(v, DEFAULT_UPDATE_CONFIG, newCappingRecommendationProcessor(NOOP_LIMITS_CALCULATOR));
  const now = 20 * HOUR_MS;
  const young = (name: string, cpu: number, extra: Partial<VpaPod> = {}) => pod(name, [{ name: "app", requests: rl(cpu) }], { startTime_ms: now - HOUR_MS, ...extra });
  t.equal(addPod(calc, young("in-range", 180), now, new Map()), "short-lived pod within recommended range");
  t.equal(addPod(calc, young("below", 100), now, new Map()), null, "below the lower bound");
  t.equal(addPod(calc, young("above", 400), now, new Map()), null, "above the upper bound");
  t.equal(addPod(calc, pod("old", [{ name: "app", requests: rl(180) }], { startTime_ms: 0 }), now, new Map()), null, "13 % change after 12 h");
  t.equal(addPod(calc, pod("old-same", [{ name: "app", requests: rl(195) }], { startTime_ms: 0 }), now, new Map()), "resource diff below threshold");
  const oom = { name: "app", resources: null, lastTerminated: { reason: "OOMKilled", startedAt_ms: now - 200_000, finishedAt_ms: now - 100_000 } };
  t.equal(addPod(calc, young("oom", 180, { containerStatuses: [oom] }), now, new Map()), null, "quick OOM with a change");
  t.equal(addPod(calc, young("oom-same", 200, { containerStatuses: [oom] }), now, new Map()), "quick OOM but resources would not change");
  t.same(
    getSortedPods(calc, () => true).map((p) => p.name),
    ["below", "old", "oom", "above"],
    "scale-ups by resourceDiff (1.0, then two ties at 0.11 in arrival order), then the scale-down",
  );
  t.same(getSortedPods(calc, (p) => p.name !== "below").map((p) => p.name), ["old", "oom", "above"], "the admission filter");
});

t.test("eviction restriction: tolerance int(replicas × 0.5), min-replicas 2, pending pods free", async (t) => {
  const group = (n: number, pending: string[] = []) =>
    Array.from({ length: n }, (_, i) => pod(`p${i}`, [{ name: "app" }], { phase: pending.includes(`p${i}`) ? "Pending" : "Running" }));
  const config = { minReplicas: 2, evictionToleranceFraction: 0.5, inPlaceSkipDisruptionBudget: false };
  // [replicas, live pods, vpa minReplicas, evictions that succeed in a row]
  const table: [number, number, number | null, number][] = [
    [2, 2, null, 1],
    [4, 4, null, 2],
    [5, 5, null, 2],
    [4, 3, null, 1],
    [1, 1, null, 0],
    [1, 1, 1, 1],
  ];
  for (const [replicas, live, vpaMin, allowed] of table) {
    const pods = group(live);
    const e = getCreatorMaps(pods, vpa({ updatePolicy: { updateMode: null, minReplicas: vpaMin } }), config, () => replicas);
    const results = pods.map((p) => evict(e, p) === null);
    t.equal(results.filter(Boolean).length, allowed, `${live}/${replicas} live, vpa minReplicas ${vpaMin}: ${allowed} evictions`);
  }
  const withPending = group(2, ["p1"]);
  const e = getCreatorMaps(withPending, vpa(), config, () => 2);
  t.same([canEvict(e, withPending[0]), canEvict(e, withPending[1])], [false, true], "a replacement still Pending blocks the running pod, not itself");
  t.ok(isPodDisruptable({ configured: 5, running: 5, evictionTolerance: 0, evicted: 0, pending: 0, inPlaceUpdateOngoing: 0, inPlaceUpdateInitiated: 0, belowMinReplicas: false }), "tolerance 0 still allows one");
});

t.test("updater mode gates: which modes reach eviction", async (t) => {
  const table: [UpdateMode | null, boolean, string][] = [
    [null, true, "evict"],
    ["Auto", true, "evict"],
    ["Recreate", true, "evict"],
    ["InPlaceOrRecreate", true, "inPlace"],
    ["InPlace", true, "none"],
    ["Initial", false, "none"],
    ["Off", false, "none"],
  ];
  for (const [mode, processed, path] of table) {
    t.same(updaterModeDecision(vpa({ updatePolicy: { updateMode: mode, minReplicas: null } }), { inPlace: false }), { processed, path }, `${mode}`);
  }
  t.same(updaterModeDecision(vpa({ updatePolicy: { updateMode: "InPlace", minReplicas: null } }), { inPlace: true }).path, "inPlace", "InPlace with its gate");
});
