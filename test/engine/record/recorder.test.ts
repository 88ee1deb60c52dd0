/**
 * Recorder keeps rows as typed-array cells and interned strings, in blocks; what it gives back
 * (rows and CSV) must be what csv-stringify makes of the rows as added (non-finite numbers empty,
 * formula-like text neutralised, engine/record/csv.ts), across its blocks and CSV chunks too.
 */
import t from "tap";
import { stringify } from "csv-stringify/sync";
import { Recorder, type Cell } from "../../../engine/record/recorder.js";

const COLUMNS = ["time_s", "name", "value", "note"];

function plainCsv(rows: Cell[][]): string {
  return stringify(rows, { header: true, columns: COLUMNS, cast: { number: (v: number) => (Number.isFinite(v) ? String(v) : "") } });
}

t.test("rows and CSV are those added, strings and numbers alike", async (t) => {
  const rows: Cell[][] = [
    [0.5, "web", 3, ""],
    [1, "web", -0, 'a "quoted", comma'],
    [1.25, "db", Number.NaN, "multi\nline"],
    [2, "", 1e-7, "web"], // a string equal to another column's
    [3, "web", 123456789.125, "3"], // a string that looks like a number stays a string
    [4, "web", -Infinity, "-"],
  ];
  const recorder = new Recorder(COLUMNS);
  for (const row of rows) recorder.add([...row]);
  t.equal(recorder.length, rows.length);
  t.same(recorder.all(), rows);
  t.equal(typeof recorder.all()[4][3], "string");
  t.ok(Object.is(recorder.all()[1][2], -0), "-0 kept");
  t.equal(recorder.toCsv(), plainCsv(rows.slice(0, 5)) + `4,web,,"'-"\n`, "NaN and -Infinity as empty cells; a text '-' neutralised");
});

t.test("a column's texts read back in order as they repeat, change and come back, also where a number took the cell", async (t) => {
  const notes = ["up", "up", "down", "up", "up", "down", "down", "up"];
  const rows: Cell[][] = notes.map((note, i) => [i, i % 3 === 0 ? "a" : "b", i, i === 4 ? 7 : note]);
  const recorder = new Recorder(COLUMNS);
  for (const row of rows) recorder.add([...row]);
  t.same(recorder.all(), rows);
  t.equal(recorder.toCsv(), plainCsv(rows));
});

t.test("rows of interleaved streams read back as added, each stream's texts as they repeat and change", async (t) => {
  // Three sources taking turns (as HPAs do in the decision log), each repeating its own texts,
  // sometimes another's, sometimes a number where a text was; streams first used out of order.
  const streams = [2, 0, 5];
  const rows: Cell[][] = [];
  const recorder = new Recorder(COLUMNS);
  const plain = new Recorder(COLUMNS);
  for (let i = 0; i < 60; i++) {
    const s = i % 3;
    const note = i % 7 === 0 ? `new ${i}` : i % 11 === 0 ? 11 : ["steady", "up", "down"][(s + Math.floor(i / 9)) % 3];
    const row: Cell[] = [i, `hpa-${s}`, i % 5, note];
    rows.push(row);
    recorder.add([...row], streams[s]);
    plain.add([...row]);
  }
  t.same(recorder.all(), rows);
  t.equal(recorder.toCsv(), plain.toCsv(), "the same CSV as one stream");
  t.throws(() => recorder.add([0, "x", 0, "y"], -1), /stream must be an integer >= 0/);
  t.throws(() => recorder.add([0, "x", 0, "y"], 1.5), /stream must be an integer >= 0/);
});

t.test("text cells a spreadsheet would run are written as text; numbers keep their sign", async (t) => {
  const recorder = new Recorder(["time_s", "name", "value", "note"]);
  recorder.add([-1.5, "=HYPERLINK(\"http://x\",\"y\")", -3.5, "+cmd"]);
  recorder.add([0, "@SUM(A1)", -0.25, "-2"]);
  recorder.add([1, "\tTAB", 1, "\rCR"]);
  recorder.add([2, "'=already", 2, "ok"]);
  t.equal(
    recorder.toCsv(),
    "time_s,name,value,note\n" +
      `-1.5,"'=HYPERLINK(""http://x"",""y"")",-3.5,"'+cmd"\n` +
      `0,"'@SUM(A1)",-0.25,"'-2"\n` +
      `1,"'\tTAB",1,"'\rCR"\n` +
      `2,"''=already",2,ok\n`,
  );
  t.same(recorder.all()[0], [-1.5, "=HYPERLINK(\"http://x\",\"y\")", -3.5, "+cmd"], "the rows themselves are unchanged");
});

t.test("csvChunks streams the CSV in chunks that join to toCsv", async (t) => {
  const recorder = new Recorder(COLUMNS);
  for (let i = 0; i < 10_000; i++) recorder.add([i, `n${i % 3}`, i / 3, ""]);
  const chunks = [...recorder.csvChunks(4_000)];
  t.equal(chunks.length, 3, "10,000 rows in chunks of 4,000");
  t.ok(chunks[0].startsWith("time_s,name,value,note\n0,n0,0,\n"), "header with the first chunk");
  t.notOk(chunks[1].startsWith("time_s"), "header only once");
  t.equal(chunks.join(""), recorder.toCsv());
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
