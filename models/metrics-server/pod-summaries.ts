/**
 * Per-pod totals of what metrics.k8s.io serves, kept in typed arrays by record slot, for readers
 * that only need each pod's sums (the HPA's resource metrics client sums a pod's containers; see
 * pod.ts visitSummaries). Storage fills a pod's row when it stores the pod, while its records
 * are in cache; a reader then touches a few small arrays per pod instead of the pod's records,
 * which at 5,000 pods and 100 HPAs are cold by the time an HPA syncs.
 *
 * Names are resolved to slots through a per-name-list hint: a reader that asks about the same
 * list of names again (an HPA whose pods did not change) finds each slot by index and checks it
 * still holds that pod; any other case falls back to the caller's lookup. The check reads the
 * hint's own arrays (in list order) and the row's allocation id, so that a hinted read touches
 * one row and nothing else of the pod.
 */

import { resized } from "../../engine/typed-arrays.js";

/** One pod's totals as a reader receives them. */
export interface PodSummaryVisitor {
  /**
   * A pod getMetrics returns. `containers` is how many of its containers have a usage (a pod
   * whose every container rate failed is returned with none); the sums are over those:
   * Quantity.MilliValue of each CPU usage, and working-set bytes.
   */
  pod(name: string, timestamp_ms: number, window_ms: number, containers: number, cpuMilli: number, memory_bytes: number): void;
}

const NO_SLOT = -1;

/**
 * Allocation ids, shared by every table in the process so that an id names one pod of one table:
 * a sample's storage hint (pod.ts) then cannot be taken for another storage's slot. Only ever
 * compared for equality, never output, so runs stay deterministic.
 */
let allocations = 0;

// A pod's row: seven doubles in one 64-byte line, so writing or reading a pod is one cache miss.
const RETURNED = 0; // 1 when getMetrics would return the pod (a prev for every container)
const TIMESTAMP = 1;
const WINDOW = 2;
const CONTAINERS = 3;
const CPU_MILLI = 4;
const MEMORY = 5;
/** Which allocation holds the slot: a number no other allocation had (0 while free). */
const ALLOCATION = 6;
const ROW = 8;

/** Where each name of one list (of one namespace) was found: slot, the allocation then in it, and the name. */
interface ListHints {
  namespace: string;
  slots: Int32Array;
  allocations: Float64Array;
  names: string[];
}

export class PodSummaryTable {
  private capacity = 0;
  private readonly names: string[] = [];
  private readonly namespaces: string[] = [];
  private rows = new Float64Array(0);
  /** Freed slots, reused last-in first-out (deterministic). */
  private readonly free: number[] = [];
  private readonly hints = new WeakMap<readonly string[], ListHints>();

  alloc(namespace: string, name: string): number {
    const slot = this.free.length > 0 ? this.free.pop()! : this.names.length;
    if (slot >= this.capacity) this.grow(slot + 1);
    this.names[slot] = name;
    this.namespaces[slot] = namespace;
    this.rows[slot * ROW + RETURNED] = 0;
    this.rows[slot * ROW + ALLOCATION] = ++allocations;
    return slot;
  }

  /** The allocation id now in `slot` (0 when free). */
  allocation(slot: number): number {
    return this.rows[slot * ROW + ALLOCATION];
  }

  /** True when `slot` still holds allocation `allocation` (so the pod it was made for). */
  holds(slot: number, allocation: number): boolean {
    return slot < this.capacity && this.rows[slot * ROW + ALLOCATION] === allocation;
  }

  release(slot: number): void {
    this.names[slot] = "";
    this.namespaces[slot] = "";
    this.rows[slot * ROW + RETURNED] = 0;
    this.rows[slot * ROW + ALLOCATION] = 0;
    this.free.push(slot);
  }

  /** The pod in `slot` is not returned by getMetrics. */
  setNotReturned(slot: number): void {
    this.rows[slot * ROW + RETURNED] = 0;
  }

  setReturned(slot: number, timestamp_ms: number, window_ms: number, containers: number, cpuMilli: number, memory_bytes: number): void {
    const r = this.rows;
    const b = slot * ROW;
    r[b + RETURNED] = 1;
    r[b + TIMESTAMP] = timestamp_ms;
    r[b + WINDOW] = window_ms;
    r[b + CONTAINERS] = containers;
    r[b + CPU_MILLI] = cpuMilli;
    r[b + MEMORY] = memory_bytes;
  }

  /**
   * Visits the returned pods among `podNames` (of one namespace) in that order. `lookup` finds a
   * name's slot (or -1) when the hint for it does not hold.
   */
  visit(namespace: string, podNames: readonly string[], lookup: (name: string) => number, visitor: PodSummaryVisitor): void {
    let hints = this.hints.get(podNames);
    if (hints === undefined || hints.slots.length !== podNames.length || hints.namespace !== namespace) {
      hints = { namespace, slots: new Int32Array(podNames.length).fill(NO_SLOT), allocations: new Float64Array(podNames.length), names: [] };
      this.hints.set(podNames, hints);
    }
    const hintNames = hints.names;
    for (let i = 0; i < podNames.length; i++) {
      const name = podNames[i];
      const r = this.rows;
      let slot = hints.slots[i];
      // The slot still holds the allocation the name was found in (so the same pod: a record
      // keeps its name), and the list still has that name there (so it was not edited).
      if (slot === NO_SLOT || hintNames[i] !== name || r[slot * ROW + ALLOCATION] !== hints.allocations[i]) {
        slot = lookup(name);
        hints.slots[i] = slot;
        hintNames[i] = name;
        if (slot === NO_SLOT) continue;
        hints.allocations[i] = r[slot * ROW + ALLOCATION];
      }
      const b = slot * ROW;
      if (r[b + RETURNED] === 0) continue;
      visitor.pod(name, r[b + TIMESTAMP], r[b + WINDOW], r[b + CONTAINERS], r[b + CPU_MILLI], r[b + MEMORY]);
    }
  }

  private grow(min: number): void {
    const capacity = Math.max(min, this.capacity * 2, 64);
    this.rows = resized(this.rows, capacity * ROW);
    this.capacity = capacity;
  }
}
