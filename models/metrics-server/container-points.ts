/**
 * The two points (last, prev) of every container a PodStorage holds, in one Float64Array of
 * 64-byte rows indexed by container slot, with the names in a parallel string array. A
 * container's numbers then sit together instead of being separate heap numbers behind a cold
 * record object: at 5,000 pods a scrape's storing time is cache misses.
 *
 * Slots are allocated and freed deterministically (freed slots are reused last-in first-out, as
 * in PodSummaryTable). A pod's containers are a singly linked list in first-seen order through
 * `next`, a separate array: walked by count (see pod.ts), so a single-container pod never reads
 * it. This file only keeps the rows; the rules that read and write them are in pod.ts.
 */

import { resized } from "../../engine/typed-arrays.js";

/** Field offsets within a row. */
export const LAST_START = 0;
export const LAST_TS = 1;
export const LAST_CPU = 2;
export const LAST_MEM = 3;
export const PREV_START = 4;
export const PREV_TS = 5;
export const PREV_CPU = 6;
/** A Prev (pod.ts), stored as a number. */
export const PREV_KIND = 7;
export const STRIDE = 8;

export const NO_CONTAINER = -1;

export class ContainerPoints {
  /** Row `slot` is `data[slot * STRIDE ... slot * STRIDE + STRIDE - 1]`. Replaced when it grows. */
  data = new Float64Array(0);
  /** The next container slot of the same pod, or NO_CONTAINER. Replaced when it grows. */
  next = new Int32Array(0);
  readonly names: string[] = [];
  private capacity = 0;
  private readonly free: number[] = [];

  /** A zeroed row named `name` (prev kind 0 = none), not linked to anything. */
  alloc(name: string): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.names.length;
    if (slot >= this.capacity) this.grow(slot + 1);
    this.names[slot] = name;
    this.data.fill(0, slot * STRIDE, slot * STRIDE + STRIDE);
    this.next[slot] = NO_CONTAINER;
    return slot;
  }

  release(slot: number): void {
    this.names[slot] = "";
    this.free.push(slot);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 64);
    this.data = resized(this.data, capacity * STRIDE);
    this.next = resized(this.next, capacity);
    this.capacity = capacity;
  }
}
