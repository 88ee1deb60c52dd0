/**
 * Cluster-wide resource limits (--max-cores-total, --max-memory-total). Upstream:
 * resourcequotas/tracker.go (Tracker.CheckDelta, ConsumeQuota, checkQuota), resourcequotas/cache.go
 * (nodeResourcesCache: one entry per node group, from the first node seen), resourcequotas/usage.go
 * and core/utils GetNodeCoresAndMemory (cores = capacity CPU rounded up, as Quantity.Value()).
 */
import type { CaNode } from "../types.js";

export type QuotaResource = "cpu" | "memory";

/** Whole cores and bytes of one node, as the quotas count them. */
export function nodeCoresAndMemory(node: CaNode): Record<QuotaResource, number> {
  return { cpu: Math.ceil(node.capacity.cpuMilli / 1000), memory: node.capacity.memoryBytes };
}

export interface CheckDeltaResult {
  /** How many of the requested nodes fit every limit. */
  allowedDelta: number;
  /** Resources whose limit the full delta would exceed, sorted. */
  exceededResources: QuotaResource[];
}

/** Tracker with the cloud provider's max limits: the room left under each limit. */
export class QuotaTracker {
  private readonly limitsLeft: Map<QuotaResource, number>;
  /** nodeResourcesCache: the per-node resources of each group, from the first node asked about. */
  private readonly cache = new Map<string, Record<QuotaResource, number>>();

  constructor(nodes: readonly CaNode[], limits: Readonly<Record<QuotaResource, number>>) {
    const usage: Record<QuotaResource, number> = { cpu: 0, memory: 0 };
    for (const node of nodes) {
      const r = this.nodeResources(node.group, node);
      usage.cpu += r.cpu;
      usage.memory += r.memory;
    }
    this.limitsLeft = new Map([
      ["cpu", Math.max(0, limits.cpu - usage.cpu)],
      ["memory", Math.max(0, limits.memory - usage.memory)],
    ]);
  }

  private nodeResources(group: string | null, node: CaNode): Record<QuotaResource, number> {
    if (group === null) return nodeCoresAndMemory(node);
    let r = this.cache.get(group);
    if (r === undefined) {
      r = nodeCoresAndMemory(node);
      this.cache.set(group, r);
    }
    return r;
  }

  /** CheckDelta / CheckQuota: adding `nodeDelta` nodes like `node` to `group`. */
  checkDelta(group: string, node: CaNode, nodeDelta: number): CheckDeltaResult {
    const delta = this.nodeResources(group, node);
    let allowed = nodeDelta;
    const exceeded: QuotaResource[] = [];
    for (const resource of ["cpu", "memory"] as const) {
      const per = delta[resource];
      if (per <= 0) continue;
      const left = this.limitsLeft.get(resource) ?? Infinity;
      if (left < per * nodeDelta) {
        allowed = Math.min(allowed, Math.floor(left / per));
        exceeded.push(resource);
      }
    }
    return { allowedDelta: allowed, exceededResources: exceeded };
  }

  /** ConsumeQuota: takes the room when all `nodeDelta` nodes fit; otherwise takes nothing. */
  consume(group: string, node: CaNode, nodeDelta: number): CheckDeltaResult {
    const result = this.checkDelta(group, node, nodeDelta);
    if (result.allowedDelta !== nodeDelta) return result;
    const delta = this.nodeResources(group, node);
    for (const resource of ["cpu", "memory"] as const) {
      const left = this.limitsLeft.get(resource);
      if (left !== undefined) this.limitsLeft.set(resource, Math.max(left - nodeDelta * delta[resource], 0));
    }
    return result;
  }
}
