/**
 * The two SeriesSources: a finished run's TimeSeries recorder read in place (`recordedSeries`,
 * what `kubesim run` reports from), and a fixed list of series (`seriesList`, what a CSV file
 * parses into and what `compare` keeps of each run).
 */
import type { TimeSeries } from "../../engine/index.js";
import type { MetricFilter, Series, SeriesSource } from "./types.js";

/** `metrics` as a predicate. */
const metricTest = (metrics: MetricFilter): ((metric: string) => boolean) => (typeof metrics === "function" ? metrics : (m) => metrics.includes(m));

export function seriesList(list: readonly Series[]): SeriesSource {
  return {
    select(kind, metrics) {
      const wanted = metricTest(metrics);
      return list.filter((s) => s.kind === kind && wanted(s.metric));
    },
  };
}

/**
 * The recorder's series as the CSV would give them back: time in seconds (the CSV writes
 * time_ms / 1000 in shortest round-trip form, so parsing it gives this same number) and
 * non-finite values as NaN (written as empty cells).
 */
export function recordedSeries(timeseries: TimeSeries): SeriesSource {
  return {
    select(kind, metrics) {
      const wanted = metricTest(metrics);
      return timeseries.columns((k, _name, metric) => k === kind && wanted(metric)).map((c) => {
        const time_s = new Float64Array(c.time_ms.length);
        const value = new Float64Array(c.values.length);
        for (let i = 0; i < time_s.length; i++) {
          time_s[i] = c.time_ms[i] / 1000;
          value[i] = Number.isFinite(c.values[i]) ? c.values[i] : NaN;
        }
        return { kind: c.kind, name: c.name, metric: c.metric, time_s, value };
      });
    },
  };
}

/** Collects rows of any order into series (first-row order), for the CSV reader. */
export class SeriesBuilder {
  private readonly byKey = new Map<string, { kind: string; name: string; metric: string; time_s: number[]; value: number[] }>();

  add(time_s: number, kind: string, name: string, metric: string, value: number | null): void {
    const key = `${kind}\u0000${name}\u0000${metric}`;
    let s = this.byKey.get(key);
    if (s === undefined) this.byKey.set(key, (s = { kind, name, metric, time_s: [], value: [] }));
    s.time_s.push(time_s);
    s.value.push(value ?? NaN);
  }

  build(): SeriesSource {
    return seriesList([...this.byKey.values()].map((s) => ({ ...s, time_s: Float64Array.from(s.time_s), value: Float64Array.from(s.value) })));
  }
}
