// The "where did the seconds go" chart: one bar per rise of load, cut into the waits between
// lag.csv's stages; never a negative wait; ends at the first stage not reached; compiles and
// renders; part of a run's default charts only when there is something to draw.
import t from "tap";
import { defaultCharts, lagChart } from "../../../experiments/report/charts.js";
import { parseLag } from "../../../experiments/report/parse.js";
import { compileSpec, renderSvg } from "../../../experiments/report/render.js";
import type { RunData } from "../../../experiments/report/types.js";

const LAG = `service,hpa,step_s,direction,rate_before_rps,rate_after_rps,stage,at_s,after_step_s,pods
default/web,default/web,60,up,0,10,metrics_90pct,78,18,
default/web,default/web,60,up,0,10,hpa_rescale,91.464,31.464,
default/web,default/web,60,up,0,10,pods_created,91.464,31.464,3
default/web,default/web,60,up,0,10,pods_scheduled,91.494,31.494,3
default/web,default/web,60,up,0,10,pods_ready,97.65,37.65,3
default/web,default/web,60,up,0,10,pods_serving,,,3
default/web,default/web,300,up,10,20,metrics_90pct,340,40,
default/web,default/web,300,up,10,20,hpa_rescale,330,30,
default/web,default/web,900,down,20,0,metrics_90pct,933,33,
default/web,default/web,900,down,20,0,hpa_rescale,1216.464,316.464,
`;

type Bar = { step: string; wait: string; from_s: number; to_s: number };

t.test("segments: consecutive, never negative, ending at the first stage not reached", async (t) => {
  const chart = lagChart(parseLag(LAG));
  const values = (chart.spec as { data: { values: Bar[] } }).data.values;
  const first = values.filter((v) => v.step === "default/web @ 60 s");
  t.strictSame(first.map((v) => v.to_s), [18, 31.464, 31.464, 31.494, 37.65], "up to Ready; serving not reached");
  for (let i = 1; i < first.length; i++) t.equal(first[i].from_s, first[i - 1].to_s, "each wait starts where the one before ended");
  const second = values.filter((v) => v.step === "default/web @ 300 s");
  t.strictSame(second.map((v) => [v.from_s, v.to_s]), [[0, 40], [40, 40]], "an HPA acting before the metric reached 90 %: a zero wait, not a negative one");
  t.notOk(values.some((v) => v.step.includes("900")), "falls are not drawn");
  for (const v of values) t.ok(v.to_s >= v.from_s);
});

t.test("compiles without warnings and renders", async (t) => {
  const chart = lagChart(parseLag(LAG));
  t.same(compileSpec(chart.spec).warnings, []);
  t.match(await renderSvg(chart.spec, chart.name), /<svg[\s\S]*seconds after the load step/);
});

t.test("a default chart only when a rise of load reached a stage", async (t) => {
  const run = (lag: string): RunData => ({
    timeseries: { select: () => [] },
    events: [],
    decisions: [],
    lag: parseLag(lag),
    summary: {},
    manifest: {},
    controllerDecisions: [],
  });
  t.strictSame(defaultCharts(run(LAG)).map((c) => c.name), ["lag"]);
  t.strictSame(defaultCharts(run(LAG.split("\n").filter((l) => !l.includes(",up,")).join("\n"))).map((c) => c.name), []);
  t.strictSame(defaultCharts(run("")).map((c) => c.name), [], "a run folder from before lag.csv");
});
