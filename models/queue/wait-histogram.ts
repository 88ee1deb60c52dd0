/**
 * The distribution of how long items spent somewhere (waiting in a broker, or waiting and being
 * processed), filled from a fluid FIFO queue: between two events items arrive and depart at
 * constant rates, so the waits of the items departing in one stretch are linear in the item's
 * position, i.e. spread uniformly between the first's and the last's. Each stretch adds that
 * uniform mass; quantiles are read back by interpolation.
 *
 * Buckets are logarithmic, 100 per decade from 1 ms (a relative width of 2.3 %), with waits
 * below 1 ms in one linear bucket [0, 1 ms) and waits of exactly zero (an item taken the moment
 * it arrived) counted apart, so an idle queue's p50 of 0 is exact.
 */
const MIN_WAIT_S = 0.001;
const BUCKETS_PER_DECADE = 100;
/** 1 ms … 10^7 s (115 days). */
const DECADES = 10;
const LOG_BUCKETS = BUCKETS_PER_DECADE * DECADES;
const LN_STEP = Math.LN10 / BUCKETS_PER_DECADE;

/** Bucket b ≥ 1 covers [edge(b − 1), edge(b)); bucket 0 covers (0, MIN_WAIT_S). */
function edge(b: number): number {
  return b === 0 ? MIN_WAIT_S : MIN_WAIT_S * Math.exp(b * LN_STEP);
}

function bucketOf(w_s: number): number {
  if (w_s < MIN_WAIT_S) return 0;
  return Math.min(LOG_BUCKETS, 1 + Math.floor(Math.log(w_s / MIN_WAIT_S) / LN_STEP));
}

export class WaitHistogram {
  private readonly mass = new Float64Array(LOG_BUCKETS + 1);
  /** Items that waited exactly 0 s. */
  private zero = 0;
  private count_ = 0;
  private sum_s = 0;
  private max_s = 0;

  get count(): number {
    return this.count_;
  }

  /** Mean wait in seconds (NaN with no item). */
  get mean_s(): number {
    return this.count_ > 0 ? this.sum_s / this.count_ : NaN;
  }

  /** Longest wait in seconds (NaN with no item). */
  get max(): number {
    return this.count_ > 0 ? this.max_s : NaN;
  }

  /** `items` (> 0, may be fractional) whose waits spread uniformly over [from_s, to_s] (either order). */
  addUniform(items: number, from_s: number, to_s: number): void {
    if (!(items > 0)) return;
    let lo = Math.max(0, Math.min(from_s, to_s));
    const hi = Math.max(0, Math.max(from_s, to_s));
    this.count_ += items;
    this.sum_s += (items * (lo + hi)) / 2;
    if (hi > this.max_s) this.max_s = hi;
    const width = hi - lo;
    if (width <= 1e-12 * Math.max(1, hi)) {
      if (hi === 0) this.zero += items;
      else this.mass[bucketOf(hi)] += items;
      return;
    }
    const density = items / width;
    // Bucket by bucket upwards (not bucketOf at each edge: rounding could find the same bucket again).
    for (let b = bucketOf(lo); lo < hi; b++) {
      const top = b === LOG_BUCKETS ? hi : Math.min(hi, edge(b));
      if (top > lo) this.mass[b] += density * (top - lo);
      lo = Math.max(lo, top);
    }
  }

  /** Adds every item of `other` (several queues' items as one distribution). */
  addAll(other: WaitHistogram): void {
    for (let b = 0; b <= LOG_BUCKETS; b++) this.mass[b] += other.mass[b];
    this.zero += other.zero;
    this.count_ += other.count_;
    this.sum_s += other.sum_s;
    if (other.max_s > this.max_s) this.max_s = other.max_s;
  }

  /** The wait (s) at quantile q in [0, 1]; NaN with no item. Linear within a bucket. */
  quantile_s(q: number): number {
    if (!(this.count_ > 0)) return NaN;
    let target = q * this.count_;
    if (target <= this.zero) return 0;
    target -= this.zero;
    for (let b = 0; b <= LOG_BUCKETS; b++) {
      const m = this.mass[b];
      if (m <= 0) continue;
      if (target <= m) {
        const lo = b === 0 ? 0 : edge(b - 1);
        const hi = b === LOG_BUCKETS ? Math.max(lo, this.max_s) : edge(b);
        return Math.min(this.max_s, lo + (hi - lo) * (target / m));
      }
      target -= m;
    }
    return this.max_s;
  }
}
