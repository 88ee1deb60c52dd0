/**
 * A controller work queue on the kernel, after client-go's workqueue: a key added while already
 * queued is processed once; processing happens in a kernel event, never inside the caller.
 * Adding a key with an earlier due time than the one queued moves it earlier (AddAfter semantics).
 * AddRateLimited and Forget go through client-go's default controller rate limiter (rate-limiter.ts).
 */
import type { Simulation, ScheduledEvent } from "../../engine/index.js";
import { ControllerRateLimiter } from "./rate-limiter.js";

export class WorkQueue {
  private readonly pending = new Map<string, ScheduledEvent>();
  /** AddAfter timers not yet expired, one per key. */
  private readonly waiting = new Map<string, ScheduledEvent>();

  constructor(
    private readonly sim: Simulation,
    private readonly process: (key: string, now_ms: number) => void,
    /** Kernel priority of the processing events (lower runs first at equal times). */
    private readonly priority = 0,
    /** What `addRateLimited` asks (client-go's DefaultControllerRateLimiter unless given). */
    private readonly rateLimiter = new ControllerRateLimiter(),
  ) {}

  get length(): number {
    return this.pending.size;
  }

  has(key: string): boolean {
    return this.pending.has(key);
  }

  add(key: string, delay_ms = 0): void {
    const due_ms = this.sim.now_ms + delay_ms;
    const queued = this.pending.get(key);
    if (queued) {
      if (queued.time_ms <= due_ms) return;
      this.sim.cancel(queued);
    }
    const event = this.sim.scheduleAt(due_ms, (now_ms) => {
      this.pending.delete(key);
      this.process(key, now_ms);
    }, this.priority);
    this.pending.set(key, event);
  }

  /**
   * client-go AddAfter: a timer that adds the key when it expires. Unlike `add(key, delay)`,
   * which keeps only the earliest due time of a queued key, this always leads to a processing
   * at or after the delay, even if the key is also queued for now. As in the delaying queue
   * (delaying_queue.go insert), a key has at most one timer waiting: a later AddAfter moves it
   * earlier, never adds a second one.
   */
  addAfter(key: string, delay_ms: number): void {
    if (delay_ms <= 0) {
      this.add(key);
      return;
    }
    const due_ms = this.sim.now_ms + delay_ms;
    const waiting = this.waiting.get(key);
    if (waiting) {
      if (waiting.time_ms <= due_ms) return;
      this.sim.cancel(waiting);
    }
    this.waiting.set(key, this.sim.scheduleAt(due_ms, () => {
      this.waiting.delete(key);
      this.add(key);
    }));
  }

  /** client-go AddRateLimited: `addAfter` by the delay the rate limiter gives the key now. */
  addRateLimited(key: string): void {
    this.addAfter(key, this.rateLimiter.when(key, this.sim.now_ms));
  }

  /**
   * client-go Forget: the key's retries are over, so its next `addRateLimited` starts from the
   * base delay (controllers call it after every successful sync). It stays queued if it is.
   */
  forget(key: string): void {
    this.rateLimiter.forget(key);
  }
}
