/**
 * Collects a run's output rows in memory, column names fixed up front, and serialises them as
 * CSV (RFC 4180 quoting by csv-stringify, so commas, quotes and newlines in free text survive;
 * cells as engine/record/csv.ts writes them: formula-like text neutralised, non-finite numbers empty).
 *
 * Numbers are written with JavaScript's shortest round-trip formatting, which is specified
 * exactly by ECMAScript, so the same values give the same bytes on every machine.
 *
 * Rows are kept as cells in typed arrays (a number, or the id of an interned string), not as
 * arrays of values: a day of 100 HPAs is 576,000 decision rows, and as JS arrays with their
 * strings and boxed numbers they were millions of heap objects that every major GC had to mark
 * again, slowing the run as it went on. The arrays come in fixed blocks of rows, so a long run
 * grows by adding a block, never by copying everything recorded into an array twice the size.
 */
import { stringify } from "csv-stringify/sync";
import { CSV_CAST } from "./csv.js";

export type Cell = string | number;

/** Rows per storage block. */
const BLOCK_ROWS = 4096;
/** Rows per csv-stringify call in `csvChunks`: small chunks die young, so writing a long log does not grow the heap. */
const CSV_CHUNK_ROWS = 5_000;

export class Recorder {
  private rowCount = 0;
  /** Row r's cell c at `cells[r / BLOCK_ROWS][(r % BLOCK_ROWS) * width + c]`: the number, or a string's id. */
  private readonly cells: Float64Array[] = [];
  /** 1 where the same slot of `cells` holds a string id. */
  private readonly isString: Uint8Array[] = [];
  private readonly strings: string[] = [];
  private readonly stringIds = new Map<string, number>();
  /**
   * Each column's last string and its id, by stream (see `add`): a column mostly repeats its text
   * from row to row of a stream (a name, a reason, a condition), and comparing with the last is
   * cheaper than looking it up again in a table of every text the run has written.
   * `lastText[stream * width + c]`.
   */
  private lastText: (string | null)[] = [];
  private lastId = new Float64Array(0);
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

  /**
   * Records a row (its cells are copied). `stream` (a small integer ≥ 0, default 0) names the
   * source of rows that interleave with others', such as one HPA of many in the decision log: a
   * text is compared with the last its stream wrote in the column, which most rows repeat.
   */
  add(row: Cell[], stream = 0): void {
    const width = this.columns.length;
    if (row.length !== width) {
      throw new RangeError(`row has ${row.length} cells, recorder has ${width} columns`);
    }
    if (!(Number.isInteger(stream) && stream >= 0)) throw new RangeError(`stream must be an integer >= 0, got ${stream}`);
    const memo = stream * width;
    if (memo + width > this.lastId.length) this.growMemo(stream);
    if (this.rowCount >= this.capacity) throw new RangeError(`recorder is full (${this.capacity} rows)`);
    const block = Math.floor(this.rowCount / BLOCK_ROWS);
    if (block === this.cells.length) {
      this.cells.push(new Float64Array(BLOCK_ROWS * width));
      this.isString.push(new Uint8Array(BLOCK_ROWS * width));
    }
    const cells = this.cells[block];
    const isString = this.isString[block];
    const base = (this.rowCount % BLOCK_ROWS) * width;
    for (let c = 0; c < width; c++) {
      const cell = row[c];
      if (typeof cell === "number") {
        cells[base + c] = cell;
      } else {
        if (cell !== this.lastText[memo + c]) {
          this.lastText[memo + c] = cell;
          this.lastId[memo + c] = this.intern(cell);
        }
        cells[base + c] = this.lastId[memo + c];
        isString[base + c] = 1;
      }
    }
    this.rowCount++;
  }

  /** Rows as recorded (read-only view for tests and reports); kept, so later calls are cheap. */
  all(): readonly (readonly Cell[])[] {
    for (let r = this.materialized.length; r < this.rowCount; r++) this.materialized.push(this.row(r));
    return this.materialized;
  }

  /** Every row in recording order, each a fresh array, nothing kept (for one pass over a long log). */
  *rows(): Generator<Cell[]> {
    for (let r = 0; r < this.rowCount; r++) yield this.row(r);
  }

  /** The CSV text in chunks of `rowsPerChunk` rows, the header with the first. */
  *csvChunks(rowsPerChunk = CSV_CHUNK_ROWS): Generator<string> {
    const options = { columns: [...this.columns], cast: CSV_CAST };
    if (this.rowCount === 0) {
      yield stringify([], { ...options, header: true });
      return;
    }
    for (let start = 0; start < this.rowCount; start += rowsPerChunk) {
      const rows: Cell[][] = [];
      for (let r = start; r < Math.min(this.rowCount, start + rowsPerChunk); r++) rows.push(this.row(r));
      yield stringify(rows, { ...options, header: start === 0 });
    }
  }

  toCsv(): string {
    return [...this.csvChunks()].join("");
  }

  private row(r: number): Cell[] {
    const width = this.columns.length;
    const cells = this.cells[Math.floor(r / BLOCK_ROWS)];
    const isString = this.isString[Math.floor(r / BLOCK_ROWS)];
    const base = (r % BLOCK_ROWS) * width;
    const row: Cell[] = new Array(width);
    for (let c = 0; c < width; c++) row[c] = isString[base + c] === 1 ? this.strings[cells[base + c]] : cells[base + c];
    return row;
  }

  /** Makes room in the last-text memo for streams up to `stream` (at least doubling it). */
  private growMemo(stream: number): void {
    const width = this.columns.length;
    const size = Math.max((stream + 1) * width, 2 * this.lastId.length);
    const lastId = new Float64Array(size);
    lastId.set(this.lastId);
    this.lastId = lastId;
    while (this.lastText.length < size) this.lastText.push(null);
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
}
