/**
 * SeriesIds: rows added by id are the rows TimeSeries.add would add, series registered in the
 * order of their first rows (so the CSV is the same whichever way a writer adds).
 */
import t from "tap";
import { TimeSeries } from "../../../engine/index.js";
import { SeriesIds, SeriesIdsByName } from "../../../experiments/series-ids.js";

t.test("rows by id equal rows by name, series in first-row order", async (t) => {
  const byName = new TimeSeries();
  const byId = new TimeSeries();
  const nodes = new SeriesIdsByName(byId, "Node");
  const cluster = new SeriesIds(byId, "Cluster", "cluster");
  const rows: [number, string, string, string, number][] = [
    [0, "Node", "n1", "cpu_usage_mcores", 1],
    [0, "Cluster", "cluster", "nodes_ready", 2],
    [0, "Node", "n2", "cpu_usage_mcores", 3],
    [0, "Node", "n1", "cpu_requested_mcores", 4],
    [60_000, "Node", "n1", "cpu_usage_mcores", 5],
    [60_000, "Cluster", "cluster", "nodes_ready", 6],
    [60_000, "Node", "n2", "cpu_requested_mcores", 7],
  ];
  for (const [time_ms, kind, name, metric, value] of rows) {
    byName.add(time_ms, kind, name, metric, value);
    (kind === "Node" ? nodes.of(name) : cluster).add(time_ms, metric, value);
  }
  t.equal([...byId.csvChunks()].join(""), [...byName.csvChunks()].join(""), "the same CSV");
  t.equal(nodes.of("n1"), nodes.of("n1"), "one SeriesIds per name");
  t.same(byId.get("Node", "n1", "cpu_usage_mcores"), [[0, 1], [60_000, 5]]);
  // An id is made by the first row only: a series without rows is not in the CSV.
  nodes.of("n3");
  t.notMatch([...byId.csvChunks()].join(""), /n3/);
});
