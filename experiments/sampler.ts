/**
 * Records the run's time series (timeseries.csv): every `interval_ms` and at every change of a
 * Deployment's replicas. What is "true" (CPU usage) comes from the container runtime; what an
 * autoscaler saw (utilization) comes from its decisions; counts come from the store.
 */
import type { Simulation, TimeSeries } from "../engine/index.js";
import type { ClusterStore } from "../models/cluster/store.js";
import type { Deployment, Node, Pod, ReplicaSet } from "../models/cluster/types.js";
import type { PodRuntime, RunningPod } from "../models/kubelet/container-runtime.js";
import type { ServiceTraffic } from "../models/service/traffic.js";
import type { HorizontalController, StoredHorizontalPodAutoscaler } from "../models/hpa/controller.js";

/** A pod's cumulative CPU at the sample numbered `sample` (one record per uid, reused). */
interface CpuMark {
  uid: string;
  /** The runtime pod it was read from (a pod restarted under the same uid is a new one). */
  running: RunningPod;
  cpu_mcore_ms: number;
  sample: number;
  /**
   * What the sample needs of the Pod object (cold memory at 5,000 pods), as read at its
   * resourceVersion `podVersion`: a stored pod changes only through store writes, which bump it
   * (its owner reference can be dropped when it is orphaned, its requests resized in place).
   */
  podVersion: number;
  /** Totals of the pod's first owner (its ReplicaSet), "" when it has none. */
  owner: OwnerTotals;
  /** Sum of the pod's containers' CPU requests. */
  request_mcores: number;
}

/** CPU used and requested by the running pods of one owner (a ReplicaSet), at one sample. */
interface OwnerTotals {
  uid: string;
  /** The sample these totals are for; at a later one they restart from 0. */
  sample: number;
  cpu_mcore_ms: number;
  request_mcores: number;
}

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
  /** Cumulative CPU of each running pod at the previous sample, by uid. */
  private readonly cpuMarks = new Map<string, CpuMark>();
  /**
   * The mark last used by the runtime pod in each pool slot: finds a pod's mark without reading
   * its uid (a cold Pod object at 5,000 pods). Trusted only when it holds that same runtime pod
   * and was written at the previous sample; then it is the entry `cpuMarks` has for the uid.
   */
  private readonly cpuMarkBySlot: (CpuMark | undefined)[] = [];
  /** Owners of the pods seen at the previous sample, by uid (marks hold them, to skip lookups). */
  private readonly owners = new Map<string, OwnerTotals>();
  /** Owners in the order this sample first met them (the roll-up's, hence the sums', order). */
  private readonly ownersSampled: OwnerTotals[] = [];
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
    store.addIndex<Pod>("Pod", "sampler/node", (pod) => (pod.spec.nodeName ? [pod.spec.nodeName] : NO_KEYS));
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
    this.lastSample_ms = now_ms;
    this.runtime.advanceAll(now_ms);

    // Per node: true CPU of its running pods over the interval (also rolled up to the pods'
    // owners, in node then pod order), and the requests of the pods bound to it.
    const sampleNumber = ++this.samplesTaken;
    const ownersSampled = this.ownersSampled;
    ownersSampled.length = 0;
    let nodesReady = 0;
    for (const node of this.store.list<Node>("Node")) {
      const name = node.metadata.name;
      // No pod bound to the node was written since the last sample (its index bucket kept its
      // version): every mark read its Pod at its current resourceVersion, so none is re-checked
      // (reading each Pod object is a cache miss at 5,000 pods).
      const requests = this.nodeRequests.get(name);
      const podsUnchanged = requests !== undefined && requests.version === this.store.indexVersion("Pod", "sampler/node", name);
      let node_mcore_ms = 0;
      for (const running of this.runtime.podsOnNode(name)) {
        const cpu = this.runtime.pool.cpuUsed_mcore_ms(running.slot) + running.app.baselineCpu_mcores * (now_ms - running.started_ms);
        const mark = this.cpuMark(running, sampleNumber);
        // A mark is kept only while its uid is seen at every sample, so an older one reads as 0.
        const delta = cpu - (mark.sample === sampleNumber - 1 ? mark.cpu_mcore_ms : 0);
        mark.cpu_mcore_ms = cpu;
        mark.sample = sampleNumber;
        node_mcore_ms += delta;
        if (!podsUnchanged && mark.podVersion !== running.pod.metadata.resourceVersion) this.readPod(mark, running.pod);
        const owner = mark.owner;
        if (owner.sample !== sampleNumber) {
          owner.sample = sampleNumber;
          owner.cpu_mcore_ms = 0;
          owner.request_mcores = 0;
          ownersSampled.push(owner);
        }
        owner.cpu_mcore_ms += delta;
        owner.request_mcores += mark.request_mcores;
      }
      if (node.status.conditions.some((c) => c.type === "Ready" && c.status === "True")) nodesReady++;
      series.add(now_ms, "Node", name, "cpu_requested_mcores", this.requestedOnNode(name));
      series.add(now_ms, "Node", name, "cpu_usage_mcores", dt_s > 0 ? round3(node_mcore_ms / 1000 / dt_s) : 0);
    }
    // Forget pods and owners not running now (deleting the current entry while iterating a Map is well defined).
    for (const mark of this.cpuMarks.values()) if (mark.sample !== sampleNumber) this.cpuMarks.delete(mark.uid);
    for (const owner of this.owners.values()) if (owner.sample !== sampleNumber) this.owners.delete(owner.uid);

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
      const deploymentUid = rsOwner.get(owner.uid) ?? owner.uid;
      cpuByDeployment.set(deploymentUid, (cpuByDeployment.get(deploymentUid) ?? 0) + owner.cpu_mcore_ms);
      requestByDeployment.set(deploymentUid, (requestByDeployment.get(deploymentUid) ?? 0) + owner.request_mcores);
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

    for (const hpa of this.store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler")) {
      const name = hpa.metadata.name;
      series.add(now_ms, "HorizontalPodAutoscaler", name, "desired_replicas", hpa.status.desiredReplicas);
      series.add(now_ms, "HorizontalPodAutoscaler", name, "current_replicas", hpa.status.currentReplicas);
      const decision = this.hpa.lastDecision(hpa.metadata.namespace, name);
      for (const m of decision?.metrics ?? []) {
        const c = m.current;
        const value = c?.averageUtilization_percent ?? c?.averageValue_milli ?? c?.value_milli;
        if (value !== undefined) series.add(now_ms, "HorizontalPodAutoscaler", name, `metric_${m.index}`, Number(value));
      }
    }

    for (const state of this.traffic.all()) {
      if (!state.source) continue;
      const totals = this.traffic.totals(state, now_ms);
      const mark = this.serviceMarks.get(state.key) ?? { offered: 0, served: 0, dropped: 0 };
      const rate = (now: number, before: number) => (dt_s > 0 ? round3((now - before) / dt_s) : 0);
      series.add(now_ms, "Service", state.name, "rps_offered", rate(totals.offered, mark.offered));
      series.add(now_ms, "Service", state.name, "rps_served", rate(totals.served, mark.served));
      series.add(now_ms, "Service", state.name, "rps_dropped", rate(totals.dropped, mark.dropped));
      this.serviceMarks.set(state.key, { offered: totals.offered, served: totals.served, dropped: totals.dropped });
      const latency = this.traffic.latency(state);
      series.add(now_ms, "Service", state.name, "latency_p50_ms", round3(latency.p50_ms));
      series.add(now_ms, "Service", state.name, "latency_p95_ms", round3(latency.p95_ms));
    }
  }

  /** The CPU mark of a running pod for this sample: by slot when still valid, else by uid. */
  private cpuMark(running: RunningPod, sampleNumber: number): CpuMark {
    let mark = this.cpuMarkBySlot[running.slot];
    if (mark !== undefined && mark.running === running && mark.sample === sampleNumber - 1) return mark;
    const pod = running.pod;
    const uid = pod.metadata.uid;
    mark = this.cpuMarks.get(uid);
    if (mark === undefined) {
      mark = {
        uid, running, cpu_mcore_ms: 0, sample: 0,
        podVersion: pod.metadata.resourceVersion, owner: this.ownerTotals(ownerUidOf(pod)), request_mcores: cpuRequestOf_mcores(pod),
      };
      this.cpuMarks.set(uid, mark);
    } else if (mark.running !== running) {
      // Restarted under the same uid: a new runtime pod whose counter started at 0 (what the
      // previous one used after its last sample is lost, as a deleted cgroup's is).
      this.readPod(mark, pod);
      mark.cpu_mcore_ms = 0;
    }
    mark.running = running;
    // Kept dense (writing far past the end would turn the array into a slow dictionary).
    while (this.cpuMarkBySlot.length <= running.slot) this.cpuMarkBySlot.push(undefined);
    this.cpuMarkBySlot[running.slot] = mark;
    return mark;
  }

  /** Refreshes what a mark keeps of its Pod object. */
  private readPod(mark: CpuMark, pod: Pod): void {
    mark.podVersion = pod.metadata.resourceVersion;
    mark.owner = this.ownerTotals(ownerUidOf(pod));
    mark.request_mcores = cpuRequestOf_mcores(pod);
  }

  private ownerTotals(uid: string): OwnerTotals {
    let owner = this.owners.get(uid);
    if (owner === undefined) {
      owner = { uid, sample: 0, cpu_mcore_ms: 0, request_mcores: 0 };
      this.owners.set(uid, owner);
    }
    return owner;
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
