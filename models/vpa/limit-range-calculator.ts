/**
 * The store-backed limitrange.LimitRangeCalculator of kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/utils/limitrange/limit_range_calculator.go (VPA 1.8): per
 * namespace and limit type, the items of every LimitRange merged (the lowest max, the highest
 * min per resource; the last default wins); null when none sets any.
 */
import type { ClusterStore } from "../cluster/store.js";
import type { ResourceList as PodResourceList } from "../cluster/types.js";
import type { LimitRange } from "../quota/types.js";
import type { LimitRangeCalculator } from "./capping.js";
import { toVpaResourceList } from "./convert.js";
import type { LimitRangeItem, ResourceList } from "./types.js";

type Picker = (a: bigint, b: bigint) => bigint;

/** updateResult: a nil item leaves the result; a nil result becomes the item. */
function updateResult(result: ResourceList | null, item: ResourceList | null, resource: string, pick: Picker): ResourceList | null {
  if (item === null) return result;
  if (result === null) return { ...item };
  const q = item[resource];
  if (q !== undefined) result[resource] = result[resource] === undefined ? q : pick(result[resource], q);
  return result;
}

const lowerMax: Picker = (a, b) => (a < b ? a : b);
const higherMin: Picker = (a, b) => (a > b ? a : b);

/** A kubesim LimitRange list (absent = empty) as the nil-or-map the calculator reads. */
function listOrNull(list: PodResourceList): ResourceList | null {
  return list.cpu_mcores === undefined && list.memory_bytes === undefined ? null : toVpaResourceList(list);
}

export function storeLimitRangeCalculator(store: ClusterStore): LimitRangeCalculator {
  const item = (namespace: string, type: "Container" | "Pod"): { item: LimitRangeItem | null; error: null } => {
    const result: LimitRangeItem = { type, min: null, max: null, default: null };
    for (const lr of store.list<LimitRange>("LimitRange", namespace)) {
      for (const lri of lr.spec.limits) {
        const max = listOrNull(lri.max);
        const min = listOrNull(lri.min);
        const def = listOrNull(lri.default);
        if (lri.type !== type || (max === null && def === null && min === null)) continue;
        if (def !== null) result.default = def;
        for (const r of ["cpu", "memory"]) {
          result.max = updateResult(result.max, max, r, lowerMax);
          result.min = updateResult(result.min, min, r, higherMin);
        }
      }
    }
    return { item: result.min !== null || result.max !== null || result.default !== null ? result : null, error: null };
  };
  return {
    getContainerLimitRangeItem: (namespace) => item(namespace, "Container"),
    getPodLimitRangeItem: (namespace) => item(namespace, "Pod"),
  };
}
