/**
 * Records the run's time series (timeseries.csv): every `interval_ms` and at every change of a
 * Deployment's replicas. What is "true" (CPU usage) comes from the container runtime; what an
 * autoscaler saw (utilization) comes from its decisions; counts come from the store.
 */
import type { Simulation, TimeSeries } from "../engine/index.js";
import type { ClusterStore } from "../models/cluster/store.js";
import type { Deployment, Node, Pod, ReplicaSet, StatefulSet } from "../models/cluster/types.js";
import type { PodRuntime } from "../models/kubelet/container-runtime.js";
import { isPodTerminal } from "../models/kubelet/pod-status.js";
import type { ServiceTraffic } from "../models/service/traffic.js";
import type { HorizontalController, StoredHorizontalPodAutoscaler } from "../models/hpa/controller.js";
import { hpaMetricSeries, type HpaMetricSeries } from "./hpa-metric-series.js";
import { SeriesIds, SeriesIdsByName } from "./series-ids.js";
import type { MetricSpec } from "../models/hpa/types.js";
import { hpaKey } from "../models/hpa/hpa-selectors.js";
import { CpuMarks, OwnerTotals } from "./sampler-marks.js";

/** What the sampler keeps of a node: its series, and the requests of its pods as last summed. */
interface NodeRecord {
  series: SeriesIds;
  /** The node's index bucket version when `requested_mcores` was summed (NaN: never). */
  version: number;
  requested_mcores: number;
}

/** What the sampler keeps of a Service: its series, and its totals at the previous sample. */
interface ServiceRecord {
  series: SeriesIds;
  offered: number;
  served: number;
  dropped: number;
}

/** What the sampler keeps of an HPA: its series, and how its spec's metrics are named in them. */
interface HpaRecord {
  series: SeriesIds;
  /** The HPA's key, `<namespace>/<name>` (the controller's lastDecision takes it). */
  key: string;
  metrics: readonly MetricSpec[] | null;
  metricSeries: readonly HpaMetricSeries[];
}

const PENDING_KEYS: readonly string[] = ["Pending"];
const NO_KEYS: readonly string[] = [];

export class Sampler {
  private lastSample_ms: number;
  private readonly services = new Map<string, ServiceRecord>();
  /** By the HPA's uid. */
  private readonly hpas = new Map<string, HpaRecord>();
  private readonly deploymentSeries: SeriesIdsByName;
  private readonly statefulSetSeries: SeriesIdsByName;
  private readonly replicationControllerSeries: SeriesIdsByName;
  private readonly clusterSeries: SeriesIds;
  /** Each Deployment's spec.replicas as last recorded, to add a row at every change. */
  private readonly replicasRecorded = new Map<string, number>();
  /** Each running pod's cumulative CPU at the previous sample, with what it needs of its Pod. */
  private readonly marks = new CpuMarks();
  /** Owners of the pods seen at the previous sample. */
  private readonly owners = new OwnerTotals();
  /** Owners in the order this sample first met them (the roll-up's, hence the sums', order). */
  private readonly ownersSampled: number[] = [];
  /** Each node's series, and the CPU requested on it, kept until a pod bound to it is added, changed or removed. */
  private readonly nodes = new Map<string, NodeRecord>();
  private samplesTaken = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly runtime: PodRuntime,
    private readonly traffic: ServiceTraffic,
    private readonly hpa: HorizontalController,
    private readonly series: TimeSeries,
    interval_ms: number,
  ) {
    this.lastSample_ms = sim.now_ms;
    this.deploymentSeries = new SeriesIdsByName(series, "Deployment");
    this.statefulSetSeries = new SeriesIdsByName(series, "StatefulSet");
    this.replicationControllerSeries = new SeriesIdsByName(series, "ReplicationController");
    this.clusterSeries = new SeriesIds(series, "Cluster", "cluster");
    // A finished pod (a Job's) keeps its node but no longer holds its requests there.
    store.addIndex<Pod>("Pod", "sampler/node", (pod) => (pod.spec.nodeName && !isPodTerminal(pod) ? [pod.spec.nodeName] : NO_KEYS));
    // Pending pods are counted as the size of this bucket, kept current by the store at every write.
    store.addIndex<Pod>("Pod", "sampler/pending", (pod) => (pod.status.phase === "Pending" ? PENDING_KEYS : NO_KEYS));
    store.watch<Deployment>("Deployment", (type, d) => {
      if (type === "DELETED") return;
      if (this.replicasRecorded.get(d.metadata.uid) !== d.spec.replicas) {
        this.replicasRecorded.set(d.metadata.uid, d.spec.replicas);
        this.deploymentSeries.of(d.metadata.name).add(this.sim.now_ms, "replicas_spec", d.spec.replicas);
      }
    });
    sim.every(interval_ms, (now_ms) => this.sample(now_ms), { phase_ms: 0, priority: 100 });
  }

  private sample(now_ms: number): void {
    const dt_s = (now_ms - this.lastSample_ms) / 1000;
    const previous_ms = this.lastSample_ms;
    this.lastSample_ms = now_ms;
    this.runtime.advanceAll(now_ms);

    // Per node: true CPU of its running pods over the interval (also rolled up to the pods'
    // owners, in node then pod order), and the requests of the pods bound to it.
    const sampleNumber = ++this.samplesTaken;
    const ownersSampled = this.ownersSampled;
    ownersSampled.length = 0;
    const { runtime, marks, owners } = this;
    let nodesReady = 0;
    for (const node of this.store.list<Node>("Node")) {
      const name = node.metadata.name;
      const record = this.nodeRecord(name);
      // No pod bound to the node was written since the last sample (its index bucket kept its
      // version): every mark read its Pod at its current resourceVersion, so none is re-checked
      // (reading each Pod object is a cache miss at 5,000 pods).
      const version = this.store.indexVersion("Pod", "sampler/node", name);
      const podsUnchanged = record.version === version;
      let node_mcore_ms = 0;
      const { pods, slots } = runtime.nodePods(name);
      for (let p = 0; p < slots.length; p++) {
        const slot = slots[p];
        const cpu = runtime.appCpuAt_mcore_ms(slot, now_ms);
        const handle = runtime.handles.at(slot);
        if (!marks.isFor(slot, handle)) marks.start(slot, handle);
        // A mark read at the previous sample holds the counter then and what it read of its Pod
        // (read again only if the Pod was written since). Any other (a new pod's, or one this
        // sampler did not see then) reads as 0, the whole counter being the interval's, and
        // reads its Pod.
        const kept = marks.samples[slot] === sampleNumber - 1;
        if (!kept || (!podsUnchanged && marks.podVersions[slot] !== pods[p].pod.metadata.resourceVersion)) this.readPod(slot, pods[p].pod);
        const delta = cpu - (kept ? marks.cpu_mcore_ms[slot] : 0);
        marks.cpu_mcore_ms[slot] = cpu;
        marks.samples[slot] = sampleNumber;
        node_mcore_ms += delta;
        const owner = marks.owners[slot];
        if (owners.samples[owner] !== sampleNumber) {
          owners.samples[owner] = sampleNumber;
          owners.cpu_mcore_ms[owner] = 0;
          owners.request_mcores[owner] = 0;
          ownersSampled.push(owner);
        }
        owners.cpu_mcore_ms[owner] += delta;
        owners.request_mcores[owner] += marks.request_mcores[slot];
      }
      if (isNodeReady(node)) nodesReady++;
      record.series.add(now_ms, "cpu_requested_mcores", this.requestedOnNode(record, name, version));
      record.series.add(now_ms, "cpu_usage_mcores", dt_s > 0 ? round3(node_mcore_ms / 1000 / dt_s) : 0);
    }
    // Forget owners with no pod running now (a slot's mark is told from a later pod's by its handle).
    owners.forgetAllBut(sampleNumber);

    const pending = this.store.byIndex<Pod>("Pod", "sampler/pending", "Pending").size;
    this.clusterSeries.add(now_ms, "nodes_ready", nodesReady);
    this.clusterSeries.add(now_ms, "pods_pending", pending);

    // Deployments: owner uid of their pods is the ReplicaSet's; roll ReplicaSets up.
    // The HPA of each Deployment, by namespace then name (the last listed wins, as before).
    const hpaByDeployment = new Map<string, Map<string, StoredHorizontalPodAutoscaler>>();
    for (const hpa of this.store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      if (hpa.spec.scaleTargetRef.kind !== "Deployment") continue;
      let byName = hpaByDeployment.get(hpa.metadata.namespace);
      if (byName === undefined) hpaByDeployment.set(hpa.metadata.namespace, (byName = new Map()));
      byName.set(hpa.spec.scaleTargetRef.name, hpa);
    }
    const rsOwner = new Map<string, string>();
    for (const rs of this.store.list<ReplicaSet>("ReplicaSet")) {
      rsOwner.set(rs.metadata.uid, rs.metadata.ownerReferences[0]?.uid ?? "");
    }
    const cpuByDeployment = new Map<string, number>();
    const requestByDeployment = new Map<string, number>();
    for (const owner of ownersSampled) {
      const ownerUid = owners.uids[owner];
      const deploymentUid = rsOwner.get(ownerUid) ?? ownerUid;
      cpuByDeployment.set(deploymentUid, (cpuByDeployment.get(deploymentUid) ?? 0) + owners.cpu_mcore_ms[owner]);
      requestByDeployment.set(deploymentUid, (requestByDeployment.get(deploymentUid) ?? 0) + owners.request_mcores[owner]);
    }
    for (const d of this.store.list<Deployment>("Deployment")) {
      const name = d.metadata.name;
      const ids = this.deploymentSeries.of(name);
      ids.add(now_ms, "replicas_spec", d.spec.replicas);
      this.replicasRecorded.set(d.metadata.uid, d.spec.replicas);
      ids.add(now_ms, "replicas_ready", d.status.readyReplicas);
      const usage_mcores = dt_s > 0 ? (cpuByDeployment.get(d.metadata.uid) ?? 0) / 1000 / dt_s : 0;
      const requested_mcores = requestByDeployment.get(d.metadata.uid) ?? 0;
      ids.add(now_ms, "cpu_usage_mcores", round3(usage_mcores));
      // True utilization: what the running pods used over the interval against what they request.
      ids.add(now_ms, "cpu_utilization_true_pct", requested_mcores > 0 ? round3((usage_mcores * 100) / requested_mcores) : NaN);
      const hpa = hpaByDeployment.get(d.metadata.namespace)?.get(name);
      const utilization = hpa === undefined ? undefined : cpuUtilizationOf(hpa);
      if (utilization !== undefined) ids.add(now_ms, "cpu_utilization_pct", utilization);
    }

    for (const set of this.store.list<StatefulSet>("StatefulSet")) {
      const ids = this.statefulSetSeries.of(set.metadata.name);
      ids.add(now_ms, "replicas_spec", set.spec.replicas);
      ids.add(now_ms, "replicas_ready", set.status.readyReplicas);
    }
    for (const rc of this.store.list<ReplicaSet>("ReplicationController")) {
      const ids = this.replicationControllerSeries.of(rc.metadata.name);
      ids.add(now_ms, "replicas_spec", rc.spec.replicas);
      ids.add(now_ms, "replicas_ready", rc.status.readyReplicas);
    }

    for (const hpa of this.store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      const record = this.hpaRecord(hpa);
      const ids = record.series;
      ids.add(now_ms, "desired_replicas", hpa.status.desiredReplicas);
      ids.add(now_ms, "current_replicas", hpa.status.currentReplicas);
      const decision = this.hpa.lastDecision(record.key);
      if (decision === null) continue;
      for (const m of decision.metrics) {
        const s = record.metricSeries[m.index];
        const value = m.current === null || s === undefined ? undefined : s.read(m.current);
        if (value === undefined) continue;
        ids.add(now_ms, s.metric, round3(value));
        if (s.targetValue !== undefined) ids.add(now_ms, s.targetMetric, round3(s.targetValue));
      }
    }

    for (const state of this.traffic.all()) {
      if (!this.traffic.isLoaded(state)) continue;
      const totals = this.traffic.requestCounts(state, now_ms);
      const record = this.serviceRecord(state.key, state.name);
      const ids = record.series;
      ids.add(now_ms, "rps_offered", ratePerSecond(totals.offered - record.offered, dt_s));
      ids.add(now_ms, "rps_served", ratePerSecond(totals.served - record.served, dt_s));
      ids.add(now_ms, "rps_dropped", ratePerSecond(totals.dropped - record.dropped, dt_s));
      record.offered = totals.offered;
      record.served = totals.served;
      record.dropped = totals.dropped;
      // Measured latency (arrivals: requests) is of the requests completed since the last sample.
      const latency = this.traffic.latency(state, previous_ms);
      ids.add(now_ms, "latency_p50_ms", round3(latency.p50_ms));
      ids.add(now_ms, "latency_p95_ms", round3(latency.p95_ms));
    }
  }

  private nodeRecord(name: string): NodeRecord {
    let record = this.nodes.get(name);
    if (record === undefined) {
      record = { series: new SeriesIds(this.series, "Node", name), version: NaN, requested_mcores: 0 };
      this.nodes.set(name, record);
    }
    return record;
  }

  private serviceRecord(key: string, name: string): ServiceRecord {
    let record = this.services.get(key);
    if (record === undefined) {
      record = { series: new SeriesIds(this.series, "Service", name), offered: 0, served: 0, dropped: 0 };
      this.services.set(key, record);
    }
    return record;
  }

  /** The HPA's record, its metrics' series named again only when its spec's metrics change. */
  private hpaRecord(hpa: StoredHorizontalPodAutoscaler): HpaRecord {
    let record = this.hpas.get(hpa.metadata.uid);
    if (record === undefined) {
      record = {
        series: new SeriesIds(this.series, "HorizontalPodAutoscaler", hpa.metadata.name),
        key: hpaKey(hpa.metadata.namespace, hpa.metadata.name), metrics: null, metricSeries: [],
      };
      this.hpas.set(hpa.metadata.uid, record);
    }
    if (record.metrics !== hpa.spec.metrics) {
      record.metrics = hpa.spec.metrics;
      record.metricSeries = hpaMetricSeries(hpa.spec.metrics);
    }
    return record;
  }

  /** Reads what the mark in `slot` keeps of its Pod object. */
  private readPod(slot: number, pod: Pod): void {
    this.marks.podVersions[slot] = pod.metadata.resourceVersion;
    this.marks.owners[slot] = this.owners.indexOf(ownerUidOf(pod));
    this.marks.request_mcores[slot] = cpuRequestOf_mcores(pod);
  }

  /**
   * CPU requested by the pods bound to a node: summed again only when its pods may have changed
   * (`version`: the node's index bucket version now).
   */
  private requestedOnNode(record: NodeRecord, name: string, version: number): number {
    if (record.version === version) return record.requested_mcores;
    let requested_mcores = 0;
    for (const pod of this.store.byIndex<Pod>("Pod", "sampler/node", name)) requested_mcores += cpuRequestOf_mcores(pod);
    record.version = version;
    record.requested_mcores = requested_mcores;
    return requested_mcores;
  }
}

/** The uid of a pod's first owner (its ReplicaSet), "" when it has none. */
function ownerUidOf(pod: Pod): string {
  return pod.metadata.ownerReferences[0]?.uid ?? "";
}

/** Sum of a pod's containers' CPU requests. */
function cpuRequestOf_mcores(pod: Pod): number {
  let request_mcores = 0;
  for (const c of pod.spec.containers) request_mcores += c.resources.requests.cpu_mcores ?? 0;
  return request_mcores;
}

/** The first Resource cpu metric's utilization in the HPA's status, if any. */
function cpuUtilizationOf(hpa: StoredHorizontalPodAutoscaler): number | undefined {
  for (const m of hpa.status.currentMetrics) {
    if (m.type === "Resource" && m.resource?.name === "cpu") return m.resource.current.averageUtilization_percent;
  }
  return undefined;
}

function isNodeReady(node: Node): boolean {
  for (const c of node.status.conditions) if (c.type === "Ready" && c.status === "True") return true;
  return false;
}

/** A count over the interval as a rate, three decimals (0 for an empty interval). */
function ratePerSecond(count: number, dt_s: number): number {
  return dt_s > 0 ? round3(count / dt_s) : 0;
}

/** Three decimals: enough for rates and latencies, and stable text in the CSV. */
function round3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
