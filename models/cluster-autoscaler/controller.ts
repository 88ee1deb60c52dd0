/**
 * The Cluster Autoscaler on the kernel: the loop around the pure decision functions of this
 * folder, reading only the store and acting through the cloud provider and the Eviction API.
 * Upstream: core/static_autoscaler.go RunOnce, loop/trigger.go, clusterstate/clusterstate.go
 * (readiness, upcoming nodes, scale-up requests and their timeout, backoff), core/scaledown/
 * (planner, unneeded, actuation) and processors/status/eventing_scale_up_processor.go.
 *
 * One loop (RunOnce), every scan-interval, and at once after a productive loop or when a pod
 * turns unschedulable (frequent loops):
 *  1. Cluster state: per node group the registered, Ready and not-started nodes; upcoming nodes
 *     = target size - registered nodes that have started. Instances not registered within
 *     max-node-provision-time are given back (DecreaseTargetSize) and the group backs off
 *     (5 min doubling to 30 min, reset after 3 h without failure).
 *  2. Scale-up: the unschedulable pods (PodScheduled=False/Unschedulable) older than
 *     new-pod-scale-up-delay; none if every one is younger than 2 s (unschedulablePodTimeBuffer).
 *     Pods that fit the snapshot with the upcoming nodes in it are left to the scheduler
 *     (filterOutSchedulable); the rest go to ScaleUp. Then ScaleUpToNodeGroupMinSize when
 *     --enforce-node-group-min-size.
 *  3. Scale-down (when no scale-up happened in this loop): eligibility (utilization), removal
 *     simulation, unneeded-since tracking (also during cooldown), and, outside cooldown, empty
 *     nodes deleted in bulk and drain nodes drained through the Eviction API.
 *
 * Caches: converted pods and nodes are kept until their resourceVersion changes, and each node's
 * NodeInfo until its pod index bucket changes, so a loop rebuilds only what changed; the removal
 * simulation reruns only when a node or pod changed since the previous loop.
 */
import { Recorder, type ScheduledEvent, type Simulation, type TimeSeries } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { evictPod } from "../cluster/eviction.js";
import type { ClusterStore } from "../cluster/store.js";
import type { DaemonSet, Node, Pod, ReplicaSet } from "../cluster/types.js";
import { daemonPodSpec, nodeShouldRunDaemonPod } from "../daemonset/predicates.js";
import type { CloudProvider } from "./cloud-provider.js";
import { DEFAULT_CLUSTER_AUTOSCALER_CONFIG, type ClusterAutoscalerConfig } from "./config.js";
import { isNodeReady, NODE_GROUP_LABEL, toCaNode, toCaPod } from "./convert.js";
import type { ExpansionOption } from "./expander/expander.js";
import { podRequests } from "./pod.js";
import { filterOutUnremovable } from "./scaledown/eligibility.js";
import { categorizeNodes, shortestUpdateInterval_ms, TO_BE_DELETED_TAINT, unneededNodesLimit, type NodeToBeRemoved } from "./scaledown/planner.js";
import { calculateUtilization, type UtilizationResult } from "./scaledown/utilization.js";
import { removableAt, type UnneededNode } from "./scaledown/unneeded.js";
import { UnremovableNodes } from "./scaledown/unremovable.js";
import { nodeCoresAndMemory } from "./scaleup/quotas.js";
import { buildPodGroups, scaleUp, scaleUpToNodeGroupMinSize, type ScaleUpStatus, type SkippedReason } from "./scaleup/orchestrator.js";
import { ClusterSnapshot, newNodeInfo, sanitizedNodeInfo, type NodeInfo, type SchedulingError } from "./snapshot.js";
import type { CaNode, CaPod, NodeGroup } from "./types.js";
import type { PodDisruptionBudget as StoredPdb } from "../disruption/types.js";

export const CA_COMPONENT = "cluster-autoscaler";
/** The status ConfigMap CA's own (not per-object) events are recorded on. */
const STATUS_OBJECT = "cluster-autoscaler-status";
/** static_autoscaler.go unschedulablePodTimeBuffer. */
export const UNSCHEDULABLE_POD_TIME_BUFFER_MS = 2_000;
/** clusterstate MaxNodeStartupTime: a NotReady node younger than this is "not started" (still upcoming). */
const MAX_NODE_STARTUP_TIME_MS = 15 * 60_000;
/** actuation PodEvictionHeadroom: extra wait after the longest grace period before a drain gives up. */
const POD_EVICTION_HEADROOM_MS = 30_000;
/** drain.go: how often a drain checks whether the evicted pods are gone. */
const DRAIN_POLL_MS = 5_000;
/**
 * Frequent loops run back to back upstream, each taking the loop's own wall time; kubesim's loops
 * take no virtual time, so a loop triggered by an unschedulable pod waits at least this long after
 * the previous loop (one scheduler burst makes one loop, not one per pod).
 */
const MIN_TRIGGERED_LOOP_GAP_MS = 1_000;

export const CA_DECISION_COLUMNS = [
  "time_s", "pending_pods", "pods_fit_upcoming_or_existing", "upcoming_nodes", "options", "expander_choice",
  "expander_reason", "scale_up", "no_scale_up_reasons", "unneeded_nodes", "scale_down_candidates", "scale_down", "cooldown",
] as const;

/** processors/status SkippedReasons messages. */
function skippedMessage(r: SkippedReason): string {
  switch (r.reason) {
    case "MaxLimitReached":
      return "max node group size reached";
    case "MaxResourceLimitReached":
      return `max cluster ${r.resources.join(", ")} limit reached`;
    case "NotReady":
      return "not ready for scale-up";
    case "Backoff":
      return "in backoff after failed scale-up";
  }
}

function rejectionMessages(e: SchedulingError | string): string[] {
  return typeof e === "string" ? [e] : e.reasons;
}

/**
 * eventing_scale_up_processor.go ReasonsMessage: per reason, how many node groups gave it, as
 * "N reason", sorted, comma-joined.
 */
export function reasonsMessage(rejected: ReadonlyMap<string, SchedulingError | string>, skipped: ReadonlyMap<string, SkippedReason>): string {
  const aggregated = new Map<string, number>();
  for (const e of rejected.values()) for (const m of rejectionMessages(e)) aggregated.set(m, (aggregated.get(m) ?? 0) + 1);
  for (const s of skipped.values()) {
    const m = skippedMessage(s);
    aggregated.set(m, (aggregated.get(m) ?? 0) + 1);
  }
  return [...aggregated].map(([m, n]) => `${n} ${m}`).sort().join(", ");
}

interface CachedNodeInfo {
  node: Node;
  nodeVersion: number;
  podsVersion: number;
  info: NodeInfo;
}

interface Backoff {
  duration_ms: number;
  until_ms: number;
  lastFailure_ms: number;
}

const POD_NODE_INDEX = "cluster-autoscaler/node";
const NO_KEYS: readonly string[] = [];

export class ClusterAutoscaler {
  readonly decisions = new Recorder(CA_DECISION_COLUMNS);
  readonly config: Readonly<ClusterAutoscalerConfig>;
  /** Loops run (tests). */
  loops = 0;

  private readonly unschedulable = new Map<string, Pod>();
  private readonly pods = new Map<string, { version: number; ca: CaPod }>();
  private readonly nodeInfos = new Map<string, CachedNodeInfo>();
  private readonly unneededSince = new Map<string, number>();
  /** planner.go Planner.unremovableNodes: nodes whose removal simulation failed, skipped until their recheck timeout. */
  private readonly unremovableNodes = new UnremovableNodes();
  /** planner.go Planner.latestUpdate and minUpdateInterval (null: no update yet). */
  private lastPlannerUpdate_ms: number | null = null;
  private minUpdateInterval_ms: number;
  private readonly utilizations = new WeakMap<NodeInfo, UtilizationResult>();
  /** Nodes being drained (empty nodes are deleted at once), with their node group. */
  private readonly deleting = new Map<string, string>();
  private readonly backoff = new Map<string, Backoff>();
  /** The NotTriggerScaleUp message last emitted per pod: the event recorder folds repeats into one. */
  private readonly notTriggered = new Map<string, string>();
  private lastScaleUp_ms = -Infinity;
  private lastScaleDownDelete_ms = -Infinity;
  private lastScaleDownFail_ms = -Infinity;
  private lastLoop_ms = -Infinity;
  private lastRecorded_ms = -Infinity;
  /** Nodes this controller deleted or started to drain. */
  private deletions = 0;
  private loopEvent: ScheduledEvent | null = null;
  /** Bumped on every Node or Pod change: the removal simulation is reused while it stands still. */
  private clusterVersion = 0;
  private categorized: { version: number; eligible: string; limit: number; removable: NodeToBeRemoved[]; unremovable: Map<string, string> } | null = null;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
    private readonly cloud: CloudProvider,
    /** Each autoscaled group's template node (cloudprovider NodeGroup.TemplateNodeInfo). */
    private readonly templates: ReadonlyMap<string, CaNode>,
    private readonly series: TimeSeries | null,
    config: Partial<ClusterAutoscalerConfig> = {},
  ) {
    this.config = { ...DEFAULT_CLUSTER_AUTOSCALER_CONFIG, ...config };
    this.minUpdateInterval_ms = this.config.scaleDownUnneededTime_ms;
    store.addIndex<Pod>("Pod", POD_NODE_INDEX, (pod) => (pod.spec.nodeName !== "" ? [pod.spec.nodeName] : NO_KEYS));
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
    store.watch<Node>("Node", () => this.clusterVersion++);
    // A budget's disruptionsAllowed decides which nodes can be drained.
    store.watch<StoredPdb>("PodDisruptionBudget", () => this.clusterVersion++);
    this.loopEvent = sim.schedule(this.config.scanInterval_ms, (t) => this.runOnce(t));
  }

  // ---- watches ----

  private onPod(type: "ADDED" | "MODIFIED" | "DELETED", pod: Pod): void {
    this.clusterVersion++;
    const uid = pod.metadata.uid;
    if (type === "DELETED") {
      this.pods.delete(uid);
      this.unschedulable.delete(uid);
      this.notTriggered.delete(uid);
      return;
    }
    const scheduled = pod.status.conditions.find((c) => c.type === "PodScheduled");
    const isUnschedulable =
      pod.spec.nodeName === "" && pod.metadata.deletionTimestamp_ms === null && scheduled?.status === "False" && scheduled.reason === "Unschedulable";
    if (!isUnschedulable) {
      this.unschedulable.delete(uid);
      this.notTriggered.delete(uid);
      return;
    }
    if (this.unschedulable.has(uid)) return;
    this.unschedulable.set(uid, pod);
    // podObserver: an unschedulable pod appearing starts a loop (frequent loops).
    if (this.config.frequentLoopsEnabled) this.scheduleLoop(Math.max(this.sim.now_ms, this.lastLoop_ms + MIN_TRIGGERED_LOOP_GAP_MS));
  }

  private scheduleLoop(at_ms: number): void {
    if (this.loopEvent !== null && this.loopEvent.time_ms <= at_ms) return;
    if (this.loopEvent !== null) this.sim.cancel(this.loopEvent);
    this.loopEvent = this.sim.scheduleAt(at_ms, (t) => this.runOnce(t));
  }

  // ---- the store, converted ----

  private caPod(pod: Pod): CaPod {
    const cached = this.pods.get(pod.metadata.uid);
    if (cached !== undefined && cached.version === pod.metadata.resourceVersion) return cached.ca;
    const ca = toCaPod(pod);
    this.pods.set(pod.metadata.uid, { version: pod.metadata.resourceVersion, ca });
    return ca;
  }

  private groupOf(node: Node): string | null {
    const g = node.metadata.labels[NODE_GROUP_LABEL];
    return g !== undefined && this.templates.has(g) ? g : null;
  }

  /** The node with the pods bound to it (terminal pods left out), rebuilt only when either changed. */
  private nodeInfo(node: Node): NodeInfo {
    const name = node.metadata.name;
    const podsVersion = this.store.indexVersion("Pod", POD_NODE_INDEX, name);
    const cached = this.nodeInfos.get(name);
    if (cached !== undefined && cached.node === node && cached.nodeVersion === node.metadata.resourceVersion && cached.podsVersion === podsVersion) {
      return cached.info;
    }
    const pods: CaPod[] = [];
    for (const pod of this.store.byIndex<Pod>("Pod", POD_NODE_INDEX, name)) {
      if (pod.status.phase === "Succeeded" || pod.status.phase === "Failed") continue;
      pods.push(this.caPod(pod));
    }
    const info = newNodeInfo(toCaNode(node, this.groupOf(node)), pods);
    this.nodeInfos.set(name, { node, nodeVersion: node.metadata.resourceVersion, podsVersion, info });
    return info;
  }

  // ---- RunOnce ----

  private runOnce(now_ms: number): void {
    this.loopEvent = null;
    this.lastLoop_ms = now_ms;
    this.loops++;
    const row: Record<(typeof CA_DECISION_COLUMNS)[number], string | number> = {
      time_s: now_ms / 1000, pending_pods: 0, pods_fit_upcoming_or_existing: 0, upcoming_nodes: 0, options: "", expander_choice: "",
      expander_reason: "", scale_up: "", no_scale_up_reasons: "", unneeded_nodes: 0, scale_down_candidates: "", scale_down: "", cooldown: "",
    };

    const nodes = this.store.list<Node>("Node");
    const infos: NodeInfo[] = [];
    const seen = new Set<string>();
    for (const node of nodes) {
      infos.push(this.nodeInfo(node));
      seen.add(node.metadata.name);
    }
    for (const name of this.nodeInfos.keys()) if (!seen.has(name)) this.nodeInfos.delete(name);

    // 1. Cluster state.
    this.handleProvisionTimeouts(now_ms);
    const upcoming = this.upcomingNodes(nodes, now_ms);
    const groups = this.nodeGroups();

    // 2. Scale-up.
    const snapshot = new ClusterSnapshot(infos);
    snapshot.fork();
    const upcomingNodes: CaNode[] = [];
    for (const [group, count] of upcoming) {
      const template = newNodeInfo(this.templates.get(group) as CaNode);
      for (let i = 0; i < count; i++) {
        const info = sanitizedNodeInfo(template, `upcoming-${group}-${i}`);
        snapshot.addNodeInfo(info);
        upcomingNodes.push(info.node);
      }
    }
    row.upcoming_nodes = upcomingNodes.length;
    const scaledUp = this.scaleUpPhase(now_ms, snapshot, infos, upcomingNodes, groups, row);
    snapshot.revert();

    // 3. Scale-down.
    const deletesBefore = this.deletions;
    if (this.config.scaleDownEnabled && !scaledUp) this.scaleDownPhase(now_ms, snapshot, infos, groups, row);

    this.recordSeries(now_ms, nodes);
    this.decisions.add(CA_DECISION_COLUMNS.map((c) => row[c]));
    // loop/trigger.go: a productive loop (it scaled up or deleted nodes) is followed by another at once.
    const productive = scaledUp || this.deletions !== deletesBefore;
    this.scheduleLoop(productive ? now_ms : now_ms + this.config.scanInterval_ms);
  }

  /** Upstream cloudprovider.NodeGroup views of the autoscaled groups, with their current target sizes. */
  private nodeGroups(): NodeGroup[] {
    const daemonSets = this.store.list<DaemonSet>("DaemonSet");
    return this.cloud.groupNames().map((name) => {
      const spec = this.cloud.spec(name);
      const template = this.templates.get(name) as CaNode;
      return { name, min: spec.min, max: spec.max, targetSize: this.cloud.targetSize(name), template, templatePods: templateDaemonPods(template, daemonSets) };
    });
  }

  /** GetUpcomingNodes: target size - registered nodes that have started (Ready, or NotReady for longer than the startup time). */
  private upcomingNodes(nodes: readonly Node[], now_ms: number): Map<string, number> {
    const started = new Map<string, number>();
    for (const node of nodes) {
      const group = this.groupOf(node);
      if (group === null || this.deleting.has(node.metadata.name)) continue;
      const notStarted = !isNodeReady(node) && now_ms - node.metadata.creationTimestamp_ms < MAX_NODE_STARTUP_TIME_MS;
      if (!notStarted) started.set(group, (started.get(group) ?? 0) + 1);
    }
    const out = new Map<string, number>();
    for (const group of this.cloud.groupNames()) {
      const n = this.cloud.targetSize(group) - (started.get(group) ?? 0);
      if (n > 0) out.set(group, n);
    }
    return out;
  }

  /**
   * clusterstate updateScaleRequests + removeOldUnregisteredNodes: instances not registered
   * within max-node-provision-time fail the scale-up; the group backs off and the instances go.
   */
  private handleProvisionTimeouts(now_ms: number): void {
    for (const group of this.cloud.groupNames()) {
      const late = this.cloud.unregistered(group).filter((i) => i.requested_ms + this.config.maxNodeProvisionTime_ms <= now_ms);
      if (late.length === 0) continue;
      const provision_s = this.config.maxNodeProvisionTime_ms / 1000;
      this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Warning", "ScaleUpTimedOut",
        `Nodes added to group ${group} failed to register within ${formatDuration(provision_s)}`);
      this.backOff(group, now_ms);
      for (const inst of late) {
        this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Normal", "DeleteUnregistered", `Removed unregistered node ${inst.name}`);
      }
      this.cloud.decreaseTargetSize(group, late.map((i) => i.name));
    }
  }

  /** backoff/exponential_backoff.go Backoff: 5 min doubling to 30 min; reset after 3 h without failure. */
  private backOff(group: string, now_ms: number): void {
    const c = this.config;
    const prev = this.backoff.get(group);
    let duration_ms = c.initialNodeGroupBackoff_ms;
    if (prev !== undefined && prev.lastFailure_ms + c.nodeGroupBackoffReset_ms >= now_ms) {
      duration_ms = Math.min(2 * prev.duration_ms, c.maxNodeGroupBackoff_ms);
    }
    this.backoff.set(group, { duration_ms, until_ms: now_ms + duration_ms, lastFailure_ms: now_ms });
  }

  private scaleUpSafety(now_ms: number): (group: string) => SkippedReason | null {
    return (group) => {
      const b = this.backoff.get(group);
      return b !== undefined && b.until_ms > now_ms ? { reason: "Backoff" } : null;
    };
  }

  /** Step 2; returns whether a scale-up happened. */
  private scaleUpPhase(
    now_ms: number,
    snapshot: ClusterSnapshot,
    infos: readonly NodeInfo[],
    upcomingNodes: readonly CaNode[],
    groups: NodeGroup[],
    row: Record<string, string | number>,
  ): boolean {
    const c = this.config;
    // filterOutYoungPods, then the 2 s buffer of allPodsAreNew.
    const pending: CaPod[] = [];
    let allNew = true;
    for (const pod of this.unschedulable.values()) {
      const age_ms = now_ms - pod.metadata.creationTimestamp_ms;
      if (age_ms < c.newPodScaleUpDelay_ms) continue;
      if (age_ms >= UNSCHEDULABLE_POD_TIME_BUFFER_MS) allNew = false;
      pending.push(this.caPod(pod));
    }
    row.pending_pods = pending.length;
    const nodes = [...infos.map((i) => i.node), ...upcomingNodes];
    const safety = this.scaleUpSafety(now_ms);
    let scaled = false;

    if (pending.length > 0 && !allNew) {
      // filterOutSchedulable: pods the snapshot (with upcoming nodes) can still take stay with the
      // scheduler; once a pod of an equivalence group does not fit, the rest of it does not either.
      const needScaleUp: CaPod[] = [];
      let fit = 0;
      for (const group of buildPodGroups(pending)) {
        let full = false;
        for (const pod of group.pods) {
          if (!full && snapshot.schedulePodOnAnyNodeMatching(pod, () => true) !== null) fit++;
          else {
            full = true;
            needScaleUp.push(pod);
          }
        }
      }
      row.pods_fit_upcoming_or_existing = fit;
      if (needScaleUp.length > 0) {
        const status = scaleUp(
          { nodeGroups: groups, nodes, scheduledPods: [], pendingPods: needScaleUp },
          {
            expander: { chain: c.expander, config: this.expanderConfig(groups) },
            estimatorThresholds: "production",
            maxNodesPerScaleUp: c.maxNodesPerScaleUp,
            maxNodeGroupBinpackingDuration_ms: c.maxNodeGroupBinpackingDuration_ms,
            maxNodesTotal: c.maxNodesTotal,
            maxCoresTotal: c.maxCoresTotal,
            maxMemoryTotalBytes: c.maxMemoryTotal_bytes,
            balanceSimilarNodeGroups: c.balanceSimilarNodeGroups,
            nodeGroupDifferenceRatios: c.nodeGroupDifferenceRatios,
            balancingIgnoredLabels: c.balancingIgnoredLabels,
            allOrNothing: false,
            fastpathBinpacking: false,
            nodeGroupScaleUpSafety: safety,
          },
          snapshot,
        );
        scaled = this.applyScaleUp(now_ms, status, row);
      }
    }

    if (c.enforceNodeGroupMinSize) {
      const min = scaleUpToNodeGroupMinSize(
        { nodeGroups: this.nodeGroups(), nodes },
        { maxNodesTotal: c.maxNodesTotal, maxCoresTotal: c.maxCoresTotal, maxMemoryTotalBytes: c.maxMemoryTotal_bytes, nodeGroupScaleUpSafety: safety },
      );
      for (const info of min.scaleUpInfos) {
        this.cloud.increaseSize(info.group, info.newSize - info.currentSize);
        this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Normal", "ScaledUpGroup",
          `Scale-up: setting group ${info.group} size to ${info.newSize} instead of ${info.currentSize} (max: ${info.maxSize})`);
        row.scale_up = [row.scale_up, `${info.group} ${info.currentSize}->${info.newSize} (min size)`].filter((s) => s !== "").join("; ");
        this.lastScaleUp_ms = now_ms;
        scaled = true;
      }
    }
    return scaled;
  }

  private expanderConfig(groups: readonly NodeGroup[]) {
    // The registry hands back the same stream for the name: one stream for the whole run.
    const rng = this.sim.rng.stream("cluster-autoscaler/expander");
    const prices = new Map(groups.map((g) => [g.name, this.cloud.spec(g.name).price_usd_per_h]));
    const priorities = this.config.expanderPriorities;
    const rate = this.cheapestRate(groups);
    return {
      pick: (n: number) => rng.integer(0, n - 1),
      pricing: {
        nodePrice: (group: string) => prices.get(group),
        // The price expander's pod price (price.go): what the pod's requests would cost at the
        // cheapest per-core and per-GiB rate of the groups' templates.
        podPrice: (pod: CaPod) => {
          const r = podRequests(pod);
          return (r.cpuMilli / 1000) * rate.cpu + (r.memoryBytes / 2 ** 30) * rate.memory;
        },
        // price.go priceStabilizationPod: 500m and 500Mi.
        stabilizationPodPrice: () => 0.5 * rate.cpu + (500 / 1024) * rate.memory,
      },
      priorities:
        priorities === null
          ? null
          : new Map(Object.entries(priorities).map(([p, res]) => [Number(p), res.map((r) => new RegExp(r))])),
    };
  }

  /** $ per core-hour and per GiB-hour, half each of the cheapest template's price. */
  private cheapestRate(groups: readonly NodeGroup[]): { cpu: number; memory: number } {
    let best = { cpu: 0, memory: 0 };
    let bestPerCore = Infinity;
    for (const g of groups) {
      const price = this.cloud.spec(g.name).price_usd_per_h;
      const cores = g.template.capacity.cpuMilli / 1000;
      const gib = g.template.capacity.memoryBytes / 2 ** 30;
      if (cores <= 0 || gib <= 0 || price / cores >= bestPerCore) continue;
      bestPerCore = price / cores;
      best = { cpu: price / 2 / cores, memory: price / 2 / gib };
    }
    return best;
  }

  private applyScaleUp(now_ms: number, status: ScaleUpStatus, row: Record<string, string | number>): boolean {
    row.options = status.expansionOptions.map((o: ExpansionOption) => `${o.nodeGroup}: ${o.nodeCount} node(s) for ${o.pods.length} pod(s)`).join("; ");
    row.expander_choice = status.bestOption === null ? "" : status.bestOption.nodeGroup;
    row.expander_reason = status.decidedBy === "" ? "" : status.expansionOptions.length === 1 ? "only option" : `decided by ${status.decidedBy}`;
    const noScaleUp = [...status.skippedNodeGroups].map(([g, r]) => `${g}: ${skippedMessage(r)}`);
    for (const { pod, rejectedNodeGroups } of status.podsRemainUnschedulable) {
      const message = `pod didn't trigger scale-up: ${reasonsMessage(rejectedNodeGroups, status.skippedNodeGroups)}`;
      const uid = this.uidOf(pod);
      if (uid !== null && this.notTriggered.get(uid) !== message) {
        this.notTriggered.set(uid, message);
        this.events.emit(now_ms, CA_COMPONENT, "Pod", pod.name, "Normal", "NotTriggerScaleUp", message);
      }
    }
    if (status.podsRemainUnschedulable.length > 0) {
      const first = status.podsRemainUnschedulable[0];
      noScaleUp.push(`${status.podsRemainUnschedulable.length} pod(s): ${reasonsMessage(first.rejectedNodeGroups, status.skippedNodeGroups)}`);
    }
    if (status.result === "Error") noScaleUp.push(`error: ${status.error}`);
    row.no_scale_up_reasons = noScaleUp.join("; ");
    if (status.result !== "Successful") return false;
    const infos = status.scaleUpInfos.map((i) => `{${i.group} ${i.currentSize}->${i.newSize} (max: ${i.maxSize})}`).join(" ");
    for (const info of status.scaleUpInfos) {
      this.cloud.increaseSize(info.group, info.newSize - info.currentSize);
      this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Normal", "ScaledUpGroup",
        `Scale-up: setting group ${info.group} size to ${info.newSize} instead of ${info.currentSize} (max: ${info.maxSize})`);
    }
    for (const pod of status.podsTriggeredScaleUp) {
      this.events.emit(now_ms, CA_COMPONENT, "Pod", pod.name, "Normal", "TriggeredScaleUp", `pod triggered scale-up: [${infos}]`);
    }
    row.scale_up = status.scaleUpInfos.map((i) => `${i.group} ${i.currentSize}->${i.newSize}`).join("; ");
    this.lastScaleUp_ms = now_ms;
    return true;
  }

  private uidOf(pod: CaPod): string | null {
    return this.store.get<Pod>("Pod", pod.namespace, pod.name)?.metadata.uid ?? null;
  }

  // ---- scale-down ----

  private scaleDownPhase(now_ms: number, snapshot: ClusterSnapshot, infos: readonly NodeInfo[], groups: readonly NodeGroup[], row: Record<string, string | number>): void {
    const c = this.config;
    // Candidates: registered nodes of autoscaled groups not already being deleted.
    const candidates = infos.filter((i) => i.node.group !== null && !this.deleting.has(i.node.name));
    // planner.go UpdateClusterState: the shortest gap between updates bounds the unneeded-node limit.
    this.minUpdateInterval_ms = shortestUpdateInterval_ms(this.minUpdateInterval_ms, this.lastPlannerUpdate_ms, now_ms);
    this.lastPlannerUpdate_ms = now_ms;
    const limit = unneededNodesLimit({
      maxScaleDownParallelism: c.maxScaleDownParallelism,
      scaleDownUnneededTime_ms: c.scaleDownUnneededTime_ms,
      unneededNodes: this.unneededSince.size,
      minUpdateInterval_ms: this.minUpdateInterval_ms,
    });
    // planner.go categorizeNodes: forget the recheck timeouts that ran out or whose node is gone.
    this.unremovableNodes.update((name) => this.nodeInfos.has(name), now_ms);
    const eligibility = filterOutUnremovable(
      candidates,
      {
        scaleDownUtilizationThreshold: c.scaleDownUtilizationThreshold,
        scaleDownGpuUtilizationThreshold: c.scaleDownGpuUtilizationThreshold,
        scaleDownUnreadyEnabled: c.scaleDownUnreadyEnabled,
        ignoreDaemonSetsUtilization: c.ignoreDaemonSetsUtilization,
        ignoreMirrorPodsUtilization: c.ignoreMirrorPodsUtilization,
      },
      now_ms,
      (info) => this.utilization(info, now_ms),
      this.unremovableNodes,
    );
    // Sorting processor (PreviousCandidates): nodes unneeded in the previous loop are simulated first.
    const eligible = [
      ...eligibility.unneeded.filter((n) => this.unneededSince.has(n)),
      ...eligibility.unneeded.filter((n) => !this.unneededSince.has(n)),
    ];
    const reasons = new Map<string, string>();
    for (const u of eligibility.unremovable) reasons.set(u.node, u.reason);

    // The removal simulation, rerun only when the cluster changed.
    const eligibleKey = eligible.join(",");
    if (this.categorized === null || this.categorized.version !== this.clusterVersion || this.categorized.eligible !== eligibleKey || this.categorized.limit !== limit) {
      const result = categorizeNodes(
        snapshot,
        infos.map((i) => i.node.name),
        eligible,
        {
          deleteOptions: {
            skipNodesWithSystemPods: c.skipNodesWithSystemPods,
            skipNodesWithLocalStorage: c.skipNodesWithLocalStorage,
            skipNodesWithCustomControllerPods: c.skipNodesWithCustomControllerPods,
            minReplicaCount: c.minReplicaCount,
            bspDisruptionTimeout_ms: c.blockingSystemPodDisruptionTimeout_ms,
          },
          // The budgets as the disruption controller keeps them (drain.go reads disruptionsAllowed).
          pdbs: this.store.list<StoredPdb>("PodDisruptionBudget").map((p) => ({ namespace: p.metadata.namespace, selector: p.spec.selector, disruptionsAllowed: p.status.disruptionsAllowed })),
          listers: this.listers(),
          now_ms,
        },
        limit,
      );
      // categorizeNodes: a node the simulation could not remove is not simulated again before its
      // recheck timeout. (With a timeout longer than the scan interval, a result reused in a later
      // loop found no such node: had it found one, that node would be skipped now, the eligible
      // list would differ, and this would rerun. With a shorter one, nothing is skipped anyway.)
      for (const u of result.unremovable) this.unremovableNodes.addTimeout(u.node, now_ms + c.unremovableNodeRecheckTimeout_ms);
      this.categorized = {
        version: this.clusterVersion,
        eligible: eligibleKey,
        limit,
        removable: result.removable,
        unremovable: new Map(result.unremovable.map((u) => [u.node, u.blockingPod === undefined ? u.reason : `${u.reason} (${u.blockingPod.pod}: ${u.blockingPod.reason})`])),
      };
    }
    for (const [node, reason] of this.categorized.unremovable) reasons.set(node, reason);

    // Unneeded tracking (also during cooldown).
    const since = new Map<string, number>();
    const unneeded: UnneededNode[] = [];
    const infoByName = new Map(infos.map((i) => [i.node.name, i]));
    for (const r of this.categorized.removable) {
      const info = infoByName.get(r.node);
      if (info === undefined) continue;
      const s = this.unneededSince.get(r.node) ?? now_ms;
      since.set(r.node, s);
      unneeded.push({
        name: r.node,
        group: info.node.group,
        ready: info.node.ready,
        annotations: info.node.annotations,
        unneededSince_ms: s,
        podsToReschedule: r.podsToReschedule.map((p) => p.name),
      });
    }
    this.unneededSince.clear();
    for (const [k, v] of since) this.unneededSince.set(k, v);
    row.unneeded_nodes = unneeded.length;

    const cooldown = this.cooldown(now_ms);
    row.cooldown = cooldown;
    const deletionsInProgress = new Map<string, number>();
    for (const group of this.deleting.values()) deletionsInProgress.set(group, (deletionsInProgress.get(group) ?? 0) + 1);
    const removable =
      cooldown === ""
        ? removableAt({
            now_ms,
            scaleDownUnneededTime_ms: c.scaleDownUnneededTime_ms,
            scaleDownUnreadyTime_ms: c.scaleDownUnreadyTime_ms,
            nodeGroups: new Map(groups.map((g) => [g.name, { min: g.min, targetSize: g.targetSize }])),
            deletionsInProgress,
            consumeMinQuota: this.minQuota(infos),
            unneeded,
          })
        : { empty: [], drain: [], unremovable: [] };
    for (const u of removable.unremovable) reasons.set(u.node, u.reason);
    // Every candidate with its utilization and reason; those above the threshold (the bulk of a
    // busy fleet) only as a count, so a row stays short at any cluster size.
    const busy = candidates.filter((i) => reasons.get(i.node.name) === "NotUnderutilized").length;
    const listed = candidates
      .filter((i) => reasons.get(i.node.name) !== "NotUnderutilized")
      .map((i) => {
        const name = i.node.name;
        const util = eligibility.utilization.get(name);
        const u = util === undefined ? "" : ` util ${util.utilization.toFixed(3)}`;
        const why = reasons.get(name) ?? (since.has(name) ? `unneeded ${Math.round((now_ms - (since.get(name) as number)) / 1000)}s` : "not simulated (unneeded-node limit)");
        return `${name}:${u} ${why}`;
      });
    if (busy > 0) listed.push(`${busy} node(s) NotUnderutilized`);
    row.scale_down_candidates = listed.join("; ");

    // Actuation: empty nodes in bulk, then drains, within the parallelism limits.
    let budget = c.maxScaleDownParallelism - this.deleting.size;
    const removed: string[] = [];
    const emptyNodes = removable.empty.slice(0, Math.max(0, Math.min(budget, c.maxEmptyBulkDelete)));
    budget -= emptyNodes.length;
    for (const v of emptyNodes) {
      if (this.deleteEmptyNode(v, now_ms)) removed.push(`${v.name} (empty)`);
    }
    const drainRoom = Math.max(0, Math.min(budget, c.maxDrainParallelism - this.deleting.size));
    const byName = new Map(this.categorized.removable.map((r) => [r.node, r]));
    for (const v of removable.drain.slice(0, drainRoom)) {
      const plan = byName.get(v.name) as NodeToBeRemoved;
      if (this.drainNode(v, plan, eligibility.utilization.get(v.name)?.utilization ?? 0, now_ms)) removed.push(`${v.name} (drain)`);
    }
    row.scale_down = removed.join("; ");
  }

  /**
   * calculateUtilization, kept with the node's NodeInfo (rebuilt only when its pods change); a
   * node with a terminating pod is recomputed, since a long-terminating pod stops counting with time.
   */
  private utilization(info: NodeInfo, now_ms: number): UtilizationResult {
    const cached = this.utilizations.get(info);
    if (cached !== undefined) return cached;
    const c = this.config;
    const result = calculateUtilization(info, c.ignoreDaemonSetsUtilization, c.ignoreMirrorPodsUtilization, now_ms);
    if (info.pods.every((p) => p.deletionTimestamp_ms === null)) this.utilizations.set(info, result);
    return result;
  }

  /** isScaleDownInCooldown: "" when scale-down may act, else why not. */
  private cooldown(now_ms: number): string {
    const c = this.config;
    if (this.lastScaleUp_ms + c.scaleDownDelayAfterAdd_ms > now_ms) return "scale-down-delay-after-add";
    if (this.lastScaleDownDelete_ms + c.scaleDownDelayAfterDelete_ms > now_ms) return "scale-down-delay-after-delete";
    if (this.lastScaleDownFail_ms + c.scaleDownDelayAfterFailure_ms > now_ms) return "scale-down-delay-after-failure";
    return "";
  }

  /** resourcequotas min limits (--cores-total / --memory-total minimum): removing a node must keep the cluster above them. */
  private minQuota(infos: readonly NodeInfo[]): (node: UnneededNode) => boolean {
    let cores = 0;
    let memory = 0;
    for (const i of infos) {
      const r = nodeCoresAndMemory(i.node);
      cores += r.cpu;
      memory += r.memory;
    }
    const byName = new Map(infos.map((i) => [i.node.name, i.node]));
    return (v) => {
      const node = byName.get(v.name);
      if (node === undefined) return false;
      const r = nodeCoresAndMemory(node);
      if (cores - r.cpu < this.config.minCoresTotal || memory - r.memory < this.config.minMemoryTotal_bytes) return false;
      cores -= r.cpu;
      memory -= r.memory;
      return true;
    };
  }

  /** Controller listers for the drain rules: ReplicaSets (spec.replicas) by namespace/name. */
  private listers(): Map<string, Map<string, number | null>> {
    const rs = new Map<string, number | null>();
    for (const r of this.store.list<ReplicaSet>("ReplicaSet")) rs.set(`${r.metadata.namespace}/${r.metadata.name}`, r.spec.replicas);
    return new Map([["ReplicaSet", rs]]);
  }

  /** taints.MarkToBeDeleted: value = Unix seconds, effect NoSchedule. */
  private markToBeDeleted(name: string, now_ms: number): Node | null {
    const node = this.store.get<Node>("Node", "", name);
    if (node === undefined) return null;
    node.spec.taints = [...node.spec.taints.filter((t) => t.key !== TO_BE_DELETED_TAINT), { key: TO_BE_DELETED_TAINT, value: String(Math.floor(now_ms / 1000)), effect: "NoSchedule" }];
    this.store.update(node);
    this.events.emit(now_ms, CA_COMPONENT, "Node", name, "Normal", "ScaleDown", "marked the node as toBeDeleted/unschedulable");
    return node;
  }

  private deleteEmptyNode(v: UnneededNode, now_ms: number): boolean {
    if (this.markToBeDeleted(v.name, now_ms) === null) return false;
    this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Normal", "ScaleDownEmpty", `Scale-down: removing empty node "${v.name}"`);
    this.cloud.deleteNodes(v.group as string, [v.name]);
    this.events.emit(now_ms, CA_COMPONENT, "Node", v.name, "Normal", "ScaleDownEmpty", `Scale-down: empty node ${v.name} removed`);
    this.unneededSince.delete(v.name);
    this.lastScaleDownDelete_ms = now_ms;
    this.deletions++;
    return true;
  }

  /**
   * Drain (actuation/drain.go DrainNode): taint, evict every pod to reschedule through the
   * Eviction API, wait until they are gone (polling every 5 s, at most the longest grace period
   * plus 30 s headroom), then delete the node. A refused eviction or a pod that outlives the wait
   * fails the scale-down: the taint comes off and scale-down pauses for scale-down-delay-after-failure.
   */
  private drainNode(v: UnneededNode, plan: NodeToBeRemoved, utilization: number, now_ms: number): boolean {
    const group = v.group as string;
    if (this.markToBeDeleted(v.name, now_ms) === null) return false;
    this.deleting.set(v.name, group);
    this.deletions++;
    this.unneededSince.delete(v.name);
    this.events.emit(now_ms, CA_COMPONENT, "ConfigMap", STATUS_OBJECT, "Normal", "ScaleDown",
      `Scale-down: removing node ${v.name}, utilization: ${utilization.toFixed(3)}, pods to reschedule: ${plan.podsToReschedule.map((p) => p.name).join(",")}`);
    const maxGrace_s = Math.min(this.config.maxGracefulTermination_ms / 1000, Math.max(0, ...plan.podsToReschedule.map((p) => p.terminationGracePeriodSeconds ?? 30)));
    const evicted: Pod[] = [];
    for (const p of plan.podsToReschedule) {
      const pod = this.store.get<Pod>("Pod", p.namespace, p.name);
      if (pod === undefined) continue;
      const grace_s = Math.min(pod.spec.terminationGracePeriodSeconds, Math.floor(this.config.maxGracefulTermination_ms / 1000));
      const result = evictPod(this.store, pod, now_ms, grace_s);
      if (!result.evicted) {
        if (result.reason === "NotFound") continue;
        this.failDrain(v.name, `failed to evict pod ${p.namespace}/${p.name}: ${result.message}`, now_ms);
        return false;
      }
      this.events.emit(now_ms, CA_COMPONENT, "Pod", p.name, "Normal", "ScaleDown", "deleting pod for node scale down");
      evicted.push(pod);
    }
    const deadline_ms = now_ms + maxGrace_s * 1000 + POD_EVICTION_HEADROOM_MS;
    const check = (t: number) => {
      if (!this.deleting.has(v.name)) return;
      const left = evicted.filter((pod) => this.store.get<Pod>("Pod", pod.metadata.namespace, pod.metadata.name) === pod);
      if (left.length === 0) {
        this.deleting.delete(v.name);
        if (this.store.get<Node>("Node", "", v.name) !== undefined) this.cloud.deleteNodes(group, [v.name]);
        this.events.emit(t, CA_COMPONENT, "Node", v.name, "Normal", "ScaleDown", `Scale-down: node ${v.name} removed with drain`);
        this.lastScaleDownDelete_ms = t;
        return;
      }
      if (t >= deadline_ms) {
        this.failDrain(v.name, `pods remaining after timeout: ${left.map((p) => p.metadata.name).join(",")}`, t);
        return;
      }
      this.sim.schedule(DRAIN_POLL_MS, check);
    };
    this.sim.schedule(DRAIN_POLL_MS, check);
    return true;
  }

  private failDrain(name: string, why: string, now_ms: number): void {
    this.deleting.delete(name);
    const node = this.store.get<Node>("Node", "", name);
    if (node !== undefined) {
      node.spec.taints = node.spec.taints.filter((t) => t.key !== TO_BE_DELETED_TAINT);
      this.store.update(node);
    }
    this.events.emit(now_ms, CA_COMPONENT, "Node", name, "Warning", "ScaleDownFailed", `failed to drain the node, aborting ScaleDown: ${why}`);
    this.lastScaleDownFail_ms = now_ms;
  }

  // ---- outputs ----

  /** One row per group and instant (a frequent loop at the same instant adds none). */
  private recordSeries(now_ms: number, nodes: readonly Node[]): void {
    if (this.series === null || this.lastRecorded_ms === now_ms) return;
    this.lastRecorded_ms = now_ms;
    const registered = new Map<string, number>();
    const ready = new Map<string, number>();
    for (const node of nodes) {
      const g = this.groupOf(node);
      if (g === null) continue;
      registered.set(g, (registered.get(g) ?? 0) + 1);
      if (isNodeReady(node)) ready.set(g, (ready.get(g) ?? 0) + 1);
    }
    for (const g of this.cloud.groupNames()) {
      this.series.add(now_ms, "NodeGroup", g, "nodes", registered.get(g) ?? 0);
      this.series.add(now_ms, "NodeGroup", g, "nodes_ready", ready.get(g) ?? 0);
      this.series.add(now_ms, "NodeGroup", g, "target_size", this.cloud.targetSize(g));
      const cost = this.cloud.billedInstances(g) * this.cloud.spec(g).price_usd_per_h;
      this.series.add(now_ms, "NodeGroup", g, "cost_usd_per_h", Math.round(cost * 1e6) / 1e6);
    }
  }
}

function formatDuration(s: number): string {
  return s % 60 === 0 ? `${s / 60}m0s` : `${s}s`;
}

/**
 * simulator/node_info_utils.go (via daemonset.GetDaemonSetPodsForNode): the daemon pods a new
 * node of the group would run from its start, so the binpacking estimator counts their requests
 * against the template node's allocatable.
 */
function templateDaemonPods(template: CaNode, daemonSets: readonly DaemonSet[]): CaPod[] {
  const node = { kind: "Node", metadata: { name: template.name, labels: template.labels }, spec: { unschedulable: false, taints: template.taints } } as unknown as Node;
  const pods: CaPod[] = [];
  for (const ds of daemonSets) {
    if (!nodeShouldRunDaemonPod(node, ds).shouldRun) continue;
    pods.push(toCaPod({
      kind: "Pod",
      metadata: {
        name: `${ds.metadata.name}-${template.name}`, namespace: ds.metadata.namespace, uid: "", resourceVersion: 0, generation: 0,
        labels: ds.spec.template.metadata.labels, annotations: ds.spec.template.metadata.annotations,
        ownerReferences: [{ kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid, controller: true }],
        creationTimestamp_ms: 0, deletionTimestamp_ms: null,
      },
      spec: { ...daemonPodSpec(ds), nodeName: template.name },
      status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
    } as unknown as Pod));
  }
  return pods;
}
