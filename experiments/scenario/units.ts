/**
 * Leaf codecs in human units: durations ("15s", "1m30s", "500ms"), rates (requests/s), CPU and
 * memory quantities. Each converts once, at the edge, to kubesim's integer units (ms, millicores,
 * bytes), with a message that shows the expected form.
 */
import * as t from "io-ts";
import { parseDuration_ms, QuantityError } from "../../models/cluster/quantity.js";
import { MAX_RATE_RPS } from "../../models/workload/load-profiles.js";
import { bad, describe, isPlainObject, leaf, ok, withShape, type Codec } from "../manifests/codec.js";
import { cpuQuantity, memoryQuantity } from "../manifests/common.js";

const DURATION_HINT = "a duration such as 15s, 1m30s or 500ms";

/**
 * The longest duration any field accepts: 10 years. Longer is a typo (99999999999999999999h), and
 * times beyond it would lose millisecond precision in the kernel's clock soon after.
 */
export const MAX_DURATION_MS = 87_600 * 3_600_000;
/**
 * The shortest period of a component loop or sampler: below it a run spends its time on
 * bookkeeping events (an HPA syncing every millisecond is 86 million syncs a day).
 */
export const MIN_PERIOD_MS = 100;

// Bare numbers are rejected: "timeout: 30" could mean seconds or milliseconds, and the scenario
// format promises a unit on every value.
/** Milliseconds of a duration text, or the message of why it is not one (absent, malformed, too long). */
function parseDurationText(u: unknown, hint: string = DURATION_HINT): { ms: number } | { message: string } {
  let ms: number | null = null;
  if (typeof u === "string") {
    try {
      ms = parseDuration_ms(u);
    } catch (e) {
      if (!(e instanceof QuantityError)) throw e;
    }
  }
  if (ms === null) return { message: `expected ${hint}, got ${describe(u)}` };
  if (!(ms <= MAX_DURATION_MS)) return { message: `expected a duration of at most 87600h (10 years), got ${describe(u)}` };
  return { ms };
}

/** 1800000 -> "30m", 5400000 -> "1h30m", 1500 -> "1.5s", 10 -> "10ms": a duration as a scenario writes it. */
export function formatDuration(ms: number): string {
  if (ms === 0) return "0s";
  if (ms < 1000) return `${ms}ms`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = (ms % 60_000) / 1000;
  return `${h > 0 ? `${h}h` : ""}${m > 0 ? `${m}m` : ""}${s > 0 ? `${s}s` : ""}`;
}

/** A duration ≥ 0, in integer milliseconds. */
export const duration: Codec<number> = leaf("duration", (u) => {
  const r = parseDurationText(u);
  return "message" in r ? bad(r.message) : ok(r.ms);
}, formatDuration);

/** A duration > 0 (timeouts, windows). */
export const positiveDuration: Codec<number> = leaf("duration > 0", (u) => {
  const r = parseDurationText(u);
  if ("message" in r) return bad(r.message);
  return r.ms > 0 ? ok(r.ms) : bad(`expected a duration > 0, got ${describe(u)}`);
}, formatDuration);

/**
 * The period of a loop (sync, scrape, sample, resolution): at least `min_ms` (MIN_PERIOD_MS
 * unless the component itself refuses less; `why` then says who does).
 */
export function periodAtLeast(min_ms: number, why = ""): Codec<number> {
  const min = min_ms % 1000 === 0 ? `${min_ms / 1000}s` : `${min_ms}ms`;
  return leaf(`duration ≥ ${min}`, (u) => {
    const r = parseDurationText(u);
    if ("message" in r) return bad(r.message);
    return r.ms >= min_ms ? ok(r.ms) : bad(`expected a period of at least ${min}${why}, got ${describe(u)}`);
  }, formatDuration);
}

export const period: Codec<number> = periodAtLeast(MIN_PERIOD_MS);

/** A duration, or null for "draw it" (phases that default to a random offset). */
export const nullableDuration: Codec<number | null> = leaf("duration or null", (u) => {
  if (u === null) return ok(null);
  const r = parseDurationText(u, `${DURATION_HINT} or null`);
  return "message" in r ? bad(r.message) : ok(r.ms);
}, (v) => (v === null ? "null" : formatDuration(v)));

// One core-hour per request: far above any real request, far below overflowing the app model.
const MAX_CPU_TIME_MCORE_S = 3_600_000;

const EXACT_DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/**
 * CPU time of one request on one core, in millicore-seconds: 200ms of one core is 200 mcore·s.
 * Unlike `duration`, fractions of a millisecond are kept (a cheap request may cost 0.5 ms).
 */
export const cpuTime_mcore_s: Codec<number> = leaf("CPU time on one core (200ms, 1.5s)", (u) => {
  if (typeof u !== "string") return bad(`expected a CPU time on one core such as 200ms or 1.5s, got ${describe(u)}`);
  const text = u.trim();
  let total = 0;
  let consumed = 0;
  for (const m of text.matchAll(EXACT_DURATION_PART)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    total += Number(m[1]) * (m[2] === "h" ? 3_600_000 : m[2] === "m" ? 60_000 : m[2] === "s" ? 1000 : 1);
  }
  if (text === "" || consumed !== text.length) return bad(`expected a CPU time on one core such as 200ms or 1.5s, got ${describe(u)}`);
  if (!(total <= MAX_CPU_TIME_MCORE_S)) return bad(`expected a CPU time of at most 1h per request, got ${describe(u)}`);
  return total > 0 ? ok(total) : bad(`expected a CPU time > 0, got ${describe(u)}`);
}, (v) => `${v}ms`);

/** A finite number ≥ 0 (`what` names the unit in the message, e.g. "requests/s"). */
export function nonNegative(what: string): Codec<number> {
  return leaf(`number ≥ 0 (${what})`, (u) =>
    typeof u === "number" && Number.isFinite(u) && u >= 0 ? ok(u) : bad(`expected a number ≥ 0 (${what}), got ${describe(u)}`),
  );
}

/** A finite number > 0. */
export function positive(what: string): Codec<number> {
  return leaf(`number > 0 (${what})`, (u) =>
    typeof u === "number" && Number.isFinite(u) && u > 0 ? ok(u) : bad(`expected a number > 0 (${what}), got ${describe(u)}`),
  );
}

/** An offered rate in requests/s, at most MAX_RATE_RPS. */
export const rate: Codec<number> = leaf("number ≥ 0 (requests/s)", (u) => {
  if (!(typeof u === "number" && Number.isFinite(u) && u >= 0)) return bad(`expected a number ≥ 0 (requests/s), got ${describe(u)}`);
  return u <= MAX_RATE_RPS ? ok(u) : bad(`expected at most ${MAX_RATE_RPS.toExponential()} requests/s, got ${describe(u)}`);
});

function boundedQuantity(base: Codec<number>, what: string, examples: string, min: "> 0" | "≥ 0", max: number, maxText: string, show: (v: number) => string): Codec<number> {
  return leaf(`${what} ${min} (${examples})`, (u) => {
    const r = base.decode(u);
    if (r._tag === "Left") return bad(r.left[0]?.message ?? `expected a quantity, got ${describe(u)}`);
    if (min === "> 0" && !(r.right > 0)) return bad(`expected a quantity > 0, got ${describe(u)}`);
    return r.right <= max ? ok(r.right) : bad(`expected at most ${maxText}, got ${describe(u)}`);
  }, show);
}

/** 500 -> "500m", 4000 -> "4": millicores as a Kubernetes CPU quantity. */
const showCpu = (m: number): string => (m % 1000 === 0 ? String(m / 1000) : `${m}m`);

/** 67108864 -> "64Mi": bytes as a Kubernetes memory quantity (the largest binary suffix that divides). */
function showMemory(bytes: number): string {
  for (const [suffix, size] of [["Pi", 2 ** 50], ["Ti", 2 ** 40], ["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) {
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${suffix}`;
  }
  return String(bytes);
}

// A node or a pod's baseline of more than a million cores, or a pebibyte, is a typo (1E, 1e20);
// the bounds keep every sum of the models far inside exact doubles.
const MAX_CPU_MCORES = 1e9;
const MAX_MEMORY_BYTES = 2 ** 50;

/** CPU in millicores, > 0 and ≤ 1,000,000 cores ("4", "500m"). */
export const cpu: Codec<number> = boundedQuantity(cpuQuantity, "CPU quantity", "500m, 4", "> 0", MAX_CPU_MCORES, "1000000 cores (1M)", showCpu);
/** Memory in bytes, > 0 and ≤ 1Pi ("16Gi", "64Mi"). */
export const memory: Codec<number> = boundedQuantity(memoryQuantity, "memory quantity", "64Mi, 16Gi", "> 0", MAX_MEMORY_BYTES, "1Pi", showMemory);
/** Memory in bytes, ≥ 0 and ≤ 1Pi. */
export const memoryOrZero: Codec<number> = boundedQuantity(memoryQuantity, "memory quantity", "64Mi, 16Gi", "≥ 0", MAX_MEMORY_BYTES, "1Pi", showMemory);

/**
 * A cluster-wide memory total (the Cluster Autoscaler's --memory-total), ≥ 0 and ≤ 8Pi: upstream's
 * default maximum is 6400000Gi (6.1Pi), and 8Pi (2^53 bytes) is as far as doubles stay exact.
 */
export const memoryTotal: Codec<number> = boundedQuantity(memoryQuantity, "memory quantity", "64Gi, 100Ti", "≥ 0", 2 ** 53, "8Pi", showMemory);

/** A map of free-form keys to values of one codec (kubelet imagePull: image -> pull time). */
export function record<A>(name: string, value: Codec<A>): Codec<Record<string, A>> {
  const codec = new t.Type<Record<string, A>, unknown, unknown>(
    name,
    (_u): _u is Record<string, A> => false,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, `expected a map, got ${describe(u)}`);
      const out: Record<string, A> = {};
      const errors: t.ValidationError[] = [];
      for (const [k, v] of Object.entries(u)) {
        const r = value.validate(v, [...c, { key: k, type: value, actual: v }]);
        if (r._tag === "Left") errors.push(...r.left);
        else out[k] = r.right;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
  return withShape(codec, { kind: "map", key: name, value: value as Codec<unknown> });
}
