/**
 * Pod helpers CA reads everywhere: effective requests (k8s PodRequests), DaemonSet and mirror
 * pod tests (cluster-autoscaler/utils/pod/pod.go).
 */
import { emptyResources, type CaPod, type Resources } from "./types.js";

const RESOURCE_KEYS = ["cpuMilli", "memoryBytes", "gpu", "ephemeralBytes"] as const;

/** utils/pod/pod.go DaemonSetPodAnnotationKey: marks pods of custom DaemonSet-like controllers. */
export const DAEMONSET_POD_ANNOTATION_KEY = "cluster-autoscaler.kubernetes.io/daemonset-pod";
/** k8s.io/api core/v1 MirrorPodAnnotationKey. */
export const MIRROR_POD_ANNOTATION_KEY = "kubernetes.io/config.mirror";

export function addResources(a: Resources, b: Resources): Resources {
  return {
    cpuMilli: a.cpuMilli + b.cpuMilli,
    memoryBytes: a.memoryBytes + b.memoryBytes,
    gpu: a.gpu + b.gpu,
    ephemeralBytes: a.ephemeralBytes + b.ephemeralBytes,
  };
}

function maxResources(a: Resources, b: Resources): Resources {
  const out = { ...a };
  for (const k of RESOURCE_KEYS) out[k] = Math.max(a[k], b[k]);
  return out;
}

/**
 * Requests by the pod's container lists: pods CA copies (placed in a simulation, renamed for a
 * template) share the lists, so each spec is summed once. The result is read-only.
 */
const requestsByContainers = new WeakMap<readonly unknown[], { init: readonly unknown[]; requests: Resources }>();

/**
 * k8s.io/component-helpers resource/helpers.go PodRequests (utils/pod.PodRequests in CA): the sum
 * of the regular containers, max'ed with the init-container peak, where each init container adds
 * the restartable (sidecar) init containers started before it and sidecars add to the total.
 */
export function podRequests(pod: CaPod): Resources {
  const cached = requestsByContainers.get(pod.containers);
  if (cached !== undefined && cached.init === pod.initContainers) return cached.requests;
  const requests = computePodRequests(pod);
  requestsByContainers.set(pod.containers, { init: pod.initContainers, requests });
  return requests;
}

function computePodRequests(pod: CaPod): Resources {
  let reqs = emptyResources();
  for (const c of pod.containers) reqs = addResources(reqs, c.requests);
  let restartableInit = emptyResources();
  let initPeak = emptyResources();
  for (const c of pod.initContainers) {
    if (c.restartPolicy === "Always") {
      // Sidecars run for the pod's whole life: they add to the regular containers too.
      reqs = addResources(reqs, c.requests);
      restartableInit = addResources(restartableInit, c.requests);
      initPeak = maxResources(initPeak, restartableInit);
    } else {
      initPeak = maxResources(initPeak, addResources(c.requests, restartableInit));
    }
  }
  return maxResources(reqs, initPeak);
}

/** utils/pod/pod.go IsDaemonSetPod: owned by a DaemonSet, or annotated as a DaemonSet-like pod. */
export function isDaemonSetPod(pod: CaPod): boolean {
  if (pod.owner !== null && pod.owner.kind === "DaemonSet") return true;
  return pod.annotations[DAEMONSET_POD_ANNOTATION_KEY] === "true";
}

/** utils/pod/pod.go IsMirrorPod: a static pod's API mirror. */
export function isMirrorPod(pod: CaPod): boolean {
  return Object.prototype.hasOwnProperty.call(pod.annotations, MIRROR_POD_ANNOTATION_KEY);
}

/**
 * utils/drain IsPodLongTerminating: deleted longer ago than its grace period (default 30 s) plus
 * PodLongTerminatingExtraThreshold (30 s), strictly.
 */
export function isPodLongTerminating(pod: CaPod, now_ms: number): boolean {
  if (pod.deletionTimestamp_ms === null) return false;
  const grace_s = pod.terminationGracePeriodSeconds ?? 30;
  return pod.deletionTimestamp_ms + grace_s * 1000 + 30_000 < now_ms;
}

/**
 * The pod placed on `nodeName`: a copy with that node. Written field by field because a removal
 * simulation places every pod of every candidate node at every loop, and V8 copies an object
 * literal this way several times faster than a spread of the pod. (Every field is required, so
 * the compiler catches one added to CaPod and missed here.)
 */
export function withNodeName(pod: CaPod, nodeName: string): CaPod {
  return {
    name: pod.name,
    namespace: pod.namespace,
    labels: pod.labels,
    annotations: pod.annotations,
    containers: pod.containers,
    initContainers: pod.initContainers,
    nodeName,
    nodeSelector: pod.nodeSelector,
    tolerations: pod.tolerations,
    hostPorts: pod.hostPorts,
    topologySpread: pod.topologySpread,
    owner: pod.owner,
    volumes: pod.volumes,
    deletionTimestamp_ms: pod.deletionTimestamp_ms,
    terminationGracePeriodSeconds: pod.terminationGracePeriodSeconds,
    creationTimestamp_ms: pod.creationTimestamp_ms,
    phase: pod.phase,
    restartPolicy: pod.restartPolicy,
  };
}
