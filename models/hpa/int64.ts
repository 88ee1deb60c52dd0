/**
 * Go int64 / int32 arithmetic for the HPA port.
 *
 * Upstream computes metric sums in int64 and replica counts in int32. Real metric values fit in a
 * JS number (exact up to 2^53), so the normal path stays on plain numbers; only when a result
 * leaves the exact range do we switch to bigint, and we wrap at 64 bits exactly as Go does.
 * An `Int64` is therefore a safe-integer number or, beyond 2^53, a bigint.
 */

export type Int64 = number | bigint;

export const MAX_INT32 = 2147483647;
export const MIN_INT32 = -2147483648;
export const MAX_INT64 = 9223372036854775807n;
export const MIN_INT64 = -9223372036854775808n;

const MAX_SAFE_BIG = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_SAFE_BIG = -MAX_SAFE_BIG;

/** Wraps to 64 bits (Go overflow semantics) and returns a number when the value is exact as one. */
export function normalizeInt64(x: bigint): Int64 {
  const wrapped = BigInt.asIntN(64, x);
  if (wrapped <= MAX_SAFE_BIG && wrapped >= MIN_SAFE_BIG) return Number(wrapped);
  return wrapped;
}

export function toBigInt(x: Int64): bigint {
  return typeof x === "bigint" ? x : BigInt(x);
}

/** Parses an int64 given as a JSON number or a decimal string (values beyond 2^53). */
export function parseInt64(x: number | string | bigint): Int64 {
  if (typeof x === "number") {
    if (!Number.isSafeInteger(x)) throw new RangeError(`not an exact integer: ${x}`);
    return x;
  }
  if (typeof x === "string" && !/^-?\d+$/.test(x)) throw new RangeError(`not a decimal integer: ${x}`);
  return normalizeInt64(BigInt(x));
}

/** Go `a + b` on int64 (wraps on overflow). */
export function addInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const s = a + b;
    // A rounded sum can only land outside the safe range, so a safe result is exact.
    if (Number.isSafeInteger(s)) return s;
  }
  return normalizeInt64(toBigInt(a) + toBigInt(b));
}

/** Go `a - b` on int64. */
export function subInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const d = a - b;
    if (Number.isSafeInteger(d)) return d;
  }
  return normalizeInt64(toBigInt(a) - toBigInt(b));
}

/** Go `a * b` on int64. */
export function mulInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    const p = a * b;
    if (Number.isSafeInteger(p)) return p;
  }
  return normalizeInt64(toBigInt(a) * toBigInt(b));
}

/** Go `a / b` on int64: truncates toward zero. Division by zero panics in Go; here it throws. */
export function divInt64(a: Int64, b: Int64): Int64 {
  if (typeof a === "number" && typeof b === "number") {
    if (b === 0) throw new RangeError("integer divide by zero");
    // `%` is exact on safe integers, so (a - a % b) is an exact multiple of b and the quotient
    // is exact too; a plain Math.trunc(a / b) can round up across an integer near 2^53.
    return (a - (a % b)) / b + 0; // + 0 turns -0 into 0
  }
  const bb = toBigInt(b);
  if (bb === 0n) throw new RangeError("integer divide by zero");
  return normalizeInt64(toBigInt(a) / bb);
}

export function compareInt64(a: Int64, b: Int64): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  const x = toBigInt(a);
  const y = toBigInt(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Go `float64(x)`: round to nearest, ties to even (Number(bigint) does the same). */
export function int64ToFloat64(x: Int64): number {
  return typeof x === "number" ? x : Number(x);
}

/** Go `int32(x)` for an int64: keeps the low 32 bits. */
export function int64ToInt32(x: Int64): number {
  return typeof x === "number" ? x | 0 : Number(BigInt.asIntN(32, x));
}

/**
 * Go `int32(f)` for a float64. In range it truncates toward zero. Out of range the Go spec leaves
 * the result implementation-defined; on amd64 (where upstream runs) CVTTSD2SL yields MinInt32.
 */
export function float64ToInt32(f: number): number {
  if (!(f > MIN_INT32 - 1 && f < MAX_INT32 + 1)) return MIN_INT32;
  return Math.trunc(f) + 0;
}

/** Go `int64(f)` for a float64; out of range yields MinInt64 as on amd64 (CVTTSD2SQ). */
export function float64ToInt64(f: number): Int64 {
  if (!(f >= -9223372036854775808 && f < 9223372036854775808)) return normalizeInt64(MIN_INT64);
  const t = Math.trunc(f) + 0;
  return Number.isSafeInteger(t) ? t : normalizeInt64(BigInt(t));
}

/** JSON form: a number when exact, else the decimal string (as the oracle prints int64s). */
export function int64ToJSON(x: Int64): number | string {
  return typeof x === "number" ? x : x.toString();
}
