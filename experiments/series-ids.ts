/**
 * The time-series ids of one thing the sampler records (a node, a Deployment, a Service, an
 * HPA, the cluster), by metric: a sample adds each row by id (TimeSeries.addById) instead of
 * looking its kind, metric and name up again. An id is made by the series' first row, as
 * TimeSeries.add would make it, so the ids, and the CSV, are the same either way.
 */
import type { TimeSeries } from "../engine/index.js";

export class SeriesIds {
  /** Metric names and their ids, side by side; a handful per thing, so a scan beats a map. */
  private readonly metrics: string[] = [];
  private readonly ids: number[] = [];

  constructor(
    private readonly series: TimeSeries,
    readonly kind: string,
    readonly name: string,
  ) {}

  add(time_ms: number, metric: string, value: number): void {
    let i = this.metrics.indexOf(metric);
    if (i < 0) {
      i = this.metrics.length;
      this.metrics.push(metric);
      this.ids.push(this.series.series(this.kind, this.name, metric));
    }
    this.series.addById(time_ms, this.ids[i], value);
  }
}

/** The SeriesIds of each thing of one kind, by name, made on first use. */
export class SeriesIdsByName {
  private readonly byName = new Map<string, SeriesIds>();

  constructor(
    private readonly series: TimeSeries,
    private readonly kind: string,
  ) {}

  of(name: string): SeriesIds {
    let ids = this.byName.get(name);
    if (ids === undefined) {
      ids = new SeriesIds(this.series, this.kind, name);
      this.byName.set(name, ids);
    }
    return ids;
  }
}
