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

/**
 * Field offsets within a row, the row's length (`Stride`), and `None`, the slot of no container.
 * A const enum (see metrics-server/types.ts Sample).
 */
export const enum Point {
  LastStart = 0,
  LastTs = 1,
  LastCpu = 2,
  LastMem = 3,
  PrevStart = 4,
  PrevTs = 5,
  PrevCpu = 6,
  /** A Prev (pod.ts), stored as a number. */
  PrevKind = 7,
  Stride = 8,
  None = -1,
}

export class ContainerPoints {
  /** Row `slot` is the `Point.Stride` numbers from `data[slot * Point.Stride]`. Replaced when it grows. */
  data = new Float64Array(0);
  /** The next container slot of the same pod, or Point.None. Replaced when it grows. */
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
    this.data.fill(0, slot * Point.Stride, slot * Point.Stride + Point.Stride);
    this.next[slot] = Point.None;
    return slot;
  }

  release(slot: number): void {
    this.names[slot] = "";
    this.inUse[slot] = 0;
    this.slots.release(slot);
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 64);
    this.data = resized(this.data, capacity * Point.Stride);
    this.next = resized(this.next, capacity);
    this.inUse = resized(this.inUse, capacity);
    while (this.names.length < capacity) this.names.push("");
    this.capacity = capacity;
  }
}
