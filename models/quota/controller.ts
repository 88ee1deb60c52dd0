/**
 * The resource quota controller (pkg/controller/resourcequota/resource_quota_controller.go):
 * syncResourceQuota sets status.hard = spec.hard and status.used = the usage of the namespace's
 * pods that still count (pod-usage.ts) for every hard resource. It runs when a quota is added or
 * its spec changes, when a pod is deleted or finishes (replenishment_controller.go: the pod
 * evaluator's "usage changed"), and every resync period (--resource-quota-sync-period, 5m).
 */
import type { Simulation } from "../../engine/index.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { podCountsAgainstQuota, podUsage } from "./pod-usage.js";
import { quotasOf } from "./resource-quota.js";
import { POD_QUOTA_RESOURCES, type QuotaList, type QuotaResourceName, type ResourceQuota } from "./types.js";

export const DEFAULT_QUOTA_RESYNC_MS = 5 * 60_000;

export class ResourceQuotaController {
  private readonly queue: WorkQueue;
  private resyncing = false;

  constructor(
    sim: Simulation,
    private readonly store: ClusterStore,
    resync_ms = DEFAULT_QUOTA_RESYNC_MS,
  ) {
    this.queue = new WorkQueue(sim, (key) => this.sync(key));
    store.watch<ResourceQuota>("ResourceQuota", (type, quota) => {
      // The resync timer starts with the first quota: a run without quotas has no quota events.
      if (!this.resyncing) {
        this.resyncing = true;
        sim.every(resync_ms, () => {
          for (const q of store.list<ResourceQuota>("ResourceQuota")) this.queue.add(`${q.metadata.namespace}/${q.metadata.name}`);
        }, { phase_ms: resync_ms });
      }
      if (type === "DELETED" || sameList(quota.spec.hard, quota.status.hard)) return;
      this.queue.add(`${quota.metadata.namespace}/${quota.metadata.name}`);
    });
    // Replenishment: a pod deleted or finished frees its usage. (Quota admission charged it.)
    store.watch<Pod>("Pod", (type, pod) => {
      if (!this.resyncing) return;
      if (type === "DELETED" || !podCountsAgainstQuota(pod)) this.enqueueNamespace(pod.metadata.namespace);
    });
  }

  private enqueueNamespace(namespace: string): void {
    for (const quota of quotasOf(this.store, namespace)) this.queue.add(`${namespace}/${quota.metadata.name}`);
  }

  /** syncResourceQuota: recompute used from the pods; write only on a change. */
  private sync(key: string): void {
    const [namespace, name] = key.split("/");
    const quota = this.store.get<ResourceQuota>("ResourceQuota", namespace, name);
    if (quota === undefined) return;
    const names = (Object.keys(quota.spec.hard) as QuotaResourceName[]).filter((n) => n in POD_QUOTA_RESOURCES);
    const used: QuotaList = {};
    for (const n of names) used[n] = 0;
    for (const pod of this.store.list<Pod>("Pod", namespace)) {
      if (!podCountsAgainstQuota(pod)) continue;
      const usage = podUsage(pod);
      for (const n of names) used[n]! += usage[n];
    }
    const hard: QuotaList = { ...quota.spec.hard };
    if (sameList(hard, quota.status.hard) && sameList(used, quota.status.used)) return;
    quota.status = { hard, used };
    this.store.update(quota);
  }
}

function sameList(a: QuotaList, b: QuotaList): boolean {
  const ka = Object.keys(a) as QuotaResourceName[];
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}
