/**
 * engine/record/csv.ts owns how every kubesim CSV writes a cell: formula-like text neutralised (OWASP),
 * reversibly; numbers finite or empty. TimeSeries writes its hand-built lines with the same rule
 * and keeps its rows in blocks, read back as columns.
 */
import t from "tap";
import { parse } from "csv-parse/sync";
import { csvField, csvNumber, csvText, csvTextValue } from "../../../engine/record/csv.js";
import { TimeSeries } from "../../../engine/record/timeseries.js";

t.test("formula-like text gets a leading quote, and reads back exactly", async (t) => {
  const table: [string, string][] = [
    ["=1+2", "'=1+2"],
    ["+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"],
    ["-2", "'-2"],
    ["@SUM(A1:A9)", "'@SUM(A1:A9)"],
    ["\tx", "'\tx"],
    ["\rx", "'\rx"],
    ["\uFF1D1", "'\uFF1D1"],
    ["'=x", "''=x"], // already quoted by someone: one more, so reading back is exact
    ["web", "web"],
    ["a=b", "a=b"],
    ["'plain", "'plain"],
    ["", ""],
  ];
  for (const [text, written] of table) {
    t.equal(csvText(text), written, JSON.stringify(text));
    t.equal(csvTextValue(written), text, `${JSON.stringify(written)} reads back`);
  }
});

t.test("csvField quotes neutralised and RFC 4180 cells; csv-parse reads them back", async (t) => {
  t.equal(csvField("web"), "web");
  t.equal(csvField("a,b"), '"a,b"');
  t.equal(csvField("=HYPERLINK(\"x\")"), '"\'=HYPERLINK(""x"")"');
  const line = ["=1", "a,b", 'q"', "-x", "ok"].map(csvField).join(",");
  const [cells] = parse(line, { cast: (cell: string) => csvTextValue(cell) }) as string[][];
  t.same(cells, ["=1", "a,b", 'q"', "-x", "ok"]);
});

t.test("number cells: finite as JavaScript writes them, NaN and ±Infinity empty", async (t) => {
  t.equal(csvNumber(-3.5), "-3.5", "a negative number keeps its sign");
  t.equal(csvNumber(1e-7), "1e-7");
  t.equal(csvNumber(NaN), "");
  t.equal(csvNumber(Infinity), "");
  t.equal(csvNumber(-Infinity), "");
});

t.test("TimeSeries: rows across blocks, columns per series, CSV cells by the same rule", async (t) => {
  const ts = new TimeSeries();
  const hot = ts.series("Deployment", "never-added", "replicas_spec");
  const rows = 150_000; // more than two 65,536-row blocks
  for (let i = 0; i < rows; i++) {
    ts.add(i * 1000, "Service", i % 2 === 0 ? "b" : "=a", "latency_p95_ms", i % 5 === 0 ? NaN : i % 7 === 0 ? Infinity : -i);
  }
  t.equal(ts.length, rows);
  const cols = ts.columns((kind) => kind === "Service");
  t.same(cols.map((c) => c.name), ["b", "=a"], "series in first-row order; one without rows left out");
  t.equal(cols[0].time_ms.length, rows / 2);
  t.equal(cols[1].time_ms[70_000], (2 * 70_000 + 1) * 1000, "across a block boundary");
  t.equal(cols[1].values[70_000], -(2 * 70_000 + 1));
  t.same(ts.columns((_k, name) => name === "never-added"), []);
  t.not(hot, undefined);
  const csv = ts.toCsv().split("\n");
  t.equal(csv[0], "time_s,kind,name,metric,value");
  t.equal(csv[1], "0,Service,b,latency_p95_ms,", "NaN: empty");
  t.equal(csv[2], `1,Service,"'=a",latency_p95_ms,-1`, "formula-like name neutralised, negative number kept");
  t.equal(csv[8], "7,Service,\"'=a\",latency_p95_ms,", "Infinity: empty");
  t.equal(csv.length, rows + 2);
  t.equal([...ts.csvChunks(40_000)].join(""), ts.toCsv(), "chunks join to the whole");
});
