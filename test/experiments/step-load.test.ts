import t from "tap";
import { measureStepDelay } from "../../experiments/step-load/step-load.js";

t.test("a 30 % -> 150 % step shows in the metrics API within the derived 15-45 s budget", async (t) => {
  const delays = Array.from({ length: 30 }, (_, i) => measureStepDelay(i + 1));
  t.ok(delays.every((d) => d >= 15 && d <= 45), `delays: ${delays.join(", ")}`);
  t.ok(new Set(delays).size > 10, "phases differ per seed, so delays spread");
});

t.test("a coarser metric resolution delays the metrics API", async (t) => {
  const at15 = Array.from({ length: 10 }, (_, i) => measureStepDelay(i + 1));
  const at60 = Array.from({ length: 10 }, (_, i) => measureStepDelay(i + 1, { metricResolution_ms: 60_000 }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  t.ok(mean(at60) > mean(at15) + 15, `mean ${mean(at60)} s at 60 s vs ${mean(at15)} s at 15 s`);
});
