/**
 * Port of client-go util/workqueue/default_rate_limiters.go DefaultControllerRateLimiter: the
 * larger of a per-item exponential backoff (ItemExponentialFailureRateLimiter, 5 ms doubling to
 * 1000 s, reset by Forget) and one token bucket shared by every item of the queue
 * (BucketRateLimiter over golang.org/x/time/rate: 10 tokens/s, burst 100). Controllers such as
 * the Deployment controller requeue through it (AddRateLimited) and call Forget after every
 * successful sync, so the backoff stays at 5 ms and the bucket is what bounds a requeue loop:
 * after 100 quick requeues, 10 per second for the whole controller.
 *
 * Times are integer milliseconds. The bucket is kept as credit in ms (1000 / qps per token), which
 * is x/time/rate's arithmetic in exact integers: credit grows with elapsed time up to a full
 * burst, each reservation takes one token's worth, and a reservation that leaves it negative
 * waits until it is paid back.
 */

export interface RateLimiterConfig {
  /** ItemExponentialFailureRateLimiter baseDelay. */
  baseDelay_ms: number;
  /** ItemExponentialFailureRateLimiter maxDelay. */
  maxDelay_ms: number;
  /** BucketRateLimiter rate, tokens per second (1000 / qps must be a whole number of ms). */
  qps: number;
  /** BucketRateLimiter burst. */
  burst: number;
}

/** DefaultControllerRateLimiter's numbers. */
export const DEFAULT_CONTROLLER_RATE_LIMITER: Readonly<RateLimiterConfig> = Object.freeze({
  baseDelay_ms: 5,
  maxDelay_ms: 1_000_000,
  qps: 10,
  burst: 100,
});

export class ControllerRateLimiter {
  private readonly failures = new Map<string, number>();
  private readonly tokenCost_ms: number;
  private readonly fullCredit_ms: number;
  /** rate.Limiter tokens x tokenCost_ms; starts with a full burst. */
  private credit_ms: number;
  /** rate.Limiter last: when credit was last brought up to date. */
  private last_ms = 0;

  constructor(readonly config: Readonly<RateLimiterConfig> = DEFAULT_CONTROLLER_RATE_LIMITER) {
    this.tokenCost_ms = 1000 / config.qps;
    if (!Number.isSafeInteger(this.tokenCost_ms) || !(this.tokenCost_ms > 0)) {
      throw new RangeError(`rate limiter qps must divide 1000 ms into whole milliseconds, got ${config.qps}`);
    }
    if (!Number.isSafeInteger(config.burst) || config.burst < 1) throw new RangeError(`rate limiter burst must be a positive integer, got ${config.burst}`);
    this.fullCredit_ms = config.burst * this.tokenCost_ms;
    this.credit_ms = this.fullCredit_ms;
  }

  /** MaxOfRateLimiter.When: how long `item` waits before it is added (every limiter is asked). */
  when(item: string, now_ms: number): number {
    const backoff_ms = this.exponentialWhen(item);
    const bucket_ms = this.bucketWhen(now_ms);
    return backoff_ms > bucket_ms ? backoff_ms : bucket_ms;
  }

  /** Forget: the item's failures are over (the bucket keeps its state: it is not per item). */
  forget(item: string): void {
    this.failures.delete(item);
  }

  /** NumRequeues. */
  numRequeues(item: string): number {
    return this.failures.get(item) ?? 0;
  }

  // ItemExponentialFailureRateLimiter.When: baseDelay x 2^failures (failures before this one), capped.
  private exponentialWhen(item: string): number {
    const exp = this.failures.get(item) ?? 0;
    this.failures.set(item, exp + 1);
    const backoff_ms = this.config.baseDelay_ms * 2 ** exp;
    return backoff_ms > this.config.maxDelay_ms ? this.config.maxDelay_ms : backoff_ms;
  }

  // BucketRateLimiter.When: Limiter.Reserve().Delay() (x/time/rate reserveN with n = 1).
  private bucketWhen(now_ms: number): number {
    const elapsed_ms = now_ms > this.last_ms ? now_ms - this.last_ms : 0;
    let credit_ms = this.credit_ms + elapsed_ms;
    if (credit_ms > this.fullCredit_ms) credit_ms = this.fullCredit_ms;
    credit_ms -= this.tokenCost_ms;
    this.credit_ms = credit_ms;
    this.last_ms = now_ms;
    return credit_ms < 0 ? -credit_ms : 0;
  }
}
