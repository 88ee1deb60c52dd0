/**
 * Assembles a cluster simulation from a programmatic configuration: the kernel, the state store,
 * every component model wired only through the store (and the runtime/cAdvisor/metrics-server
 * data path), the initial objects, the load, and the recorders. The YAML scenario loader turns a
 * scenario file into this configuration; tests and benchmarks build it directly.
 */
import { DEFAULT_VPA_CONFIG, type VpaConfig } from "../models/vpa/object.js";
import { VpaRecommender } from "../models/vpa/recommender-controller.js";
import { VpaAdmissionController } from "../models/vpa/admission-controller.js";
import { VpaUpdater } from "../models/vpa/updater-controller.js";
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
import { metricsClientFactory, withExternalMetrics } from "../models/hpa/metrics-apis.js";
import { SchedulerController, DEFAULT_SCHEDULER_CONTROLLER_CONFIG, type SchedulerControllerConfig } from "../models/scheduler/controller.js";
import { DEFAULT_REPLICASET_CONTROLLER_CONFIG, REPLICATION_CONTROLLER_KIND, ReplicaSetController } from "../models/replicaset/controller.js";
import { StatefulSetController } from "../models/statefulset/controller.js";
import { DaemonSetController } from "../models/daemonset/controller.js";
import { DEFAULT_KEDA_OPERATOR_CONFIG, KedaOperator, type KedaOperatorConfig, type StoredScaledObject } from "../models/keda/operator.js";
import { QueueBrokers, type QueueSpec } from "../models/queue/broker.js";
import { DisruptionController } from "../models/disruption/controller.js";
import { PersistentVolumeController } from "../models/volume/pv-controller.js";
import { DeploymentController } from "../models/deployment/controller.js";
import { JobController } from "../models/job/controller.js";
import { TtlAfterFinishedController } from "../models/job/ttl-after-finished.js";
import { CronJobController } from "../models/cronjob/controller.js";
import { createCustomMetricsPipeline } from "../models/prometheus-adapter/pipeline.js";
import { ControllerHost, type ControllerSpec } from "./plugins/host.js";
import { DEFAULT_PROMETHEUS_CONFIG, type PrometheusConfig } from "../models/prometheus-adapter/prometheus.js";
import { DEFAULT_ADAPTER_CONFIG, type AdapterConfig } from "../models/prometheus-adapter/adapter.js";
import type { StoredHorizontalPodAutoscaler } from "../models/hpa/controller.js";
import { Sampler } from "./sampler.js";
import { CloudProvider, DEFAULT_PROVISIONING, type NodeLifecycle, type ProvisioningSpec } from "../models/cluster-autoscaler/cloud-provider.js";
import { ClusterAutoscaler } from "../models/cluster-autoscaler/controller.js";
import { DEFAULT_CLUSTER_AUTOSCALER_CONFIG, type ClusterAutoscalerConfig } from "../models/cluster-autoscaler/config.js";
import { NODE_GROUP_LABEL, NOT_READY_TAINT, toCaNode } from "../models/cluster-autoscaler/convert.js";
import type { CaNode } from "../models/cluster-autoscaler/types.js";
import type { Pod } from "../models/cluster/types.js";
import { installAdmission } from "../models/cluster/admission.js";
import { ResourceQuotaController } from "../models/quota/controller.js";
import { IngressRouter, type IngressTrafficSource } from "../models/ingress/router.js";
import { ingressBackends } from "../models/ingress/routing.js";
import type { Ingress } from "../models/ingress/types.js";

export interface NodeGroup {
  name: string;
  /** Nodes at start (the initial size of an autoscaled group). */
  count: number;
  /** Allocatable CPU and memory of each node. */
  cpu_mcores: number;
  memory_bytes: number;
  /** Max pods per node (kubelet --max-pods, default 110). */
  pods?: number;
  /** Capacity when it differs from allocatable (an instance type's reservations); absent = allocatable. */
  capacity?: { cpu_mcores: number; memory_bytes: number };
  /** The catalogue instance type the node shape came from (models/cluster-autoscaler/instance-types.ts). */
  instanceType?: string;
  labels?: Record<string, string>;
  taints?: Taint[];
  /** Cluster Autoscaler bounds; absent = the group is not autoscaled. */
  autoscaling?: { min: number; max: number };
  /** On-demand price of one node (default 0). */
  price_usd_per_h?: number;
  /** How new nodes of an autoscaled group come up (default DEFAULT_PROVISIONING). */
  provisioning?: ProvisioningSpec;
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
  /** Runs only when a node group has `autoscaling`. */
  clusterAutoscaler: ClusterAutoscalerConfig;
  /** Runs only when the objects include a VerticalPodAutoscaler. */
  vpa: VpaConfig;
  /** Runs only when the objects include a ScaledObject. */
  keda: KedaOperatorConfig;
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
  clusterAutoscaler: DEFAULT_CLUSTER_AUTOSCALER_CONFIG,
  vpa: DEFAULT_VPA_CONFIG,
  keda: DEFAULT_KEDA_OPERATOR_CONFIG,
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
  /** Message queues (Redis lists, Kafka topics) and their producers; apps consume them (AppProfile.consumes). */
  queues?: QueueSpec[];
  /** Controller plugins (a scenario's `controllers`), started after the built-in components. */
  controllers?: ControllerSpec[];
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
    clusterAutoscaler: merge(DEFAULT_CLUSTER_AUTOSCALER_CONFIG, c.clusterAutoscaler as Partial<ClusterAutoscalerConfig>),
    vpa: merge(DEFAULT_VPA_CONFIG, c.vpa as Partial<VpaConfig>),
    keda: merge(DEFAULT_KEDA_OPERATOR_CONFIG, c.keda as Partial<KedaOperatorConfig>),
  };
}

/** Whether any HPA of the run reads custom or external metrics, or a ScaledObject queries Prometheus (so Prometheus must run). */
export function needsCustomMetrics(config: SimulationConfig): boolean {
  // A controller plugin may query Prometheus or the custom metrics API.
  if ((config.controllers ?? []).length > 0) return true;
  for (const object of config.objects) {
    if ((object.kind === "ScaledObject" || object.kind === "ScaledJob") && (object as unknown as StoredScaledObject).spec.triggers.some((t) => t.type === "prometheus")) return true;
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
  /** The scenario's controller plugins, if any. */
  readonly controllers: ControllerHost | null;
  readonly scheduler: SchedulerController;
  readonly replicaSets: ReplicaSetController;
  readonly deployments: DeploymentController;
  /** Built only when the run starts with objects of their kinds (each watches every pod). */
  readonly jobs: JobController | null;
  readonly cronJobs: CronJobController | null;
  readonly replicationControllers: ReplicaSetController | null;
  readonly statefulSets: StatefulSetController | null;
  readonly daemonSets: DaemonSetController | null;
  readonly keda: KedaOperator | null;
  /** The scenario's message queues; null when it has none. */
  readonly queues: QueueBrokers | null;
  readonly disruption: DisruptionController | null;
  readonly volumes: PersistentVolumeController | null;
  readonly traffic: ServiceTraffic;
  readonly ingress: IngressRouter;
  readonly hpa: HorizontalController;
  readonly components: ComponentConfig;
  /** The cloud provider and the Cluster Autoscaler; null when no node group is autoscaled. */
  readonly cloud: CloudProvider | null = null;
  readonly clusterAutoscaler: ClusterAutoscaler | null = null;
  /** The VPA components; null when the run has no VerticalPodAutoscaler. */
  readonly vpaRecommender: VpaRecommender | null;
  readonly vpaAdmission: VpaAdmissionController | null;
  readonly vpaUpdater: VpaUpdater | null;
  private readonly groupsByName: Map<string, NodeGroup>;

  constructor(readonly config: SimulationConfig) {
    const components = (this.components = effectiveComponents(config));
    this.sim = new Simulation({ seed: config.seed });
    this.store = new ClusterStore(this.sim, components.watchDelay_ms);
    this.vpaAdmission = hasKind(config, "VerticalPodAutoscaler") ? new VpaAdmissionController(this.store) : null;
    installAdmission(this.store, this.vpaAdmission === null ? [] : [this.vpaAdmission.admit]);
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
    this.jobs = hasKind(config, "Job", "CronJob", "ScaledJob") ? new JobController(this.sim, this.store, this.events, this.timeseries) : null;
    if (this.jobs !== null) new TtlAfterFinishedController(this.sim, this.store);
    this.cronJobs = hasKind(config, "CronJob") ? new CronJobController(this.sim, this.store, this.events) : null;
    this.replicationControllers = hasKind(config, "ReplicationController")
      ? new ReplicaSetController(this.sim, this.store, this.events, DEFAULT_REPLICASET_CONTROLLER_CONFIG, REPLICATION_CONTROLLER_KIND)
      : null;
    this.statefulSets = hasKind(config, "StatefulSet") ? new StatefulSetController(this.sim, this.store, this.events) : null;
    this.daemonSets = hasKind(config, "DaemonSet") ? new DaemonSetController(this.sim, this.store, this.events) : null;
    this.disruption = hasKind(config, "PodDisruptionBudget") ? new DisruptionController(this.sim, this.store, this.events) : null;
    this.volumes = hasKind(config, "StatefulSet", "PersistentVolumeClaim") ? new PersistentVolumeController(this.sim, this.store, this.events) : null;
    const ingresses = config.objects.filter((o) => o.kind === "Ingress") as unknown as Ingress[];
    this.ingress = new IngressRouter(this.sim, this.store, this.events, config.ingressTraffic ?? [], config.traffic, ingressBackends(ingresses));
    this.traffic = new ServiceTraffic(this.sim, this.store, this.runtime, this.events, this.ingress.sources, components.traffic);
    this.ingress.connect(this.traffic);
    // Readers of measured latency (arrivals: requests): the sampler, over its interval, and Prometheus, over its scrape interval.
    this.traffic.keepResponsesFor(Math.max(config.sampleInterval_ms, components.prometheus.scrapeInterval_ms));
    const custom = needsCustomMetrics(config)
      ? createCustomMetricsPipeline(this.sim, this.runtime, this.traffic, this.store, { prometheus: components.prometheus, adapter: components.prometheusAdapter })
      : null;
    // KEDA's metrics server, when there is a ScaledObject, is the external.metrics.k8s.io API
    // (one APIService per group: prometheus-adapter keeps custom.metrics.k8s.io).
    this.queues = (config.queues ?? []).length > 0
      ? new QueueBrokers(this.sim, this.store, this.runtime, this.apps, config.queues!, this.timeseries, config.sampleInterval_ms, (pod, now_ms) => this.kubelets.appCompleted(pod, now_ms))
      : null;
    this.keda = hasKind(config, "ScaledObject", "ScaledJob") ? new KedaOperator(this.sim, this.store, this.events, components.keda, this.queues, custom?.prometheus ?? null) : null;
    const metricsApis = this.keda === null ? custom : withExternalMetrics(custom, this.keda);
    this.hpa = new HorizontalController(this.sim, this.store, this.events, metricsClientFactory(this.metricsServer, metricsApis), components.hpa);
    new Sampler(this.sim, this.store, this.runtime, this.traffic, this.hpa, this.timeseries, config.sampleInterval_ms);
    const vpa = hasKind(config, "VerticalPodAutoscaler");
    this.vpaRecommender = vpa ? new VpaRecommender(this.sim, this.store, this.metricsServer, components.vpa, this.timeseries) : null;
    this.vpaUpdater = vpa ? new VpaUpdater(this.sim, this.store, this.events, components.vpa) : null;

    this.groupsByName = new Map(config.nodeGroups.map((g) => [g.name, g]));
    for (const group of config.nodeGroups) {
      if (group.autoscaling !== undefined) continue;
      for (let i = 0; i < group.count; i++) this.addNode(group, `${group.name}-${i}`, true);
    }
    const autoscaled = config.nodeGroups.filter((g) => g.autoscaling !== undefined);
    if (autoscaled.length > 0) {
      const lifecycle: NodeLifecycle = {
        register: (group, name, ready) => this.addNode(this.groupsByName.get(group) as NodeGroup, name, ready),
        markReady: (name) => this.markNodeReady(name),
        remove: (name) => this.removeNode(name),
      };
      this.cloud = new CloudProvider(
        this.sim,
        lifecycle,
        autoscaled.map((g) => ({
          name: g.name,
          min: g.autoscaling!.min,
          max: g.autoscaling!.max,
          initial: g.count,
          price_usd_per_h: g.price_usd_per_h ?? 0,
          provisioning: g.provisioning ?? DEFAULT_PROVISIONING,
        })),
      );
      const templates = new Map<string, CaNode>(autoscaled.map((g) => [g.name, toCaNode(this.nodeObject(g, `template-node-for-${g.name}`, true) as Node, g.name)]));
      this.clusterAutoscaler = new ClusterAutoscaler(this.sim, this.store, this.events, this.cloud, templates, this.timeseries, components.clusterAutoscaler);
    }
    this.controllers = (config.controllers ?? []).length > 0
      ? new ControllerHost(
          { sim: this.sim, store: this.store, events: this.events, metricsServer: this.metricsServer, customMetrics: metricsApis, prometheus: custom?.prometheus ?? null },
          config.controllers!,
        )
      : null;
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

  /** The Node object of a group's node; a NotReady one carries the node lifecycle controller's not-ready taint. */
  private nodeObject(group: NodeGroup, name: string, ready: boolean): NewObject<Node> {
    const allocatable = { cpu_mcores: group.cpu_mcores, memory_bytes: group.memory_bytes, pods: group.pods ?? 110 };
    const capacity = group.capacity === undefined ? { ...allocatable } : { ...group.capacity, pods: allocatable.pods };
    const taints = [...(group.taints ?? [])];
    if (!ready) taints.push({ key: NOT_READY_TAINT, value: "", effect: "NoSchedule" });
    return {
      kind: "Node",
      metadata: {
        name,
        labels: { "kubernetes.io/hostname": name, [NODE_GROUP_LABEL]: group.name, ...(group.labels ?? {}) },
        annotations: {},
      },
      spec: { unschedulable: false, taints },
      status: {
        capacity,
        allocatable,
        conditions: [{ type: "Ready", status: ready ? "True" : "False", lastTransitionTime_ms: this.sim.now_ms }],
      },
    };
  }

  /** Adds a node of a group: Ready at start; a node the cloud provider registers is NotReady until `markNodeReady`. */
  addNode(group: NodeGroup, name: string, ready: boolean): Node {
    const node = this.store.create<Node>(this.nodeObject(group, name, ready));
    this.runtime.addNode(name, group.cpu_mcores);
    this.cadvisor.addNode(name);
    this.metricsServer.addNode(name);
    return node;
  }

  /** The kubelet reports Ready and the node lifecycle controller lifts the not-ready taint. */
  private markNodeReady(name: string): void {
    const node = this.store.get<Node>("Node", "", name);
    if (node === undefined) return;
    node.spec.taints = node.spec.taints.filter((t) => t.key !== NOT_READY_TAINT);
    for (const c of node.status.conditions) {
      if (c.type === "Ready" && c.status !== "True") {
        c.status = "True";
        c.lastTransitionTime_ms = this.sim.now_ms;
      }
    }
    this.store.update(node);
  }

  /**
   * Deletes a node: the pods still bound to it go at once (the pod garbage collector deletes pods
   * of a node that no longer exists), then the Node object; cAdvisor and metrics-server forget it.
   * The container runtime keeps the (now empty) node's slot: it has no removal, and names are never reused.
   */
  private removeNode(name: string): void {
    for (const pod of this.store.list<Pod>("Pod")) {
      if (pod.spec.nodeName === name) this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
    }
    this.store.delete("Node", "", name);
    this.cadvisor.removeNode(name);
    this.metricsServer.removeNode(name);
  }

  /** Node-hours and their cost up to now: fixed groups for the whole run so far, autoscaled ones per instance. */
  nodeHoursAndCost(): { node_hours: number; cost_usd: number } {
    let node_hours = 0;
    let cost_usd = 0;
    for (const g of this.config.nodeGroups) {
      const hours = g.autoscaling === undefined ? (g.count * this.sim.now_ms) / 3_600_000 : (this.cloud as CloudProvider).instanceHours(g.name);
      node_hours += hours;
      cost_usd += hours * (g.price_usd_per_h ?? 0);
    }
    return { node_hours, cost_usd };
  }

  /** Runs to the configured duration (or `until_ms`); returns the events executed. */
  run(until_ms = this.config.duration_ms): number {
    return this.sim.run(until_ms);
  }
}
