/**
 * Limits kept in proportion to requests, and LimitRange bounds translated to request bounds.
 * Ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/utils/vpa/
 * limit_and_request_scaling.go (VPA 1.8). Arithmetic is big.Int exact, capped at MaxInt64.
 */
import { MAX_INT64, newMilliQuantity, newQuantity, quantityMilliValue, quantityValue } from "./quantity.js";
import type { Quantity, ResourceList } from "./types.js";

/** limit_and_request_scaling.go roundingMode. */
export type RoundingMode = "noRounding" | "roundUpToFullUnit" | "roundDownToFullUnit";

/** GetProportionalLimit: new limits for both resources plus annotations; null = no limit set. */
export function getProportionalLimit(
  originalLimit: ResourceList | null,
  originalRequest: ResourceList | null,
  recommendation: ResourceList | null,
  defaultLimit: ResourceList | null,
): { limits: ResourceList | null; annotations: string[] } {
  const annotations: string[] = [];
  // ResourceList.Cpu()/Memory() never return nil: a missing entry is a zero Quantity.
  const q = (list: ResourceList | null, name: string): Quantity => list?.[name] ?? 0n;
  const cpu = getProportionalResourceLimit("cpu", q(originalLimit, "cpu"), q(originalRequest, "cpu"), q(recommendation, "cpu"), q(defaultLimit, "cpu"));
  if (cpu.annotation !== "") annotations.push(cpu.annotation);
  const mem = getProportionalResourceLimit(
    "memory",
    q(originalLimit, "memory"),
    q(originalRequest, "memory"),
    q(recommendation, "memory"),
    q(defaultLimit, "memory"),
  );
  if (mem.annotation !== "") annotations.push(mem.annotation);
  if (mem.limit === null && cpu.limit === null) return { limits: null, annotations: [] };
  const limits: ResourceList = {};
  if (cpu.limit !== null) limits.cpu = cpu.limit;
  if (mem.limit !== null) limits.memory = mem.limit;
  return { limits, annotations };
}

/**
 * getProportionalResourceLimit: originalLimit × recommendedRequest / originalRequest. null
 * arguments are nil *Quantity. Returns the limit (null = not set) and an annotation ("" = none).
 */
export function getProportionalResourceLimit(
  resourceName: "cpu" | "memory",
  originalLimit: Quantity | null,
  originalRequest: Quantity | null,
  recommendedRequest: Quantity | null,
  defaultLimit: Quantity | null,
): { limit: Quantity | null; annotation: string } {
  if (originalLimit === null || (quantityValue(originalLimit) === 0n && defaultLimit !== null)) originalLimit = defaultLimit;
  // Nothing to scale.
  if (originalLimit === null || quantityValue(originalLimit) === 0n) {
    return { limit: null, annotation: `${resourceName}: limit NOT set since originalLimit is nil or 0` };
  }
  if (recommendedRequest === null || quantityValue(recommendedRequest) === 0n) {
    return { limit: null, annotation: `${resourceName}: limit NOT set since recommendedRequest is nil or 0` };
  }
  // Kubernetes treats a missing request as equal to the limit.
  if (originalRequest === null || quantityValue(originalRequest) === 0n) return { limit: recommendedRequest, annotation: "" };
  if (quantityMilliValue(originalRequest) === quantityMilliValue(originalLimit)) return { limit: recommendedRequest, annotation: "" };
  const capped = `${resourceName}: failed to keep limit to request ratio; capping limit to int64`;
  if (resourceName === "cpu") {
    const r = scaleQuantityProportionallyCPU(originalLimit, originalRequest, recommendedRequest, "noRounding");
    return { limit: r.result, annotation: r.status === "capped" ? capped : "" };
  }
  const r = scaleQuantityProportionallyMem(originalLimit, originalRequest, recommendedRequest, "noRounding");
  return { limit: r.result, annotation: r.capped ? capped : "" };
}

/**
 * GetBoundaryRequest: the request that keeps the container's limit/request ratio when the limit
 * is at the boundary. A zero Quantity means "no boundary".
 */
export function getBoundaryRequest(
  resourceName: "cpu" | "memory",
  originalRequest: Quantity | null,
  originalLimit: Quantity | null,
  boundaryLimit: Quantity,
  defaultLimit: Quantity | null,
): Quantity {
  if (originalLimit === null || (quantityValue(originalLimit) === 0n && defaultLimit !== null)) originalLimit = defaultLimit;
  // Limit not set: no boundary on the request.
  if (originalLimit === null || quantityValue(originalLimit) === 0n) return 0n;
  // Request not set: it equals the limit.
  if (originalRequest === null || quantityValue(originalRequest) === 0n) return boundaryLimit;
  if (resourceName === "cpu") return scaleQuantityProportionallyCPU(originalRequest, originalLimit, boundaryLimit, "noRounding").result;
  return scaleQuantityProportionallyMem(originalRequest, originalLimit, boundaryLimit, "noRounding").result;
}

/** Go big.Int DivMod (Euclidean): quotient rounded so that the remainder is non-negative. */
function euclidDivMod(a: bigint, b: bigint): { quotient: bigint; remainder: bigint } {
  let quotient = a / b;
  let remainder = a % b;
  if (remainder < 0n) {
    remainder += b < 0n ? -b : b;
    quotient += b < 0n ? 1n : -1n;
  }
  return { quotient, remainder };
}

/** Go big.Int Div (Euclidean quotient). */
function euclidDiv(a: bigint, b: bigint): bigint {
  return euclidDivMod(a, b).quotient;
}

function isInt64(x: bigint): boolean {
  return x <= MAX_INT64 && x >= -MAX_INT64 - 1n;
}

/** scaleQuantityProportionallyCPU: scaled × result / base in millicores. */
export function scaleQuantityProportionallyCPU(
  scaledQuantity: Quantity,
  scaleBase: Quantity,
  scaleResult: Quantity,
  rounding: RoundingMode,
): { result: Quantity; status: "success" | "capped" | "divisionByZero" } {
  if (scaleBase === 0n) return { result: scaledQuantity, status: "divisionByZero" };
  const product = quantityMilliValue(scaledQuantity) * quantityMilliValue(scaleResult);
  let { quotient, remainder } = euclidDivMod(product, quantityMilliValue(scaleBase));
  if (isInt64(quotient)) {
    if (remainder !== 0n && rounding === "roundUpToFullUnit") quotient += 1n;
    return { result: newMilliQuantity(quotient), status: "success" };
  }
  return { result: newMilliQuantity(MAX_INT64), status: "capped" };
}

/** scaleQuantityProportionallyMem: scaled × result / base in whole units (Value()). */
export function scaleQuantityProportionallyMem(
  scaledQuantity: Quantity,
  scaleBase: Quantity,
  scaleResult: Quantity,
  _rounding: RoundingMode,
): { result: Quantity; capped: boolean } {
  const scaled = euclidDiv(quantityValue(scaledQuantity) * quantityValue(scaleResult), quantityValue(scaleBase));
  if (isInt64(scaled)) {
    // The result is whole units, so rounding it up (or down after subtracting 999m) to whole
    // units leaves it unchanged: upstream's rounding modes are no-ops here.
    return { result: newQuantity(scaled), capped: false };
  }
  return { result: newQuantity(MAX_INT64), capped: true };
}
