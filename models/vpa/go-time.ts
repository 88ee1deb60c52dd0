/**
 * The few Go `time` semantics the VPA arithmetic depends on, on millisecond timestamps
 * (types.ts): Sub saturates at the int64 nanosecond range, and Round is relative to Go's zero
 * time with halves rounded up.
 */
import { GO_ZERO_TIME_MS } from "./types.js";

const MAX_DURATION_NS = 9223372036854775807;
const MIN_DURATION_NS = -9223372036854775808;

/**
 * float64(a.Sub(b)): the difference in nanoseconds, saturated as time.Time.Sub does. For integer
 * millisecond inputs, (a - b) * 1e6 rounds once, exactly as float64(int64 nanoseconds) does.
 */
export function goSubNs(a_ms: number, b_ms: number): number {
  const ns = (a_ms - b_ms) * 1e6;
  if (ns > MAX_DURATION_NS) return MAX_DURATION_NS;
  if (ns < MIN_DURATION_NS) return MIN_DURATION_NS;
  return ns;
}

/** time.Time.Round(d): nearest multiple of d since the zero time; halfway rounds up. */
export function goRound(t_ms: number, d_ms: number): number {
  if (d_ms <= 0) return t_ms;
  const since = t_ms - GO_ZERO_TIME_MS;
  const r = ((since % d_ms) + d_ms) % d_ms;
  // lessThanHalf(r, d): r + r < d.
  return r + r < d_ms ? t_ms - r : t_ms + (d_ms - r);
}

/** time.Duration.Truncate(m): d rounded toward zero to a multiple of m. */
export function goTruncateDuration(d_ms: number, m_ms: number): number {
  if (m_ms <= 0) return d_ms;
  return d_ms - (d_ms % m_ms);
}
