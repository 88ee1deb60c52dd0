/**
 * Assembles a cluster simulation from a programmatic configuration: the kernel, the state store,
 * every component model wired only through the store (and the runtime/cAdvisor/metrics-server
 * data path), the initial objects, the load, and the recorders. The YAML scenario loader turns a
 * scenario file into this configuration; tests and benchmarks build it directly.
 */
import { Simulation, TimeSeries } from "../engine/index.js";
import { ClusterStore, StoreError, type NewObject, type StoredObject } from "../models/cluster/store.js";
import { EventLog } from "../models/cluster/events.js";
import type { Node, Taint } from "../models/cluster/types.js";
import { Kubelets, DEFAULT_KUBELET_CONFIG, type KubeletConfig } from "../models/kubelet/kubelet.js";
import { PodRuntime } from "../models/kubelet/container-runtime.js";
import { Cadvisor, DEFAULT_CADVISOR_CONFIG, type CadvisorConfig } from "../models/cadvisor/cadvisor.js";
import { MetricsServer, DEFAULT_METRICS_SERVER_CONFIG, type MetricsServerConfig } from "../models/metrics-server/controller.js";
import { ServiceTraffic, DEFAULT_TRAFFIC_CONFIG, type TrafficConfig, type TrafficSource } from "../models/service/traffic.js";
import { AppCatalog, type AppProfile } from "../models/workload/app-profile.js";
import { HorizontalController, DEFAULT_HPA_CONTROLLER_CONFIG, type HpaControllerConfig } from "../models/hpa/controller.js";
import { metricsClientFactory } from "../models/hpa/metrics-apis.js";
import { SchedulerController, DEFAULT_SCHEDULER_CONTROLLER_CONFIG, type SchedulerControllerConfig } from "../models/scheduler/controller.js";
import { DEFAULT_REPLICASET_CONTROLLER_CONFIG, REPLICATION_CONTROLLER_KIND, ReplicaSetController } from "../models/replicaset/controller.js";
import { StatefulSetController } from "../models/statefulset/controller.js";
import { PersistentVolumeController } from "../models/volume/pv-controller.js";
import { DeploymentController } from "../models/deployment/controller.js";
import { JobController } from "../models/job/controller.js";
import { TtlAfterFinishedController } from "../models/job/ttl-after-finished.js";
import { CronJobController } from "../models/cronjob/controller.js";
import { createCustomMetricsPipeline } from "../models/prometheus-adapter/pipeline.js";
import { DEFAULT_PROMETHEUS_CONFIG, type PrometheusConfig } from "../models/prometheus-adapter/prometheus.js";
import { DEFAULT_ADAPTER_CONFIG, type AdapterConfig } from "../models/prometheus-adapter/adapter.js";
import type { StoredHorizontalPodAutoscaler } from "../models/hpa/controller.js";
import { Sampler } from "./sampler.js";
import { installAdmission } from "../models/cluster/admission.js";
import { ResourceQuotaController } from "../models/quota/controller.js";
import { IngressRouter, type IngressTrafficSource } from "../models/ingress/router.js";
import { ingressBackends } from "../models/ingress/routing.js";
import type { Ingress } from "../models/ingress/types.js";

export interface NodeGroup {
  name: string;
  count: number;
  cpu_mcores: number;
  memory_bytes: number;
  /** Max pods per node (kubelet --max-pods, default 110). */
  pods?: number;
  labels?: Record<string, string>;
  taints?: Taint[];
}

export interface ComponentConfig {
  /** Delay of watch notifications (informer lag) for every controller. */
  watchDelay_ms: number;
  kubelet: KubeletConfig;
  cadvisor: CadvisorConfig;
  metricsServer: MetricsServerConfig;
  hpa: HpaControllerConfig;
  scheduler: SchedulerControllerConfig;
  traffic: TrafficConfig;
  /** Prometheus and prometheus-adapter: built only when an HPA reads Pods, Object or External metrics. */
  prometheus: PrometheusConfig;
  prometheusAdapter: AdapterConfig;
}

export const DEFAULT_COMPONENT_CONFIG: Readonly<ComponentConfig> = Object.freeze({
  watchDelay_ms: 0,
  kubelet: DEFAULT_KUBELET_CONFIG,
  cadvisor: DEFAULT_CADVISOR_CONFIG,
  metricsServer: DEFAULT_METRICS_SERVER_CONFIG,
  hpa: DEFAULT_HPA_CONTROLLER_CONFIG,
  scheduler: DEFAULT_SCHEDULER_CONTROLLER_CONFIG,
  traffic: DEFAULT_TRAFFIC_CONFIG,
  prometheus: DEFAULT_PROMETHEUS_CONFIG,
  prometheusAdapter: DEFAULT_ADAPTER_CONFIG,
});

export interface SimulationConfig {
  seed: number;
  duration_ms: number;
  nodeGroups: NodeGroup[];
  /** Objects created at time 0, in order (Deployments, Services, HPAs, Pods, ...). */
  objects: NewObject<StoredObject>[];
  apps: AppProfile[];
  traffic: TrafficSource[];
  /** Load sent to an Ingress host and path (models/ingress/router.ts). */
  ingressTraffic?: IngressTrafficSource[];
  /** Objects replaced in the store at a time (a scenario's timed patches), in time order. */
  updates?: { at_ms: number; object: NewObject<StoredObject> }[];
  /** Time-series sampling interval (default 15 s). */
  sampleInterval_ms: number;
  /** outputs.lagMinStep: the relative change of offered rate lag.csv counts as a load step (default 0.2). */
  lagMinStep?: number;
  /** outputs.summaryFrom: service quality counts from here (default: when the first load starts). */
  summaryFrom_ms?: number;
  components: Partial<{ [K in keyof ComponentConfig]: Partial<ComponentConfig[K]> | ComponentConfig[K] }>;
}

function merge<T extends object>(base: Readonly<T>, override: Partial<T> | undefined): T {
  return { ...base, ...(override ?? {}) } as T;
}

/** The resolved component parameters of a configuration (recorded in the run manifest). */
export function effectiveComponents(config: SimulationConfig): ComponentConfig {
  const c = config.components;
  return {
    watchDelay_ms: (c.watchDelay_ms as number | undefined) ?? DEFAULT_COMPONENT_CONFIG.watchDelay_ms,
    kubelet: merge(DEFAULT_KUBELET_CONFIG, c.kubelet as Partial<KubeletConfig>),
    cadvisor: merge(DEFAULT_CADVISOR_CONFIG, c.cadvisor as Partial<CadvisorConfig>),
    metricsServer: merge(DEFAULT_METRICS_SERVER_CONFIG, c.metricsServer as Partial<MetricsServerConfig>),
    hpa: merge(DEFAULT_HPA_CONTROLLER_CONFIG, c.hpa as Partial<HpaControllerConfig>),
    scheduler: merge(DEFAULT_SCHEDULER_CONTROLLER_CONFIG, c.scheduler as Partial<SchedulerControllerConfig>),
    traffic: merge(DEFAULT_TRAFFIC_CONFIG, c.traffic as Partial<TrafficConfig>),
    prometheus: merge(DEFAULT_PROMETHEUS_CONFIG, c.prometheus as Partial<PrometheusConfig>),
    prometheusAdapter: merge(DEFAULT_ADAPTER_CONFIG, c.prometheusAdapter as Partial<AdapterConfig>),
  };
}

/** Whether any HPA of the run reads custom or external metrics (so Prometheus must run). */
export function needsCustomMetrics(config: SimulationConfig): boolean {
  for (const object of config.objects) {
    if (object.kind !== "HorizontalPodAutoscaler") continue;
    const hpa = object as unknown as StoredHorizontalPodAutoscaler;
    if (hpa.spec.metrics.some((m) => m.type === "Pods" || m.type === "Object" || m.type === "External")) return true;
  }
  return false;
}

/** Whether the run starts with an object of one of `kinds`. */
function hasKind(config: SimulationConfig, ...kinds: string[]): boolean {
  return config.objects.some((object) => kinds.includes(object.kind));
}

export class ClusterSimulation {
  readonly sim: Simulation;
  readonly store: ClusterStore;
  readonly events = new EventLog();
  readonly timeseries = new TimeSeries();
  readonly apps: AppCatalog;
  readonly runtime: PodRuntime;
  readonly kubelets: Kubelets;
  readonly cadvisor: Cadvisor;
  readonly metricsServer: MetricsServer;
  readonly scheduler: SchedulerController;
  readonly replicaSets: ReplicaSetController;
  readonly deployments: DeploymentController;
  /** Built only when the run starts with objects of their kinds (each watches every pod). */
  readonly jobs: JobController | null;
  readonly cronJobs: CronJobController | null;
  readonly replicationControllers: ReplicaSetController | null;
  readonly statefulSets: StatefulSetController | null;
  readonly volumes: PersistentVolumeController | null;
  readonly traffic: ServiceTraffic;
  readonly ingress: IngressRouter;
  readonly hpa: HorizontalController;
  readonly components: ComponentConfig;

  constructor(readonly config: SimulationConfig) {
    const components = (this.components = effectiveComponents(config));
    this.sim = new Simulation({ seed: config.seed });
    this.store = new ClusterStore(this.sim, components.watchDelay_ms);
    installAdmission(this.store);
    new ResourceQuotaController(this.sim, this.store);
    this.apps = new AppCatalog(config.apps);
    this.runtime = new PodRuntime(this.apps);
    this.kubelets = new Kubelets(this.sim, this.store, this.events, this.apps, this.runtime, components.kubelet);
    this.runtime.killOnOom(this.sim, (pod, container, now_ms) => this.kubelets.oomKill(pod, container, now_ms));
    this.cadvisor = new Cadvisor(this.sim, this.runtime, components.cadvisor);
    this.metricsServer = new MetricsServer(this.sim, this.cadvisor, components.metricsServer);
    this.scheduler = new SchedulerController(this.sim, this.store, this.events, components.scheduler);
    this.replicaSets = new ReplicaSetController(this.sim, this.store, this.events);
    this.deployments = new DeploymentController(this.sim, this.store, this.events);
    this.jobs = hasKind(config, "Job", "CronJob") ? new JobController(this.sim, this.store, this.events, this.timeseries) : null;
    if (this.jobs !== null) new TtlAfterFinishedController(this.sim, this.store);
    this.cronJobs = hasKind(config, "CronJob") ? new CronJobController(this.sim, this.store, this.events) : null;
    this.replicationControllers = hasKind(config, "ReplicationController")
      ? new ReplicaSetController(this.sim, this.store, this.events, DEFAULT_REPLICASET_CONTROLLER_CONFIG, REPLICATION_CONTROLLER_KIND)
      : null;
    this.statefulSets = hasKind(config, "StatefulSet") ? new StatefulSetController(this.sim, this.store, this.events) : null;
    this.volumes = hasKind(config, "StatefulSet", "PersistentVolumeClaim") ? new PersistentVolumeController(this.sim, this.store, this.events) : null;
    const ingresses = config.objects.filter((o) => o.kind === "Ingress") as unknown as Ingress[];
    this.ingress = new IngressRouter(this.sim, this.store, this.events, config.ingressTraffic ?? [], config.traffic, ingressBackends(ingresses));
    this.traffic = new ServiceTraffic(this.sim, this.store, this.runtime, this.events, this.ingress.sources, components.traffic);
    this.ingress.connect(this.traffic);
    const custom = needsCustomMetrics(config)
      ? createCustomMetricsPipeline(this.sim, this.runtime, this.traffic, this.store, { prometheus: components.prometheus, adapter: components.prometheusAdapter })
      : null;
    this.hpa = new HorizontalController(this.sim, this.store, this.events, metricsClientFactory(this.metricsServer, custom), components.hpa);
    new Sampler(this.sim, this.store, this.runtime, this.traffic, this.hpa, this.timeseries, config.sampleInterval_ms);

    for (const group of config.nodeGroups) {
      for (let i = 0; i < group.count; i++) this.addNode(group, `${group.name}-${i}`);
    }
    for (const object of config.objects) this.createInitial(structuredClone(object));
    for (const { at_ms, object } of config.updates ?? []) this.sim.scheduleAt(at_ms, () => this.replace(object));
  }

  /** Creates a manifest object; one admission refuses (a LimitRange max) is reported as kubectl would, and skipped. */
  private createInitial(object: NewObject<StoredObject>): void {
    try {
      this.store.create(object);
    } catch (e) {
      if (!(e instanceof StoreError) || e.reason !== "Forbidden") throw e;
      this.events.emit(this.sim.now_ms, "kubectl", object.kind, object.metadata.name, "Warning", "FailedCreate", `Error from server (Forbidden): ${e.message}`);
    }
  }

  /** A timed patch: the stored object takes the new object's labels, annotations and spec. */
  private replace(object: NewObject<StoredObject>): void {
    const { namespace = "default", name } = object.metadata;
    const stored = this.store.get<StoredObject & { spec?: unknown }>(object.kind, namespace, name);
    if (stored === undefined) return; // deleted meanwhile, as `kubectl apply` would then create it; kubesim skips it
    stored.metadata.labels = { ...(object.metadata.labels ?? {}) };
    stored.metadata.annotations = { ...(object.metadata.annotations ?? {}) };
    stored.spec = structuredClone((object as { spec?: unknown }).spec);
    // The API server bumps metadata.generation on a spec change (updateDeploymentSpec's reason).
    const meta = stored.metadata as { generation?: number };
    if (typeof meta.generation === "number") meta.generation++;
    this.store.update(stored);
  }

  /** Adds a Ready node of a group (used at start, and by a cluster autoscaler later). */
  addNode(group: NodeGroup, name: string): Node {
    const resources = { cpu_mcores: group.cpu_mcores, memory_bytes: group.memory_bytes, pods: group.pods ?? 110 };
    const node = this.store.create<Node>({
      kind: "Node",
      metadata: {
        name,
        labels: { "kubernetes.io/hostname": name, "kubesim.io/node-group": group.name, ...(group.labels ?? {}) },
      },
      spec: { unschedulable: false, taints: group.taints ?? [] },
      status: {
        capacity: { ...resources },
        allocatable: { ...resources },
        conditions: [{ type: "Ready", status: "True", lastTransitionTime_ms: this.sim.now_ms }],
      },
    });
    this.runtime.addNode(name, group.cpu_mcores);
    this.cadvisor.addNode(name);
    this.metricsServer.addNode(name);
    return node;
  }

  /** Runs to the configured duration (or `until_ms`); returns the events executed. */
  run(until_ms = this.config.duration_ms): number {
    return this.sim.run(until_ms);
  }
}
