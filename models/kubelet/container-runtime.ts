/**
 * The containers' true resource usage: what the cgroups of each node account, and the only place
 * in kubesim that knows it. cAdvisor reads it (on the same node, as the real one reads cgroup
 * files); the Service layer feeds it requests; nothing else looks.
 *
 * Each running pod's app container is a fluid server (models/workload/pod-server.ts) in one
 * shared typed-array pool. Time is integrated lazily and exactly: a pod is advanced only when its
 * rate changes, when it starts or stops, or when cAdvisor samples its node; no per-second ticks.
 * A pod behind a Service with `arrivals: requests` gets a per-request server instead
 * (models/workload/request-server.ts), chosen when it starts (`serveRequestsFor`): the runtime
 * drives both through one interface (models/workload/pod-servers.ts PodServers), so sharing,
 * counters and OOM kills below are the same for both; only arrivals differ (`arriveRequest`).
 *
 * Node CPU is shared by CFS weights (cpu-shares.ts). Each pod has a demand: its limit (its
 * ceiling) while it has a backlog, else min(rate x cost, ceiling). While the node's demands fit
 * in its allocatable CPU every pod may use up to its ceiling, and since it uses no more than its
 * demand, the node is never over-served; a rate change then touches only that pod. When demands
 * exceed the node, every pod on it is advanced and capped by water-filling, so served CPU never
 * exceeds the node or any limit.
 *
 * Memory: an app container is OOM-killed the moment its working set crosses its memory limit,
 * not when someone looks: whenever a pod's course changes (it starts, its arrival rate or CPU
 * cap changes) the runtime works out when its working set would exceed the limit on that course
 * (PodServerPool.memoryLimitCrossing_s) and schedules the kill for then, replacing the earlier
 * one (see `killOnOom`).
 *
 * Approximation: a pod's backlog is observed when it is advanced; a queue that empties between
 * advances keeps the pod's demand at its ceiling until the next one (at most one cAdvisor
 * interval, 10 s). This overestimates demand, so it can only make sharing more conservative.
 *
 * Containers other than the first (sidecars) are given a small constant usage, because
 * metrics-server drops a pod whose any container reports exactly zero CPU or memory.
 */
import type { ScheduledEvent, Simulation } from "../../engine/index.js";
import { resized } from "../../engine/typed-arrays.js";
import type { Pod, ResourceRequirements } from "../cluster/types.js";
import type { RandomStream } from "../../engine/rng.js";
import {
  type PodServerParams, PodServerPool, ServerRow, serverCpuUsed_mcore_ms, serverMemory_bytes, serverQueue_requests, stepSteadyServer,
} from "../workload/pod-server.js";
import { Counts, NO_COUNTS, type PodServers } from "../workload/pod-servers.js";
import { RequestServers, type ServedSink } from "../workload/request-server.js";
import type { AppCatalog, AppProfile } from "../workload/app-profile.js";
import type { ContainerRuntime } from "./kubelet.js";
import { milliCpuToShares, waterFill } from "./cpu-shares.js";
import { handleIndex, PodHandles } from "./pod-handles.js";

const SIDECAR_CPU_MCORES = 1;
const SIDECAR_MEMORY_BYTES = 16 * 1024 * 1024;

/**
 * A pod the runtime runs. Its numbers that the per-node passes read and write are kept in the
 * runtime's slot state instead (see `PodRuntime.slotState`).
 */
export interface RunningPod {
  pod: Pod;
  /** The pod's handle (pod-handles.ts): issued when it starts, retired when it stops. */
  readonly handle: number;
  /** Its pool slot and slot-state block: the handle's index, fixed while the pod runs. */
  readonly slot: number;
  nodeIndex: number;
  app: Readonly<AppProfile>;
  started_ms: number;
  limit_mcores: number;
  weight: number;
  /** The pod's containers, the app container first; all started at `started_ms`. */
  containerNames: readonly string[];
  /** Set when the pod is stopped, so holders of this object can tell without a lookup by uid. */
  stopped: boolean;
}

// Fields of a running pod's slot state, at these offsets in its block of `SLOT_FIELDS` doubles.
// The per-node passes read only these and the pool, never the RunningPod (see NodePods.slots).
/** The arrival rate routed to the pod (see `arrivalRate_rps`). */
const RATE = 0;
/** Current demand for the node's CPU (see the header), mcores. */
const DEMAND = 1;
/** Most CPU the app's requests may use: the limit minus the baseline, mcores. */
const CEILING = 2;
/** The app container's memory limit (Infinity = none). */
const MEMORY_LIMIT = 3;
// The counters cAdvisor reads, as the last `sampleNode` left them (0 before it): the app
// container's cumulative CPU (mcore·ms) and working set, and each sidecar's.
const APP_CPU = 4;
const APP_MEMORY = 5;
const SIDECAR_CPU = 6;
const SIDECAR_MEMORY = 7;
/** Time up to which the pool slot has been integrated. */
const ADVANCED = 8;
/** Which traffic source (Service) the pod's counters roll up into; -1 = none yet. */
const SERVICE = 9;
/** RunningPod.started_ms. */
const STARTED = 10;
/** The app's baseline CPU and CPU per request (RunningPod.app's), mcores and mcore·s. */
const BASELINE_CPU = 11;
const CPU_PER_REQUEST = 12;
/** RunningPod.weight. */
const WEIGHT = 13;
/** How many containers the pod has besides the app container. */
const SIDECARS = 14;
/** When the pod's OOM kill is scheduled (Infinity: none), ms. */
const OOM_AT = 15;
/** 16 fields, a power of two: a pod's block is 128 bytes, not split across more lines than it needs. */
const SLOT_FIELDS = 16;

/**
 * The demand for its node's CPU of the pod whose block in `st` starts at `b`, given its backlog:
 * its ceiling while it has one or its rate asks for more, else what its rate asks for. Bounded by
 * the node's allocatable CPU, so an unlimited pod's demand stays finite in the node's sum.
 */
function demandOf(st: Float64Array, b: number, queue_requests: number, allocatable_mcores: number): number {
  const wanted_mcores = st[b + RATE] * st[b + CPU_PER_REQUEST];
  const ceiling_mcores = Math.min(st[b + CEILING], allocatable_mcores);
  return queue_requests > 0 || wanted_mcores > ceiling_mcores ? ceiling_mcores : wanted_mcores;
}

/** A node's running pods in start order, as `sampleNode` returns them: `pods[i]` runs in pool slot `slots[i]`. */
export interface NodePods {
  readonly pods: readonly RunningPod[];
  /**
   * Each pod's slot, beside the list so that a pass over the node's pods need not read their
   * RunningPod objects: at 5,000 pods those are cache misses, where such passes' time went.
   */
  readonly slots: readonly number[];
  /**
   * Pods started or stopped on the node so far: a reader that keeps something per pod of the
   * node (cAdvisor, which slot holds which sample) need check it again only when this changed.
   */
  readonly changes: number;
}

const NO_PODS: NodePods = Object.freeze({ pods: Object.freeze([]), slots: Object.freeze([]), changes: 0 });

interface NodeSlots extends NodePods {
  name: string;
  /** Its position in `PodRuntime.nodes`. */
  index: number;
  allocatable_mcores: number;
  pods: RunningPod[];
  /** `pods[i].slot`, in start order (indices of the node's handle chunks: see pod-handles.ts). */
  slots: number[];
  /** CPU reserved for baselines and sidecars (always granted). */
  baseline_mcores: number;
  demandSum_mcores: number;
  /** Whether caps currently come from water-filling (demands exceed the node). */
  contended: boolean;
  /** Pods stopped on the node so far. */
  stops: number;
  changes: number;
}

/**
 * Where the runtime counts each pod's traffic as it integrates it: what the pod was offered,
 * served and dropped, added to the totals of the Service with index `s` (the pod's traffic
 * source) at `s * Counts.Fields` of `counts`, by the pod's server as it steps (an array, so
 * that no number is passed to a call V8 may not inline). The Service layer owns the totals
 * (models/service/traffic-totals.ts).
 */
export interface TrafficCounts {
  /** The totals; replaced by `reserve` when it grows. */
  readonly counts: Float64Array;
  /** Makes room in `counts` for Service `service`. */
  reserve(service: number): void;
}

export class PodRuntime implements ContainerRuntime {
  readonly pool = new PodServerPool(256);
  /** Where pods' traffic is counted (`countTrafficIn`); null = not counted. */
  private traffic: TrafficCounts | null = null;
  /** The per-request servers (`serveRequestsFor`); a slot's server is in `pool` or here. */
  readonly requests = new RequestServers((service, arrival_s, completion_s) => this.served(service, arrival_s, completion_s));
  /** 1 where the slot's server is a per-request one. */
  private requestSlots = new Uint8Array(256);
  /** Set by `serveRequestsFor`: which pods get a per-request server, and what they report to. */
  private perRequest: ((pod: Pod) => boolean) | null = null;
  private workStream: ((pod: Pod) => RandomStream) | null = null;
  private onServed: ServedSink | null = null;
  /** Issued as pods start, retired as they stop; a running pod's slot is its handle's index. */
  readonly handles = new PodHandles();
  private readonly nodes: NodeSlots[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly running = new Map<string, RunningPod>();
  /**
   * The running pods' fractional numbers, by slot: `slotState[slot * SLOT_FIELDS + field]`.
   * As fields of RunningPod each would be a separate heap number, and at 5,000 pods the time of
   * the per-node passes goes to cache misses; here a pod's numbers are 128 contiguous bytes, and
   * a node's pods are in the few chunks of slots the handle table gave the node.
   */
  private slotState = new Float64Array(256 * SLOT_FIELDS);
  /**
   * One array per distinct list of container names: pods of one template share it, so readers
   * of many pods' names (cAdvisor, metrics-server) keep a handful of arrays in cache, not one
   * per pod.
   */
  private readonly nameLists = new Map<string, readonly string[]>();
  /** The node (by node index) of the pod in each slot. */
  private nodeOfSlot = new Int32Array(256);
  // Scratch for water-filling, reused.
  private readonly demand: number[] = [];
  private readonly weight: number[] = [];
  private readonly allocation: number[] = [];
  private readonly order: number[] = [];
  /** countThrottled's running sum, pod·s. */
  private throttled_s = 0;
  /** ∫ running pods dt, in pod·ms, up to `podTime_ms` (for pod-hours). */
  private podTimeIntegral_pod_ms = 0;
  private podTime_ms = 0;
  /** Set by `killOnOom`: the kernel the kills are scheduled on, and who kills. */
  private oomClock: Pick<Simulation, "scheduleAt" | "cancel"> | null = null;
  private onOomKill: ((pod: Pod, containerName: string, now_ms: number) => void) | null = null;
  /** Each slot's scheduled OOM kill, if any. */
  private readonly oomKills: (ScheduledEvent | null)[] = [];

  constructor(private readonly apps: AppCatalog) {}

  /** Registers a node (its allocatable CPU is what its pods share). */
  addNode(name: string, allocatable_mcores: number): void {
    if (this.nodeIndex.has(name)) return;
    this.nodeIndex.set(name, this.nodes.length);
    this.nodes.push({ name, index: this.nodes.length, allocatable_mcores, pods: [], slots: [], baseline_mcores: 0, demandSum_mcores: 0, contended: false, stops: 0, changes: 0 });
  }

  /**
   * From now on, calls `onOomKill` (the kubelet) at the moment a pod's app container's working
   * set exceeds its memory limit, on events scheduled on `clock`. Without it nothing is killed.
   */
  killOnOom(clock: Pick<Simulation, "scheduleAt" | "cancel">, onOomKill: (pod: Pod, containerName: string, now_ms: number) => void): void {
    this.oomClock = clock;
    this.onOomKill = onOomKill;
  }

  /**
   * From now on a pod for which `perRequest` holds (it is behind a Service with `arrivals:
   * requests`) gets a per-request server, drawing its requests' work from `workStream(pod)`;
   * every request such a pod completes is reported to `onServed` (the Service's latency).
   */
  serveRequestsFor(perRequest: (pod: Pod) => boolean, workStream: (pod: Pod) => RandomStream, onServed: ServedSink): void {
    this.perRequest = perRequest;
    this.workStream = workStream;
    this.onServed = onServed;
  }

  /** From now on, what each pod behind a Service is offered, served and dropped is added to `counts`. */
  countTrafficIn(counts: TrafficCounts): void {
    this.traffic = counts;
  }

  /** The server of the pod in `slot` (a running pod's): fluid or per-request. */
  serverOf(slot: number): PodServers {
    return this.requestSlots[slot] === 1 ? this.requests : this.pool;
  }

  /** Whether the pod in `slot` has a per-request server. */
  isPerRequest(slot: number): boolean {
    return this.requestSlots[slot] === 1;
  }

  /** Counts requests' outcomes outside a step (single requests, a stopped pod's queue) for Service `service`. */
  private countOutcome(service: number, offered: number, served: number, dropped: number): void {
    if (this.traffic === null) return;
    this.traffic.reserve(service);
    const counts = this.traffic.counts;
    const at = service * Counts.Fields;
    counts[at + Counts.Offered] += offered;
    counts[at + Counts.Served] += served;
    counts[at + Counts.Dropped] += dropped;
  }

  /** A per-request pod completed a request: counted as served for its Service, and reported. */
  private served(service: number, arrival_s: number, completion_s: number): void {
    if (service < 0) return;
    this.countOutcome(service, 0, 1, 0);
    this.onServed?.(service, arrival_s, completion_s);
  }

  get runningPods(): number {
    return this.running.size;
  }

  /** Pod-hours of running pods up to `now_ms` (what a pay-per-pod platform would bill). */
  podHours(now_ms: number): number {
    this.accumulatePodTime(now_ms);
    return this.podTimeIntegral_pod_ms / 3_600_000;
  }

  private accumulatePodTime(now_ms: number): void {
    this.podTimeIntegral_pod_ms += this.running.size * (now_ms - this.podTime_ms);
    this.podTime_ms = now_ms;
  }

  get(uid: string): RunningPod | undefined {
    return this.running.get(uid);
  }

  /** Pods running on a node, in start order, with their slots (the runtime's own lists: read them at once). */
  nodePods(name: string): NodePods {
    const i = this.nodeIndex.get(name);
    return i === undefined ? NO_PODS : this.nodes[i];
  }

  private internNames(names: string[]): readonly string[] {
    const key = names.join("\u0000");
    let shared = this.nameLists.get(key);
    if (shared === undefined) {
      // Read-only by type, not frozen: V8's optimized code reads a frozen array's elements
      // through a generic call at sites that also see other arrays (metrics-server's store of
      // every pod did, twice per pod).
      shared = names;
      this.nameLists.set(key, shared);
    }
    return shared;
  }

  /**
   * How many pods have stopped on a node so far (0 for an unknown node): a reader that kept
   * RunningPods of the node need look for stopped ones only when this changed.
   */
  podsStoppedOnNode(name: string): number {
    const i = this.nodeIndex.get(name);
    return i === undefined ? 0 : this.nodes[i].stops;
  }

  /**
   * Starts a pod on a node (no-op for a pod already running); returns its handle. `resources` are
   * the app container's (the kubelet's allocated ones; by default its spec's).
   */
  startPod(pod: Pod, nodeName: string, now_ms: number, resources: ResourceRequirements = pod.spec.containers[0].resources): number {
    const nodeIndex = this.nodeIndex.get(nodeName);
    if (nodeIndex === undefined) throw new Error(`container runtime: unknown node ${nodeName}`);
    const already = this.running.get(pod.metadata.uid);
    if (already !== undefined) return already.handle;
    const app = this.apps.forPod(pod);
    const limit_mcores = resources.limits.cpu_mcores ?? Infinity;
    const node = this.nodes[nodeIndex];
    const handle = this.handles.issue(nodeIndex);
    const slot = handleIndex(handle);
    this.ensureSlots(this.handles.capacity);
    this.nodeOfSlot[slot] = nodeIndex;
    const params: PodServerParams = {
      cost_mcore_s: Math.max(app.cpuPerRequest_mcore_s, 1e-9),
      cap_mcores: Math.max(0, limit_mcores - app.baselineCpu_mcores),
      queueCapacity_requests: app.queueCapacity_requests,
      memoryBaseline_bytes: app.memoryBaseline_bytes,
      memoryPerRequest_bytes: app.memoryPerInflight_bytes,
      ...(app.serviceTime !== undefined && { serviceTime: app.serviceTime }),
      ...(app.serviceTimeCv !== undefined && { serviceTimeCv: app.serviceTimeCv }),
    };
    if (this.perRequest !== null && this.perRequest(pod)) {
      this.requests.addAt(slot, params, this.workStream!(pod), now_ms);
      this.requestSlots[slot] = 1;
    } else {
      this.pool.addAt(slot, params);
      this.requestSlots[slot] = 0;
    }
    const running: RunningPod = {
      handle, slot, started_ms: now_ms, app,
      pod, nodeIndex, limit_mcores,
      weight: milliCpuToShares(resources.requests.cpu_mcores ?? 0),
      stopped: false,
      containerNames: this.internNames(pod.spec.containers.map((c) => c.name)),
    };
    // The slot may have been another pod's: every field is set.
    const st = this.slotState;
    const b = slot * SLOT_FIELDS;
    st[b + RATE] = 0;
    st[b + DEMAND] = 0;
    st[b + CEILING] = Math.max(0, limit_mcores - app.baselineCpu_mcores);
    st[b + MEMORY_LIMIT] = resources.limits.memory_bytes ?? Infinity;
    st[b + APP_CPU] = 0;
    st[b + APP_MEMORY] = 0;
    st[b + SIDECAR_CPU] = 0;
    st[b + SIDECAR_MEMORY] = 0;
    st[b + ADVANCED] = now_ms;
    st[b + SERVICE] = -1;
    st[b + STARTED] = now_ms;
    st[b + BASELINE_CPU] = app.baselineCpu_mcores;
    st[b + CPU_PER_REQUEST] = app.cpuPerRequest_mcore_s;
    st[b + WEIGHT] = running.weight;
    st[b + SIDECARS] = running.containerNames.length - 1;
    st[b + OOM_AT] = Infinity;
    this.accumulatePodTime(now_ms);
    this.running.set(pod.metadata.uid, running);
    node.pods.push(running);
    node.slots.push(slot);
    node.changes++;
    node.baseline_mcores += app.baselineCpu_mcores + SIDECAR_CPU_MCORES * (running.containerNames.length - 1);
    this.share(node, now_ms);
    this.scheduleOomKill(slot, now_ms);
    return handle;
  }

  stopPod(pod: Pod, now_ms: number): void {
    const running = this.running.get(pod.metadata.uid);
    if (!running) return;
    const node = this.nodes[running.nodeIndex];
    this.advanceSlot(running.slot, now_ms);
    this.accumulatePodTime(now_ms);
    this.running.delete(pod.metadata.uid);
    running.stopped = true;
    node.stops++;
    node.changes++;
    const i = node.pods.indexOf(running);
    node.pods.splice(i, 1);
    node.slots.splice(i, 1);
    node.baseline_mcores -= running.app.baselineCpu_mcores + SIDECAR_CPU_MCORES * (running.containerNames.length - 1);
    const b = running.slot * SLOT_FIELDS;
    node.demandSum_mcores -= this.slotState[b + DEMAND];
    // Requests still queued in the pod (for a per-request pod, in flight) are lost with it: count them as dropped.
    const servers = this.serverOf(running.slot);
    const serviceIndex = this.slotState[b + SERVICE];
    if (serviceIndex >= 0) this.countOutcome(serviceIndex, 0, 0, servers.abandoned_requests(running.slot));
    this.cancelOomKill(running.slot);
    servers.remove(running.slot);
    this.requestSlots[running.slot] = 0;
    this.handles.retire(running.handle);
    this.share(node, now_ms);
  }

  /**
   * CRI UpdateContainerResources for the app container of a running pod (an in-place resize the
   * kubelet admitted): its CPU limit (CFS quota), request (CFS weight) and memory limit from now
   * on; the pod keeps its queue and working set. Returns an error, changing nothing, when the
   * working set is above the new memory limit: the kernel refuses such a limit (cgroup v1; the
   * kubelet of 1.34+ checks the same before it lowers a limit), and the kubelet retries later.
   */
  updateContainerResources(pod: Pod, resources: ResourceRequirements, now_ms: number): string | null {
    const running = this.running.get(pod.metadata.uid);
    if (running === undefined) return null;
    const slot = running.slot;
    const b = slot * SLOT_FIELDS;
    const st = this.slotState;
    this.advanceSlot(slot, now_ms);
    const memoryLimit_bytes = resources.limits.memory_bytes ?? Infinity;
    const workingSet_bytes = Math.round(this.serverOf(slot).memory_bytes(slot));
    if (memoryLimit_bytes < st[b + MEMORY_LIMIT] && workingSet_bytes > memoryLimit_bytes) {
      return `attempting to set memory limit (${memoryLimit_bytes}) below current usage (${workingSet_bytes})`;
    }
    const node = this.nodes[running.nodeIndex];
    running.limit_mcores = resources.limits.cpu_mcores ?? Infinity;
    running.weight = milliCpuToShares(resources.requests.cpu_mcores ?? 0);
    st[b + CEILING] = Math.max(0, running.limit_mcores - running.app.baselineCpu_mcores);
    st[b + WEIGHT] = running.weight;
    st[b + MEMORY_LIMIT] = memoryLimit_bytes;
    // An uncontended node's pods run up to their ceiling; share() then changes nothing unless
    // the new demand no longer fits (or the node was contended), when it water-fills again.
    if (!node.contended) this.serverOf(slot).setCpuCap(slot, st[b + CEILING]);
    this.updateDemand(node, slot, this.serverOf(slot).queue_requests(slot));
    this.share(node, now_ms);
    this.scheduleOomKill(slot, now_ms);
    return null;
  }

  /** Grows the per-slot arrays to cover `slots` slots. */
  private ensureSlots(slots: number): void {
    if (slots * SLOT_FIELDS > this.slotState.length) this.slotState = resized(this.slotState, Math.max(slots * SLOT_FIELDS, 2 * this.slotState.length));
    if (slots > this.nodeOfSlot.length) this.nodeOfSlot = resized(this.nodeOfSlot, Math.max(slots, 2 * this.nodeOfSlot.length));
    if (slots > this.requestSlots.length) this.requestSlots = resized(this.requestSlots, Math.max(slots, 2 * this.requestSlots.length));
  }

  /** Sets the request rate routed to a running pod from now on. */
  setArrivalRate(uid: string, rate_rps: number, serviceIndex: number, now_ms: number): void {
    const running = this.running.get(uid);
    if (running) this.setSlotArrivalRate(running.slot, rate_rps, serviceIndex, now_ms);
  }

  /** The slot of the running pod with this uid, or -1. */
  slotOf(uid: string): number {
    return this.running.get(uid)?.slot ?? -1;
  }

  /** The handle of the running pod with this uid, or PodHandle.None (0). */
  handleOf(uid: string): number {
    return this.running.get(uid)?.handle ?? 0;
  }

  /** The request rate routed to the pod in `slot`. */
  arrivalRate_rps(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + RATE];
  }

  /**
   * `setArrivalRate` for the pod in `slot` (a running pod's: check a kept handle with
   * `handles.isCurrent` first), for callers that keep handles instead of looking pods up by uid.
   */
  setSlotArrivalRate(slot: number, rate_rps: number, serviceIndex: number, now_ms: number): void {
    // Checked here, as the pool's unchecked step is what advances it later.
    if (!(rate_rps >= 0) || !Number.isFinite(rate_rps)) throw new RangeError(`rate_rps must be a finite number >= 0, got ${rate_rps}`);
    this.advanceSlot(slot, now_ms);
    this.slotState[slot * SLOT_FIELDS + RATE] = rate_rps;
    if (serviceIndex >= 0) {
      this.slotState[slot * SLOT_FIELDS + SERVICE] = serviceIndex;
      this.traffic?.reserve(serviceIndex);
    }
    const node = this.nodes[this.nodeOfSlot[slot]];
    this.updateDemand(node, slot, this.serverOf(slot).queue_requests(slot));
    if (node.contended || node.demandSum_mcores > this.capacity(node)) this.share(node, now_ms);
    this.scheduleOomKill(slot, now_ms);
  }

  /**
   * One request of the Service with index `serviceIndex` reaches the per-request pod in `slot`
   * (a running pod's) at `arrival_s`, within the millisecond that ends at `now_ms`: counted as
   * offered, and as dropped when the pod's queue is full. Returns whether it was admitted. Its
   * demand for the node's CPU is left to the next advance that looks (as a fluid pod's backlog
   * is), so a busy node is not re-divided at every request.
   */
  arriveRequest(slot: number, arrival_s: number, serviceIndex: number, now_ms: number): boolean {
    this.advanceSlot(slot, now_ms);
    if (!this.requests.arrive(slot, arrival_s, serviceIndex)) {
      this.countOutcome(serviceIndex, 1, 0, 1);
      return false;
    }
    this.countOutcome(serviceIndex, 1, 0, 0);
    // One more request in flight: the working set may just have crossed the memory limit.
    if (this.slotState[slot * SLOT_FIELDS + MEMORY_LIMIT] !== Infinity) this.scheduleOomKill(slot, now_ms);
    return true;
  }

  /**
   * (Re)schedules the pod's OOM kill for when its working set will exceed its memory limit on its
   * present course (it was advanced to `now_ms`); none without a limit, without `killOnOom`, or
   * when it never will.
   */
  private scheduleOomKill(slot: number, now_ms: number): void {
    const st = this.slotState;
    const b = slot * SLOT_FIELDS;
    const limit_bytes = st[b + MEMORY_LIMIT];
    if (this.oomClock === null || limit_bytes === Infinity) return;
    const after_s = this.serverOf(slot).memoryLimitCrossing_s(slot, st[b + RATE], limit_bytes);
    const at_ms = after_s === Infinity ? Infinity : Math.ceil(now_ms + after_s * 1000);
    if (at_ms === st[b + OOM_AT]) return;
    this.cancelOomKill(slot);
    st[b + OOM_AT] = at_ms;
    if (at_ms === Infinity) return;
    const handle = this.handles.at(slot);
    this.oomKills[slot] = this.oomClock.scheduleAt(at_ms, (t) => this.checkOom(slot, handle, t));
  }

  private cancelOomKill(slot: number): void {
    const pending = this.oomKills[slot];
    if (pending !== undefined && pending !== null) this.oomClock!.cancel(pending);
    this.oomKills[slot] = null;
    this.slotState[slot * SLOT_FIELDS + OOM_AT] = Infinity;
  }

  /** A scheduled OOM kill: kills if the working set is over the limit now, else looks again. */
  private checkOom(slot: number, handle: number, now_ms: number): void {
    this.oomKills[slot] = null;
    const b = slot * SLOT_FIELDS;
    this.slotState[b + OOM_AT] = Infinity;
    if (!this.handles.isCurrent(handle)) return;
    this.advanceSlot(slot, now_ms);
    if (Math.round(this.serverOf(slot).memory_bytes(slot)) > this.slotState[b + MEMORY_LIMIT]) {
      const running = this.podInSlot(slot);
      this.onOomKill!(running.pod, running.containerNames[0], now_ms);
      return;
    }
    // Not over yet (rounding of the predicted instant, or the rate of the step just taken):
    // look again no sooner than the next millisecond.
    this.scheduleOomKill(slot, now_ms);
    const at_ms = this.slotState[b + OOM_AT];
    if (at_ms <= now_ms) {
      this.cancelOomKill(slot);
      this.slotState[b + OOM_AT] = now_ms + 1;
      this.oomKills[slot] = this.oomClock!.scheduleAt(now_ms + 1, (t) => this.checkOom(slot, handle, t));
    }
  }

  /** The running pod in `slot` (one that runs: checked by the caller). */
  private podInSlot(slot: number): RunningPod {
    const node = this.nodes[this.nodeOfSlot[slot]];
    return node.pods[node.slots.indexOf(slot)];
  }

  /**
   * Brings every pod on a node up to `now_ms` and refreshes the counters cAdvisor reads
   * (cumulative CPU in mcore·ms, working set), then re-divides the node's CPU.
   * Returns the node's pods as they are afterwards (the runtime's own lists: read them at once);
   * `appCpu_mcore_ms` and the like read their counters.
   */
  sampleNode(name: string, now_ms: number): NodePods {
    const nodeIndex = this.nodeIndex.get(name);
    if (nodeIndex === undefined) return NO_PODS;
    const node = this.nodes[nodeIndex];
    const slots = node.slots;
    const st = this.slotState;
    const rows = this.pool.rows;
    // One pass over the pods (advance, refresh the counters, update the demand): each step reads
    // and writes only its own pod (and the service totals, in pod order), so this does what
    // separate passes would, touching each pod's state once instead of four times. A fluid pod's
    // usual step, the steady one, and its sample are taken here, on its server's row; any other
    // step is advanceSlot's.
    let sum = 0;
    for (let p = 0; p < slots.length; p++) {
      const slot = slots[p];
      const b = slot * SLOT_FIELDS;
      const fluid = this.requestSlots[slot] !== 1;
      const r = slot * ServerRow.Fields;
      const dt_ms = now_ms - st[b + ADVANCED];
      if (dt_ms > 0) {
        if (fluid && stepSteadyServer(rows, r, dt_ms / 1000, st[b + RATE], this.counts(), this.countsAt(b))) st[b + ADVANCED] = now_ms;
        else this.advanceSlot(slot, now_ms);
      }
      const alive_ms = now_ms - st[b + STARTED];
      let cpuUsed_mcore_ms: number, memory_bytes: number, queue_requests: number;
      if (fluid) {
        cpuUsed_mcore_ms = serverCpuUsed_mcore_ms(rows, r);
        memory_bytes = serverMemory_bytes(rows, r);
        queue_requests = serverQueue_requests(rows, r);
      } else {
        cpuUsed_mcore_ms = this.requests.cpuUsed_mcore_ms(slot);
        memory_bytes = this.requests.memory_bytes(slot);
        queue_requests = this.requests.queue_requests(slot);
      }
      st[b + APP_CPU] = this.appCpuFrom_mcore_ms(b, cpuUsed_mcore_ms, now_ms);
      st[b + APP_MEMORY] = Math.round(memory_bytes);
      st[b + SIDECAR_CPU] = SIDECAR_CPU_MCORES * alive_ms;
      st[b + SIDECAR_MEMORY] = SIDECAR_MEMORY_BYTES;
      const demand_mcores = demandOf(st, b, queue_requests, node.allocatable_mcores);
      st[b + DEMAND] = demand_mcores;
      // The node's sum added from scratch, so rounding in the running sum cannot drift.
      sum += demand_mcores;
    }
    node.demandSum_mcores = sum;
    this.share(node, now_ms);
    return node;
  }

  // The counters of a pod, by slot, on the lists `sampleNode` returned, as it left them (read
  // them at once: the slot is another pod's once this one stops).
  /** The app container's cumulative CPU, mcore·ms. */
  appCpu_mcore_ms(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + APP_CPU];
  }
  /**
   * The app container's cumulative CPU at `now_ms` (mcore·ms), for a pod advanced up to then
   * (see `advanceAll`); `appCpu_mcore_ms` is as of the last `sampleNode`.
   */
  appCpuAt_mcore_ms(slot: number, now_ms: number): number {
    const served_mcore_ms = this.requestSlots[slot] === 1 ? this.requests.cpuUsed_mcore_ms(slot) : serverCpuUsed_mcore_ms(this.pool.rows, slot * ServerRow.Fields);
    return this.appCpuFrom_mcore_ms(slot * SLOT_FIELDS, served_mcore_ms, now_ms);
  }
  /**
   * The app container's cumulative CPU at `now_ms` of the pod whose block starts at `b`: what its
   * server used (`served_mcore_ms`) plus the app's baseline.
   */
  private appCpuFrom_mcore_ms(b: number, served_mcore_ms: number, now_ms: number): number {
    return served_mcore_ms + this.slotState[b + BASELINE_CPU] * (now_ms - this.slotState[b + STARTED]);
  }
  /** The app container's working set. */
  appMemory_bytes(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + APP_MEMORY];
  }
  /** How many sidecars (containers after the app container) the pod has. */
  sidecarCount(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + SIDECARS];
  }
  /** Each sidecar's cumulative CPU, mcore·ms. */
  sidecarCpu_mcore_ms(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + SIDECAR_CPU];
  }
  /** Each sidecar's working set. */
  sidecarMemory_bytes(slot: number): number {
    return this.slotState[slot * SLOT_FIELDS + SIDECAR_MEMORY];
  }

  /** Integrates every running pod up to `now_ms` (before reading counters across nodes). */
  advanceAll(now_ms: number): void {
    for (let i = 0; i < this.nodes.length; i++) this.advanceNode(i, now_ms);
  }

  private advanceNode(nodeIndex: number, now_ms: number): void {
    const slots = this.nodes[nodeIndex].slots;
    for (let p = 0; p < slots.length; p++) this.advanceSlot(slots[p], now_ms);
  }

  /** The traffic totals the pods' servers add to (TrafficCounts.counts, read afresh: it grows). */
  private counts(): Float64Array {
    return this.traffic === null ? NO_COUNTS : this.traffic.counts;
  }

  /**
   * Where in the traffic totals the pod whose block starts at `b` counts its requests: its
   * Service's block, or -1 (not counted) before it has one or without `countTrafficIn`.
   */
  private countsAt(b: number): number {
    const service = this.slotState[b + SERVICE];
    return service >= 0 && this.traffic !== null ? service * Counts.Fields : -1;
  }

  /** Integrates the pod in `slot` up to `now_ms`, adding what it was offered, served and dropped to its service's totals. */
  private advanceSlot(slot: number, now_ms: number): void {
    const st = this.slotState;
    const b = slot * SLOT_FIELDS;
    const dt_ms = now_ms - st[b + ADVANCED];
    if (dt_ms <= 0) return;
    // Unchecked steps: the slot is a running pod's, dt_ms is finite and setArrivalRate checked the rate.
    if (this.requestSlots[slot] === 1) {
      this.requests.step(slot, dt_ms);
      // A per-request pod's worker knows its throttled time exactly; on a contended node it waited
      // for its share of the node instead, which is starvation, not throttling (countThrottled).
      // Its requests were counted as they arrived and completed.
      if (!this.nodes[this.nodeOfSlot[slot]].contended) this.throttled_s += this.requests.stepThrottled_s;
    } else {
      const pool = this.pool;
      pool.step(slot, dt_ms, st, b + RATE, this.counts(), this.countsAt(b));
      // Never saturated, never throttled: most steps skip the check.
      if (st[b + CEILING] !== Infinity && pool.stepSaturated_s !== 0) this.countThrottled(slot);
    }
    st[b + ADVANCED] = now_ms;
  }

  /**
   * CFS throttling (cAdvisor's container_cpu_cfs_throttled_seconds) over the step just taken: the
   * time a pod with a CPU limit ran at that limit with work waiting (the fluid server's saturated
   * time, PodServerPool.stepSaturated_s). A pod held below its limit by a contended node is starved, not
   * throttled. (A per-request pod's worker counts its own: see advanceSlot.)
   */
  private countThrottled(slot: number): void {
    const b = slot * SLOT_FIELDS;
    const ceiling_mcores = this.slotState[b + CEILING];
    const cost_mcore_s = this.slotState[b + CPU_PER_REQUEST];
    // The step changed no cap: μ is the one it ran at.
    const mu = this.pool.serviceRate_rps(slot);
    if (mu * Math.max(cost_mcore_s, 1e-9) < ceiling_mcores * (1 - 1e-12)) return;
    this.throttled_s += this.pool.stepSaturated_s;
  }

  /** Seconds pods spent throttled at their CPU limit (countThrottled), summed over pods, up to `now_ms`. */
  cpuThrottledSeconds(now_ms: number): number {
    this.advanceAll(now_ms);
    return this.throttled_s;
  }

  private capacity(node: NodeSlots): number {
    return Math.max(0, node.allocatable_mcores - node.baseline_mcores);
  }

  /**
   * Recomputes a pod's demand from its backlog (`queue_requests`, its server's queue) and rate,
   * keeping the node's sum current.
   */
  private updateDemand(node: NodeSlots, slot: number, queue_requests: number): void {
    const st = this.slotState;
    const b = slot * SLOT_FIELDS;
    const demand_mcores = demandOf(st, b, queue_requests, node.allocatable_mcores);
    node.demandSum_mcores += demand_mcores - st[b + DEMAND];
    st[b + DEMAND] = demand_mcores;
  }

  /**
   * Sets the node's pods' CPU caps: each its ceiling while demands fit the node, else the
   * water-filled allocation by CFS weight (after advancing every pod to now, since caps change).
   */
  private share(node: NodeSlots, now_ms: number): void {
    const slots = node.slots;
    const n = slots.length;
    const st = this.slotState;
    const capacity_mcores = this.capacity(node);
    if (node.demandSum_mcores <= capacity_mcores) {
      // Uncontended pods already have their ceiling (a new pod starts with it).
      if (!node.contended) return;
      for (let i = 0; i < n; i++) this.advanceSlot(slots[i], now_ms);
      for (let i = 0; i < n; i++) this.serverOf(slots[i]).setCpuCap(slots[i], st[slots[i] * SLOT_FIELDS + CEILING]);
      node.contended = false;
      this.scheduleOomKills(node, now_ms);
      return;
    }
    for (let i = 0; i < n; i++) {
      this.advanceSlot(slots[i], now_ms);
      // An unlimited, backlogged pod demands Infinity: cap demands at the node so sums stay finite.
      this.demand[i] = Math.min(st[slots[i] * SLOT_FIELDS + DEMAND], capacity_mcores);
      this.weight[i] = st[slots[i] * SLOT_FIELDS + WEIGHT];
    }
    waterFill(n, this.demand, this.weight, capacity_mcores, this.allocation, this.order);
    for (let i = 0; i < n; i++) this.serverOf(slots[i]).setCpuCap(slots[i], this.allocation[i]);
    node.contended = true;
    this.scheduleOomKills(node, now_ms);
  }

  /** `scheduleOomKill` for every pod on a node whose CPU caps were just set. */
  private scheduleOomKills(node: NodeSlots, now_ms: number): void {
    if (this.oomClock === null) return;
    for (let i = 0; i < node.slots.length; i++) this.scheduleOomKill(node.slots[i], now_ms);
  }
}
