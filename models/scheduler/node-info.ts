/**
 * The scheduler's per-node aggregate: port of the parts of framework/types.go NodeInfo that the
 * modelled plugins read (Requested, NonZeroRequested, Allocatable, len(Pods)), with AddPod /
 * RemovePod.
 *
 * A scheduler controller keeps one NodeInfo per node and updates it incrementally as pods are
 * bound, assumed and deleted, as the scheduler cache does, so a scheduling attempt never walks
 * the pods of the cluster. Each pod's resources are computed once when added and remembered
 * (upstream caches them in PodInfo.cachedResource), so RemovePod subtracts exactly what AddPod
 * added even if the pod object changed meanwhile.
 *
 * What the filters read of the node itself (allocatable, unschedulable, taints) is copied into
 * the NodeInfo by SetNode, as upstream's NodeInfo.Allocatable is and as the scheduler's snapshot
 * holds the node object its informer last delivered: a filter pass over hundreds of nodes then
 * reads one object per node, and sees a node change when the scheduler hears of it.
 */
import type { Node, Pod, Taint } from "../cluster/types.js";
import { calculateResource, type NodePodResource } from "./resource.js";

export class NodeInfo {
  node: Node;
  /** Sum of the pods' requests (framework NodeInfo.Requested). */
  requested_mcores = 0;
  requested_memory_bytes = 0;
  /** Same, with missing requests counted as 100m / 200 MiB (NodeInfo.NonZeroRequested). */
  nonZeroRequested_mcores = 0;
  nonZeroRequested_memory_bytes = 0;
  /** NodeInfo.Allocatable, copied from the node at SetNode. */
  allocatable_mcores = 0;
  allocatable_memory_bytes = 0;
  allocatable_pods = 0;
  /** node.spec.unschedulable and node.spec.taints at SetNode (the taints array copied). */
  unschedulable = false;
  taints: readonly Taint[] = [];
  /** len(NodeInfo.Pods): assumed and bound pods alike. */
  podCount = 0;
  /** Pods on the node by uid, with what each added; Map keeps insertion order (deterministic). */
  private readonly pods = new Map<string, NodePodResource>();

  constructor(node: Node) {
    this.node = node;
    this.setNode(node);
  }

  get name(): string {
    return this.node.metadata.name;
  }

  /** NodeInfo.SetNode: allocatable, labels and taints come from the newest node object. */
  setNode(node: Node): void {
    if (node.metadata.name !== this.node.metadata.name) {
      throw new Error(`NodeInfo.setNode: node ${node.metadata.name} replaces ${this.node.metadata.name}`);
    }
    this.node = node;
    const allocatable = node.status.allocatable;
    this.allocatable_mcores = allocatable.cpu_mcores;
    this.allocatable_memory_bytes = allocatable.memory_bytes;
    this.allocatable_pods = allocatable.pods;
    this.unschedulable = node.spec.unschedulable;
    this.taints = node.spec.taints.slice();
  }

  hasPod(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** NodeInfo.AddPod. Adding a pod twice is a caller bug (the cache would double-count). */
  addPod(pod: Pod): void {
    const uid = pod.metadata.uid;
    if (this.pods.has(uid)) throw new Error(`NodeInfo.addPod: pod ${uid} already on node ${this.name}`);
    const res = calculateResource(pod);
    this.pods.set(uid, res);
    this.podCount = this.pods.size;
    this.requested_mcores += res.cpu_mcores;
    this.requested_memory_bytes += res.memory_bytes;
    this.nonZeroRequested_mcores += res.nonZeroCpu_mcores;
    this.nonZeroRequested_memory_bytes += res.nonZeroMemory_bytes;
  }

  /** NodeInfo.RemovePod by uid; returns false when the pod was not on the node. */
  removePod(uid: string): boolean {
    const res = this.pods.get(uid);
    if (res === undefined) return false;
    this.pods.delete(uid);
    this.podCount = this.pods.size;
    this.requested_mcores -= res.cpu_mcores;
    this.requested_memory_bytes -= res.memory_bytes;
    this.nonZeroRequested_mcores -= res.nonZeroCpu_mcores;
    this.nonZeroRequested_memory_bytes -= res.nonZeroMemory_bytes;
    return true;
  }
}
