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
import { handleIndex, NO_HANDLE } from "../kubelet/pod-handles.js";

export class RecordsByHandle {
  /** By handle index: the handle bound there (NO_HANDLE: none) and its record slot. */
  private handleAt = new Float64Array(64);
  private recordAt = new Int32Array(64);
  /** By record slot: the handle bound to it (NO_HANDLE: none). */
  private boundTo = new Float64Array(64);

  /** The record slot bound to `handle`, or -1. */
  lookup(handle: number): number {
    const index = handleIndex(handle);
    return index < this.handleAt.length && handle !== NO_HANDLE && this.handleAt[index] === handle ? this.recordAt[index] : -1;
  }

  /** Binds `handle` to record `slot` (found by the pod's name), replacing what either had. */
  bind(handle: number, slot: number): void {
    assert(handle !== NO_HANDLE, "binding NO_HANDLE to a metrics-server record");
    const index = handleIndex(handle);
    if (index >= this.handleAt.length) {
      const length = Math.max(index + 1, 2 * this.handleAt.length);
      this.handleAt = resized(this.handleAt, length);
      this.recordAt = resized(this.recordAt, length);
    }
    if (slot >= this.boundTo.length) this.boundTo = resized(this.boundTo, Math.max(slot + 1, 2 * this.boundTo.length));
    this.unbindRecord(slot);
    // An older handle at this index (a pod that stopped) may still be bound to another record.
    const older = this.handleAt[index];
    if (older !== NO_HANDLE && this.boundTo[this.recordAt[index]] === older) this.boundTo[this.recordAt[index]] = NO_HANDLE;
    this.handleAt[index] = handle;
    this.recordAt[index] = slot;
    this.boundTo[slot] = handle;
  }

  /** Unbinds whatever handle is bound to record `slot` (the record is swept or rebound). */
  unbindRecord(slot: number): void {
    if (slot >= this.boundTo.length) return;
    const bound = this.boundTo[slot];
    if (bound === NO_HANDLE) return;
    const index = handleIndex(bound);
    if (this.handleAt[index] === bound) this.handleAt[index] = NO_HANDLE;
    this.boundTo[slot] = NO_HANDLE;
  }
}
