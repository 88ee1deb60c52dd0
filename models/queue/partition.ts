/**
 * One FIFO of a broker (a Redis list, or one partition of a Kafka topic) as a fluid: items arrive
 * at a rate that is constant between events (plus batches pushed at an instant) and are taken at
 * a rate the consumers set, so the backlog is piecewise linear and each stretch integrates
 * exactly. The queue remembers when its waiting items arrived (segments of constant arrival
 * rate), so every item taken adds its exact wait to the histograms: items are taken in arrival
 * order, and within one stretch both the arrival and the take times are linear in the item's
 * position, so the waits of a stretch are spread uniformly between its first and last item's.
 */
import type { WaitHistogram } from "./wait-histogram.js";

/** Below this many items a backlog counts as empty (fluid rounding). */
export const EMPTY_ITEMS = 1e-9;

/** Who takes this queue's items: each consumer's share of the items taken and its processing time. */
export interface TakerShare {
  share: number;
  processing_s: number;
}

export class FluidPartition {
  /** Items waiting (not yet taken by a consumer). */
  backlog = 0;
  /** Items produced and taken so far (a Kafka partition's log end offset and the group's position). */
  produced = 0;
  taken = 0;
  /** Waiting items, oldest first, in segments: arrival time of the first waiting item (s), arrival rate (Infinity = one batch), items. */
  private readonly segTime: number[] = [];
  private readonly segRate: number[] = [];
  private readonly segItems: number[] = [];
  private head = 0;

  constructor(
    /** Time in the broker of every item taken. */
    private readonly waits: WaitHistogram,
    /** Time in the broker plus processing by the consumer that took it. */
    private readonly latencies: WaitHistogram,
  ) {}

  /** `items` pushed at once at `at_s`. */
  push(items: number, at_s: number): void {
    if (!(items > 0)) return;
    this.produced += items;
    this.backlog += items;
    this.append(at_s, Infinity, items);
  }

  /** Drops every waiting item (a Kafka consumer that starts at the log end); returns how many. */
  skipAll(): number {
    const skipped = this.backlog;
    this.taken += skipped;
    this.backlog = 0;
    this.segTime.length = this.segRate.length = this.segItems.length = this.head = 0;
    return skipped;
  }

  /**
   * Integrates [from_s, to_s] with items arriving at `arrival_ips` and consumers taking up to
   * `take_ips` (items/s) while any wait; once the backlog empties they take what arrives (up to
   * `take_ips`). `takers` say who took them (shares summing to 1), for the latency histogram.
   */
  advance(from_s: number, to_s: number, arrival_ips: number, take_ips: number, takers: readonly TakerShare[]): void {
    if (!(to_s > from_s)) return;
    if (this.backlog > EMPTY_ITEMS || arrival_ips > take_ips) {
      const net = arrival_ips - take_ips;
      const empties_s = net < 0 ? from_s + this.backlog / -net : Infinity;
      const drainEnd_s = Math.min(to_s, empties_s);
      this.drain(from_s, drainEnd_s, arrival_ips, take_ips, takers);
      if (drainEnd_s < to_s) this.flowThrough(drainEnd_s, to_s, arrival_ips, takers);
      return;
    }
    this.flowThrough(from_s, to_s, arrival_ips, takers);
  }

  /** An empty queue whose consumers keep up: every item is taken as it arrives (wait 0). */
  private flowThrough(from_s: number, to_s: number, arrival_ips: number, takers: readonly TakerShare[]): void {
    const items = arrival_ips * (to_s - from_s);
    this.produced += items;
    this.taken += items;
    this.backlog = 0;
    this.record(items, 0, 0, takers);
  }

  /** A stretch over which the backlog stays ≥ 0: arrivals join the tail, takes leave the head. */
  private drain(from_s: number, to_s: number, arrival_ips: number, take_ips: number, takers: readonly TakerShare[]): void {
    const dt_s = to_s - from_s;
    const arrived = arrival_ips * dt_s;
    if (arrived > 0) this.append(from_s, arrival_ips, arrived);
    this.produced += arrived;
    let toTake = Math.min(take_ips * dt_s, this.backlog + arrived);
    this.backlog = Math.max(0, this.backlog + arrived - toTake);
    this.taken += toTake;
    let takeAt_s = from_s;
    while (toTake > EMPTY_ITEMS && this.head < this.segItems.length) {
      const h = this.head;
      const items = Math.min(this.segItems[h], toTake);
      const arrivalRate = this.segRate[h];
      const firstArrival_s = this.segTime[h];
      const lastArrival_s = arrivalRate === Infinity ? firstArrival_s : firstArrival_s + items / arrivalRate;
      const lastTake_s = takeAt_s + items / take_ips;
      this.record(items, takeAt_s - firstArrival_s, lastTake_s - lastArrival_s, takers);
      toTake -= items;
      takeAt_s = lastTake_s;
      if (this.segItems[h] - items <= EMPTY_ITEMS) {
        this.head++;
      } else {
        this.segItems[h] -= items;
        this.segTime[h] = lastArrival_s;
      }
    }
    if (this.head === this.segItems.length || this.backlog <= EMPTY_ITEMS) {
      if (this.backlog <= EMPTY_ITEMS) this.segTime.length = this.segRate.length = this.segItems.length = this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.segItems.length) {
      this.segTime.splice(0, this.head);
      this.segRate.splice(0, this.head);
      this.segItems.splice(0, this.head);
      this.head = 0;
    }
  }

  private append(at_s: number, rate: number, items: number): void {
    const last = this.segItems.length - 1;
    // A stretch continuing the last one at the same rate extends it.
    if (last >= this.head && rate !== Infinity && this.segRate[last] === rate && Math.abs(this.segTime[last] + this.segItems[last] / rate - at_s) < 1e-9) {
      this.segItems[last] += items;
      return;
    }
    this.segTime.push(at_s);
    this.segRate.push(rate);
    this.segItems.push(items);
  }

  private record(items: number, firstWait_s: number, lastWait_s: number, takers: readonly TakerShare[]): void {
    if (!(items > 0)) return;
    this.waits.addUniform(items, firstWait_s, lastWait_s);
    for (const t of takers) this.latencies.addUniform(items * t.share, firstWait_s + t.processing_s, lastWait_s + t.processing_s);
  }
}
