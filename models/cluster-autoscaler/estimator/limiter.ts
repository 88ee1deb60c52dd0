/**
 * Estimation limits. Upstream: estimator/threshold_based_limiter.go (thresholdBasedEstimationLimiter,
 * getMinLimit), estimator/static_threshold.go, estimator/sng_capacity_threshold.go,
 * estimator/cluster_capacity_threshold.go.
 *
 * Limits: negative = deny every node, 0 = no limit, positive = at most that many. Time is the
 * simulation's: the limiter asks `elapsed_ms()` instead of reading a wall clock.
 */

/** What a threshold sees of the estimation (estimator.EstimationContext + the node group). */
export interface EstimationContext {
  nodeGroup: { max: number; targetSize: number };
  similarNodeGroups: { max: number; targetSize: number }[];
  /** max-nodes-total; 0 = no limit. */
  clusterMaxNodeLimit: number;
  currentNodeCount: number;
}

export interface Threshold {
  nodeLimit(ctx: EstimationContext): number;
  durationLimit_ms(ctx: EstimationContext): number;
}

/** threshold_based_limiter.go getMinLimit. */
export function getMinLimit(baseLimit: number, targetLimit: number): number {
  if (baseLimit < 0 || targetLimit < 0) return -1;
  if ((baseLimit === 0 || baseLimit > targetLimit) && targetLimit > 0) return targetLimit;
  return baseLimit;
}

/** static_threshold.go NewStaticThreshold: fixed node and duration limits (max-nodes-per-scaleup, max-nodegroup-binpacking-duration). */
export function staticThreshold(maxNodes: number, maxDuration_ms: number): Threshold {
  return { nodeLimit: () => maxNodes, durationLimit_ms: () => maxDuration_ms };
}

/**
 * sng_capacity_threshold.go sngCapacityThreshold.NodeLimit: the room left (max - target) in the
 * group and its similar groups; no room = -1.
 */
export function sngCapacityNodeLimit(ctx: EstimationContext): number {
  let total = 0;
  for (const g of [ctx.nodeGroup, ...ctx.similarNodeGroups]) total += Math.max(0, g.max - g.targetSize);
  return total === 0 ? -1 : total;
}

export const sngCapacityThreshold: Threshold = { nodeLimit: sngCapacityNodeLimit, durationLimit_ms: () => 0 };

/**
 * cluster_capacity_threshold.go clusterCapacityThreshold.NodeLimit: max-nodes-total minus the
 * nodes; unset = 0 (no limit), already reached = -1.
 */
export function clusterCapacityNodeLimit(ctx: EstimationContext): number {
  if (ctx.clusterMaxNodeLimit === 0) return 0;
  if (ctx.clusterMaxNodeLimit <= ctx.currentNodeCount) return -1;
  return ctx.clusterMaxNodeLimit - ctx.currentNodeCount;
}

export const clusterCapacityThreshold: Threshold = { nodeLimit: clusterCapacityNodeLimit, durationLimit_ms: () => 0 };

/** The production thresholds (core/autoscaler.go): max-nodes-per-scaleup (1000), group capacity, cluster capacity. */
export function productionThresholds(maxNodesPerScaleUp = 1000, maxNodeGroupBinpackingDuration_ms = 10_000): Threshold[] {
  return [staticThreshold(maxNodesPerScaleUp, maxNodeGroupBinpackingDuration_ms), sngCapacityThreshold, clusterCapacityThreshold];
}

/** threshold_based_limiter.go thresholdBasedEstimationLimiter. */
export class ThresholdBasedEstimationLimiter {
  private maxNodes = 0;
  private maxDuration_ms = 0;
  private nodes = 0;
  private start_ms = 0;
  private started = false;

  constructor(
    private readonly thresholds: readonly Threshold[],
    private readonly clock_ms: () => number = () => 0,
  ) {}

  startEstimation(ctx: EstimationContext): void {
    this.start_ms = this.clock_ms();
    this.started = true;
    this.nodes = 0;
    this.maxNodes = 0;
    this.maxDuration_ms = 0;
    for (const t of this.thresholds) {
      this.maxNodes = getMinLimit(this.maxNodes, t.nodeLimit(ctx));
      this.maxDuration_ms = getMinLimit(this.maxDuration_ms, t.durationLimit_ms(ctx));
    }
  }

  endEstimation(): void {}

  /** PermissionToAddNode: true (and counts the node) while under every limit. */
  permissionToAddNode(): boolean {
    if (this.maxNodes < 0 || (this.maxNodes > 0 && this.nodes >= this.maxNodes)) return false;
    const timeDefined = this.maxDuration_ms > 0 && this.started;
    if (this.maxDuration_ms < 0 || (timeDefined && this.clock_ms() > this.start_ms + this.maxDuration_ms)) return false;
    this.nodes++;
    return true;
  }

  /** Nodes granted since the estimation started. */
  grantedNodes(): number {
    return this.nodes;
  }
}
