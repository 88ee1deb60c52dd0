/**
 * kubernetes-sigs/metrics-server `pkg/storage/storage.go` storage (NewStorage, Store, Ready,
 * NodeReady, PodReady, GetNodeMetrics, GetPodMetrics), fed one tick's scrape as
 * `pkg/scraper/scraper.go` Scrape merges it: node responses in order, a failed node simply absent,
 * a duplicate node or pod after the first ignored.
 *
 * Pure: no clock. The caller (the metrics-server controller) calls `store` on each tick of its
 * --metric-resolution ticker and serves `getPodMetrics` / `getNodeMetrics` as the metrics API.
 */
import { NodeStorage } from "./node.js";
import { PodStorage, type PodMetricsVisitor } from "./pod.js";
import type { NodeMetrics, PodMetrics, Scrape } from "./types.js";

/** Counts of what one `store` kept and dropped, for the decision log. */
export interface StoreSummary {
  nodesStored: number;
  nodesDropped: number;
  podsStored: number;
  podsDropped: number;
}

export class MetricsStorage {
  private readonly pods: PodStorage;
  private readonly nodes = new NodeStorage();
  /** Reused: `store` returns the same object each call. */
  private readonly summary: StoreSummary = { nodesStored: 0, nodesDropped: 0, podsStored: 0, podsDropped: 0 };

  /** storage.go NewStorage(metricResolution). */
  constructor(readonly metricResolution_ms: number) {
    this.pods = new PodStorage(metricResolution_ms);
  }

  /**
   * storage.go Store: nodes then pods, each replacing everything stored before. The returned
   * summary is overwritten by the next call.
   */
  store(scrape: Scrape): Readonly<StoreSummary> {
    const sum = this.summary;
    sum.nodesStored = sum.nodesDropped = sum.podsStored = sum.podsDropped = 0;
    this.nodes.beginStore();
    for (const n of scrape) {
      if (this.nodes.storeNode(n.nodeName, n.node)) sum.nodesStored++;
      else sum.nodesDropped++;
    }
    this.nodes.endStore();
    this.pods.beginStore();
    for (const n of scrape) {
      if (n.columns !== undefined) {
        const stored = this.pods.storeColumns(n.columns);
        sum.podsStored += stored;
        sum.podsDropped += n.columns.count - stored;
        continue;
      }
      for (const p of n.pods) {
        if (this.pods.storePod(p)) sum.podsStored++;
        else sum.podsDropped++;
      }
    }
    this.pods.endStore();
    return sum;
  }

  /** storage.go Ready: both node and pod metrics can be served. */
  ready(): boolean {
    return this.nodes.ready() && this.pods.ready();
  }

  nodeReady(): boolean {
    return this.nodes.ready();
  }

  podReady(): boolean {
    return this.pods.ready();
  }

  /** Containers with both points: the metrics_server_storage_points{type="container"} gauge. */
  containerPointsStored(): number {
    return this.pods.pointsStored();
  }

  /** storage.go GetPodMetrics for pods of one namespace; pods without metrics are left out. */
  getPodMetrics(namespace: string, podNames: readonly string[]): PodMetrics[] {
    return this.pods.getMetrics(namespace, podNames);
  }

  /** `getPodMetrics` streamed to a visitor (see PodStorage.visitMetrics): no objects per pod. */
  visitPodMetrics(namespace: string, podNames: readonly string[], visitor: PodMetricsVisitor, podHandles?: ArrayLike<number>): void {
    this.pods.visitMetrics(namespace, podNames, visitor, podHandles);
  }

  /** storage.go GetNodeMetrics; nodes without metrics are left out. */
  getNodeMetrics(nodeNames: readonly string[]): NodeMetrics[] {
    return this.nodes.getMetrics(nodeNames);
  }
}
