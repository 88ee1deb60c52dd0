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

/** By handle index i: `byIndex[2i]` the handle bound there (PodHandle.None: none), `byIndex[2i + 1]` its record slot (side by side: a lookup reads one cache line). */
const FIELDS = 2;

export class RecordsByHandle {
  private byIndex = new Float64Array(64 * FIELDS);
  /** By record slot: the handle bound to it (PodHandle.None: none). */
  private boundTo = new Float64Array(64);

  /** The record slot bound to `handle`, or -1. */
  lookup(handle: number): number {
    const b = handleIndex(handle) * FIELDS;
    // `| 0`: a small integer to V8, so that the caller's row arithmetic is not in doubles.
    return b < this.byIndex.length && handle !== PodHandle.None && this.byIndex[b] === handle ? this.byIndex[b + 1] | 0 : -1;
  }

  /** Binds `handle` to record `slot` (found by the pod's name), replacing what either had. */
  bind(handle: number, slot: number): void {
    assert(handle !== PodHandle.None, "binding PodHandle.None to a metrics-server record");
    const b = handleIndex(handle) * FIELDS;
    if (b >= this.byIndex.length) this.byIndex = resized(this.byIndex, Math.max(b + FIELDS, 2 * this.byIndex.length));
    if (slot >= this.boundTo.length) this.boundTo = resized(this.boundTo, Math.max(slot + 1, 2 * this.boundTo.length));
    this.unbindRecord(slot);
    // An older handle at this index (a pod that stopped) may still be bound to another record.
    const older = this.byIndex[b];
    if (older !== PodHandle.None && this.boundTo[this.byIndex[b + 1]] === older) this.boundTo[this.byIndex[b + 1]] = PodHandle.None;
    this.byIndex[b] = handle;
    this.byIndex[b + 1] = slot;
    this.boundTo[slot] = handle;
  }

  /** Unbinds whatever handle is bound to record `slot` (the record is swept or rebound). */
  unbindRecord(slot: number): void {
    if (slot >= this.boundTo.length) return;
    const bound = this.boundTo[slot];
    if (bound === PodHandle.None) return;
    const b = handleIndex(bound) * FIELDS;
    if (this.byIndex[b] === bound) this.byIndex[b] = PodHandle.None;
    this.boundTo[slot] = PodHandle.None;
  }
}
