/** The scenario file: kubesim's own YAML format naming cluster, manifests, apps, load and parameters. */
export { loadScenario, DEFAULT_SAMPLE_INTERVAL_MS, DEFAULT_SLO_LATENCY_P95_MS, type LoadedScenario, type ScenarioInfo } from "./load.js";
export { API_VERSION, KIND } from "./fields.js";
export {
  KUBELET_PARAMS,
  CADVISOR_PARAMS,
  METRICS_SERVER_PARAMS,
  HPA_PARAMS,
  SCHEDULER_PARAMS,
  TRAFFIC_PARAMS,
  type ComponentOverrides,
} from "./components.js";
export { strategicMerge, jsonPatch, parsePointer } from "./patch.js";
