/**
 * Seeded random streams. Every draw in a run comes from a stream named after the component
 * instance that uses it (`rng.stream("kubelet/node-7")`); a stream's seed derives from the run
 * seed and its name only, so adding a component or a stream never shifts another's numbers.
 *
 * The generator is seedrandom's Alea (fast: ~85 M draws/s here, period ~2^116).
 */
import seedrandom from "seedrandom";

export class RngRegistry {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number | string) {}

  /** The stream named `name`, created on first use; the same name always returns the same stream. */
  stream(name: string): RandomStream {
    let s = this.streams.get(name);
    if (!s) {
      // NUL cannot appear in a YAML-given seed, so "1"+"2/x" and "12"+"/x" never collide.
      s = new RandomStream(name, seedrandom.alea(`${this.seed}\u0000${name}`));
      this.streams.set(name, s);
    }
    return s;
  }
}

const TWO_PI = 2 * Math.PI;

export class RandomStream {
  private spareNormal = NaN;

  constructor(
    readonly name: string,
    private readonly prng: () => number,
  ) {}

  /** Uniform in [0, 1). */
  random(): number {
    return this.prng();
  }

  /** Uniform in [low, high). */
  uniform(low: number, high: number): number {
    return low + (high - low) * this.prng();
  }

  /** Uniform integer in [low, high] (both inclusive). */
  integer(low: number, high: number): number {
    if (!(Number.isSafeInteger(low) && Number.isSafeInteger(high) && high >= low)) {
      throw new RangeError(`integer(${low}, ${high}): bounds must be integers with low <= high`);
    }
    return low + Math.floor(this.prng() * (high - low + 1));
  }

  /** Exponential with the given rate (mean 1/rate), by inversion. */
  exponential(rate: number): number {
    if (!(rate > 0)) throw new RangeError(`exponential rate must be > 0, got ${rate}`);
    return -Math.log(1 - this.prng()) / rate;
  }

  /** Normal(mean, stddev) by the Box-Muller transform; the second variate is kept for the next call. */
  normal(mean = 0, stddev = 1): number {
    if (!(stddev >= 0)) throw new RangeError(`normal stddev must be >= 0, got ${stddev}`);
    let z = this.spareNormal;
    if (Number.isNaN(z)) {
      const u1 = 1 - this.prng(); // (0, 1]: log is finite
      const u2 = this.prng();
      const r = Math.sqrt(-2 * Math.log(u1));
      z = r * Math.cos(TWO_PI * u2);
      this.spareNormal = r * Math.sin(TWO_PI * u2);
    } else {
      this.spareNormal = NaN;
    }
    return mean + stddev * z;
  }

  /** Lognormal: exp(Normal(mu, sigma)), with mu and sigma of the underlying normal. */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }

  /** Poisson with the given mean: multiplication method below 30, Hörmann's PTRS above. */
  poisson(mean: number): number {
    if (!(mean >= 0) || !Number.isFinite(mean)) throw new RangeError(`poisson mean must be finite and >= 0, got ${mean}`);
    if (mean === 0) return 0;
    if (mean < 30) {
      const limit = Math.exp(-mean);
      let k = 0;
      let product = this.prng();
      while (product > limit) {
        k++;
        product *= this.prng();
      }
      return k;
    }
    return this.poissonPtrs(mean);
  }

  /** One element of `values`, each equally likely (sampling a list or a trace). */
  choice<T>(values: readonly T[]): T {
    if (values.length === 0) throw new RangeError("choice from an empty list");
    return values[Math.floor(this.prng() * values.length)];
  }

  /** One element of `values` with probability proportional to its weight. */
  weightedChoice<T>(values: readonly T[], weights: readonly number[]): T {
    return values[new EmpiricalDistribution(weights).sampleIndex(this)];
  }

  /**
   * W. Hörmann, "The transformed rejection method for generating Poisson random variables"
   * (1993), algorithm PTRS, as numpy's random_poisson_ptrs implements it.
   */
  private poissonPtrs(lambda: number): number {
    const slam = Math.sqrt(lambda);
    const loglam = Math.log(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const invalpha = 1.1239 + 1.1328 / (b - 3.4);
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (let attempt = 0; attempt < 1_000_000; attempt++) {
      const U = this.prng() - 0.5;
      const V = this.prng();
      const us = 0.5 - Math.abs(U);
      const k = Math.floor(((2 * a) / us + b) * U + lambda + 0.43);
      if (us >= 0.07 && V <= vr) return k;
      if (k < 0 || (us < 0.013 && V > us)) continue;
      if (Math.log(V) + Math.log(invalpha) - Math.log(a / (us * us) + b) <= -lambda + k * loglam - logGamma(k + 1)) {
        return k;
      }
    }
    throw new Error("poisson: PTRS failed to accept in 1e6 attempts");
  }
}

/**
 * A discrete distribution over indices 0..n-1 with the given weights, sampled by binary search on
 * the cumulative weights. Build once, sample many times (e.g. a request-size histogram).
 */
export class EmpiricalDistribution {
  private readonly cumulative: Float64Array;

  constructor(weights: readonly number[]) {
    if (weights.length === 0) throw new RangeError("empirical distribution needs at least one weight");
    this.cumulative = new Float64Array(weights.length);
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) throw new RangeError(`weight ${i} must be finite and >= 0, got ${w}`);
      total += w;
      this.cumulative[i] = total;
    }
    if (!(total > 0)) throw new RangeError("empirical distribution weights sum to 0");
  }

  sampleIndex(stream: RandomStream): number {
    const c = this.cumulative;
    const target = stream.random() * c[c.length - 1];
    let low = 0;
    let high = c.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (c[mid] > target) high = mid;
      else low = mid + 1;
    }
    return low;
  }
}

/** ln Γ(x) for x > 0: Stirling series for x >= 10, shifted by the recurrence below that. */
export function logGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`logGamma needs x > 0, got ${x}`);
  let shift = 0;
  while (x < 10) {
    shift -= Math.log(x);
    x += 1;
  }
  const inv = 1 / x;
  const inv2 = inv * inv;
  const series = inv * (1 / 12 - inv2 * (1 / 360 - inv2 * (1 / 1260 - inv2 * (1 / 1680))));
  return shift + (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(TWO_PI) + series;
}
