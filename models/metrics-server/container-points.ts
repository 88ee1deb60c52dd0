/**
 * The two points (last, prev) of every container a PodStorage holds, in one Float64Array of
 * 64-byte rows indexed by container slot, with the names in a parallel string array. A
 * container's numbers then sit together instead of being separate heap numbers behind a cold
 * record object: at 5,000 pods a scrape's storing time is cache misses.
 *
 * Slots are allocated and freed deterministically (slot-allocator.ts). A pod's containers are a
 * singly linked list in first-seen order through `next`, a separate array: walked by count (see
 * pod.ts), so a single-container pod never reads it. This file only keeps the rows; the rules that read and write them are in pod.ts.
 */

import { resized } from "../../engine/typed-arrays.js";
import { SlotAllocator } from "./slot-allocator.js";

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
  /** Each slot's container name ("" while the slot is free). */
  readonly names: string[] = [];
  /** 1 while a slot holds a container. Replaced when it grows. */
  private inUse = new Uint8Array(0);
  private capacity = 0;
  private readonly slots = new SlotAllocator((slot) => slot >= this.capacity || this.inUse[slot] === 0);

  /**
   * A zeroed row named `name` (prev kind 0 = none), not linked to anything: in slot `preferred`
   * when that is free (-1: none preferred), else in a free one.
   */
  alloc(name: string, preferred = -1): number {
    const slot = this.slots.take(preferred);
    if (slot >= this.capacity) this.grow(slot + 1);
    this.names[slot] = name;
    this.inUse[slot] = 1;
    this.data.fill(0, slot * STRIDE, slot * STRIDE + STRIDE);
    this.next[slot] = NO_CONTAINER;
    return slot;
  }

  release(slot: number): void {
    this.names[slot] = "";
    this.inUse[slot] = 0;
    this.slots.release(slot);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 64);
    this.data = resized(this.data, capacity * STRIDE);
    this.next = resized(this.next, capacity);
    this.inUse = resized(this.inUse, capacity);
    while (this.names.length < capacity) this.names.push("");
    this.capacity = capacity;
  }
}
