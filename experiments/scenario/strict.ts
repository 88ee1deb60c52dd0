/**
 * Strict structs for kubesim's own scenario format. Kubernetes manifests tolerate unknown fields
 * (a warning: the API server prunes them); scenario keys are ours, so a typo such as
 * `metricResolutoin` must not silently fall back to a default: it is an error with a hint.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { isPlainObject, shapeOf, struct, withShape, type Codec, type Props, type StructOptions } from "../manifests/codec.js";

const noGuard = <A>(_u: unknown): _u is A => false;

/** `struct`, with every key that is not a prop (or `accepted`) an error at that key's path. */
export function strictStruct<P extends Props, A>(name: string, props: P, options: StructOptions<P, A>): Codec<A> {
  const known = [...Object.keys(props), ...(options.accepted ?? [])];
  const inner = struct(name, props, options);
  const codec = new t.Type<A, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      if (!isPlainObject(u)) return inner.validate(u, c);
      const unknown = unknownKeyErrors(u, known, c);
      // The inner struct sees only known keys, so it emits no unknown-field warnings of its own.
      const filtered = Object.fromEntries(Object.entries(u).filter(([k]) => known.includes(k)));
      const r = inner.validate(filtered, c);
      if (unknown.length === 0) return r;
      return t.failures([...unknown, ...(isLeft(r) ? r.left : [])]);
    },
    t.identity,
  );
  return withShape(codec, shapeOf(inner)!);
}

/** One error per key of `u` not in `known`. */
export function unknownKeyErrors(u: Record<string, unknown>, known: readonly string[], c: t.Context): t.ValidationError[] {
  const errors: t.ValidationError[] = [];
  for (const [key, value] of Object.entries(u)) {
    if (known.includes(key)) continue;
    errors.push({ value, context: [...c, { key, type: t.unknown, actual: value }], message: unknownKeyMessage(key, known) });
  }
  return errors;
}

/** `unknown field "x" (did you mean "y"?)`, or the list of known fields when nothing is close. */
export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const best = closest(key, known);
  if (best !== null) return `unknown field ${JSON.stringify(key)} (did you mean ${JSON.stringify(best)}?)`;
  return `unknown field ${JSON.stringify(key)} (known fields: ${known.join(", ")})`;
}

/** The known name nearest to `key`, if it is a plausible typo of it (case-insensitive edit distance). */
export function closest(key: string, known: readonly string[]): string | null {
  // Longer names tolerate more typos; 2 edits always, as for "metricResolutoin".
  const limit = Math.max(2, Math.floor(key.length / 4));
  let best: string | null = null;
  let bestDistance = limit + 1;
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance with transpositions counted as one edit (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        rows[0][j] = j;
        continue;
      }
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2][j - 2] + 1);
      rows[i][j] = d;
    }
  }
  return rows[a.length][b.length];
}
