import fs from "node:fs";
import path from "node:path";
import t from "tap";
import { writeFilesAtomically } from "../../../experiments/output.js";
import { buildReportFiles, escapeHtml, readRunDir, writeReport } from "../../../experiments/report/index.js";
import { XSS, writeRunDir } from "./fixtures.js";
import { tempDir } from "../../temp-dir.js";

t.test("escapeHtml", async (t) => {
  t.equal(escapeHtml(`<a href="x" title='y'>&</a>`), "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  t.equal(escapeHtml(undefined), "");
  t.equal(escapeHtml(42), "42");
});

t.test("readRunDir parses quoted CSV, empty values and booleans", async (t) => {
  const dir = writeRunDir();
  const run = readRunDir(dir);
  t.equal(run.events.length, 3);
  t.equal(run.events[2].message, `multi-line\nmessage with ${XSS} & <b>tags</b>`);
  t.match(run.events[1].message, /"quoted"/);
  const [web] = run.timeseries.select("Service", ["latency_p95_ms"]);
  t.equal(web.name, "web");
  t.equal(web.time_s[0], 0);
  t.ok(Number.isNaN(web.value[0]), "empty cell is a gap (NaN), not 0");
  t.equal(web.value[1], 90 + (50 + 40 * Math.sin(15 / 120)) * 1.5);
  t.ok(run.decisions.some((d) => d.rescale) && run.decisions.some((d) => !d.rescale));
  t.equal(run.decisions.find((d) => d.limiting_reason !== "")!.limiting_reason, 'TooManyReplicas, "max"');
  t.equal(run.summary.scale_events, "12");
  t.equal(run.manifest.slo?.latencyP95_ms, 200);
});

t.test("report.html escapes all free text", async (t) => {
  const dir = writeRunDir({ description: `Scenario ${XSS}\n"quoted" & 'single'` });
  const files = await buildReportFiles(readRunDir(dir), { lastRows: 10 });
  const html = files["report.html"] as string;
  t.ok(html.includes("Scenario &lt;img src=x onerror=alert(1)&gt;"), "description shown as text");
  t.notOk(html.includes("<img"), "no img element anywhere");
  t.notOk(html.includes("<script"), "no script element (summary cell and event message escaped)");
  t.ok(html.includes("&lt;script&gt;alert(1)&lt;/script&gt;"), "summary cell escaped");
  t.ok(html.includes("&lt;b&gt;tags&lt;/b&gt;"), "event message escaped");
  t.ok(html.includes("diurnal &lt;web&gt;"), "scenario name escaped");
  t.ok(html.includes(`<link rel="icon" href="data:,">`), "favicon that needs no request");
  t.notMatch(html, /(src|href)="(https?:)?\/\//, "no network resources");
  t.equal((html.match(/<figure /g) ?? []).length, 4, "every chart inline");
  t.match(html, /The last 10 of \d+ decisions/);
  const decisions = html.slice(html.indexOf('<section id="decisions">'), html.indexOf('<section id="events">'));
  t.ok(decisions.indexOf("<h3>Rescales</h3>") >= 0 && decisions.indexOf("<h3>Rescales</h3>") < decisions.indexOf("<h3>Recent syncs</h3>"), "the rescales first, then the recent syncs");
  // Every id on the page is unique: several inline SVGs must not share clip ids.
  const ids = [...html.matchAll(/ id="([^"]+)"/g)].map((m) => m[1]);
  t.equal(new Set(ids).size, ids.length, "unique ids");
});

t.test("buildReportFiles is deterministic and writes atomically with the runner's helper", async (t) => {
  const dir = writeRunDir();
  const run = readRunDir(dir);
  const a = await buildReportFiles(run);
  const b = await buildReportFiles(run);
  t.same(Object.keys(a).sort(), [
    "charts/cpu-utilization.png",
    "charts/cpu-utilization.svg",
    "charts/cpu-utilization.vl.json",
    "charts/decisions.png",
    "charts/decisions.svg",
    "charts/decisions.vl.json",
    "charts/latency.png",
    "charts/latency.svg",
    "charts/latency.vl.json",
    "charts/replicas.png",
    "charts/replicas.svg",
    "charts/replicas.vl.json",
    "report.html",
  ]);
  for (const k of Object.keys(a)) t.same(Buffer.from(a[k]), Buffer.from(b[k]), `${k} identical`);
  const out = path.join(tempDir("kubesim-report-out-"), "run");
  writeFilesAtomically(out, a);
  t.ok(fs.statSync(path.join(out, "charts/replicas.png")).size > 1000);
  const spec = JSON.parse(fs.readFileSync(path.join(out, "charts/latency.vl.json"), "utf8"));
  t.equal(spec.$schema, "https://vega.github.io/schema/vega-lite/v6.json");
});

t.test("writeReport writes into the run folder; missing optional files are fine", async (t) => {
  const dir = writeRunDir();
  fs.rmSync(path.join(dir, "decisions.csv"));
  fs.rmSync(path.join(dir, "events.csv"));
  const written = await writeReport(dir);
  t.ok(written.includes("report.html"));
  t.notOk(written.includes("charts/decisions.svg"), "no decisions chart without decisions");
  for (const f of written) t.ok(fs.existsSync(path.join(dir, f)), f);
  t.same(fs.readdirSync(dir).filter((f) => f.includes(".partial-")), [], "no temporary files left");
  const html = fs.readFileSync(path.join(dir, "report.html"), "utf8");
  t.match(html, /No HPA decisions in this run/);
});

t.test("a malformed timeseries is reported with its row", async (t) => {
  const dir = writeRunDir();
  fs.appendFileSync(path.join(dir, "timeseries.csv"), "abc,Deployment,web,replicas_spec,1\n");
  t.throws(() => readRunDir(dir), /timeseries\.csv: row \d+ has no valid time_s/);
});

t.test("the report a run builds from its recorders is the report of its folder on disk, byte for byte", async (t) => {
  const { loadScenariosOrFail, reportFiles } = await import("../../../experiments/commands/run.js");
  const { runScenario } = await import("../../../experiments/runner.js");
  const [loaded] = loadScenariosOrFail(["experiments/scenarios/php-apache/scenario.yaml"], "none");
  const output = runScenario({ ...loaded.config, duration_ms: 10 * 60_000 }, { name: "php-apache", description: "d", sloLatencyP95_ms: 2000, files: loaded.scenario.files });
  const dir = tempDir("kubesim-recorded-");
  const run = path.join(dir, "run");
  writeFilesAtomically(run, output.files);
  // The files stream from the recorders on every write: a second write gives the same bytes.
  writeFilesAtomically(path.join(dir, "again"), output.files);
  for (const f of ["timeseries.csv", "events.csv", "decisions.csv"]) {
    t.equal(fs.readFileSync(path.join(dir, "again", f), "utf8"), fs.readFileSync(path.join(run, f), "utf8"), `${f} written twice, same bytes`);
  }
  const fromMemory = await reportFiles(output);
  const fromDisk = await buildReportFiles(readRunDir(run));
  t.same(Object.keys(fromMemory), Object.keys(fromDisk));
  t.ok(Object.keys(fromMemory).includes("charts/decisions.svg"), "the run has HPA decisions");
  for (const name of Object.keys(fromDisk)) t.same(Buffer.from(fromMemory[name]), Buffer.from(fromDisk[name]), name);
});
