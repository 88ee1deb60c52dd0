/**
 * The custom-metrics pipeline: apps' /metrics -> Prometheus scrape -> prometheus-adapter ->
 * custom.metrics.k8s.io / external.metrics.k8s.io, as one CustomMetricsProvider for
 * models/hpa/metrics-apis.ts metricsClientFactory.
 */
import type { Simulation } from "../../engine/index.js";
import type { ClusterStore } from "../cluster/store.js";
import type { PodRuntime } from "../kubelet/container-runtime.js";
import type { ServiceTraffic } from "../service/traffic.js";
import { DEFAULT_ADAPTER_CONFIG, PrometheusAdapter, type AdapterConfig } from "./adapter.js";
import { DEFAULT_PROMETHEUS_CONFIG, Prometheus, type PrometheusConfig } from "./prometheus.js";

export interface CustomMetricsConfig {
  prometheus: PrometheusConfig;
  adapter: AdapterConfig;
}

export const DEFAULT_CUSTOM_METRICS_CONFIG: Readonly<CustomMetricsConfig> = Object.freeze({
  prometheus: DEFAULT_PROMETHEUS_CONFIG,
  adapter: DEFAULT_ADAPTER_CONFIG,
});

/** A partial configuration (as a scenario gives it): each part overrides the defaults' fields. */
export interface CustomMetricsOverrides {
  prometheus?: Partial<PrometheusConfig>;
  adapter?: Partial<AdapterConfig>;
}

export function resolveCustomMetricsConfig(overrides: CustomMetricsOverrides = {}): CustomMetricsConfig {
  return {
    prometheus: { ...DEFAULT_PROMETHEUS_CONFIG, ...(overrides.prometheus ?? {}) },
    adapter: { ...DEFAULT_ADAPTER_CONFIG, ...(overrides.adapter ?? {}) },
  };
}

/**
 * Builds Prometheus (its scrape timer, its Pod watch) and the adapter (its relist timer) on the
 * kernel. Call after the runtime and the Service traffic exist and before objects are created,
 * so the Pod watch sees every pod.
 */
export function createCustomMetricsPipeline(
  sim: Simulation,
  runtime: PodRuntime,
  traffic: ServiceTraffic,
  store: ClusterStore,
  config: CustomMetricsOverrides = {},
): PrometheusAdapter {
  const resolved = resolveCustomMetricsConfig(config);
  const prometheus = new Prometheus(sim, runtime, traffic, store, resolved.prometheus);
  return new PrometheusAdapter(sim, prometheus, resolved.adapter);
}
