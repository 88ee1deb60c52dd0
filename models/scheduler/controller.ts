/**
 * kube-scheduler on the kernel: the loop around the pure scheduler port (schedulePod, NodeInfo,
 * SchedulingQueue). Port of the parts of pkg/scheduler that turn decisions into API writes:
 * eventhandlers.go (informer handlers feeding the cache and the queue), schedule_one.go
 * scheduleOne / schedulingCycle / bindingCycle / handleSchedulingFailure, and
 * backend/queue PriorityQueue.Run's flush loops.
 *
 * What it does, as upstream:
 * - Keeps one NodeInfo per node (the scheduler cache), in node creation order, updated
 *   incrementally from Node and Pod watches; an attempt never walks the cluster's pods.
 * - Schedules one pod at a time (scheduleOne): pop, run the scheduling cycle, assume the pod on
 *   the chosen node (NodeInfo.addPod at once, so the next cycle sees it), then bind: set
 *   spec.nodeName and PodScheduled=True (what the API server's binding subresource does) and
 *   emit "Scheduled". The next pod is popped when the cycle ends, not when binding ends
 *   (binding runs in its own goroutine upstream).
 * - On a FitError (handleSchedulingFailure): requeue via AddUnschedulableIfNotPresent, emit
 *   FailedScheduling with FitError.Error(), set PodScheduled=False/Unschedulable with the same
 *   message (written only when it changed, as updatePod does).
 * - Cluster events move unschedulable pods (MoveAllToActiveOrBackoffQueue) with queueing hints
 *   for the modelled plugins (see `nodeEventHint`, `podDeleteHint`).
 *
 * Time model: a cycle takes `schedulingLatency_ms` of virtual time: the pod is popped at t and
 * the decision is taken against the cache as it is at t + latency (one kernel event per pod).
 * Binding completes `bindingLatency_ms` after the cycle ends.
 *
 * Flush timers cost no events when idle: upstream runs flushBackoffQCompleted every 1 s and
 * flushUnschedulablePodsLeftover every 30 s from scheduler start (wait.Until). Here each is a
 * one-shot armed only while its queue holds pods, at the first tick of that same grid at which
 * the periodic flush would move something (backoff expiry ≤ tick; tick − timestamp > max
 * duration), so what pods see is identical to the periodic loops (a flush that moves nothing
 * changes nothing, see flushUnschedulablePodsLeftover's `len(podsToMove) > 0`).
 *
 * Not modelled: preemption and nominated pods, extenders, Permit/PreBind plugins, multiple
 * profiles (every pod is ours), binding errors other than the pod having gone, the cache's
 * assumed-pod expiry (binding always finishes), AssignedPodAdd / AssignedPodUpdate moves (only
 * InterPodAffinity and PodTopologySpread, not modelled, care about them; a scaled-down assigned
 * pod does raise one, see onAssignedPod).
 */
import type { RandomStream, Simulation } from "../../engine/index.js";
import { ScheduledEvent } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import type { ClusterStore } from "../cluster/store.js";
import type { Node, Pod } from "../cluster/types.js";
import { isPodTerminal, setPodCondition } from "../kubelet/pod-status.js";
import { fitErrorMessage } from "./fit-error.js";
import { NodeInfo } from "./node-info.js";
import { nodeAffinityFilter, nodeAffinityPreFilter, NODE_AFFINITY } from "./plugins/node-affinity.js";
import { NODE_NAME } from "./plugins/node-name.js";
import { NODE_RESOURCES_FIT, nodeResourcesFitFilter } from "./plugins/node-resources-fit.js";
import { NODE_UNSCHEDULABLE, nodeUnschedulableFilter } from "./plugins/node-unschedulable.js";
import { TAINT_TOLERATION, taintTolerationFilter } from "./plugins/taint-toleration.js";
import { calculateResource, computePodResourceRequest } from "./resource.js";
import { DEFAULT_SCORE_WEIGHTS, schedulePod, SchedulerState, type SchedulerConfig, type ScoreWeights } from "./schedule-one.js";
import {
  BACKOFF_Q_FLUSH_PERIOD_MS,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  EVENT_ASSIGNED_POD_DELETE,
  EVENT_NODE_ADD,
  EVENT_NODE_UPDATE,
  podKey,
  SchedulingQueue,
  UNSCHEDULABLE_PODS_FLUSH_PERIOD_MS,
  type QueuedPodInfo,
  type QueueingHint,
} from "./scheduling-queue.js";
import { isSuccess } from "./status.js";

/** framework/events.go: an assigned pod's requests shrank (NodeResourcesFit listens). */
export const EVENT_ASSIGNED_POD_UPDATE = "AssignedPodUpdate";

/** The event source upstream records (v1.DefaultSchedulerName). */
export const SCHEDULER_COMPONENT = "default-scheduler";

export interface SchedulerControllerConfig {
  /** Virtual time one scheduling cycle takes (pop to assume); the next pod waits for it. */
  schedulingLatency_ms: number;
  /** Time from the end of the cycle to the binding being written. */
  bindingLatency_ms: number;
  /** KubeSchedulerConfiguration podInitialBackoffSeconds (default 1 s). */
  podInitialBackoff_ms: number;
  /** podMaxBackoffSeconds (default 10 s). */
  podMaxBackoff_ms: number;
  /** --pod-max-in-unschedulable-pods-duration (default 5 min). */
  podMaxInUnschedulablePodsDuration_ms: number;
  /** percentageOfNodesToScore; 0 = adaptive. */
  percentageOfNodesToScore: number;
  /** Score plugin weights of the profile. */
  weights: Readonly<ScoreWeights>;
  /** ≤1.34 taint message "node(s) had untolerated taint {k: v}". */
  legacyTaintReason: boolean;
  /** SchedulerPopFromBackoffQ (on by default since 1.33): an idle scheduler pops backoffQ. */
  popFromBackoffQ: boolean;
}

export const DEFAULT_SCHEDULER_CONTROLLER_CONFIG: Readonly<SchedulerControllerConfig> = Object.freeze({
  schedulingLatency_ms: 10,
  bindingLatency_ms: 0,
  podInitialBackoff_ms: DEFAULT_POD_INITIAL_BACKOFF_MS,
  podMaxBackoff_ms: DEFAULT_POD_MAX_BACKOFF_MS,
  podMaxInUnschedulablePodsDuration_ms: DEFAULT_POD_MAX_IN_UNSCHEDULABLE_PODS_DURATION_MS,
  percentageOfNodesToScore: 0,
  weights: DEFAULT_SCORE_WEIGHTS,
  legacyTaintReason: false,
  popFromBackoffQ: true,
});

/** A pod in the scheduler cache: assumed (binding in flight) or bound. */
interface CachedPod {
  pod: Pod;
  nodeName: string;
  assumed: boolean;
  /** Requests as added to the NodeInfo, to notice an in-place resize. */
  cpu_mcores: number;
  memory_bytes: number;
}

export interface SchedulerStats {
  /** Scheduling cycles run (pods popped). */
  attempts: number;
  /** Bindings written. */
  bindings: number;
  /** Attempts that ended unschedulable. */
  failures: number;
}

/** First tick of the grid start + k·period (k ≥ 0) at or after `t`. */
function gridAtOrAfter(t_ms: number, start_ms: number, period_ms: number): number {
  if (t_ms <= start_ms) return start_ms;
  return start_ms + Math.ceil((t_ms - start_ms) / period_ms) * period_ms;
}

/** The node fields the modelled filters read; a change of any is a NodeUpdate worth moving pods for. */
function nodeSchedulingSignature(node: Node): string {
  const a = node.status.allocatable;
  return JSON.stringify([node.spec.unschedulable, a.cpu_mcores, a.memory_bytes, a.pods, node.metadata.labels, node.spec.taints]);
}

/**
 * What upstream's isPodUpdated compares for a pod (all but status, resourceVersion, generation,
 * managedFields, finalizers), restricted to the fields kubesim has.
 */
function podSchedulingSignature(pod: Pod): string {
  return JSON.stringify([pod.metadata.labels, pod.metadata.annotations, pod.spec]);
}

export class SchedulerController {
  readonly queue: SchedulingQueue;
  readonly stats: SchedulerStats = { attempts: 0, bindings: 0, failures: 0 };
  /** Called after every binding (tests, time series). */
  onBound: ((pod: Pod, nodeName: string, now_ms: number) => void) | null = null;

  private readonly config: Readonly<SchedulerControllerConfig>;
  private readonly schedulerConfig: SchedulerConfig;
  private readonly state = new SchedulerState();
  private readonly rng: RandomStream;
  /** Scheduler start: the origin of the flush grids (PriorityQueue.Run). */
  private readonly start_ms: number;

  /** The snapshot's node list, in node creation order. */
  private readonly nodeList: NodeInfo[] = [];
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly nodeSignatures = new Map<string, string>();
  /** Cache pods by node name, also for nodes the scheduler has no Node object for (yet). */
  private readonly podsByNode = new Map<string, Map<string, CachedPod>>();
  private readonly cachedPods = new Map<string, CachedPod>();
  /** isPodUpdated baselines of unschedulable pods, by uid. */
  private readonly unschedulableSignatures = new Map<string, string>();

  private inFlight: QueuedPodInfo | null = null;
  private inFlightCycle = 0;
  private readonly cycleEvent: ScheduledEvent;
  private backoffFlush: ScheduledEvent | null = null;
  private leftoverFlush: ScheduledEvent | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    config: Partial<SchedulerControllerConfig> = {},
  ) {
    this.config = { ...DEFAULT_SCHEDULER_CONTROLLER_CONFIG, ...config };
    const c = this.config;
    if (!Number.isSafeInteger(c.schedulingLatency_ms) || c.schedulingLatency_ms < 0) {
      throw new RangeError(`schedulingLatency_ms must be a non-negative integer, got ${c.schedulingLatency_ms}`);
    }
    if (!Number.isSafeInteger(c.bindingLatency_ms) || c.bindingLatency_ms < 0) {
      throw new RangeError(`bindingLatency_ms must be a non-negative integer, got ${c.bindingLatency_ms}`);
    }
    this.schedulerConfig = {
      percentageOfNodesToScore: c.percentageOfNodesToScore,
      weights: c.weights,
      legacyTaintReason: c.legacyTaintReason,
      volumeStore: store,
    };
    this.queue = new SchedulingQueue({
      podInitialBackoff_ms: c.podInitialBackoff_ms,
      podMaxBackoff_ms: c.podMaxBackoff_ms,
      podMaxInUnschedulablePodsDuration_ms: c.podMaxInUnschedulablePodsDuration_ms,
      popFromBackoffQ: c.popFromBackoffQ,
    });
    this.rng = sim.rng.stream("scheduler");
    this.start_ms = sim.now_ms;
    this.cycleEvent = new ScheduledEvent(0, 0, (now_ms) => this.finishSchedulingCycle(now_ms));
    // Objects already in the store (a scheduler started late) are picked up as informers would
    // list them: nodes first, then pods, in creation order.
    for (const node of store.list<Node>("Node")) this.onNode("ADDED", node, sim.now_ms);
    for (const pod of store.list<Pod>("Pod")) this.onPod("ADDED", pod, sim.now_ms);
    store.watch<Node>("Node", (type, node) => this.onNode(type, node, sim.now_ms));
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod, sim.now_ms));
  }

  /** Nodes in the scheduler's snapshot, in order (inspection and tests). */
  nodeInfoList(): readonly NodeInfo[] {
    return this.nodeList;
  }

  nodeInfo(name: string): NodeInfo | undefined {
    return this.nodeInfos.get(name);
  }

  /** Whether a cycle is running (the pod popped and not yet decided). */
  get busy(): boolean {
    return this.inFlight !== null;
  }

  // ---- informer handlers (eventhandlers.go) ----

  private onNode(type: "ADDED" | "MODIFIED" | "DELETED", node: Node, now_ms: number): void {
    const name = node.metadata.name;
    if (type === "DELETED") {
      // deleteNodeFromCache: the node leaves the snapshot; its pods stay in the cache until
      // their own deletion arrives (cache.RemoveNode keeps a NodeInfo while pods remain).
      const ni = this.nodeInfos.get(name);
      if (ni === undefined || ni.node !== node) return;
      this.nodeInfos.delete(name);
      this.nodeSignatures.delete(name);
      this.nodeList.splice(this.nodeList.indexOf(ni), 1);
      return;
    }
    // A delayed notification may carry a node already deleted from the store.
    if (this.store.get<Node>("Node", "", name) !== node) return;
    const signature = nodeSchedulingSignature(node);
    const existing = this.nodeInfos.get(name);
    if (existing === undefined) {
      // addNodeToCache, then MoveAllToActiveOrBackoffQueue(NodeAdd).
      const ni = new NodeInfo(node);
      const pods = this.podsByNode.get(name);
      if (pods !== undefined) for (const c of pods.values()) ni.addPod(c.pod);
      this.nodeInfos.set(name, ni);
      this.nodeSignatures.set(name, signature);
      this.nodeList.push(ni);
      this.queue.moveAllToActiveOrBackoffQueue(EVENT_NODE_ADD, now_ms, null, this.nodeEventHint(node));
    } else {
      // updateNodeInCache; the queue hears of it only when a scheduling property changed
      // (nodeSchedulingPropertiesChange), as an informer update carrying old and new would tell.
      existing.setNode(node);
      if (this.nodeSignatures.get(name) === signature) return;
      this.nodeSignatures.set(name, signature);
      this.queue.moveAllToActiveOrBackoffQueue(EVENT_NODE_UPDATE, now_ms, null, this.nodeEventHint(node));
    }
    this.afterQueueChange(now_ms);
  }

  private onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: Pod, now_ms: number): void {
    // The informer excludes terminal pods (status.phase!=Succeeded,Failed): one turning
    // terminal is a delete to the scheduler.
    if (type === "DELETED" || isPodTerminal(pod)) {
      this.onPodGone(pod, now_ms);
      return;
    }
    if (pod.spec.nodeName !== "") {
      this.onAssignedPod(pod, now_ms);
      return;
    }
    const uid = pod.metadata.uid;
    // updatePodInSchedulingQueue: an assumed pod (binding in flight) or the pod being scheduled
    // is not requeued.
    if (this.cachedPods.has(uid) || this.inFlight?.pod === pod) return;
    const key = podKey(pod);
    if (pod.metadata.deletionTimestamp_ms !== null) {
      // skipPodSchedule would drop it at its next pop; dropping it now is the same.
      this.queue.delete(pod);
      this.unschedulableSignatures.delete(uid);
      return;
    }
    const where = this.queue.where(key);
    if (where === null) {
      this.queue.add(pod, now_ms);
    } else if (where === "unschedulable") {
      // PriorityQueue.Update moves an unschedulable pod only when isPodUpdated (a status-only
      // write, like our own PodScheduled condition, is not an update).
      const signature = podSchedulingSignature(pod);
      const changed = this.unschedulableSignatures.get(uid) !== signature;
      if (changed) this.unschedulableSignatures.set(uid, signature);
      this.queue.update(pod, now_ms, changed);
    } else {
      this.queue.update(pod, now_ms);
    }
    this.afterQueueChange(now_ms);
  }

  /** addPodToCache / updatePodInCache for a pod with spec.nodeName. */
  private onAssignedPod(pod: Pod, now_ms: number): void {
    const uid = pod.metadata.uid;
    const cached = this.cachedPods.get(uid);
    if (cached !== undefined) {
      if (cached.nodeName !== pod.spec.nodeName) {
        throw new Error(`scheduler: pod ${podKey(pod)} is cached on ${cached.nodeName} but bound to ${pod.spec.nodeName}`);
      }
      cached.assumed = false; // cache.AddPod of an assumed pod confirms it
      const res = calculateResource(pod);
      if (res.cpu_mcores === cached.cpu_mcores && res.memory_bytes === cached.memory_bytes) return;
      // An in-place resize: the cache's UpdatePod replaces what the pod added.
      const shrank = res.cpu_mcores < cached.cpu_mcores || res.memory_bytes < cached.memory_bytes;
      const ni = this.nodeInfos.get(cached.nodeName);
      if (ni !== undefined) {
        ni.removePod(uid);
        ni.addPod(pod);
      }
      cached.pod = pod;
      cached.cpu_mcores = res.cpu_mcores;
      cached.memory_bytes = res.memory_bytes;
      if (shrank) {
        this.queue.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_UPDATE, now_ms, null, resourcesFreedHint);
        this.afterQueueChange(now_ms);
      }
      return;
    }
    // Bound by someone else (created with nodeName, e.g. DaemonSet pods): it leaves the queue
    // (the unscheduled-pod informer's filter no longer matches) and enters the cache.
    if (this.queue.delete(pod)) this.afterQueueChange(now_ms);
    this.unschedulableSignatures.delete(uid);
    this.cacheAdd(pod, pod.spec.nodeName, false);
  }

  private onPodGone(pod: Pod, now_ms: number): void {
    const uid = pod.metadata.uid;
    this.unschedulableSignatures.delete(uid);
    const cached = this.cachedPods.get(uid);
    if (cached !== undefined && cached.pod === pod) {
      // deletePodFromCache, then MoveAllToActiveOrBackoffQueue(AssignedPodDelete): its
      // resources are free.
      this.cacheRemove(cached);
      this.queue.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, now_ms, null, resourcesFreedHint);
      this.afterQueueChange(now_ms);
      return;
    }
    // deletePodFromSchedulingQueue. A delayed DELETED must not remove a newer pod of the same
    // name that is already queued; notifications are FIFO, so the queued one is this pod
    // unless it was re-created in between, which the store's uid tells.
    const current = this.store.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name);
    if (current !== undefined && current !== pod) return;
    if (this.queue.delete(pod)) this.afterQueueChange(now_ms);
  }

  // ---- the scheduler cache ----

  private cacheAdd(pod: Pod, nodeName: string, assumed: boolean): void {
    const res = calculateResource(pod);
    const cached: CachedPod = { pod, nodeName, assumed, cpu_mcores: res.cpu_mcores, memory_bytes: res.memory_bytes };
    this.cachedPods.set(pod.metadata.uid, cached);
    let pods = this.podsByNode.get(nodeName);
    if (pods === undefined) {
      pods = new Map();
      this.podsByNode.set(nodeName, pods);
    }
    pods.set(pod.metadata.uid, cached);
    this.nodeInfos.get(nodeName)?.addPod(pod);
  }

  private cacheRemove(cached: CachedPod): void {
    const uid = cached.pod.metadata.uid;
    this.cachedPods.delete(uid);
    const pods = this.podsByNode.get(cached.nodeName);
    if (pods !== undefined) {
      pods.delete(uid);
      if (pods.size === 0) this.podsByNode.delete(cached.nodeName);
    }
    this.nodeInfos.get(cached.nodeName)?.removePod(uid);
  }

  // ---- scheduleOne ----

  /** After the queue may have gained poppable pods or its flush deadlines moved. */
  private afterQueueChange(now_ms: number): void {
    this.maybeStartCycle(now_ms);
    this.armFlushTimers(now_ms);
  }

  /** scheduleOne's NextPod: an idle scheduler pops at once (upstream's Pop wakes on broadcast). */
  private maybeStartCycle(now_ms: number): void {
    if (this.inFlight !== null) return;
    const pInfo = this.queue.pop();
    if (pInfo === undefined) return;
    this.inFlight = pInfo;
    this.inFlightCycle = this.queue.schedulingCycle();
    this.stats.attempts++;
    this.sim.reschedule(this.cycleEvent, now_ms + this.config.schedulingLatency_ms);
  }

  private finishSchedulingCycle(now_ms: number): void {
    const pInfo = this.inFlight;
    if (pInfo === null) throw new Error("scheduler: cycle event without a pod in flight");
    this.inFlight = null;
    const pod = pInfo.pod;
    // skipPodSchedule: the pod was deleted, is being deleted, or got bound meanwhile.
    const skip =
      this.store.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name) !== pod ||
      pod.metadata.deletionTimestamp_ms !== null ||
      pod.spec.nodeName !== "" ||
      isPodTerminal(pod);
    if (!skip) this.schedulingCycle(pInfo, now_ms);
    this.afterQueueChange(now_ms);
  }

  /** schedule_one.go schedulingCycle + the start of bindingCycle. */
  private schedulingCycle(pInfo: QueuedPodInfo, now_ms: number): void {
    const pod = pInfo.pod;
    const result = schedulePod(pod, this.nodeList, this.state, this.rng, this.schedulerConfig);
    if (result.kind === "Scheduled") {
      const host = result.suggestedHost;
      // assume: the cache counts the pod on its node before the binding is written.
      this.unschedulableSignatures.delete(pod.metadata.uid);
      this.cacheAdd(pod, host, true);
      if (this.config.bindingLatency_ms === 0) this.bind(pod, host, now_ms);
      else this.sim.schedule(this.config.bindingLatency_ms, (t) => this.bind(pod, host, t));
      return;
    }
    this.stats.failures++;
    if (result.kind === "FitError") {
      this.handleSchedulingFailure(pInfo, result.fitError.diagnosis.unschedulablePlugins, fitErrorMessage(result.fitError), now_ms);
    } else {
      // ErrNoNodesAvailable: UnschedulableAndUnresolvable with no rejector plugin, so the
      // queue treats it as an error (error backoff).
      this.handleSchedulingFailure(pInfo, EMPTY_PLUGINS, result.message, now_ms);
    }
  }

  /** bindingCycle → DefaultBinder.Bind (pods/binding: nodeName + PodScheduled=True). */
  private bind(pod: Pod, host: string, now_ms: number): void {
    const cached = this.cachedPods.get(pod.metadata.uid);
    const gone =
      this.store.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name) !== pod ||
      pod.metadata.deletionTimestamp_ms !== null ||
      isPodTerminal(pod);
    if (gone) {
      // handleBindingCycleError: ForgetPod, then AssignedPodDelete so waiting pods can use the
      // room. The pod's own deletion may already have done both.
      if (cached !== undefined && cached.pod === pod) {
        this.cacheRemove(cached);
        this.queue.moveAllToActiveOrBackoffQueue(EVENT_ASSIGNED_POD_DELETE, now_ms, null, resourcesFreedHint);
        this.afterQueueChange(now_ms);
      }
      return;
    }
    if (pod.spec.nodeName !== "") throw new Error(`scheduler: pod ${podKey(pod)} is already bound to ${pod.spec.nodeName}`);
    pod.spec.nodeName = host;
    setPodCondition(pod, "PodScheduled", "True", now_ms);
    this.store.update(pod);
    this.stats.bindings++;
    const ns = pod.metadata.namespace;
    this.events.emit(now_ms, SCHEDULER_COMPONENT, "Pod", pod.metadata.name, "Normal", "Scheduled",
      `Successfully assigned ${ns}/${pod.metadata.name} to ${host}`);
    this.onBound?.(pod, host, now_ms);
  }

  /** schedule_one.go handleSchedulingFailure for a rejected pod. */
  private handleSchedulingFailure(pInfo: QueuedPodInfo, plugins: ReadonlySet<string>, message: string, now_ms: number): void {
    const pod = pInfo.pod;
    const err = this.queue.addUnschedulableIfNotPresent(pInfo, plugins, this.inFlightCycle, now_ms);
    if (err !== null) throw new Error(`scheduler: ${err}`);
    this.unschedulableSignatures.set(pod.metadata.uid, podSchedulingSignature(pod));
    this.events.emit(now_ms, SCHEDULER_COMPONENT, "Pod", pod.metadata.name, "Warning", "FailedScheduling", message);
    // updatePod: written only when the condition changed (podutil.UpdatePodCondition).
    if (setPodCondition(pod, "PodScheduled", "False", now_ms, "Unschedulable", message)) this.store.update(pod);
  }

  // ---- PriorityQueue.Run's flush loops, as on-demand one-shots on the same grid ----

  private armFlushTimers(now_ms: number): void {
    // flushBackoffQCompleted every 1 s: the first tick at which the earliest expiry is done.
    const expiry_ms = this.queue.nextBackoffExpiry_ms();
    if (expiry_ms === null) {
      this.backoffFlush = this.cancelTimer(this.backoffFlush);
    } else {
      const at_ms = gridAtOrAfter(Math.max(expiry_ms, now_ms), this.start_ms, BACKOFF_Q_FLUSH_PERIOD_MS);
      // An earlier pending flush is kept: it re-arms after running.
      if (this.backoffFlush === null || this.backoffFlush.time_ms > at_ms) {
        this.cancelTimer(this.backoffFlush);
        this.backoffFlush = this.sim.scheduleAt(at_ms, (t) => {
          this.backoffFlush = null;
          this.queue.flushBackoffQCompleted(t);
          this.afterQueueChange(t);
        });
      }
    }
    // flushUnschedulablePodsLeftover every 30 s: the first tick strictly more than the max
    // duration after the oldest unschedulable pod's timestamp.
    const oldest_ms = this.queue.oldestUnschedulableTimestamp_ms();
    if (oldest_ms === null) {
      this.leftoverFlush = this.cancelTimer(this.leftoverFlush);
    } else {
      const due_ms = Math.max(oldest_ms + this.config.podMaxInUnschedulablePodsDuration_ms + 1, now_ms);
      const at_ms = gridAtOrAfter(due_ms, this.start_ms, UNSCHEDULABLE_PODS_FLUSH_PERIOD_MS);
      if (this.leftoverFlush === null || this.leftoverFlush.time_ms > at_ms) {
        this.cancelTimer(this.leftoverFlush);
        this.leftoverFlush = this.sim.scheduleAt(at_ms, (t) => {
          this.leftoverFlush = null;
          this.queue.flushUnschedulablePodsLeftover(t);
          this.afterQueueChange(t);
        });
      }
    }
  }

  private cancelTimer(event: ScheduledEvent | null): null {
    if (event !== null) this.sim.cancel(event);
    return null;
  }

  // ---- queueing hints (QueueingHintFn of the modelled plugins, collapsed to Queue/Skip) ----

  /**
   * NodeAdd / NodeUpdate: a pod is requeued if some plugin that rejected it would accept the
   * node as it now is: NodeUnschedulable, TaintToleration, NodeAffinity on the node object,
   * NodeResourcesFit on its allocatable alone (isSchedulableAfterNodeChange's isFit ignores the
   * node's pods). NodeName does not register node events. Unknown plugins requeue.
   */
  private nodeEventHint(node: Node): QueueingHint {
    const empty = new NodeInfo(node);
    const legacy = this.config.legacyTaintReason;
    return (pInfo) => {
      const pod = pInfo.pod;
      for (const plugin of pInfo.unschedulablePlugins) {
        switch (plugin) {
          case NODE_UNSCHEDULABLE:
            if (isSuccess(nodeUnschedulableFilter(pod, empty))) return true;
            break;
          case TAINT_TOLERATION:
            if (isSuccess(taintTolerationFilter(pod, empty, legacy))) return true;
            break;
          case NODE_AFFINITY: {
            const required = nodeAffinityPreFilter(pod);
            if (required === null || isSuccess(nodeAffinityFilter(required, empty))) return true;
            break;
          }
          case NODE_RESOURCES_FIT:
            if (isSuccess(nodeResourcesFitFilter(computePodResourceRequest(pod), empty))) return true;
            break;
          case NODE_NAME:
            break;
          default:
            return true;
        }
      }
      return false;
    };
  }
}

const EMPTY_PLUGINS: ReadonlySet<string> = new Set();

/**
 * AssignedPodDelete / a scaled-down AssignedPodUpdate: only NodeResourcesFit (of the modelled
 * plugins) registers these; freed resources cannot help a pod rejected for taints, affinity or
 * an unschedulable node. Unknown plugins requeue.
 */
function resourcesFreedHint(pInfo: QueuedPodInfo): boolean {
  for (const plugin of pInfo.unschedulablePlugins) {
    switch (plugin) {
      case NODE_RESOURCES_FIT:
        return true;
      case NODE_UNSCHEDULABLE:
      case TAINT_TOLERATION:
      case NODE_AFFINITY:
      case NODE_NAME:
        break;
      default:
        return true;
    }
  }
  return false;
}
