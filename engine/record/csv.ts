/**
 * The one place that decides how a cell looks in every CSV kubesim writes, and how a reader of
 * kubesim's own CSVs gets the value back.
 *
 * Text cells (names, messages, factor values given as strings): a spreadsheet runs a cell that
 * begins with `=`, `+`, `-`, `@`, tab or CR (or the fullwidth `＝＋－＠` some normalise to those)
 * as a formula, so a scenario name such as `=HYPERLINK(...)` would become a live link in whoever
 * opens the file (OWASP "CSV injection"). Such a text is written with a leading `'` and
 * quoted: `"'=HYPERLINK(...)"`, which every spreadsheet shows as text. Numbers are not text: a
 * numeric cell keeps its sign (`-1` stays `-1`), so a column of numbers still sums. A text that
 * already begins with quotes before such a character (`'=x`) gets one more, so `csvTextValue`
 * gives back exactly the text that was written.
 *
 * Number cells: shortest round-trip text (specified exactly by ECMAScript, so the same value
 * gives the same bytes everywhere); NaN and ±Infinity are written as an empty cell, never as
 * `NaN` or `Infinity`. What an empty cell means is documented per file (README, "A run folder").
 */

/** Text a spreadsheet would read as a formula, after any quotes this module added. */
const FORMULA_LIKE = /^'*[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;
/** A cell this module neutralised: quotes, then a formula character. */
const NEUTRALISED = /^'+[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** The text as a CSV should hold it (before RFC 4180 quoting): formula-like text gets a leading `'`. */
export function csvText(text: string): string {
  return FORMULA_LIKE.test(text) ? `'${text}` : text;
}

/** The text a kubesim CSV cell was written from: undoes `csvText` (other cells are returned as is). */
export function csvTextValue(cell: string): string {
  return NEUTRALISED.test(cell) ? cell.slice(1) : cell;
}

/** A number cell: finite numbers as JavaScript writes them, NaN and ±Infinity as "". */
export function csvNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : "";
}

/**
 * A text cell ready to join with commas: `csvText`, then RFC 4180 quoting when it holds a comma,
 * quote, CR or LF, or when it was neutralised. For writers that build lines by hand (the time
 * series, whose millions of rows are too many for a general CSV library's per-cell work).
 */
export function csvField(text: string): string {
  const cell = csvText(text);
  return cell !== text || /[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell;
}

/**
 * csv-stringify's `cast` for kubesim's writers: text through `csvText` (quoted when changed),
 * numbers through `csvNumber`, booleans as `true`/`false`.
 */
export const CSV_CAST = {
  string: (text: string): string | { value: string; quoted: boolean } => {
    const cell = csvText(text);
    return cell === text ? cell : { value: cell, quoted: true };
  },
  number: csvNumber,
  boolean: (value: boolean): string => String(value),
};
