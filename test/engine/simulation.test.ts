import t from "tap";
import { Simulation } from "../../engine/index.js";

t.test("periodic timers fire at phase, phase + period, ...", async (t) => {
  const sim = new Simulation();
  const a: number[] = [];
  const b: number[] = [];
  sim.every(15_000, (now) => a.push(now), { phase_ms: 3_000 });
  sim.every(10_000, (now) => b.push(now)); // default phase: one period
  sim.run(50_000);
  t.same(a, [3_000, 18_000, 33_000, 48_000]);
  t.same(b, [10_000, 20_000, 30_000, 40_000, 50_000]);
  t.equal(sim.now_ms, 50_000);
});

t.test("a periodic timer can stop itself and be cancelled from outside", async (t) => {
  const sim = new Simulation();
  const fires: number[] = [];
  const timer = sim.every(10, (now) => {
    fires.push(now);
    if (fires.length === 3) timer.cancel();
  }, { phase_ms: 0 });
  const other: number[] = [];
  const otherTimer = sim.every(7, (now) => other.push(now));
  sim.schedule(20, () => otherTimer.cancel());
  sim.run(100);
  t.same(fires, [0, 10, 20]);
  t.same(other, [7, 14]);
  t.notOk(timer.active);
  t.equal(timer.firings, 3);
});

t.test("jittered intervals come from the supplied function", async (t) => {
  const sim = new Simulation({ seed: 3 });
  const jitter = sim.rng.stream("cadvisor/node-1");
  const fires: number[] = [];
  sim.every(10_000, (now) => fires.push(now), {
    phase_ms: 1_234,
    nextInterval_ms: () => 10_000 + Math.floor(jitter.uniform(0, 5_000)),
  });
  sim.run(60_000);
  t.equal(fires[0], 1_234);
  for (let i = 1; i < fires.length; i++) {
    const gap = fires[i] - fires[i - 1];
    t.ok(gap >= 10_000 && gap < 15_000, `gap ${gap} within [10 s, 15 s)`);
  }
});

t.test("run(until) stops at the horizon, includes events at it, and resumes", async (t) => {
  const sim = new Simulation();
  const fired: number[] = [];
  for (const at of [5, 10, 11, 30]) sim.scheduleAt(at, (now) => fired.push(now));
  t.equal(sim.run(10), 2);
  t.same(fired, [5, 10]);
  t.equal(sim.now_ms, 10);
  t.equal(sim.run(20), 1);
  t.equal(sim.now_ms, 20, "clock advances to the horizon even without an event there");
  t.equal(sim.run(), 1);
  t.equal(sim.now_ms, 30);
  t.equal(sim.run(), 0, "an empty queue returns at once");
});

t.test("step() executes exactly one event", async (t) => {
  const sim = new Simulation();
  const fired: number[] = [];
  sim.schedule(2, (now) => fired.push(now));
  sim.schedule(4, (now) => fired.push(now));
  t.ok(sim.step());
  t.same(fired, [2]);
  t.equal(sim.now_ms, 2);
  t.ok(sim.step());
  t.notOk(sim.step());
  t.same(fired, [2, 4]);
});

t.test("stop() ends run() after the current event", async (t) => {
  const sim = new Simulation();
  const fired: number[] = [];
  sim.every(1, (now) => {
    fired.push(now);
    if (now === 3) sim.stop();
  });
  sim.run(100);
  t.same(fired, [1, 2, 3]);
  t.equal(sim.now_ms, 3, "the clock stays where the run stopped");
});
