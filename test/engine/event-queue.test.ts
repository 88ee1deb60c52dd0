import t from "tap";
import { Simulation } from "../../engine/index.js";

t.test("same-time events run by priority, then by insertion order", async (t) => {
  const sim = new Simulation();
  const order: string[] = [];
  sim.schedule(10, () => order.push("p0-first"));
  sim.schedule(10, () => order.push("p5"), 5);
  sim.schedule(10, () => order.push("p-3"), -3);
  sim.schedule(10, () => order.push("p0-second"));
  sim.schedule(5, () => order.push("earlier"), 100);
  sim.scheduleAt(10, () => order.push("p0-third"));
  sim.run();
  t.same(order, ["earlier", "p-3", "p0-first", "p0-second", "p0-third", "p5"]);
  t.equal(sim.now_ms, 10);
});

t.test("events scheduled during an event at the same time run after those already queued", async (t) => {
  const sim = new Simulation();
  const order: string[] = [];
  sim.schedule(1, () => {
    order.push("a");
    sim.schedule(0, () => order.push("a-child"));
  });
  sim.schedule(1, () => order.push("b"));
  sim.run();
  t.same(order, ["a", "b", "a-child"]);
});

t.test("a large random workload pops in (time, priority, sequence) order", async (t) => {
  const sim = new Simulation({ seed: 7 });
  const stream = sim.rng.stream("test");
  const popped: [number, number, number][] = [];
  for (let i = 0; i < 20_000; i++) {
    const time = stream.integer(0, 500);
    const priority = stream.integer(-2, 2);
    sim.scheduleAt(time, (now) => popped.push([now, priority, i]), priority);
  }
  sim.run();
  t.equal(popped.length, 20_000);
  let sorted = true;
  for (let i = 1; i < popped.length; i++) {
    const [ta, pa, sa] = popped[i - 1];
    const [tb, pb, sb] = popped[i];
    if (ta > tb || (ta === tb && (pa > pb || (pa === pb && sa > sb)))) sorted = false;
  }
  t.ok(sorted, "pop order is (time, priority, insertion sequence)");
});

t.test("cancellation", async (t) => {
  const sim = new Simulation();
  const fired: string[] = [];
  const a = sim.schedule(5, () => fired.push("a"));
  sim.schedule(5, () => fired.push("b"));
  const c = sim.schedule(7, () => fired.push("c"));
  t.equal(sim.pending, 3);
  sim.cancel(a);
  sim.cancel(a); // idempotent
  t.equal(sim.pending, 2);
  t.notOk(a.pending);
  t.ok(c.pending);
  sim.schedule(6, () => sim.cancel(c)); // cancel from inside another event
  t.equal(sim.run(), 2, "cancelled events are not executed or counted");
  t.same(fired, ["b"]);
  t.equal(sim.events_processed, 2);
});

t.test("mass cancellation keeps the queue consistent (compaction path)", async (t) => {
  const sim = new Simulation();
  const handles = [];
  let fired = 0;
  for (let i = 0; i < 10_000; i++) handles.push(sim.schedule(1 + (i % 97), () => fired++));
  for (let i = 0; i < handles.length; i++) if (i % 10 !== 0) sim.cancel(handles[i]);
  t.equal(sim.pending, 1000);
  let last = 0;
  let monotone = true;
  sim.every(1, (now) => {
    if (now < last) monotone = false;
    last = now;
  }, { phase_ms: 1 }).cancel();
  sim.run();
  t.equal(fired, 1000);
  t.ok(monotone);
  t.equal(sim.pending, 0);
});

t.test("bad arguments are rejected with clear messages", async (t) => {
  const sim = new Simulation();
  t.throws(() => sim.schedule(-1, () => {}), /delay must be a non-negative integer/);
  t.throws(() => sim.schedule(1.5, () => {}), /delay must be a non-negative integer/);
  t.throws(() => sim.schedule(1, () => {}, 5000), /priority must be an integer/);
  sim.schedule(10, () => {});
  sim.run();
  t.throws(() => sim.scheduleAt(5, () => {}), /clock is at 10 ms/);
  t.throws(() => sim.every(0, () => {}), /period must be at least 1 ms/);
});

t.test("queue capacity bounds a runaway model", async (t) => {
  const sim = new Simulation({ queueCapacity: 3 });
  sim.schedule(1, () => {});
  sim.schedule(1, () => {});
  sim.schedule(1, () => {});
  t.throws(() => sim.schedule(1, () => {}), /event queue is full \(3 events\)/);
});
