/**
 * ControllerRateLimiter against client-go util/workqueue/default_rate_limiters_test.go
 * (TestItemExponentialFailureRateLimiter, TestItemExponentialFailureRateLimiterOverFlow) and
 * golang.org/x/time/rate's Reserve().Delay() for the bucket.
 */
import t from "tap";
import { ControllerRateLimiter, DEFAULT_CONTROLLER_RATE_LIMITER } from "../../../models/cluster/rate-limiter.js";

// A bucket too big to matter, so only the per-item backoff shows.
const backoffOnly = (baseDelay_ms: number, maxDelay_ms: number) => new ControllerRateLimiter({ baseDelay_ms, maxDelay_ms, qps: 1000, burst: 1_000_000 });

t.test("per-item exponential backoff (TestItemExponentialFailureRateLimiter)", async (t) => {
  const limiter = backoffOnly(1, 1000);
  t.same([1, 2, 3, 4, 5].map(() => limiter.when("one", 0)), [1, 2, 4, 8, 16]);
  t.equal(limiter.numRequeues("one"), 5);
  t.same([limiter.when("two", 0), limiter.when("two", 0)], [1, 2], "each item has its own count");
  t.equal(limiter.numRequeues("two"), 2);
  limiter.forget("one");
  t.equal(limiter.numRequeues("one"), 0);
  t.equal(limiter.when("one", 0), 1, "forgotten: back to the base delay");
});

t.test("the backoff is capped at maxDelay (TestItemExponentialFailureRateLimiterOverFlow)", async (t) => {
  const limiter = backoffOnly(1, 1_000_000);
  for (let i = 0; i < 5; i++) limiter.when("one", 0);
  t.equal(limiter.when("one", 0), 32);
  for (let i = 0; i < 1000; i++) limiter.when("overflow1", 0);
  t.equal(limiter.when("overflow1", 0), 1_000_000);
  const small = backoffOnly(60_000, 1000 * 3_600_000);
  for (let i = 0; i < 2; i++) small.when("two", 0);
  t.equal(small.when("two", 0), 240_000);
  for (let i = 0; i < 1000; i++) small.when("overflow2", 0);
  t.equal(small.when("overflow2", 0), 1000 * 3_600_000);
});

t.test("the shared bucket: a burst of 100, then 10 per second, refilled by time (x/time/rate Reserve)", async (t) => {
  const limiter = new ControllerRateLimiter({ ...DEFAULT_CONTROLLER_RATE_LIMITER, baseDelay_ms: 0 });
  const delays = Array.from({ length: 100 }, (_, i) => limiter.when(`item-${i}`, 0));
  t.ok(delays.every((d) => d === 0), "the first 100 go at once, whatever the item");
  t.equal(limiter.when("a", 0), 100, "the 101st waits a token's time");
  t.equal(limiter.when("b", 0), 200, "and the next one more: reservations queue up");
  // Tokens -2 at 0 ms; a second later 10 more have come in: 8 left.
  t.equal(limiter.when("c", 1000), 0);
  for (let i = 0; i < 7; i++) limiter.when("c", 1000);
  t.equal(limiter.when("c", 1000), 100, "8 spent: waiting again");
  // Idle for a minute: refilled, but never beyond the burst.
  for (let i = 0; i < 100; i++) t.equal(limiter.when("d", 61_000), 0);
  t.equal(limiter.when("d", 61_000), 100);
});

t.test("the larger of the two delays is used (MaxOfRateLimiter)", async (t) => {
  const limiter = new ControllerRateLimiter({ baseDelay_ms: 5, maxDelay_ms: 1_000_000, qps: 10, burst: 2 });
  t.equal(limiter.when("x", 0), 5, "bucket free, backoff 5 ms");
  t.equal(limiter.when("x", 0), 10, "bucket free, backoff 10 ms");
  t.equal(limiter.when("y", 0), 100, "bucket empty: 100 ms beats y's 5 ms");
  limiter.forget("x");
  t.equal(limiter.when("x", 0), 200, "forget resets the backoff, not the shared bucket");
});

t.test("rates that do not give whole milliseconds per token are refused", async (t) => {
  t.throws(() => new ControllerRateLimiter({ ...DEFAULT_CONTROLLER_RATE_LIMITER, qps: 3 }), /qps/);
  t.throws(() => new ControllerRateLimiter({ ...DEFAULT_CONTROLLER_RATE_LIMITER, burst: 0 }), /burst/);
});
