// docs/scenario.md is generated from the codecs the loader validates with; these tests fail when
// the committed file drifts from the generator, when a key has no description, or when a default
// the reference shows would not decode back to the value the model uses.
import t from "tap";
import fs from "node:fs";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { parse } from "yaml";
import { array, doc, opt, req, runDecoder, showValue, str } from "../../../experiments/manifests/codec.js";
import { strictStruct } from "../../../experiments/scenario/strict.js";
import { LAYER_FIELDS } from "../../../experiments/scenario/fields.js";
import { scenarioReference, shownDefaults, undocumented } from "../../../experiments/scenario/reference.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const docFile = path.join(root, "docs/scenario.md");

t.test("docs/scenario.md is the generator's output (regenerate: npx kubesim schema > docs/scenario.md)", async (t) => {
  t.equal(fs.readFileSync(docFile, "utf8"), scenarioReference());
});

t.test("`kubesim schema` prints the reference", async (t) => {
  const r = spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", "schema"], { cwd: root, encoding: "utf8" });
  t.equal(r.status, 0);
  t.equal(r.stdout, scenarioReference());
});

t.test("a reader that closes the pipe first (`kubesim schema | true`) ends the output quietly", async (t) => {
  // `true` exits long before node has started, so the write meets a closed pipe (EPIPE).
  const r = spawnSync("sh", ["-c", `"${process.execPath}" --import tsx experiments/cli.ts schema | true`], { cwd: root, encoding: "utf8" });
  t.equal(r.status, 0);
  t.equal(r.stderr, "", "no stack trace");
});

t.test("every key the validator accepts has a description", async (t) => {
  t.strictSame(undocumented(), []);
  // The check sees keys at any depth.
  const inner = strictStruct("inner", { documented: doc("yes", req(str)), bare: opt(str) }, { build: (f) => f });
  const outer = strictStruct("outer", { items: doc("a list", req(array(inner))) }, { build: (f) => f });
  t.strictSame(undocumented({ top: { codec: outer, list: false, doc: "" } }), ["top", "top.items[].bare"]);
});

t.test("each default, written as the reference shows it, decodes to the value the model uses", async (t) => {
  const all = shownDefaults();
  t.ok(all.length > 50, `${all.length} defaults checked`);
  t.ok(all.some((d) => d.path === "components.hpa.syncPeriod" && d.value === 15_000), "component defaults come from the models");
  for (const d of all) {
    const r = runDecoder(d.codec, parse(showValue(d.codec, d.value)));
    t.strictSame({ path: d.path, value: r.value, errors: r.errors }, { path: d.path, value: d.value, errors: [] });
  }
});

t.test("the reference names every top-level key, load profile and component parameter", async (t) => {
  const doc = scenarioReference();
  for (const key of Object.keys(LAYER_FIELDS)) t.match(doc, `| \`${key}\` |`, key);
  for (const type of ["constant", "step", "ramp", "sine", "diurnal", "spikes", "poissonSpikes", "trace", "users"]) t.match(doc, `#### \`type: ${type}\``, type);
  t.match(doc, "| `metricResolution` | duration ≥ 10s | `15s` | metrics-server `--metric-resolution`");
  t.match(doc, "| `cpuPerRequest` | CPU time on one core (200ms, 1.5s) | `10ms` |");
});

t.test("a map two fields share is described once: the queues' producer points at the load profile", async (t) => {
  const doc = scenarioReference();
  t.match(doc, /\| `produce` \| map with a `type`, see `load\[\]\.profile` \|/);
  t.notMatch(doc, /`queues\[\]\.produce`/, "no second copy of the profiles");
  t.equal(doc.match(/^#### `type: poissonSpikes`$/gm)?.length, 1);
});
