/**
 * JSON ↔ model conversions for the VPA oracle harness: checked accessors, resource lists in the
 * oracle's units (CPU millicores, memory bytes, int64 beyond 2^53 as strings), pods, policies,
 * recommendations and LimitRange items.
 */
import { GO_ZERO_TIME_MS } from "../../models/vpa/types.js";
import type {
  ContainerControlledValues,
  ContainerResourcePolicy,
  ContainerScalingMode,
  LimitRangeItem,
  PodResourcePolicy,
  Quantity,
  RecommendedContainerResources,
  RecommendedPodResources,
  ResourceList,
  ResourceName,
  UpdateMode,
  VpaContainer,
  VpaContainerStatus,
  VpaPod,
  VpaPodPhase,
} from "../../models/vpa/types.js";

import { arr, num, obj, OracleCaseError, str, type Json } from "./json.js";

export { arr, num, obj, str, type Json };
/** A malformed case: the shared OracleCaseError (the dispatcher prefixes the case id). */
export const VpaCaseError = OracleCaseError;

export function bool(x: unknown, what: string): boolean {
  if (typeof x !== "boolean") throw new VpaCaseError(`${what} must be true or false`);
  return x;
}

/** undefined and null both mean "not set". */
export function optional(x: unknown): unknown {
  return x === undefined ? null : x;
}

/** Seconds → milliseconds. */
export function secondsToMs(x: unknown, what: string): number {
  return Math.round(num(x, what) * 1000);
}

/** A time in seconds since the epoch → ms; null is Go's zero time. */
export function timeToMs(x: unknown, what: string): number {
  return x === null || x === undefined ? GO_ZERO_TIME_MS : secondsToMs(x, what);
}

const UPDATE_MODES: readonly string[] = ["Off", "Initial", "Recreate", "Auto", "InPlaceOrRecreate", "InPlace"];

/** An updateMode; null/absent = not set. */
export function updateModeOf(x: unknown, what: string): UpdateMode | null {
  if (x === undefined || x === null) return null;
  const mode = str(x, what);
  if (!UPDATE_MODES.includes(mode)) throw new VpaCaseError(`${what}: unknown update mode ${JSON.stringify(mode)}`);
  return mode as UpdateMode;
}

// ---- quantities ------------------------------------------------------------------------------

/**
 * A quantity in the oracle's unit for `name` (millicores for CPU and other resources, bytes for
 * memory) → milli-units. Accepts numbers (fractions down to milli) and decimal strings.
 */
function quantityFromJson(name: string, x: unknown, what: string): Quantity {
  const perUnit = name === "memory" ? 1000n : 1n;
  if (typeof x === "string") {
    if (!/^-?\d+$/.test(x)) throw new VpaCaseError(`${what} must be an integer or a decimal string, got ${JSON.stringify(x)}`);
    return BigInt(x) * perUnit;
  }
  const v = num(x, what);
  if (Number.isSafeInteger(v)) return BigInt(v) * perUnit;
  // A fraction (e.g. 0.001 bytes = 1m): exact to the milli-unit.
  const milli = Math.round(v * Number(perUnit));
  if (!Number.isSafeInteger(milli) || Math.abs(milli - v * Number(perUnit)) > 1e-6) throw new VpaCaseError(`${what}: ${v} is not a whole number of milli-units`);
  return BigInt(milli);
}

/** milli-units → the oracle's unit: a number when exact, else an int64 decimal string. */
export function quantityToJson(name: string, q: Quantity): number | string {
  if (name !== "memory") return Number.isSafeInteger(Number(q)) ? Number(q) : q.toString();
  if (q % 1000n !== 0n) return Number(q) / 1000;
  const bytes = q / 1000n;
  return Number.isSafeInteger(Number(bytes)) ? Number(bytes) : bytes.toString();
}

export function buildResourceList(x: unknown, what: string): ResourceList {
  const o = obj(x, what);
  const out: ResourceList = {};
  for (const [name, value] of Object.entries(o)) out[name] = quantityFromJson(name, value, `${what}.${name}`);
  return out;
}

function buildOptionalResourceList(x: unknown, what: string): ResourceList | null {
  return x === undefined || x === null ? null : buildResourceList(x, what);
}

export function resourceListToJson(list: ResourceList | null): Json {
  const out: Json = {};
  for (const name of Object.keys(list ?? {}).sort()) out[name] = quantityToJson(name, list![name]);
  return out;
}

// ---- policies, recommendations ---------------------------------------------------------------

const RESOURCE_NAMES: readonly string[] = ["cpu", "memory"];

export function buildResourcePolicy(x: unknown, what: string): PodResourcePolicy | null {
  if (x === undefined || x === null) return null;
  const p = obj(x, what);
  return {
    containerPolicies: arr(p.containerPolicies ?? [], `${what}.containerPolicies`).map((c0, i): ContainerResourcePolicy => {
      const w = `${what}.containerPolicies[${i}]`;
      const c = obj(c0, w);
      const controlled = optional(c.controlledResources);
      return {
        containerName: str(c.containerName, `${w}.containerName`),
        mode: optional(c.mode) === null ? null : (str(c.mode, `${w}.mode`) as ContainerScalingMode),
        minAllowed: buildOptionalResourceList(c.minAllowed, `${w}.minAllowed`),
        maxAllowed: buildOptionalResourceList(c.maxAllowed, `${w}.maxAllowed`),
        controlledResources:
          controlled === null
            ? null
            : arr(controlled, `${w}.controlledResources`).map((r, j) => {
                const name = str(r, `${w}.controlledResources[${j}]`);
                if (!RESOURCE_NAMES.includes(name)) throw new VpaCaseError(`${w}.controlledResources[${j}]: unknown resource ${name}`);
                return name as ResourceName;
              }),
        controlledValues: optional(c.controlledValues) === null ? null : (str(c.controlledValues, `${w}.controlledValues`) as ContainerControlledValues),
      };
    }),
  };
}

function buildContainerRecommendation(name: string, x: unknown, what: string): RecommendedContainerResources {
  const r = obj(x, what);
  return {
    containerName: name,
    target: buildOptionalResourceList(r.target, `${what}.target`),
    lowerBound: buildOptionalResourceList(r.lowerBound, `${what}.lowerBound`),
    upperBound: buildOptionalResourceList(r.upperBound, `${what}.upperBound`),
    uncappedTarget: buildOptionalResourceList(r.uncappedTarget, `${what}.uncappedTarget`),
  };
}

/** `[{containerName, target, lowerBound?, upperBound?, uncappedTarget?}]`. */
export function buildRecommendationList(x: unknown, what: string): RecommendedContainerResources[] {
  return arr(x, what).map((r0, i) => {
    const r = obj(r0, `${what}[${i}]`);
    return buildContainerRecommendation(str(r.containerName, `${what}[${i}].containerName`), r, `${what}[${i}]`);
  });
}

/** `{container: {target, lowerBound, upperBound, uncappedTarget}}` (in key order). */
export function buildRecommendationMap(x: unknown, what: string): RecommendedPodResources {
  const o = obj(x, what);
  return { containerRecommendations: Object.keys(o).map((name) => buildContainerRecommendation(name, o[name], `${what}.${name}`)) };
}

function boundsToJson(r: RecommendedContainerResources): Json {
  const out: Json = {};
  for (const key of ["target", "lowerBound", "upperBound", "uncappedTarget"] as const) {
    if (r[key] !== null) out[key] = resourceListToJson(r[key]);
  }
  return out;
}

export function recommendationListToJson(list: RecommendedContainerResources[]): Json[] {
  return list.map((r) => ({ containerName: r.containerName, ...boundsToJson(r) }));
}

export function recommendationMapToJson(r: RecommendedPodResources): Json {
  const out: Json = {};
  for (const c of r.containerRecommendations) out[c.containerName] = boundsToJson(c);
  return out;
}

export function buildLimitRangeItem(x: unknown, type: "Pod" | "Container", what: string): LimitRangeItem {
  const o = obj(x, what);
  return {
    type,
    min: buildOptionalResourceList(o.min, `${what}.min`),
    max: buildOptionalResourceList(o.max, `${what}.max`),
    default: buildOptionalResourceList(o.default, `${what}.default`),
  };
}

// ---- pods ------------------------------------------------------------------------------------

const PHASES: readonly string[] = ["Pending", "Running", "Succeeded", "Failed", "Unknown"];

/** `{name, containers, containerStatuses?, annotations?, phase?, startTime?}`. */
export function buildPod(x: unknown, what: string, controllerRef: VpaPod["controllerRef"] = null): VpaPod {
  const p = obj(x, what);
  const name = str(p.name ?? "", `${what}.name`);
  const phase = str(p.phase ?? "Running", `${what}.phase`);
  if (!PHASES.includes(phase)) throw new VpaCaseError(`${what}.phase: unknown phase ${phase}`);
  const annotations: Record<string, string> = {};
  for (const [k, v] of Object.entries(obj(p.annotations ?? {}, `${what}.annotations`))) annotations[k] = str(v, `${what}.annotations.${k}`);
  return {
    namespace: "default",
    name,
    uid: name,
    annotations,
    controllerRef,
    containers: arr(p.containers ?? [], `${what}.containers`).map((c0, i): VpaContainer => {
      const c = obj(c0, `${what}.containers[${i}]`);
      return {
        name: str(c.name, `${what}.containers[${i}].name`),
        requests: buildOptionalResourceList(c.requests, `${what}.containers[${i}].requests`) ?? {},
        limits: buildOptionalResourceList(c.limits, `${what}.containers[${i}].limits`) ?? {},
      };
    }),
    containerStatuses: arr(p.containerStatuses ?? [], `${what}.containerStatuses`).map((s0, i): VpaContainerStatus => {
      const w = `${what}.containerStatuses[${i}]`;
      const s = obj(s0, w);
      const resources = optional(s.resources) === null ? null : obj(s.resources, `${w}.resources`);
      const terminated = optional(s.lastTerminated) === null ? null : obj(s.lastTerminated, `${w}.lastTerminated`);
      return {
        name: str(s.name ?? "", `${w}.name`),
        resources:
          resources === null
            ? null
            : {
                requests: buildOptionalResourceList(resources.requests, `${w}.resources.requests`) ?? {},
                limits: buildOptionalResourceList(resources.limits, `${w}.resources.limits`) ?? {},
              },
        lastTerminated:
          terminated === null
            ? null
            : {
                reason: str(terminated.reason, `${w}.lastTerminated.reason`),
                startedAt_ms: timeToMs(terminated.startedAt, `${w}.lastTerminated.startedAt`),
                finishedAt_ms: timeToMs(terminated.finishedAt, `${w}.lastTerminated.finishedAt`),
              },
      };
    }),
    phase: phase as VpaPodPhase,
    startTime_ms: optional(p.startTime) === null ? null : secondsToMs(p.startTime, `${what}.startTime`),
  };
}
