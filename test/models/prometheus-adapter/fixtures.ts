/**
 * A small cluster for the custom-metrics pipeline: pods bound by hand, the kubelet starts them,
 * a Service spreads a load profile over them (fluid arrivals), Prometheus scrapes, the adapter
 * answers.
 */
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { EventLog } from "../../../models/cluster/events.js";
import type { Pod } from "../../../models/cluster/types.js";
import { Kubelets, DEFAULT_KUBELET_CONFIG } from "../../../models/kubelet/kubelet.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { ServiceTraffic } from "../../../models/service/traffic.js";
import { AppCatalog, APP_ANNOTATION } from "../../../models/workload/app-profile.js";
import type { LoadProfile } from "../../../models/workload/load-profiles.js";
import { createCustomMetricsPipeline, type CustomMetricsOverrides } from "../../../models/prometheus-adapter/pipeline.js";
import { node, pod, container, service } from "../pipeline/fixtures.js";

export const APP = {
  name: "web", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 50 * 2 ** 20,
  memoryPerInflight_bytes: 1024, queueCapacity_requests: 100, warmup_ms: 0, shutdown_ms: 0,
};

export interface ClusterOptions {
  pods?: number;
  limit_mcores?: number;
  seed?: number;
  custom?: CustomMetricsOverrides;
}

export function cluster(profile: LoadProfile, options: ClusterOptions = {}) {
  const sim = new Simulation({ seed: options.seed ?? 1 });
  const store = new ClusterStore(sim);
  const events = new EventLog();
  const apps = new AppCatalog([APP]);
  const runtime = new PodRuntime(apps);
  const kubelets = new Kubelets(sim, store, events, apps, runtime, { ...DEFAULT_KUBELET_CONFIG, defaultImagePull_ms: 0 });
  runtime.killOnOom(sim, (p, c, now) => kubelets.oomKill(p, c, now));
  const traffic = new ServiceTraffic(sim, store, runtime, events, [
    { namespace: "default", service: "web", profile, arrivals: "fluid", interval_ms: 1000, spread: "round-robin" },
  ]);
  const adapter = createCustomMetricsPipeline(sim, runtime, traffic, store, options.custom ?? {});
  for (const name of ["node-a", "node-b"]) {
    store.create(node(name, 64_000));
    runtime.addNode(name, 64_000);
  }
  store.create(service("web", { app: "web" }));
  const n = options.pods ?? 2;
  const addPod = (i: number): Pod =>
    store.create(pod(`web-${i}`, { app: "web" }, [container("app", 200, options.limit_mcores)], i % 2 ? "node-b" : "node-a", { [APP_ANNOTATION]: "web" })) as Pod;
  for (let i = 0; i < n; i++) addPod(i);
  return { sim, store, events, runtime, traffic, adapter, prometheus: adapter.prometheus, addPod };
}

export const PODS = ["web-0", "web-1"] as const;
