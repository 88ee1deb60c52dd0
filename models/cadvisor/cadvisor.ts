/**
 * cAdvisor inside each kubelet, and the kubelet's /metrics/resource endpoint that serves its
 * latest stats.
 *
 * Housekeeping (pkg/kubelet/cadvisor/cadvisor_linux.go: defaultHousekeepingInterval 10 s,
 * maxHousekeepingInterval 15 s) samples every container's cumulative CPU counter and memory
 * working set. kubesim samples per node in one event (the per-node phase; upstream runs
 * one goroutine per container), with the node's phase drawn from the stream `cadvisor/<node>`
 * and, optionally, a jittered interval of `housekeepingInterval_ms + U[0, maxJitter_ms)` to
 * stand in for dynamic housekeeping. The CPU counter is read at microsecond resolution
 * (integer mcore·ms), as cgroup's cpuacct counts integer time.
 *
 * The endpoint serves the last sample of each container still running; a container started
 * after the last housekeeping has no stats yet (metrics-server then skips its pod).
 */
import type { PeriodicTimer, Simulation } from "../../engine/index.js";
import type { PodRuntime, RunningPod } from "../kubelet/container-runtime.js";
import { resized } from "../../engine/typed-arrays.js";
import {
  type ContainerSample,
  type NodeScrape,
  type PodSample,
  type PodSampleColumns,
  type ResourceSample,
  Sample,
} from "../metrics-server/types.js";

export interface CadvisorConfig {
  housekeepingInterval_ms: number;
  /** 0 = a fixed interval; otherwise each interval gets U[0, maxJitter_ms) extra. */
  maxJitter_ms: number;
  /** Delay to each node's first housekeeping; null draws U[0, interval) per node. */
  phase_ms: number | null;
}

export const DEFAULT_CADVISOR_CONFIG: Readonly<CadvisorConfig> = Object.freeze({
  housekeepingInterval_ms: 10_000,
  maxJitter_ms: 0,
  phase_ms: null,
});

/**
 * A node's samples as columns (PodSampleColumns), one entry per sample in the endpoint's order:
 * what metrics-server's storage reads. Entries are appended when a pod is first sampled and
 * moved down when samples of stopped pods are dropped, so a scrape of the node reads each
 * array in order, the numbers in one stretch of `values`.
 */
class NodeColumns implements PodSampleColumns {
  count = 0;
  readonly namespaces: string[] = [];
  readonly names: string[] = [];
  readonly containerNames: (readonly string[])[] = [];
  values = new Float64Array(64 * Sample.Fields);
  offsets = new Int32Array(16);
  /** The pod handle each entry was last sampled from (see PodSampleColumns.handles). */
  handles = new Float64Array(16);
  /** Doubles of `values` in use. */
  used = 0;

  /** Appends an entry with a zeroed row (timestamp 0: not sampled yet); returns its index. */
  append(namespace: string, name: string, containerNames: readonly string[]): number {
    const i = this.count++;
    const width = containerNames.length * Sample.Fields;
    if (this.used + width > this.values.length) this.values = resized(this.values, Math.max(this.used + width, 2 * this.values.length));
    if (i >= this.offsets.length) {
      this.offsets = resized(this.offsets, 2 * this.offsets.length);
      this.handles = resized(this.handles, this.offsets.length);
    }
    this.namespaces[i] = namespace;
    this.names[i] = name;
    this.containerNames[i] = containerNames;
    this.offsets[i] = this.used;
    this.handles[i] = 0;
    this.values.fill(0, this.used, this.used + width);
    this.used += width;
    return i;
  }

  /** Moves entry `from` to index `to` (< from), its row down to `offset`. */
  moveDown(from: number, to: number, offset: number): void {
    const width = this.containerNames[from].length * Sample.Fields;
    this.values.copyWithin(offset, this.offsets[from], this.offsets[from] + width);
    this.namespaces[to] = this.namespaces[from];
    this.names[to] = this.names[from];
    this.containerNames[to] = this.containerNames[from];
    this.offsets[to] = offset;
    this.handles[to] = this.handles[from];
  }

  /** Keeps the first `count` entries, their rows ending at `used`. */
  truncate(count: number, used: number): void {
    this.count = count;
    this.namespaces.length = this.names.length = this.containerNames.length = count;
    this.used = used;
  }
}

/**
 * A pod's latest sample, served by the endpoint: entry `index` of its node's columns, whose
 * container views read the row.
 */
class CadvisorPodSample implements PodSample {
  readonly containers: readonly ContainerSample[];
  /** The runtime's pod this sample was last taken from. */
  running: RunningPod;

  constructor(
    readonly uid: string,
    readonly namespace: string,
    readonly name: string,
    /** The pod's containers, the app container first; all start with the pod. */
    readonly containerNames: readonly string[],
    running: RunningPod,
    readonly columns: NodeColumns,
    /** Its entry in `columns` (moves down as earlier samples are dropped). */
    public index: number,
  ) {
    this.running = running;
    this.containers = containerNames.map((name, i) => new ContainerSampleView(this, name, i));
  }
}

/** One container of a CadvisorPodSample, read from the pod's row. */
class ContainerSampleView implements ContainerSample {
  constructor(
    private readonly pod: CadvisorPodSample,
    readonly name: string,
    private readonly container: number,
  ) {}

  private read(field: number): number {
    const columns = this.pod.columns;
    return columns.values[columns.offsets[this.pod.index] + this.container * Sample.Fields + field];
  }
  get startTime_ms(): number {
    return this.read(Sample.Start);
  }
  get timestamp_ms(): number {
    return this.read(Sample.Ts);
  }
  get cumulativeCpuUsed_mcore_ms(): number {
    return this.read(Sample.Cpu);
  }
  get memoryWorkingSet_bytes(): number {
    return this.read(Sample.Mem);
  }
}

interface NodeStats {
  name: string;
  timer: PeriodicTimer;
  boot_ms: number;
  node: ResourceSample;
  /** Latest sample per running pod, by uid. */
  pods: Map<string, CadvisorPodSample>;
  /**
   * The values of `pods` in its order (first sampled first): what the endpoint serves, kept
   * beside the map so that a scrape walks an array and builds nothing. Sample i is entry i of
   * `columns`.
   */
  list: CadvisorPodSample[];
  columns: NodeColumns;
  /** `runtime.podsStoppedOnNode` when `list` was last checked for stopped pods. */
  stopsSeen: number;
  /**
   * The node's NodePods.changes when housekeeping last bound its pods' slots (-1: never): while
   * it holds, every pod on the node is bound, and housekeeping checks none.
   */
  changesBound: number;
  /** The endpoint's response, reused: its `pods` is `list`, its `columns` the node's. */
  response: NodeScrape;
}

export class Cadvisor {
  private readonly nodes = new Map<string, NodeStats>();
  /**
   * By pod handle index (the runtime slot): the handle of the running pod whose sample row
   * offset `rowBySlot` holds (pod-handles.ts). Compared with the handle now at the slot, so
   * housekeeping touches no per-pod object while it holds (at 5,000 pods, reading scattered
   * objects is where its time went).
   */
  private handleBySlot = new Float64Array(256);
  private rowBySlot = new Int32Array(256);
  /** Housekeeping passes run (for benchmarks and tests). */
  samples = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly runtime: PodRuntime,
    private readonly config: Readonly<CadvisorConfig> = DEFAULT_CADVISOR_CONFIG,
  ) {}

  addNode(name: string): void {
    if (this.nodes.has(name)) return;
    const rng = this.sim.rng.stream(`cadvisor/${name}`);
    const interval_ms = this.config.housekeepingInterval_ms;
    const phase_ms = this.config.phase_ms ?? Math.floor(rng.uniform(0, interval_ms));
    const jitter_ms = this.config.maxJitter_ms;
    const list: CadvisorPodSample[] = [];
    const columns = new NodeColumns();
    const stats: NodeStats = {
      name,
      boot_ms: this.sim.now_ms,
      node: { startTime_ms: this.sim.now_ms, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 0 },
      pods: new Map(),
      list,
      columns,
      stopsSeen: this.runtime.podsStoppedOnNode(name),
      changesBound: -1,
      response: { nodeName: name, node: null, pods: list, columns },
      timer: this.sim.every(interval_ms, (now_ms) => this.housekeep(stats, now_ms), {
        phase_ms,
        nextInterval_ms: jitter_ms > 0 ? () => interval_ms + Math.floor(rng.uniform(0, jitter_ms)) : undefined,
      }),
    };
    this.nodes.set(name, stats);
  }

  removeNode(name: string): void {
    this.nodes.get(name)?.timer.cancel();
    this.nodes.delete(name);
  }

  /**
   * GET /metrics/resource on the node's kubelet: the latest stats of running containers. The
   * response and its samples are reused: they change at the next call and housekeeping, so a
   * caller that keeps them past that must copy them.
   */
  resourceMetrics(name: string): NodeScrape | null {
    const stats = this.nodes.get(name);
    if (!stats) return null;
    // Samples of stopped pods leave the list, unless the uid runs again (a restarted pod keeps
    // its sample). Only a stop on the node can make one go, so the list is walked only then.
    const stops = this.runtime.podsStoppedOnNode(name);
    if (stops !== stats.stopsSeen) {
      stats.stopsSeen = stops;
      this.dropStopped(stats);
    }
    stats.response.node = stats.node.timestamp_ms > 0 ? stats.node : null;
    return stats.response;
  }

  /** Drops the samples of stopped pods whose uid no longer runs, moving later entries down. */
  private dropStopped(stats: NodeStats): void {
    const list = stats.list;
    const columns = stats.columns;
    let kept = 0;
    let used = 0;
    for (let i = 0; i < list.length; i++) {
      const sample = list[i];
      // A pod not stopped is running under its uid; a stopped one may have been restarted as a
      // new runtime pod with the same uid, so only then is the lookup needed.
      if (sample.running.stopped && this.runtime.get(sample.uid) === undefined) {
        stats.pods.delete(sample.uid);
        continue;
      }
      if (kept !== i) {
        columns.moveDown(i, kept, used);
        sample.index = kept;
        // The slot cache's offset follows, if it holds this sample's pod.
        const slot = sample.running.slot;
        if (this.handleBySlot[slot] === sample.running.handle) this.rowBySlot[slot] = used;
      }
      used += sample.containerNames.length * Sample.Fields;
      list[kept++] = sample;
    }
    // Dropping samples is rare (pods stopping); shrinking only then keeps the array's storage.
    if (kept !== list.length) {
      list.length = kept;
      columns.truncate(kept, used);
    }
  }

  private housekeep(stats: NodeStats, now_ms: number): void {
    this.samples++;
    const nodePods = this.runtime.sampleNode(stats.name, now_ms);
    const { pods, slots } = nodePods;
    // A pod that started on the node since the last pass is bound first (a node's pods are
    // bound while no pod started or stopped there: a slot is only rebound by a start on its node).
    if (nodePods.changes !== stats.changesBound) {
      for (let p = 0; p < pods.length; p++) {
        const slot = slots[p];
        if (slot >= this.handleBySlot.length || this.handleBySlot[slot] !== this.runtime.handles.at(slot)) this.bind(stats, pods[p], slot);
      }
      stats.changesBound = nodePods.changes;
    }
    const values = stats.columns.values; // read after binding, which may have grown it
    const rowBySlot = this.rowBySlot;
    // The node's counter accumulates what its pods used since the last pass, so it never goes
    // down when pods leave (their final partial interval is lost, as a deleted cgroup's is).
    let nodeCpuDelta_mcore_ms = 0;
    let nodeMemory_bytes = 0;
    for (let p = 0; p < pods.length; p++) {
      const slot = slots[p];
      // The app container, then the sidecars (all started with the pod: `bind` set their start).
      let o = rowBySlot[slot];
      const cpu_mcore_ms = Math.floor(this.runtime.appCpu_mcore_ms(slot));
      const memory_bytes = this.runtime.appMemory_bytes(slot);
      nodeCpuDelta_mcore_ms += cpu_mcore_ms - values[o + Sample.Cpu];
      nodeMemory_bytes += memory_bytes;
      values[o + Sample.Ts] = now_ms;
      values[o + Sample.Cpu] = cpu_mcore_ms;
      values[o + Sample.Mem] = memory_bytes;
      const sidecars = this.runtime.sidecarCount(slot);
      if (sidecars > 0) {
        const sidecarCpu_mcore_ms = Math.floor(this.runtime.sidecarCpu_mcore_ms(slot));
        const sidecarMemory_bytes = this.runtime.sidecarMemory_bytes(slot);
        for (let i = 1; i <= sidecars; i++) {
          o += Sample.Fields;
          nodeCpuDelta_mcore_ms += sidecarCpu_mcore_ms - values[o + Sample.Cpu];
          nodeMemory_bytes += sidecarMemory_bytes;
          values[o + Sample.Ts] = now_ms;
          values[o + Sample.Cpu] = sidecarCpu_mcore_ms;
          values[o + Sample.Mem] = sidecarMemory_bytes;
        }
      }
    }
    stats.node.cumulativeCpuUsed_mcore_ms += nodeCpuDelta_mcore_ms;
    stats.node.memoryWorkingSet_bytes = nodeMemory_bytes;
    stats.node.timestamp_ms = now_ms;
  }

  /**
   * Points the slot cache at the node's sample for a runtime pod it does not hold: its uid's
   * sample, now taken from this pod (a restarted pod keeps its uid's sample), or a new one at
   * the end of the node's columns. Its containers' start time is the pod's, which stays put
   * while the sample is bound to the pod.
   */
  private bind(stats: NodeStats, pod: RunningPod, slot: number): void {
    // Same answer as the slot cache whenever the cache is valid: a sample is dropped from
    // stats.pods only once no pod with its uid runs, so a sample still holding this running
    // pod is the one stored under its uid.
    const uid = pod.pod.metadata.uid;
    const columns = stats.columns;
    let sample = stats.pods.get(uid);
    if (!sample) {
      const { namespace, name } = pod.pod.metadata;
      const index = columns.append(namespace, name, pod.containerNames);
      sample = new CadvisorPodSample(uid, namespace, name, pod.containerNames, pod, columns, index);
      stats.pods.set(uid, sample);
      stats.list.push(sample);
    }
    const offset = columns.offsets[sample.index];
    // A restart (another runtime pod under the uid): new cgroups, whose counters start at 0, so
    // the node's counter gains what the new containers used, never new minus old.
    const restarted = sample.running !== pod;
    sample.running = pod;
    columns.handles[sample.index] = pod.handle;
    for (let i = 0; i < sample.containerNames.length; i++) {
      const o = offset + i * Sample.Fields;
      columns.values[o + Sample.Start] = pod.started_ms;
      if (restarted) columns.values[o + Sample.Cpu] = 0;
    }
    if (slot >= this.rowBySlot.length) {
      const length = Math.max(slot + 1, 2 * this.rowBySlot.length);
      this.rowBySlot = resized(this.rowBySlot, length);
      this.handleBySlot = resized(this.handleBySlot, length);
    }
    this.handleBySlot[slot] = pod.handle;
    this.rowBySlot[slot] = offset;
  }
}
