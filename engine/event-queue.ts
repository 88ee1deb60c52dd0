/**
 * The pending-event set, ordered by (time, priority, insertion sequence): a binary min-heap, and
 * beside it one FIFO per class of fixed-period timers (same period, same priority).
 *
 * Priority and sequence are packed into one float64 `order` key so a comparison is at most two
 * number compares (SimPy's heap of (time, priority, id, event) tuples, without the tuples).
 * Cancellation is lazy (a flag checked when the event surfaces), so cancelling never scans the
 * heap; when cancelled entries outnumber live ones the heap is rebuilt, keeping memory bounded.
 *
 * Most events of a cluster are periodic timers re-queued one period after they fire (every
 * node's housekeeping, every HPA's sync). A timer class's FIFO receives its firings in (time,
 * order) order without sorting: each is queued at the present time plus the class's period, so
 * at a time no earlier, and with a sequence later, than every one queued before it, at the same
 * priority. Taking the earliest of the heap's top and the FIFOs' heads is then exactly the heap's
 * order over all of them, and the periodic firings, most of the traffic, never sift through the
 * heap.
 */

export type Handler = (now_ms: number) => void;

/** Lowest and highest priority; lower runs first at equal times. */
export const PRIORITY_MIN = -1024;
export const PRIORITY_MAX = 1023;
const SEQUENCE_LIMIT = 2 ** 42; // 4.4e12 schedules per run; (2^11 priorities) * 2^42 < 2^53.

/** `ScheduledEvent.heapIndex` of an event not queued. */
const NOT_QUEUED = -1;
/** `ScheduledEvent.heapIndex` of an event queued in a timer class's FIFO. */
const IN_FIFO = -2;

export class ScheduledEvent {
  /** Index in the heap array; NOT_QUEUED (-1) when not queued, IN_FIFO (-2) in a timer class's FIFO. */
  heapIndex = NOT_QUEUED;
  cancelled = false;
  /** (priority, insertion sequence) packed by the queue when the event is pushed. */
  order = 0;
  constructor(
    public time_ms: number,
    public priority: number,
    public handler: Handler,
  ) {}
  /** Whether the event waits in the queue (cancelled or not). */
  get queued(): boolean {
    return this.heapIndex !== NOT_QUEUED;
  }
  get pending(): boolean {
    return this.queued && !this.cancelled;
  }
}

/**
 * The queued firings of the fixed-period timers of one period and one priority, earliest first
 * (see the file's header): a ring buffer, doubled when full, so that queueing a firing allocates
 * nothing once it has grown to the class's size.
 */
export class TimerFifo {
  private ring: (ScheduledEvent | undefined)[] = new Array(16).fill(undefined);
  private head = 0;
  private count = 0;

  constructor(
    readonly period_ms: number,
    readonly priority: number,
  ) {}

  /** The earliest queued firing, or undefined. */
  first(): ScheduledEvent | undefined {
    return this.count > 0 ? this.ring[this.head] : undefined;
  }

  /** The latest queued firing, or undefined. */
  last(): ScheduledEvent | undefined {
    return this.count > 0 ? this.ring[(this.head + this.count - 1) & (this.ring.length - 1)] : undefined;
  }

  push(event: ScheduledEvent): void {
    if (this.count === this.ring.length) this.grow();
    this.ring[(this.head + this.count) & (this.ring.length - 1)] = event;
    this.count++;
  }

  /** Removes the earliest queued firing (there is one). */
  shift(): ScheduledEvent {
    const event = this.ring[this.head]!;
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.count--;
    return event;
  }

  private grow(): void {
    const ring: (ScheduledEvent | undefined)[] = new Array(2 * this.ring.length).fill(undefined);
    for (let i = 0; i < this.count; i++) ring[i] = this.ring[(this.head + i) & (this.ring.length - 1)];
    this.ring = ring;
    this.head = 0;
  }
}

function before(a: ScheduledEvent, b: ScheduledEvent): boolean {
  return a.time_ms < b.time_ms || (a.time_ms === b.time_ms && a.order < b.order);
}

export class EventQueue {
  private heap: ScheduledEvent[] = [];
  private sequence = 0;
  private cancelledInHeap = 0;
  /** The timer classes' FIFOs, in the order of their first use. */
  private readonly fifos: TimerFifo[] = [];
  /** Events in the FIFOs, and how many of them are cancelled. */
  private inFifos = 0;
  private cancelledInFifos = 0;
  /** The FIFO whose front `earliest` last returned (null: the heap's top). */
  private earliestFifo: TimerFifo | null = null;

  constructor(private readonly capacity: number = 50_000_000) {}

  /** Live (not cancelled) events. */
  get size(): number {
    return this.heap.length - this.cancelledInHeap + this.inFifos - this.cancelledInFifos;
  }

  private orderKey(priority: number): number {
    if (!(Number.isInteger(priority) && priority >= PRIORITY_MIN && priority <= PRIORITY_MAX)) {
      throw new RangeError(`event priority must be an integer in [${PRIORITY_MIN}, ${PRIORITY_MAX}], got ${priority}`);
    }
    const seq = this.sequence++;
    if (seq >= SEQUENCE_LIMIT) throw new RangeError("event sequence exhausted");
    return (priority - PRIORITY_MIN) * SEQUENCE_LIMIT + seq;
  }

  /** Checks that `event` can be queued (not queued already, room left) and gives it its order. */
  private admit(event: ScheduledEvent): void {
    if (event.heapIndex !== NOT_QUEUED) throw new Error("event is already queued");
    if (this.heap.length + this.inFifos >= this.capacity) {
      throw new RangeError(`event queue is full (${this.capacity} events): a model schedules without bound`);
    }
    event.cancelled = false;
    event.order = this.orderKey(event.priority);
  }

  /** Queues `event` behind every event already queued for the same time and priority. */
  push(event: ScheduledEvent): void {
    this.admit(event);
    this.heap.push(event);
    this.siftUp(this.heap.length - 1, event);
  }

  /** The FIFO of the fixed-period timers of `period_ms` and `priority` (made at first use). */
  timerFifo(period_ms: number, priority: number): TimerFifo {
    for (const fifo of this.fifos) if (fifo.period_ms === period_ms && fifo.priority === priority) return fifo;
    const fifo = new TimerFifo(period_ms, priority);
    this.fifos.push(fifo);
    return fifo;
  }

  /**
   * `push` of a fixed-period timer's event at `time_ms`, which must be the time it last fired
   * (the present) plus `fifo`'s period, with `fifo`'s priority: it joins the FIFO's end, where it
   * belongs (see the file's header).
   */
  pushPeriodic(event: ScheduledEvent, time_ms: number, fifo: TimerFifo): void {
    if (event.priority !== fifo.priority) throw new Error(`a priority ${event.priority} event in the FIFO of priority ${fifo.priority}`);
    const last = fifo.last();
    if (last !== undefined && time_ms < last.time_ms) throw new Error(`a firing at ${time_ms} ms behind one at ${last.time_ms} ms in a timer FIFO`);
    event.time_ms = time_ms;
    this.admit(event);
    event.heapIndex = IN_FIFO;
    fifo.push(event);
    this.inFifos++;
  }

  /** Removes and returns the earliest live event, or undefined. */
  pop(): ScheduledEvent | undefined {
    return this.popUntil(Infinity);
  }

  /** `pop`, if the earliest live event is due at or before `until_ms`; else undefined, nothing removed. */
  popUntil(until_ms: number): ScheduledEvent | undefined {
    const next = this.earliest();
    if (next === undefined || next.time_ms > until_ms) return undefined;
    return this.earliestFifo !== null ? this.shiftFifo(this.earliestFifo) : this.removeTop();
  }

  cancel(event: ScheduledEvent): void {
    if (event.heapIndex === NOT_QUEUED || event.cancelled) return;
    event.cancelled = true;
    if (event.heapIndex === IN_FIFO) {
      // Left in its FIFO until it reaches the front: at most one period.
      this.cancelledInFifos++;
      return;
    }
    this.cancelledInHeap++;
    if (this.cancelledInHeap > 1024 && this.cancelledInHeap * 2 > this.heap.length) this.compact();
  }

  /** The earliest live event among the heap's top and the FIFOs' fronts (cancelled ones dropped on the way), or undefined. */
  private earliest(): ScheduledEvent | undefined {
    this.dropCancelledTop();
    let next: ScheduledEvent | undefined = this.heap.length > 0 ? this.heap[0] : undefined;
    this.earliestFifo = null;
    const fifos = this.fifos;
    for (let i = 0; i < fifos.length; i++) {
      const fifo = fifos[i];
      let first = fifo.first();
      while (first !== undefined && first.cancelled) {
        this.shiftFifo(fifo);
        this.cancelledInFifos--;
        first = fifo.first();
      }
      if (first !== undefined && (next === undefined || before(first, next))) {
        next = first;
        this.earliestFifo = fifo;
      }
    }
    return next;
  }

  private shiftFifo(fifo: TimerFifo): ScheduledEvent {
    const event = fifo.shift();
    this.inFifos--;
    event.heapIndex = NOT_QUEUED;
    return event;
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
    top.heapIndex = NOT_QUEUED;
    return top;
  }

  /** Drops every cancelled entry and re-heapifies: O(n), amortised over > n/2 cancellations. */
  private compact(): void {
    const live: ScheduledEvent[] = [];
    for (const e of this.heap) {
      if (e.cancelled) e.heapIndex = NOT_QUEUED;
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
