import t from "tap";
import { parseCpu_mcores, parseMemory_bytes, parseDuration_ms, QuantityError } from "../../../models/cluster/quantity.js";

t.test("CPU quantities in millicores", async (t) => {
  const cases: [string | number, number][] = [
    ["500m", 500], ["1", 1000], ["0.1", 100], ["2.5", 2500], [1, 1000], ["1500m", 1500], ["100u", 1], ["1k", 1_000_000],
  ];
  for (const [input, expected] of cases) t.equal(parseCpu_mcores(input), expected, `${input}`);
});

t.test("memory quantities in bytes", async (t) => {
  const cases: [string | number, number][] = [
    ["128Mi", 134217728], ["1Gi", 1073741824], ["1G", 1e9], ["512Ki", 524288], ["1000", 1000], ["1.5Gi", 1610612736], ["1e3", 1000],
  ];
  for (const [input, expected] of cases) t.equal(parseMemory_bytes(input), expected, `${input}`);
});

t.test("durations in milliseconds", async (t) => {
  const cases: [string | number, number][] = [
    ["15s", 15_000], ["1m30s", 90_000], ["500ms", 500], ["2h", 7_200_000], ["5m", 300_000], [30, 30_000], ["1.5s", 1500],
  ];
  for (const [input, expected] of cases) t.equal(parseDuration_ms(input), expected, `${input}`);
});

t.test("bad quantities and durations are rejected clearly", async (t) => {
  t.throws(() => parseCpu_mcores("fast"), QuantityError);
  t.throws(() => parseMemory_bytes("12Zi"), /not a quantity/);
  t.throws(() => parseDuration_ms("15"), /not a duration/);
  t.throws(() => parseDuration_ms("15x"), /not a duration/);
  t.throws(() => parseDuration_ms(-1), /duration must be/);
});
