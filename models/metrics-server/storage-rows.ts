/**
 * The rows of a PodStorage's three per-index tables, interleaved in one Float64Array: which
 * record a handle is bound to (records-by-handle.ts, by handle index), the pod records (pod.ts,
 * by record slot) and the containers' two points (container-points.ts, by container slot). Each
 * table keeps its own index space, allocator and rules, and reads and writes only its own
 * fields of a row (`Row`); they share the array, not their entries.
 *
 * Why one array: a running pod's record takes the slot of its handle's index and its first
 * container's points the record's slot (pod.ts), so what storing a pod and the HPA's read of it
 * need of all three tables is one 128-byte row, where as three arrays it was three or four cache
 * lines far apart. At 5,000 pods an HPA's read of its pods was a chain of misses per pod (handle →
 * record → points), each to another array; here the chain stays within a row.
 *
 * A fresh row is all zeros, which each table reads as empty: no handle bound (PodHandle.None), a
 * free record (pod.ts), a container with no prev point (Prev.None).
 */
import { resized } from "../../engine/typed-arrays.js";

/**
 * Where each table's fields start within a row, and the row's length. A const enum (see
 * metrics-server/types.ts Sample): tsc writes the numbers in at each use.
 */
export const enum Row {
  /** Doubles per row: 128 bytes. */
  Stride = 16,
  /** records-by-handle.ts, by handle index: the handle bound at the index (PodHandle.None: none). */
  BoundHandle = 0,
  /** records-by-handle.ts, by handle index: the record slot that handle is bound to. */
  BoundRecord = 1,
  /** pod.ts's record fields, by record slot: 5 numbers from here (the sixth, 7, is free). */
  Record = 2,
  /** container-points.ts's two points (Point), by container slot: 8 numbers from here. */
  Point = 8,
}

export class StorageRows {
  /** Row `i` is the `Row.Stride` numbers from `data[i * Row.Stride]`. Replaced when it grows: read it again after `ensure`. */
  data = new Float64Array(0);

  /** Rows held (every index below it has a row). */
  get rows(): number {
    return this.data.length / Row.Stride;
  }

  /** Makes sure row `index` exists, at least doubling when it grows; new rows are zeros. */
  ensure(index: number): void {
    if (index < this.rows) return;
    this.data = resized(this.data, Math.max(index + 1, 2 * this.rows, 64) * Row.Stride);
  }
}
