/**
 * Growing the typed arrays that hold per-slot state (pods, containers, series): a new array of
 * `length` elements with the old contents copied to its start. Callers pick the new length (they
 * double it), so growth is amortised O(1) per slot.
 */
type GrowableArray = Float64Array | Int32Array | Uint32Array | Uint8Array;

export function resized<T extends GrowableArray>(array: T, length: number): T {
  const grown = new (array.constructor as new (length: number) => T)(length);
  grown.set(array);
  return grown;
}
