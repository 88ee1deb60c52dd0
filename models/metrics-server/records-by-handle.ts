/**
 * Which pod record (pod.ts) a running pod's samples are stored in, by the pod's handle
 * (models/kubelet/pod-handles.ts): metrics-server's own column, keyed by handle index, so that
 * storing a scrape and serving the HPA's reads find a pod's record with one array read instead
 * of a lookup by namespace and name. Upstream keys pods by name, and so does the record table:
 * this only remembers the answer of that lookup for the handle it was made for.
 *
 * Invariant: a record slot has at most one bound handle, and a bound handle's entry names its
 * slot. Records are bound when found by name for a sample of that handle and unbound when swept,
 * so `lookup(handle)` is -1 or exactly the slot the lookup by the pod's name would find (a pod
 * never changes name, and a handle is never issued twice).
 */
import { assert } from "../../engine/assert.js";
import { resized } from "../../engine/typed-arrays.js";
import { handleIndex, PodHandle } from "../kubelet/pod-handles.js";
import { Row, StorageRows } from "./storage-rows.js";

export class RecordsByHandle {
  /** By record slot: the handle bound to it (PodHandle.None: none). Read only when binding, so kept apart from the rows. */
  private boundTo = new Float64Array(64);

  /**
   * @param rows where the binding of each handle index is kept: the handle bound there
   * (`Row.BoundHandle`) and its record slot (`Row.BoundRecord`), side by side, in the row that
   * also holds the record a running pod's handle usually finds (storage-rows.ts).
   */
  constructor(private readonly rows: StorageRows = new StorageRows()) {}

  /** The record slot bound to `handle`, or -1. */
  lookup(handle: number): number {
    const b = handleIndex(handle) * Row.Stride;
    const data = this.rows.data;
    // `| 0`: a small integer to V8, so that the caller's row arithmetic is not in doubles.
    return b < data.length && handle !== PodHandle.None && data[b + Row.BoundHandle] === handle ? data[b + Row.BoundRecord] | 0 : -1;
  }

  /** Binds `handle` to record `slot` (found by the pod's name), replacing what either had. */
  bind(handle: number, slot: number): void {
    assert(handle !== PodHandle.None, "binding PodHandle.None to a metrics-server record");
    const index = handleIndex(handle);
    this.rows.ensure(index);
    if (slot >= this.boundTo.length) this.boundTo = resized(this.boundTo, Math.max(slot + 1, 2 * this.boundTo.length));
    this.unbindRecord(slot);
    const data = this.rows.data;
    const b = index * Row.Stride;
    // An older handle at this index (a pod that stopped) may still be bound to another record.
    const older = data[b + Row.BoundHandle];
    if (older !== PodHandle.None && this.boundTo[data[b + Row.BoundRecord]] === older) this.boundTo[data[b + Row.BoundRecord]] = PodHandle.None;
    data[b + Row.BoundHandle] = handle;
    data[b + Row.BoundRecord] = slot;
    this.boundTo[slot] = handle;
  }

  /** Unbinds whatever handle is bound to record `slot` (the record is swept or rebound). */
  unbindRecord(slot: number): void {
    if (slot >= this.boundTo.length) return;
    const bound = this.boundTo[slot];
    if (bound === PodHandle.None) return;
    const data = this.rows.data;
    const b = handleIndex(bound) * Row.Stride;
    if (data[b + Row.BoundHandle] === bound) data[b + Row.BoundHandle] = PodHandle.None;
    this.boundTo[slot] = PodHandle.None;
  }
}
