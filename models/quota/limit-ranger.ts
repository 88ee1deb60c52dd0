/**
 * The LimitRanger admission plugin for pods (plugin/pkg/admission/limitranger/admission.go),
 * cpu and memory only. Admit (mutating): for each LimitRange of the namespace (name order) and
 * each `Container` item, a container without a limit gets `default`, one without a request gets
 * `defaultRequest` (mergeContainerResources), and the pod is annotated
 * `kubernetes.io/limit-ranger` with what was set ("LimitRanger plugin set: cpu request for
 * container app; cpu limit for container app"). Validate: each container's request and limit
 * against a `Container` item's min and max, and the pod's sums against a `Pod` item's
 * (PodValidateLimitFunc with minConstraint / maxConstraint). Item defaults that the API server
 * fills when the LimitRange is created (SetDefaults_LimitRangeItem: default <- max,
 * defaultRequest <- default, else min) are applied when the manifest is decoded.
 */
import type { Container, PodSpec, ResourceList } from "../cluster/types.js";
import type { ClusterStore } from "../cluster/store.js";
import { podLimits } from "./pod-usage.js";
import { podRequests } from "../scheduler/resource.js";
import { formatCpu, formatMemory } from "./quantity-format.js";
import type { LimitRange } from "./types.js";

export const LIMIT_RANGER_ANNOTATION = "kubernetes.io/limit-ranger";

const RESOURCES = [
  { name: "cpu", key: "cpu_mcores", format: formatCpu },
  { name: "memory", key: "memory_bytes", format: formatMemory },
] as const;

export function limitRangesOf(store: ClusterStore, namespace: string): LimitRange[] {
  return store.list<LimitRange>("LimitRange", namespace).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/**
 * PodMutateLimitFunc for each LimitRange in turn: applies its Container defaults (mergeContainerResources)
 * and returns the annotation text the last range that set something writes (null if none did).
 */
export function applyLimitRangeDefaults(ranges: readonly LimitRange[], spec: PodSpec): string | null {
  let annotation: string | null = null;
  for (const range of ranges) {
    const defaults: { limits: ResourceList; requests: ResourceList } = { limits: {}, requests: {} };
    for (const item of range.spec.limits) {
      if (item.type !== "Container") continue;
      // defaultContainerResourceRequirements: the Container items' default and defaultRequest.
      Object.assign(defaults.limits, item.default);
      Object.assign(defaults.requests, item.defaultRequest);
    }
    const set: string[] = [];
    for (const c of spec.containers) merge(c, defaults, "container", set);
    for (const c of spec.initContainers) merge(c, defaults, "init container", set);
    if (set.length > 0) annotation = `LimitRanger plugin set: ${set.join("; ")}`;
  }
  return annotation;
}

/** mergeContainerResources: fills what the container leaves unset; "cpu, memory request for container app". */
function merge(c: Container, defaults: { limits: ResourceList; requests: ResourceList }, prefix: string, out: string[]): void {
  const setRequests: string[] = [];
  const setLimits: string[] = [];
  for (const r of RESOURCES) {
    const limit = defaults.limits[r.key];
    if (limit !== undefined && c.resources.limits[r.key] === undefined) {
      c.resources.limits[r.key] = limit;
      setLimits.push(r.name);
    }
    const request = defaults.requests[r.key];
    if (request !== undefined && c.resources.requests[r.key] === undefined) {
      c.resources.requests[r.key] = request;
      setRequests.push(r.name);
    }
  }
  if (setRequests.length > 0) out.push(`${setRequests.sort().join(", ")} request for ${prefix} ${c.name}`);
  if (setLimits.length > 0) out.push(`${setLimits.sort().join(", ")} limit for ${prefix} ${c.name}`);
}

function minConstraint(kind: string, r: (typeof RESOURCES)[number], min: number, request: ResourceList, limit: ResourceList): string | null {
  const req = request[r.key];
  const lim = limit[r.key];
  if (req === undefined) return `minimum ${r.name} usage per ${kind} is ${r.format(min)}.  No request is specified`;
  if (req < min) return `minimum ${r.name} usage per ${kind} is ${r.format(min)}, but request is ${r.format(req)}`;
  if (lim !== undefined && lim < min) return `minimum ${r.name} usage per ${kind} is ${r.format(min)}, but limit is ${r.format(lim)}`;
  return null;
}

function maxConstraint(kind: string, r: (typeof RESOURCES)[number], max: number, request: ResourceList, limit: ResourceList): string | null {
  const req = request[r.key];
  const lim = limit[r.key];
  if (lim === undefined) return `maximum ${r.name} usage per ${kind} is ${r.format(max)}. No limit is specified`;
  if (lim > max) return `maximum ${r.name} usage per ${kind} is ${r.format(max)}, but limit is ${r.format(lim)}`;
  if (req !== undefined && req > max) return `maximum ${r.name} usage per ${kind} is ${r.format(max)}, but request is ${r.format(req)}`;
  return null;
}

/** limitRequestRatioConstraint: limit / request may not exceed the ratio (Go's %f prints 6 decimals). */
function limitRequestRatioConstraint(kind: string, r: (typeof RESOURCES)[number], ratio: number, request: ResourceList, limit: ResourceList): string | null {
  const req = request[r.key] ?? 0;
  const lim = limit[r.key] ?? 0;
  const shown = String(ratio);
  if (req === 0) return `${r.name} max limit to request ratio per ${kind} is ${shown}, but no request is specified or request is 0`;
  if (lim === 0) return `${r.name} max limit to request ratio per ${kind} is ${shown}, but no limit is specified or limit is 0`;
  const observed = lim / req;
  // Compared in milli-units, as upstream does for ratios up to MaxMilliValue.
  if (observed * 1000 > Math.round(ratio * 1000)) return `${r.name} max limit to request ratio per ${kind} is ${shown}, but provided ratio is ${observed.toFixed(6)}`;
  return null;
}

/** The min/max violations of a pod (after defaults), as upstream's aggregate error text; null if none. */
export function validateLimitRanges(ranges: readonly LimitRange[], spec: PodSpec): string | null {
  const errors: string[] = [];
  const podLike = { spec } as Parameters<typeof podLimits>[0];
  for (const range of ranges) {
    for (const item of range.spec.limits) {
      const subjects: { request: ResourceList; limit: ResourceList }[] =
        item.type === "Container"
          ? [...spec.containers, ...spec.initContainers].map((c) => ({ request: c.resources.requests, limit: c.resources.limits }))
          : [{ request: podRequests(podLike), limit: podLimits(podLike) }];
      // PodValidateLimitFunc / validateContainer: every min, then every max, then every ratio.
      for (const s of subjects) {
        for (const r of RESOURCES) {
          const min = item.min[r.key];
          const low = min === undefined ? null : minConstraint(item.type, r, min, s.request, s.limit);
          if (low !== null) errors.push(low);
        }
        for (const r of RESOURCES) {
          const max = item.max[r.key];
          const high = max === undefined ? null : maxConstraint(item.type, r, max, s.request, s.limit);
          if (high !== null) errors.push(high);
        }
        for (const r of RESOURCES) {
          const ratio = item.maxLimitRequestRatio[r.name];
          const over = ratio === undefined ? null : limitRequestRatioConstraint(item.type, r, ratio, s.request, s.limit);
          if (over !== null) errors.push(over);
        }
      }
    }
  }
  // utilerrors.NewAggregate: one error prints alone, several as "[a, b]".
  return errors.length === 0 ? null : errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
}
