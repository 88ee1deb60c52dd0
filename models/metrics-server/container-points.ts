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
  /** Each slot's container name ("" while the slot is free). */
  readonly names: string[] = [];
  /** 1 while a slot holds a container. Replaced when it grows. */
  private inUse = new Uint8Array(0);
  private capacity = 0;
  /** Slots below this may be in use; the free ones among them are in `free` (see alloc). */
  private slotsUsed = 0;
  /** Freed slots, reused last-in first-out; an entry may since have been taken as a preferred slot (skipped when popped). */
  private readonly free: number[] = [];

  /**
   * A zeroed row named `name` (prev kind 0 = none), not linked to anything: in slot `preferred`
   * when that is free (-1: none preferred), else in a free one.
   */
  alloc(name: string, preferred = -1): number {
    let slot = preferred >= 0 && this.isFree(preferred) ? preferred : -1;
    while (slot < 0 && this.free.length > 0) {
      const s = this.free.pop()!;
      if (this.isFree(s)) slot = s;
    }
    if (slot < 0) slot = this.slotsUsed;
    // Slots skipped on the way to this one are free for later rows (pushed high to low: popped lowest first).
    for (let s = slot - 1; s >= this.slotsUsed; s--) this.free.push(s);
    if (slot >= this.slotsUsed) this.slotsUsed = slot + 1;
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
    this.free.push(slot);
    // Entries taken as preferred slots stay behind in `free`; drop them before they pile up.
    if (this.free.length > 2 * this.slotsUsed) compactFree(this.free, (s) => this.isFree(s));
  }

  private isFree(slot: number): boolean {
    return slot >= this.capacity || this.inUse[slot] === 0;
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

/**
 * Keeps, in order, the entries of a lazily kept free list (see ContainerPoints.alloc) that are
 * still free, each once (its latest place): what popping from it would take is unchanged.
 */
export function compactFree(free: number[], isFree: (slot: number) => boolean): void {
  const seen = new Set<number>();
  let kept = free.length;
  for (let i = free.length - 1; i >= 0; i--) {
    const s = free[i];
    if (!isFree(s) || seen.has(s)) continue;
    seen.add(s);
    free[--kept] = s;
  }
  free.splice(0, kept);
}
