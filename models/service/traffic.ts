/**
 * Services and the traffic they carry. A Service's endpoints are the pods matching its selector
 * that are Running, Ready and not terminating (the EndpointSlice controller's "ready" endpoints,
 * pkg/controller/endpointslice; kube-proxy routes only to those). Changes reach the data path
 * `endpointsDelay_ms` after the pod changed (endpoint controller + kube-proxy programming).
 *
 * Each Service with a load profile offers requests at the profile's rate, spread over its
 * endpoints:
 * - `fluid` arrivals: the rate itself, changing only when the profile or the endpoints change
 *   (one event per change; the pods integrate exactly in between). Round-robin and random
 *   spreading both give every endpoint an equal share in expectation, which is what a fluid
 *   model carries.
 * - `poisson` arrivals: every `interval_ms` a Poisson count of arrivals (mean = the profile's
 *   integral over the interval) is spread over the endpoints: evenly for round-robin (the
 *   remainder rotating), independently at random for `random`; each pod then sees its count
 *   as a constant rate over the interval.
 * - `requests` arrivals: every request an event, the Poisson process of the profile's rate drawn
 *   on the Service's stream `arrivals/<ns>/<name>` (load-profiles.ts nextPoissonArrival_ms),
 *   each sent to one ready endpoint (round-robin: the next in turn; random: uniform on the
 *   Service's stream) whose pod serves it with a per-request server (FIFO under its CFS quota:
 *   models/workload/request-server.ts); the runtime gives such a pod that server when it starts.
 *   Latency is then read from the response times of the requests completed in the reader's
 *   window (response-log.ts), not estimated. Each endpoint's share of the rate is still handed
 *   to its pod, as the demand the node's CPU sharing sees.
 * Requests offered while a Service has no endpoints are dropped (connection refused).
 *
 * A `users` profile is a closed population (Locust): each user waits for its response before
 * thinking and sending the next, so the Service re-reads its rate every `interval_ms` from its
 * endpoints' simulated mean response time (UsersProfile.closedLoopRate_rps).
 */
import type { ScheduledEvent, Simulation } from "../../engine/index.js";
import type { RandomStream } from "../../engine/rng.js";
import type { EventLog } from "../cluster/events.js";
import { selectPodsBySet } from "../cluster/pod-index.js";
import { setSelectorMatches } from "../cluster/labels.js";
import type { ClusterStore, WatchEventType } from "../cluster/store.js";
import { WorkQueue } from "../cluster/workqueue.js";
import type { Labels, Pod, Service } from "../cluster/types.js";
import type { PodRuntime } from "../kubelet/container-runtime.js";
import { handleIndex, PodHandle } from "../kubelet/pod-handles.js";
import { isPodServing } from "../kubelet/pod-status.js";
import { integrateRate, nextPoissonArrival_ms, UsersProfile, type LoadProfile } from "../workload/load-profiles.js";
import type { AppProfile, ServiceCall } from "../workload/app-profile.js";
import { componentMean_ms, componentsQuantiles_ms, mixtureComponents, type PodLatency } from "../workload/response-time.js";
import { scratchLatency } from "../workload/pod-server.js";
import { sameElements } from "../../engine/arrays.js";
import { ResponseLog } from "./response-log.js";
import { TrafficTotals } from "./traffic-totals.js";

/** How a Service's load reaches its pods (see the header). */
export type Arrivals = "fluid" | "poisson" | "requests";

export interface TrafficSource {
  namespace: string;
  service: string;
  profile: LoadProfile;
  arrivals: Arrivals;
  /** Poisson arrivals: how often counts are drawn. */
  interval_ms: number;
  spread: "round-robin" | "random";
}

export interface TrafficConfig {
  endpointsDelay_ms: number;
}

export const DEFAULT_TRAFFIC_CONFIG: Readonly<TrafficConfig> = Object.freeze({ endpointsDelay_ms: 0 });

/** One Service's live state. `index` is its slot in the traffic totals (traffic-totals.ts). */
export interface ServiceState {
  index: number;
  key: string;
  namespace: string;
  name: string;
  service: Service | null;
  source: TrafficSource | null;
  endpoints: Pod[];
  /**
   * Each endpoint's running pod as last found: its handle (pod-handles.ts; 0 = not found yet),
   * checked before use, whose index is the pod's runtime slot.
   */
  endpointHandles: Float64Array;
  /** Offered rate now (requests/s): its own load's plus what its callers send it. */
  rate_rps: number;
  /** Its own load profile's rate now (0 without one). */
  ownRate_rps: number;
  /** What each calling Service sends it now (their rate × calls per request), requests/s. */
  incoming: Map<ServiceState, number>;
  /** The calls its pods' app makes per request, as last seen on a running endpoint. */
  calls: readonly ServiceCall[];
  /** Requests dropped for want of endpoints, integrated up to `noEndpoints_ms`. */
  droppedNoEndpoints: number;
  offeredNoEndpoints: number;
  noEndpoints_ms: number;
  rng: RandomStream;
  rotation: number;
  /** `requests` arrivals: the process's stream, its next arrival (exact ms; Infinity: none) and the event that delivers it. */
  arrivalStream: RandomStream | null;
  nextArrival_ms: number;
  arrivalEvent: ScheduledEvent | null;
  /** `requests` arrivals: the latest arrival (offered, whatever became of it), ms. */
  lastArrival_ms: number;
  /** `requests` arrivals: the response times of its requests as its pods complete them. */
  responses: ResponseLog | null;
}

/** How many Services deep calls are followed (a cycle of calls is cut there). */
const MAX_CALL_DEPTH = 32;

/**
 * The longest window a reader asks for a requests-mode Service's latency over, until told
 * (`keepResponsesFor`): the simulator says its sample interval or Prometheus' scrape interval.
 */
const DEFAULT_RESPONSE_WINDOW_MS = 60_000;
const LATENCY_QUANTILES: readonly number[] = [0.5, 0.95];

export class ServiceTraffic {
  private readonly services = new Map<string, ServiceState>();
  private readonly ordered: ServiceState[] = [];
  /**
   * Services with a selector, by namespace, then by one label their selector requires
   * ("key\0value" of its first pair; "" for an empty selector, which matches every pod), in
   * `ordered` order: a pod event looks only at the Services listed under its own labels, not
   * at every Service. Rebuilt after any Service change (null until then).
   */
  private selectorIndex: Map<string, Map<string, ServiceState[]>> | null = null;
  /** What each pod's endpoints depend on, as the last event of it showed (podEndpointsChanged). */
  private readonly podLastSeen = new Map<Pod, { serving: boolean; labels: Labels }>();
  /** The Services each pod is an endpoint of. */
  private readonly endpointOf = new Map<Pod, ServiceState[]>();
  /** Scratch for `servicesOfPod`. */
  private readonly podServices: ServiceState[] = [];
  private readonly endpointQueue: WorkQueue;
  /** See DEFAULT_RESPONSE_WINDOW_MS. */
  private responseWindow_ms = DEFAULT_RESPONSE_WINDOW_MS;
  /** Scratch for `latency`: the endpoints' components, and the list of those with traffic. */
  private readonly latencyScratch: PodLatency[] = [];
  private readonly latencyPods: PodLatency[] = [];
  /** Scratch for `latency`: the mixture's components (mixtureComponents reuses its objects). */
  private readonly latencyComponents: PodLatency[] = [];
  /** Scratch for a window's quantiles. */
  private readonly quantiles: number[] = [NaN, NaN];
  /**
   * Told of every request a Service with `requests` arrivals completes, with its arrival and
   * completion time (s) and so its response time: the raw data behind its latency outputs, for
   * an analysis of one's own (arrival-indexed latency, a histogram) and for the tests.
   */
  onResponse: ((state: ServiceState, arrival_s: number, completion_s: number) => void) | null = null;
  /** Services already warned of an endpoint that cannot take per-request arrivals. */
  private readonly warnedFluidEndpoint = new Set<ServiceState>();
  /** Each Service's requests at its endpoints, counted by the runtime as it integrates the pods. */
  private readonly counts = new TrafficTotals();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly runtime: PodRuntime,
    private readonly events: EventLog,
    sources: readonly TrafficSource[],
    private readonly config: Readonly<TrafficConfig> = DEFAULT_TRAFFIC_CONFIG,
  ) {
    this.endpointQueue = new WorkQueue(sim, (key, now_ms) => this.syncEndpoints(key, now_ms));
    runtime.countTrafficIn(this.counts);
    for (const source of sources) {
      const state = this.state(source.namespace, source.service);
      if (state.source) throw new RangeError(`two load profiles for Service ${state.key}`);
      state.source = source;
    }
    store.watch<Service>("Service", (type, service) => {
      const state = this.state(service.metadata.namespace, service.metadata.name);
      state.service = type === "DELETED" ? null : service;
      this.selectorIndex = null; // a selector may have changed
      this.endpointQueue.add(state.key, this.config.endpointsDelay_ms);
    });
    store.watch<Pod>("Pod", (type, pod) => {
      if (!this.podEndpointsChanged(type, pod)) return;
      // The Services whose selector matches the pod, and those it is an endpoint of (a pod
      // leaving the selector must leave the endpoints too), in `ordered` order.
      for (const state of this.servicesOfPod(pod)) this.endpointQueue.add(state.key, this.config.endpointsDelay_ms);
    });
    if (this.ordered.some((s) => s.source?.arrivals === "requests")) {
      runtime.serveRequestsFor(
        (pod) => this.servicesOfPod(pod).some((s) => s.source?.arrivals === "requests"),
        (pod) => sim.rng.stream(`requests/${pod.metadata.namespace}/${pod.metadata.name}`),
        (service, arrival_s, completion_s) => {
          const state = this.ordered[service];
          state.responses?.record(completion_s, completion_s - arrival_s);
          if (this.onResponse !== null) this.onResponse(state, arrival_s, completion_s);
        },
      );
    }
    for (const state of this.ordered) {
      if (!state.source) continue;
      if (state.source.arrivals === "requests") {
        // The scenario loader refuses it with the file and line; this guards the library API.
        if (state.source.profile instanceof UsersProfile) throw new RangeError(`Service ${state.key}: arrivals "requests" cannot take a users profile (a closed loop is simulated from the mean response time): use "fluid"`);
        state.arrivalStream = sim.rng.stream(`arrivals/${state.key}`);
        state.responses = new ResponseLog(this.responseWindow_ms / 1000);
        // The profile's changes still set the rate each endpoint is expected to get (its demand).
        this.sim.schedule(0, (now_ms) => this.onProfileChange(state, now_ms));
        this.sim.schedule(0, (now_ms) => this.drawArrival(state, now_ms, now_ms));
      } else if (state.source.arrivals === "poisson") {
        this.sim.every(state.source.interval_ms, (now_ms) => this.apply(state, now_ms), { phase_ms: 0 });
      } else {
        this.sim.schedule(0, (now_ms) => this.onProfileChange(state, now_ms));
        // A closed user population re-reads its rate from the response time every interval.
        if (state.source.profile instanceof UsersProfile) this.sim.every(state.source.interval_ms, (now_ms) => this.apply(state, now_ms), { phase_ms: 0 });
      }
    }
  }

  /** Services in the order they were first seen (stable: their index in traffic totals). */
  all(): readonly ServiceState[] {
    return this.ordered;
  }

  get(namespace: string, name: string): ServiceState | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  /**
   * Requests offered, served and dropped so far. Counters of the pods are as of their last
   * advance: call `runtime.advanceAll(now_ms)` first for exact counts.
   */
  requestCounts(state: ServiceState, now_ms: number): { offered: number; served: number; dropped: number } {
    this.integrateNoEndpoints(state, now_ms);
    return {
      offered: this.counts.offered_requests(state.index) + state.offeredNoEndpoints,
      served: this.counts.served_requests(state.index),
      dropped: this.counts.dropped_requests(state.index) + state.droppedNoEndpoints,
    };
  }

  /**
   * `requestCounts`, and the requests still queued at its endpoints (a walk over them: the
   * sampler, which reads every Service every minute, asks only for the counts).
   */
  totals(state: ServiceState, now_ms: number): { offered: number; served: number; dropped: number; queued: number } {
    const counts = this.requestCounts(state, now_ms);
    let queued = 0;
    for (let i = 0; i < state.endpoints.length; i++) {
      const slot = this.endpointSlot(state, i);
      if (slot >= 0) queued += this.runtime.serverOf(slot).queue_requests(slot);
    }
    return { ...counts, queued };
  }

  /**
   * Response-time p50 and p95 (ms) of requests arriving now, over the Service's endpoints
   * weighted by the traffic each gets; NaN without endpoints or traffic. Call
   * `runtime.advanceAll(now_ms)` first so queues are current. With `requests` arrivals, those of
   * the requests completed after `since_ms` (by default the longest window kept) up to now,
   * NaN when none was offered in that window or none completed.
   */
  latency(state: ServiceState, since_ms?: number): { p50_ms: number; p95_ms: number } {
    if (state.responses !== null) return this.measuredLatency(state, since_ms ?? this.sim.now_ms - this.responseWindow_ms);
    // Every endpoint's component is filled into this object's own scratch (mixtureComponents
    // copies what it keeps): the sampler asks every Service each interval. The list is filled by
    // index and cut to length at the end: emptying it first (length 0) drops its storage, which
    // every call then grew again, element by element.
    const pods = this.latencyPods;
    let count = 0;
    const pool = this.runtime.pool;
    const downstream_ms = this.downstream_ms(state, 0);
    for (let i = 0; i < state.endpoints.length; i++) {
      const slot = this.endpointSlot(state, i);
      // A per-request pod has no fluid estimate (only behind a Service the loader lets through).
      if (slot < 0 || this.runtime.isPerRequest(slot)) continue;
      const rate_rps = this.runtime.arrivalRate_rps(slot);
      if (rate_rps <= 0) continue;
      if (this.latencyScratch.length === count) this.latencyScratch.push(scratchLatency());
      const component = pool.latency(slot, this.latencyScratch[count]);
      component.weight = rate_rps;
      component.shift_ms += downstream_ms;
      pods[count++] = component;
    }
    pods.length = count;
    const q = componentsQuantiles_ms(mixtureComponents(pods, this.latencyComponents), LATENCY_QUANTILES, this.quantiles);
    return { p50_ms: q[0], p95_ms: q[1] };
  }

  /**
   * Tells the Services with `requests` arrivals the longest window (ms, up to the present) that
   * any reader will ask their latency over: they keep their requests' response times that long.
   */
  keepResponsesFor(window_ms: number): void {
    this.responseWindow_ms = window_ms;
    for (const state of this.ordered) if (state.responses !== null) state.responses.keep_s = window_ms / 1000;
  }

  /** `latency` of a requests-mode Service: the quantiles of what completed in (since_ms, now]. */
  private measuredLatency(state: ServiceState, since_ms: number): { p50_ms: number; p95_ms: number } {
    const now_ms = this.sim.now_ms;
    const log = state.responses!;
    log.forget((now_ms - this.responseWindow_ms) / 1000);
    // Reported only where traffic was offered, as the fluid estimate is.
    if (!(state.lastArrival_ms > since_ms)) return { p50_ms: NaN, p95_ms: NaN };
    const q = this.quantiles;
    log.quantiles(since_ms / 1000, now_ms / 1000, LATENCY_QUANTILES, q);
    return { p50_ms: q[0] * 1000, p95_ms: q[1] * 1000 };
  }

  /**
   * Mean response time (s) of a request the Service's endpoints get now, averaged over them with
   * equal weights (the share round-robin and random spreading give each); 0 without endpoints
   * (the connection is refused at once). Advances the pods to now first.
   */
  private meanResponseTime_s(state: ServiceState, now_ms: number): number {
    this.runtime.advanceAll(now_ms);
    return this.meanResponse_ms(state, 0) / 1000;
  }

  /** `meanResponseTime_s` as of the pods' last advance, ms, with the calls the Service makes. */
  private meanResponse_ms(state: ServiceState, depth: number): number {
    const pool = this.runtime.pool;
    const component = scratchLatency();
    let sum_ms = 0;
    let n = 0;
    for (let i = 0; i < state.endpoints.length; i++) {
      const slot = this.endpointSlot(state, i);
      if (slot < 0 || this.runtime.isPerRequest(slot)) continue;
      sum_ms += componentMean_ms(pool.latency(slot, component));
      n++;
    }
    return n === 0 ? 0 : sum_ms / n + this.downstream_ms(state, depth);
  }

  /**
   * What a request waits for the Services its app calls, ms: calls per request × each callee's
   * mean response time, one after another (synchronous calls), with their own calls in turn.
   */
  private downstream_ms(state: ServiceState, depth: number): number {
    if (depth >= MAX_CALL_DEPTH) return 0;
    let wait_ms = 0;
    for (const call of state.calls) {
      const callee = this.get(call.namespace, call.service);
      if (callee !== undefined) wait_ms += call.perRequest * this.meanResponse_ms(callee, depth + 1);
    }
    return wait_ms;
  }

  /** Whether the Service carries traffic: its own load, or calls from other Services. */
  isLoaded(state: ServiceState): boolean {
    return state.source !== null || state.incoming.size > 0;
  }

  /**
   * Re-reads a fluid source's rate now, for a profile whose rate changed without its
   * nextChangeAfter announcing it (an Ingress's canary weight: models/ingress/router.ts).
   * Poisson sources read the profile at their next interval anyway.
   */
  reapply(namespace: string, name: string, now_ms: number): void {
    const state = this.get(namespace, name);
    if (state?.source?.arrivals === "fluid") this.apply(state, now_ms);
    if (state?.source?.arrivals === "requests") {
      this.apply(state, now_ms);
      // The pending arrival was drawn at the old rate; by memorylessness one drawn afresh from
      // now is the process at the new rate (one due within this millisecond stands).
      if (state.nextArrival_ms > now_ms) {
        if (state.arrivalEvent !== null) this.sim.cancel(state.arrivalEvent);
        state.arrivalEvent = null;
        this.drawArrival(state, now_ms, now_ms);
      }
    }
  }

  private state(namespace: string, name: string): ServiceState {
    const key = `${namespace}/${name}`;
    let state = this.services.get(key);
    if (!state) {
      state = {
        index: this.ordered.length, key, namespace, name, service: null, source: null,
        endpoints: [], endpointHandles: new Float64Array(0),
        rate_rps: 0, ownRate_rps: 0, incoming: new Map(), calls: [], droppedNoEndpoints: 0, offeredNoEndpoints: 0, noEndpoints_ms: this.sim.now_ms,
        rng: this.sim.rng.stream(`service/${key}`), rotation: 0,
        arrivalStream: null, nextArrival_ms: Infinity, arrivalEvent: null, lastArrival_ms: -Infinity, responses: null,
      };
      this.services.set(key, state);
      this.ordered.push(state);
    }
    return state;
  }

  private syncEndpoints(key: string, now_ms: number): void {
    const state = this.services.get(key)!;
    const before = state.endpoints;
    const selector = state.service?.spec.selector;
    const after = selector && Object.keys(selector).length > 0
      ? selectPodsBySet(this.store, state.namespace, selector).filter(isPodServing)
      : [];
    if (sameElements(before, after)) return;
    this.integrateNoEndpoints(state, now_ms);
    const kept = new Set(after);
    for (const pod of before) {
      if (kept.has(pod)) continue;
      this.runtime.setArrivalRate(pod.metadata.uid, 0, state.index, now_ms);
      const of = this.endpointOf.get(pod)!;
      of.splice(of.indexOf(state), 1);
      if (of.length === 0) this.endpointOf.delete(pod);
    }
    const had = new Set(before);
    for (const pod of after) {
      if (had.has(pod)) continue;
      const of = this.endpointOf.get(pod);
      if (of === undefined) this.endpointOf.set(pod, [state]);
      else of.push(state);
    }
    state.endpoints = after;
    state.endpointHandles = new Float64Array(after.length);
    if (state.source && after.length === 0 && before.length > 0) {
      this.events.emit(now_ms, "endpoint-controller", "Service", state.name, "Warning", "NoEndpoints",
        `Service ${state.key} has no ready endpoints: its traffic is dropped`);
    }
    if ((state.source?.arrivals ?? "fluid") !== "poisson") this.spread(state, now_ms);
    this.propagateCalls(state, now_ms, 0);
  }

  /**
   * endpointslice/util/controller_utils.go GetPodUpdateProjectionKey / podEndpointsChanged: an
   * update concerns the endpoints only when it changed the pod's labels (which Services select
   * it) or what decides whether it is an endpoint. Upstream compares the deletion timestamp,
   * readiness and pod IPs; here an endpoint is a serving pod (isPodServing: Running, Ready, not
   * terminating; Running stands for having an IP), so the inputs are its labels and that bit.
   * Creates and deletes always concern them. Without this filter every status write of every
   * pod (scheduled, started, each probe) re-listed its Services' pods, and, with an endpoints
   * delay, an unrelated write would bring forward a change made after it.
   */
  private podEndpointsChanged(type: WatchEventType, pod: Pod): boolean {
    if (type === "DELETED") {
      this.podLastSeen.delete(pod);
      return true;
    }
    const serving = isPodServing(pod);
    const labels = pod.metadata.labels;
    const seen = this.podLastSeen.get(pod);
    if (type === "MODIFIED" && seen !== undefined && seen.serving === serving && sameLabels(seen.labels, labels)) return false;
    // Labels are copied: a writer may change the pod's label map in place.
    this.podLastSeen.set(pod, { serving, labels: { ...labels } });
    return true;
  }

  /**
   * The Services a pod event concerns, in `ordered` order: those in its namespace whose selector
   * matches its labels, and those it is an endpoint of. The returned list is reused.
   */
  private servicesOfPod(pod: Pod): readonly ServiceState[] {
    const found = this.podServices;
    found.length = 0;
    const byLabel = this.indexOfSelectors().get(pod.metadata.namespace);
    if (byLabel !== undefined) {
      const labels = pod.metadata.labels;
      pushMatching(found, byLabel.get(""), labels);
      for (const key of Object.keys(labels)) pushMatching(found, byLabel.get(`${key}\u0000${labels[key]}`), labels);
    }
    const of = this.endpointOf.get(pod);
    if (of !== undefined) for (const state of of) if (state.namespace === pod.metadata.namespace && state.service?.spec.selector) found.push(state);
    if (found.length > 1) {
      found.sort((a, b) => a.index - b.index);
      let n = 1;
      for (let i = 1; i < found.length; i++) if (found[i] !== found[n - 1]) found[n++] = found[i];
      found.length = n;
    }
    return found;
  }

  private indexOfSelectors(): Map<string, Map<string, ServiceState[]>> {
    if (this.selectorIndex !== null) return this.selectorIndex;
    const index = new Map<string, Map<string, ServiceState[]>>();
    for (const state of this.ordered) {
      const selector = state.service?.spec.selector;
      if (!selector) continue;
      const first = Object.keys(selector)[0];
      const label = first === undefined ? "" : `${first}\u0000${selector[first]}`;
      let byLabel = index.get(state.namespace);
      if (byLabel === undefined) index.set(state.namespace, (byLabel = new Map()));
      const listed = byLabel.get(label);
      if (listed === undefined) byLabel.set(label, [state]);
      else listed.push(state);
    }
    this.selectorIndex = index;
    return index;
  }

  private onProfileChange(state: ServiceState, now_ms: number): void {
    this.apply(state, now_ms);
    const next_ms = state.source!.profile.nextChangeAfter(now_ms);
    if (Number.isFinite(next_ms)) this.sim.scheduleAt(Math.ceil(next_ms), (t) => this.onProfileChange(state, t));
  }

  /** Takes the profile's rate at `now_ms` (fluid) or draws this interval's arrivals (poisson). */
  private apply(state: ServiceState, now_ms: number): void {
    const source = state.source!;
    const rate_rps = source.profile instanceof UsersProfile
      ? source.profile.closedLoopRate_rps(now_ms, this.meanResponseTime_s(state, now_ms))
      : source.profile.rateAt(now_ms);
    if (!(rate_rps >= 0) || !Number.isFinite(rate_rps)) {
      throw new RangeError(`load profile of Service ${state.key} gave an invalid rate ${rate_rps} at ${now_ms / 1000}s`);
    }
    state.ownRate_rps = rate_rps;
    this.updateRate(state, now_ms, 0);
  }

  /** The Service's rate is its own load's plus its callers'; spread it and pass it on to its callees. */
  private updateRate(state: ServiceState, now_ms: number, depth: number): void {
    this.integrateNoEndpoints(state, now_ms);
    let rate_rps = state.ownRate_rps;
    for (const from of state.incoming.values()) rate_rps += from;
    state.rate_rps = rate_rps;
    this.spread(state, now_ms);
    this.propagateCalls(state, now_ms, depth);
  }

  /**
   * Sends each Service the caller's app calls its share: the caller's rate × calls per request
   * while the caller has endpoints (requests refused at the caller call nothing). A cycle of
   * calls would feed itself: past MAX_CALL_DEPTH Services deep it is reported and cut.
   */
  private propagateCalls(caller: ServiceState, now_ms: number, depth: number): void {
    const app = this.appOfEndpoints(caller);
    if (app !== null) caller.calls = app.calls ?? [];
    for (const call of caller.calls) {
      const callee = this.state(call.namespace, call.service);
      const sends_rps = caller.endpoints.length > 0 ? caller.rate_rps * call.perRequest : 0;
      if (callee.incoming.get(caller) === sends_rps) continue;
      if (depth >= MAX_CALL_DEPTH) {
        this.events.emit(now_ms, "kubesim", "Service", caller.name, "Warning", "CallCycle",
          `calls from Service ${caller.key} go more than ${MAX_CALL_DEPTH} Services deep (a cycle?): not followed further`);
        return;
      }
      callee.incoming.set(caller, sends_rps);
      this.updateRate(callee, now_ms, depth + 1);
    }
  }

  /** The app of the Service's first running endpoint, or null. */
  private appOfEndpoints(state: ServiceState): Readonly<AppProfile> | null {
    for (let i = 0; i < state.endpoints.length; i++) {
      const running = this.runtime.get(state.endpoints[i].metadata.uid);
      if (running !== undefined) return running.app;
    }
    return null;
  }

  /** Divides the current rate over the endpoints and hands each pod its share. */
  private spread(state: ServiceState, now_ms: number): void {
    const source = state.source;
    if (!source && state.incoming.size === 0) return;
    const endpoints = state.endpoints;
    const n = endpoints.length;
    if (n === 0) return;
    if (!source || source.arrivals !== "poisson") {
      // Fluid: the flow itself. Requests: what each endpoint is expected to get (its demand).
      const share = state.rate_rps / n;
      for (let i = 0; i < n; i++) this.setEndpointRate(state, i, share, now_ms);
      return;
    }
    const interval_s = source.interval_ms / 1000;
    const own = source.profile instanceof UsersProfile ? state.ownRate_rps * interval_s : integrateRate(source.profile, now_ms, now_ms + source.interval_ms);
    const mean = own + (state.rate_rps - state.ownRate_rps) * interval_s;
    if (source.spread === "random") {
      for (let i = 0; i < n; i++) this.setEndpointRate(state, i, state.rng.poisson(mean / n) / interval_s, now_ms);
      return;
    }
    const count = state.rng.poisson(mean);
    const base = Math.floor(count / n);
    const extra = count - base * n;
    for (let i = 0; i < n; i++) {
      const gets = base + ((i - state.rotation + n) % n < extra ? 1 : 0);
      this.setEndpointRate(state, i, gets / interval_s, now_ms);
    }
    state.rotation = (state.rotation + extra) % n;
  }

  /**
   * The runtime slot of endpoint i's pod, or -1 when it is not running: from the handle kept
   * from last time while it is current, else looked up by uid. Reading pods' handles instead of
   * their objects keeps a rate change at 5,000 pods off scattered memory.
   */
  private endpointSlot(state: ServiceState, i: number): number {
    const handles = this.runtime.handles;
    let handle = state.endpointHandles[i];
    if (!handles.isCurrent(handle)) {
      handle = this.runtime.handleOf(state.endpoints[i].metadata.uid);
      state.endpointHandles[i] = handle;
      if (handle === PodHandle.None) return -1;
    }
    return handleIndex(handle);
  }

  /** Routes `rate_rps` of the Service's requests to endpoint i's pod (if it runs). */
  private setEndpointRate(state: ServiceState, i: number, rate_rps: number, now_ms: number): void {
    const slot = this.endpointSlot(state, i);
    if (slot >= 0) this.runtime.setSlotArrivalRate(slot, rate_rps, state.index, now_ms);
  }

  /**
   * `requests` arrivals: draws the Service's next arrival after `from_ms` (the last one's exact
   * time) and schedules its event, reusing the event object of the one just delivered.
   */
  private drawArrival(state: ServiceState, from_ms: number, now_ms: number): void {
    const next_ms = nextPoissonArrival_ms(state.source!.profile, from_ms, state.arrivalStream!);
    state.nextArrival_ms = next_ms;
    if (next_ms === Infinity) return;
    // The kernel's clock is in whole ms: the event runs in the millisecond the arrival falls in.
    const at_ms = Math.max(now_ms, Math.ceil(next_ms));
    const event = state.arrivalEvent;
    if (event !== null && !event.queued && !event.cancelled) this.sim.reschedule(event, at_ms);
    else state.arrivalEvent = this.sim.scheduleAt(at_ms, (t) => this.onArrival(state, t));
  }

  /** `requests` arrivals: one request arrives (at its exact time, within this millisecond). */
  private onArrival(state: ServiceState, now_ms: number): void {
    const arrival_ms = state.nextArrival_ms;
    state.lastArrival_ms = arrival_ms;
    this.routeRequest(state, arrival_ms / 1000, now_ms);
    this.drawArrival(state, arrival_ms, now_ms);
  }

  /**
   * Sends one request to an endpoint (round-robin: the next in turn; random: uniform), as
   * kube-proxy picks a backend per connection; refused (dropped) without a ready endpoint, and
   * dropped by the pod when its queue is full.
   */
  private routeRequest(state: ServiceState, arrival_s: number, now_ms: number): void {
    const n = state.endpoints.length;
    let slot = -1;
    if (n > 0) {
      let i: number;
      if (state.source!.spread === "random") i = state.rng.integer(0, n - 1);
      else {
        i = state.rotation % n;
        state.rotation = (i + 1) % n;
      }
      slot = this.endpointSlot(state, i);
      if (slot >= 0 && !this.runtime.isPerRequest(slot)) {
        // Started before any Service with per-request arrivals selected it: it has no queue of
        // requests to join, so the request is refused as by a pod that does not listen.
        if (!this.warnedFluidEndpoint.has(state)) {
          this.warnedFluidEndpoint.add(state);
          this.events.emit(now_ms, "kubesim", "Service", state.name, "Warning", "FluidEndpoint",
            `pod ${state.endpoints[i].metadata.name} of Service ${state.key} was started without a per-request server (its Services had no requests arrivals then): the requests sent to it are dropped`);
        }
        slot = -1;
      }
    }
    if (slot < 0) {
      state.offeredNoEndpoints++;
      state.droppedNoEndpoints++;
      return;
    }
    this.runtime.arriveRequest(slot, arrival_s, state.index, now_ms);
  }

  /** Integrates the traffic dropped while the Service had no endpoints up to `now_ms`. */
  private integrateNoEndpoints(state: ServiceState, now_ms: number): void {
    // Per-request arrivals count each refused request as it comes (routeRequest).
    if (state.responses !== null) return;
    if (state.endpoints.length === 0 && now_ms > state.noEndpoints_ms) {
      const lost = (state.rate_rps * (now_ms - state.noEndpoints_ms)) / 1000;
      state.offeredNoEndpoints += lost;
      state.droppedNoEndpoints += lost;
    }
    state.noEndpoints_ms = now_ms;
  }
}

/** Appends the Services of `listed` whose selector matches `labels`. */
function pushMatching(found: ServiceState[], listed: readonly ServiceState[] | undefined, labels: Labels): void {
  if (listed === undefined) return;
  for (const state of listed) if (setSelectorMatches(state.service!.spec.selector!, labels)) found.push(state);
}

// reflect.DeepEqual of two label maps (values are strings, so a missing key never compares equal).
function sameLabels(a: Labels, b: Labels): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
