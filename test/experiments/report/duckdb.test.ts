/**
 * The run's CSVs must load in DuckDB as they are (researchers query results with it):
 * read_csv_auto must find the columns and every row, even with commas, quotes and newlines in
 * event messages.
 */
import path from "node:path";
import t from "tap";
import { DuckDBInstance } from "@duckdb/node-api";
import { runTexts, writeRunDir } from "./fixtures.js";
import { readRunDir } from "../../../experiments/report/index.js";

t.test("timeseries.csv and events.csv load with read_csv_auto", async (t) => {
  const dir = writeRunDir();
  const run = readRunDir(dir);
  const instance = await DuckDBInstance.create(":memory:");
  const conn = await instance.connect();
  t.teardown(() => {
    conn.closeSync();
    instance.closeSync();
  });
  // Paths go into SQL as string literals: double any single quote.
  const lit = (file: string): string => `'${path.join(dir, file).replace(/'/g, "''")}'`;

  const columns = async (file: string): Promise<string[]> => {
    const r = await conn.runAndReadAll(`DESCRIBE SELECT * FROM read_csv_auto(${lit(file)})`);
    return r.getRowObjects().map((row) => String(row.column_name));
  };
  const count = async (sql: string): Promise<number> => {
    const r = await conn.runAndReadAll(sql);
    return r.getRows()[0][0] as number;
  };

  t.same(await columns("timeseries.csv"), ["time_s", "kind", "name", "metric", "value"]);
  t.same(await columns("events.csv"), ["time_s", "component", "kind", "name", "event", "reason", "message"]);
  t.equal(await count(`SELECT count(*)::INTEGER FROM read_csv_auto(${lit("timeseries.csv")})`), runTexts()["timeseries.csv"].trim().split("\n").length - 1);
  t.equal(await count(`SELECT count(*)::INTEGER FROM read_csv_auto(${lit("events.csv")})`), 3);
  t.equal(
    await count(`SELECT count(*)::INTEGER FROM read_csv_auto(${lit("events.csv")}) WHERE message LIKE 'multi-line' || chr(10) || '%'`),
    1,
    "newline kept inside a quoted message",
  );
  t.equal(
    await count(`SELECT count(*)::INTEGER FROM read_csv_auto(${lit("timeseries.csv")}) WHERE metric = 'latency_p95_ms' AND value IS NULL`),
    run.timeseries.select("Service", ["latency_p95_ms"]).reduce((n, s) => n + s.value.filter(Number.isNaN).length, 0),
    "empty values are NULL",
  );
  t.equal(
    await count(`SELECT count(*)::INTEGER FROM read_csv_auto(${lit("decisions.csv")})`),
    runTexts()["decisions.csv"].trim().split("\n").length - 1,
    "decisions.csv too",
  );
});
