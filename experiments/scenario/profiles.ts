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
import { array, def, describe, doc, int, isPlainObject, oneOf, req, str, withShape, type Codec } from "../manifests/codec.js";
import { strictStruct } from "./strict.js";
import { MAX_RATE_RPS } from "../../models/workload/load-profiles.js";
import { duration, period, positive, positiveDuration, rate } from "./units.js";

export type ProfileSpec =
  | { type: "trace"; file: string }
  | { type: "built"; make: (stream: () => RandomStream) => LoadProfile };

const built = (make: (stream: () => RandomStream) => LoadProfile): ProfileSpec => ({ type: "built", make });
const typeField = { type: doc("The profile type.", req(str)) };

const constantProfile = strictStruct("constant", { ...typeField, rps: doc("The rate.", req(rate)) }, { build: (f) => built(() => constant(f.rps)) });

const stepItem = strictStruct("step", { at: doc("Time from the start of the run.", req(duration)), rps: doc("The rate from then on.", req(rate)) }, { build: (f) => ({ at_ms: f.at, rate_rps: f.rps }) });

const stepProfile = strictStruct(
  "step",
  { ...typeField, initial: doc("The rate before the first step.", def(rate, () => 0)), steps: doc("Steps in time order, each `{at, rps}`.", req(array(stepItem))) },
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
  {
    ...typeField,
    from: doc("The rate until start.", req(rate)),
    to: doc("The rate from end on.", req(rate)),
    start: doc("Start of the ramp.", req(duration)),
    end: doc("End of the ramp (after start).", req(duration)),
    resolution: doc("The rate changes in steps this long.", def(period, () => 1000)),
  },
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
    mean: doc("Mean rate.", req(rate)),
    amplitude: doc("Swing above and below the mean (≤ mean).", req(rate)),
    period: doc("Length of one cycle.", req(positiveDuration)),
    phase: doc("Shift of the cycle: the rate is mean + amplitude·sin(2π(t − phase)/period).", def(duration, () => 0)),
    resolution: doc("The rate changes in steps this long.", def(period, () => 1000)),
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
    min: doc("The lowest rate (at the trough).", req(rate)),
    max: doc("The highest rate (at peakAt), ≥ min.", req(rate)),
    peakAt: doc("Time of the peak within each period.", req(duration)),
    period: doc("Length of one day.", def(positiveDuration, () => 86_400_000)),
    resolution: doc("The rate changes in steps this long.", def(period, () => 1000)),
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
  {
    ...typeField,
    base: doc("The rate outside spikes.", def(rate, () => 0)),
    height: doc("Extra rate during a spike.", req(rate)),
    duration: doc("Length of each spike.", req(positiveDuration)),
    at: doc("Start time of each spike.", req(array(duration))),
  },
  { build: (f) => built(() => spikes({ base_rps: f.base, height_rps: f.height, duration_ms: f.duration, at_ms: f.at })) },
);

const poissonSpikesProfile = strictStruct(
  "poissonSpikes",
  {
    ...typeField,
    base: doc("The rate outside spikes.", def(rate, () => 0)),
    height: doc("Extra rate during a spike.", req(rate)),
    duration: doc("Length of each spike.", req(positiveDuration)),
    meanInterval: doc("Mean time between spike starts (exponential gaps drawn from the run seed).", req(period)),
    start: doc("No spike starts before this.", def(duration, () => 0)),
    until: doc("No spike starts after this (after start).", req(duration)),
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

const traceProfile = strictStruct("trace", { ...typeField, file: doc("CSV file `time_s,rps` (a header line, then rows in time order), relative to the scenario file; the rate holds until the next row.", req(str)) }, { build: (f): ProfileSpec => ({ type: "trace", file: f.file }) });

const usersProfile = strictStruct(
  "users",
  {
    ...typeField,
    users: doc("Number of simulated users.", req(int(0))),
    spawnRate: doc("Users started per second until all run.", req(positive("users/s"))),
    thinkTime: doc("Pause of a user between a response and its next request.", req(duration)),
    responseTime: doc("Time per request beyond the servers' simulated response (network, the client itself): each user sends its next request thinkTime after the response, and the response takes this plus the Service's simulated response time (the loop is closed: offered load falls when latency rises).", req(duration)),
    start: doc("When the first user starts.", def(duration, () => 0)),
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
  constant: { codec: constantProfile, doc: "A fixed rate for the whole run." },
  step: { codec: stepProfile, doc: "A rate that jumps at given times." },
  ramp: { codec: rampProfile, doc: "A linear change from one rate to another." },
  sine: { codec: sineProfile, doc: "A sinusoidal rate." },
  diurnal: { codec: diurnalProfile, doc: "A daily cycle: a sine wave from min to max, peaking at peakAt." },
  spikes: { codec: spikesProfile, doc: "Rectangular spikes at given times over a base rate." },
  poissonSpikes: { codec: poissonSpikesProfile, doc: "Rectangular spikes at random times (a Poisson process) over a base rate." },
  trace: { codec: traceProfile, doc: "A recorded rate, read from a CSV file." },
  users: { codec: usersProfile, doc: "A closed population of users (as Locust or k6 run), each waiting for thinkTime + responseTime between requests." },
} satisfies Record<string, { codec: Codec<ProfileSpec>; doc: string }>;

const PROFILE_TYPES = Object.keys(PROFILES) as (keyof typeof PROFILES)[];
const profileType = oneOf(PROFILE_TYPES);

/** A profile map, dispatched on `type`. */
export const profile: Codec<ProfileSpec> = withShape(new t.Type<ProfileSpec, unknown, unknown>(
  "LoadProfile",
  (_u): _u is ProfileSpec => false,
  (u, c) => {
    if (!isPlainObject(u)) return t.failure(u, c, `expected a map with a type (${PROFILE_TYPES.join(", ")}), got ${describe(u)}`);
    const typeContext = [...c, { key: "type", type: profileType, actual: u.type }];
    if (u.type === undefined || u.type === null) return t.failure(u.type, typeContext, `Required value: one of ${PROFILE_TYPES.join(", ")}`);
    const r = profileType.validate(u.type, typeContext);
    if (isLeft(r)) return r;
    return PROFILES[r.right].codec.validate(u, c);
  },
  t.identity,
), { kind: "oneOf", tag: "type", variants: Object.entries(PROFILES).map(([name, p]) => ({ name, codec: p.codec, doc: p.doc })) });
