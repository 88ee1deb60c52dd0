// Load steps are read from the profile itself: step, spikes, ramp and constant shapes, the
// minimum relative step, and when the first load starts.
import t from "tap";
import { constant, ramp, spikes, step } from "../../../models/workload/load-profiles.js";
import { detectLoadSteps, firstLoad_ms } from "../../../experiments/lag/steps.js";

const at = (steps: { at_ms: number }[]) => steps.map((s) => s.at_ms);

t.test("steps of a step profile, up and down, from the profile's own change times", async (t) => {
  const steps = detectLoadSteps(step([{ at_ms: 60_000, rate_rps: 2.27 }, { at_ms: 900_000, rate_rps: 0 }]), 1_800_000, 0.2);
  t.strictSame(steps, [
    { at_ms: 60_000, before_rps: 0, after_rps: 2.27, direction: "up" },
    { at_ms: 900_000, before_rps: 2.27, after_rps: 0, direction: "down" },
  ]);
});

t.test("changes smaller than the minimum relative step are not steps", async (t) => {
  const profile = step([{ at_ms: 1000, rate_rps: 110 }, { at_ms: 2000, rate_rps: 150 }, { at_ms: 3000, rate_rps: 100 }], 100);
  t.strictSame(at(detectLoadSteps(profile, 10_000, 0.2)), [2000, 3000], "+10 % is not a step; +50 % from 100 and back down are");
  t.strictSame(detectLoadSteps(profile, 10_000, 0.2)[0].before_rps, 100, "the level before is the last counted level");
  t.strictSame(at(detectLoadSteps(profile, 10_000, 0.05)), [1000, 2000, 3000], "a smaller minimum step counts the +10 % too");
});

t.test("the rate at time 0 is the starting level, not a step; a constant profile has none", async (t) => {
  t.strictSame(detectLoadSteps(constant(50), 3_600_000, 0.2), []);
  t.strictSame(detectLoadSteps(step([], 40), 3_600_000, 0.2), []);
});

t.test("a ramp is a step each time it has drifted by the minimum step", async (t) => {
  // 10 -> 20 rps over 100 s in 1 s pieces: steps when the level is >= 12, >= 14.4, >= 17.28.
  const steps = detectLoadSteps(ramp({ from_rps: 10, to_rps: 20, start_ms: 0, end_ms: 100_000 }), 200_000, 0.2);
  t.equal(steps.length, 3);
  for (const s of steps) t.ok(s.after_rps >= 1.2 * s.before_rps, `${s.before_rps} -> ${s.after_rps} is >= 20 %`);
});

t.test("spikes rise and fall; steps after the run's end are not counted", async (t) => {
  const profile = spikes({ base_rps: 10, height_rps: 40, duration_ms: 30_000, at_ms: [100_000, 500_000] });
  t.strictSame(at(detectLoadSteps(profile, 400_000, 0.2)), [100_000, 130_000]);
});

t.test("a bad minimum step is refused", async (t) => {
  t.throws(() => detectLoadSteps(constant(1), 1000, 0), /minStep must be a finite number > 0/);
  t.throws(() => detectLoadSteps(constant(1), 1000, NaN), /minStep/);
});

t.test("first load: the first time the profile offers anything", async (t) => {
  t.equal(firstLoad_ms(step([{ at_ms: 60_000, rate_rps: 1 }]), 600_000), 60_000);
  t.equal(firstLoad_ms(constant(3), 600_000), 0);
  t.equal(firstLoad_ms(step([{ at_ms: 700_000, rate_rps: 1 }]), 600_000), null, "not within the run");
});
