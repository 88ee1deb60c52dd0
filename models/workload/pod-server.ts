/**
 * A fluid model of one pod serving requests, advanced analytically between events.
 *
 * What is fluid, and why. Requests are a continuous quantity: arrivals come at a rate λ
 * (requests/s) that is constant between simulator events (a load-profile change, a scale event,
 * a CPU-cap change), and the pod serves at up to μ = cap / cost requests/s, where `cap` is the CPU
 * it may use (the CFS limit, or its share of a contended node) and `cost` the CPU one request
 * needs. With λ and μ constant over an interval the queue length is piecewise linear in time, so
 * the interval can be integrated exactly in O(1): no per-request events. Simulating requests one
 * by one would cost billions of events per day for 5,000 pods; the fluid limit keeps what the
 * autoscalers see (CPU usage, saturation, queue growth, drops) exact to floating point.
 *
 * What the fluid model loses is randomness: at λ < μ its queue is empty, while a real server
 * still queues. That shows up only in the latency *estimates*, never in the counters: each pod
 * also carries the mean number of requests a real queue would hold (service-time.ts, PSFFA:
 * exact at steady state for the app's service-time distribution, and moving between steady
 * states as a real queue's mean does), so latency rises and drains as a real queue's does.
 *
 * CPU: every served request consumes `cost` mcore·s, so CPU used = served × cost and the usage
 * rate never exceeds the cap (served ≤ μ·dt). CFS throttling within a 100 ms period is below
 * the counters' resolution: a capped pod simply serves at μ (k8s-fidelity.md §9); a single
 * request's own service time does see the periods (service-time.ts cfsServiceTime_s).
 *
 * Memory: baseline + bytes per in-flight request, in-flight = queued + in service, with in
 * service = serving rate × service time (Little's law on the service stage).
 *
 * State lives in one typed array in `PodServerPool` (one slot per pod; thousands of pods without an
 * object each). `PodServer` is the same model for one pod, over a pool of one.
 */
import { resized } from "../../engine/typed-arrays.js";
import { requireNonNegative, requireNonNegativeOrInfinity, requirePositive } from "./validate.js";
import { Counts, NO_COUNTS, type PodServers } from "./pod-servers.js";
import { componentMean_ms, componentsQuantile_ms, type PodLatency } from "./response-time.js";
import {
  DEFAULT_CFS_PERIOD_MS, DISTRIBUTION_CODE, DISTRIBUTION_OF_CODE, meanWait_s, psffaUtilization, serviceTimeCv2,
  thirdMomentFactor, variabilityFactor, waitTailShare, type ServiceTimeDistribution,
} from "./service-time.js";

export interface PodServerParams {
  /** CPU one request needs, in mcore·s (millicore-seconds): 50 = 50 ms on one core. */
  cost_mcore_s: number;
  /** CPU the pod may use: the container's CPU limit, or its share of the node. Infinity = unlimited. */
  cap_mcores: number;
  /** Requests that may wait; arrivals beyond it are dropped. Infinity = unbounded. */
  queueCapacity_requests: number;
  memoryBaseline_bytes: number;
  memoryPerRequest_bytes: number;
  /**
   * Most CPU one request can use at once: 1000 (one thread) by default. Sets the service time
   * cost / min(cap, this), so an unlimited pod still takes time per request.
   */
  perRequestCpu_mcores?: number;
  /** How the CPU work varies from request to request: exponential (default), deterministic, lognormal. */
  serviceTime?: ServiceTimeDistribution;
  /** Lognormal service times: coefficient of variation (standard deviation / mean). */
  serviceTimeCv?: number;
  /** CFS quota period (the kubelet's --cpu-cfs-quota-period, 100 ms). */
  cfsPeriod_ms?: number;
}

/** ln 20: p95 of an exponential distribution in units of its mean. */
const LN20 = Math.log(20);

/**
 * Where `fluidStep` writes its outcome: indices into a Float64Array of `Fields` entries (an array,
 * not an object, so that no result is ever boxed). A const enum (see metrics-server/types.ts Sample).
 */
export const enum Fluid {
  Queue = 0,
  Served = 1,
  Dropped = 2,
  /** ∫ queue dt over the step, in request·s. */
  QueueArea = 3,
  Fields = 4,
}

/**
 * Integrates the fluid queue over T seconds with arrival rate λ, service rate μ and capacity Q,
 * from queue q0, into `out` at Fluid's indices. Exact: the queue moves linearly at λ − μ until it
 * empties or fills, then stays.
 */
export function fluidStep(q0: number, T_s: number, lambda: number, mu: number, Q: number, out: Float64Array): Float64Array {
  let dropped = 0;
  if (q0 > Q) {
    // The capacity shrank below the queue: the excess is dropped at once.
    dropped = q0 - Q;
    q0 = Q;
  }
  let q1: number;
  let served: number;
  let area: number;
  if (mu === Infinity) {
    // Unlimited capacity: the queue empties instantly and every arrival is served.
    q1 = 0;
    served = q0 + lambda * T_s;
    area = 0;
  } else if (lambda <= mu) {
    const drain = mu - lambda;
    if (drain === 0) {
      q1 = q0;
      served = mu * T_s;
      area = q0 * T_s;
    } else {
      const tEmpty_s = q0 / drain;
      if (T_s <= tEmpty_s) {
        // Busy the whole step, queue shrinking.
        q1 = Math.max(0, q0 - drain * T_s);
        served = mu * T_s;
        area = ((q0 + q1) / 2) * T_s;
      } else {
        // Drains to empty at tEmpty, then serves arrivals as they come.
        q1 = 0;
        served = q0 + lambda * T_s;
        area = (q0 / 2) * tEmpty_s;
      }
    }
  } else {
    const growth = lambda - mu;
    const tFull_s = Q === Infinity ? Infinity : (Q - q0) / growth;
    served = mu * T_s;
    if (T_s <= tFull_s) {
      q1 = q0 + growth * T_s;
      area = ((q0 + q1) / 2) * T_s;
    } else {
      // Fills at tFull, then everything beyond μ is dropped.
      q1 = Q;
      dropped += growth * (T_s - tFull_s);
      area = ((q0 + Q) / 2) * tFull_s + Q * (T_s - tFull_s);
    }
  }
  out[Fluid.Queue] = q1;
  out[Fluid.Served] = served;
  out[Fluid.Dropped] = dropped;
  out[Fluid.QueueArea] = area;
  return out;
}

/** Latency estimates shared by the pool and the single server; see meanResponseTime_ms. */
function serviceTime_s(cost: number, cap: number, perRequest: number): number {
  return cost / Math.min(cap, perRequest);
}

const GROW = 2;

/**
 * A server's row: `Fields` numbers, server `id`'s at `id * ServerRow.Fields` of the pool's `rows`
 * (what each holds is this module's business: read and write them through its row functions).
 * A const enum (see metrics-server/types.ts Sample).
 */
export const enum ServerRow {
  Fields = 16,
}

// One slot's fields, at these offsets within its block of `STRIDE` doubles. Interleaved rather
// than one array per field, because every operation reads or writes most fields of one slot:
// the fields of a slot then share two or three cache lines instead of taking one line each. The
// fields `advance` touches come first. What only the latency estimate, a change of regime and
// the working set's update read (the service-time distribution's and the memory's parameters) is
// in a block of its own, `PARAM_STRIDE` doubles in another array, so that the per-pod passes of
// every sample stream 128 bytes a pod, not 192.
const ALIVE = 0; // 1 while the slot holds a server, else 0
const CAP = 1;
const COST = 2;
const QUEUE = 3;
const QUEUE_CAP = 4;
const LAST_RATE = 5;
const CPU_USED = 6;
const SERVED = 7;
const OFFERED = 8;
const DROPPED = 9;
const QUEUE_AREA = 10;
/** Seconds since the regime (rate, cap, queue capacity) last changed. */
const REGIME_AGE = 11;
/** The PSFFA utilization-state r when the regime last changed (service-time.ts psffaUtilization). */
const R_AT_CHANGE = 12;
/**
 * The working set, bytes: baseline + per in-flight request (serverInFlight_requests). It changes
 * only when the queue, the rate or the cap does, so it is computed then (`updateWorkingSet`, its
 * only writer) and the per-pod sample reads one number instead of the seven it depends on.
 */
const WORKING_SET = 13;
// 14 is free.
const PER_REQUEST = 15;
const STRIDE = ServerRow.Fields;
// In `params`:
const VARIABILITY = 0; // c = (1 + cv²)/2
const DISTRIBUTION = 1;
const CV = 2;
const CFS_PERIOD = 3;
const THIRD_MOMENT = 4; // E[S³]/E[S]³
const MEM_BASE = 5;
const MEM_PER_REQ = 6;
const PARAM_STRIDE = 8;

/** Where in `params` the parameters of the slot whose fields start at `b` of `state` begin. */
function paramsOf(b: number): number {
  return (b / STRIDE) * PARAM_STRIDE;
}

// --- A server's row ---------------------------------------------------------------------------
// What the pool does per step and per sample, as functions of the row (`rows`, and `r`, where
// the server's row starts): the pool calls them, and so does a host that steps its servers in a
// per-pod loop of its own (the container runtime's pass over a node), so that the usual step
// and the sample read their numbers once, within that loop, instead of passing them between the
// two owners through scratch arrays (docs/PERFORMANCE.md, "One pass per pod").

/**
 * The steady step, the usual one, of the server whose row starts at `r`: arrivals at the rate of
 * its last step, an empty queue, arrivals below μ. Then over T_s the queue stays empty, every
 * arrival is served and the server is never saturated: fluidStep's drained case at q0 = 0,
 * without its queue-area addition of zero (x + 0 is x: the area is never −0) and its dropped
 * requests' (0 added to a counter that is never −0), bit for bit what the pool's general step
 * computes. Advances the server and returns true when the step is steady; returns false, having
 * changed nothing, when it is not. Adds the step's requests to `counts` at `at` (the Service's
 * totals, Counts' columns; at < 0: not counted), each as the new counter minus the old, so that
 * summing them gives bit for bit what reading the counters before and after would.
 */
export function stepSteadyServer(rows: Float64Array, r: number, T_s: number, rate_rps: number, counts: Float64Array, at: number): boolean {
  if (rate_rps !== rows[r + LAST_RATE] || rows[r + QUEUE] !== 0) return false;
  const cost = rows[r + COST];
  if (!(rate_rps < rows[r + CAP] / cost)) return false;
  rows[r + REGIME_AGE] += T_s;
  rows[r + QUEUE] = 0;
  const served = rate_rps * T_s;
  const offered0 = rows[r + OFFERED];
  const served0 = rows[r + SERVED];
  const offered1 = offered0 + served;
  const served1 = served0 + served;
  rows[r + OFFERED] = offered1;
  rows[r + SERVED] = served1;
  rows[r + CPU_USED] += served * cost * 1000;
  if (at >= 0) {
    counts[at + Counts.Offered] += offered1 - offered0;
    counts[at + Counts.Served] += served1 - served0;
  }
  return true;
}

/** Cumulative CPU used, mcore·ms (= µs of CPU time), of the server whose row starts at `r`. */
export function serverCpuUsed_mcore_ms(rows: Float64Array, r: number): number {
  return rows[r + CPU_USED];
}

/** Requests waiting, of the server whose row starts at `r`. */
export function serverQueue_requests(rows: Float64Array, r: number): number {
  return rows[r + QUEUE];
}

/**
 * Rate at which the server whose row starts at `r` serves requests now: μ while a queue remains,
 * else the arrival rate.
 */
function servingRate_rps(rows: Float64Array, r: number): number {
  const mu = rows[r + CAP] / rows[r + COST];
  const lambda = rows[r + LAST_RATE];
  if (rows[r + QUEUE] > 0) return mu;
  return lambda < mu ? lambda : mu;
}

/** Requests in the server whose row starts at `r`: waiting plus in service (serving rate × service time). */
function serverInFlight_requests(rows: Float64Array, r: number): number {
  const served = servingRate_rps(rows, r);
  const s = serviceTime_s(rows[r + COST], rows[r + CAP], rows[r + PER_REQUEST]);
  return rows[r + QUEUE] + (served === 0 ? 0 : served * s);
}

/** The working set of the server whose row starts at `r`: baseline + per in-flight request (see WORKING_SET). */
export function serverMemory_bytes(rows: Float64Array, r: number): number {
  return rows[r + WORKING_SET];
}

/**
 * The error of `check`, built here rather than in it: V8 computed the message's number-to-string
 * conversion ahead of the test at every check, in the runtime's per-pod loops.
 */
function throwNoServer(id: number): never {
  throw new RangeError(`pod server ${id} does not exist`);
}

/** Per-pod fluid servers in one typed array, one slot per pod; freed slots are reused. */
export class PodServerPool implements PodServers {
  private capacity: number;
  private liveCount = 0;
  private freeList: number[] = [];
  private highWater = 0;
  /** Set by the first `addAt`: the caller places servers, so no free list is kept. */
  private placedByCaller = false;
  /** Slot `id`'s fields are `state[id * STRIDE + FIELD]`. */
  private state: Float64Array;
  /** Slot `id`'s service-time parameters are `params[id * PARAM_STRIDE + FIELD]`. */
  private params: Float64Array;

  constructor(initialCapacity = 64) {
    this.capacity = Math.max(1, Math.floor(initialCapacity));
    this.state = new Float64Array(this.capacity * STRIDE);
    this.params = new Float64Array(this.capacity * PARAM_STRIDE);
  }

  /** Live servers. */
  get size(): number {
    return this.liveCount;
  }

  /** Slots ever used (ids are < this): for iterating with `isAlive`. */
  get slots(): number {
    return this.highWater;
  }

  /**
   * The servers' rows, server `id`'s at `id * ServerRow.Fields`, for a host that steps and samples
   * live servers in its own per-pod loop through this module's row functions (the container
   * runtime). Replaced when the pool grows (`add`, `addAt`): read it again after either.
   */
  get rows(): Float64Array {
    return this.state;
  }

  /** Adds a server with an empty queue and zero counters; returns its id (a freed id is reused). */
  add(p: PodServerParams): number {
    if (this.placedByCaller) throw new Error("PodServerPool.add: this pool's slots are placed by its caller (addAt)");
    let id = this.freeList.pop();
    if (id === undefined) {
      this.ensureCapacity(this.highWater + 1);
      id = this.highWater++;
    }
    this.init(id, p);
    return id;
  }

  /**
   * Adds a server in slot `id`, which must be free: for a caller that lays slots out itself (the
   * container runtime keeps each node's pods in adjacent slots, in start order, so that a pass
   * over a node reads memory in order). Such a pool picks no slots: `add` is refused.
   */
  addAt(id: number, p: PodServerParams): number {
    if (!Number.isSafeInteger(id) || id < 0) throw new RangeError(`slot must be an integer >= 0, got ${id}`);
    if (this.isAlive(id)) throw new RangeError(`pod server slot ${id} is taken`);
    this.placedByCaller = true;
    this.ensureCapacity(id + 1);
    this.init(id, p);
    if (id >= this.highWater) this.highWater = id + 1;
    return id;
  }

  private ensureCapacity(slots: number): void {
    if (slots <= this.capacity) return;
    while (this.capacity < slots) this.capacity *= GROW;
    this.state = resized(this.state, this.capacity * STRIDE);
    this.params = resized(this.params, this.capacity * PARAM_STRIDE);
  }

  private init(id: number, p: PodServerParams): void {
    requirePositive("cost_mcore_s", p.cost_mcore_s);
    requireNonNegativeOrInfinity("cap_mcores", p.cap_mcores);
    requireNonNegativeOrInfinity("queueCapacity_requests", p.queueCapacity_requests);
    requireNonNegative("memoryBaseline_bytes", p.memoryBaseline_bytes);
    requireNonNegative("memoryPerRequest_bytes", p.memoryPerRequest_bytes);
    const perRequest = requirePositive("perRequestCpu_mcores", p.perRequestCpu_mcores ?? 1000);
    const distribution = p.serviceTime ?? "exponential";
    const cv = requireNonNegative("serviceTimeCv", p.serviceTimeCv ?? (distribution === "exponential" ? 1 : 0));
    const period_ms = requirePositive("cfsPeriod_ms", p.cfsPeriod_ms ?? DEFAULT_CFS_PERIOD_MS);
    const st = this.state;
    const b = id * STRIDE;
    st[b + COST] = p.cost_mcore_s;
    st[b + CAP] = p.cap_mcores;
    st[b + PER_REQUEST] = perRequest;
    st[b + QUEUE_CAP] = p.queueCapacity_requests;
    st[b + ALIVE] = 1;
    st[b + QUEUE] = 0;
    st[b + LAST_RATE] = 0;
    st[b + OFFERED] = 0;
    st[b + SERVED] = 0;
    st[b + DROPPED] = 0;
    st[b + CPU_USED] = 0;
    st[b + QUEUE_AREA] = 0;
    st[b + REGIME_AGE] = 0;
    st[b + R_AT_CHANGE] = 0;
    const pm = this.params;
    const pb = id * PARAM_STRIDE;
    pm[pb + DISTRIBUTION] = DISTRIBUTION_CODE[distribution];
    pm[pb + CV] = cv;
    pm[pb + VARIABILITY] = variabilityFactor(serviceTimeCv2(distribution, cv));
    pm[pb + CFS_PERIOD] = period_ms;
    pm[pb + THIRD_MOMENT] = thirdMomentFactor(distribution, cv);
    pm[pb + MEM_BASE] = p.memoryBaseline_bytes;
    pm[pb + MEM_PER_REQ] = p.memoryPerRequest_bytes;
    this.updateWorkingSet(b);
    this.liveCount++;
  }

  /** Frees a slot (the pod is gone); its queue is discarded with it. */
  remove(id: number): void {
    this.check(id);
    this.state[id * STRIDE + ALIVE] = 0;
    this.liveCount--;
    if (!this.placedByCaller) this.freeList.push(id);
  }

  isAlive(id: number): boolean {
    return id >= 0 && id < this.highWater && this.state[id * STRIDE + ALIVE] === 1;
  }

  private check(id: number): void {
    if (!this.isAlive(id)) throwNoServer(id);
  }

  /** Changes the CPU cap (a new limit, or a new share of a contended node). */
  setCpuCap(id: number, cap_mcores: number): void {
    this.check(id);
    requireNonNegativeOrInfinity("cap_mcores", cap_mcores);
    const b = id * STRIDE;
    if (this.state[b + CAP] !== cap_mcores) this.changeRegime(b);
    this.state[b + CAP] = cap_mcores;
    this.updateWorkingSet(b);
  }

  /**
   * WORKING_SET of the slot whose fields start at `b`, after a change of what it depends on: the
   * queue, the rate and the cap (init, setCpuCap, stepAnyRegime; the steady step changes none).
   */
  private updateWorkingSet(b: number): void {
    const pb = paramsOf(b);
    this.state[b + WORKING_SET] = this.params[pb + MEM_BASE] + this.params[pb + MEM_PER_REQ] * serverInFlight_requests(this.state, b);
  }

  /** Changes the queue capacity; a queue longer than the new capacity loses the excess on the next advance. */
  setQueueCapacity(id: number, queueCapacity_requests: number): void {
    this.check(id);
    requireNonNegativeOrInfinity("queueCapacity_requests", queueCapacity_requests);
    const b = id * STRIDE;
    if (this.state[b + QUEUE_CAP] !== queueCapacity_requests) this.changeRegime(b);
    this.state[b + QUEUE_CAP] = queueCapacity_requests;
  }

  /**
   * The queue's regime (rate, cap, queue capacity) is about to change, at the time of the last
   * advance: fold its PSFFA state so far into the starting point of the next. Callers change a
   * cap or a rate only at the time the pod was advanced to, so the fold sees the whole regime.
   */
  private changeRegime(b: number): void {
    const st = this.state;
    st[b + R_AT_CHANGE] = this.utilizationState(b);
    st[b + REGIME_AGE] = 0;
  }

  /** The PSFFA utilization-state r now (at the last advance): the regime's start, aged. */
  private utilizationState(b: number): number {
    const st = this.state;
    return psffaUtilization(
      st[b + R_AT_CHANGE], st[b + REGIME_AGE], st[b + LAST_RATE], st[b + CAP] / st[b + COST],
      this.params[paramsOf(b) + VARIABILITY], st[b + QUEUE_CAP] + 1,
    );
  }

  /**
   * Advances one server by dt_ms with arrival rate `rate_rps` held constant over it (the caller
   * splits time at every change of rate or cap). Exact; O(1); allocation-free.
   */
  advance(id: number, dt_ms: number, rate_rps: number): void {
    this.check(id);
    if (!(dt_ms >= 0) || !Number.isFinite(dt_ms)) throw new RangeError(`dt_ms must be a finite number >= 0, got ${dt_ms}`);
    if (!(rate_rps >= 0) || !Number.isFinite(rate_rps)) throw new RangeError(`rate_rps must be a finite number >= 0, got ${rate_rps}`);
    this.advanceRate[0] = rate_rps;
    this.step(id, dt_ms, this.advanceRate, 0, NO_COUNTS, -1);
  }

  /**
   * Seconds of the last `advance` or `step` the server spent at its full service rate μ with work
   * waiting: all of it when arrivals came at least as fast as μ, else until the queue (as it stood
   * before the step) drained. The container runtime counts it as CFS throttling when μ is the
   * pod's CPU limit.
   */
  stepSaturated_s = 0;
  /** Scratch of `step`: fluidStep's outcome. */
  private readonly fluid = new Float64Array(Fluid.Fields);
  /** Scratch of `advance`: its rate, passed to `step` in an array (see `step`). */
  private readonly advanceRate = new Float64Array(1);

  /**
   * `advance` without its checks, for a caller that passes only live ids, finite dt_ms >= 0 and
   * finite rates >= 0 (the container runtime, which at 5,000 pods advances a pod a million times
   * per simulated half hour), at the rate `rates[rateAt]` (in an array: V8 boxes a fractional
   * number passed to a call it does not inline, a heap allocation per pod step). Adds the step's
   * requests to `counts` at `at` as `stepSteadyServer` does (at < 0: not counted), and sets
   * `stepSaturated_s`.
   */
  step(id: number, dt_ms: number, rates: Float64Array, rateAt: number, counts: Float64Array, at: number): void {
    const b = id * STRIDE;
    if (stepSteadyServer(this.state, b, dt_ms / 1000, rates[rateAt], counts, at)) {
      this.stepSaturated_s = 0;
      return;
    }
    this.stepAnyRegime(b, dt_ms, rates, rateAt, counts, at);
  }

  /**
   * `step` of the server whose fields start at `b`, at `rates[rateAt]` for dt_ms, in any state
   * (its arguments as `step`'s: V8 may not inline this into it).
   */
  private stepAnyRegime(b: number, dt_ms: number, rates: Float64Array, rateAt: number, counts: Float64Array, at: number): void {
    const rate_rps = rates[rateAt];
    const T_s = dt_ms / 1000;
    const st = this.state;
    if (rate_rps !== st[b + LAST_RATE]) {
      // A new arrival rate from the start of this step: the previous regime ends here.
      this.changeRegime(b);
      st[b + REGIME_AGE] = T_s;
    } else {
      st[b + REGIME_AGE] += T_s;
    }
    const cost = st[b + COST];
    const mu = st[b + CAP] / cost;
    const q0 = st[b + QUEUE];
    this.stepSaturated_s = rate_rps >= mu ? T_s : Math.min(T_s, q0 / (mu - rate_rps));
    const r = fluidStep(q0, T_s, rate_rps, mu, st[b + QUEUE_CAP], this.fluid);
    st[b + QUEUE] = r[Fluid.Queue];
    // Counted as stepSteadyServer counts, with the dropped requests. (One function taking the
    // numbers for both steps was not inlined into the runtime's loop and boxed them: 870 → 1,018
    // instructions a pod sample.)
    const served = r[Fluid.Served];
    const offered0 = st[b + OFFERED];
    const served0 = st[b + SERVED];
    const dropped0 = st[b + DROPPED];
    const offered1 = offered0 + rate_rps * T_s;
    const served1 = served0 + served;
    const dropped1 = dropped0 + r[Fluid.Dropped];
    st[b + OFFERED] = offered1;
    st[b + SERVED] = served1;
    st[b + DROPPED] = dropped1;
    st[b + CPU_USED] += served * cost * 1000;
    if (at >= 0) {
      counts[at + Counts.Offered] += offered1 - offered0;
      counts[at + Counts.Served] += served1 - served0;
      counts[at + Counts.Dropped] += dropped1 - dropped0;
    }
    st[b + QUEUE_AREA] += r[Fluid.QueueArea];
    st[b + LAST_RATE] = rate_rps;
    this.updateWorkingSet(b);
  }

  /**
   * Advances every live server by dt_ms, server `id` at `rate_rps[id]` (the array is indexed
   * by id, length >= slots).
   */
  advanceAll(dt_ms: number, rate_rps: Float64Array): void {
    if (rate_rps.length < this.highWater) throw new RangeError(`rate_rps has ${rate_rps.length} entries, need ${this.highWater}`);
    for (let id = 0; id < this.highWater; id++) if (this.state[id * STRIDE + ALIVE] === 1) this.advance(id, dt_ms, rate_rps[id]);
  }

  // --- Reads -----------------------------------------------------------------------------------

  /** μ = cap / cost, requests/s (Infinity when uncapped). */
  serviceRate_rps(id: number): number {
    this.check(id);
    const b = id * STRIDE;
    return this.state[b + CAP] / this.state[b + COST];
  }

  /** λ/μ for the last advance's arrival rate (may exceed 1 when overloaded). */
  utilization(id: number): number {
    const mu = this.serviceRate_rps(id);
    const lambda = this.state[id * STRIDE + LAST_RATE];
    return lambda === 0 ? 0 : lambda / mu;
  }

  queue_requests(id: number): number {
    this.check(id);
    return serverQueue_requests(this.state, id * STRIDE);
  }

  /** Requests lost if the pod stopped now: its fluid queue (what is in service is counted served). */
  abandoned_requests(id: number): number {
    return this.queue_requests(id);
  }

  offered_requests(id: number): number {
    this.check(id);
    return this.state[id * STRIDE + OFFERED];
  }

  served_requests(id: number): number {
    this.check(id);
    return this.state[id * STRIDE + SERVED];
  }

  dropped_requests(id: number): number {
    this.check(id);
    return this.state[id * STRIDE + DROPPED];
  }

  /** Cumulative CPU used, mcore·ms (= µs of CPU time): what cAdvisor's counter would read. */
  cpuUsed_mcore_ms(id: number): number {
    this.check(id);
    return serverCpuUsed_mcore_ms(this.state, id * STRIDE);
  }

  /**
   * ∫ queue dt since the server was added, in request·s. Between two reads, Δarea / Δserved is
   * the mean fluid wait of the requests served in between (Little's law).
   */
  queueArea_request_s(id: number): number {
    this.check(id);
    return this.state[id * STRIDE + QUEUE_AREA];
  }

  /** Requests in the pod now: waiting plus in service (serving rate × service time). */
  inFlight_requests(id: number): number {
    this.check(id);
    return serverInFlight_requests(this.state, id * STRIDE);
  }

  /**
   * Seconds from the server's last advance until its working set, rounded to whole bytes as the
   * kubelet reads it, first exceeds `limit_bytes`, if from then on it gets `rate_rps` and its
   * present CPU cap: 0 when it does at once, Infinity when it never will. The working set is
   * baseline + per-request bytes × (queue + serving rate × service time); the queue grows
   * linearly while arrivals outpace service (up to the queue's capacity) and shrinks otherwise,
   * so the crossing is either at once, at one point of that growth, or never.
   */
  memoryLimitCrossing_s(id: number, rate_rps: number, limit_bytes: number): number {
    this.check(id);
    const st = this.state;
    const b = id * STRIDE;
    // Math.round(x) > limit exactly when x >= floor(limit) + 0.5.
    const needed_bytes = Math.floor(limit_bytes) + 0.5;
    const pb = paramsOf(b);
    const perRequest_bytes = this.params[pb + MEM_PER_REQ];
    const base_bytes = this.params[pb + MEM_BASE];
    if (perRequest_bytes === 0) return base_bytes >= needed_bytes ? 0 : Infinity;
    const mu = st[b + CAP] / st[b + COST];
    const s = serviceTime_s(st[b + COST], st[b + CAP], st[b + PER_REQUEST]);
    const q0 = st[b + QUEUE];
    const neededInFlight = (needed_bytes - base_bytes) / perRequest_bytes;
    if (rate_rps <= mu) {
      // The queue only shrinks: the most in flight is right after the advance.
      const serving = q0 > 0 ? mu : rate_rps;
      return q0 + (serving === 0 ? 0 : serving * s) >= neededInFlight ? 0 : Infinity;
    }
    const neededQueue = neededInFlight - (mu === 0 ? 0 : mu * s);
    if (neededQueue <= q0) return 0;
    if (neededQueue > st[b + QUEUE_CAP]) return Infinity;
    return (neededQueue - q0) / (rate_rps - mu);
  }

  /** Working set now: baseline + per in-flight request. */
  memory_bytes(id: number): number {
    this.check(id);
    return serverMemory_bytes(this.state, id * STRIDE);
  }

  /**
   * The response time of a request arriving now (as of the last advance), as a component of a
   * Service's latency mixture (response-time.ts), written into `out` (weight 0: the caller
   * weighs it by the pod's traffic):
   * - a deterministic wait: the fluid queue's q/μ, exact when the pod is overloaded;
   * - a random wait: the PSFFA mean wait (service-time.ts meanWait_s) beyond the fluid part,
   *   met with probability r (the PSFFA utilization), then a shifted exponential with M/G/1's
   *   first two moments at r (waitTailShare);
   * - its own service time: the work at up to `perRequestCpu` (one core), in CFS quota periods
   *   when the pod's cap is below that.
   * The waits are a single server's at rate μ = cap/cost, so a multi-core pod's wait is somewhat
   * overestimated (M/M/c waits less).
   */
  latency(id: number, out: PodLatency): PodLatency {
    this.check(id);
    const st = this.state;
    const b = id * STRIDE;
    const pm = this.params;
    const pb = id * PARAM_STRIDE;
    const cost = st[b + COST];
    const cap = st[b + CAP];
    const perRequest = st[b + PER_REQUEST];
    const mu = cap / cost;
    const q = st[b + QUEUE];
    const distribution = DISTRIBUTION_OF_CODE[pm[pb + DISTRIBUTION]];
    let fluid_s = q === 0 ? 0 : q / mu; // μ = 0 with a queue: Infinity, as it should be
    let random_s = 0;
    let r = 0;
    if (mu < Infinity) {
      r = this.utilizationState(b);
      // No admitted request waits behind more than a full queue (Q/μ).
      const wait_s = Math.min(meanWait_s(r, mu, pm[pb + VARIABILITY]), st[b + QUEUE_CAP] / mu);
      random_s = wait_s > fluid_s ? wait_s - fluid_s : 0;
      if (random_s === Infinity) {
        // No CPU: nothing arriving now is ever served.
        fluid_s = Infinity;
        random_s = 0;
      }
    }
    // A request waits with probability r, then a shifted exponential with mean random_s / r.
    const waiting = random_s > 0 && r > 0;
    const conditional_ms = waiting ? (random_s / r) * 1000 : 0;
    const tailShare = waiting ? waitTailShare(r, pm[pb + VARIABILITY], pm[pb + THIRD_MOMENT]) : 0;
    out.weight = 0;
    out.shift_ms = fluid_s * 1000;
    out.waitProbability = waiting ? r : 0;
    out.waitShift_ms = conditional_ms * (1 - tailShare);
    out.waitTail_ms = conditional_ms * tailShare;
    out.distribution = distribution;
    out.cv = pm[pb + CV];
    out.work_ms = (cost / perRequest) * 1000;
    const period_ms = pm[pb + CFS_PERIOD];
    out.quota_ms = cap >= perRequest ? Infinity : (period_ms * cap) / perRequest;
    out.period_ms = period_ms;
    return out;
  }

  /** Mean response time of a request arriving now, ms (see `latency`). */
  meanResponseTime_ms(id: number): number {
    return componentMean_ms(this.latency(id, scratchLatency()));
  }

  /** p95 response time of a request arriving now, ms (see `latency`). */
  p95ResponseTime_ms(id: number): number {
    const c = this.latency(id, scratchLatency());
    c.weight = 1;
    return componentsQuantile_ms([c], 0.95);
  }
}

/** A blank latency component for `PodServerPool.latency` to fill. */
export function scratchLatency(): PodLatency {
  return { weight: 0, shift_ms: 0, waitProbability: 0, waitShift_ms: 0, waitTail_ms: 0, distribution: "exponential", cv: 1, work_ms: 0, quota_ms: Infinity, period_ms: DEFAULT_CFS_PERIOD_MS };
}

/** One pod's fluid server: the pool's model over a pool of one. */
export class PodServer {
  private readonly pool = new PodServerPool(1);
  private readonly id: number;

  constructor(params: PodServerParams) {
    this.id = this.pool.add(params);
  }

  advance(dt_ms: number, rate_rps: number): void {
    this.pool.advance(this.id, dt_ms, rate_rps);
  }
  setCpuCap(cap_mcores: number): void {
    this.pool.setCpuCap(this.id, cap_mcores);
  }
  setQueueCapacity(queueCapacity_requests: number): void {
    this.pool.setQueueCapacity(this.id, queueCapacity_requests);
  }
  get serviceRate_rps(): number {
    return this.pool.serviceRate_rps(this.id);
  }
  get utilization(): number {
    return this.pool.utilization(this.id);
  }
  get queue_requests(): number {
    return this.pool.queue_requests(this.id);
  }
  get offered_requests(): number {
    return this.pool.offered_requests(this.id);
  }
  get served_requests(): number {
    return this.pool.served_requests(this.id);
  }
  get dropped_requests(): number {
    return this.pool.dropped_requests(this.id);
  }
  get cpuUsed_mcore_ms(): number {
    return this.pool.cpuUsed_mcore_ms(this.id);
  }
  get queueArea_request_s(): number {
    return this.pool.queueArea_request_s(this.id);
  }
  get inFlight_requests(): number {
    return this.pool.inFlight_requests(this.id);
  }
  get memory_bytes(): number {
    return this.pool.memory_bytes(this.id);
  }
  get meanResponseTime_ms(): number {
    return this.pool.meanResponseTime_ms(this.id);
  }
  get p95ResponseTime_ms(): number {
    return this.pool.p95ResponseTime_ms(this.id);
  }
}
