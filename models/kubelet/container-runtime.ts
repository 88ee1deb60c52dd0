/**
 * The containers' true resource usage: what the cgroups of each node account, and the only place
 * in kubesim that knows it. cAdvisor reads it (on the same node, as the real one reads cgroup
 * files); the Service layer feeds it requests; nothing else looks.
 *
 * Each running pod's app container is a fluid server (models/workload/pod-server.ts) in one
 * shared typed-array pool. Time is integrated lazily: a pod's state is advanced only when
 * something on its node happens (a rate change, a pod start or stop, a cAdvisor sample), exactly,
 * so there is no per-second ticking. Node CPU is shared by CFS weights (cpu-shares.ts): on every
 * such event the node's pods are advanced to now and their CPU caps recomputed by water-filling
 * `allocatable` over their demands, so served CPU never exceeds the node or any limit.
 *
 * Approximation: a backlogged pod demands its whole limit until the next node event; if its queue
 * empties between events, the CPU it no longer needs is not lent to its neighbours until then
 * (at most one cAdvisor interval, 10 s). This only matters on a CPU-contended node.
 *
 * Containers other than the first (sidecars) are given a small constant usage, because
 * metrics-server drops a pod whose any container reports exactly zero CPU or memory.
 */
import type { Pod } from "../cluster/types.js";
import { PodServerPool } from "../workload/pod-server.js";
import type { AppCatalog, AppProfile } from "../workload/app-profile.js";
import type { ContainerRuntime } from "./kubelet.js";
import { milliCpuToShares, waterFill } from "./cpu-shares.js";

export const SIDECAR_CPU_MCORES = 1;
export const SIDECAR_MEMORY_BYTES = 16 * 1024 * 1024;

/** One container's counters as cAdvisor reads them. Reused between samples. */
export interface ContainerUsage {
  name: string;
  startTime_ms: number;
  cumulativeCpu_mcore_ms: number;
  memoryWorkingSet_bytes: number;
}

export interface RunningPod {
  pod: Pod;
  slot: number;
  nodeIndex: number;
  app: Readonly<AppProfile>;
  started_ms: number;
  /** Time up to which the pool slot has been integrated. */
  advanced_ms: number;
  rate_rps: number;
  limit_mcores: number;
  memoryLimit_bytes: number;
  weight: number;
  /** Which traffic source (Service) this pod's counters roll up into; -1 = none yet. */
  serviceIndex: number;
  containers: ContainerUsage[];
}

interface NodeSlots {
  name: string;
  allocatable_mcores: number;
  pods: RunningPod[];
}

/** Per-traffic-source totals (requests), accumulated as pods are advanced. */
export class TrafficTotals {
  offered = new Float64Array(16);
  served = new Float64Array(16);
  dropped = new Float64Array(16);

  ensure(index: number): void {
    if (index < this.offered.length) return;
    const grow = (a: Float64Array) => {
      const b = new Float64Array(Math.max(index + 1, a.length * 2));
      b.set(a);
      return b;
    };
    this.offered = grow(this.offered);
    this.served = grow(this.served);
    this.dropped = grow(this.dropped);
  }
}

export class PodRuntime implements ContainerRuntime {
  readonly pool = new PodServerPool(256);
  readonly totals = new TrafficTotals();
  private readonly nodes: NodeSlots[] = [];
  private readonly nodeIndex = new Map<string, number>();
  private readonly running = new Map<string, RunningPod>();
  // Scratch for water-filling, reused.
  private readonly demand: number[] = [];
  private readonly weight: number[] = [];
  private readonly allocation: number[] = [];
  private readonly order: number[] = [];
  /** Called when a container's working set exceeds its memory limit (the kubelet OOM-kills it). */
  onOomKill: ((pod: Pod, containerName: string, now_ms: number) => void) | null = null;

  constructor(private readonly apps: AppCatalog) {}

  /** Registers a node (its allocatable CPU is what its pods share). */
  addNode(name: string, allocatable_mcores: number): void {
    if (this.nodeIndex.has(name)) return;
    this.nodeIndex.set(name, this.nodes.length);
    this.nodes.push({ name, allocatable_mcores, pods: [] });
  }

  get runningPods(): number {
    return this.running.size;
  }

  get(uid: string): RunningPod | undefined {
    return this.running.get(uid);
  }

  /** Pods running on a node, in start order. */
  podsOnNode(name: string): readonly RunningPod[] {
    const i = this.nodeIndex.get(name);
    return i === undefined ? [] : this.nodes[i].pods;
  }

  startPod(pod: Pod, nodeName: string, now_ms: number): void {
    const nodeIndex = this.nodeIndex.get(nodeName);
    if (nodeIndex === undefined) throw new Error(`container runtime: unknown node ${nodeName}`);
    if (this.running.has(pod.metadata.uid)) return;
    const app = this.apps.forPod(pod);
    const main = pod.spec.containers[0];
    const limit_mcores = main.resources.limits.cpu_mcores ?? Infinity;
    const slot = this.pool.add({
      cost_mcore_s: Math.max(app.cpuPerRequest_mcore_s, 1e-9),
      cap_mcores: Math.max(0, limit_mcores - app.baselineCpu_mcores),
      queueCapacity_requests: app.queueCapacity_requests,
      memoryBaseline_bytes: app.memoryBaseline_bytes,
      memoryPerRequest_bytes: app.memoryPerInflight_bytes,
    });
    const running: RunningPod = {
      pod, slot, nodeIndex, app, started_ms: now_ms, advanced_ms: now_ms, rate_rps: 0,
      limit_mcores,
      memoryLimit_bytes: main.resources.limits.memory_bytes ?? Infinity,
      weight: milliCpuToShares(main.resources.requests.cpu_mcores ?? 0),
      serviceIndex: -1,
      containers: pod.spec.containers.map((c) => ({ name: c.name, startTime_ms: now_ms, cumulativeCpu_mcore_ms: 0, memoryWorkingSet_bytes: 0 })),
    };
    this.advanceNode(nodeIndex, now_ms);
    this.running.set(pod.metadata.uid, running);
    this.nodes[nodeIndex].pods.push(running);
    this.rebalance(nodeIndex);
  }

  stopPod(pod: Pod, now_ms: number): void {
    const running = this.running.get(pod.metadata.uid);
    if (!running) return;
    this.advanceNode(running.nodeIndex, now_ms);
    this.running.delete(pod.metadata.uid);
    const pods = this.nodes[running.nodeIndex].pods;
    pods.splice(pods.indexOf(running), 1);
    // Requests still queued in the pod are lost with it: count them as dropped.
    if (running.serviceIndex >= 0) this.totals.dropped[running.serviceIndex] += this.pool.queue_requests(running.slot);
    this.pool.remove(running.slot);
    this.rebalance(running.nodeIndex);
  }

  /** Sets the request rate routed to a running pod from now on. */
  setArrivalRate(uid: string, rate_rps: number, serviceIndex: number, now_ms: number): void {
    const running = this.running.get(uid);
    if (!running) return;
    this.advanceNode(running.nodeIndex, now_ms);
    running.rate_rps = rate_rps;
    if (serviceIndex >= 0) {
      this.totals.ensure(serviceIndex);
      running.serviceIndex = serviceIndex;
    }
    this.rebalance(running.nodeIndex);
  }

  /**
   * Brings every pod on a node up to `now_ms` and refreshes the counters cAdvisor reads
   * (cumulative CPU in mcore·ms, working set), then re-divides the node's CPU. Raises OOM kills.
   */
  sampleNode(name: string, now_ms: number): readonly RunningPod[] {
    const nodeIndex = this.nodeIndex.get(name);
    if (nodeIndex === undefined) return [];
    this.advanceNode(nodeIndex, now_ms);
    const pods = this.nodes[nodeIndex].pods;
    for (const running of pods) {
      const alive_ms = now_ms - running.started_ms;
      const main = running.containers[0];
      main.cumulativeCpu_mcore_ms = this.pool.cpuUsed_mcore_ms(running.slot) + running.app.baselineCpu_mcores * alive_ms;
      main.memoryWorkingSet_bytes = Math.round(this.pool.memory_bytes(running.slot));
      for (let i = 1; i < running.containers.length; i++) {
        running.containers[i].cumulativeCpu_mcore_ms = SIDECAR_CPU_MCORES * alive_ms;
        running.containers[i].memoryWorkingSet_bytes = SIDECAR_MEMORY_BYTES;
      }
    }
    this.rebalance(nodeIndex);
    if (this.onOomKill) {
      // Collect first: an OOM kill stops the pod, which edits the node's list.
      const oom: RunningPod[] = [];
      for (const running of pods) if (running.containers[0].memoryWorkingSet_bytes > running.memoryLimit_bytes) oom.push(running);
      for (const running of oom) this.onOomKill(running.pod, running.containers[0].name, now_ms);
    }
    return pods;
  }

  /** Integrates every running pod up to `now_ms` (before reading counters across nodes). */
  advanceAll(now_ms: number): void {
    for (let i = 0; i < this.nodes.length; i++) this.advanceNode(i, now_ms);
  }

  /** Requests waiting in a running pod (0 if it is not running), as of its last advance. */
  queue_requests(uid: string): number {
    const running = this.running.get(uid);
    return running ? this.pool.queue_requests(running.slot) : 0;
  }

  private advanceNode(nodeIndex: number, now_ms: number): void {
    for (const running of this.nodes[nodeIndex].pods) this.advancePod(running, now_ms);
  }

  private advancePod(running: RunningPod, now_ms: number): void {
    const dt_ms = now_ms - running.advanced_ms;
    if (dt_ms <= 0) return;
    const slot = running.slot;
    const s = running.serviceIndex;
    if (s >= 0) {
      const offered0 = this.pool.offered_requests(slot);
      const served0 = this.pool.served_requests(slot);
      const dropped0 = this.pool.dropped_requests(slot);
      this.pool.advance(slot, dt_ms, running.rate_rps);
      this.totals.offered[s] += this.pool.offered_requests(slot) - offered0;
      this.totals.served[s] += this.pool.served_requests(slot) - served0;
      this.totals.dropped[s] += this.pool.dropped_requests(slot) - dropped0;
    } else {
      this.pool.advance(slot, dt_ms, running.rate_rps);
    }
    running.advanced_ms = now_ms;
  }

  /** Re-divides a node's allocatable CPU among its pods by CFS weight (water-filling). */
  private rebalance(nodeIndex: number): void {
    const node = this.nodes[nodeIndex];
    const pods = node.pods;
    const n = pods.length;
    let baseline_mcores = 0;
    for (let i = 0; i < n; i++) {
      const running = pods[i];
      baseline_mcores += running.app.baselineCpu_mcores + SIDECAR_CPU_MCORES * (running.containers.length - 1);
      const backlogged = this.pool.queue_requests(running.slot) > 0;
      const wanted_mcores = backlogged ? Infinity : running.rate_rps * running.app.cpuPerRequest_mcore_s;
      const ceiling_mcores = Math.max(0, running.limit_mcores - running.app.baselineCpu_mcores);
      this.demand[i] = Math.min(wanted_mcores, ceiling_mcores);
      this.weight[i] = running.weight;
    }
    const capacity_mcores = Math.max(0, node.allocatable_mcores - baseline_mcores);
    // An unlimited, backlogged pod demands Infinity: cap demands at the node so sums stay finite.
    for (let i = 0; i < n; i++) if (this.demand[i] > capacity_mcores) this.demand[i] = capacity_mcores;
    waterFill(n, this.demand, this.weight, capacity_mcores, this.allocation, this.order);
    // What no demand claimed is headroom for bursts, split by weight (zero on a contended node,
    // where water-filling hands out everything). Caps then sum to at most the node's capacity,
    // and a pod whose demand is met keeps room above it, so its service rate is not pinned
    // exactly at its arrival rate.
    let allocated_mcores = 0;
    let totalWeight = 0;
    for (let i = 0; i < n; i++) {
      allocated_mcores += this.allocation[i];
      totalWeight += this.weight[i];
    }
    const free_mcores = Math.max(0, capacity_mcores - allocated_mcores);
    for (let i = 0; i < n; i++) {
      const running = pods[i];
      const ceiling_mcores = Math.max(0, running.limit_mcores - running.app.baselineCpu_mcores);
      const burst_mcores = totalWeight > 0 ? (free_mcores * this.weight[i]) / totalWeight : 0;
      this.pool.setCpuCap(running.slot, Math.min(ceiling_mcores, this.allocation[i] + burst_mcores));
    }
  }
}
