/**
 * Parsing of Kubernetes quantities and durations at the edge, into integers with the unit last.
 * Follows apimachinery's resource.Quantity suffixes (binary Ki..Ei, decimal n u m k M G T P E,
 * exponents like 1e3) and rounds up to the target unit as `Quantity.MilliValue()`/`Value()` do.
 */

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, "": 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

export class QuantityError extends Error {
  override name = "QuantityError";
}

/** The quantity's value in base units (cores, bytes); integers and numbers pass through. */
export function parseQuantity(input: string | number): number {
  if (typeof input === "number") {
    if (!Number.isFinite(input)) throw new QuantityError(`quantity must be finite, got ${input}`);
    return input;
  }
  const m = QUANTITY.exec(input.trim());
  if (!m) throw new QuantityError(`"${input}" is not a quantity (e.g. 500m, 2, 1.5Gi, 128Mi)`);
  const [, digits, exponent, suffix] = m;
  const base = Number(digits);
  if (exponent) return base * 10 ** Number(exponent.slice(1));
  const s = suffix ?? "";
  return base * (BINARY[s] ?? DECIMAL[s]);
}

/** CPU quantity in millicores, rounded up ("500m" -> 500, "1" -> 1000, "0.1" -> 100). */
export function parseCpu_mcores(input: string | number): number {
  // Round the milli value before ceil so "0.1"*1000 = 100.00000000000001 stays 100.
  return Math.ceil(Number((parseQuantity(input) * 1000).toPrecision(12)));
}

/** Memory quantity in bytes, rounded up ("128Mi" -> 134217728, "1G" -> 1e9). */
export function parseMemory_bytes(input: string | number): number {
  return Math.ceil(Number(parseQuantity(input).toPrecision(15)));
}

const DURATION_PART = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;

/** Go-style duration ("15s", "1m30s", "500ms", "2h") or a number of seconds, in integer ms. */
export function parseDuration_ms(input: string | number): number {
  if (typeof input === "number") {
    if (!(input >= 0) || !Number.isFinite(input)) throw new QuantityError(`duration must be a finite number of seconds >= 0, got ${input}`);
    return Math.round(input * 1000);
  }
  const text = input.trim();
  let total_ms = 0;
  let consumed = 0;
  for (const m of text.matchAll(DURATION_PART)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    const unit_ms = m[2] === "h" ? 3_600_000 : m[2] === "m" ? 60_000 : m[2] === "s" ? 1000 : 1;
    total_ms += Number(m[1]) * unit_ms;
  }
  if (text === "" || consumed !== text.length) {
    throw new QuantityError(`"${input}" is not a duration (e.g. 15s, 1m30s, 500ms, 2h)`);
  }
  return Math.round(total_ms);
}
