/**
 * The kubelets of all nodes: pod admission, image pulls, container start, readiness probing,
 * OOM kills with CrashLoopBackOff restarts, and graceful termination.
 *
 * Upstream behaviour modelled (pkg/kubelet):
 * - status.startTime is set when the kubelet first syncs the pod (kubelet_pods.go
 *   generateAPIPodStatus: `if pod.Status.StartTime == nil`), before images are pulled.
 * - Images are pulled one at a time per node (serializeImagePulls defaults to true) and cached.
 * - Readiness (prober/worker.go run/doProbe): the probe worker starts when the pod is added and
 *   ticks every periodSeconds from then; a container start triggers an immediate probe
 *   (prober_manager.go UpdatePodStatus manualTriggerCh). A probe while the container has run for
 *   less than initialDelaySeconds changes nothing. successThreshold / failureThreshold
 *   consecutive results flip the state. The probe succeeds once the app's warm-up is over.
 * - Ready and ContainersReady conditions change lastTransitionTime only on a status change.
 * - An OOM kill terminates the container (reason OOMKilled), drops readiness, and restarts it
 *   after CrashLoopBackOff: 10 s doubling to 5 min (kubelet.go backOff: 10 s initial,
 *   MaxContainerBackOff 300 s), reset after the container runs 10 minutes.
 * - Deletion: the pod stops receiving traffic as soon as deletionTimestamp is set (endpoints drop
 *   terminating pods); the app exits after its shutdown time, capped by the grace period, and
 *   the pod object is removed.
 * - In-place resize (KEP-1287; pkg/kubelet/allocation allocation_manager.go handlePodResourcesResize
 *   and canResizePod): when a running pod's spec resources (changed through the resize
 *   subresource, models/cluster/resize.ts) differ from what the kubelet allocated, it admits the
 *   resize if the pod's new requests fit beside the other pods' allocated requests on the node,
 *   defers it if they fit the node's allocatable but not now (condition PodResizePending, reason
 *   Deferred, re-evaluated at every pod sync: when a pod leaves the node and every syncFrequency),
 *   and refuses it if they exceed the node's allocatable (reason Infeasible). An admitted resize
 *   is InProgress (condition PodResizeInProgress) until the runtime has applied it
 *   (`resizeActuation_ms`), then the container status reports the new resources and a
 *   ResizeCompleted event is recorded; a memory limit below the working set is refused by the
 *   runtime (reason Error) and retried at the next pod sync.
 *
 * Simplification, exact for what the other components can observe: once a pod is Ready, the
 * probe worker is parked until the container restarts, since nothing modelled makes a warm
 * app's probe fail; this saves one event per pod per 10 s.
 */
import type { PeriodicTimer, RandomStream, ScheduledEvent, Simulation } from "../../engine/index.js";
import type { ClusterStore } from "../cluster/store.js";
import type { EventLog } from "../cluster/events.js";
import type { Node, Pod, Probe, ResourceList, ResourceRequirements } from "../cluster/types.js";
import type { AppCatalog } from "../workload/app-profile.js";
import { isPodTerminal, removePodCondition, setPodCondition } from "./pod-status.js";
import { containerIdFor } from "./pod-handles.js";

export interface KubeletConfig {
  /** Pull time of an image not yet on the node, unless `imagePull_ms` names the image. */
  defaultImagePull_ms: number;
  imagePull_ms: Record<string, number>;
  /** kubelet --serialize-image-pulls (default true): one pull at a time per node. */
  serializeImagePulls: boolean;
  /** Container start time (runtime create + start) is drawn uniformly from this range. */
  containerStartMin_ms: number;
  containerStartMax_ms: number;
  crashLoopBackOffInitial_ms: number;
  crashLoopBackOffMax_ms: number;
  /** A container that ran this long has its back-off reset. */
  crashLoopBackOffReset_ms: number;
  /**
   * From admitting an in-place resize to the container status reporting it: the runtime's
   * UpdateContainerResources and the PLEG relist that reads the new cgroup values (relist period 1 s).
   */
  resizeActuation_ms: number;
  /** kubelet --sync-frequency: every pod is synced this often, which retries deferred and failed resizes. */
  syncFrequency_ms: number;
}

export const DEFAULT_KUBELET_CONFIG: Readonly<KubeletConfig> = Object.freeze({
  defaultImagePull_ms: 5_000,
  imagePull_ms: {},
  serializeImagePulls: true,
  containerStartMin_ms: 500,
  containerStartMax_ms: 1_500,
  crashLoopBackOffInitial_ms: 10_000,
  crashLoopBackOffMax_ms: 300_000,
  crashLoopBackOffReset_ms: 600_000,
  resizeActuation_ms: 1_000,
  syncFrequency_ms: 60_000,
});

/** Where a running pod's containers consume CPU and memory (models/kubelet/container-runtime.ts). */
export interface ContainerRuntime {
  /** Starts the pod's containers; returns its pod handle (pod-handles.ts). */
  startPod(pod: Pod, nodeName: string, now_ms: number, resources?: ResourceRequirements): number;
  stopPod(pod: Pod, now_ms: number): void;
  /** Applies a resize to the app container of a running pod; an error leaves it as it was. */
  updateContainerResources(pod: Pod, resources: ResourceRequirements, now_ms: number): string | null;
}

const READINESS_PROBE_DEFAULTS: Probe = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};

interface NodeState {
  rng: RandomStream;
  /** The pods this node's kubelet runs (admitted, not yet removed): what its resize admission counts. */
  pods: Set<PodRecord>;
  /** Its pods whose resize is Deferred, retried when resources on the node are freed. */
  deferredResizes: Set<PodRecord>;
  /** When each image is (or will be) on the node. */
  imageReady_ms: Map<string, number>;
  /** When the node's (serialized) image puller is free. */
  pullerFree_ms: number;
}

interface PodRecord {
  pod: Pod;
  node: NodeState;
  nodeName: string;
  admitted_ms: number;
  pending: ScheduledEvent | null;
  probeTimer: PeriodicTimer | null;
  containersStarted_ms: number | null;
  warm_ms: number;
  probeResultReady: boolean;
  probeRun: number;
  lastProbeSuccess: boolean | null;
  backOff_ms: number;
  terminating: boolean;
  /** The resources the kubelet admitted for each container (its allocation checkpoint). */
  allocated: ResourceRequirements[];
  /** The pending resize step: actuation, or the next pod sync of a deferred or failed resize. */
  resize: ScheduledEvent | null;
}

export class Kubelets {
  private readonly nodes = new Map<string, NodeState>();
  private readonly pods = new Map<string, PodRecord>();

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly apps: AppCatalog,
    private readonly runtime: ContainerRuntime,
    private readonly config: Readonly<KubeletConfig> = DEFAULT_KUBELET_CONFIG,
  ) {
    store.watch<Node>("Node", (type, node) => {
      if (type === "DELETED") this.nodes.delete(node.metadata.name);
      else this.nodeState(node.metadata.name);
    });
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  /** Pods this kubelet is running (admitted and not yet removed). */
  get podCount(): number {
    return this.pods.size;
  }

  /** Called by the container runtime when a container exceeds its memory limit. */
  oomKill(pod: Pod, containerName: string, now_ms: number): void {
    const record = this.pods.get(pod.metadata.uid);
    if (!record || record.terminating || record.containersStarted_ms === null) return;
    this.restartAfterExit(record, containerName, now_ms, "Killing", "OOMKilled", `container ${containerName} exceeded its memory limit`);
  }

  /** A run-to-completion app finished its work early (a queue consumer that processed its items): it exits as at the end of runDuration. */
  appCompleted(pod: Pod, now_ms: number): void {
    const record = this.pods.get(pod.metadata.uid);
    if (!record || record.terminating || record.containersStarted_ms === null) return;
    if (record.pending) this.sim.cancel(record.pending);
    this.appExited(record, now_ms);
  }

  /** A container exited and its restartPolicy restarts it: CrashLoopBackOff, then a new start. */
  private restartAfterExit(record: PodRecord, containerName: string, now_ms: number, event: string, reason: string, message: string): void {
    const pod = record.pod;
    if (record.pending) this.sim.cancel(record.pending);
    const ran_ms = now_ms - record.containersStarted_ms!;
    if (ran_ms >= this.config.crashLoopBackOffReset_ms) record.backOff_ms = 0;
    record.backOff_ms =
      record.backOff_ms === 0 ? this.config.crashLoopBackOffInitial_ms : Math.min(2 * record.backOff_ms, this.config.crashLoopBackOffMax_ms);
    this.runtime.stopPod(pod, now_ms);
    record.containersStarted_ms = null;
    record.lastProbeSuccess = null;
    this.stopProbing(record);
    for (const status of pod.status.containerStatuses) {
      status.ready = false;
      status.containerID = "";
      if (status.name === containerName) {
        status.restartCount++;
        status.lastTerminated = { reason, startedAt_ms: now_ms - ran_ms, finishedAt_ms: now_ms };
        status.state = "waiting";
        status.reason = "CrashLoopBackOff";
      }
    }
    this.setReady(record, false, now_ms, "ContainersNotReady");
    this.store.update(pod);
    this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, event, reason, `${message}; back-off ${record.backOff_ms / 1000}s restarting`);
    record.pending = this.sim.schedule(record.backOff_ms, (t) => this.startContainers(record, t));
  }

  private nodeState(name: string): NodeState {
    let state = this.nodes.get(name);
    if (!state) {
      state = { rng: this.sim.rng.stream(`kubelet/${name}`), pods: new Set(), deferredResizes: new Set(), imageReady_ms: new Map(), pullerFree_ms: 0 };
      this.nodes.set(name, state);
    }
    return state;
  }

  private onPod(type: string, pod: Pod): void {
    const record = this.pods.get(pod.metadata.uid);
    if (type === "DELETED") {
      if (record) this.forget(record, this.sim.now_ms);
      return;
    }
    if (!record) {
      const nodeName = pod.spec.nodeName;
      if (nodeName === "" || !this.nodes.has(nodeName)) return;
      // A pod no container runs for (not yet admitted, or terminal) is removed at once.
      if (pod.metadata.deletionTimestamp_ms !== null) {
        this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
        return;
      }
      if (isPodTerminal(pod)) return;
      this.admit(pod, nodeName, this.sim.now_ms);
    } else if (pod.metadata.deletionTimestamp_ms !== null && !record.terminating) {
      this.beginTermination(record, this.sim.now_ms);
    } else if (!record.terminating && resizeRequested(record)) {
      // A new resize, also while one is deferred or in progress (the kubelet's own status writes
      // leave the spec equal to what it allocated, so they do not come here).
      this.handlePodResourcesResize(record, this.sim.now_ms);
    }
  }

  private admit(pod: Pod, nodeName: string, now_ms: number): void {
    const node = this.nodeState(nodeName);
    const record: PodRecord = {
      pod, node, nodeName, admitted_ms: now_ms, pending: null, probeTimer: null, containersStarted_ms: null,
      warm_ms: Infinity, probeResultReady: false, probeRun: 0, lastProbeSuccess: null, backOff_ms: 0, terminating: false,
      allocated: pod.spec.containers.map((c) => copyResources(c.resources)), resize: null,
    };
    this.pods.set(pod.metadata.uid, record);
    node.pods.add(record);
    pod.status.startTime_ms ??= now_ms;
    setPodCondition(pod, "Initialized", "True", now_ms);
    setPodCondition(pod, "ContainersReady", "False", now_ms, "ContainersNotReady");
    setPodCondition(pod, "Ready", "False", now_ms, "ContainersNotReady");
    // Status resources of a container not yet running are its allocated ones (KEP-1287).
    pod.status.containerStatuses = pod.spec.containers.map((c, i) => ({
      name: c.name, ready: false, started: false, restartCount: 0, state: "waiting" as const, reason: "ContainerCreating", containerID: "",
      allocatedResources: { ...record.allocated[i].requests }, resources: copyResources(record.allocated[i]),
    }));
    this.store.update(pod);

    // Pull every image not yet on the node, one after another when pulls are serialized.
    let imagesReady_ms = now_ms;
    for (const container of pod.spec.containers) {
      let ready_ms = node.imageReady_ms.get(container.image);
      if (ready_ms === undefined) {
        const pull_ms = this.config.imagePull_ms[container.image] ?? this.config.defaultImagePull_ms;
        const start_ms = this.config.serializeImagePulls ? Math.max(now_ms, node.pullerFree_ms) : now_ms;
        ready_ms = start_ms + pull_ms;
        if (this.config.serializeImagePulls) node.pullerFree_ms = ready_ms;
        node.imageReady_ms.set(container.image, ready_ms);
        if (pull_ms > 0) this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, "Pulling", "Pulling", `pulling image "${container.image}"`);
      }
      imagesReady_ms = Math.max(imagesReady_ms, ready_ms);
    }
    record.pending = this.sim.scheduleAt(imagesReady_ms, (t) => this.startContainers(record, t));

    if (this.readinessProbe(pod) !== null) {
      const probe = this.readinessProbe(pod)!;
      // The worker ticks every period from the moment the pod was added (its probe at that
      // instant finds no running container and changes nothing).
      record.probeTimer = this.sim.every(probe.periodSeconds * 1000, (t) => this.probe(record, t), { phase_ms: probe.periodSeconds * 1000 });
    }
  }

  private startContainers(record: PodRecord, now_ms: number): void {
    const start_ms = Math.round(record.node.rng.uniform(this.config.containerStartMin_ms, this.config.containerStartMax_ms));
    record.pending = this.sim.schedule(start_ms, (t) => this.containersRunning(record, t));
  }

  private containersRunning(record: PodRecord, now_ms: number): void {
    record.pending = null;
    const pod = record.pod;
    const app = this.apps.forPod(pod);
    record.containersStarted_ms = now_ms;
    record.warm_ms = now_ms + app.warmup_ms;
    pod.status.phase = "Running";
    // A restarted container gets the allocated resources, not a resize still pending.
    const handle = this.runtime.startPod(pod, record.nodeName, now_ms, record.allocated[0]);
    for (const status of pod.status.containerStatuses) {
      status.state = "running";
      status.reason = "";
      status.started = true;
      status.containerID = containerIdFor(handle, status.name);
    }
    const probe = this.readinessProbe(pod);
    if (probe === null) {
      this.setReady(record, true, now_ms);
      this.store.update(pod);
    } else {
      this.store.update(pod);
      if (record.probeTimer === null) {
        record.probeTimer = this.sim.every(probe.periodSeconds * 1000, (t) => this.probe(record, t), { phase_ms: probe.periodSeconds * 1000 });
      }
      this.probe(record, now_ms); // manual trigger on container start
    }
    this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, "Started", "Started", `containers started on ${record.nodeName}`);
    if ((app.runDuration_ms ?? 0) > 0) record.pending = this.sim.schedule(app.runDuration_ms!, (t) => this.appExited(record, t));
  }

  /**
   * A run-to-completion app's work is done: its container exits 0, or 1 with the profile's
   * failure probability. kubelet_pods.go getPhase: with restartPolicy Never (or OnFailure and
   * exit 0) every container has terminated and the pod is Succeeded or Failed; otherwise the
   * container restarts after CrashLoopBackOff, as after an OOM kill.
   */
  private appExited(record: PodRecord, now_ms: number): void {
    record.pending = null;
    const pod = record.pod;
    const app = this.apps.forPod(pod);
    const failureProbability = app.exitFailureProbability ?? 0;
    const failed = failureProbability > 0 && this.sim.rng.stream(`app-exit/${pod.metadata.namespace}/${pod.metadata.name}`).random() < failureProbability;
    const exitCode = failed ? 1 : 0;
    const reason = failed ? "Error" : "Completed";
    const main = pod.spec.containers[0].name;
    if (pod.spec.restartPolicy === "Always" || (pod.spec.restartPolicy === "OnFailure" && failed)) {
      this.restartAfterExit(record, main, now_ms, "BackOff", reason, `container ${main} exited with code ${exitCode}`);
      return;
    }
    this.runtime.stopPod(pod, now_ms);
    record.containersStarted_ms = null;
    this.stopProbing(record);
    for (const status of pod.status.containerStatuses) {
      status.ready = false;
      status.state = "terminated";
      status.reason = reason;
      status.exitCode = exitCode;
      status.containerID = "";
    }
    pod.status.phase = failed ? "Failed" : "Succeeded";
    this.setReady(record, false, now_ms, "PodCompleted");
    this.remove(record);
    this.store.update(pod);
    this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, "Terminated", reason, `container ${main} exited with code ${exitCode}`);
  }

  /** One readiness probe (prober/worker.go doProbe with the results threshold logic). */
  private probe(record: PodRecord, now_ms: number): void {
    const probe = this.readinessProbe(record.pod);
    const started_ms = record.containersStarted_ms;
    if (probe === null || started_ms === null || record.terminating) return;
    if (Math.floor((now_ms - started_ms) / 1000) < probe.initialDelaySeconds) return;
    const success = now_ms >= record.warm_ms;
    record.probeRun = record.lastProbeSuccess === success ? record.probeRun + 1 : 1;
    record.lastProbeSuccess = success;
    if (success && record.probeRun < probe.successThreshold) return;
    if (!success && record.probeRun < probe.failureThreshold) return;
    if (success !== record.probeResultReady) {
      record.probeResultReady = success;
      this.setReady(record, success, now_ms, success ? "" : "ContainersNotReady");
      this.store.update(record.pod);
    }
    if (success) this.stopProbing(record);
  }

  private setReady(record: PodRecord, ready: boolean, now_ms: number, reason = ""): void {
    const status = ready ? "True" : "False";
    record.probeResultReady = ready;
    for (const c of record.pod.status.containerStatuses) c.ready = ready;
    setPodCondition(record.pod, "ContainersReady", status, now_ms, reason);
    setPodCondition(record.pod, "Ready", status, now_ms, reason);
  }

  private beginTermination(record: PodRecord, now_ms: number): void {
    record.terminating = true;
    if (record.pending) this.sim.cancel(record.pending);
    this.stopProbing(record);
    const pod = record.pod;
    const grace_ms = pod.spec.terminationGracePeriodSeconds * 1000;
    const exit_ms = record.containersStarted_ms === null ? 0 : Math.min(this.apps.forPod(pod).shutdown_ms, grace_ms);
    this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, "Killing", "Killing", `stopping containers (grace ${grace_ms / 1000}s)`);
    record.pending = this.sim.schedule(exit_ms, (t) => {
      record.pending = null;
      if (this.store.get("Pod", pod.metadata.namespace, pod.metadata.name) === pod) {
        this.store.delete("Pod", pod.metadata.namespace, pod.metadata.name);
      } else {
        this.forget(record, t);
      }
    });
  }

  private forget(record: PodRecord, now_ms: number): void {
    if (record.pending) this.sim.cancel(record.pending);
    this.cancelResize(record);
    this.stopProbing(record);
    if (record.containersStarted_ms !== null) this.runtime.stopPod(record.pod, now_ms);
    record.containersStarted_ms = null;
    this.remove(record);
    this.retryPendingResizes(record.node, now_ms);
  }

  private remove(record: PodRecord): void {
    this.pods.delete(record.pod.metadata.uid);
    record.node.pods.delete(record);
    record.node.deferredResizes.delete(record);
  }

  /**
   * handlePodResourcesResize: admits, defers or refuses the resize the pod's spec asks for
   * (canResizePod), recording the outcome in the PodResizePending condition.
   */
  private handlePodResourcesResize(record: PodRecord, now_ms: number): void {
    this.cancelResize(record);
    record.node.deferredResizes.delete(record);
    const pod = record.pod;
    const node = this.store.get<Node>("Node", "", record.nodeName);
    if (node === undefined) return;
    const desired = podRequestsOf(pod.spec.containers.map((c) => c.resources));
    const allocatable = node.status.allocatable;
    // canResizePod: beyond the node's allocatable it can never fit.
    if (desired.cpu_mcores > allocatable.cpu_mcores || desired.memory_bytes > allocatable.memory_bytes) {
      const what = desired.memory_bytes > allocatable.memory_bytes
        ? `memory, requested: ${desired.memory_bytes}, capacity: ${allocatable.memory_bytes}`
        : `cpu, requested: ${desired.cpu_mcores}, capacity: ${allocatable.cpu_mcores}`;
      this.setResizeStatus(record, "PodResizePending", "Infeasible", `Node didn't have enough capacity: ${what}`, now_ms);
      return;
    }
    // canAdmitPod against the other pods' allocated requests: fits the node, not now.
    const used = { cpu_mcores: 0, memory_bytes: 0 };
    for (const other of record.node.pods) {
      if (other === record) continue;
      const requests = podRequestsOf(other.allocated);
      used.cpu_mcores += requests.cpu_mcores;
      used.memory_bytes += requests.memory_bytes;
    }
    const short = desired.cpu_mcores + used.cpu_mcores > allocatable.cpu_mcores ? "cpu" : desired.memory_bytes + used.memory_bytes > allocatable.memory_bytes ? "memory" : null;
    if (short !== null) {
      const [requested, inUse, capacity] = short === "cpu"
        ? [desired.cpu_mcores, used.cpu_mcores, allocatable.cpu_mcores]
        : [desired.memory_bytes, used.memory_bytes, allocatable.memory_bytes];
      this.setResizeStatus(record, "PodResizePending", "Deferred", `Node didn't have enough resource: ${short}, requested: ${requested}, used: ${inUse}, capacity: ${capacity}`, now_ms);
      record.node.deferredResizes.add(record);
      record.resize = this.sim.schedule(this.config.syncFrequency_ms, (t) => this.retryResize(record, t));
      return;
    }
    record.allocated = pod.spec.containers.map((c) => copyResources(c.resources));
    pod.status.containerStatuses.forEach((status, i) => (status.allocatedResources = { ...record.allocated[i].requests }));
    this.setResizeStatus(record, "PodResizeInProgress", "", "", now_ms);
    record.resize = this.sim.schedule(this.config.resizeActuation_ms, (t) => this.actuateResize(record, t));
  }

  /** The runtime applies the allocated resources; the status then reports them. */
  private actuateResize(record: PodRecord, now_ms: number): void {
    record.resize = null;
    const pod = record.pod;
    // A container not running has nothing to actuate: it starts with the allocated resources.
    const failure = record.containersStarted_ms === null ? null : this.runtime.updateContainerResources(pod, record.allocated[0], now_ms);
    if (failure !== null) {
      this.setResizeStatus(record, "PodResizeInProgress", "Error", failure, now_ms);
      record.resize = this.sim.schedule(this.config.syncFrequency_ms, (t) => this.actuateResize(record, t));
      return;
    }
    pod.status.containerStatuses.forEach((status, i) => (status.resources = copyResources(record.allocated[i])));
    removePodCondition(pod, "PodResizeInProgress");
    this.store.update(pod);
    this.events.emit(now_ms, "kubelet", "Pod", pod.metadata.name, "ResizeCompleted", "ResizeCompleted", `Pod resize completed: ${describeResources(record.allocated, pod)}`);
    // Resources it gave back may let a deferred resize through.
    this.retryPendingResizes(record.node, now_ms);
  }

  /** A pod sync of a pod whose resize is deferred or failed: evaluate it again. */
  private retryResize(record: PodRecord, now_ms: number): void {
    record.resize = null;
    record.node.deferredResizes.delete(record);
    if (record.terminating || !this.pods.has(record.pod.metadata.uid)) return;
    if (resizeRequested(record)) this.handlePodResourcesResize(record, now_ms);
    // The spec went back to what is allocated: nothing is pending any more.
    else if (removePodCondition(record.pod, "PodResizePending")) this.store.update(record.pod);
  }

  /** RetryPendingResizes: the deferred resizes of a node, after resources there were freed. */
  private retryPendingResizes(node: NodeState, now_ms: number): void {
    for (const other of [...node.deferredResizes]) this.retryResize(other, now_ms);
  }

  private setResizeStatus(record: PodRecord, type: "PodResizePending" | "PodResizeInProgress", reason: string, message: string, now_ms: number): void {
    const other = type === "PodResizePending" ? "PodResizeInProgress" : "PodResizePending";
    const removed = removePodCondition(record.pod, other);
    if (setPodCondition(record.pod, type, "True", now_ms, reason, message) || removed) this.store.update(record.pod);
  }

  private cancelResize(record: PodRecord): void {
    if (record.resize !== null) this.sim.cancel(record.resize);
    record.resize = null;
  }

  private stopProbing(record: PodRecord): void {
    record.probeTimer?.cancel();
    record.probeTimer = null;
  }

  /** The app container's probe (the first container's); sidecars are taken as always ready. */
  private readinessProbe(pod: Pod): Probe | null {
    const probe = pod.spec.containers[0]?.readinessProbe;
    return probe ? { ...READINESS_PROBE_DEFAULTS, ...probe } : null;
  }
}

/** Whether the pod's spec resources differ from what the kubelet allocated (a resize to handle). */
function resizeRequested(record: PodRecord): boolean {
  const containers = record.pod.spec.containers;
  for (let i = 0; i < containers.length; i++) {
    const want = containers[i].resources;
    const have = record.allocated[i];
    if (have === undefined) return false;
    if (!sameList(want.requests, have.requests) || !sameList(want.limits, have.limits)) return true;
  }
  return false;
}

const sameList = (a: ResourceList, b: ResourceList): boolean => a.cpu_mcores === b.cpu_mcores && a.memory_bytes === b.memory_bytes;

const copyResources = (r: ResourceRequirements): ResourceRequirements => ({ requests: { ...r.requests }, limits: { ...r.limits } });

/** The sum of the containers' cpu and memory requests. */
function podRequestsOf(containers: readonly ResourceRequirements[]): Required<ResourceList> {
  let cpu_mcores = 0;
  let memory_bytes = 0;
  for (const c of containers) {
    cpu_mcores += c.requests.cpu_mcores ?? 0;
    memory_bytes += c.requests.memory_bytes ?? 0;
  }
  return { cpu_mcores, memory_bytes };
}

function describeResources(allocated: readonly ResourceRequirements[], pod: Pod): string {
  return allocated
    .map((r, i) => {
      const part = (list: ResourceList) => [list.cpu_mcores !== undefined ? `cpu:${list.cpu_mcores}m` : "", list.memory_bytes !== undefined ? `memory:${list.memory_bytes}` : ""].filter((x) => x !== "").join(",");
      return `${pod.spec.containers[i].name}{requests:{${part(r.requests)}},limits:{${part(r.limits)}}}`;
    })
    .join(" ");
}
