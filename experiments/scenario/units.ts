/**
 * Leaf codecs in human units: durations ("15s", "1m30s", "500ms"), rates (requests/s), CPU and
 * memory quantities. Each converts once, at the edge, to kubesim's integer units (ms, millicores,
 * bytes), with a message that shows the expected form.
 */
import * as t from "io-ts";
import { parseDuration_ms, QuantityError } from "../../models/cluster/quantity.js";
import { bad, describe, isPlainObject, leaf, ok, type Codec } from "../manifests/codec.js";
import { cpuQuantity, memoryQuantity } from "../manifests/common.js";

const DURATION_HINT = "a duration such as 15s, 1m30s or 500ms";

// Bare numbers are rejected: "timeout: 30" could mean seconds or milliseconds, and the scenario
// format promises a unit on every value.
function parseDurationText(u: unknown): number | null {
  if (typeof u !== "string") return null;
  try {
    return parseDuration_ms(u);
  } catch (e) {
    if (e instanceof QuantityError) return null;
    throw e;
  }
}

/** A duration ≥ 0, in integer milliseconds. */
export const duration: Codec<number> = leaf("duration", (u) => {
  const ms = parseDurationText(u);
  return ms === null ? bad(`expected ${DURATION_HINT}, got ${describe(u)}`) : ok(ms);
});

/** A duration > 0 (periods, intervals, resolutions). */
export const positiveDuration: Codec<number> = leaf("positive duration", (u) => {
  const ms = parseDurationText(u);
  if (ms === null) return bad(`expected ${DURATION_HINT}, got ${describe(u)}`);
  return ms > 0 ? ok(ms) : bad(`expected a duration > 0, got ${describe(u)}`);
});

/** A duration, or null for "draw it" (phases that default to a random offset). */
export const nullableDuration: Codec<number | null> = leaf("duration or null", (u) => {
  if (u === null) return ok(null);
  const ms = parseDurationText(u);
  return ms === null ? bad(`expected ${DURATION_HINT} or null, got ${describe(u)}`) : ok(ms);
});

const EXACT_DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/**
 * CPU time of one request on one core, in millicore-seconds: 200ms of one core is 200 mcore·s.
 * Unlike `duration`, fractions of a millisecond are kept (a cheap request may cost 0.5 ms).
 */
export const cpuTime_mcore_s: Codec<number> = leaf("cpu time", (u) => {
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
  return total > 0 ? ok(total) : bad(`expected a CPU time > 0, got ${describe(u)}`);
});

/** A finite number ≥ 0 (`what` names the unit in the message, e.g. "requests/s"). */
export function nonNegative(what: string): Codec<number> {
  return leaf(`number ≥ 0`, (u) =>
    typeof u === "number" && Number.isFinite(u) && u >= 0 ? ok(u) : bad(`expected a number ≥ 0 (${what}), got ${describe(u)}`),
  );
}

/** A finite number > 0. */
export function positive(what: string): Codec<number> {
  return leaf(`number > 0`, (u) =>
    typeof u === "number" && Number.isFinite(u) && u > 0 ? ok(u) : bad(`expected a number > 0 (${what}), got ${describe(u)}`),
  );
}

/** An offered rate in requests/s. */
export const rate: Codec<number> = nonNegative("requests/s");

function positiveQuantity(base: Codec<number>, name: string): Codec<number> {
  return leaf(name, (u) => {
    const r = base.decode(u);
    if (r._tag === "Left") return bad(r.left[0]?.message ?? `expected a quantity, got ${describe(u)}`);
    return r.right > 0 ? ok(r.right) : bad(`expected a quantity > 0, got ${describe(u)}`);
  });
}

/** CPU in millicores, > 0 ("4", "500m"). */
export const cpu: Codec<number> = positiveQuantity(cpuQuantity, "cpu");
/** Memory in bytes, > 0 ("16Gi", "64Mi"). */
export const memory: Codec<number> = positiveQuantity(memoryQuantity, "memory");
/** Memory in bytes, ≥ 0. */
export const memoryOrZero: Codec<number> = memoryQuantity;

/** A map of free-form keys to values of one codec (kubelet imagePull: image -> pull time). */
export function record<A>(name: string, value: Codec<A>): Codec<Record<string, A>> {
  return new t.Type<Record<string, A>, unknown, unknown>(
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
}
