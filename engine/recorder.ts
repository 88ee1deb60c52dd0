/**
 * Collects a run's output rows in memory, column names fixed up front, and serialises them as
 * CSV (RFC 4180 quoting by csv-stringify, so commas, quotes and newlines in free text survive).
 *
 * Numbers are written with JavaScript's shortest round-trip formatting, which is specified
 * exactly by ECMAScript, so the same values give the same bytes on every machine.
 *
 * Rows are kept as cells in a typed array (a number, or the id of an interned string), not as
 * arrays of values: a day of 100 HPAs is 576,000 decision rows, and as JS arrays with their
 * strings and boxed numbers they were millions of heap objects that every major GC had to mark
 * again, slowing the run as it went on.
 */
import { stringify } from "csv-stringify/sync";
import { resized } from "./typed-arrays.js";

export type Cell = string | number;

/** Rows per csv-stringify call in `toCsv` (bounds the row arrays built at once). */
const CSV_CHUNK_ROWS = 50_000;

export class Recorder {
  private rowCount = 0;
  /** Row r's cell c at `r * width + c`: the number, or for a string cell its id in `strings`. */
  private cells = new Float64Array(0);
  /** 1 where `cells` holds a string id. */
  private isString = new Uint8Array(0);
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /** The rows as arrays, built by `all()` for the rows recorded so far. */
  private readonly materialized: Cell[][] = [];

  constructor(
    readonly columns: readonly string[],
    /** Bound on rows held, so a runaway recorder fails loudly. */
    private readonly capacity: number = 20_000_000,
  ) {
    if (columns.length === 0) throw new RangeError("a recorder needs at least one column");
  }

  get length(): number {
    return this.rowCount;
  }

  add(row: Cell[]): void {
    const width = this.columns.length;
    if (row.length !== width) {
      throw new RangeError(`row has ${row.length} cells, recorder has ${width} columns`);
    }
    if (this.rowCount >= this.capacity) throw new RangeError(`recorder is full (${this.capacity} rows)`);
    const base = this.rowCount * width;
    if (base + width > this.cells.length) this.grow(base + width);
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (typeof cell === "number") {
        this.cells[base + c] = cell;
        this.isString[base + c] = 0;
      } else {
        this.cells[base + c] = this.intern(cell);
        this.isString[base + c] = 1;
      }
    }
    this.rowCount++;
  }

  /** Rows as recorded (read-only view for tests and reports). */
  all(): readonly (readonly Cell[])[] {
    for (let r = this.materialized.length; r < this.rowCount; r++) this.materialized.push(this.row(r));
    return this.materialized;
  }

  toCsv(): string {
    const options = { columns: [...this.columns], cast: { number: formatNumber } };
    if (this.rowCount === 0) return stringify([], { ...options, header: true });
    const parts: string[] = [];
    for (let start = 0; start < this.rowCount; start += CSV_CHUNK_ROWS) {
      const rows: Cell[][] = [];
      for (let r = start; r < Math.min(this.rowCount, start + CSV_CHUNK_ROWS); r++) rows.push(this.row(r));
      parts.push(stringify(rows, { ...options, header: start === 0 }));
    }
    return parts.join("");
  }

  private row(r: number): Cell[] {
    const width = this.columns.length;
    const row: Cell[] = new Array(width);
    for (let c = 0; c < width; c++) {
      const i = r * width + c;
      row[c] = this.isString[i] === 1 ? this.strings[this.cells[i]] : this.cells[i];
    }
    return row;
  }

  /** One copy of each distinct text: log cells repeat (names, reasons, conditions). */
  private intern(text: string): number {
    let id = this.stringIds.get(text);
    if (id === undefined) {
      id = this.strings.length;
      this.strings.push(text);
      this.stringIds.set(text, id);
    }
    return id;
  }

  private grow(minCells: number): void {
    const length = Math.max(minCells, 2 * this.cells.length, 1024);
    this.cells = resized(this.cells, length);
    this.isString = resized(this.isString, length);
  }
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}
