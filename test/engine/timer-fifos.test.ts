// The kernel keeps the re-queued firings of fixed-period timers in one FIFO per (period,
// priority) beside its heap (event-queue.ts). The order it fires events in must stay exactly the
// heap's: (time, priority, insertion sequence) over everything queued. This runs one random model
// (timers of several periods and priorities, jittered ones, one-shot events scheduled and
// cancelled from handlers, timers started and cancelled mid-run) on the kernel and on a plain
// reference that sorts every pending event, and asks for the same firings in the same order.
import t from "tap";
import { RngRegistry, Simulation } from "../../engine/index.js";

interface Cancellable {
  cancel(): void;
}

/** What the model needs of a kernel. */
interface Kernel {
  readonly now_ms: number;
  schedule(delay_ms: number, handler: (now_ms: number) => void, priority?: number): Cancellable;
  every(period_ms: number, handler: (now_ms: number) => void, options: { phase_ms: number; priority: number; nextInterval_ms?: () => number }): Cancellable;
  run(until_ms: number): void;
  pending(): number;
}

function realKernel(): Kernel {
  const sim = new Simulation({ seed: 1 });
  return {
    get now_ms() {
      return sim.now_ms;
    },
    schedule: (delay_ms, handler, priority) => {
      const event = sim.schedule(delay_ms, handler, priority);
      return { cancel: () => sim.cancel(event) };
    },
    every: (period_ms, handler, options) => sim.every(period_ms, handler, options),
    run: (until_ms) => void sim.run(until_ms),
    pending: () => sim.pending,
  };
}

/** Every pending event in one list, the earliest by (time, priority, sequence) found by a scan. */
function referenceKernel(): Kernel {
  interface Entry {
    time_ms: number;
    priority: number;
    seq: number;
    cancelled: boolean;
    fire: (now_ms: number) => void;
  }
  let now_ms = 0;
  let seq = 0;
  let pending: Entry[] = [];
  const push = (time_ms: number, priority: number, fire: (now_ms: number) => void): Entry => {
    const entry = { time_ms, priority, seq: seq++, cancelled: false, fire };
    pending.push(entry);
    return entry;
  };
  return {
    get now_ms() {
      return now_ms;
    },
    schedule: (delay_ms, handler, priority = 0) => {
      const entry = push(now_ms + delay_ms, priority, handler);
      return { cancel: () => void (entry.cancelled = true) };
    },
    every: (period_ms, handler, options) => {
      let stopped = false;
      let entry: Entry;
      const fire = (at_ms: number) => {
        handler(at_ms);
        if (stopped) return;
        entry = push(at_ms + (options.nextInterval_ms ? options.nextInterval_ms() : period_ms), options.priority, fire);
      };
      entry = push(now_ms + options.phase_ms, options.priority, fire);
      return {
        cancel: () => {
          stopped = true;
          entry.cancelled = true;
        },
      };
    },
    run: (until_ms) => {
      for (;;) {
        pending = pending.filter((e) => !e.cancelled);
        let next: Entry | undefined;
        for (const e of pending) {
          if (next === undefined || e.time_ms < next.time_ms || (e.time_ms === next.time_ms && (e.priority < next.priority || (e.priority === next.priority && e.seq < next.seq)))) next = e;
        }
        if (next === undefined || next.time_ms > until_ms) break;
        pending.splice(pending.indexOf(next), 1);
        now_ms = next.time_ms;
        next.fire(now_ms);
      }
      now_ms = Math.max(now_ms, until_ms);
    },
    pending: () => pending.filter((e) => !e.cancelled).length,
  };
}

/** The random model: returns its firings, in order, as "label@time". */
function runModel(kernel: Kernel, seed: number, until_ms: number): { trace: string[]; pendingAtEnd: number } {
  const rng = new RngRegistry(seed).stream("timer-fifos");
  const pick = <T>(items: readonly T[]): T => items[rng.integer(0, items.length - 1)];
  const trace: string[] = [];
  const oneShots: Cancellable[] = [];
  const timers: Cancellable[] = [];
  let labels = 0;
  const startTimer = () => {
    const label = `timer${labels++}`;
    const period_ms = pick([7, 10, 10, 15, 15, 60]);
    const jittered = rng.random() < 0.2;
    timers.push(kernel.every(period_ms, (now_ms) => act(label, now_ms), {
      phase_ms: rng.integer(0, 2 * period_ms),
      priority: pick([0, 0, 100, -5]),
      ...(jittered && { nextInterval_ms: () => period_ms + rng.integer(0, 5) }),
    }));
  };
  const act = (label: string, now_ms: number) => {
    trace.push(`${label}@${now_ms}`);
    const u = rng.random();
    if (u < 0.3) {
      const shot = `shot${labels++}`;
      oneShots.push(kernel.schedule(rng.integer(0, 20), (at_ms) => act(shot, at_ms), pick([0, 0, 100, -5, 3])));
    } else if (u < 0.4 && oneShots.length > 0) {
      pick(oneShots).cancel();
    } else if (u < 0.405 && timers.length > 0) {
      pick(timers).cancel();
    } else if (u < 0.41 && timers.length < 60) {
      startTimer();
    }
  };
  for (let i = 0; i < 30; i++) startTimer();
  kernel.run(until_ms);
  return { trace, pendingAtEnd: kernel.pending() };
}

t.test("periodic timers in FIFOs fire in exactly the order of one heap over all events", async (t) => {
  for (const seed of [1, 2, 3]) {
    const real = runModel(realKernel(), seed, 20_000);
    const reference = runModel(referenceKernel(), seed, 20_000);
    t.ok(real.trace.length > 10_000, `seed ${seed}: ${real.trace.length} firings`);
    // The first firing where they part (-1: none), rather than a diff of two long lists.
    let parted = -1;
    for (let i = 0; i < Math.max(real.trace.length, reference.trace.length) && parted < 0; i++) if (real.trace[i] !== reference.trace[i]) parted = i;
    t.equal(parted, -1, `seed ${seed}: the same firings in the same order${parted < 0 ? "" : `: ${real.trace[parted]} against ${reference.trace[parted]}`}`);
    t.equal(real.pendingAtEnd, reference.pendingAtEnd, `seed ${seed}: the same events left pending`);
  }
});

t.test("a cancelled periodic timer leaves its FIFO and the pending count", async (t) => {
  const sim = new Simulation();
  let fired = 0;
  const timer = sim.every(10, () => fired++, { phase_ms: 10 });
  sim.run(35);
  t.equal(fired, 3);
  t.equal(sim.pending, 1, "its next firing waits in the FIFO");
  timer.cancel();
  t.equal(sim.pending, 0);
  sim.run(100);
  t.equal(fired, 3, "and never fires");
});
