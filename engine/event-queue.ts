/**
 * The pending-event set: a binary min-heap ordered by (time, priority, insertion sequence).
 *
 * Priority and sequence are packed into one float64 `order` key so a comparison is at most two
 * number compares (SimPy's heap of (time, priority, id, event) tuples, without the tuples).
 * Cancellation is lazy (a flag checked when the event surfaces), so cancelling never scans the
 * heap; when cancelled entries outnumber live ones the heap is rebuilt, keeping memory bounded.
 */

export type Handler = (now_ms: number) => void;

/** Lowest and highest priority; lower runs first at equal times. */
export const PRIORITY_MIN = -1024;
export const PRIORITY_MAX = 1023;
const SEQUENCE_LIMIT = 2 ** 42; // 4.4e12 schedules per run; (2^11 priorities) * 2^42 < 2^53.

export class ScheduledEvent {
  /** Index in the heap array, -1 when not queued. */
  heapIndex = -1;
  cancelled = false;
  /** (priority, insertion sequence) packed by the queue when the event is pushed. */
  order = 0;
  constructor(
    public time_ms: number,
    public priority: number,
    public handler: Handler,
  ) {}
  get pending(): boolean {
    return this.heapIndex >= 0 && !this.cancelled;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time_ms < b.time_ms || (a.time_ms === b.time_ms && a.order < b.order);
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private sequence = 0;
  private cancelledInHeap = 0;

  constructor(private readonly capacity: number = 50_000_000) {}

  /** Live (not cancelled) events. */
  get size(): number {
    return this.heap.length - this.cancelledInHeap;
  }

  private orderKey(priority: number): number {
    if (!(Number.isInteger(priority) && priority >= PRIORITY_MIN && priority <= PRIORITY_MAX)) {
      throw new RangeError(`event priority must be an integer in [${PRIORITY_MIN}, ${PRIORITY_MAX}], got ${priority}`);
    }
    const seq = this.sequence++;
    if (seq >= SEQUENCE_LIMIT) throw new RangeError("event sequence exhausted");
    return (priority - PRIORITY_MIN) * SEQUENCE_LIMIT + seq;
  }

  /** Queues `event` behind every event already queued for the same time and priority. */
  push(event: ScheduledEvent): void {
    if (event.heapIndex >= 0) throw new Error("event is already queued");
    if (this.heap.length >= this.capacity) {
      throw new RangeError(`event queue is full (${this.capacity} events): a model schedules without bound`);
    }
    event.cancelled = false;
    event.order = this.orderKey(event.priority);
    this.heap.push(event);
    this.siftUp(this.heap.length - 1, event);
  }

  /** Time of the earliest live event, or Infinity. */
  peekTime(): number {
    this.dropCancelledTop();
    return this.heap.length > 0 ? this.heap[0].time_ms : Infinity;
  }

  /** Removes and returns the earliest live event, or undefined. */
  pop(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    return this.heap.length > 0 ? this.removeTop() : undefined;
  }

  cancel(event: ScheduledEvent): void {
    if (event.heapIndex < 0 || event.cancelled) return;
    event.cancelled = true;
    this.cancelledInHeap++;
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.heap.length) this.compact();
  }

  private dropCancelledTop(): void {
    while (this.heap.length > 0 && this.heap[0].cancelled) {
      this.removeTop();
      this.cancelledInHeap--;
    }
  }

  private removeTop(): ScheduledEvent {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop()!;
    if (heap.length > 0) this.siftDown(0, last);
    top.heapIndex = -1;
    return top;
  }

  /** Drops every cancelled entry and re-heapifies: O(n), amortised over > n/2 cancellations. */
  private compact(): void {
    const live: ScheduledEvent[] = [];
    for (const e of this.heap) {
      if (e.cancelled) e.heapIndex = -1;
      else live.push(e);
    }
    this.heap = live;
    this.cancelledInHeap = 0;
    for (let i = 0; i < live.length; i++) live[i].heapIndex = i;
    for (let i = (live.length >> 1) - 1; i >= 0; i--) this.siftDown(i, live[i]);
  }

  // "Hole" sifts: move the hole instead of swapping, writing `event` once at the end.
  private siftUp(index: number, event: ScheduledEvent): void {
    const heap = this.heap;
    while (index > 0) {
      const parentIndex = (index - 1) >> 1;
      const parent = heap[parentIndex];
      if (!before(event, parent)) break;
      heap[index] = parent;
      parent.heapIndex = index;
      index = parentIndex;
    }
    heap[index] = event;
    event.heapIndex = index;
  }

  private siftDown(index: number, event: ScheduledEvent): void {
    const heap = this.heap;
    const length = heap.length;
    for (;;) {
      let child = 2 * index + 1;
      if (child >= length) break;
      const right = child + 1;
      if (right < length && before(heap[right], heap[child])) child = right;
      const smaller = heap[child];
      if (!before(smaller, event)) break;
      heap[index] = smaller;
      smaller.heapIndex = index;
      index = child;
    }
    heap[index] = event;
    event.heapIndex = index;
  }
}
