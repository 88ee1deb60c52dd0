/**
 * The kernel: a virtual clock in integer milliseconds, the event queue, one-shot and periodic
 * timers, and the run's seeded random streams. It never reads wall-clock time.
 *
 * The whole API is `schedule`/`scheduleAt`/`every`/`cancel` to plan work and `step`/`run` to
 * play it out (the shape of SimPy's core.py, with callbacks instead of generators).
 */
import { EventQueue, ScheduledEvent, type Handler, type TimerFifo } from "./event-queue.js";
import { RngRegistry } from "./rng.js";

export type { Handler } from "./event-queue.js";
export { ScheduledEvent } from "./event-queue.js";

export interface SimulationOptions {
  /** Run seed from which every named random stream derives. */
  seed?: number | string;
  /** Upper bound on queued events (a runaway model fails loudly instead of eating memory). */
  queueCapacity?: number;
}

export interface PeriodicOptions {
  /** Delay from now until the first firing; default one period. */
  phase_ms?: number;
  priority?: number;
  /**
   * Draws the wait before each subsequent firing instead of the fixed period (e.g. cAdvisor's
   * jittered housekeeping). Must return an integer >= 1.
   */
  nextInterval_ms?: () => number;
}

/** A repeating timer; `cancel()` stops it, also from inside its own handler. */
export class PeriodicTimer {
  private stopped = false;
  readonly event: ScheduledEvent;
  firings = 0;
  /** The kernel's FIFO of this timer's class (period and priority), once it has fired (fixed periods only). */
  fifo: TimerFifo | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly period_ms: number,
    private readonly handler: Handler,
    priority: number,
    private readonly nextInterval_ms: (() => number) | undefined,
  ) {
    this.event = new ScheduledEvent(0, priority, (now_ms) => this.fire(now_ms));
  }

  get active(): boolean {
    return !this.stopped;
  }

  cancel(): void {
    this.stopped = true;
    this.sim.cancel(this.event);
  }

  private fire(now_ms: number): void {
    this.firings++;
    this.handler(now_ms);
    if (this.stopped) return;
    if (this.nextInterval_ms) this.sim.reschedule(this.event, now_ms + this.nextInterval_ms());
    else this.sim.requeueTimer(this, now_ms);
  }
}

function assertTime(label: string, value_ms: number): void {
  if (!Number.isSafeInteger(value_ms) || value_ms < 0) {
    throw new RangeError(`${label} must be a non-negative integer number of milliseconds, got ${value_ms}`);
  }
}

export class Simulation {
  private clock_ms = 0;
  private readonly queue: EventQueue;
  private stopRequested = false;
  /** Events executed so far (cancelled events are not counted). */
  events_processed = 0;
  readonly rng: RngRegistry;

  constructor(options: SimulationOptions = {}) {
    this.queue = new EventQueue(options.queueCapacity);
    this.rng = new RngRegistry(options.seed ?? 0);
  }

  get now_ms(): number {
    return this.clock_ms;
  }

  /** Live events waiting in the queue. */
  get pending(): number {
    return this.queue.size;
  }

  /** Runs `handler` after `delay_ms` (>= 0, integer). Lower `priority` runs first at equal times. */
  schedule(delay_ms: number, handler: Handler, priority = 0): ScheduledEvent {
    assertTime("delay", delay_ms);
    return this.push(this.clock_ms + delay_ms, handler, priority);
  }

  /** Runs `handler` at absolute time `time_ms` (not in the past). */
  scheduleAt(time_ms: number, handler: Handler, priority = 0): ScheduledEvent {
    assertTime("time", time_ms);
    if (time_ms < this.clock_ms) throw new RangeError(`cannot schedule at ${time_ms} ms, the clock is at ${this.clock_ms} ms`);
    return this.push(time_ms, handler, priority);
  }

  /** Runs `handler` every `period_ms`, first after `phase_ms` (default one period). */
  every(period_ms: number, handler: Handler, options: PeriodicOptions = {}): PeriodicTimer {
    assertTime("period", period_ms);
    if (period_ms === 0) throw new RangeError("period must be at least 1 ms");
    const phase_ms = options.phase_ms ?? period_ms;
    assertTime("phase", phase_ms);
    const timer = new PeriodicTimer(this, period_ms, handler, options.priority ?? 0, options.nextInterval_ms);
    this.reschedule(timer.event, this.clock_ms + phase_ms);
    return timer;
  }

  /** Cancels a pending event in O(1); a no-op for events already run or cancelled. */
  cancel(event: ScheduledEvent): void {
    this.queue.cancel(event);
  }

  /**
   * Re-queues an event object that has already fired, so hot periodic paths allocate nothing per
   * firing. Keeps the event's priority unless one is given.
   */
  reschedule(event: ScheduledEvent, time_ms: number, priority?: number): void {
    assertTime("time", time_ms);
    if (time_ms < this.clock_ms) throw new RangeError(`cannot schedule at ${time_ms} ms, the clock is at ${this.clock_ms} ms`);
    if (event.queued) throw new Error("cannot reschedule an event that is still queued");
    event.time_ms = time_ms;
    if (priority !== undefined) event.priority = priority;
    this.queue.push(event);
  }

  /**
   * Re-queues a fixed-period timer that fired at `now_ms` one period on, in its class's FIFO
   * (event-queue.ts): the order `reschedule` would give it, without the heap.
   */
  requeueTimer(timer: PeriodicTimer, now_ms: number): void {
    const time_ms = now_ms + timer.period_ms;
    assertTime("time", time_ms);
    timer.fifo ??= this.queue.timerFifo(timer.period_ms, timer.event.priority);
    this.queue.pushPeriodic(timer.event, time_ms, timer.fifo);
  }

  /** Executes the next event. Returns false when the queue is empty. */
  step(): boolean {
    const event = this.queue.pop();
    if (!event) return false;
    this.execute(event);
    return true;
  }

  private execute(event: ScheduledEvent): void {
    this.clock_ms = event.time_ms;
    this.events_processed++;
    event.handler(this.clock_ms);
  }

  /**
   * Executes events up to and including `until_ms` (default: until the queue drains or `stop()`),
   * then leaves the clock at `until_ms`. Returns the number of events executed by this call.
   */
  run(until_ms: number = Infinity): number {
    if (until_ms !== Infinity) assertTime("until", until_ms);
    const start = this.events_processed;
    this.stopRequested = false;
    for (;;) {
      if (this.stopRequested) break;
      // One look for the earliest event, not a peek and then a pop.
      const event = this.queue.popUntil(until_ms);
      if (event === undefined) break;
      this.execute(event);
    }
    if (!this.stopRequested && until_ms !== Infinity && until_ms > this.clock_ms) this.clock_ms = until_ms;
    return this.events_processed - start;
  }

  /** Makes the current `run()` return after the event being executed. */
  stop(): void {
    this.stopRequested = true;
  }

  private push(time_ms: number, handler: Handler, priority: number): ScheduledEvent {
    const event = new ScheduledEvent(time_ms, priority, handler);
    this.queue.push(event);
    return event;
  }
}
