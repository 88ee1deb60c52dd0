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
import { hpaMetricSeries } from "./hpa-metric-series.js";
import { CpuMarks, OwnerTotals } from "./sampler-marks.js";

/** Requests of the pods bound to a node, as summed when its index bucket had version `version`. */
interface NodeRequests {
  version: number;
  requested_mcores: number;
}

interface ServiceMark {
  offered: number;
  served: number;
  dropped: number;
}

const PENDING_KEYS: readonly string[] = ["Pending"];
const NO_KEYS: readonly string[] = [];

export class Sampler {
  private lastSample_ms: number;
  private readonly serviceMarks = new Map<string, ServiceMark>();
  /** Each Deployment's spec.replicas as last recorded, to add a row at every change. */
  private readonly replicasRecorded = new Map<string, number>();
  /** Each running pod's cumulative CPU at the previous sample, with what it needs of its Pod. */
  private readonly marks = new CpuMarks();
  /** Owners of the pods seen at the previous sample. */
  private readonly owners = new OwnerTotals();
  /** Owners in the order this sample first met them (the roll-up's, hence the sums', order). */
  private readonly ownersSampled: number[] = [];
  /** CPU requested on each node, kept until a pod bound to it is added, changed or removed. */
  private readonly nodeRequests = new Map<string, NodeRequests>();
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
    // A finished pod (a Job's) keeps its node but no longer holds its requests there.
    store.addIndex<Pod>("Pod", "sampler/node", (pod) => (pod.spec.nodeName && !isPodTerminal(pod) ? [pod.spec.nodeName] : NO_KEYS));
    // Pending pods are counted as the size of this bucket, kept current by the store at every write.
    store.addIndex<Pod>("Pod", "sampler/pending", (pod) => (pod.status.phase === "Pending" ? PENDING_KEYS : NO_KEYS));
    store.watch<Deployment>("Deployment", (type, d) => {
      if (type === "DELETED") return;
      if (this.replicasRecorded.get(d.metadata.uid) !== d.spec.replicas) {
        this.replicasRecorded.set(d.metadata.uid, d.spec.replicas);
        this.series.add(this.sim.now_ms, "Deployment", d.metadata.name, "replicas_spec", d.spec.replicas);
      }
    });
    sim.every(interval_ms, (now_ms) => this.sample(now_ms), { phase_ms: 0, priority: 100 });
  }

  private sample(now_ms: number): void {
    const series = this.series;
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
      // No pod bound to the node was written since the last sample (its index bucket kept its
      // version): every mark read its Pod at its current resourceVersion, so none is re-checked
      // (reading each Pod object is a cache miss at 5,000 pods).
      const requests = this.nodeRequests.get(name);
      const podsUnchanged = requests !== undefined && requests.version === this.store.indexVersion("Pod", "sampler/node", name);
      let node_mcore_ms = 0;
      const { pods, slots } = runtime.nodePods(name);
      for (let p = 0; p < slots.length; p++) {
        const slot = slots[p];
        const cpu = runtime.appCpuAt_mcore_ms(slot, now_ms);
        let mark = marks.bySlotIfCurrent(slot, runtime.handles.at(slot), sampleNumber - 1);
        if (mark < 0) {
          const running = pods[p];
          mark = marks.forPod(running.pod.metadata.uid, running.handle, slot, (m) => this.readPod(m, running.pod));
        }
        // A mark is kept only while its uid is seen at every sample, so an older one reads as 0.
        const delta = cpu - (marks.samples[mark] === sampleNumber - 1 ? marks.cpu_mcore_ms[mark] : 0);
        marks.cpu_mcore_ms[mark] = cpu;
        marks.samples[mark] = sampleNumber;
        node_mcore_ms += delta;
        if (!podsUnchanged && marks.podVersions[mark] !== pods[p].pod.metadata.resourceVersion) this.readPod(mark, pods[p].pod);
        const owner = marks.owners[mark];
        if (owners.samples[owner] !== sampleNumber) {
          owners.samples[owner] = sampleNumber;
          owners.cpu_mcore_ms[owner] = 0;
          owners.request_mcores[owner] = 0;
          ownersSampled.push(owner);
        }
        owners.cpu_mcore_ms[owner] += delta;
        owners.request_mcores[owner] += marks.request_mcores[mark];
      }
      if (node.status.conditions.some((c) => c.type === "Ready" && c.status === "True")) nodesReady++;
      series.add(now_ms, "Node", name, "cpu_requested_mcores", this.requestedOnNode(name));
      series.add(now_ms, "Node", name, "cpu_usage_mcores", dt_s > 0 ? round3(node_mcore_ms / 1000 / dt_s) : 0);
    }
    // Forget pods and owners not running now.
    marks.forgetAllBut(sampleNumber);
    owners.forgetAllBut(sampleNumber);

    const pending = this.store.byIndex<Pod>("Pod", "sampler/pending", "Pending").size;
    series.add(now_ms, "Cluster", "cluster", "nodes_ready", nodesReady);
    series.add(now_ms, "Cluster", "cluster", "pods_pending", pending);

    // Deployments: owner uid of their pods is the ReplicaSet's; roll ReplicaSets up.
    const hpaByTarget = new Map<string, StoredHorizontalPodAutoscaler>();
    for (const hpa of this.store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      hpaByTarget.set(`${hpa.spec.scaleTargetRef.kind}/${hpa.metadata.namespace}/${hpa.spec.scaleTargetRef.name}`, hpa);
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
      series.add(now_ms, "Deployment", name, "replicas_spec", d.spec.replicas);
      this.replicasRecorded.set(d.metadata.uid, d.spec.replicas);
      series.add(now_ms, "Deployment", name, "replicas_ready", d.status.readyReplicas);
      const usage_mcores = dt_s > 0 ? (cpuByDeployment.get(d.metadata.uid) ?? 0) / 1000 / dt_s : 0;
      const requested_mcores = requestByDeployment.get(d.metadata.uid) ?? 0;
      series.add(now_ms, "Deployment", name, "cpu_usage_mcores", round3(usage_mcores));
      // True utilization: what the running pods used over the interval against what they request.
      series.add(now_ms, "Deployment", name, "cpu_utilization_true_pct", requested_mcores > 0 ? round3((usage_mcores * 100) / requested_mcores) : NaN);
      const hpa = hpaByTarget.get(`Deployment/${d.metadata.namespace}/${name}`);
      const utilization = hpa?.status.currentMetrics.find((m) => m.type === "Resource" && m.resource?.name === "cpu")?.resource?.current.averageUtilization_percent;
      if (utilization !== undefined) series.add(now_ms, "Deployment", name, "cpu_utilization_pct", utilization);
    }

    for (const set of this.store.list<StatefulSet>("StatefulSet")) {
      series.add(now_ms, "StatefulSet", set.metadata.name, "replicas_spec", set.spec.replicas);
      series.add(now_ms, "StatefulSet", set.metadata.name, "replicas_ready", set.status.readyReplicas);
    }
    for (const rc of this.store.list<ReplicaSet>("ReplicationController")) {
      series.add(now_ms, "ReplicationController", rc.metadata.name, "replicas_spec", rc.spec.replicas);
      series.add(now_ms, "ReplicationController", rc.metadata.name, "replicas_ready", rc.status.readyReplicas);
    }

    for (const hpa of this.store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      const name = hpa.metadata.name;
      series.add(now_ms, "HorizontalPodAutoscaler", name, "desired_replicas", hpa.status.desiredReplicas);
      series.add(now_ms, "HorizontalPodAutoscaler", name, "current_replicas", hpa.status.currentReplicas);
      const decision = this.hpa.lastDecision(hpa.metadata.namespace, name);
      const metricSeries = hpaMetricSeries(hpa.spec.metrics);
      for (const m of decision?.metrics ?? []) {
        const s = metricSeries[m.index];
        const value = m.current === null || s === undefined ? undefined : s.read(m.current);
        if (value === undefined) continue;
        series.add(now_ms, "HorizontalPodAutoscaler", name, s.metric, round3(value));
        if (s.targetValue !== undefined) series.add(now_ms, "HorizontalPodAutoscaler", name, s.targetMetric, round3(s.targetValue));
      }
    }

    for (const state of this.traffic.all()) {
      if (!this.traffic.isLoaded(state)) continue;
      const totals = this.traffic.totals(state, now_ms);
      const mark = this.serviceMarks.get(state.key) ?? { offered: 0, served: 0, dropped: 0 };
      const rate = (now: number, before: number) => (dt_s > 0 ? round3((now - before) / dt_s) : 0);
      series.add(now_ms, "Service", state.name, "rps_offered", rate(totals.offered, mark.offered));
      series.add(now_ms, "Service", state.name, "rps_served", rate(totals.served, mark.served));
      series.add(now_ms, "Service", state.name, "rps_dropped", rate(totals.dropped, mark.dropped));
      this.serviceMarks.set(state.key, { offered: totals.offered, served: totals.served, dropped: totals.dropped });
      // Measured latency (arrivals: requests) is of the requests completed since the last sample.
      const latency = this.traffic.latency(state, previous_ms);
      series.add(now_ms, "Service", state.name, "latency_p50_ms", round3(latency.p50_ms));
      series.add(now_ms, "Service", state.name, "latency_p95_ms", round3(latency.p95_ms));
    }
  }

  /** Reads what mark `mark` keeps of its Pod object. */
  private readPod(mark: number, pod: Pod): void {
    this.marks.podVersions[mark] = pod.metadata.resourceVersion;
    this.marks.owners[mark] = this.owners.indexOf(ownerUidOf(pod));
    this.marks.request_mcores[mark] = cpuRequestOf_mcores(pod);
  }

  /** CPU requested by the pods bound to a node: summed again only when its pods may have changed. */
  private requestedOnNode(name: string): number {
    const version = this.store.indexVersion("Pod", "sampler/node", name);
    let cached = this.nodeRequests.get(name);
    if (cached !== undefined && cached.version === version) return cached.requested_mcores;
    let requested_mcores = 0;
    for (const pod of this.store.byIndex<Pod>("Pod", "sampler/node", name)) requested_mcores += cpuRequestOf_mcores(pod);
    if (cached === undefined) {
      cached = { version: 0, requested_mcores: 0 };
      this.nodeRequests.set(name, cached);
    }
    cached.version = version;
    cached.requested_mcores = requested_mcores;
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

/** Three decimals: enough for rates and latencies, and stable text in the CSV. */
function round3(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1000) / 1000 : x;
}
