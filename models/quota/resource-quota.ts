/**
 * ResourceQuota admission for pods: plugin/pkg/admission/resourcequota/controller.go
 * checkRequest. Every quota of the pod's namespace whose status.hard tracks a pod resource (in
 * name order; upstream's lister order is a map's) must (1) find the pod's containers stating what it tracks
 * (Constraints), (2) have status for every tracked resource (the quota controller's first sync),
 * and (3) have room: used + the pod's usage ≤ hard for each tracked resource. The first failure
 * refuses the pod with upstream's message; success adds the pod's usage to each quota's
 * status.used at once (the quota controller recomputes it later from the pods).
 */
import type { ClusterStore } from "../cluster/store.js";
import type { Pod } from "../cluster/types.js";
import { podConstraintError, podUsage } from "./pod-usage.js";
import { formatQuantity } from "./quantity-format.js";
import { POD_QUOTA_RESOURCES, type QuotaList, type QuotaResourceName, type ResourceQuota } from "./types.js";

/** quota.go prettyPrint: `name=value` sorted by name, comma-separated. */
export function prettyPrint(list: QuotaList): string {
  return (Object.keys(list) as QuotaResourceName[])
    .sort()
    .map((name) => `${name}=${formatQuantity(POD_QUOTA_RESOURCES[name], list[name]!)}`)
    .join(",");
}

function mask(list: QuotaList, names: readonly QuotaResourceName[]): QuotaList {
  const out: QuotaList = {};
  for (const name of names) if (list[name] !== undefined) out[name] = list[name];
  return out;
}

/** Quotas of a namespace in name order. */
export function quotasOf(store: ClusterStore, namespace: string): ResourceQuota[] {
  return store.list<ResourceQuota>("ResourceQuota", namespace).sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
}

/**
 * Admits a pod against the namespace's quotas: null, with status.used charged, or the reason it
 * is forbidden.
 */
export function admitPodQuota(store: ClusterStore, pod: Pod): string | null {
  const quotas = quotasOf(store, pod.metadata.namespace);
  if (quotas.length === 0) return null;
  const interesting: { quota: ResourceQuota; tracked: QuotaResourceName[] }[] = [];
  for (const quota of quotas) {
    // generic.Matches reads status.hard: a quota the controller has not synced yet does not apply.
    const tracked = (Object.keys(quota.status.hard) as QuotaResourceName[]).filter((n) => n in POD_QUOTA_RESOURCES).sort();
    if (tracked.length === 0) continue;
    const constraint = podConstraintError(pod, tracked);
    if (constraint !== null) return `failed quota: ${quota.metadata.name}: ${constraint}`;
    if (tracked.some((n) => quota.status.used[n] === undefined)) {
      return `status unknown for quota: ${quota.metadata.name}, resources: ${tracked.join(",")}`;
    }
    interesting.push({ quota, tracked });
  }
  const delta = podUsage(pod);
  const newUsed: QuotaList[] = [];
  for (const { quota, tracked } of interesting) {
    const requested = mask(delta, tracked);
    const next: QuotaList = { ...quota.status.used };
    const exceeded: QuotaResourceName[] = [];
    for (const name of tracked) {
      next[name] = (quota.status.used[name] ?? 0) + requested[name]!;
      if (next[name]! > quota.status.hard[name]!) exceeded.push(name);
    }
    if (exceeded.length > 0) {
      return `exceeded quota: ${quota.metadata.name}, requested: ${prettyPrint(mask(requested, exceeded))}, used: ${prettyPrint(mask(quota.status.used, exceeded))}, limited: ${prettyPrint(mask(quota.status.hard, exceeded))}`;
    }
    newUsed.push(next);
  }
  interesting.forEach(({ quota }, i) => {
    quota.status.used = newUsed[i];
    store.update(quota);
  });
  return null;
}
