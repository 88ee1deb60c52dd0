import t from "tap";
import { DEFAULT_AGGREGATIONS_CONFIG } from "../../../models/vpa/aggregations-config.js";
import { goRound, goSubNs } from "../../../models/vpa/go-time.js";
import { BasicHistogram, DecayingHistogram, newExponentialHistogramOptions, newLinearHistogramOptions } from "../../../models/vpa/histogram.js";
import { GO_ZERO_TIME_MS } from "../../../models/vpa/types.js";

const HOUR_MS = 3_600_000;
const cpuOptions = DEFAULT_AGGREGATIONS_CONFIG.cpuHistogramOptions;

t.test("production CPU bucketing: 176 buckets, bucket n starts at 0.01·(1.05^n − 1)/0.05", async (t) => {
  t.equal(cpuOptions.numBuckets(), 176);
  t.equal(DEFAULT_AGGREGATIONS_CONFIG.memoryHistogramOptions.numBuckets(), 176);
  // [cores, bucket] as in histogram_options_test.go and the walkthrough.
  const table: [number, number][] = [
    [0, 0],
    [0.005, 0],
    [0.025, 2],
    [0.5, 25],
    [1, 36],
    [1000, 174],
    [5000, 175],
  ];
  for (const [cores, bucket] of table) t.equal(cpuOptions.findBucket(cores), bucket, `${cores} cores → bucket ${bucket}`);
  t.equal(cpuOptions.getBucketStart(0), 0);
  t.ok(Math.abs(cpuOptions.getBucketStart(26) - 0.5111345375888706) < 1e-15, "bucket 26 starts at 0.511134 cores");
  t.throws(() => cpuOptions.getBucketStart(176), /out of range/);
});

t.test("options reject non-positive sizes and ratios ≤ 1", async (t) => {
  t.throws(() => newLinearHistogramOptions(0, 1, 1e-3), /positive/);
  t.throws(() => newExponentialHistogramOptions(10, 1, 1.0, 1e-3), /ratio must be > 1.0/);
  const linear = newLinearHistogramOptions(5, 0.3, 1e-3);
  t.equal(linear.numBuckets(), 18);
  t.equal(linear.findBucket(-1), 0);
  t.equal(linear.findBucket(100), 17);
});

t.test("percentile returns the END of the bucket reaching p × total weight", async (t) => {
  const h = new BasicHistogram(newLinearHistogramOptions(10, 1, 1e-15));
  h.addSample(1.5, 1, 0);
  h.addSample(2.5, 1, 0);
  h.addSample(3.5, 2, 0);
  t.equal(h.percentile(0.25), 2, "first bucket (1..2) holds 25 %");
  t.equal(h.percentile(0.5), 3);
  t.equal(h.percentile(0.9), 4);
  h.subtractSample(3.5, 2, 0);
  t.equal(h.percentile(1), 3, "subtracting the top bucket moves maxBucket down");
  h.subtractSample(1.5, 1, 0);
  h.subtractSample(2.5, 1, 0);
  t.ok(h.isEmpty());
  t.equal(h.percentile(0.5), 0, "an empty histogram gives 0");
});

t.test("decaying histogram: a sample one half-life newer weighs twice as much", async (t) => {
  const options = newLinearHistogramOptions(10, 1, 1e-15);
  const h = new DecayingHistogram(options, HOUR_MS);
  const t0 = 1_234_567_890_000;
  h.addSample(1, 1, t0);
  h.addSample(2, 1, t0 + HOUR_MS);
  // The first sample renormalised the reference to Round(t0, 1h), half up relative to Go's zero time.
  t.equal(h.referenceTimestamp_ms, 1_234_569_600_000);
  const s = h.state();
  t.ok(Math.abs(s.bucketWeights["2"] / s.bucketWeights["1"] - 2) < 1e-12, "weights 2^((t − ref)/halfLife)");
  t.equal(h.percentile(0.5), 3, "the newer sample dominates the median");
});

t.test("decaying histogram forgets a sample more than 100 half-lives old", async (t) => {
  const h = new DecayingHistogram(cpuOptions, 24 * HOUR_MS);
  const t0 = 1_492_536_905_000;
  h.addSample(2.0, 0.1, t0);
  h.addSample(0.3, 0.1, t0 + 101 * 24 * HOUR_MS);
  t.equal(h.state().minBucket, 18, "the old sample dropped below epsilon");
  t.equal(h.percentile(1), cpuOptions.getBucketStart(19));
});

t.test("merge: decaying histograms are aligned to the later reference; mismatched options refuse", async (t) => {
  const options = newLinearHistogramOptions(10, 1, 1e-15);
  const a = new DecayingHistogram(options, HOUR_MS);
  const b = new DecayingHistogram(options, HOUR_MS);
  a.addSample(1, 1, 10 * HOUR_MS);
  b.addSample(2, 1, 20 * HOUR_MS);
  a.merge(b);
  t.equal(a.referenceTimestamp_ms, 20 * HOUR_MS);
  t.equal(a.state().bucketWeights["1"], 2 ** -10, "the sample 10 half-lives older is rescaled to the new reference");
  t.equal(a.state().bucketWeights["2"], 1);
  t.throws(() => new BasicHistogram(options).merge(new BasicHistogram(newLinearHistogramOptions(10, 1, 1e-15))), /different options/);
  t.throws(() => a.merge(new DecayingHistogram(options, 2 * HOUR_MS)), /half life/);
});

t.test("Go time: Round is half-up relative to the zero time; Sub saturates", async (t) => {
  const day = 24 * HOUR_MS;
  t.equal(goRound(12 * HOUR_MS, day), day, "exactly half rounds up");
  t.equal(goRound(12 * HOUR_MS - 1, day), 0);
  t.equal(goRound(90 * 60_000, HOUR_MS), 2 * HOUR_MS);
  t.equal(goSubNs(1_492_536_905_000, GO_ZERO_TIME_MS), 9223372036854775807, "2017 − year 1 overflows int64 ns");
  t.equal(goSubNs(GO_ZERO_TIME_MS, 1_492_536_905_000), -9223372036854775808);
  t.equal(goSubNs(2000, 1000), 1e9);
});
