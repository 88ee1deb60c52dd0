/**
 * ResourceAmount conversions of kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/
 * model/types.go. Every float → amount conversion truncates and caps at MaxResourceAmount.
 */
import type { ResourceAmount } from "./types.js";

/** types.go MaxResourceAmount = 1e14. */
export const MAX_RESOURCE_AMOUNT: ResourceAmount = 1e14;

/**
 * Go's int64(NaN) on amd64 (the platform upstream ships): MinInt64. -2^63 is exact in a double.
 * It only arises for an empty aggregate (0 × +Inf) and is then lifted to the pod minimum.
 */
const GO_INT64_OF_NAN = -(2 ** 63);

/** types.go resourceAmountFromFloat. */
export function resourceAmountFromFloat(amount: number): ResourceAmount {
  if (amount > MAX_RESOURCE_AMOUNT) return MAX_RESOURCE_AMOUNT;
  if (amount < 0) amount = 0;
  if (Number.isNaN(amount)) return GO_INT64_OF_NAN;
  return Math.trunc(amount);
}

/** types.go CPUAmountFromCores. */
export function cpuAmountFromCores(cores: number): ResourceAmount {
  return resourceAmountFromFloat(cores * 1000.0);
}

/** types.go CoresFromCPUAmount. */
export function coresFromCPUAmount(cpuAmount: ResourceAmount): number {
  return cpuAmount / 1000.0;
}

/** types.go MemoryAmountFromBytes. */
export function memoryAmountFromBytes(bytes: number): ResourceAmount {
  return resourceAmountFromFloat(bytes);
}

/** types.go BytesFromMemoryAmount. */
export function bytesFromMemoryAmount(memoryAmount: ResourceAmount): number {
  return memoryAmount;
}

/** types.go ScaleResource: amount × factor, truncated and capped. */
export function scaleResource(amount: ResourceAmount, factor: number): ResourceAmount {
  return resourceAmountFromFloat(amount * factor);
}

/** types.go ResourceAmountMax. */
export function resourceAmountMax(amount1: ResourceAmount, amount2: ResourceAmount): ResourceAmount {
  return amount1 > amount2 ? amount1 : amount2;
}
