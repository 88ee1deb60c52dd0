// The lag anatomy on the shipped php-apache walkthrough: stage times checked against the event
// log, time_to_scale_s from the Service's own HPA, no negative times, steps without a rescale
// counted, and time-to-scale independent of the scale-down window.
import path from "node:path";
import { fileURLToPath } from "node:url";
import t from "tap";
import { parse } from "csv-parse/sync";
import { runScenario } from "../../../experiments/runner.js";
import { loadScenario } from "../../../experiments/scenario/index.js";
import type { SimulationConfig } from "../../../experiments/simulator.js";
import { LAG_COLUMNS } from "../../../experiments/lag/anatomy.js";
import { step } from "../../../models/workload/load-profiles.js";
import { fixture, HEADER, WEB_MANIFESTS } from "../scenario/helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const loaded = loadScenario(path.join(ROOT, "experiments/scenarios/php-apache/scenario.yaml"));
const base = loaded.config!;

function run(config: SimulationConfig) {
  const output = runScenario(config, { name: "php-apache", description: "", sloLatencyP95_ms: 2000, files: loaded.scenario.files });
  const lag = parse(output.files["lag.csv"] as string, { columns: true }) as Record<string, string>[];
  return { output, lag, stage: (step_s: number, stage: string) => lag.find((r) => Number(r.step_s) === step_s && r.stage === stage)! };
}

const shipped = run(base);

t.test("php-apache: each stage of the 60 s step, against the event log", async (t) => {
  const { lag, stage, output } = shipped;
  t.strictSame(Object.keys(lag[0]), [...LAG_COLUMNS]);
  t.strictSame([...new Set(lag.map((r) => `${r.step_s} ${r.direction}`))], ["60 up", "900 down"], "the load generator's start and stop, from the profile");
  const events = [...output.simulation.events.recorder.rows()];
  const rescale = events.find((e) => e[5] === "SuccessfulRescale" && e[3] === "php-apache")!;
  t.equal(rescale[0], 91.464, "the event log: the HPA's first rescale is at 91.464 s");
  t.equal(Number(stage(60, "hpa_rescale").after_step_s), 31.464, "rescale minus step: 31.5 s");
  t.equal(stage(60, "hpa_rescale").hpa, "default/php-apache", "the Service's own HPA");
  // metrics-server scraped between the HPA's syncs at 76.464 s (39 %) and 91.464 s (484 %).
  t.equal(Number(stage(60, "metrics_90pct").at_s), 78, "the metrics API shows >= 90 % of 967m (±1 s polling)");
  const created = events.filter((e) => e[5] === "SuccessfulCreate" && Number(e[0]) === 91.464);
  t.equal(created.length, 3, "1 -> 4: three pods created with the rescale");
  t.equal(Number(stage(60, "pods_created").pods), 3);
  t.equal(Number(stage(60, "pods_created").at_s), 91.464);
  const scheduledAt = Math.max(...events.filter((e) => e[5] === "Scheduled" && Number(e[0]) >= 91.464 && Number(e[0]) < 106).map((e) => Number(e[0])));
  t.equal(Number(stage(60, "pods_scheduled").at_s), scheduledAt, "the last of the three Scheduled events");
  const startedAt = Math.max(...events.filter((e) => e[5] === "Started" && Number(e[0]) >= 91.464 && Number(e[0]) < 106).map((e) => Number(e[0])));
  t.equal(Number(stage(60, "pods_ready").at_s), startedAt, "warmup 0 s: Ready as the last container starts");
  t.equal(Number(stage(60, "pods_serving").at_s), startedAt, "endpointsDelay 0: serving as it is Ready");
  t.same(stage(900, "hpa_rescale").at_s, "1216.464", "the scale-down after the 300 s window");
  t.notOk(lag.some((r) => r.step_s === "900" && r.stage.startsWith("pods_")), "a fall adds no pods: no pod stages");
  const s = output.summary;
  t.equal(s.time_to_scale_s, 31.464);
  t.equal(s.time_to_metrics_s, 18);
  t.equal(s.time_to_serving_s, 37.65);
  t.equal(s.steps_up, 1);
  t.equal(s.steps_up_without_rescale, 0);
});

t.test("no negative time in lag.csv; stages of a step in order", async (t) => {
  for (const r of shipped.lag) {
    if (r.after_step_s === "") continue;
    t.ok(Number(r.after_step_s) >= 0, `${r.step_s} ${r.stage}: ${r.after_step_s} >= 0`);
  }
  const order = ["hpa_rescale", "pods_created", "pods_scheduled", "pods_ready", "pods_serving"].map((s) => Number(shipped.stage(60, s).at_s));
  t.strictSame(order, [...order].sort((a, b) => a - b), "decision <= created <= scheduled <= ready <= serving");
});

t.test("a step no scale-up answers is counted, with empty cells, not dropped", async (t) => {
  // At 10 replicas (the maximum) 2.27 -> 3 rps needs more pods than the HPA may add.
  const profile = step([{ at_ms: 60_000, rate_rps: 2.27 }, { at_ms: 600_000, rate_rps: 3 }]);
  const r = run({ ...base, duration_ms: 900_000, traffic: [{ ...base.traffic[0], profile }] });
  t.equal(r.stage(600, "hpa_rescale").after_step_s, "", "no rescale: empty, not a number from another step");
  t.equal(r.stage(600, "pods_serving").after_step_s, "");
  t.equal(r.output.summary.steps_up, 2);
  t.equal(r.output.summary.steps_up_without_rescale, 1);
  t.equal(r.output.summary.time_to_scale_s, 31.464, "the mean is over the steps that scaled");
});

t.test("a sweep over the scale-down window leaves time-to-scale unchanged", async (t) => {
  const windows = [0, 60_000, 300_000, 600_000];
  const runs = windows.map((w) => run({ ...base, components: { ...base.components, hpa: { ...base.components.hpa, downscaleStabilisationWindow_ms: w } } }));
  for (const [i, r] of runs.entries()) t.equal(r.output.summary.time_to_scale_s, 31.464, `window ${windows[i] / 1000} s`);
  const downs = runs.map((r) => Number(r.stage(900, "hpa_rescale").after_step_s));
  t.ok(downs[1] < downs[2] && downs[2] < downs[3], `the scale-down moves with the window (${downs.join(", ")} s)`);
});

t.test("warm-up: service quality counts from the first load, over samples with offered load", async (t) => {
  const s = shipped.output.summary;
  const manifest = JSON.parse(shipped.output.files["manifest.json"] as string);
  t.equal(manifest.summary_from_s, 60, "default: when the load generator starts");
  // A start-up failure before any load: dropped requests of a Service offered nothing do not exist,
  // and a p95 on an idle Service is not a violation. Moving summaryFrom past the overload hides it.
  const late = run({ ...base, summaryFrom_ms: 120_000 });
  t.equal(s.slo_violation_s, 30, "the two samples of the 60 s overload before the new pods serve");
  t.equal(late.output.summary.slo_violation_s, 0, "summaryFrom past them: not counted");
  const straddling = run({ ...base, summaryFrom_ms: 65_000 });
  t.equal(straddling.output.summary.slo_violation_s, 30, "a sample whose interval ends after summaryFrom (60-75 s, from 65 s) counts");
  t.equal(late.output.summary.time_to_scale_s, s.time_to_scale_s, "the lag does not depend on summaryFrom");
});

t.test("warm-up: start-up seconds count only before summaryFrom is set past them", async (t) => {
  // Load from t = 0 while the first pod starts (6.5 s): requests are dropped in the first sample.
  const config = { ...base, duration_ms: 300_000, traffic: [{ ...base.traffic[0], profile: step([], 0.5) }] };
  const fromStart = run(config).output.summary;
  const afterStartUp = run({ ...config, summaryFrom_ms: 15_000 }).output.summary;
  t.ok(fromStart.requests_dropped > 0, "requests were dropped during start-up");
  t.equal(fromStart.slo_violation_s, 15, "default (first load at 0 s): the start-up sample is a violation");
  t.equal(afterStartUp.slo_violation_s, 0, "summaryFrom: 15s: it is not");
  t.equal(fromStart.steps_up, 0, "a constant load from time 0 has no step (the start-up rise is not one)");
  t.ok(Number.isNaN(fromStart.time_to_scale_s), "no step, no time to scale (an empty cell)");
});

t.test("two Services: each step is matched to its own HPA only, never to the other's rescale", async (t) => {
  const api = WEB_MANIFESTS.replace(/web/g, "api");
  const f = fixture({
    "m.yaml": `${WEB_MANIFESTS}---\n${api}`,
    "s.yaml": `${HEADER}metadata: {name: two}
seed: 1
duration: 10m
cluster: {nodeGroups: [{name: pool, count: 4, cpu: "4", memory: 16Gi}]}
manifests: [m.yaml]
apps:
  - {name: web, deployments: [web], cpuPerRequest: 100ms, baselineCpu: 1m, memory: 64Mi}
  - {name: api, deployments: [api], cpuPerRequest: 10ms, baselineCpu: 1m, memory: 64Mi}
load:
  # web: 0.5 -> 5 rps (50m -> 500m on one pod, 200 % of its request): its HPA scales up.
  - service: web
    profile: {type: step, initial: 0.5, steps: [{at: 2m, rps: 5}]}
  # api: 1 -> 2 rps (10m -> 20m, 8 %): a step its HPA never answers.
  - service: api
    profile: {type: step, initial: 1, steps: [{at: 2m, rps: 2}]}
`,
  });
  const loaded2 = loadScenario(f.file("s.yaml"));
  t.strictSame(loaded2.errors, []);
  const output = runScenario(loaded2.config!, { name: "two", description: "", sloLatencyP95_ms: 500, files: loaded2.scenario.files });
  const lag = parse(output.files["lag.csv"] as string, { columns: true }) as Record<string, string>[];
  const rescale = (service: string) => lag.find((r) => r.service === service && r.stage === "hpa_rescale")!;
  t.equal(rescale("default/web").hpa, "default/web");
  t.equal(rescale("default/api").hpa, "default/api");
  const webFirst = [...output.simulation.events.recorder.rows()].find((e) => e[5] === "SuccessfulRescale" && e[3] === "web")!;
  t.equal(Number(rescale("default/web").at_s), webFirst[0], "web's step: web's HPA's first rescale in the event log");
  t.equal(rescale("default/api").at_s, "", "api's step: web's rescale is not api's");
  t.equal(output.summary.steps_up, 2);
  t.equal(output.summary.steps_up_without_rescale, 1);
  t.equal(output.summary.time_to_scale_s, Math.round((Number(webFirst[0]) - 120) * 1000) / 1000, "the mean over the one step that scaled");
});
