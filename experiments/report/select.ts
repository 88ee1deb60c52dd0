/**
 * Picks and thins the points a chart shows. Charts stay readable with up to MAX_SERIES lines, and
 * inline data stays small on long runs: a 24-hour run samples every series thousands of times,
 * far more points than a 640-pixel-wide chart can show. Thinning works on a series' columns and
 * makes a point object only for what it keeps, so a 28-day run costs a few kept points per
 * pixel, not an object per recorded row.
 */
import type { Series } from "./types.js";

export const MAX_SERIES = 10;
/** Points kept per series after thinning (about 3 per horizontal pixel of a default chart). */
export const MAX_POINTS_PER_SERIES = 2000;

/** A chart point: the tidy columns a spec encodes. */
export interface Point {
  time_s: number;
  name: string;
  metric: string;
  value: number | null;
}

export interface TopNames {
  /** Names kept, best first (ties broken by name, so the choice is deterministic). */
  names: string[];
  /** How many distinct names there were in all. */
  total: number;
}

/** What `topNames` ranks: a named series of one metric's values (NaN = no value). */
interface Ranked {
  name: string;
  metric: string;
  value: ArrayLike<number>;
}

/**
 * The `limit` names whose `metric` has the highest mean (NaN ignored; a name with no values
 * ranks last). Used to keep a chart to at most MAX_SERIES lines.
 */
export function topNames(series: readonly Ranked[], metric: string, limit = MAX_SERIES): TopNames {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const s of series) {
    let total = sums.get(s.name);
    if (total === undefined) sums.set(s.name, (total = { sum: 0, n: 0 }));
    if (s.metric !== metric) continue;
    for (let i = 0; i < s.value.length; i++) {
      if (Number.isNaN(s.value[i])) continue;
      total.sum += s.value[i];
      total.n++;
    }
  }
  const ranked = [...sums.entries()]
    .map(([name, s]) => ({ name, mean: s.n > 0 ? s.sum / s.n : -Infinity }))
    .sort((a, b) => (b.mean !== a.mean ? b.mean - a.mean : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { names: ranked.slice(0, limit).map((r) => r.name), total: ranked.length };
}

/** Title suffix that says when a chart shows only some of the series. */
export function topNote(top: TopNames, noun: string, by: string): string {
  return top.total > top.names.length ? ` (top ${top.names.length} of ${top.total} ${noun} by mean ${by})` : "";
}

export function keepNames<T extends { name: string }>(items: readonly T[], names: readonly string[]): T[] {
  const keep = new Set(names);
  return items.filter((p) => keep.has(p.name));
}

/** Equal for thinning: the same number, or both without a value. */
const same = (a: number, b: number): boolean => a === b || (Number.isNaN(a) && Number.isNaN(b));

/**
 * Indices of the points (in time order; NaN = no value) that draw the series:
 * 1. inside a run of equal values only the first and last points matter (exact for step and
 *    linear lines alike);
 * 2. if still longer than `maxPoints`, M4 bucketing (first, min, max, last per time bucket),
 *    which keeps every extreme a line of that width can show. Points without a value (gaps)
 *    are kept.
 */
function thinIndices(time_s: ArrayLike<number>, value: ArrayLike<number>, maxPoints: number): number[] {
  const runs: number[] = [];
  for (let i = 0; i < time_s.length; i++) {
    const interior = i > 0 && i + 1 < time_s.length && same(value[i - 1], value[i]) && same(value[i + 1], value[i]);
    if (!interior) runs.push(i);
  }
  if (runs.length <= maxPoints) return runs;

  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const t0 = time_s[runs[0]];
  const span = time_s[runs[runs.length - 1]] - t0 || 1;
  const out: number[] = [];
  let r = 0;
  for (let b = 0; b < buckets && r < runs.length; b++) {
    const end = b === buckets - 1 ? Infinity : t0 + (span * (b + 1)) / buckets;
    const keep: number[] = [];
    let first = -1;
    let last = -1;
    let min = -1;
    let max = -1;
    for (; r < runs.length && time_s[runs[r]] < end; r++) {
      const i = runs[r];
      const v = value[i];
      if (Number.isNaN(v)) {
        keep.push(i);
        continue;
      }
      if (first < 0) first = i;
      last = i;
      if (min < 0 || v < value[min]) min = i;
      if (max < 0 || v > value[max]) max = i;
    }
    if (first >= 0) keep.push(first, last, min, max);
    for (const k of [...new Set(keep)].sort((a, c) => a - c)) out.push(k);
  }
  return out;
}

/** Thins points in time order without changing how they draw (see `thinIndices`); null = no value. */
export function thinSeries<T extends { time_s: number; value: number | null }>(points: readonly T[], maxPoints = MAX_POINTS_PER_SERIES): T[] {
  const time_s = points.map((p) => p.time_s);
  const value = points.map((p) => p.value ?? NaN);
  return thinIndices(time_s, value, maxPoints).map((i) => points[i]);
}

/** Thins each series separately into chart points; output keeps series together, in time order. */
export function thinAll(series: readonly Series[], maxPoints = MAX_POINTS_PER_SERIES): Point[] {
  const out: Point[] = [];
  for (const s of series) {
    // Stable sort by time: a recorder writes in time order already; this guards against one that does not.
    let order: number[] | null = null;
    for (let i = 1; i < s.time_s.length && order === null; i++) {
      if (s.time_s[i] < s.time_s[i - 1]) order = Array.from(s.time_s, (_t, k) => k).sort((a, b) => s.time_s[a] - s.time_s[b] || a - b);
    }
    const time_s = order === null ? s.time_s : order.map((k) => s.time_s[k]);
    const value = order === null ? s.value : order.map((k) => s.value[k]);
    for (const i of thinIndices(time_s, value, maxPoints)) {
      out.push({ time_s: time_s[i], name: s.name, metric: s.metric, value: Number.isNaN(value[i]) ? null : value[i] });
    }
  }
  return out;
}
