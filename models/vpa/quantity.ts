/**
 * resource.Quantity operations the VPA uses, on exact milli-unit bigints (see types.ts).
 * k8s.io/apimachinery/pkg/api/resource/quantity.go: Value() and MilliValue() round away from
 * zero to the unit; Cmp is exact.
 */
import type { Quantity, ResourceList, ResourceName, ResourceAmount } from "./types.js";

export const MAX_INT64 = 9223372036854775807n;
const MILLI = 1000n;

/** Quantity.Value(): whole units, rounded away from zero. */
export function quantityValue(q: Quantity): bigint {
  const whole = q / MILLI;
  const rest = q % MILLI;
  if (rest === 0n) return whole;
  return q > 0n ? whole + 1n : whole - 1n;
}

/** Quantity.MilliValue(). */
export function quantityMilliValue(q: Quantity): bigint {
  return q;
}

/** Quantity.Cmp: -1, 0 or 1. */
export function quantityCmp(a: Quantity, b: Quantity): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** resource.NewMilliQuantity(milli). */
export function newMilliQuantity(milli: bigint): Quantity {
  return milli;
}

/** resource.NewQuantity(value): whole units. */
export function newQuantity(value: bigint): Quantity {
  return value * MILLI;
}

/** model.QuantityFromCPUAmount: NewScaledQuantity(millicores, -3). */
export function quantityFromCPUAmount(cpu: ResourceAmount): Quantity {
  return BigInt(cpu);
}

/** model.QuantityFromMemoryAmount: NewQuantity(bytes, BinarySI). */
export function quantityFromMemoryAmount(memory: ResourceAmount): Quantity {
  return BigInt(memory) * MILLI;
}

/** The Quantity of a recommender ResourceAmount for that resource. */
export function quantityFromResourceAmount(name: ResourceName, amount: ResourceAmount): Quantity {
  return name === "cpu" ? quantityFromCPUAmount(amount) : quantityFromMemoryAmount(amount);
}

/**
 * ResourceList.Cpu()/Memory(): the quantity, or a zero Quantity when absent (never nil).
 */
export function resourceListGet(list: ResourceList | null, name: string): Quantity {
  return list?.[name] ?? 0n;
}

/** ResourceList.DeepCopy() (nil stays nil). */
export function copyResourceList(list: ResourceList | null): ResourceList | null {
  return list === null ? null : { ...list };
}

/**
 * Map keys in a deterministic order. Go ranges over ResourceLists in random order; every
 * upstream result that depends on the order is documented as unordered, so sorting is faithful.
 */
export function resourceNames(list: ResourceList | null): string[] {
  return list === null ? [] : Object.keys(list).sort();
}
