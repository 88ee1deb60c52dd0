/**
 * Plain data the VPA port works on: the autoscaling.k8s.io/v1 VerticalPodAutoscaler subset, the
 * pod fields the recommender, updater and admission controller read, and the recommender's
 * resource amounts.
 *
 * Units follow upstream exactly, because the arithmetic is Go-exact:
 * - The recommender's `ResourceAmount` (pkg/recommender/model/types.go) is an int64 of
 *   millicores (CPU) or bytes (memory). Every amount it produces is capped at 1e14, so a JS
 *   number holds it exactly.
 * - API quantities (`resource.Quantity` in recommendations, requests, limits, policies) are
 *   `Quantity`: a bigint count of milli-units (millicores, millibytes). Quantities in upstream's
 *   tests reach 2^60 cores, beyond int64 milli-units, so they are bigints, not numbers.
 * - Times are milliseconds since the Unix epoch (the simulation's time 0 is the epoch); Go's zero
 *   time (`time.Time{}`, year 1) is GO_ZERO_TIME_MS. Durations are milliseconds.
 */

/** pkg/recommender/model/types.go ResourceName (the model only knows these two). */
export type ResourceName = "cpu" | "memory";

/** pkg/recommender/model/types.go ResourceAmount: int64 millicores or bytes, as a number. */
export type ResourceAmount = number;

/** pkg/recommender/model/types.go Resources. */
export type Resources = Partial<Record<ResourceName, ResourceAmount>>;

/** A resource.Quantity as an exact count of milli-units. */
export type Quantity = bigint;

/** core/v1 ResourceList. Keys are any resource name (upstream tests carry an empty "" key). */
export type ResourceList = Record<string, Quantity>;

/** time.Time{} (0001-01-01T00:00:00Z) in ms since the Unix epoch. */
export const GO_ZERO_TIME_MS = -62_135_596_800_000;

export function isGoZeroTime(t_ms: number): boolean {
  return t_ms === GO_ZERO_TIME_MS;
}

// ---- autoscaling.k8s.io/v1 ----------------------------------------------------------------

export type UpdateMode = "Off" | "Initial" | "Recreate" | "Auto" | "InPlaceOrRecreate" | "InPlace";
export type ContainerScalingMode = "Auto" | "Off";
export type ContainerControlledValues = "RequestsAndLimits" | "RequestsOnly";

/** types.go DefaultContainerResourcePolicy: the policy for containers not named explicitly. */
export const DEFAULT_CONTAINER_RESOURCE_POLICY = "*";

export interface ContainerResourcePolicy {
  containerName: string;
  /** null = not set (Auto). */
  mode: ContainerScalingMode | null;
  minAllowed: ResourceList | null;
  maxAllowed: ResourceList | null;
  /** null = not set (cpu and memory). */
  controlledResources: ResourceName[] | null;
  /** null = not set (RequestsAndLimits). */
  controlledValues: ContainerControlledValues | null;
}

export interface PodResourcePolicy {
  containerPolicies: ContainerResourcePolicy[];
}

export interface PodUpdatePolicy {
  /** null = not set (GetUpdateMode gives Recreate). */
  updateMode: UpdateMode | null;
  /** null = the updater's --min-replicas. */
  minReplicas: number | null;
}

export interface RecommendedContainerResources {
  containerName: string;
  /** null = not set (a nil ResourceList). */
  target: ResourceList | null;
  lowerBound: ResourceList | null;
  upperBound: ResourceList | null;
  uncappedTarget: ResourceList | null;
}

export interface RecommendedPodResources {
  containerRecommendations: RecommendedContainerResources[];
}

/** The VerticalPodAutoscaler fields the pure functions read. */
export interface VpaSpecView {
  updatePolicy: PodUpdatePolicy | null;
  resourcePolicy: PodResourcePolicy | null;
  /** status.recommendation; null = none yet. */
  recommendation: RecommendedPodResources | null;
  /** spec.startupBoost set on the VPA or any container policy (HasStartupBoost). */
  hasStartupBoost: boolean;
}

// ---- pods ----------------------------------------------------------------------------------

export interface VpaContainer {
  name: string;
  requests: ResourceList;
  limits: ResourceList;
}

export interface ContainerTerminated {
  reason: string;
  startedAt_ms: number;
  finishedAt_ms: number;
}

export interface VpaContainerStatus {
  name: string;
  /** status.containerStatuses[].resources (in-place resize); null = not reported. */
  resources: { requests: ResourceList; limits: ResourceList } | null;
  /** lastState.terminated; null = none. */
  lastTerminated: ContainerTerminated | null;
}

export type VpaPodPhase = "Pending" | "Running" | "Succeeded" | "Failed" | "Unknown";

export interface VpaControllerRef {
  kind: string;
  name: string;
}

/** The pod fields the VPA reads. */
export interface VpaPod {
  namespace: string;
  name: string;
  uid: string;
  annotations: Record<string, string>;
  /** The controller owner reference; null = not managed by a controller. */
  controllerRef: VpaControllerRef | null;
  containers: VpaContainer[];
  containerStatuses: VpaContainerStatus[];
  phase: VpaPodPhase;
  /** status.startTime; null = not set. */
  startTime_ms: number | null;
  /** The kubelet's in-place resize conditions (PodResizePending, PodResizeInProgress), in status order; absent = none. */
  resizeConditions?: readonly PodResizeCondition[];
}

/** A pod condition of an in-place resize. */
export interface PodResizeCondition {
  type: "PodResizePending" | "PodResizeInProgress";
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

/** core/v1 LimitRangeItem restricted to the fields the VPA reads; null maps = not set. */
export interface LimitRangeItem {
  type: "Container" | "Pod";
  min: ResourceList | null;
  max: ResourceList | null;
  default: ResourceList | null;
}

/** pkg/utils/vpa ContainerToAnnotationsMap. */
export type ContainerToAnnotationsMap = Record<string, string[]>;
