/**
 * A tidy long-format time series (`time_s,kind,name,metric,value`) held in columns: times and
 * values in Float64Arrays, kind/name/metric as interned ids. A 24-hour run of a 5,000-pod
 * cluster records millions of rows; as row objects they would cost ~100 bytes each, here 20.
 * The columns come in fixed blocks of rows, so a 28-day run grows by adding blocks, never by
 * copying everything recorded into arrays twice the size (which held old and new at once).
 * CSV is produced in chunks (`csvChunks`), so no single giant string is built; a report reads
 * the series it charts as columns (`columns`), never as one object per row.
 */

import { csvField, csvNumber } from "./csv.js";

export const TIMESERIES_COLUMNS = ["time_s", "kind", "name", "metric", "value"] as const;

/** Rows per storage block (1.25 MiB of columns). */
const BLOCK_ROWS = 65_536;

/** One series' identity and its rows as columns, in recording order. */
export interface SeriesColumns {
  kind: string;
  name: string;
  metric: string;
  time_ms: Float64Array;
  values: Float64Array;
}

export class TimeSeries {
  private readonly timeBlocks: Float64Array[] = [];
  private readonly valueBlocks: Float64Array[] = [];
  private readonly keyBlocks: Uint32Array[] = [];
  /** The block rows are added to, and the next free slot in it. */
  private time_ms = new Float64Array(0);
  private values = new Float64Array(0);
  private keys = new Uint32Array(0);
  private offset = 0;
  private rowCount = 0;
  /** Interned (kind, name, metric) triples: id -> CSV-ready text, and the parts. */
  private readonly seriesText: string[] = [];
  private readonly seriesParts: { kind: string; name: string; metric: string }[] = [];
  /**
   * Series ids by kind, then metric, then name: a row is added without building a key string
   * (the parts' hashes are cached in the strings), which at 100,000 rows per simulated hour
   * was most of what adding cost.
   */
  private readonly seriesIds = new Map<string, Map<string, Map<string, number>>>();

  constructor(private readonly capacity = 100_000_000) {}

  get length(): number {
    return this.rowCount;
  }

  /** An id for a (kind, name, metric) series; reuse it with `addById` on hot paths. */
  series(kind: string, name: string, metric: string): number {
    let byMetric = this.seriesIds.get(kind);
    if (byMetric === undefined) this.seriesIds.set(kind, (byMetric = new Map()));
    let byName = byMetric.get(metric);
    if (byName === undefined) byMetric.set(metric, (byName = new Map()));
    let id = byName.get(name);
    if (id === undefined) {
      id = this.seriesText.length;
      this.seriesText.push(`${csvField(kind)},${csvField(name)},${csvField(metric)}`);
      this.seriesParts.push({ kind, name, metric });
      byName.set(name, id);
    }
    return id;
  }

  add(time_ms: number, kind: string, name: string, metric: string, value: number): void {
    this.addById(time_ms, this.series(kind, name, metric), value);
  }

  addById(time_ms: number, seriesId: number, value: number): void {
    if (this.offset === this.keys.length) this.addBlock();
    this.time_ms[this.offset] = time_ms;
    this.keys[this.offset] = seriesId;
    this.values[this.offset] = value;
    this.offset++;
    this.rowCount++;
  }

  /** Values of one series as [time_ms, value] pairs, in recording order. */
  get(kind: string, name: string, metric: string): [number, number][] {
    const [series] = this.columns((k, n, m) => k === kind && n === name && m === metric);
    const out: [number, number][] = [];
    if (series !== undefined) for (let i = 0; i < series.time_ms.length; i++) out.push([series.time_ms[i], series.values[i]]);
    return out;
  }

  /**
   * The series whose (kind, name, metric) `keep` accepts, each as columns in recording order;
   * the series in the order of their first row. Two passes over the rows: count, then fill.
   */
  columns(keep: (kind: string, name: string, metric: string) => boolean): SeriesColumns[] {
    const slot = new Int32Array(this.seriesParts.length).fill(-1);
    const counts: number[] = [];
    const firstRow: number[] = [];
    const ids: number[] = [];
    for (let id = 0; id < this.seriesParts.length; id++) {
      const p = this.seriesParts[id];
      if (keep(p.kind, p.name, p.metric)) {
        slot[id] = ids.length;
        ids.push(id);
        counts.push(0);
        firstRow.push(Infinity);
      }
    }
    if (ids.length === 0) return [];
    let row = 0;
    this.forEachRow((key) => {
      const s = slot[key];
      if (s >= 0) {
        if (counts[s] === 0) firstRow[s] = row;
        counts[s]++;
      }
      row++;
    });
    const out: SeriesColumns[] = ids.map((id, s) => ({ ...this.seriesParts[id], time_ms: new Float64Array(counts[s]), values: new Float64Array(counts[s]) }));
    const filled = new Array<number>(ids.length).fill(0);
    this.forEachRow((key, time_ms, value) => {
      const s = slot[key];
      if (s >= 0) {
        out[s].time_ms[filled[s]] = time_ms;
        out[s].values[filled[s]++] = value;
      }
    });
    // Series with no row yet (an id taken for a hot path) are left out.
    return out.map((series, s) => ({ series, first: firstRow[s] })).filter((x) => x.first !== Infinity).sort((a, b) => a.first - b.first).map((x) => x.series);
  }

  /** Every row in recording order. */
  *rows(): Generator<{ time_ms: number; kind: string; name: string; metric: string; value: number }> {
    for (let b = 0; b < this.keyBlocks.length; b++) {
      const times = this.timeBlocks[b];
      const keys = this.keyBlocks[b];
      const values = this.valueBlocks[b];
      const n = this.blockLength(b);
      for (let i = 0; i < n; i++) {
        const parts = this.seriesParts[keys[i]];
        yield { time_ms: times[i], kind: parts.kind, name: parts.name, metric: parts.metric, value: values[i] };
      }
    }
  }

  /** The CSV text in chunks of about `rowsPerChunk` rows, header first. */
  *csvChunks(rowsPerChunk = 5_000): Generator<string> {
    yield TIMESERIES_COLUMNS.join(",") + "\n";
    const lines: string[] = [];
    for (let b = 0; b < this.keyBlocks.length; b++) {
      const times = this.timeBlocks[b];
      const keys = this.keyBlocks[b];
      const values = this.valueBlocks[b];
      const n = this.blockLength(b);
      for (let i = 0; i < n; i++) {
        lines.push(`${times[i] / 1000},${this.seriesText[keys[i]]},${csvNumber(values[i])}\n`);
        if (lines.length === rowsPerChunk) {
          yield lines.join("");
          lines.length = 0;
        }
      }
    }
    if (lines.length > 0) yield lines.join("");
  }

  toCsv(): string {
    return [...this.csvChunks()].join("");
  }

  private forEachRow(visit: (key: number, time_ms: number, value: number) => void): void {
    for (let b = 0; b < this.keyBlocks.length; b++) {
      const times = this.timeBlocks[b];
      const keys = this.keyBlocks[b];
      const values = this.valueBlocks[b];
      const n = this.blockLength(b);
      for (let i = 0; i < n; i++) visit(keys[i], times[i], values[i]);
    }
  }

  private blockLength(b: number): number {
    return b === this.keyBlocks.length - 1 ? this.offset : BLOCK_ROWS;
  }

  private addBlock(): void {
    if (this.rowCount >= this.capacity) throw new RangeError(`time series is full (${this.capacity} rows)`);
    this.time_ms = new Float64Array(BLOCK_ROWS);
    this.values = new Float64Array(BLOCK_ROWS);
    this.keys = new Uint32Array(BLOCK_ROWS);
    this.timeBlocks.push(this.time_ms);
    this.valueBlocks.push(this.values);
    this.keyBlocks.push(this.keys);
    this.offset = 0;
  }
}
