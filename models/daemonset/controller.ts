/**
 * The DaemonSet controller on the kernel: pkg/controller/daemon/daemon_controller.go
 * (addDaemonset / addNode / updateNode / deleteNode / addPod / updatePod / deletePod enqueueing,
 * syncDaemonSet, manage with podsShouldBeOnNode and syncNodes, updateDaemonSetStatus).
 *
 * Each daemon pod is created pinned to its node by a required node affinity on metadata.name
 * (ReplaceDaemonSetPodNodeNameNodeAffinity) and bound by the default scheduler, as upstream
 * since 1.12: it waits for room like any pod, and a node the Cluster Autoscaler adds gets its
 * daemon pods once its not-ready taint is gone.
 *
 * Differences from upstream, and why:
 * - No expectations or informer cache: the store's controller-uid index is current inside every
 *   write (as for the ReplicaSet controller). Creates are not slow-start batched: in virtual time
 *   every batch lands in the same instant.
 * - Rolling updates are not modelled (a template does not change during a run): every daemon pod
 *   is of the current revision (updatedNumberScheduled = currentNumberScheduled); a failed pod
 *   is deleted and replaced at the next sync without upstream's per-node failure back-off.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import { objectKey, StoreError, type ClusterStore } from "../cluster/store.js";
import type { DaemonSet, Node, Pod } from "../cluster/types.js";
import { WorkQueue } from "../cluster/workqueue.js";
import { controllerRefOf, ensureControllerIndex, generatePodName, listControlledBy } from "../replicaset/controller.js";
import { deletePodGracefully, isPodAvailable, isPodReady } from "../replicaset/podutil.js";
import { daemonPodSpec, getTargetNodeName, nodeShouldRunDaemonPod, pinToNode } from "./predicates.js";

/** The component name on the events this controller records. */
export const DAEMONSET_COMPONENT = "daemonset-controller";

function splitKey(key: string): [string, string] {
  const i = key.indexOf("/");
  return [key.slice(0, i), key.slice(i + 1)];
}

/** podByCreationTimestampAndPhase: running before pending, then oldest first, then by name. */
function olderFirst(a: Pod, b: Pod): number {
  const ar = a.status.phase === "Running" ? 0 : 1;
  const br = b.status.phase === "Running" ? 0 : 1;
  if (ar !== br) return ar - br;
  const at = a.metadata.creationTimestamp_ms;
  const bt = b.metadata.creationTimestamp_ms;
  if (at !== bt) return at - bt;
  return a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
}

export class DaemonSetController {
  readonly queue: WorkQueue;
  syncs = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
  ) {
    ensureControllerIndex(store, "Pod");
    this.queue = new WorkQueue(sim, (key, now_ms) => this.syncDaemonSet(key, now_ms));
    store.watch<DaemonSet>("DaemonSet", (_type, ds) => this.queue.add(objectKey(ds.metadata.namespace, ds.metadata.name)));
    // addNode / updateNode / deleteNode: any node change may change where daemon pods belong.
    store.watch<Node>("Node", () => this.enqueueAll());
    store.watch<Pod>("Pod", (_type, pod) => {
      const ref = controllerRefOf(pod.metadata);
      if (ref === null || ref.kind !== "DaemonSet") return;
      const ds = this.store.get<DaemonSet>("DaemonSet", pod.metadata.namespace, ref.name);
      if (ds !== undefined && ds.metadata.uid === ref.uid) this.queue.add(objectKey(ds.metadata.namespace, ds.metadata.name));
    });
  }

  private enqueueAll(): void {
    for (const ds of this.store.list<DaemonSet>("DaemonSet")) this.queue.add(objectKey(ds.metadata.namespace, ds.metadata.name));
  }

  /** daemon_controller.go getNodesToDaemonPods: the DaemonSet's live pods by target node. */
  private nodesToDaemonPods(ds: DaemonSet): Map<string, Pod[]> {
    const byNode = new Map<string, Pod[]>();
    for (const pod of listControlledBy<Pod>(this.store, "Pod", ds.metadata.uid)) {
      const node = getTargetNodeName(pod);
      const list = byNode.get(node);
      if (list === undefined) byNode.set(node, [pod]);
      else list.push(pod);
    }
    return byNode;
  }

  /** daemon_controller.go syncDaemonSet: manage (create and delete), then updateDaemonSetStatus. */
  syncDaemonSet(key: string, now_ms: number): void {
    const [namespace, name] = splitKey(key);
    const ds = this.store.get<DaemonSet>("DaemonSet", namespace, name);
    if (ds === undefined) return;
    this.syncs++;
    const nodes = this.store.list<Node>("Node");
    if (ds.metadata.deletionTimestamp_ms === null) this.manage(ds, nodes, now_ms);
    this.updateStatus(ds, nodes, now_ms);
  }

  /** daemon_controller.go manage: podsShouldBeOnNode for every node, then syncNodes. */
  private manage(ds: DaemonSet, nodes: readonly Node[], now_ms: number): void {
    const byNode = this.nodesToDaemonPods(ds);
    const needing: string[] = [];
    const toDelete: Pod[] = [];
    for (const node of nodes) {
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const pods = (byNode.get(node.metadata.name) ?? []).filter((p) => p.metadata.deletionTimestamp_ms === null);
      if (shouldRun && pods.length === 0) {
        needing.push(node.metadata.name);
      } else if (shouldContinueRunning) {
        // A failed (or finished) daemon pod is deleted and replaced; of several running, the
        // oldest stays (no surge: maxSurge 0).
        const running: Pod[] = [];
        for (const pod of pods) {
          if (pod.status.phase === "Failed" || pod.status.phase === "Succeeded") toDelete.push(pod);
          else running.push(pod);
        }
        if (running.length > 1) toDelete.push(...running.sort(olderFirst).slice(1));
      } else {
        toDelete.push(...pods);
      }
    }
    // Pods pinned to nodes that no longer exist (deleted nodes): the pod GC's job upstream.
    const names = new Set(nodes.map((n) => n.metadata.name));
    for (const [node, pods] of byNode) {
      if (node !== "" && !names.has(node)) for (const pod of pods) if (pod.metadata.deletionTimestamp_ms === null) toDelete.push(pod);
    }
    for (const node of needing) this.createPod(ds, node, now_ms);
    for (const pod of toDelete) {
      deletePodGracefully(this.store, pod, now_ms);
      this.events.emit(now_ms, DAEMONSET_COMPONENT, "DaemonSet", ds.metadata.name, "Normal", "SuccessfulDelete", `Deleted pod: ${pod.metadata.name}`);
    }
  }

  // controller_utils.go CreatePodsWithGenerateName: the template with the daemon tolerations,
  // pinned to its node, owned by the DaemonSet; FailedCreate when admission refuses it.
  private createPod(ds: DaemonSet, nodeName: string, now_ms: number): void {
    const template = ds.spec.template;
    const spec = daemonPodSpec(ds);
    spec.nodeAffinity = pinToNode(spec.nodeAffinity, nodeName);
    const stream = this.sim.rng.stream(`daemonset/${ds.metadata.namespace}/${ds.metadata.name}`);
    const name = generatePodName(this.store, stream, ds.metadata.namespace, `${ds.metadata.name}-`);
    try {
      this.store.create<Pod>({
        kind: "Pod",
        metadata: {
          name,
          namespace: ds.metadata.namespace,
          labels: { ...template.metadata.labels },
          annotations: { ...template.metadata.annotations },
          ownerReferences: [{ kind: "DaemonSet", name: ds.metadata.name, uid: ds.metadata.uid, controller: true }],
        },
        spec,
        status: { phase: "Pending", conditions: [], startTime_ms: null, containerStatuses: [] },
      });
    } catch (e) {
      if (!(e instanceof StoreError) || e.reason !== "Forbidden") throw e;
      this.events.emit(now_ms, DAEMONSET_COMPONENT, "DaemonSet", ds.metadata.name, "Warning", "FailedCreate", `Error creating: ${e.message}`);
      return;
    }
    this.events.emit(now_ms, DAEMONSET_COMPONENT, "DaemonSet", ds.metadata.name, "Normal", "SuccessfulCreate", `Created pod: ${name}`);
  }

  /**
   * daemon_controller.go updateDaemonSetStatus: per node, desired when it should run the pod,
   * current when it also has one (ready and available counted on the oldest), misscheduled when
   * it has one but should not. Written only when something changed; requeued after
   * minReadySeconds while ready pods wait to become available.
   */
  private updateStatus(ds: DaemonSet, nodes: readonly Node[], now_ms: number): void {
    const byNode = this.nodesToDaemonPods(ds);
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let available = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const pods = byNode.get(node.metadata.name) ?? [];
      if (shouldRun) {
        desired++;
        if (pods.length === 0) continue;
        current++;
        const oldest = [...pods].sort(olderFirst)[0];
        if (isPodReady(oldest)) {
          ready++;
          if (isPodAvailable(oldest, ds.spec.minReadySeconds, now_ms)) available++;
        }
      } else if (pods.length > 0) {
        misscheduled++;
      }
    }
    const next = {
      observedGeneration: ds.metadata.generation,
      desiredNumberScheduled: desired,
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      numberReady: ready,
      numberAvailable: available,
      numberUnavailable: desired - available,
      updatedNumberScheduled: current,
    };
    const s = ds.status;
    if (Object.keys(next).some((k) => s[k as keyof typeof next] !== next[k as keyof typeof next])) {
      ds.status = next;
      this.store.update(ds);
    }
    if (ds.spec.minReadySeconds > 0 && available < ready) this.queue.addAfter(objectKey(ds.metadata.namespace, ds.metadata.name), ds.spec.minReadySeconds * 1000);
  }
}
