/**
 * WorkQueue against client-go's workqueue: a queued key is processed once; AddAfter keeps one
 * timer per key at the earliest time asked (delaying_queue.go insert); AddRateLimited waits what
 * the rate limiter says.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { WorkQueue } from "../../../models/cluster/workqueue.js";
import { ControllerRateLimiter } from "../../../models/cluster/rate-limiter.js";

function setup(limiter?: ControllerRateLimiter) {
  const sim = new Simulation({ seed: 1 });
  const processed: [string, number][] = [];
  const queue = new WorkQueue(sim, (key, now_ms) => processed.push([key, now_ms]), 0, limiter);
  return { sim, queue, processed };
}

t.test("a key added twice before processing is processed once", async (t) => {
  const { sim, queue, processed } = setup();
  queue.add("a");
  queue.add("a");
  queue.add("b");
  sim.run(10);
  t.same(processed, [["a", 0], ["b", 0]]);
});

const addAfterCases: { name: string; delays_ms: [at_ms: number, delay_ms: number][]; want_ms: number[] }[] = [
  { name: "two timers for one key: only the earlier fires", delays_ms: [[0, 1000], [0, 3000]], want_ms: [1000] },
  { name: "a later AddAfter that is due sooner moves the timer earlier", delays_ms: [[0, 3000], [500, 1000]], want_ms: [1500] },
  { name: "once a timer has fired, a new one is kept", delays_ms: [[0, 1000], [2000, 1000]], want_ms: [1000, 3000] },
  { name: "a zero delay adds at once", delays_ms: [[0, 0]], want_ms: [0] },
];

for (const c of addAfterCases) {
  t.test(`AddAfter: ${c.name}`, async (t) => {
    const { sim, queue, processed } = setup();
    for (const [at_ms, delay_ms] of c.delays_ms) sim.scheduleAt(at_ms, () => queue.addAfter("k", delay_ms));
    sim.run(10_000);
    t.same(processed.map(([, time_ms]) => time_ms), c.want_ms);
  });
}

t.test("AddRateLimited: the limiter's delay, reset by Forget", async (t) => {
  const { sim, queue, processed } = setup(new ControllerRateLimiter({ baseDelay_ms: 100, maxDelay_ms: 10_000, qps: 1000, burst: 1000 }));
  queue.addRateLimited("k"); // 100 ms (first failure)
  sim.run(1000);
  queue.addRateLimited("k"); // 200 ms (second)
  sim.run(2000);
  queue.forget("k");
  queue.addRateLimited("k"); // 100 ms again
  sim.run(3000);
  t.same(processed.map(([, time_ms]) => time_ms), [100, 1200, 2100]);
});
