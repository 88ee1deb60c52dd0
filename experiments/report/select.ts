/**
 * Picks and thins the rows a chart shows. Charts stay readable with up to MAX_SERIES lines, and
 * inline data stays small on long runs: a 24-hour run samples every series thousands of times,
 * far more points than a 640-pixel-wide chart can show.
 */
import type { TimeseriesRow } from "./types.js";

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

/** Rows of one kind whose metric is one of `metrics`, as points. */
export function rowsOf(rows: readonly TimeseriesRow[], kind: string, metrics: readonly string[]): Point[] {
  const wanted = new Set(metrics);
  const out: Point[] = [];
  for (const r of rows) if (r.kind === kind && wanted.has(r.metric)) out.push({ time_s: r.time_s, name: r.name, metric: r.metric, value: r.value });
  return out;
}

export interface TopNames {
  /** Names kept, best first (ties broken by name, so the choice is deterministic). */
  names: string[];
  /** How many distinct names there were in all. */
  total: number;
}

/**
 * The `limit` names whose `metric` has the highest mean (nulls ignored; a name with no values
 * ranks last). Used to keep a chart to at most MAX_SERIES lines.
 */
export function topNames(points: readonly Point[], metric: string, limit = MAX_SERIES): TopNames {
  const sums = new Map<string, { sum: number; n: number }>();
  for (const p of points) {
    let s = sums.get(p.name);
    if (s === undefined) sums.set(p.name, (s = { sum: 0, n: 0 }));
    if (p.metric === metric && p.value !== null) {
      s.sum += p.value;
      s.n++;
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

export function keepNames<T extends { name: string }>(points: readonly T[], names: readonly string[]): T[] {
  const keep = new Set(names);
  return points.filter((p) => keep.has(p.name));
}

const same = (a: number | null, b: number | null): boolean => a === b;

/**
 * Thins one series (points in time order) without changing how it draws:
 * 1. inside a run of equal values only the first and last points matter (exact for step and
 *    linear lines alike);
 * 2. if still longer than `maxPoints`, M4 bucketing (first, min, max, last per time bucket),
 *    which keeps every extreme a line of that width can show. Null points (gaps) are kept.
 */
export function thinSeries<T extends { time_s: number; value: number | null }>(points: readonly T[], maxPoints = MAX_POINTS_PER_SERIES): T[] {
  const runs: T[] = [];
  for (let i = 0; i < points.length; i++) {
    const prev = points[i - 1];
    const next = points[i + 1];
    const interior = prev !== undefined && next !== undefined && same(prev.value, points[i].value) && same(next.value, points[i].value);
    if (!interior) runs.push(points[i]);
  }
  if (runs.length <= maxPoints) return runs;

  const buckets = Math.max(1, Math.floor(maxPoints / 4));
  const t0 = runs[0].time_s;
  const span = runs[runs.length - 1].time_s - t0 || 1;
  const out: T[] = [];
  let i = 0;
  for (let b = 0; b < buckets && i < runs.length; b++) {
    const end = b === buckets - 1 ? Infinity : t0 + (span * (b + 1)) / buckets;
    const inBucket: number[] = [];
    const nulls: number[] = [];
    let min = -1;
    let max = -1;
    for (; i < runs.length && runs[i].time_s < end; i++) {
      const v = runs[i].value;
      if (v === null) {
        nulls.push(i);
        continue;
      }
      inBucket.push(i);
      if (min < 0 || v < (runs[min].value as number)) min = i;
      if (max < 0 || v > (runs[max].value as number)) max = i;
    }
    const keep = new Set<number>(nulls);
    if (inBucket.length > 0) {
      keep.add(inBucket[0]).add(inBucket[inBucket.length - 1]).add(min).add(max);
    }
    for (const k of [...keep].sort((a, c) => a - c)) out.push(runs[k]);
  }
  return out;
}

/** Thins each (name, metric) series separately; output keeps series together, in time order. */
export function thinAll(points: readonly Point[], maxPoints = MAX_POINTS_PER_SERIES): Point[] {
  const groups = new Map<string, Point[]>();
  for (const p of points) {
    const key = `${p.name}\u0000${p.metric}`;
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = []));
    g.push(p);
  }
  const out: Point[] = [];
  for (const g of groups.values()) {
    // Stable sort: the CSV is in time order already; this guards against a runner that is not.
    g.sort((a, b) => a.time_s - b.time_s);
    for (const p of thinSeries(g, maxPoints)) out.push(p);
  }
  return out;
}
