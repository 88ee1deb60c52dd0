/**
 * v1 Namespace, ResourceQuota and LimitRange codecs (models/quota/types.ts). Defaults and checks
 * from pkg/apis/core/v1/defaults.go (SetDefaults_LimitRangeItem) and
 * pkg/apis/core/validation/validation.go (ValidateResourceQuota, ValidateLimitRange).
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { ResourceList } from "../../models/cluster/types.js";
import { POD_QUOTA_RESOURCES, type LimitRange, type LimitRangeItem, type Namespace, type QuotaList, type QuotaResourceName, type ResourceQuota } from "../../models/quota/types.js";
import { array, def, oneOf, opt, req, struct, type Codec } from "./codec.js";
import { cpuQuantity, intOrPercent, labelSelector, memoryQuantity, objectMeta, plainQuantity } from "./common.js";
import type { PodDisruptionBudget } from "../../models/disruption/types.js";
import { resourceList } from "./pod.js";
import { isDNS1123Label, isDNS1123Subdomain } from "./validation.js";
import { formatCpu, formatMemory } from "../../models/quota/quantity-format.js";

export const namespaceCodec: Codec<NewObject<Namespace>> = struct(
  "Namespace",
  { metadata: req(objectMeta(isDNS1123Label)), spec: def(struct("NamespaceSpec", {}, { unmodelled: ["finalizers"], build: () => ({}) }), () => ({})) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    // Cluster-scoped: no namespace (the store keys it by name alone).
    build: (f) => ({ kind: "Namespace" as const, metadata: { ...f.metadata, namespace: "" }, spec: {} }),
  },
);

const quotaQuantity = (name: QuotaResourceName) => {
  const unit = POD_QUOTA_RESOURCES[name];
  return opt0(unit === "cpu" ? cpuQuantity : unit === "memory" ? memoryQuantity : plainQuantity);
};
// A local `opt` that keeps the codec generic over the three units.
function opt0(codec: Codec<number>) {
  return { kind: "opt" as const, codec };
}

const hard: Codec<QuotaList> = struct(
  "ResourceQuotaHard",
  Object.fromEntries((Object.keys(POD_QUOTA_RESOURCES) as QuotaResourceName[]).map((n) => [n, quotaQuantity(n)])) as Record<QuotaResourceName, { kind: "opt"; codec: Codec<number> }>,
  {
    unknownKey: (key) => `quota resource ${JSON.stringify(key)} is not modelled (kubesim evaluates pods: ${Object.keys(POD_QUOTA_RESOURCES).join(", ")}); ignored`,
    build: (f, ctx) => {
      const out: QuotaList = {};
      for (const name of Object.keys(POD_QUOTA_RESOURCES) as QuotaResourceName[]) {
        const v = f[name];
        if (v === undefined) continue;
        if (POD_QUOTA_RESOURCES[name] === "count" && !Number.isInteger(v)) ctx.error([name], `Invalid value: ${v}: must be an integer`);
        out[name] = v;
      }
      return out;
    },
  },
);

export const resourceQuotaCodec: Codec<NewObject<ResourceQuota>> = struct(
  "ResourceQuota",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(struct("ResourceQuotaSpec", { hard: def(hard, () => ({})) }, { unmodelled: ["scopes", "scopeSelector"], build: (f) => ({ hard: f.hard }) })) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    // status is the quota controller's to write.
    build: (f) => ({ kind: "ResourceQuota" as const, metadata: f.metadata, spec: f.spec, status: { hard: {}, used: {} } }),
  },
);

const KEYS = [["cpu", "cpu_mcores"], ["memory", "memory_bytes"]] as const;
const show = (name: "cpu" | "memory", v: number) => (name === "cpu" ? formatCpu(v) : formatMemory(v));

const ratios: Codec<{ cpu?: number; memory?: number }> = struct(
  "maxLimitRequestRatio",
  { cpu: { kind: "opt" as const, codec: plainQuantity }, memory: { kind: "opt" as const, codec: plainQuantity } },
  {
    unknownKey: (key) => `resource ${JSON.stringify(key)} is not modelled (kubesim models cpu and memory); ignored`,
    build: (f, ctx) => {
      const out: { cpu?: number; memory?: number } = {};
      for (const k of ["cpu", "memory"] as const) {
        const v = f[k];
        if (v === undefined) continue;
        // ValidateLimitRange: "ratio ... is less than 1".
        if (v < 1) ctx.error([k], `Invalid value: ratio ${v} is less than 1`);
        out[k] = v;
      }
      return out;
    },
  },
);

const limitRangeItem: Codec<LimitRangeItem> = struct(
  "LimitRangeItem",
  {
    type: req(oneOf(["Container", "Pod"] as const)),
    max: def(resourceList, () => ({})),
    min: def(resourceList, () => ({})),
    default: def(resourceList, () => ({})),
    defaultRequest: def(resourceList, () => ({})),
    maxLimitRequestRatio: def(ratios, () => ({})),
  },
  {
    build: (f, ctx) => {
      const item: LimitRangeItem = {
        type: f.type, max: { ...f.max }, min: { ...f.min }, default: { ...f.default }, defaultRequest: { ...f.defaultRequest }, maxLimitRequestRatio: f.maxLimitRequestRatio,
      };
      if (f.type === "Pod") {
        for (const field of ["default", "defaultRequest"] as const) {
          if (Object.keys(f[field]).length > 0) ctx.error([field], `Forbidden: may not be specified when \`type\` is 'Pod'`);
        }
      } else {
        // SetDefaults_LimitRangeItem: default <- max; defaultRequest <- default, else min.
        fill(item.default, item.max);
        fill(item.defaultRequest, item.default);
        fill(item.defaultRequest, item.min);
      }
      // ValidateLimitRange: min ≤ defaultRequest ≤ default ≤ max.
      for (const [name, key] of KEYS) {
        const [min, max, dr, d] = [item.min[key], item.max[key], item.defaultRequest[key], item.default[key]];
        const q = (v: number) => show(name, v);
        if (min !== undefined && max !== undefined && min > max) ctx.error(["min", name], `Invalid value: min value ${q(min)} is greater than max value ${q(max)}`);
        if (dr !== undefined && min !== undefined && dr < min) ctx.error(["defaultRequest", name], `Invalid value: min value ${q(min)} is greater than default request value ${q(dr)}`);
        if (dr !== undefined && max !== undefined && dr > max) ctx.error(["defaultRequest", name], `Invalid value: default request value ${q(dr)} is greater than max value ${q(max)}`);
        if (d !== undefined && max !== undefined && d > max) ctx.error(["default", name], `Invalid value: default value ${q(d)} is greater than max value ${q(max)}`);
        if (d !== undefined && dr !== undefined && dr > d) ctx.error(["defaultRequest", name], `Invalid value: default request value ${q(dr)} is greater than default limit value ${q(d)}`);
      }
      return item;
    },
  },
);

function fill(into: ResourceList, from: ResourceList): void {
  for (const [, key] of KEYS) if (into[key] === undefined && from[key] !== undefined) into[key] = from[key];
}

export const limitRangeCodec: Codec<NewObject<LimitRange>> = struct(
  "LimitRange",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(struct("LimitRangeSpec", { limits: req(array(limitRangeItem)) }, { build: (f) => ({ limits: f.limits }) })) },
  { accepted: ["apiVersion", "kind"], build: (f) => ({ kind: "LimitRange" as const, metadata: f.metadata, spec: f.spec }) },
);

// ---- PodDisruptionBudget ----------------------------------------------------------------------

const pdbSpec: Codec<PodDisruptionBudget["spec"]> = struct(
  "PodDisruptionBudgetSpec",
  {
    minAvailable: opt(intOrPercent),
    maxUnavailable: opt(intOrPercent),
    selector: opt(labelSelector),
    unhealthyPodEvictionPolicy: def(oneOf(["IfHealthyBudget", "AlwaysAllow"] as const), () => "IfHealthyBudget" as const),
  },
  {
    build: (f, ctx) => {
      // policy validation.go ValidatePodDisruptionBudgetSpec.
      if (f.minAvailable !== undefined && f.maxUnavailable !== undefined) ctx.error(["minAvailable"], "Invalid value: minAvailable and maxUnavailable cannot be both set");
      for (const key of ["minAvailable", "maxUnavailable"] as const) {
        const v = f[key];
        if (typeof v === "string" && Number(v.slice(0, -1)) > 100) ctx.error([key], `Invalid value: ${JSON.stringify(v)}: must not be greater than 100%`);
      }
      return {
        minAvailable: f.minAvailable ?? null,
        maxUnavailable: f.maxUnavailable ?? null,
        selector: f.selector ?? null,
        unhealthyPodEvictionPolicy: f.unhealthyPodEvictionPolicy,
      };
    },
  },
);

/** policy/v1 PodDisruptionBudget. */
export const podDisruptionBudgetCodec: Codec<NewObject<PodDisruptionBudget>> = struct(
  "PodDisruptionBudget",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: def(pdbSpec, () => ({ minAvailable: null, maxUnavailable: null, selector: null, unhealthyPodEvictionPolicy: "IfHealthyBudget" as const })) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "PodDisruptionBudget" as const,
      metadata: { ...f.metadata, generation: 1 },
      spec: f.spec,
      status: { observedGeneration: 0, disruptedPods: {}, disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, disruptionAllowedReason: "" as const },
    }),
  },
);
