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
  SAMPLE_CPU,
  SAMPLE_FIELDS,
  SAMPLE_MEM,
  SAMPLE_START,
  SAMPLE_TS,
  type ContainerSample,
  type NodeScrape,
  type PodSample,
  type ResourceSample,
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
 * A pod's latest sample, served by the endpoint. Its numbers live in its node's `values` row
 * (`sampleValues` from `sampleOffset`, SAMPLE_FIELDS per container, the app container first);
 * `containers` are views of that row, for readers that want objects.
 */
class CadvisorPodSample implements PodSample {
  readonly containers: readonly ContainerSample[];
  /** The runtime's pod this sample was last taken from. */
  running: RunningPod;
  /**
   * Left to the consumer of the endpoint: metrics-server's storage keeps here where it stored
   * this pod last (see models/metrics-server/pod.ts storePod). cAdvisor never reads them.
   */
  storageSlot = -1;
  storageAllocation = 0;

  constructor(
    readonly uid: string,
    readonly namespace: string,
    readonly name: string,
    /** The pod's containers, the app container first; all start with the pod. */
    readonly containerNames: readonly string[],
    running: RunningPod,
    /** The node's values array (replaced when it grows) and this sample's row in it. */
    public sampleValues: Float64Array,
    public sampleOffset: number,
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
    private readonly index: number,
  ) {}

  private read(field: number): number {
    return this.pod.sampleValues[this.pod.sampleOffset + this.index * SAMPLE_FIELDS + field];
  }
  get startTime_ms(): number {
    return this.read(SAMPLE_START);
  }
  get timestamp_ms(): number {
    return this.read(SAMPLE_TS);
  }
  get cumulativeCpuUsed_mcore_ms(): number {
    return this.read(SAMPLE_CPU);
  }
  get memoryWorkingSet_bytes(): number {
    return this.read(SAMPLE_MEM);
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
   * beside the map so that a scrape walks an array and builds nothing.
   */
  list: CadvisorPodSample[];
  /**
   * The samples' numbers, one row per sample in `list` order (rows are moved down when samples
   * are dropped), so a scrape of the node reads one stretch of memory.
   */
  values: Float64Array;
  /** Doubles of `values` in use. */
  used: number;
  /** `runtime.podsStoppedOnNode` when `list` was last checked for stopped pods. */
  stopsSeen: number;
  /** The endpoint's response, reused: its `pods` is `list`. */
  response: NodeScrape;
}

export class Cadvisor {
  private readonly nodes = new Map<string, NodeStats>();
  /**
   * By runtime slot: the serial of the runtime pod (RunningPod.serial, 0 = none) whose sample
   * row offset `rowBySlot` holds. Numbers compared, read beside the runtime's own slot state, so
   * housekeeping touches no per-pod object while the cache holds (at 5,000 pods, reading
   * scattered objects is where its time went).
   */
  private serialBySlot = new Float64Array(256);
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
    const stats: NodeStats = {
      name,
      boot_ms: this.sim.now_ms,
      node: { startTime_ms: this.sim.now_ms, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 0 },
      pods: new Map(),
      list,
      values: new Float64Array(64 * SAMPLE_FIELDS),
      used: 0,
      stopsSeen: this.runtime.podsStoppedOnNode(name),
      response: { nodeName: name, node: null, pods: list },
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

  /** Drops the samples of stopped pods whose uid no longer runs, moving later rows down. */
  private dropStopped(stats: NodeStats): void {
    const list = stats.list;
    const values = stats.values;
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
      const width = sample.containerNames.length * SAMPLE_FIELDS;
      if (sample.sampleOffset !== used) {
        values.copyWithin(used, sample.sampleOffset, sample.sampleOffset + width);
        sample.sampleOffset = used;
        // The slot cache's offset follows, if it holds this sample's pod.
        const slot = sample.running.slot;
        if (this.serialBySlot[slot] === sample.running.serial) this.rowBySlot[slot] = used;
      }
      used += width;
      list[kept++] = sample;
    }
    // Dropping samples is rare (pods stopping); shrinking only then keeps the array's storage.
    if (kept !== list.length) list.length = kept;
    stats.used = used;
  }

  private housekeep(stats: NodeStats, now_ms: number): void {
    this.samples++;
    const { pods, slots } = this.runtime.sampleNode(stats.name, now_ms);
    // The node's counter accumulates what its pods used since the last pass, so it never goes
    // down when pods leave (their final partial interval is lost, as a deleted cgroup's is).
    let nodeCpuDelta_mcore_ms = 0;
    let nodeMemory_bytes = 0;
    for (let p = 0; p < pods.length; p++) {
      const slot = slots[p];
      if (this.serialBySlot[slot] !== this.runtime.podSerial(slot)) this.bind(stats, pods[p], slot);
      const values = stats.values; // bind may have grown it
      // The app container, then the sidecars (all started with the pod: `bind` set their start).
      let o = this.rowBySlot[slot];
      const cpu_mcore_ms = Math.floor(this.runtime.appCpu_mcore_ms(slot));
      const memory_bytes = this.runtime.appMemory_bytes(slot);
      nodeCpuDelta_mcore_ms += cpu_mcore_ms - values[o + SAMPLE_CPU];
      nodeMemory_bytes += memory_bytes;
      values[o + SAMPLE_TS] = now_ms;
      values[o + SAMPLE_CPU] = cpu_mcore_ms;
      values[o + SAMPLE_MEM] = memory_bytes;
      const sidecars = this.runtime.sidecarCount(slot);
      if (sidecars > 0) {
        const sidecarCpu_mcore_ms = Math.floor(this.runtime.sidecarCpu_mcore_ms(slot));
        const sidecarMemory_bytes = this.runtime.sidecarMemory_bytes(slot);
        for (let i = 1; i <= sidecars; i++) {
          o += SAMPLE_FIELDS;
          nodeCpuDelta_mcore_ms += sidecarCpu_mcore_ms - values[o + SAMPLE_CPU];
          nodeMemory_bytes += sidecarMemory_bytes;
          values[o + SAMPLE_TS] = now_ms;
          values[o + SAMPLE_CPU] = sidecarCpu_mcore_ms;
          values[o + SAMPLE_MEM] = sidecarMemory_bytes;
        }
      }
    }
    stats.node.cumulativeCpuUsed_mcore_ms += nodeCpuDelta_mcore_ms;
    stats.node.memoryWorkingSet_bytes = nodeMemory_bytes;
    stats.node.timestamp_ms = now_ms;
  }

  /**
   * Points the slot cache at the node's sample for a runtime pod it does not hold: its uid's
   * sample, now taken from this pod (a restarted pod keeps its uid's sample), or a new one with
   * a row at the end of the node's values. Its containers' start time is the pod's, which stays
   * put while the sample is bound to the pod.
   */
  private bind(stats: NodeStats, pod: RunningPod, slot: number): void {
    // Same answer as the slot cache whenever the cache is valid: a sample is dropped from
    // stats.pods only once no pod with its uid runs, so a sample still holding this running
    // pod is the one stored under its uid.
    const uid = pod.pod.metadata.uid;
    let sample = stats.pods.get(uid);
    if (!sample) {
      const width = pod.containerNames.length * SAMPLE_FIELDS;
      if (stats.used + width > stats.values.length) this.growValues(stats, stats.used + width);
      // A new row reads all zeros (timestamp 0: not sampled yet).
      stats.values.fill(0, stats.used, stats.used + width);
      sample = new CadvisorPodSample(uid, pod.pod.metadata.namespace, pod.pod.metadata.name, pod.containerNames, pod, stats.values, stats.used);
      stats.used += width;
      stats.pods.set(uid, sample);
      stats.list.push(sample);
    }
    sample.running = pod;
    for (let i = 0; i < sample.containerNames.length; i++) stats.values[sample.sampleOffset + i * SAMPLE_FIELDS + SAMPLE_START] = pod.started_ms;
    if (slot >= this.rowBySlot.length) {
      const length = Math.max(slot + 1, 2 * this.rowBySlot.length);
      this.rowBySlot = resized(this.rowBySlot, length);
      this.serialBySlot = resized(this.serialBySlot, length);
    }
    this.serialBySlot[slot] = pod.serial;
    this.rowBySlot[slot] = sample.sampleOffset;
  }

  private growValues(stats: NodeStats, min: number): void {
    stats.values = resized(stats.values, Math.max(min, 2 * stats.values.length));
    for (const sample of stats.list) sample.sampleValues = stats.values;
  }
}
