/**
 * The predictive controller plugin (experiments/policies/predictive.ts): Holt's forecast leads a
 * rising rate by the lead time, scale-down waits for the stabilization window, the seasonal
 * forecast repeats last season's rise; and on the shipped diurnal scenario it scales up before
 * the HPA does, through the plugin API alone.
 */
import t from "tap";
import predictive, { type PredictiveConfig } from "../../../experiments/policies/predictive.js";
import type { ControllerContext } from "../../../experiments/plugins/api.js";
import { loadScenario } from "../../../experiments/scenario/load.js";
import { runScenario } from "../../../experiments/runner.js";
import { fixture, HEADER, outputText } from "../scenario/helpers.js";
import { ClusterSimulation } from "../../../experiments/simulator.js";
import type { StoredObject } from "../../../models/cluster/store.js";

/** A fake context: the request rate at each tick from `rate`, the scale kept here. */
function drive(config: Partial<PredictiveConfig>, rate: (t_s: number) => number, ticks: number) {
  let tick: ((now_ms: number) => void) | null = null;
  let now_ms = 0;
  let replicas = 2;
  const rows: Record<string, unknown>[] = [];
  const ctx = {
    every: (_period: number, fn: (now_ms: number) => void) => {
      tick = fn;
      return { cancel() {} };
    },
    metrics: { prometheus: () => ({ value: rate(now_ms / 1000) }) },
    getScale: () => ({ replicas }),
    updateScale: (_k: string, _n: string, _d: string, r: number) => {
      replicas = r;
      return { ok: true };
    },
    event: () => {},
    decide: (row: Record<string, unknown>) => rows.push({ t_s: now_ms / 1000, ...row }),
  } as unknown as ControllerContext;
  predictive(ctx, { deployment: "web", query: "q", targetRpsPerPod: 1, minReplicas: 1, maxReplicas: 100, ...config });
  for (let i = 1; i <= ticks; i++) {
    now_ms = i * 15_000;
    tick!(now_ms);
  }
  return rows;
}

t.test("a steady ramp: Holt's forecast runs a lead time ahead, so replicas lead the rate", async (t) => {
  // +1 request/s per minute; 1 request/s per pod; 60 s lead.
  const rows = drive({ leadTime: 60 }, (t_s) => 2.5 + t_s / 60, 40);
  const last = rows[rows.length - 1] as { t_s: number; rate_rps: number; forecast_rps: number; desired: number };
  t.ok(Math.abs(last.forecast_rps - (last.rate_rps + 1)) < 0.05, `forecast ${last.forecast_rps} ≈ rate ${last.rate_rps} + 1 (one minute of trend)`);
  t.equal(last.desired, Math.ceil(last.forecast_rps), "replicas for the forecast, not for now");
});

t.test("scale-down waits for the stabilization window", async (t) => {
  // 20 rps for 5 minutes, then 2 rps.
  const rows = drive({ scaleDownWindow: 120 }, (t_s) => (t_s <= 300 ? 20 : 2), 40) as { t_s: number; desired: number; action: string }[];
  const downs = rows.filter((r) => r.action === "scale down");
  t.ok(downs.length > 0);
  t.ok(downs[0].t_s >= 300 + 120, `first scale-down at ${downs[0].t_s} s, after the 120 s window`);
});

t.test("a season of history: the seasonal forecast repeats last season's rise ahead of time", async (t) => {
  // A 10-minute season: 2 rps, with a jump to 12 rps for minutes 5-7 of each season.
  const rate = (t_s: number) => ((t_s % 600) >= 300 && (t_s % 600) < 420 ? 12 : 2);
  const rows = drive({ seasonPeriod: 600, leadTime: 60 }, rate, 80) as { t_s: number; seasonal_rps: number | null; desired: number }[];
  const before = rows.find((r) => r.t_s === 600 + 285)!;
  t.ok(before.seasonal_rps !== null && before.seasonal_rps > 10, `at 885 s (15 s before the second jump) the seasonal forecast is ${before.seasonal_rps}`);
  t.ok(before.desired >= 11, "and the replicas are already up");
  const first = rows.find((r) => r.t_s === 285)!;
  t.ok(first.desired <= 3, "in the first season nothing predicted the jump");
});

t.test("the shipped diurnal scenario: the plugin scales up before the HPA does", async (t) => {
  /** When each size was first asked for: the plugin's decisions and the HPA's rescales. */
  const firstAsked = (file: string, csv: string, rescaled: (r: Record<string, string>) => boolean, size: string) => {
    const loaded = loadScenario(file);
    t.strictSame(loaded.errors, []);
    const out = runScenario({ ...loaded.config!, duration_ms: 1_200_000 }, { name: "x", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
    const [header, ...lines] = outputText(out.files, csv).trim().split("\n");
    const cols = header.split(",");
    const firsts = new Map<number, number>();
    for (const line of lines) {
      const r = Object.fromEntries(line.split(",").map((v, i) => [cols[i], v]));
      if (rescaled(r) && !firsts.has(Number(r[size]))) firsts.set(Number(r[size]), Number(r.time_s));
    }
    return firsts;
  };
  const plugin = firstAsked("experiments/scenarios/predictive/diurnal.yaml", "predictive-decisions.csv", (r) => r.action === "scale up", "desired");
  const hpa = firstAsked("experiments/scenarios/diurnal/scenario.yaml", "decisions.csv", (r) => r.rescale === "true", "desired_replicas");
  // The first two rises of the ramp (later ones go either way with the Poisson noise).
  for (const size of [4, 5]) {
    t.ok(plugin.get(size)! < hpa.get(size)!, `${size} replicas: the plugin at ${plugin.get(size)} s, the HPA at ${hpa.get(size)} s`);
  }
});

t.test("as an operator: a PredictiveAutoscaler custom resource configures the same run as the scenario's config", async (t) => {
  const decisions = (file: string) => {
    const loaded = loadScenario(file);
    t.strictSame(loaded.errors, []);
    t.strictSame(loaded.warnings.filter((w) => /custom resource/.test(w.message)), [], "a custom resource read by a plugin is not warned about");
    const out = runScenario({ ...loaded.config!, duration_ms: 900_000 }, { name: "x", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
    return outputText(out.files, "predictive-decisions.csv");
  };
  const fromConfig = decisions("experiments/scenarios/predictive/diurnal.yaml");
  t.ok(fromConfig.includes("scale up"));
  t.equal(decisions("experiments/scenarios/predictive/custom-resource.yaml"), fromConfig, "byte-identical decisions");
});

t.test("a custom resource without a controller to read it: stored, with a warning that nothing reads it", async (t) => {
  const loaded = loadScenario("experiments/scenarios/predictive/custom-resource.yaml");
  const sim = new ClusterSimulation({ ...loaded.config!, controllers: [] });
  sim.run(1_000);
  const stored = sim.store.list<{ kind: string; apiVersion: string; metadata: { name: string }; spec: { targetRpsPerPod: number } } & StoredObject>("PredictiveAutoscaler");
  t.strictSame(stored.map((o) => [o.apiVersion, o.metadata.name, o.spec.targetRpsPerPod]), [["policies.kubesim.io/v1alpha1", "shop", 1.25]], "kept as written");
  const f = fixture({
    "cr.yaml": `apiVersion: policies.kubesim.io/v1alpha1\nkind: PredictiveAutoscaler\nmetadata: {name: shop}\nspec: {query: q}\n`,
    "s.yaml": `${HEADER}metadata: {name: cr}\nduration: 1m\ncluster: {nodeGroups: [{name: pool, count: 1, cpu: "1", memory: 1Gi}]}\nmanifests: [cr.yaml]\n`,
  });
  t.strictSame(loadScenario(f.file("s.yaml")).warnings.map((w) => `${w.line} ${w.message}`), [
    "2 kind PredictiveAutoscaler (policies.kubesim.io/v1alpha1) is a custom resource: stored, but nothing in this scenario reads it (a controller plugin could)",
  ]);
});

t.test("lag anatomy follows the plugin: its rescales are the rescale stage, time_to_scale_s is defined", async (t) => {
  const loaded = loadScenario("experiments/scenarios/predictive/diurnal.yaml");
  const out = runScenario({ ...loaded.config!, duration_ms: 1_200_000 }, { name: "x", description: "", sloLatencyP95_ms: 500, files: loaded.scenario.files });
  const lag = outputText(out.files, "lag.csv").trim().split("\n").slice(1).map((l) => l.split(","));
  t.ok(lag.length > 0 && lag.every((r) => r[1] === "predictive"), "every step is attributed to the plugin");
  const rescale = lag.find((r) => r[6] === "hpa_rescale" && r[7] !== "")!;
  t.equal(Number(rescale[7]), 585, "the first rise answered at 585 s, the plugin's first scale-up of the ramp");
  t.ok(Number.isFinite(out.summary.time_to_scale_s), `time_to_scale_s ${out.summary.time_to_scale_s}`);
});
