/**
 * core/v1 Namespace, ResourceQuota and LimitRange, restricted to what kubesim models: cpu and
 * memory (requests and limits) and pod counts.
 */
import type { ObjectMeta, ResourceList } from "../cluster/types.js";

export interface Namespace {
  kind: "Namespace";
  metadata: ObjectMeta;
  spec: Record<string, never>;
}

/**
 * Quota resource names kubesim evaluates for pods (pkg/quota/v1/evaluator/core/pods.go
 * podResources), with the unit of their values: cpu in millicores, memory in bytes, counts.
 * "cpu" and "memory" are the same as "requests.cpu" and "requests.memory".
 */
export const POD_QUOTA_RESOURCES = {
  cpu: "cpu",
  "requests.cpu": "cpu",
  "limits.cpu": "cpu",
  memory: "memory",
  "requests.memory": "memory",
  "limits.memory": "memory",
  pods: "count",
  "count/pods": "count",
} as const;

export type QuotaResourceName = keyof typeof POD_QUOTA_RESOURCES;
/** Resource name -> value (millicores, bytes or a count). */
export type QuotaList = Partial<Record<QuotaResourceName, number>>;

export interface ResourceQuota {
  kind: "ResourceQuota";
  metadata: ObjectMeta;
  spec: { hard: QuotaList };
  /** Written by the quota controller (hard, used) and by quota admission (used). Empty until the first sync. */
  status: { hard: QuotaList; used: QuotaList };
}

export interface LimitRangeItem {
  type: "Container" | "Pod";
  max: ResourceList;
  min: ResourceList;
  /** Default limits (Container only). */
  default: ResourceList;
  /** Default requests (Container only). */
  defaultRequest: ResourceList;
  /** The most a limit may be, as a multiple of the request (a plain number per resource). */
  maxLimitRequestRatio: { cpu?: number; memory?: number };
}

export interface LimitRange {
  kind: "LimitRange";
  metadata: ObjectMeta;
  spec: { limits: LimitRangeItem[] };
}
