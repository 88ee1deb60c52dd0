/**
 * Per-request app servers, one per pod slot: the exact counterpart of the fluid server
 * (pod-server.ts) for a Service with `arrivals: requests`. Each request is given to the pod's
 * single FIFO worker under its CFS quota (request-queue.ts RequestQueue) when it arrives, with
 * its work drawn from the app's service-time distribution on the pod's own seeded stream
 * (drawWork_s); a request finding `queueCapacity` requests already waiting is dropped.
 *
 * The worker's schedule is known in closed form, so nothing is ticked: a request's completion
 * time is known when it arrives (and recomputed if the CPU cap changes while it is in flight),
 * and completions are taken, in order, whenever the pod is advanced, each reported with its
 * response time to the runtime's sink. What cAdvisor reads is then exact at any instant: CPU is
 * the work the worker has actually run by then (the request in service included, throttled
 * periods excluded), the working set the baseline plus bytes per request in flight (waiting or
 * in service).
 *
 * Per-request pods are few (small scenarios), so each is an object; its requests in flight are
 * a ring of typed arrays, at most queueCapacity + 1 long.
 */
import type { RandomStream } from "../../engine/rng.js";
import type { PodServerParams } from "./pod-server.js";
import type { PodServers } from "./pod-servers.js";
import { drawWork_s, RequestQueue, type RequestQueueParams } from "./request-queue.js";
import { DEFAULT_CFS_PERIOD_MS } from "./service-time.js";
import { requireNonNegative, requireNonNegativeOrInfinity, requirePositive } from "./validate.js";

/** Told of each request a pod completes: its Service (the index it arrived with), when it arrived and when it completed. */
export type ServedSink = (service: number, arrival_s: number, completion_s: number) => void;

const INITIAL_RING = 16;

/** One pod's per-request server. */
class RequestServer {
  readonly queue: RequestQueue;
  /** The time the server was last advanced to, ms (the runtime's integer clock). */
  advanced_ms: number;
  offered = 0;
  served = 0;
  dropped = 0;
  /** Its worker's throttled time as of the last advance, s. */
  throttled_s = 0;
  cap_mcores: number;
  // Requests in flight, oldest first: a ring of `count` entries from `head`.
  arrival_s = new Float64Array(INITIAL_RING);
  /** The worker's cumulative work when the request is done (RequestQueue.completionOf). */
  mark_s = new Float64Array(INITIAL_RING);
  completion_s = new Float64Array(INITIAL_RING);
  service = new Int32Array(INITIAL_RING);
  head = 0;
  count = 0;

  constructor(
    readonly work: RequestQueueParams,
    readonly queueCapacity_requests: number,
    readonly memoryBaseline_bytes: number,
    readonly memoryPerRequest_bytes: number,
    readonly stream: RandomStream,
    now_ms: number,
  ) {
    this.queue = new RequestQueue(work);
    this.cap_mcores = work.cap_mcores;
    this.advanced_ms = now_ms;
  }

  /** Appends a request in flight, growing the ring (bounded by the queue's capacity + 1). */
  push(arrival_s: number, mark_s: number, completion_s: number, service: number): void {
    if (this.count === this.arrival_s.length) this.grow();
    const i = (this.head + this.count) % this.arrival_s.length;
    this.arrival_s[i] = arrival_s;
    this.mark_s[i] = mark_s;
    this.completion_s[i] = completion_s;
    this.service[i] = service;
    this.count++;
  }

  private grow(): void {
    const n = this.arrival_s.length;
    const arrival_s = new Float64Array(2 * n);
    const mark_s = new Float64Array(2 * n);
    const completion_s = new Float64Array(2 * n);
    const service = new Int32Array(2 * n);
    for (let k = 0; k < this.count; k++) {
      const i = (this.head + k) % n;
      arrival_s[k] = this.arrival_s[i];
      mark_s[k] = this.mark_s[i];
      completion_s[k] = this.completion_s[i];
      service[k] = this.service[i];
    }
    this.arrival_s = arrival_s;
    this.mark_s = mark_s;
    this.completion_s = completion_s;
    this.service = service;
    this.head = 0;
  }
}

/**
 * The error of `at`, built here rather than in it, as PodServerPool's check does: V8 may convert
 * the slot to a string ahead of the test, on every read of a per-request pod.
 */
function throwNoServer(slot: number): never {
  throw new RangeError(`request server ${slot} does not exist`);
}

/** Per-request servers by pod slot (see the header). */
export class RequestServers implements PodServers {
  private readonly servers: (RequestServer | undefined)[] = [];
  /** The CFS throttled time (RequestQueue.throttled_s) of the server the last `step` advanced, over that step, s. */
  stepThrottled_s = 0;

  constructor(private readonly onServed: ServedSink) {}

  /**
   * Starts a server in `slot` at `now_ms`, drawing its requests' work from `stream`. Takes the
   * fluid server's parameters (the app's), so that the runtime builds both from one place.
   */
  addAt(slot: number, p: PodServerParams, stream: RandomStream, now_ms: number): void {
    if (this.servers[slot] !== undefined) throw new RangeError(`request server slot ${slot} is taken`);
    requirePositive("cost_mcore_s", p.cost_mcore_s);
    requireNonNegativeOrInfinity("cap_mcores", p.cap_mcores);
    const distribution = p.serviceTime ?? "exponential";
    const work: RequestQueueParams = {
      cost_mcore_s: p.cost_mcore_s,
      distribution,
      cv: requireNonNegative("serviceTimeCv", p.serviceTimeCv ?? (distribution === "exponential" ? 1 : 0)),
      cap_mcores: p.cap_mcores,
      speed_mcores: requirePositive("perRequestCpu_mcores", p.perRequestCpu_mcores ?? 1000),
      cfsPeriod_ms: requirePositive("cfsPeriod_ms", p.cfsPeriod_ms ?? DEFAULT_CFS_PERIOD_MS),
    };
    this.servers[slot] = new RequestServer(
      work,
      requireNonNegativeOrInfinity("queueCapacity_requests", p.queueCapacity_requests),
      requireNonNegative("memoryBaseline_bytes", p.memoryBaseline_bytes),
      requireNonNegative("memoryPerRequest_bytes", p.memoryPerRequest_bytes),
      stream,
      now_ms,
    );
  }

  private at(slot: number): RequestServer {
    const server = this.servers[slot];
    if (server === undefined) throwNoServer(slot);
    return server;
  }

  isAlive(slot: number): boolean {
    return this.servers[slot] !== undefined;
  }

  /**
   * A request of Service `service` arrives at `arrival_s`, no earlier than the requests before
   * it and no later than the time the server was advanced to (the caller advances it first, so
   * the requests done by then have left). Returns false when it is dropped: `queueCapacity`
   * requests are already waiting behind the one in service.
   */
  arrive(slot: number, arrival_s: number, service: number): boolean {
    const s = this.at(slot);
    s.offered++;
    const waiting = s.count > 0 ? s.count - 1 : 0;
    if (waiting >= s.queueCapacity_requests) {
      s.dropped++;
      return false;
    }
    const response_s = s.queue.serve(arrival_s, drawWork_s(s.work, s.stream));
    s.push(arrival_s, s.queue.workGiven_s, arrival_s + response_s, service);
    return true;
  }

  /** Takes the requests done by the new time, in order, reporting each to the sink. */
  step(slot: number, dt_ms: number): void {
    const s = this.at(slot);
    s.advanced_ms += dt_ms;
    const now_s = s.advanced_ms / 1000;
    const throttled_s = s.queue.throttled_s(now_s);
    this.stepThrottled_s = throttled_s - s.throttled_s;
    s.throttled_s = throttled_s;
    const n = s.arrival_s.length;
    while (s.count > 0 && s.completion_s[s.head] <= now_s) {
      const i = s.head;
      s.served++;
      this.onServed(s.service[i], s.arrival_s[i], s.completion_s[i]);
      s.head = (i + 1) % n;
      s.count--;
    }
  }

  setCpuCap(slot: number, cap_mcores: number): void {
    requireNonNegativeOrInfinity("cap_mcores", cap_mcores);
    const s = this.at(slot);
    if (cap_mcores === s.cap_mcores) return;
    s.cap_mcores = cap_mcores;
    s.queue.setCap(cap_mcores, s.advanced_ms / 1000);
    // The work left is now done at another pace: every request in flight ends at another time.
    const n = s.arrival_s.length;
    for (let k = 0; k < s.count; k++) {
      const i = (s.head + k) % n;
      s.completion_s[i] = s.queue.completionOf(s.mark_s[i]);
    }
  }

  remove(slot: number): void {
    this.at(slot);
    this.servers[slot] = undefined;
  }

  serviceRate_rps(slot: number): number {
    const s = this.at(slot);
    return s.cap_mcores / s.work.cost_mcore_s;
  }

  queue_requests(slot: number): number {
    const s = this.at(slot);
    return s.count > 0 ? s.count - 1 : 0;
  }

  /** Requests lost if the pod stopped now: every request in flight, the one in service too. */
  abandoned_requests(slot: number): number {
    return this.at(slot).count;
  }

  memory_bytes(slot: number): number {
    const s = this.at(slot);
    return s.memoryBaseline_bytes + s.memoryPerRequest_bytes * s.count;
  }

  /**
   * The working set changes only when a request arrives or leaves, and only an arrival raises
   * it (the runtime looks again then): over the limit now, or not on this course.
   */
  memoryLimitCrossing_s(slot: number, _rate_rps: number, limit_bytes: number): number {
    return Math.round(this.memory_bytes(slot)) > limit_bytes ? 0 : Infinity;
  }

  cpuUsed_mcore_ms(slot: number): number {
    const s = this.at(slot);
    return s.queue.workDone_s(s.advanced_ms / 1000) * s.work.speed_mcores * 1000;
  }

  offered_requests(slot: number): number {
    return this.at(slot).offered;
  }

  served_requests(slot: number): number {
    return this.at(slot).served;
  }

  dropped_requests(slot: number): number {
    return this.at(slot).dropped;
  }
}
