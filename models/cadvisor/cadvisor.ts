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
import type { ContainerSample, NodeScrape, PodSample, ResourceSample } from "../metrics-server/types.js";

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

interface MutablePodSample extends PodSample {
  uid: string;
  /** The app container's sample, then the sidecars'. */
  containers: ContainerSample[];
  // `containers[0]` and `containers.length - 1`, so that housekeeping a pod without sidecars
  // does not read the list (at 5,000 pods it is cache misses that housekeeping time goes to).
  app: ContainerSample;
  sidecars: number;
  /** The runtime's pod this sample was last taken from. */
  running: RunningPod;
  /**
   * Left to the consumer of the endpoint: metrics-server's storage keeps here where it stored
   * this pod last (see models/metrics-server/pod.ts storePod). cAdvisor never reads it.
   */
  storageHint: object | null;
}

interface NodeStats {
  name: string;
  timer: PeriodicTimer;
  boot_ms: number;
  node: ResourceSample;
  /** Latest sample per running pod, by uid. */
  pods: Map<string, MutablePodSample>;
  /**
   * The values of `pods` in its order (first sampled first): what the endpoint serves, kept
   * beside the map so that a scrape walks an array and builds nothing.
   */
  list: MutablePodSample[];
  /** The endpoint's response, reused: its `pods` is `list`. */
  response: NodeScrape;
}

export class Cadvisor {
  private readonly nodes = new Map<string, NodeStats>();
  /**
   * The sample last taken from the pod in each runtime slot: a cache in front of the per-node
   * lookup by uid, valid while `sample.running` is that same pod (slots are reused). Reading it
   * touches no Pod object, which at 5,000 pods is what housekeeping time goes to.
   */
  private readonly sampleBySlot: (MutablePodSample | undefined)[] = [];
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
    const list: MutablePodSample[] = [];
    const stats: NodeStats = {
      name,
      boot_ms: this.sim.now_ms,
      node: { startTime_ms: this.sim.now_ms, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 0 },
      pods: new Map(),
      list,
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
    const list = stats.list;
    let kept = 0;
    for (let i = 0; i < list.length; i++) {
      const sample = list[i];
      // A pod not stopped is running under its uid; a stopped one may have been restarted as a
      // new runtime pod with the same uid, so only then is the lookup needed.
      if (sample.running.stopped && this.runtime.get(sample.uid) === undefined) stats.pods.delete(sample.uid);
      else list[kept++] = sample;
    }
    // Dropping samples is rare (pods stopping); shrinking only then keeps the array's storage.
    if (kept !== list.length) list.length = kept;
    stats.response.node = stats.node.timestamp_ms > 0 ? stats.node : null;
    return stats.response;
  }

  private housekeep(stats: NodeStats, now_ms: number): void {
    this.samples++;
    const { pods, slots } = this.runtime.sampleNode(stats.name, now_ms);
    // The node's counter accumulates what its pods used since the last pass, so it never goes
    // down when pods leave (their final partial interval is lost, as a deleted cgroup's is).
    let nodeCpuDelta_mcore_ms = 0;
    let nodeMemory_bytes = 0;
    for (let p = 0; p < pods.length; p++) {
      // The pod's object is compared, not read: the runtime's counters are by slot.
      const pod = pods[p];
      const slot = slots[p];
      let sample = this.sampleBySlot[slot];
      if (sample === undefined || sample.running !== pod) {
        sample = this.bind(stats, pod);
        this.sampleBySlot[slot] = sample;
      }
      // The app container, then the sidecars (all started with the pod: `bind` set their start).
      const app = sample.app;
      app.timestamp_ms = now_ms;
      const cpu_mcore_ms = Math.floor(this.runtime.appCpu_mcore_ms(slot));
      nodeCpuDelta_mcore_ms += cpu_mcore_ms - app.cumulativeCpuUsed_mcore_ms;
      app.cumulativeCpuUsed_mcore_ms = cpu_mcore_ms;
      app.memoryWorkingSet_bytes = this.runtime.appMemory_bytes(slot);
      nodeMemory_bytes += app.memoryWorkingSet_bytes;
      if (sample.sidecars > 0) {
        const sidecarCpu_mcore_ms = Math.floor(this.runtime.sidecarCpu_mcore_ms(slot));
        const sidecarMemory_bytes = this.runtime.sidecarMemory_bytes(slot);
        for (let i = 1; i <= sample.sidecars; i++) {
          const out = sample.containers[i];
          out.timestamp_ms = now_ms;
          nodeCpuDelta_mcore_ms += sidecarCpu_mcore_ms - out.cumulativeCpuUsed_mcore_ms;
          out.cumulativeCpuUsed_mcore_ms = sidecarCpu_mcore_ms;
          out.memoryWorkingSet_bytes = sidecarMemory_bytes;
          nodeMemory_bytes += out.memoryWorkingSet_bytes;
        }
      }
    }
    stats.node.cumulativeCpuUsed_mcore_ms += nodeCpuDelta_mcore_ms;
    stats.node.memoryWorkingSet_bytes = nodeMemory_bytes;
    stats.node.timestamp_ms = now_ms;
  }

  /**
   * The node's sample for a runtime pod the slot cache does not hold: its uid's sample, now
   * taken from this pod (a restarted pod keeps its uid's sample), or a new one. Its containers'
   * start time is the pod's, which stays put while the sample is bound to the pod.
   */
  private bind(stats: NodeStats, pod: RunningPod): MutablePodSample {
    // Same answer as the slot cache whenever the cache is valid: a sample is dropped from
    // stats.pods only once no pod with its uid runs, so a sample still holding this running
    // pod is the one stored under its uid.
    const uid = pod.pod.metadata.uid;
    let sample = stats.pods.get(uid);
    if (!sample) {
      const containers = pod.containerNames.map((name) => ({ name, startTime_ms: pod.started_ms, timestamp_ms: 0, cumulativeCpuUsed_mcore_ms: 0, memoryWorkingSet_bytes: 0 }));
      sample = {
        uid,
        namespace: pod.pod.metadata.namespace,
        name: pod.pod.metadata.name,
        containers,
        app: containers[0],
        sidecars: containers.length - 1,
        running: pod,
        storageHint: null,
      };
      stats.pods.set(uid, sample);
      stats.list.push(sample);
    }
    sample.running = pod;
    for (let i = 0; i <= sample.sidecars; i++) sample.containers[i].startTime_ms = pod.started_ms;
    return sample;
  }
}
