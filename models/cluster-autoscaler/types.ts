/**
 * Plain data the Cluster Autoscaler's decision functions work on: the parts of core/v1 Pod and
 * Node that CA's simulations read (requests per container, GPUs, host ports, topology spread,
 * volumes, owners), node groups as the cloud provider reports them, and PodDisruptionBudgets.
 *
 * Why not models/cluster/types.ts directly: CA reads fields the rest of kubesim does not model yet
 * (GPUs, host ports, topology spread, volumes, owner apiVersion). The controller converts store
 * objects into these; Labels, Taint and Toleration are shared with the cluster types.
 * Times are virtual milliseconds; null = unset (Go nil / zero time).
 */
import type { LabelSelector, Labels, Taint, Toleration } from "../cluster/types.js";

export type { LabelSelector, Labels, Taint, Toleration };

/** The resources CA's predicates and quotas compare. Absent GPUs / ephemeral storage = 0. */
export interface Resources {
  cpuMilli: number;
  memoryBytes: number;
  gpu: number;
  ephemeralBytes: number;
}

/** Node allocatable / capacity: resources plus the pod slots. */
export interface NodeResources extends Resources {
  pods: number;
}

export interface CaNode {
  name: string;
  /** The autoscaled node group the node belongs to; null = not autoscaled. */
  group: string | null;
  allocatable: NodeResources;
  capacity: NodeResources;
  labels: Labels;
  taints: Taint[];
  /** Ready condition: true / false, or null when the node has no Ready condition (counts as unready). */
  ready: boolean | null;
  unschedulable: boolean;
  annotations: Labels;
  /** Value of the ToBeDeletedByClusterAutoscaler taint (when CA tainted it), null when absent. */
  toBeDeletedTaintTime_ms: number | null;
  /** The cloud provider's GPU label is set (the node is a GPU node even before GPUs are allocatable). */
  gpuLabel: boolean;
}

export interface ContainerRequests {
  requests: Resources;
  /** Init containers only: "Always" marks a sidecar. */
  restartPolicy?: "Always";
}

export interface TopologySpreadConstraint {
  maxSkew: number;
  topologyKey: string;
  whenUnsatisfiable: "DoNotSchedule" | "ScheduleAnyway";
  labelSelector: LabelSelector | null;
  /** null = unset (1). */
  minDomains: number | null;
}

export interface Volume {
  name: string;
  /** "emptyDir", "hostPath", "gitRepo", "configMap", ... */
  type: string;
  /** emptyDir medium ("" or "Memory"). */
  medium: string;
}

export interface ControllerRef {
  kind: string;
  name: string;
  apiVersion: string;
}

export interface CaPod {
  name: string;
  namespace: string;
  labels: Labels;
  annotations: Labels;
  containers: ContainerRequests[];
  initContainers: ContainerRequests[];
  /** The node the pod is bound (or simulated) to; "" = unscheduled. */
  nodeName: string;
  nodeSelector: Labels;
  tolerations: Toleration[];
  hostPorts: number[];
  topologySpread: TopologySpreadConstraint[];
  /** The controlling owner reference; null = a bare pod. */
  owner: ControllerRef | null;
  volumes: Volume[];
  deletionTimestamp_ms: number | null;
  /** null = unset (the API default of 30 s applies). */
  terminationGracePeriodSeconds: number | null;
  /** null = Go zero time. */
  creationTimestamp_ms: number | null;
  phase: "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
  restartPolicy: "Always" | "OnFailure" | "Never";
}

/** A cloud-provider node group as CA sees it. */
export interface NodeGroup {
  name: string;
  min: number;
  max: number;
  targetSize: number;
  /** The node CA builds new nodes from (its DaemonSet pods are in templatePods). */
  template: CaNode;
  /** Pods every new node starts with (DaemonSet pods of the template). */
  templatePods: readonly CaPod[];
}

/** policy/v1 PodDisruptionBudget, reduced to what the drain rules read. */
export interface PodDisruptionBudget {
  namespace: string;
  /** null matches nothing; an empty selector matches every pod of the namespace. */
  selector: LabelSelector | null;
  disruptionsAllowed: number;
}

export function emptyResources(): Resources {
  return { cpuMilli: 0, memoryBytes: 0, gpu: 0, ephemeralBytes: 0 };
}
