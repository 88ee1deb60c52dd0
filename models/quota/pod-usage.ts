/**
 * What a pod charges against a quota: pkg/quota/v1/evaluator/core/pods.go podComputeUsageHelper
 * (pods, count/pods, requests.* and limits.* from resourcehelper PodRequests / PodLimits) and
 * QuotaV1Pod (a pod in phase Succeeded or Failed no longer counts).
 */
import type { Container, Pod, ResourceList } from "../cluster/types.js";
import { podRequests } from "../scheduler/resource.js";
import type { QuotaList } from "./types.js";

/** resourcehelper.PodLimits: the containers' limits summed, raised to the largest init container's. */
export function podLimits(pod: Pod): ResourceList {
  const sum: ResourceList = {};
  const add = (into: ResourceList, r: ResourceList) => {
    if (r.cpu_mcores !== undefined) into.cpu_mcores = (into.cpu_mcores ?? 0) + r.cpu_mcores;
    if (r.memory_bytes !== undefined) into.memory_bytes = (into.memory_bytes ?? 0) + r.memory_bytes;
  };
  for (const c of pod.spec.containers) add(sum, c.resources.limits);
  for (const c of pod.spec.initContainers) {
    if (c.restartPolicy === "Always") add(sum, c.resources.limits);
  }
  for (const c of pod.spec.initContainers) {
    const l = c.resources.limits;
    if (l.cpu_mcores !== undefined && l.cpu_mcores > (sum.cpu_mcores ?? 0)) sum.cpu_mcores = l.cpu_mcores;
    if (l.memory_bytes !== undefined && l.memory_bytes > (sum.memory_bytes ?? 0)) sum.memory_bytes = l.memory_bytes;
  }
  return sum;
}

/** QuotaV1Pod: whether the pod still counts against quota. */
export function podCountsAgainstQuota(pod: Pod): boolean {
  return pod.status.phase !== "Succeeded" && pod.status.phase !== "Failed";
}

/** The pod's usage of every resource kubesim evaluates. */
export function podUsage(pod: Pod): Required<QuotaList> {
  const requests = podRequests(pod);
  const limits = podLimits(pod);
  const rCpu = requests.cpu_mcores ?? 0;
  const rMem = requests.memory_bytes ?? 0;
  return {
    pods: 1,
    "count/pods": 1,
    cpu: rCpu,
    "requests.cpu": rCpu,
    memory: rMem,
    "requests.memory": rMem,
    "limits.cpu": limits.cpu_mcores ?? 0,
    "limits.memory": limits.memory_bytes ?? 0,
  };
}

/**
 * pods.go Constraints: when a quota tracks cpu or memory requests or limits, every container must
 * state them ("a mistake", upstream says, kept for compatibility). The error text of
 * enforcePodContainerConstraints, or null.
 */
export function podConstraintError(pod: Pod, tracked: readonly string[]): string | null {
  const missing = new Map<string, Set<string>>();
  const check = (c: Container) => {
    for (const name of tracked) {
      const [side, resource] = name.includes(".") ? name.split(".") : ["requests", name];
      if (resource !== "cpu" && resource !== "memory") continue;
      const list = side === "limits" ? c.resources.limits : c.resources.requests;
      const value = resource === "cpu" ? list.cpu_mcores : list.memory_bytes;
      if (value !== undefined) continue;
      let names = missing.get(name);
      if (names === undefined) missing.set(name, (names = new Set()));
      names.add(c.name);
    }
  };
  pod.spec.containers.forEach(check);
  pod.spec.initContainers.forEach(check);
  if (missing.size === 0) return null;
  const parts = [...missing.keys()].sort().map((name) => `${name} for: ${[...missing.get(name)!].sort().join(",")}`);
  return `must specify ${parts.join("; ")}`;
}
