/**
 * `load[].profile`: the offered rate over time, one of the shapes of
 * models/workload/load-profiles.ts, written in human units (`at: 1m`, `rps: 10`).
 *
 * Decoding checks everything the profile constructors would throw on, at the field that is
 * wrong, so building never fails on user input. The result is a recipe, not a profile: a Poisson
 * spike train needs the run seed (which a derived scenario may change) and a trace needs its file
 * read relative to the scenario that names it.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import type { RandomStream } from "../../engine/rng.js";
import {
  constant,
  diurnal,
  poissonSpikes,
  ramp,
  sine,
  spikes,
  step,
  users,
  type LoadProfile,
} from "../../models/workload/load-profiles.js";
import { array, def, describe, int, isPlainObject, oneOf, req, str, type Codec } from "../manifests/codec.js";
import { strictStruct } from "./strict.js";
import { MAX_RATE_RPS } from "../../models/workload/load-profiles.js";
import { duration, period, positive, positiveDuration, rate } from "./units.js";

export type ProfileSpec =
  | { type: "trace"; file: string }
  | { type: "built"; make: (stream: () => RandomStream) => LoadProfile };

const built = (make: (stream: () => RandomStream) => LoadProfile): ProfileSpec => ({ type: "built", make });
const typeField = { type: req(str) };

const constantProfile = strictStruct("constant", { ...typeField, rps: req(rate) }, { build: (f) => built(() => constant(f.rps)) });

const stepItem = strictStruct("step", { at: req(duration), rps: req(rate) }, { build: (f) => ({ at_ms: f.at, rate_rps: f.rps }) });

const stepProfile = strictStruct(
  "step",
  { ...typeField, initial: def(rate, () => 0), steps: req(array(stepItem)) },
  {
    build: (f, ctx) => {
      for (let i = 1; i < f.steps.length; i++) {
        if (!(f.steps[i].at_ms > f.steps[i - 1].at_ms)) ctx.error(["steps", i, "at"], `must be after steps[${i - 1}].at`);
      }
      return built(() => step(f.steps, f.initial));
    },
  },
);

const rampProfile = strictStruct(
  "ramp",
  { ...typeField, from: req(rate), to: req(rate), start: req(duration), end: req(duration), resolution: def(period, () => 1000) },
  {
    build: (f, ctx) => {
      if (!(f.end > f.start)) ctx.error(["end"], "must be after start");
      return built(() => ramp({ from_rps: f.from, to_rps: f.to, start_ms: f.start, end_ms: f.end, resolution_ms: f.resolution }));
    },
  },
);

const sineProfile = strictStruct(
  "sine",
  {
    ...typeField,
    mean: req(rate),
    amplitude: req(rate),
    period: req(positiveDuration),
    phase: def(duration, () => 0),
    resolution: def(period, () => 1000),
  },
  {
    build: (f, ctx) => {
      if (f.amplitude > f.mean) ctx.error(["amplitude"], `must be ≤ mean (${f.mean}), or the rate would go negative`);
      return built(() => sine({ mean_rps: f.mean, amplitude_rps: f.amplitude, period_ms: f.period, phase_ms: f.phase, resolution_ms: f.resolution }));
    },
  },
);

const diurnalProfile = strictStruct(
  "diurnal",
  {
    ...typeField,
    min: req(rate),
    max: req(rate),
    peakAt: req(duration),
    period: def(positiveDuration, () => 86_400_000),
    resolution: def(period, () => 1000),
  },
  {
    build: (f, ctx) => {
      if (f.max < f.min) ctx.error(["max"], `must be ≥ min (${f.min})`);
      return built(() => diurnal({ min_rps: f.min, max_rps: f.max, peakAt_ms: f.peakAt, period_ms: f.period, resolution_ms: f.resolution }));
    },
  },
);

const spikesProfile = strictStruct(
  "spikes",
  { ...typeField, base: def(rate, () => 0), height: req(rate), duration: req(positiveDuration), at: req(array(duration)) },
  { build: (f) => built(() => spikes({ base_rps: f.base, height_rps: f.height, duration_ms: f.duration, at_ms: f.at })) },
);

const poissonSpikesProfile = strictStruct(
  "poissonSpikes",
  {
    ...typeField,
    base: def(rate, () => 0),
    height: req(rate),
    duration: req(positiveDuration),
    meanInterval: req(period),
    start: def(duration, () => 0),
    until: req(duration),
  },
  {
    build: (f, ctx) => {
      if (!(f.until > f.start)) ctx.error(["until"], "must be after start");
      return built((stream) =>
        poissonSpikes({
          base_rps: f.base,
          height_rps: f.height,
          duration_ms: f.duration,
          meanInterval_ms: f.meanInterval,
          start_ms: f.start,
          until_ms: f.until,
          stream: stream(),
        }),
      );
    },
  },
);

const traceProfile = strictStruct("trace", { ...typeField, file: req(str) }, { build: (f): ProfileSpec => ({ type: "trace", file: f.file }) });

const usersProfile = strictStruct(
  "users",
  {
    ...typeField,
    users: req(int(0)),
    spawnRate: req(positive("users/s")),
    thinkTime: req(duration),
    responseTime: req(duration),
    start: def(duration, () => 0),
  },
  {
    build: (f, ctx) => {
      if (f.thinkTime + f.responseTime <= 0) ctx.error(["thinkTime"], "thinkTime + responseTime must be > 0");
      else if (f.users / ((f.thinkTime + f.responseTime) / 1000) > MAX_RATE_RPS) {
        ctx.error(["users"], `users / (thinkTime + responseTime) must be at most ${MAX_RATE_RPS.toExponential()} requests/s`);
      }
      return built(() =>
        users({
          users: f.users,
          spawnRate_users_per_s: f.spawnRate,
          thinkTime_s: f.thinkTime / 1000,
          responseTime_s: f.responseTime / 1000,
          start_ms: f.start,
        }),
      );
    },
  },
);

const PROFILES = {
  constant: constantProfile,
  step: stepProfile,
  ramp: rampProfile,
  sine: sineProfile,
  diurnal: diurnalProfile,
  spikes: spikesProfile,
  poissonSpikes: poissonSpikesProfile,
  trace: traceProfile,
  users: usersProfile,
} satisfies Record<string, Codec<ProfileSpec>>;

const PROFILE_TYPES = Object.keys(PROFILES) as (keyof typeof PROFILES)[];
const profileType = oneOf(PROFILE_TYPES);

/** A profile map, dispatched on `type`. */
export const profile: Codec<ProfileSpec> = new t.Type<ProfileSpec, unknown, unknown>(
  "LoadProfile",
  (_u): _u is ProfileSpec => false,
  (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c, `expected a map with a type (${PROFILE_TYPES.join(", ")}), got ${describe(u)}`);
    const typeContext = [...c, { key: "type", type: profileType, actual: u.type }];
    if (u.type === undefined || u.type === null) return t.failure(u.type, typeContext, `Required value: one of ${PROFILE_TYPES.join(", ")}`);
    const r = profileType.validate(u.type, typeContext);
    if (isLeft(r)) return r;
    return PROFILES[r.right].validate(u, c);
  },
  t.identity,
);
