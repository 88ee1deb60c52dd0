/**
 * Argument checks shared by the workload models. Each throws a RangeError naming the field, so a
 * scenario author sees which value of which profile is wrong.
 */

/** A rate in requests/s (or any non-negative quantity): finite and >= 0. */
export function requireNonNegative(field: string, value: number): number {
  if (!(value >= 0) || !Number.isFinite(value)) throw new RangeError(`${field} must be a finite number >= 0, got ${value}`);
  return value;
}

/** Finite and > 0 (periods, costs). */
export function requirePositive(field: string, value: number): number {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${field} must be a finite number > 0, got ${value}`);
  return value;
}

/** A virtual time: an integer number of milliseconds (the kernel's clock unit). */
export function requireTime(field: string, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${field} must be an integer number of milliseconds, got ${value}`);
  return value;
}

/** A duration: a positive integer number of milliseconds. */
export function requireDuration(field: string, value: number): number {
  if (!Number.isSafeInteger(value) || value <= 0) throw new RangeError(`${field} must be a positive integer number of milliseconds, got ${value}`);
  return value;
}

/** >= 0, Infinity allowed (an unlimited CPU cap or queue). */
export function requireNonNegativeOrInfinity(field: string, value: number): number {
  if (!(value >= 0)) throw new RangeError(`${field} must be >= 0 (Infinity for unlimited), got ${value}`);
  return value;
}
