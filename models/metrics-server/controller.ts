/**
 * metrics-server running on the kernel: every --metric-resolution (default 15 s as the official
 * manifests set it; the binary default is 60 s) it scrapes every node's kubelet
 * /metrics/resource (pkg/server/server.go tick -> scraper.Scrape) and stores the batch
 * (storage.go Store). Its first tick comes `phase_ms` after start (drawn U[0, resolution) from
 * the stream `metrics-server` when null), so its grid is not aligned with cAdvisor's or the HPA's.
 * A scrape's answers land `scrapeLatency_ms` after the tick (the kubelet requests' round trip).
 *
 * It serves the metrics.k8s.io API from storage: the only resource usage the autoscalers see.
 */
import type { Simulation } from "../../engine/index.js";
import type { Cadvisor } from "../cadvisor/cadvisor.js";
import { MetricsStorage } from "./storage.js";
import type { PodMetricsVisitor } from "./pod.js";
import type { NodeMetrics, NodeScrape, PodMetrics, Scrape } from "./types.js";

export interface MetricsServerConfig {
  metricResolution_ms: number;
  phase_ms: number | null;
  scrapeLatency_ms: number;
}

export const DEFAULT_METRICS_SERVER_CONFIG: Readonly<MetricsServerConfig> = Object.freeze({
  metricResolution_ms: 15_000,
  phase_ms: null,
  scrapeLatency_ms: 0,
});

export class MetricsServer {
  readonly storage: MetricsStorage;
  private readonly nodeNames: string[] = [];
  /** The scrape of a tick stored at once (scrapeLatency_ms 0), reused from tick to tick. */
  private readonly scratch: NodeScrape[] = [];
  scrapes = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly kubelets: Cadvisor,
    readonly config: Readonly<MetricsServerConfig> = DEFAULT_METRICS_SERVER_CONFIG,
  ) {
    if (config.metricResolution_ms < 10_000) {
      // options.go validate: "metric-resolution should be a time duration at least 10s"
      throw new RangeError(`metric resolution must be at least 10s, got ${config.metricResolution_ms / 1000}s`);
    }
    this.storage = new MetricsStorage(config.metricResolution_ms);
    const phase_ms =
      config.phase_ms ?? Math.floor(sim.rng.stream("metrics-server").uniform(0, config.metricResolution_ms));
    sim.every(config.metricResolution_ms, () => this.tick(), { phase_ms });
  }

  addNode(name: string): void {
    if (!this.nodeNames.includes(name)) this.nodeNames.push(name);
  }

  removeNode(name: string): void {
    const i = this.nodeNames.indexOf(name);
    if (i >= 0) this.nodeNames.splice(i, 1);
  }

  /** metrics.k8s.io PodMetrics for the named pods that storage can serve. */
  getPodMetrics(namespace: string, podNames: readonly string[]): PodMetrics[] {
    return this.storage.getPodMetrics(namespace, podNames);
  }

  /** The same pods as `getPodMetrics`, streamed to a visitor (see PodStorage.visitMetrics). */
  visitPodMetrics(namespace: string, podNames: readonly string[], visitor: PodMetricsVisitor, podHandles?: ArrayLike<number>): void {
    this.storage.visitPodMetrics(namespace, podNames, visitor, podHandles);
  }

  getNodeMetrics(nodeNames: readonly string[]): NodeMetrics[] {
    return this.storage.getNodeMetrics(nodeNames);
  }

  private tick(): void {
    if (this.config.scrapeLatency_ms > 0) {
      // A delayed store needs its own copy of what the kubelets answered now: their responses
      // are reused, and their samples change at the next housekeeping.
      const scrape: NodeScrape[] = [];
      for (const name of this.nodeNames) {
        const response = this.kubelets.resourceMetrics(name);
        if (response) scrape.push(copyNodeScrape(response));
      }
      this.sim.schedule(this.config.scrapeLatency_ms, () => this.store(scrape));
      return;
    }
    // Storing at once copies the numbers out, so the kubelets' responses are stored as they are,
    // from a list reused every tick.
    const scrape = this.scratch;
    let n = 0;
    for (let i = 0; i < this.nodeNames.length; i++) {
      const response = this.kubelets.resourceMetrics(this.nodeNames[i]);
      if (response) scrape[n++] = response;
    }
    if (scrape.length !== n) scrape.length = n;
    this.store(scrape);
  }

  private store(scrape: Scrape): void {
    this.scrapes++;
    this.storage.store(scrape);
  }
}

/**
 * A copy of a kubelet response as plain objects (no columns), for a store that happens later:
 * the kubelets' responses are reused and change at their next housekeeping.
 */
export function copyNodeScrape(response: NodeScrape): NodeScrape {
  return {
    nodeName: response.nodeName,
    node: response.node && { ...response.node },
    pods: response.pods.map((p) => ({
      namespace: p.namespace,
      name: p.name,
      containers: p.containers.map((c) => ({
        name: c.name,
        startTime_ms: c.startTime_ms,
        timestamp_ms: c.timestamp_ms,
        cumulativeCpuUsed_mcore_ms: c.cumulativeCpuUsed_mcore_ms,
        memoryWorkingSet_bytes: c.memoryWorkingSet_bytes,
      })),
    })),
  };
}
