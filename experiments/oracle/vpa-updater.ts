/**
 * The updater families of the VPA oracle harness: update priority, the priority calculator,
 * eviction restriction and the mode gates, replayed through models/vpa/.
 */
import { canEvict, evict, getCreatorMaps, type PodReplicaCreator } from "../../models/vpa/eviction-restriction.js";
import {
  addPod,
  getSortedPods,
  getUpdatePriority,
  hasLowerResourceRecommendation,
  newUpdatePriorityCalculator,
  podPriorityLess,
  type PodPriority,
} from "../../models/vpa/update-priority.js";
import { STARTUP_CPU_BOOST_ANNOTATION_PREFIX } from "../../models/vpa/eviction-restriction.js";
import { updaterModeDecision } from "../../models/vpa/updater.js";
import type { RecommendedPodResources, VpaPod, VpaSpecView } from "../../models/vpa/types.js";
import { arr, bool, buildPod, buildRecommendationList, buildResourcePolicy, num, obj, optional, secondsToMs, str, timeToMs, updateModeOf, VpaCaseError, type Json } from "./vpa-json.js";

function recommendationOf(x: unknown, what: string): RecommendedPodResources | null {
  return x === undefined || x === null ? null : { containerRecommendations: buildRecommendationList(x, what) };
}

function priorityOf(x: unknown, what: string): PodPriority {
  const p = obj(x, what);
  return {
    outsideRecommendedRange: bool(p.outsideRecommendedRange, `${what}.outsideRecommendedRange`),
    scaleUp: bool(p.scaleUp, `${what}.scaleUp`),
    resourceDiff: num(p.resourceDiff, `${what}.resourceDiff`),
  };
}

function runUpdatePriority(inputs: Json): Json {
  return { ...getUpdatePriority(buildPod(inputs.pod, "inputs.pod"), recommendationOf(inputs.recommendation, "inputs.recommendation")) };
}

/** update_priority_calculator_test.go: fake processors return each pod's fixed priority and processed recommendation. */
function runAddPod(inputs: Json): Json {
  const config = obj(inputs.config, "inputs.config");
  const vpa: VpaSpecView = {
    updatePolicy: { updateMode: updateModeOf(inputs.updateMode, "inputs.updateMode"), minReplicas: null },
    resourcePolicy: buildResourcePolicy(inputs.resourcePolicy, "inputs.resourcePolicy"),
    recommendation: null,
    hasStartupBoost: false,
  };
  const pods = arr(inputs.pods, "inputs.pods").map((p0, i) => {
    const p = obj(p0, `inputs.pods[${i}]`);
    return {
      pod: buildPod(p, `inputs.pods[${i}]`),
      priority: priorityOf(p.priority, `inputs.pods[${i}].priority`),
      processed: recommendationOf(p.processedRecommendation, `inputs.pods[${i}].processedRecommendation`),
    };
  });
  const byUid = new Map(pods.map((p) => [p.pod.uid, p]));
  const calc = newUpdatePriorityCalculator(
    vpa,
    {
      minChangePriority: num(config.minChangePriority, "inputs.config.minChangePriority"),
      podLifetimeUpdateThreshold_ms: secondsToMs(config.podLifetimeUpdateThresholdSeconds, "inputs.config.podLifetimeUpdateThresholdSeconds"),
      evictAfterOOMThreshold_ms: secondsToMs(config.evictAfterOOMThresholdSeconds, "inputs.config.evictAfterOOMThresholdSeconds"),
    },
    (_vpa, pod) => ({ recommendation: byUid.get(pod.uid)!.processed, annotations: {}, error: null }),
    (pod) => byUid.get(pod.uid)!.priority,
  );
  const infeasible = new Map<string, RecommendedPodResources>();
  for (const [name, rec] of Object.entries(obj(inputs.infeasibleAttempts ?? {}, "inputs.infeasibleAttempts"))) {
    infeasible.set(name, recommendationOf(rec, `inputs.infeasibleAttempts.${name}`) ?? { containerRecommendations: [] });
  }
  const now = timeToMs(inputs.now, "inputs.now");
  for (const p of pods) addPod(calc, p.pod, now, infeasible);
  const admitOnly = optional(inputs.admitOnly) === null ? null : new Set(arr(inputs.admitOnly, "inputs.admitOnly").map((n, i) => str(n, `inputs.admitOnly[${i}]`)));
  return { updateOrder: getSortedPods(calc, (pod) => admitOnly === null || admitOnly.has(pod.name)).map((p) => p.name) };
}

function runUpdateCalculator(inputs: Json): Json {
  const fn = str(inputs.function, "inputs.function");
  switch (fn) {
    case "AddPod":
      return runAddPod(inputs);
    case "PodPriority.Less": {
      const prio = priorityOf(inputs.prio, "inputs.prio");
      const other = priorityOf(inputs.other, "inputs.other");
      return { less: podPriorityLess(prio, other), otherLess: podPriorityLess(other, prio) };
    }
    case "hasLowerResourceRecommendation":
      return {
        result: hasLowerResourceRecommendation(recommendationOf(inputs.lastAttempt, "inputs.lastAttempt"), recommendationOf(inputs.newRecommendation, "inputs.newRecommendation")),
      };
    default:
      throw new VpaCaseError(`inputs.function: unknown function ${JSON.stringify(fn)}`);
  }
}

function runEvictionRestriction(inputs: Json): Json {
  const controller = obj(inputs.controller, "inputs.controller");
  const kind = str(controller.kind, "inputs.controller.kind");
  const ref = { kind, name: "controller" };
  const pods = new Map<string, VpaPod>();
  arr(inputs.pods, "inputs.pods").forEach((p0, i) => {
    const p = obj(p0, `inputs.pods[${i}]`);
    const pod = buildPod(p, `inputs.pods[${i}]`, ref);
    if (bool(p.cpuBoostInProgress ?? false, `inputs.pods[${i}].cpuBoostInProgress`)) pod.annotations[`${STARTUP_CPU_BOOST_ANNOTATION_PREFIX}app`] = "boosted";
    pods.set(pod.name, pod);
  });
  const vpaMin = optional(inputs.vpaMinReplicas);
  const vpa: VpaSpecView = {
    updatePolicy: { updateMode: updateModeOf(inputs.updateMode, "inputs.updateMode"), minReplicas: vpaMin === null ? null : num(vpaMin, "inputs.vpaMinReplicas") },
    resourcePolicy: null,
    recommendation: null,
    hasStartupBoost: false,
  };
  const replicaCount = (creator: PodReplicaCreator): number | null => {
    const field = creator.kind === "DaemonSet" ? "numberReady" : "replicas";
    const v = optional(controller[field]);
    return v === null ? null : num(v, `inputs.controller.${field}`);
  };
  const restriction = getCreatorMaps(
    [...pods.values()],
    vpa,
    {
      minReplicas: num(inputs.minReplicas, "inputs.minReplicas"),
      evictionToleranceFraction: num(inputs.evictionToleranceFraction, "inputs.evictionToleranceFraction"),
      inPlaceSkipDisruptionBudget: bool(inputs.inPlaceSkipDisruptionBudget ?? false, "inputs.inPlaceSkipDisruptionBudget"),
    },
    replicaCount,
  );
  const results = arr(inputs.ops, "inputs.ops").map((op0, i) => {
    const op = obj(op0, `inputs.ops[${i}]`);
    const pod = pods.get(str(op.pod, `inputs.ops[${i}].pod`));
    if (pod === undefined) throw new VpaCaseError(`inputs.ops[${i}].pod: no pod named ${JSON.stringify(op.pod)}`);
    if (op.op === "canEvict") return canEvict(restriction, pod);
    if (op.op === "evict") return evict(restriction, pod) === null;
    throw new VpaCaseError(`inputs.ops[${i}].op: unknown op ${JSON.stringify(op.op)}`);
  });
  return { results };
}

function runUpdaterMode(inputs: Json): Json {
  return updaterModeDecision(
    {
      updatePolicy: { updateMode: updateModeOf(inputs.updateMode, "inputs.updateMode"), minReplicas: null },
      resourcePolicy: null,
      recommendation: null,
      hasStartupBoost: bool(inputs.hasStartupBoost ?? false, "inputs.hasStartupBoost"),
    },
    { inPlace: bool(inputs.inPlaceFeatureGate ?? false, "inputs.inPlaceFeatureGate") },
  );
}

/** Runs one case of an updater family. */
export function runUpdaterFamily(family: string, inputs: Json): Json {
  switch (family) {
    case "vpa.updatePriority":
      return runUpdatePriority(inputs);
    case "vpa.updateCalculator":
      return runUpdateCalculator(inputs);
    case "vpa.evictionRestriction":
      return runEvictionRestriction(inputs);
    case "vpa.updaterMode":
      return runUpdaterMode(inputs);
    default:
      throw new VpaCaseError(`unknown updater family ${family}`);
  }
}
