// Golden outputs: the SHA-256 of every CSV of every shipped scenario, pinned in
// golden-digests.json. A change meant only to be faster or cleaner (the one-pod-table redesign,
// a recorder rewrite) must leave them all alike; a change meant to move numbers updates the pins
// on purpose (`UPDATE_GOLDEN=1 npm test -- test/experiments/golden.test.ts`) and says why in its
// commit. manifest.json is left out: it records the version, the wall time and the source.
import { createHash } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { runScenario } from "../../experiments/runner.js";
import { loadScenario } from "../../experiments/scenario/index.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "../..");
const PINS = path.join(HERE, "golden-digests.json");
const SCENARIOS = [
  "experiments/scenarios/php-apache/scenario.yaml",
  "experiments/scenarios/php-apache/tuned.yaml",
  "experiments/scenarios/php-apache/requests.yaml",
  "experiments/scenarios/diurnal/scenario.yaml",
  "experiments/scenarios/spiky/scenario.yaml",
];

function digest(content: string | Uint8Array | Iterable<string>): string {
  const hash = createHash("sha256");
  if (typeof content === "string" || content instanceof Uint8Array) hash.update(content);
  else for (const chunk of content) hash.update(chunk);
  return hash.digest("hex");
}

const actual: Record<string, Record<string, string>> = {};
for (const file of SCENARIOS) {
  const loaded = loadScenario(path.join(ROOT, file));
  if (loaded.config === null) throw new Error(`${file} does not load`);
  const output = runScenario(loaded.config, { name: loaded.scenario.name, description: loaded.scenario.description, sloLatencyP95_ms: loaded.scenario.slo.latencyP95_ms, files: loaded.scenario.files });
  actual[file] = Object.fromEntries(Object.entries(output.files).filter(([name]) => name.endsWith(".csv")).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, content]) => [name, digest(content)]));
}

if (process.env.UPDATE_GOLDEN === "1") fs.writeFileSync(PINS, JSON.stringify(actual, null, 2) + "\n");
const pinned = JSON.parse(fs.readFileSync(PINS, "utf8")) as typeof actual;

for (const file of SCENARIOS) {
  t.test(file, async (t) => {
    t.strictSame(Object.keys(actual[file]), ["decisions.csv", "events.csv", "lag.csv", "summary.csv", "timeseries.csv"], "every CSV is pinned");
    for (const [name, sha] of Object.entries(actual[file])) t.equal(sha, pinned[file]?.[name], `${name} is byte-identical to the pinned output`);
  });
}
