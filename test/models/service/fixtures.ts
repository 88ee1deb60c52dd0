/** A ServiceTraffic on a fresh simulation and store, with one plain app, for the Service tests. */
import { Simulation } from "../../../engine/index.js";
import { EventLog } from "../../../models/cluster/events.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import { PodRuntime } from "../../../models/kubelet/container-runtime.js";
import { ServiceTraffic, type TrafficConfig } from "../../../models/service/traffic.js";
import { AppCatalog } from "../../../models/workload/app-profile.js";

const APP = {
  name: "app", cpuPerRequest_mcore_s: 10, baselineCpu_mcores: 1, memoryBaseline_bytes: 1e6,
  memoryPerInflight_bytes: 1, queueCapacity_requests: 10, warmup_ms: 0, shutdown_ms: 0,
};

export function newTraffic(config?: TrafficConfig): { sim: Simulation; store: ClusterStore; traffic: ServiceTraffic } {
  const sim = new Simulation({ seed: 1 });
  const store = new ClusterStore(sim);
  const traffic = new ServiceTraffic(sim, store, new PodRuntime(new AppCatalog([APP])), new EventLog(), [], config);
  return { sim, store, traffic };
}
