/**
 * The pod resize subresource (PATCH pods/<name>/resize, KEP-1287 in-place pod resize, Kubernetes
 * 1.33+): the one way to change a running pod's container resources, so its validation has one
 * place to live. The kubelet watching the pod then admits, defers or refuses the resize and
 * actuates it (models/kubelet/kubelet.ts).
 *
 * Validation as the API server's (pkg/apis/core/validation ValidatePodResize): only cpu and
 * memory of the pod's containers change; a request may not exceed its limit; the pod's QOS
 * class may not change; a pod that has finished cannot be resized.
 */
import type { ClusterStore } from "./store.js";
import type { Pod, ResourceList, ResourceRequirements } from "./types.js";

export type ResizeResult = { resized: true } | { resized: false; reason: "NotFound" | "Invalid"; message: string };

/** New cpu/memory requests and limits for one container; keys not given keep their value. */
export interface ContainerResize {
  name: string;
  requests: ResourceList;
  limits: ResourceList;
}

export type PodQOSClass = "Guaranteed" | "Burstable" | "BestEffort";

const RESOURCES = ["cpu_mcores", "memory_bytes"] as const;

/**
 * pkg/apis/core/helper/qos GetPodQOS for cpu and memory: BestEffort when no container requests or
 * limits either; Guaranteed when every container limits both and requests (defaulted to the
 * limit) equal them; else Burstable.
 */
export function podQOSClass(containers: readonly { resources: ResourceRequirements }[]): PodQOSClass {
  let any = false;
  let guaranteed = true;
  for (const { resources } of containers) {
    for (const r of RESOURCES) {
      const request = resources.requests[r];
      const limit = resources.limits[r];
      if (request !== undefined || limit !== undefined) any = true;
      if (limit === undefined || (request !== undefined && request !== limit)) guaranteed = false;
    }
  }
  if (!any) return "BestEffort";
  return guaranteed ? "Guaranteed" : "Burstable";
}

/** Resizes `pod` (the stored object) in place through the resize subresource, or says why not. */
export function resizePod(store: ClusterStore, pod: Pod, resizes: readonly ContainerResize[]): ResizeResult {
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  if (store.get<Pod>("Pod", ns, name) !== pod) return { resized: false, reason: "NotFound", message: `pods "${name}" not found` };
  if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") {
    return { resized: false, reason: "Invalid", message: `Pod "${name}" is invalid: spec: Forbidden: pod resize may not be applied to a terminated pod` };
  }
  const resized = pod.spec.containers.map((c) => ({ name: c.name, resources: { requests: { ...c.resources.requests }, limits: { ...c.resources.limits } } }));
  for (const r of resizes) {
    const index = resized.findIndex((c) => c.name === r.name);
    if (index < 0) return { resized: false, reason: "Invalid", message: `Pod "${name}" is invalid: spec.containers: Not found: "${r.name}"` };
    Object.assign(resized[index].resources.requests, r.requests);
    Object.assign(resized[index].resources.limits, r.limits);
    for (const key of RESOURCES) {
      const request = resized[index].resources.requests[key];
      const limit = resized[index].resources.limits[key];
      if (request !== undefined && limit !== undefined && request > limit) {
        const resource = key === "cpu_mcores" ? "cpu" : "memory";
        return {
          resized: false,
          reason: "Invalid",
          message: `Pod "${name}" is invalid: spec.containers[${index}].resources.requests: Invalid value: "${request}": must be less than or equal to ${resource} limit of ${limit}`,
        };
      }
    }
  }
  if (podQOSClass(resized) !== podQOSClass(pod.spec.containers)) {
    return { resized: false, reason: "Invalid", message: `Pod "${name}" is invalid: spec: Invalid value: "${podQOSClass(resized)}": Pod QOS Class may not change as a result of resizing` };
  }
  pod.spec.containers.forEach((c, i) => (c.resources = resized[i].resources));
  store.update(pod);
  return { resized: true };
}
