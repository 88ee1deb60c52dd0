/**
 * Typed Kubernetes API objects as kubesim stores them.
 *
 * Shapes follow the upstream API (k8s.io/api core/v1, apps/v1) so ported controller code reads
 * like upstream, with one deliberate difference: quantities and times are parsed once at the
 * edge into integers with the unit last in the field name (`cpu_mcores`, `memory_bytes`,
 * `startTime_ms`). Times are virtual milliseconds since the start of the simulation.
 */

export type Labels = Record<string, string>;

export interface OwnerReference {
  kind: string;
  name: string;
  uid: string;
  controller: boolean;
}

export interface ObjectMeta {
  name: string;
  namespace: string;
  uid: string;
  labels: Labels;
  annotations: Labels;
  ownerReferences: OwnerReference[];
  creationTimestamp_ms: number;
  /** null while the object is not being deleted (Go: nil *metav1.Time). */
  deletionTimestamp_ms: number | null;
  /** Monotonic per store; bumped on every write, as the API server does. */
  resourceVersion: number;
}

/** core/v1 ResourceList restricted to the resources kubesim models. Absent = not set. */
export interface ResourceList {
  cpu_mcores?: number;
  memory_bytes?: number;
}

export interface ResourceRequirements {
  requests: ResourceList;
  limits: ResourceList;
}

export interface Probe {
  initialDelaySeconds: number;
  periodSeconds: number;
  timeoutSeconds: number;
  successThreshold: number;
  failureThreshold: number;
}

export interface Container {
  name: string;
  image: string;
  resources: ResourceRequirements;
  readinessProbe: Probe | null;
  /** "Always" on an init container marks a restartable sidecar (KEP-753). */
  restartPolicy?: "Always";
}

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  key: string;
  value: string;
  effect: TaintEffect;
}

export interface Toleration {
  key: string;
  operator: "Equal" | "Exists";
  value: string;
  /** "" matches every effect. */
  effect: TaintEffect | "";
}

export type NodeSelectorOperator = "In" | "NotIn" | "Exists" | "DoesNotExist" | "Gt" | "Lt";

export interface NodeSelectorRequirement {
  key: string;
  operator: NodeSelectorOperator;
  values: string[];
}

export interface NodeSelectorTerm {
  matchExpressions: NodeSelectorRequirement[];
  /**
   * Requirements on the node's fields: only `metadata.name`, In or NotIn one value (what the
   * DaemonSet controller writes to pin a pod to its node). Absent = none.
   */
  matchFields?: NodeSelectorRequirement[];
}

/** core/v1 PreferredSchedulingTerm: a weight in 1..100 added to a node's score when it matches. */
export interface PreferredSchedulingTerm {
  weight: number;
  preference: NodeSelectorTerm;
}

export interface NodeAffinity {
  /**
   * requiredDuringSchedulingIgnoredDuringExecution: terms are ORed, expressions ANDed. Empty means
   * "not set" (the API rejects a required selector with zero terms).
   */
  requiredTerms: NodeSelectorTerm[];
  /** preferredDuringSchedulingIgnoredDuringExecution; absent = none (scored by NodeAffinity). */
  preferredTerms?: PreferredSchedulingTerm[];
}

export interface PodSpec {
  containers: Container[];
  initContainers: Container[];
  /** Set by the scheduler's binding; "" while unscheduled. */
  nodeName: string;
  nodeSelector: Labels;
  nodeAffinity: NodeAffinity | null;
  tolerations: Toleration[];
  terminationGracePeriodSeconds: number;
  restartPolicy: "Always" | "OnFailure" | "Never";
  /** Pod-level requests (PodLevelResources); null when unset. */
  resources: ResourceRequirements | null;
  /**
   * spec.priority as the Priority admission plugin resolves it from priorityClassName; absent = 0
   * (corev1helpers.PodPriority). Orders the scheduler's activeQ.
   */
  priority?: number;
  /**
   * The pod's volumes that kubesim models: PersistentVolumeClaim references (a StatefulSet adds
   * one per volumeClaimTemplate, stateful_set_utils.go updateStorage). Absent = none.
   */
  volumes?: Volume[];
}

/** core/v1 Volume restricted to the persistentVolumeClaim source. */
export interface Volume {
  name: string;
  persistentVolumeClaim: { claimName: string };
}

export type PodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";
export type ConditionStatus = "True" | "False" | "Unknown";
/**
 * PodResizePending (reason Deferred or Infeasible) and PodResizeInProgress (reason "" or Error)
 * are the kubelet's in-place resize conditions (KEP-1287, Kubernetes 1.33+).
 */
export type PodConditionType = "PodScheduled" | "Initialized" | "ContainersReady" | "Ready" | "PodResizePending" | "PodResizeInProgress";

export interface PodCondition {
  type: PodConditionType;
  status: ConditionStatus;
  lastTransitionTime_ms: number;
  reason: string;
  message: string;
}

export interface ContainerStatus {
  name: string;
  ready: boolean;
  started: boolean;
  restartCount: number;
  /** "waiting" reason (ContainerCreating, CrashLoopBackOff, ...), "running", or "terminated" reason. */
  state: "waiting" | "running" | "terminated";
  reason: string;
  /**
   * ContainerStatus.ContainerID, "<type>://<container_id>": set by the kubelet while the
   * container runs ("kubesim://<pod handle>/<name>", see models/kubelet/pod-handles.ts), "" while
   * none does.
   */
  containerID: string;
  /** lastState.terminated of the previous run (reason OOMKilled, Error, ...); absent before the first exit. */
  lastTerminated?: { reason: string; startedAt_ms: number; finishedAt_ms: number };
  /** The exit code of a terminated container (run-to-completion apps); absent otherwise. */
  exitCode?: number;
  /**
   * In-place resize (KEP-1287): the requests the kubelet admitted (allocatedResources) and the
   * resources the container runs with (resources, what the runtime actuated). Set by the kubelet
   * from admission on; absent before.
   */
  allocatedResources?: ResourceList;
  resources?: ResourceRequirements;
}

export interface PodStatus {
  phase: PodPhase;
  conditions: PodCondition[];
  /** Set by the kubelet when it first admits the pod (Go: nil until then). */
  startTime_ms: number | null;
  containerStatuses: ContainerStatus[];
}

export interface Pod {
  kind: "Pod";
  metadata: ObjectMeta;
  spec: PodSpec;
  status: PodStatus;
}

export interface NodeCondition {
  type: "Ready";
  status: ConditionStatus;
  lastTransitionTime_ms: number;
}

export interface Node {
  kind: "Node";
  metadata: ObjectMeta;
  spec: { unschedulable: boolean; taints: Taint[] };
  status: {
    capacity: Required<ResourceList> & { pods: number };
    allocatable: Required<ResourceList> & { pods: number };
    conditions: NodeCondition[];
  };
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values: string[];
}

export interface LabelSelector {
  matchLabels: Labels;
  matchExpressions: LabelSelectorRequirement[];
}

export interface PodTemplateSpec {
  metadata: { labels: Labels; annotations: Labels };
  spec: PodSpec;
}

/** Returns the PodCondition of the given type, or undefined (podutil.GetPodCondition). */
export function getPodCondition(pod: Pod, type: PodConditionType): PodCondition | undefined {
  for (const c of pod.status.conditions) if (c.type === type) return c;
  return undefined;
}

/** apps/v1 ReplicaSet. */
export interface ReplicaSet {
  kind: "ReplicaSet";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    minReadySeconds: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
  };
  status: {
    replicas: number;
    readyReplicas: number;
    availableReplicas: number;
    observedGeneration: number;
  };
}

export interface RollingUpdateDeployment {
  /** Absolute count or percent string ("25%"), as in the API. */
  maxUnavailable: number | string;
  maxSurge: number | string;
}

export interface DeploymentCondition {
  type: "Available" | "Progressing" | "ReplicaFailure";
  status: ConditionStatus;
  reason: string;
  message: string;
  lastUpdateTime_ms: number;
  lastTransitionTime_ms: number;
}

/** apps/v1 Deployment. */
export interface Deployment {
  kind: "Deployment";
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    strategy: { type: "RollingUpdate"; rollingUpdate: RollingUpdateDeployment } | { type: "Recreate" };
    minReadySeconds: number;
    revisionHistoryLimit: number;
    progressDeadlineSeconds: number;
    paused: boolean;
  };
  status: {
    observedGeneration: number;
    replicas: number;
    updatedReplicas: number;
    readyReplicas: number;
    availableReplicas: number;
    unavailableReplicas: number;
    conditions: DeploymentCondition[];
  };
}

export interface ServicePort {
  name: string;
  port: number;
  targetPort: number;
}

/** core/v1 Service (ClusterIP semantics: a selector and the Ready endpoints it yields). */
export interface Service {
  kind: "Service";
  metadata: ObjectMeta;
  spec: { selector: Labels; ports: ServicePort[] };
}

/** core/v1 ReplicationController: a ReplicaSet with an equality-only selector (spec.selector is a map upstream). */
export interface ReplicationController {
  kind: "ReplicationController";
  metadata: ObjectMeta;
  spec: {
    replicas: number;
    minReadySeconds: number;
    /**
     * The map selector converted as upstream's replication manager converts an RC to a ReplicaSet
     * (pkg/controller/replication/conversion.go): matchLabels only.
     */
    selector: LabelSelector;
    template: PodTemplateSpec;
  };
  status: ReplicaSet["status"];
}

/** storage/v1 StorageClass restricted to what decides binding and placement. */
export interface StorageClass {
  kind: "StorageClass";
  metadata: ObjectMeta;
  provisioner: string;
  volumeBindingMode: "Immediate" | "WaitForFirstConsumer";
  reclaimPolicy: "Delete" | "Retain";
  /** allowedTopologies' topology.kubernetes.io/zone values; empty = every zone. */
  allowedZones: string[];
}

/** core/v1 PersistentVolumeClaim (the fields binding reads). */
export interface PersistentVolumeClaim {
  kind: "PersistentVolumeClaim";
  metadata: ObjectMeta;
  spec: {
    /** null = the default StorageClass (the DefaultStorageClass admission plugin's job). */
    storageClassName: string | null;
    accessModes: string[];
    storage_bytes: number;
    /** The bound PersistentVolume's name; "" while Pending. */
    volumeName: string;
  };
  status: { phase: "Pending" | "Bound" | "Lost" };
}

/** core/v1 PersistentVolume: a dynamically provisioned volume and the zone it can attach in. */
export interface PersistentVolume {
  kind: "PersistentVolume";
  metadata: ObjectMeta;
  spec: {
    storage_bytes: number;
    storageClassName: string;
    /** claimRef as namespace/name of the bound claim. */
    claimRef: { namespace: string; name: string; uid: string } | null;
    /** nodeAffinity.required as the provisioner writes it: the zone label; null = attaches anywhere. */
    nodeAffinity: NodeSelectorTerm[] | null;
    persistentVolumeReclaimPolicy: "Delete" | "Retain";
  };
  status: { phase: "Available" | "Bound" | "Released" };
}

/** A StatefulSet's volumeClaimTemplates entry (a PVC without status). */
export interface PersistentVolumeClaimTemplate {
  metadata: { name: string; labels: Labels; annotations: Labels };
  spec: PersistentVolumeClaim["spec"];
}

export type StatefulSetUpdateStrategy =
  | { type: "RollingUpdate"; rollingUpdate: { partition: number } }
  | { type: "OnDelete" };

/** apps/v1 StatefulSet. */
/** apps/v1 DaemonSet: one pod on every node its template may run on. */
export interface DaemonSet {
  kind: "DaemonSet";
  metadata: ObjectMeta & { generation: number };
  spec: {
    selector: LabelSelector;
    template: PodTemplateSpec;
    updateStrategy: { type: "RollingUpdate" | "OnDelete"; maxUnavailable: number | string; maxSurge: number | string };
    minReadySeconds: number;
    revisionHistoryLimit: number;
  };
  status: {
    observedGeneration: number;
    /** Nodes that should run the daemon pod. */
    desiredNumberScheduled: number;
    /** Nodes that should run it and do. */
    currentNumberScheduled: number;
    /** Nodes that run it but should not. */
    numberMisscheduled: number;
    numberReady: number;
    numberAvailable: number;
    numberUnavailable: number;
    updatedNumberScheduled: number;
  };
}

export interface StatefulSet {
  kind: "StatefulSet";
  metadata: ObjectMeta & { generation: number };
  spec: {
    replicas: number;
    selector: LabelSelector;
    template: PodTemplateSpec;
    serviceName: string;
    podManagementPolicy: "OrderedReady" | "Parallel";
    updateStrategy: StatefulSetUpdateStrategy;
    minReadySeconds: number;
    revisionHistoryLimit: number;
    volumeClaimTemplates: PersistentVolumeClaimTemplate[];
    persistentVolumeClaimRetentionPolicy: { whenDeleted: "Retain" | "Delete"; whenScaled: "Retain" | "Delete" };
  };
  status: {
    observedGeneration: number;
    replicas: number;
    readyReplicas: number;
    currentReplicas: number;
    updatedReplicas: number;
    availableReplicas: number;
    currentRevision: string;
    updateRevision: string;
  };
}
