/**
 * The metrics APIs an HPA reads in the simulation, behind the MetricsClient interface:
 * metrics.k8s.io from metrics-server's storage, and custom.metrics.k8s.io /
 * external.metrics.k8s.io from whatever adapter the run configures (none by default, in which
 * case they answer as an unregistered API group does, and the HPA reports FailedGet*Metric).
 */
import type { MetricsServer } from "../metrics-server/controller.js";
import type { PodMetrics } from "../metrics-server/types.js";
import {
  StaticMetricsClient,
  type ContainerMetricsItem,
  type CustomPodMetricItem,
  type MetricsApiError,
  type MetricsClient,
  type PodMetricsItem,
  type TimestampedValue,
} from "./metrics-client.js";
import type { CrossVersionObjectReference } from "./types.js";
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
function toPodMetricsItems(metrics: readonly PodMetrics[]): PodMetricsItem[] {
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
