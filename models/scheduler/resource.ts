/**
 * A pod's effective requests, as the scheduler computes them.
 *
 * Ports of k8s.io/component-helpers/resource helpers.go PodRequests (with
 * aggregateContainerResourcesByFn, applyNonMissing, addResourceList, maxResourceList,
 * applyPodLevelResources, IsPodLevelRequestsSet) and of the scheduler's two "non-zero" variants:
 * framework/types.go PodInfo.CalculateResource + getNonMissingContainerRequests (what NodeInfo
 * adds per pod) and noderesources/resource_allocation.go calculatePodResourceRequest (what a
 * score plugin adds for the incoming pod).
 *
 * A ResourceList here is core/v1's map restricted to cpu and memory: an absent field is an absent
 * key, which matters, because the non-zero defaults replace a missing request but not an explicit
 * zero (schedutil.GetRequestForResource: "Override if un-set, but not if explicitly set to zero").
 * Pod overhead is not modelled (no field for it). In-place resize (KEP-1287): what a node
 * accounts for a pod (calculateResource) uses the status resources, as upstream with
 * UseStatusResources (determineContainerReqs).
 */
import { getPodCondition, type Container, type Pod, type ResourceList } from "../cluster/types.js";

/** pkg/scheduler/util/pod_resources.go DefaultMilliCPURequest: 0.1 core. */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
/** pkg/scheduler/util/pod_resources.go DefaultMemoryRequest: 200 MiB. */
export const DEFAULT_MEMORY_REQUEST_BYTES = 200 * 1024 * 1024;

const NON_ZERO_DEFAULTS: ResourceList = Object.freeze({
  cpu_mcores: DEFAULT_MILLI_CPU_REQUEST,
  memory_bytes: DEFAULT_MEMORY_REQUEST_BYTES,
});

export interface PodResourcesOptions {
  /** Replaces a container's missing request (not an explicit zero) for the listed resources. */
  nonMissingContainerRequests?: ResourceList;
  /** Ignore spec.resources (the PodLevelResources gate off). Default false: the gate is on. */
  skipPodLevelResources?: boolean;
  /** helpers.go UseStatusResources: a container with status resources counts determineContainerReqs. */
  useStatusResources?: boolean;
}

/** Milli-CPU and bytes of one pod, the scheduler's framework.Resource restricted to cpu/memory. */
export interface PodResource {
  cpu_mcores: number;
  memory_bytes: number;
}

// helpers.go addResourceList: sums present keys, creating them in `into` as needed.
function addResourceList(into: ResourceList, list: ResourceList): void {
  if (list.cpu_mcores !== undefined) into.cpu_mcores = (into.cpu_mcores ?? 0) + list.cpu_mcores;
  if (list.memory_bytes !== undefined) into.memory_bytes = (into.memory_bytes ?? 0) + list.memory_bytes;
}

// helpers.go maxResourceList: a key absent from `into` is set, a present one raised.
function maxResourceList(into: ResourceList, list: ResourceList): void {
  if (list.cpu_mcores !== undefined && (into.cpu_mcores === undefined || list.cpu_mcores > into.cpu_mcores)) {
    into.cpu_mcores = list.cpu_mcores;
  }
  if (list.memory_bytes !== undefined && (into.memory_bytes === undefined || list.memory_bytes > into.memory_bytes)) {
    into.memory_bytes = list.memory_bytes;
  }
}

// helpers.go applyNonMissing: a copy with the missing keys filled from nonMissing.
function applyNonMissing(reqs: ResourceList, nonMissing: ResourceList | undefined): ResourceList {
  const out: ResourceList = {};
  addResourceList(out, reqs);
  if (nonMissing !== undefined) {
    if (reqs.cpu_mcores === undefined && nonMissing.cpu_mcores !== undefined) out.cpu_mcores = nonMissing.cpu_mcores;
    if (reqs.memory_bytes === undefined && nonMissing.memory_bytes !== undefined) out.memory_bytes = nonMissing.memory_bytes;
  }
  return out;
}

// helpers.go isRestartableInitContainer: restartPolicy Always marks a sidecar (KEP-753).
function isRestartableInitContainer(c: Container): boolean {
  return c.restartPolicy === "Always";
}

/**
 * helpers.go aggregateContainerResourcesByFn with containerSpecRequests (AggregateContainerRequests
 * without status resources): sum of containers and sidecars, raised to the largest init-time
 * footprint, where the i-th init container runs beside every sidecar declared before it.
 */
export function aggregateContainerRequests(pod: Pod, opts: PodResourcesOptions = {}): ResourceList {
  const nonMissing = opts.nonMissingContainerRequests;
  const result: ResourceList = {};
  for (const c of pod.spec.containers) {
    const requests = opts.useStatusResources ? determineContainerReqs(pod, c) : c.resources.requests;
    addResourceList(result, applyNonMissing(requests, nonMissing));
  }

  const restartableInitContainerResources: ResourceList = {};
  const initContainerResources: ResourceList = {};
  for (const c of pod.spec.initContainers) {
    const containerResources = applyNonMissing(c.resources.requests, nonMissing);
    let footprint: ResourceList;
    if (isRestartableInitContainer(c)) {
      // A sidecar keeps running: it adds to the steady state and to every later init step.
      addResourceList(result, containerResources);
      addResourceList(restartableInitContainerResources, containerResources);
      footprint = restartableInitContainerResources;
    } else {
      footprint = {};
      addResourceList(footprint, containerResources);
      addResourceList(footprint, restartableInitContainerResources);
    }
    maxResourceList(initContainerResources, footprint);
  }
  maxResourceList(result, initContainerResources);
  return result;
}

/**
 * helpers.go determineContainerReqs for a container with status resources: the largest of the
 * spec's requests (unless the resize is Infeasible: IsPodResizeInfeasible), the requests it runs
 * with and the ones the kubelet allocated, so a node is charged for a resize in flight both ways.
 */
function determineContainerReqs(pod: Pod, c: Container): ResourceList {
  const status = pod.status.containerStatuses.find((s) => s.name === c.name);
  if (status?.resources === undefined) return c.resources.requests;
  const out: ResourceList = {};
  if (getPodCondition(pod, "PodResizePending")?.reason !== "Infeasible") maxResourceList(out, c.resources.requests);
  maxResourceList(out, status.resources.requests);
  if (status.allocatedResources !== undefined) maxResourceList(out, status.allocatedResources);
  return out;
}

/** helpers.go IsPodLevelRequestsSet, restricted to the supported cpu/memory. */
export function isPodLevelRequestsSet(pod: Pod): boolean {
  const r = pod.spec.resources?.requests;
  return r !== undefined && (r.cpu_mcores !== undefined || r.memory_bytes !== undefined);
}

/**
 * helpers.go PodRequests: aggregated container requests, each cpu/memory key overridden by the
 * pod-level request when spec.resources sets it (applyPodLevelResources).
 */
export function podRequests(pod: Pod, opts: PodResourcesOptions = {}): ResourceList {
  const reqs = aggregateContainerRequests(pod, opts);
  if (!opts.skipPodLevelResources && isPodLevelRequestsSet(pod)) {
    const podLevel = pod.spec.resources!.requests;
    if (podLevel.cpu_mcores !== undefined) reqs.cpu_mcores = podLevel.cpu_mcores;
    if (podLevel.memory_bytes !== undefined) reqs.memory_bytes = podLevel.memory_bytes;
  }
  return reqs;
}

/**
 * noderesources/fit.go computePodResourceRequest: the request the Fit filter checks
 * (PodRequests, then framework.Resource.SetMaxResource from zero).
 */
export function computePodResourceRequest(pod: Pod): PodResource {
  const reqs = podRequests(pod);
  return { cpu_mcores: Math.max(0, reqs.cpu_mcores ?? 0), memory_bytes: Math.max(0, reqs.memory_bytes ?? 0) };
}

/** What NodeInfo accounts per pod: framework/types.go fwk.PodResource (Resource + Non0CPU/Non0Mem). */
export interface NodePodResource {
  cpu_mcores: number;
  memory_bytes: number;
  nonZeroCpu_mcores: number;
  nonZeroMemory_bytes: number;
}

/**
 * framework/types.go getNonMissingContainerRequests: without pod-level requests every container
 * gets both defaults; with them, a default only for a resource absent at both levels.
 */
function getNonMissingContainerRequests(requests: ResourceList, podLevelResourcesSet: boolean): ResourceList {
  if (!podLevelResourcesSet) return NON_ZERO_DEFAULTS;
  const out: ResourceList = {};
  if (requests.cpu_mcores === undefined) out.cpu_mcores = DEFAULT_MILLI_CPU_REQUEST;
  if (requests.memory_bytes === undefined) out.memory_bytes = DEFAULT_MEMORY_REQUEST_BYTES;
  return out;
}

/** framework/types.go PodInfo.CalculateResource (PodLevelResources and InPlacePodVerticalScaling on). */
export function calculateResource(pod: Pod): NodePodResource {
  const requests = podRequests(pod, { useStatusResources: true });
  const nonMissing = getNonMissingContainerRequests(requests, isPodLevelRequestsSet(pod));
  let non0 = requests;
  if (nonMissing.cpu_mcores !== undefined || nonMissing.memory_bytes !== undefined) {
    non0 = podRequests(pod, { nonMissingContainerRequests: nonMissing, useStatusResources: true });
  }
  return {
    cpu_mcores: requests.cpu_mcores ?? 0,
    memory_bytes: requests.memory_bytes ?? 0,
    nonZeroCpu_mcores: non0.cpu_mcores ?? 0,
    nonZeroMemory_bytes: non0.memory_bytes ?? 0,
  };
}

/**
 * resource_allocation.go resourceAllocationScorer.calculatePodResourceRequest for cpu and memory.
 * `useRequested` false (NodeResourcesFit's scorers) fills every container's missing request with
 * the non-zero defaults; true (BalancedAllocation) takes requests as written.
 */
export function calculatePodResourceRequest(pod: Pod, useRequested: boolean): PodResource {
  const requests = podRequests(pod, useRequested ? {} : { nonMissingContainerRequests: NON_ZERO_DEFAULTS });
  return { cpu_mcores: requests.cpu_mcores ?? 0, memory_bytes: requests.memory_bytes ?? 0 };
}
