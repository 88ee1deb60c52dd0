/**
 * What the container runtime (models/kubelet/container-runtime.ts) asks of the app server in a
 * running pod's slot, whichever model serves its requests:
 * - the fluid server (pod-server.ts PodServerPool): requests as a flow at a rate, integrated
 *   exactly between events; every Service with `fluid` or `poisson` arrivals;
 * - the per-request server (request-server.ts RequestServers): each request an arrival, served
 *   first-come first-served under the CFS quota (request-queue.ts); `arrivals: requests`.
 * The runtime picks one per pod when it starts (by the arrivals of the Services that select it)
 * and drives both through this interface: node CPU sharing, cAdvisor's counters, OOM kills and
 * the Service totals are the same code for both. Only stepping differs: the runtime's per-node
 * pass steps each kind through its own class (the fluid servers' steady step inline, through
 * pod-server.ts's row functions). Servers are addressed by the pod's slot (its handle's index),
 * as the runtime's own per-pod columns are.
 */
/**
 * Where a server adds the requests it was offered, served and dropped for a Service: the Service
 * layer's totals (models/service/traffic-totals.ts), one block of `Fields` numbers per Service,
 * Service `s`'s at `s * Counts.Fields`. A const enum (see metrics-server/types.ts Sample).
 */
export const enum Counts {
  Offered = 0,
  Served = 1,
  Dropped = 2,
  Fields = 3,
}

/** `counts` for a step whose requests are counted nowhere (at < 0). */
export const NO_COUNTS = new Float64Array(0);

export interface PodServers {
  /** The CPU its requests may use from now (the time it was last advanced to), mcores. */
  setCpuCap(slot: number, cap_mcores: number): void;
  /** The pod is gone: frees the slot. */
  remove(slot: number): void;
  /** Most requests/s it can serve: cap / CPU per request (Infinity when uncapped). */
  serviceRate_rps(slot: number): number;
  /** Requests waiting (not in service), as of the last advance. */
  queue_requests(slot: number): number;
  /** Requests a pod stopping now loses (the kubelet kills them with the container). */
  abandoned_requests(slot: number): number;
  /** The app container's working set now: baseline + bytes per request in flight. */
  memory_bytes(slot: number): number;
  /**
   * Seconds from the last advance until its working set (rounded to whole bytes) exceeds
   * `limit_bytes` at arrival rate `rate_rps` and its present cap: 0 when it already does,
   * Infinity when it never will on that course.
   */
  memoryLimitCrossing_s(slot: number, rate_rps: number, limit_bytes: number): number;
  /** CPU its requests have used, mcore·ms, up to the last advance. */
  cpuUsed_mcore_ms(slot: number): number;
  offered_requests(slot: number): number;
  served_requests(slot: number): number;
  dropped_requests(slot: number): number;
}
