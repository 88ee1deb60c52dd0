/**
 * Collects a run's output rows in memory, column names fixed up front, and serialises them as
 * CSV (RFC 4180 quoting by csv-stringify, so commas, quotes and newlines in free text survive).
 *
 * Numbers are written with JavaScript's shortest round-trip formatting, which is specified
 * exactly by ECMAScript, so the same values give the same bytes on every machine.
 */
import { stringify } from "csv-stringify/sync";

export type Cell = string | number;

export class Recorder {
  private readonly rows: Cell[][] = [];

  constructor(
    readonly columns: readonly string[],
    /** Bound on rows held, so a runaway recorder fails loudly. */
    private readonly capacity: number = 20_000_000,
  ) {
    if (columns.length === 0) throw new RangeError("a recorder needs at least one column");
  }

  get length(): number {
    return this.rows.length;
  }

  add(row: Cell[]): void {
    if (row.length !== this.columns.length) {
      throw new RangeError(`row has ${row.length} cells, recorder has ${this.columns.length} columns`);
    }
    if (this.rows.length >= this.capacity) throw new RangeError(`recorder is full (${this.capacity} rows)`);
    this.rows.push(row);
  }

  /** Rows as recorded (read-only view for tests and reports). */
  all(): readonly (readonly Cell[])[] {
    return this.rows;
  }

  toCsv(): string {
    return stringify(this.rows, { header: true, columns: [...this.columns], cast: { number: formatNumber } });
  }
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  return String(value);
}
