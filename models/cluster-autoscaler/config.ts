/**
 * The Cluster Autoscaler's flags (cluster-autoscaler/config/flags/flags.go, release 1.36) with
 * their upstream defaults, in kubesim's units. Flags of features kubesim does not model
 * (autoprovisioning, GPU drivers, cloud-provider specifics) are left out.
 */
import { DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS, type NodeGroupDifferenceRatios } from "./nodegroupset.js";
import type { ExpanderName } from "./expander/expander.js";

export interface ClusterAutoscalerConfig {
  /** --scan-interval. */
  scanInterval_ms: number;
  /** --frequent-loops-enabled: a new unschedulable pod, or a scale-up, starts a loop at once. */
  frequentLoopsEnabled: boolean;
  /** --expander, as a chain ("priority,least-waste"). */
  expander: ExpanderName[];
  /** The priority expander's ConfigMap (cluster-autoscaler-priority-expander): priority → group-name regexes. */
  expanderPriorities: Record<number, string[]> | null;
  /** --max-nodes-total (0 = no limit). */
  maxNodesTotal: number;
  /** --cores-total min:max, whole cores. */
  minCoresTotal: number;
  maxCoresTotal: number;
  /** --memory-total min:max (upstream in GiB; here bytes). */
  minMemoryTotal_bytes: number;
  maxMemoryTotal_bytes: number;
  /** --new-pod-scale-up-delay. */
  newPodScaleUpDelay_ms: number;
  /** --max-nodes-per-scaleup. */
  maxNodesPerScaleUp: number;
  /** --max-nodegroup-binpacking-duration. */
  maxNodeGroupBinpackingDuration_ms: number;
  /** --max-node-provision-time. */
  maxNodeProvisionTime_ms: number;
  /** --initial-node-group-backoff-duration, --max-node-group-backoff-duration, --node-group-backoff-reset-timeout. */
  initialNodeGroupBackoff_ms: number;
  maxNodeGroupBackoff_ms: number;
  nodeGroupBackoffReset_ms: number;
  /** --balance-similar-node-groups, --balancing-ignore-label, and the difference ratios. */
  balanceSimilarNodeGroups: boolean;
  balancingIgnoredLabels: string[];
  nodeGroupDifferenceRatios: NodeGroupDifferenceRatios;
  /** --enforce-node-group-min-size. */
  enforceNodeGroupMinSize: boolean;
  /** --scale-down-enabled. */
  scaleDownEnabled: boolean;
  /** --scale-down-delay-after-add / -after-delete / -after-failure. */
  scaleDownDelayAfterAdd_ms: number;
  scaleDownDelayAfterDelete_ms: number;
  scaleDownDelayAfterFailure_ms: number;
  /** --scale-down-unneeded-time, --scale-down-unready-time, --scale-down-unready-enabled. */
  scaleDownUnneededTime_ms: number;
  scaleDownUnreadyTime_ms: number;
  scaleDownUnreadyEnabled: boolean;
  /** --scale-down-utilization-threshold, --scale-down-gpu-utilization-threshold. */
  scaleDownUtilizationThreshold: number;
  scaleDownGpuUtilizationThreshold: number;
  /** --max-empty-bulk-delete, --max-scale-down-parallelism, --max-drain-parallelism. */
  maxEmptyBulkDelete: number;
  maxScaleDownParallelism: number;
  maxDrainParallelism: number;
  /**
   * --scale-down-non-empty-candidates-count. Release 1.36 still parses it but nothing reads it: its
   * planner bounds the nodes it simulates by unneededNodesLimit (scaledown/planner.ts). Kept so
   * that configurations naming it load, as upstream's do.
   */
  scaleDownNonEmptyCandidatesCount: number;
  /** --unremovable-node-recheck-timeout: how long a node whose removal simulation failed is not simulated again. */
  unremovableNodeRecheckTimeout_ms: number;
  /** --max-graceful-termination-sec. */
  maxGracefulTermination_ms: number;
  /** --ignore-daemonsets-utilization, --ignore-mirror-pods-utilization. */
  ignoreDaemonSetsUtilization: boolean;
  ignoreMirrorPodsUtilization: boolean;
  /** --skip-nodes-with-system-pods, --skip-nodes-with-local-storage, --skip-nodes-with-custom-controller-pods, --min-replica-count. */
  skipNodesWithSystemPods: boolean;
  skipNodesWithLocalStorage: boolean;
  skipNodesWithCustomControllerPods: boolean;
  minReplicaCount: number;
  /** --blocking-system-pod-distruption-timeout. */
  blockingSystemPodDisruptionTimeout_ms: number;
}

export const DEFAULT_CLUSTER_AUTOSCALER_CONFIG: Readonly<ClusterAutoscalerConfig> = Object.freeze({
  scanInterval_ms: 10_000,
  frequentLoopsEnabled: true,
  expander: ["least-waste"] as ExpanderName[],
  expanderPriorities: null,
  maxNodesTotal: 0,
  minCoresTotal: 0,
  maxCoresTotal: 320_000,
  minMemoryTotal_bytes: 0,
  maxMemoryTotal_bytes: 6_400_000 * 2 ** 30,
  newPodScaleUpDelay_ms: 0,
  maxNodesPerScaleUp: 1000,
  maxNodeGroupBinpackingDuration_ms: 10_000,
  maxNodeProvisionTime_ms: 15 * 60_000,
  initialNodeGroupBackoff_ms: 5 * 60_000,
  maxNodeGroupBackoff_ms: 30 * 60_000,
  nodeGroupBackoffReset_ms: 3 * 3_600_000,
  balanceSimilarNodeGroups: false,
  balancingIgnoredLabels: [] as string[],
  nodeGroupDifferenceRatios: DEFAULT_NODE_GROUP_DIFFERENCE_RATIOS,
  enforceNodeGroupMinSize: false,
  scaleDownEnabled: true,
  scaleDownDelayAfterAdd_ms: 10 * 60_000,
  scaleDownDelayAfterDelete_ms: 0,
  scaleDownDelayAfterFailure_ms: 3 * 60_000,
  scaleDownUnneededTime_ms: 10 * 60_000,
  scaleDownUnreadyTime_ms: 20 * 60_000,
  scaleDownUnreadyEnabled: true,
  scaleDownUtilizationThreshold: 0.5,
  scaleDownGpuUtilizationThreshold: 0.5,
  maxEmptyBulkDelete: 10,
  maxScaleDownParallelism: 10,
  maxDrainParallelism: 1,
  scaleDownNonEmptyCandidatesCount: 30,
  unremovableNodeRecheckTimeout_ms: 5 * 60_000,
  maxGracefulTermination_ms: 600_000,
  ignoreDaemonSetsUtilization: false,
  ignoreMirrorPodsUtilization: false,
  skipNodesWithSystemPods: true,
  skipNodesWithLocalStorage: true,
  skipNodesWithCustomControllerPods: true,
  minReplicaCount: 0,
  blockingSystemPodDisruptionTimeout_ms: 3_600_000,
});
