/**
 * The fluid FIFO of a broker, its wait histogram, and how a group shares a topic: exact waits
 * from the arrival and take curves, quantiles read back within a bucket's width, the range
 * assignor and the max-min share of a consumer's capacity.
 */
import t, { type Test } from "tap";
import { FluidPartition } from "../../../models/queue/partition.js";
import { WaitHistogram } from "../../../models/queue/wait-histogram.js";
import { fairShares, rangeAssign } from "../../../models/queue/assignment.js";

/** Within the histogram's resolution (100 buckets a decade: 2.3 %). */
function near(t: Test, actual: number, expected: number, what: string): void {
  t.ok(Math.abs(actual - expected) <= 0.025 * Math.abs(expected) + 1e-9, `${what}: ${actual} ≈ ${expected}`);
}

function partition() {
  const waits = new WaitHistogram();
  const latencies = new WaitHistogram();
  return { p: new FluidPartition(waits, latencies), waits, latencies };
}

t.test("a batch taken at a constant rate: waits spread evenly from 0 to the last item's", async (t) => {
  const { p, waits, latencies } = partition();
  p.push(100, 0);
  p.advance(0, 4, 0, 10, [{ share: 1, processing_s: 2 }]);
  t.equal(p.backlog, 60, "40 taken in 4 s");
  p.advance(4, 20, 0, 10, [{ share: 1, processing_s: 2 }]);
  t.equal(p.backlog, 0);
  t.equal(p.taken, 100);
  t.equal(p.produced, 100);
  t.equal(waits.count, 100);
  near(t, waits.mean_s, 5, "mean wait");
  near(t, waits.quantile_s(0.5), 5, "p50");
  near(t, waits.quantile_s(0.95), 9.5, "p95");
  t.equal(waits.max, 10, "the last item waited 10 s");
  near(t, latencies.quantile_s(0.95), 11.5, "latency = wait + 2 s of processing");
});

t.test("consumers that keep up: every item is taken as it arrives", async (t) => {
  const { p, waits } = partition();
  p.advance(0, 60, 5, 10, [{ share: 1, processing_s: 0.1 }]);
  t.equal(p.produced, 300);
  t.equal(p.taken, 300);
  t.equal(p.backlog, 0);
  t.equal(waits.quantile_s(0.99), 0, "no wait at all");
  t.equal(waits.mean_s, 0);
});

t.test("overload, then drain: the item that arrived at t waits t (arrivals 10/s, takes 5/s)", async (t) => {
  const { p, waits } = partition();
  p.advance(0, 10, 10, 5, []);
  t.equal(p.backlog, 50);
  p.advance(10, 30, 0, 5, []);
  t.equal(p.backlog, 0, "drained at 20 s");
  t.equal(p.taken, 100);
  near(t, waits.mean_s, 5, "mean wait");
  near(t, waits.quantile_s(0.9), 9, "p90");
  near(t, waits.max, 10, "max");
});

t.test("a backlog that empties within a stretch: drained, then taken as it arrives", async (t) => {
  const { p, waits } = partition();
  p.push(10, 0);
  p.advance(0, 10, 2, 4, []);
  // Empty at 5 s (10 + 2t = 4t); 10 more items arrive after and are taken at once.
  t.equal(p.backlog, 0);
  t.equal(p.produced, 30);
  t.equal(p.taken, 30);
  t.ok(Math.abs(waits.max - 2.5) < 1e-9, `the batch's last item waited 2.5 s: ${waits.max}`);
  t.ok(waits.quantile_s(0.3) === 0, "a third of the items (those after 5 s) waited nothing");
});

t.test("no consumer: items pile up; a Kafka consumer starting at the log end skips them", async (t) => {
  const { p, waits } = partition();
  p.advance(0, 10, 3, 0, []);
  t.equal(p.backlog, 30);
  t.equal(p.skipAll(), 30);
  t.equal(p.backlog, 0);
  t.equal(p.taken, 30, "the group's position moves to the log end");
  t.equal(waits.count, 0, "skipped items are not taken items");
  p.advance(10, 20, 3, 5, []);
  t.equal(p.taken, 60);
});

t.test("the wait histogram: empty, a point mass, zero waits", async (t) => {
  const h = new WaitHistogram();
  t.ok(Number.isNaN(h.quantile_s(0.5)) && Number.isNaN(h.mean_s) && Number.isNaN(h.max), "NaN with no item");
  h.addUniform(10, 3, 3);
  near(t, h.quantile_s(0.5), 3, "a point mass");
  h.addUniform(30, 0, 0);
  t.equal(h.quantile_s(0.75), 0, "three quarters waited nothing");
  near(t, h.quantile_s(0.9), 3, "the rest waited 3 s");
  t.equal(h.count, 40);
  t.ok(Math.abs(h.mean_s - 0.75) < 1e-12, "mean 30/40");
});

t.test("the range assignor: contiguous runs, the first members one more, extra members idle", async (t) => {
  const cases: [number, number, number[]][] = [
    [4, 6, [0, 0, 1, 1, 2, 3]],
    [3, 6, [0, 0, 1, 1, 2, 2]],
    [1, 3, [0, 0, 0]],
    [8, 4, [0, 1, 2, 3]],
    [0, 3, [-1, -1, -1]],
  ];
  for (const [members, partitions, want] of cases) t.strictSame([...rangeAssign(members, partitions)], want, `${members} members, ${partitions} partitions`);
});

t.test("a consumer shares its capacity max-min fairly over its partitions", async (t) => {
  const out: number[] = [];
  const cases: [number, number[], number[]][] = [
    [10, [1, Infinity, Infinity], [1, 4.5, 4.5]],
    [2, [3, 3], [1, 1]],
    [9, [Infinity, Infinity, Infinity], [3, 3, 3]],
    [10, [2, 3], [2, 3]],
  ];
  for (const [capacity, wants, want] of cases) {
    out.length = wants.length;
    fairShares(capacity, wants, out);
    t.strictSame(out, want, `capacity ${capacity}, wants ${wants}`);
  }
});
