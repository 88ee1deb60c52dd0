/**
 * What the container runtime (models/kubelet/container-runtime.ts) asks of the app server in a
 * running pod's slot, whichever model serves its requests:
 * - the fluid server (pod-server.ts PodServerPool): requests as a flow at a rate, integrated
 *   exactly between events; every Service with `fluid` or `poisson` arrivals;
 * - the per-request server (request-server.ts RequestServers): each request an arrival, served
 *   first-come first-served under the CFS quota (request-queue.ts); `arrivals: requests`.
 * The runtime picks one per pod when it starts (by the arrivals of the Services that select it)
 * and drives both through this interface: node CPU sharing, cAdvisor's counters, OOM kills and
 * the Service totals are the same code for both. Servers are addressed by the pod's slot (its
 * handle's index), as the runtime's own per-pod columns are.
 */
/**
 * Where `sampleCounters` writes each counter. A const enum (see metrics-server/types.ts Sample).
 */
export const enum Sampled {
  CpuUsed_mcore_ms = 0,
  Memory_bytes = 1,
  Queue_requests = 2,
}

export interface PodServers {
  /**
   * Advances the server in `slot` by dt_ms (from the time it was last advanced to), the
   * runtime's arrival rate for it, `rates[rateAt]`, held constant over the step; sets
   * `stepIncrements`. (The rate is passed in an array: V8 boxes a fractional number passed to a
   * call it does not inline, a heap allocation per pod step.)
   */
  step(slot: number, dt_ms: number, rates: Float64Array, rateAt: number): void;
  /**
   * What the last `step` added to the server's offered, served and dropped counters (indices
   * Step.Offered, Step.Served, Step.Dropped of pod-server.ts), for the runtime to add to its
   * Service's totals, and the step's saturated time (Step.Saturated_s), from which the runtime
   * counts CFS throttling. A per-request server counts its requests as they arrive and complete
   * instead, and its throttled time itself, and leaves these 0.
   */
  readonly stepIncrements: Float64Array;
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
  /**
   * `cpuUsed_mcore_ms`, `memory_bytes` and `queue_requests` into `out` at Sampled's indices: what
   * the runtime's sample of a pod reads, in one call. (Three reads spent V8's inlining budget in
   * the runtime's per-node loop, which then called the pod's advance instead of inlining it.)
   */
  sampleCounters(slot: number, out: Float64Array): void;
  offered_requests(slot: number): number;
  served_requests(slot: number): number;
  dropped_requests(slot: number): number;
}
