/**
 * The metrics APIs an HPA reads in the simulation, behind the MetricsClient interface:
 * metrics.k8s.io from metrics-server's storage, and custom.metrics.k8s.io /
 * external.metrics.k8s.io from whatever adapter the run configures (none by default, in which
 * case they answer as an unregistered API group does, and the HPA reports FailedGet*Metric).
 */
import type { MetricsServer } from "../metrics-server/controller.js";
import type { PodMetricsVisitor } from "../metrics-server/pod.js";
import type { PodSummaryVisitor } from "../metrics-server/pod-summaries.js";
import { nanocoresToMilliValue, type PodMetrics, type UsageResult } from "../metrics-server/types.js";
import { addInt64, mulInt64, type Int64 } from "./int64.js";
import {
  StaticMetricsClient,
  type ContainerMetricsItem,
  type CustomPodMetricItem,
  type MetricsApiError,
  type MetricsClient,
  type PodMetricsInfo,
  type PodMetricsItem,
  type ResourceMetricsAnswer,
  type TimestampedValue,
} from "./metrics-client.js";
import type { CrossVersionObjectReference, ResourceName } from "./types.js";
import type { LabelSelector } from "../cluster/types.js";
import type { MetricsClientFactory } from "./controller.js";

/** A custom/external metrics provider (e.g. the prometheus-adapter model). */
export interface CustomMetricsProvider {
  pods(namespace: string, podNames: readonly string[], metricName: string, metricSelector: LabelSelector | null): readonly CustomPodMetricItem[] | MetricsApiError;
  object(namespace: string, metricName: string, ref: CrossVersionObjectReference, metricSelector: LabelSelector | null): TimestampedValue | MetricsApiError | undefined;
  external(namespace: string, metricName: string, metricSelector: LabelSelector | null): readonly TimestampedValue[] | MetricsApiError;
}

const NO_CUSTOM_METRICS: MetricsApiError = { error: "the server could not find the requested resource (no custom metrics adapter is installed)" };

export function metricsClientFactory(metricsServer: MetricsServer, custom: CustomMetricsProvider | null = null): MetricsClientFactory {
  return (namespace: string, podNames: readonly string[]): MetricsClient => {
    let resource: PodMetricsItem[] | null = null;
    return new StaticMetricsClient({
      // Read lazily: an HPA without Resource metrics never touches metrics-server.
      get resource() {
        resource ??= toPodMetricsItems(metricsServer.getPodMetrics(namespace, podNames));
        return resource;
      },
      // What the client makes of `resource`, summed straight from storage.
      resourceMetric: (name, container) => {
        if (container === "") {
          // A pod's sum over its containers: the pod totals storage keeps.
          const sums = new PodSumsCollector(name);
          metricsServer.visitPodSummaries(namespace, podNames, sums);
          return sums;
        }
        const collector = new ResourceMetricsCollector(name, container);
        metricsServer.visitPodMetrics(namespace, podNames, collector);
        return collector;
      },
      // The HPA's metric selector goes through to the adapter, as the metrics clients pass it.
      pods: (metricName, selector) => (custom ? custom.pods(namespace, podNames, metricName, selector) : NO_CUSTOM_METRICS),
      object: (metricName, ref, selector) => (custom ? custom.object(namespace, metricName, ref, selector) : NO_CUSTOM_METRICS),
      external: (metricName, selector) => (custom ? custom.external(namespace, metricName, selector) : NO_CUSTOM_METRICS),
    });
  };
}

/**
 * metrics.k8s.io PodMetrics as the HPA's client reads them (usage as a ResourceList). Plain loops:
 * this runs for every pod of every HPA sync.
 */
export function toPodMetricsItems(metrics: readonly PodMetrics[]): PodMetricsItem[] {
  const items: PodMetricsItem[] = new Array(metrics.length);
  for (let i = 0; i < metrics.length; i++) {
    const m = metrics[i];
    const containers: ContainerMetricsItem[] = new Array(m.containers.length);
    for (let j = 0; j < m.containers.length; j++) {
      const c = m.containers[j];
      containers[j] = { name: c.name, usage: { cpu_mcores: c.usage.cpu_mcores, memory_bytes: c.usage.memory_bytes } };
    }
    items[i] = { podName: m.name, timestamp_ms: m.timestamp_ms, window_ms: m.window_ms, containers };
  }
  return items;
}

/**
 * metrics/client.go getPodMetrics (sum over a pod's containers) or getContainerMetrics (the named
 * container only) applied to metrics-server's PodMetrics as they stream out of storage: the same
 * PodMetricsInfo as converting `toPodMetricsItems`'s list, without a PodMetricsItem per pod.
 * Every returned pod is counted (`returned`), including one whose containers all failed (it has
 * none, so getPodMetrics leaves it out as missing).
 */
class ResourceMetricsCollector implements PodMetricsVisitor, ResourceMetricsAnswer {
  returned = 0;
  firstTimestamp_ms = 0;
  readonly value: PodMetricsInfo = new Map();
  private podSum_milli: Int64 = 0;
  private podContainers = 0;
  private namedFound = false;

  constructor(
    private readonly resource: ResourceName,
    private readonly containerName: string,
  ) {}

  container(name: string, usage: Readonly<UsageResult>): void {
    // resourceMilliValue of the usage list toPodMetricsItems builds.
    const milli = this.resource === "cpu" ? nanocoresToMilliValue(usage.cpu_nanocores) : mulInt64(usage.memory_bytes, 1000);
    this.podContainers++;
    if (this.containerName === "") {
      this.podSum_milli = addInt64(this.podSum_milli, milli);
    } else if (!this.namedFound && name === this.containerName) {
      this.namedFound = true;
      this.podSum_milli = milli;
    }
  }

  pod(_namespace: string, name: string, timestamp_ms: number, window_ms: number): void {
    if (this.returned++ === 0) this.firstTimestamp_ms = timestamp_ms;
    const present = this.containerName === "" ? this.podContainers > 0 : this.namedFound;
    if (present) this.value.set(name, { timestamp_ms, window_ms, value_milli: this.podSum_milli });
    this.podSum_milli = 0;
    this.podContainers = 0;
    this.namedFound = false;
  }
}

/** metrics/client.go getPodMetrics over the pod totals storage keeps (PodStorage.visitSummaries). */
class PodSumsCollector implements PodSummaryVisitor, ResourceMetricsAnswer {
  returned = 0;
  firstTimestamp_ms = 0;
  readonly value: PodMetricsInfo = new Map();

  constructor(private readonly resource: ResourceName) {}

  pod(name: string, timestamp_ms: number, window_ms: number, containers: number, cpuMilli: number, memory_bytes: number): void {
    if (this.returned++ === 0) this.firstTimestamp_ms = timestamp_ms;
    // A pod with no container usage is left out (missing), as getPodMetrics leaves it.
    if (containers === 0) return;
    // Σ (bytes × 1000) = (Σ bytes) × 1000 exactly, int64 wrap-around included.
    const value_milli = this.resource === "cpu" ? cpuMilli : mulInt64(memory_bytes, 1000);
    this.value.set(name, { timestamp_ms, window_ms, value_milli });
  }
}
