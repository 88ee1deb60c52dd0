/**
 * Recorder keeps rows as typed-array cells and interned strings; what it gives back (rows and
 * CSV) must be what csv-stringify makes of the rows as added, across its CSV chunks too.
 */
import t from "tap";
import { stringify } from "csv-stringify/sync";
import { Recorder, type Cell } from "../../engine/recorder.js";

const COLUMNS = ["time_s", "name", "value", "note"];

function plainCsv(rows: Cell[][]): string {
  return stringify(rows, { header: true, columns: COLUMNS, cast: { number: (v: number) => (Number.isNaN(v) ? "NaN" : String(v)) } });
}

t.test("rows and CSV are those added, strings and numbers alike", async (t) => {
  const rows: Cell[][] = [
    [0.5, "web", 3, ""],
    [1, "web", -0, 'a "quoted", comma'],
    [1.25, "db", Number.NaN, "multi\nline"],
    [2, "", 1e-7, "web"], // a string equal to another column's
    [3, "web", 123456789.125, "3"], // a string that looks like a number stays a string
  ];
  const recorder = new Recorder(COLUMNS);
  for (const row of rows) recorder.add([...row]);
  t.equal(recorder.length, rows.length);
  t.same(recorder.all(), rows);
  t.equal(typeof recorder.all()[4][3], "string");
  t.ok(Object.is(recorder.all()[1][2], -0), "-0 kept");
  t.equal(recorder.toCsv(), plainCsv(rows));
});

t.test("CSV across chunks equals one csv-stringify call", async (t) => {
  const rows: Cell[][] = [];
  for (let i = 0; i < 120_001; i++) rows.push([i / 4, `pod-${i % 997}`, i % 7 === 0 ? "" : i * 1.5, i % 3 === 0 ? "x,y" : "ok"]);
  const recorder = new Recorder(COLUMNS);
  for (const row of rows) recorder.add(row);
  t.equal(recorder.toCsv(), plainCsv(rows));
});

t.test("an empty recorder writes the header; bad rows and overflow are refused", async (t) => {
  const recorder = new Recorder(COLUMNS, 2);
  t.equal(recorder.toCsv(), plainCsv([]));
  t.throws(() => recorder.add([1, "a"]), /row has 2 cells, recorder has 4 columns/);
  recorder.add([1, "a", 2, ""]);
  recorder.add([2, "b", 3, ""]);
  t.throws(() => recorder.add([3, "c", 4, ""]), /recorder is full \(2 rows\)/);
  t.throws(() => new Recorder([]), /at least one column/);
});
