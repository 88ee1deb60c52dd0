/**
 * Histograms of the VPA recommender: bucketing options, the plain histogram and the decaying
 * histogram. Ported from kubernetes/autoscaler vertical-pod-autoscaler/pkg/recommender/util/
 * histogram_options.go, histogram.go and decaying_histogram.go (VPA 1.8).
 */
import { goRound, goSubNs } from "./go-time.js";
import { GO_ZERO_TIME_MS } from "./types.js";

// ---- histogram_options.go ------------------------------------------------------------------

export interface HistogramOptions {
  readonly kind: "linear" | "exponential";
  numBuckets(): number;
  findBucket(value: number): number;
  getBucketStart(bucket: number): number;
  epsilon(): number;
}

export class HistogramOptionsError extends Error {}

/** log(base, x) in histogram_options.go. */
function logBase(base: number, x: number): number {
  return Math.log(x) / Math.log(base);
}

/** Go int(x) for a float: truncation toward zero. */
function goInt(x: number): number {
  return Math.trunc(x);
}

/** NewLinearHistogramOptions. */
export function newLinearHistogramOptions(maxValue: number, bucketSize: number, epsilon: number): HistogramOptions {
  if (maxValue <= 0.0 || bucketSize <= 0.0 || epsilon <= 0.0) {
    throw new HistogramOptionsError("maxValue and bucketSize must both be positive");
  }
  const numBuckets = goInt(Math.ceil(maxValue / bucketSize)) + 1;
  return {
    kind: "linear",
    numBuckets: () => numBuckets,
    // linearHistogramOptions.FindBucket
    findBucket(value: number): number {
      const bucket = goInt(value / bucketSize);
      if (bucket < 0) return 0;
      if (bucket >= numBuckets) return numBuckets - 1;
      return bucket;
    },
    // linearHistogramOptions.GetBucketStart
    getBucketStart(bucket: number): number {
      checkBucket(bucket, numBuckets);
      return bucket * bucketSize;
    },
    epsilon: () => epsilon,
  };
}

/** NewExponentialHistogramOptions. */
export function newExponentialHistogramOptions(maxValue: number, firstBucketSize: number, ratio: number, epsilon: number): HistogramOptions {
  if (maxValue <= 0.0 || firstBucketSize <= 0.0 || ratio <= 1.0 || epsilon <= 0.0) {
    throw new HistogramOptionsError("maxValue, firstBucketSize and epsilon must be > 0.0, ratio must be > 1.0");
  }
  const numBuckets = goInt(Math.ceil(logBase(ratio, (maxValue * (ratio - 1)) / firstBucketSize + 1))) + 1;
  return {
    kind: "exponential",
    numBuckets: () => numBuckets,
    // exponentialHistogramOptions.FindBucket
    findBucket(value: number): number {
      if (value < firstBucketSize) return 0;
      const bucket = goInt(logBase(ratio, (value * (ratio - 1)) / firstBucketSize + 1));
      if (bucket >= numBuckets) return numBuckets - 1;
      return bucket;
    },
    // exponentialHistogramOptions.GetBucketStart
    getBucketStart(bucket: number): number {
      checkBucket(bucket, numBuckets);
      if (bucket === 0) return 0.0;
      return (firstBucketSize * (Math.pow(ratio, bucket) - 1)) / (ratio - 1);
    },
    epsilon: () => epsilon,
  };
}

function checkBucket(bucket: number, numBuckets: number): void {
  if (bucket < 0 || bucket >= numBuckets) throw new RangeError(`index ${bucket} out of range [0..${numBuckets - 1}]`);
}

// ---- histogram.go --------------------------------------------------------------------------

/** util.Histogram. Times are ms (types.ts); only the decaying histogram reads them. */
export interface Histogram {
  percentile(percentile: number): number;
  addSample(value: number, weight: number, time_ms: number): void;
  subtractSample(value: number, weight: number, time_ms: number): void;
  merge(other: Histogram): void;
  isEmpty(): boolean;
}

/** What histogram.Equals compares, plus the decaying reference time: for tests and reports. */
export interface HistogramState {
  minBucket: number;
  maxBucket: number;
  totalWeight: number;
  /** Weights of buckets minBucket..maxBucket, by bucket index. */
  bucketWeights: Record<string, number>;
  /** Decaying histograms only. */
  referenceTimestamp_ms?: number;
}

/** histogram.go safeSubtract. */
function safeSubtract(value: number, sub: number, epsilon: number): number {
  value -= sub;
  if (value < epsilon) return 0.0;
  return value;
}

/** histogram.go `histogram` (NewHistogram). */
export class BasicHistogram implements Histogram {
  readonly options: HistogramOptions;
  readonly bucketWeight: number[];
  totalWeight = 0.0;
  minBucket: number;
  maxBucket = 0;

  constructor(options: HistogramOptions) {
    this.options = options;
    this.bucketWeight = new Array<number>(options.numBuckets()).fill(0);
    this.minBucket = options.numBuckets() - 1;
  }

  addSample(value: number, weight: number, _time_ms: number): void {
    if (weight < 0.0) throw new RangeError("sample weight must be non-negative");
    const bucket = this.options.findBucket(value);
    this.bucketWeight[bucket] += weight;
    this.totalWeight += weight;
    if (bucket < this.minBucket && this.bucketWeight[bucket] >= this.options.epsilon()) this.minBucket = bucket;
    if (bucket > this.maxBucket && this.bucketWeight[bucket] >= this.options.epsilon()) this.maxBucket = bucket;
  }

  subtractSample(value: number, weight: number, _time_ms: number): void {
    if (weight < 0.0) throw new RangeError("sample weight must be non-negative");
    const bucket = this.options.findBucket(value);
    const epsilon = this.options.epsilon();
    this.totalWeight = safeSubtract(this.totalWeight, weight, epsilon);
    this.bucketWeight[bucket] = safeSubtract(this.bucketWeight[bucket], weight, epsilon);
    this.updateMinAndMaxBucket();
  }

  merge(other: Histogram): void {
    if (!(other instanceof BasicHistogram) || other instanceof DecayingHistogram) throw new TypeError("can't merge histograms of different kinds");
    this.mergeBuckets(other);
  }

  /** histogram.Merge's body: adds the other histogram's buckets (same options only). */
  protected mergeBuckets(other: BasicHistogram): void {
    if (this.options !== other.options) throw new TypeError("can't merge histograms with different options");
    for (let bucket = other.minBucket; bucket <= other.maxBucket; bucket++) this.bucketWeight[bucket] += other.bucketWeight[bucket];
    this.totalWeight += other.totalWeight;
    if (other.minBucket < this.minBucket) this.minBucket = other.minBucket;
    if (other.maxBucket > this.maxBucket) this.maxBucket = other.maxBucket;
  }

  /** Percentile returns the END of the first bucket whose cumulative weight reaches p × total. */
  percentile(percentile: number): number {
    if (this.isEmpty()) return 0.0;
    let partialSum = 0.0;
    const threshold = percentile * this.totalWeight;
    let bucket = this.minBucket;
    for (; bucket < this.maxBucket; bucket++) {
      partialSum += this.bucketWeight[bucket];
      if (partialSum >= threshold) break;
    }
    if (bucket < this.options.numBuckets() - 1) return this.options.getBucketStart(bucket + 1);
    return this.options.getBucketStart(bucket);
  }

  isEmpty(): boolean {
    return this.bucketWeight[this.minBucket] < this.options.epsilon();
  }

  state(): HistogramState {
    const bucketWeights: Record<string, number> = {};
    for (let b = this.minBucket; b <= this.maxBucket; b++) bucketWeights[String(b)] = this.bucketWeight[b];
    return { minBucket: this.minBucket, maxBucket: this.maxBucket, totalWeight: this.totalWeight, bucketWeights };
  }

  /** histogram.updateMinAndMaxBucket. */
  protected updateMinAndMaxBucket(): void {
    const epsilon = this.options.epsilon();
    const lastBucket = this.options.numBuckets() - 1;
    while (this.bucketWeight[this.minBucket] < epsilon && this.minBucket < lastBucket) this.minBucket++;
    while (this.bucketWeight[this.maxBucket] < epsilon && this.maxBucket > 0) this.maxBucket--;
  }

  /** histogram.scale. */
  protected scale(factor: number): void {
    if (factor < 0.0) throw new RangeError("scale factor must be non-negative");
    for (let bucket = this.minBucket; bucket <= this.maxBucket; bucket++) this.bucketWeight[bucket] *= factor;
    this.totalWeight *= factor;
    this.updateMinAndMaxBucket();
  }
}

// ---- decaying_histogram.go -----------------------------------------------------------------

/** decaying_histogram.go maxDecayExponent. */
const MAX_DECAY_EXPONENT = 100;

/** decaying_histogram.go round: int(math.Floor(x + 0.5)). */
function goRoundHalfUp(x: number): number {
  return Math.floor(x + 0.5);
}

/**
 * decayingHistogram (NewDecayingHistogram): each sample weighs weight × 2^((t − ref)/halfLife),
 * so older samples count exponentially less relative to newer ones.
 */
export class DecayingHistogram extends BasicHistogram {
  readonly halfLife_ms: number;
  referenceTimestamp_ms = GO_ZERO_TIME_MS;

  constructor(options: HistogramOptions, halfLife_ms: number) {
    super(options);
    this.halfLife_ms = halfLife_ms;
  }

  override addSample(value: number, weight: number, time_ms: number): void {
    super.addSample(value, weight * this.decayFactor(time_ms), time_ms);
  }

  override subtractSample(value: number, weight: number, time_ms: number): void {
    super.subtractSample(value, weight * this.decayFactor(time_ms), time_ms);
  }

  override merge(other: Histogram): void {
    if (!(other instanceof DecayingHistogram)) throw new TypeError("can't merge a decaying histogram with a plain one");
    if (this.halfLife_ms !== other.halfLife_ms) throw new TypeError("can't merge decaying histograms with different half life periods");
    // Upstream shifts whichever reference is older (it mutates `other` too).
    if (this.referenceTimestamp_ms < other.referenceTimestamp_ms) this.shiftReferenceTimestamp(other.referenceTimestamp_ms);
    else if (other.referenceTimestamp_ms < this.referenceTimestamp_ms) other.shiftReferenceTimestamp(this.referenceTimestamp_ms);
    this.mergeBuckets(other);
  }

  override state(): HistogramState {
    return { ...super.state(), referenceTimestamp_ms: this.referenceTimestamp_ms };
  }

  /** decayingHistogram.shiftReferenceTimestamp. */
  private shiftReferenceTimestamp(newReference_ms: number): void {
    // Make sure the decay start is an integer multiple of halfLife.
    const rounded = goRound(newReference_ms, this.halfLife_ms);
    const exponent = goRoundHalfUp(goSubNs(this.referenceTimestamp_ms, rounded) / (this.halfLife_ms * 1e6));
    this.scale(2 ** exponent); // math.Ldexp(1., exponent): exact for an integer exponent.
    this.referenceTimestamp_ms = rounded;
  }

  /** decayingHistogram.decayFactor: renormalises once the exponent would pass 100. */
  private decayFactor(time_ms: number): number {
    const maxAllowed_ms = this.referenceTimestamp_ms + this.halfLife_ms * MAX_DECAY_EXPONENT;
    if (time_ms > maxAllowed_ms) this.shiftReferenceTimestamp(time_ms);
    return 2 ** (goSubNs(time_ms, this.referenceTimestamp_ms) / (this.halfLife_ms * 1e6));
  }
}
