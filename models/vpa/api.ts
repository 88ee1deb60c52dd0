/**
 * VPA object helpers of kubernetes/autoscaler vertical-pod-autoscaler/pkg/utils/vpa/api.go and
 * capping.go's recommendation lookup (VPA 1.8).
 */
import {
  DEFAULT_CONTAINER_RESOURCE_POLICY,
  type ContainerControlledValues,
  type ContainerResourcePolicy,
  type PodResourcePolicy,
  type RecommendedContainerResources,
  type RecommendedPodResources,
  type UpdateMode,
  type VpaSpecView,
} from "./types.js";

/** GetUpdateMode: an unset mode is Recreate (Auto is deprecated but still evicts). */
export function getUpdateMode(vpa: VpaSpecView): UpdateMode {
  return vpa.updatePolicy?.updateMode ?? "Recreate";
}

/** GetContainerResourcePolicy: the container's own policy, else the "*" policy, else null. */
export function getContainerResourcePolicy(containerName: string, policy: PodResourcePolicy | null): ContainerResourcePolicy | null {
  let defaultPolicy: ContainerResourcePolicy | null = null;
  for (const containerPolicy of policy?.containerPolicies ?? []) {
    if (containerPolicy.containerName === containerName) return containerPolicy;
    if (containerPolicy.containerName === DEFAULT_CONTAINER_RESOURCE_POLICY) defaultPolicy = containerPolicy;
  }
  return defaultPolicy;
}

/** GetContainerControlledValues: RequestsAndLimits unless the policy says otherwise. */
export function getContainerControlledValues(name: string, vpaResourcePolicy: PodResourcePolicy | null): ContainerControlledValues {
  return getContainerResourcePolicy(name, vpaResourcePolicy)?.controlledValues ?? "RequestsAndLimits";
}

/** GetRecommendationForContainer (a copy of the entry, or null). */
export function getRecommendationForContainer(
  containerName: string,
  recommendation: RecommendedPodResources | null,
): RecommendedContainerResources | null {
  const found = recommendation?.containerRecommendations.find((r) => r.containerName === containerName);
  return found === undefined ? null : { ...found };
}

/** HasStartupBoost. */
export function hasStartupBoost(vpa: VpaSpecView): boolean {
  return vpa.hasStartupBoost;
}
