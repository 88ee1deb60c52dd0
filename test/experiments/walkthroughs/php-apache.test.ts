/**
 * The php-apache walkthrough, shipped as experiments/scenarios/php-apache/scenario.yaml, must
 * reproduce what a real cluster showed with `kubectl get hpa -w`: TARGETS 483%/50% at 1 replica,
 * REPLICAS 1 -> 4 -> 8 while TARGETS still read 483 %, then 10 replicas at 46 %/50 %; after the
 * load stopped, 0 % at 10 replicas for about 5 minutes, then 1.
 */
import t from "tap";
import { LOAD_STOP_S, phpApacheConfig, runWalkthrough } from "../../../experiments/php-apache/compare.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";

const base = phpApacheConfig();

t.test("the shipped scenario reproduces the walkthrough trace", async (t) => {
  const { trace, match } = runWalkthrough(base, base.seed, 15_000);
  t.same(trace.desired.slice(0, 4), [1, 4, 8, 10], "desired replicas 1 -> 4 -> 8 -> 10");
  t.ok(trace.utilizationAtStep[1] >= 450 && trace.utilizationAtStep[1] <= 490, `483 % at 1 -> 4 (saw ${trace.utilizationAtStep[1]} %)`);
  t.ok(trace.utilizationAtStep[2] >= 450 && trace.utilizationAtStep[2] <= 490, `still 483 % at 4 -> 8 (saw ${trace.utilizationAtStep[2]} %)`);
  t.equal(trace.loadedReplicas, 10);
  t.ok(trace.loadedUtilization >= 40 && trace.loadedUtilization <= 55, `40-55 % at 10 replicas (saw ${trace.loadedUtilization} %)`);
  t.ok(trace.backToOne_s >= LOAD_STOP_S + 300, `back to 1 no sooner than 5 min after the load stops (${trace.backToOne_s - LOAD_STOP_S} s)`);
  t.ok(trace.backToOne_s <= LOAD_STOP_S + 360, "and not much later (stabilization window + metrics lag)");
  t.ok(match.replicas && match.stale483 && match.loaded && match.scaleDown);
});

t.test("the HPA reads only the metrics API: its utilization lags the true utilization", async (t) => {
  const sim = new ClusterSimulation(base);
  sim.run();
  const seen = sim.timeseries.get("Deployment", "php-apache", "cpu_utilization_pct");
  const truth = sim.timeseries.get("Deployment", "php-apache", "cpu_utilization_true_pct");
  const at = (series: [number, number][], time_s: number) => series.find(([t_ms]) => t_ms === time_s * 1000)?.[1];
  // The load starts at 60 s: true utilization jumps at once, the HPA's view follows later.
  t.ok((at(truth, 75) ?? 0) > 400, "true utilization is high 15 s after the load starts");
  t.ok((at(seen, 75) ?? 0) < 100, "the HPA has not seen it yet");
  // After the load stops the true value drops at once; the HPA sees 0 % within a minute.
  t.ok((at(truth, 915) ?? 100) < 5, "true utilization falls at once when the load stops");
});

t.test("decision log: a row for every HPA sync with the values seen and the reasons", async (t) => {
  const sim = new ClusterSimulation(base);
  sim.run();
  const rows = sim.hpa.decisions.all();
  t.equal(rows.length, 120, "30 minutes of 15-second syncs");
  const rescale = rows.find((r) => r[8] === "true" && Number(r[7]) === 4)!;
  t.match(String(rescale[3]), /cpu resource utilization \(percentage of request\)=4\d\d% -> 10/, "metric value as seen and its proposal");
  t.equal(Number(rescale[4]), 10, "raw proposal");
  t.equal(rescale[11], "ScaleUpLimit", "rate-limited by the legacy max(2 x current, 4) cap");
  t.equal(rescale[12], "True/SucceededRescale");
  t.equal(rescale[14], "True/ScaleUpLimit");
  const csv = sim.hpa.decisions.toCsv();
  t.match(csv.split("\n")[0], /^time_s,hpa,current_replicas,metrics,metric_desired_replicas,stabilized_replicas,limited_replicas,desired_replicas,rescale,path,stabilization_reason,limiting_reason,able_to_scale,scaling_active,scaling_limited$/);
});
