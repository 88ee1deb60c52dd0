/**
 * io-ts combinators for Kubernetes manifests.
 *
 * Stock io-ts codecs stop at the shape; manifests need three more things, which these add:
 * - every error of a document at once, each with a message a user can act on
 *   ("expected an integer ≥ 1, got -3") and the exact field path (list items as `[i]`);
 * - API defaults applied while decoding (`def(codec, () => 25%)`), so the result is the object the
 *   API server would store;
 * - warnings for fields kubesim does not model or that are not Kubernetes fields at all. io-ts has
 *   no warning channel, so struct codecs push them into a sink that `runDecoder` installs for the
 *   duration of one synchronous decode (decoding never yields, so the sink cannot leak between
 *   documents).
 *
 * Error paths come from the io-ts context (`e.context.slice(1).map(c => c.key)`); list indices
 * are written `[i]` in the key so the path maps back to YAML sequences.
 */
import * as t from "io-ts";
import { isLeft } from "fp-ts/lib/Either.js";
import { quote, type PathSegment } from "./diagnostics.js";

/**
 * A decoder of user input to A. io-ts's Decoder interface (name, validate, decode) rather than
 * t.Type, because Decoder is covariant in A: a Codec<Deployment> is a Codec<StoredObject>.
 */
export type Codec<A> = t.Decoder<unknown, A>;

export interface Issue {
  path: PathSegment[];
  message: string;
}

let warningSink: Issue[] | null = null;

function emitWarning(issue: Issue): void {
  // A struct decoded outside runDecoder (a programming error) would lose warnings silently.
  if (warningSink === null) throw new Error("manifest codec used outside runDecoder");
  warningSink.push(issue);
}

const INDEX_KEY = /^\[(\d+)\]$/;

export function contextPath(context: t.Context): PathSegment[] {
  return context.slice(1).map((c) => {
    const m = INDEX_KEY.exec(c.key);
    return m ? Number(m[1]) : c.key;
  });
}

function contextKey(segment: PathSegment): string {
  return typeof segment === "number" ? `[${segment}]` : segment;
}

/** Decodes one value, returning the result (null on errors), every error and every warning. */
export function runDecoder<A>(codec: Codec<A>, value: unknown): { value: A | null; errors: Issue[]; warnings: Issue[] } {
  const previous = warningSink;
  const warnings: Issue[] = [];
  warningSink = warnings;
  try {
    const result = codec.decode(value);
    if (isLeft(result)) {
      const errors = result.left.map((e) => ({
        path: contextPath(e.context),
        message: e.message ?? `expected ${e.context[e.context.length - 1]?.type.name ?? codec.name}, got ${describe(e.value)}`,
      }));
      return { value: null, errors, warnings };
    }
    return { value: result.right, errors: [], warnings };
  } finally {
    warningSink = previous;
  }
}

/** A short rendering of a user value for messages: strings quoted, maps and lists named. */
export function describe(u: unknown): string {
  if (u === null || u === undefined) return "null";
  if (typeof u === "string") return quote(u);
  if (typeof u === "number" || typeof u === "boolean" || typeof u === "bigint") return String(u);
  if (Array.isArray(u)) return "a list";
  return "a map";
}

// ---- shapes: what a codec accepts, for the generated reference ----------------------------------

/**
 * What a codec accepts, recorded by the combinators that build it, so the scenario reference
 * (experiments/scenario/reference.ts, docs/scenario.md) is rendered from the very codecs the
 * validator runs, never from a second description.
 */
export type Shape =
  /** `type` is the accepted form in words; `show` writes a decoded value back in that form. */
  | { kind: "leaf"; type: string; show: (value: unknown) => string }
  | { kind: "struct"; props: Props }
  | { kind: "list"; item: Codec<unknown> }
  | { kind: "map"; key: string; value: Codec<unknown> | null }
  | { kind: "table"; entries: readonly TableEntry[] }
  | { kind: "oneOf"; tag: string; variants: readonly Variant[] };

/** A key of a parameter table (components): its codec, what it means and the config field it sets. */
export interface TableEntry {
  key: string;
  codec: Codec<unknown>;
  doc: string;
  /** The field of the model's config (its default is looked up there by whoever shows one). */
  field: string;
}

/** One alternative of a map dispatched on a tag field (load profiles on `type`). */
export interface Variant {
  name: string;
  codec: Codec<unknown>;
  doc: string;
}

const shapes = new WeakMap<object, Shape>();

/** Records what `codec` accepts; returns it. */
export function withShape<C extends Codec<unknown>>(codec: C, shape: Shape): C {
  shapes.set(codec, shape);
  return codec;
}

export function shapeOf(codec: Codec<unknown>): Shape | undefined {
  return shapes.get(codec);
}

/** A decoded value written back as the user would write it (durations as 15s, CPU as 500m). */
export function showValue(codec: Codec<unknown>, value: unknown): string {
  const shape = shapeOf(codec);
  if (value === null) return "null";
  if (shape?.kind === "leaf") return shape.show(value);
  if (shape?.kind === "list" && Array.isArray(value)) return value.length === 0 ? "[]" : `[${value.map((v) => showValue(shape.item, v)).join(", ")}]`;
  if (shape?.kind === "map" && shape.value !== null && isPlainObject(value)) {
    const entries = Object.entries(value);
    return entries.length === 0 ? "{}" : `{${entries.map(([k, v]) => `${k}: ${showValue(shape.value!, v)}`).join(", ")}}`;
  }
  if (shape?.kind === "table" && isPlainObject(value)) {
    return `{${shape.entries.filter((e) => value[e.key] !== undefined).map((e) => `${e.key}: ${showValue(e.codec, value[e.key])}`).join(", ")}}`;
  }
  return JSON.stringify(value);
}

export function isPlainObject(u: unknown): u is Record<string, unknown> {
  return typeof u === "object" && u !== null && !Array.isArray(u);
}

// Decoding codecs transform their input (quantities to integers, defaults filled), so a type
// guard cannot be meaningful; nothing in the loader calls `is`.
const noGuard = <A>(_u: unknown): _u is A => false;

type Check<A> = { ok: true; value: A } | { ok: false; message: string };

/**
 * A leaf codec from a check function. `name` is the accepted form in words (it is the type column
 * of the scenario reference); `show` writes a decoded value back in that form.
 */
export function leaf<A>(name: string, check: (u: unknown) => Check<A>, show: (value: A) => string = (v) => JSON.stringify(v)): Codec<A> {
  const codec = new t.Type<A, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      const r = check(u);
      return r.ok ? t.success(r.value) : t.failure(u, c, r.message);
    },
    t.identity,
  );
  return withShape(codec, { kind: "leaf", type: name, show: show as (value: unknown) => string });
}

export const ok = <A>(value: A): Check<A> => ({ ok: true, value });
export const bad = <A = never>(message: string): Check<A> => ({ ok: false, message });

export const str: Codec<string> = leaf("string", (u) => (typeof u === "string" ? ok(u) : bad(`expected a string, got ${describe(u)}`)));

export const bool: Codec<boolean> = leaf("boolean", (u) => (typeof u === "boolean" ? ok(u) : bad(`expected true or false, got ${describe(u)}`)));

const MAX_INT32 = 2147483647;

/** An int32 field with a lower (and optional upper) bound. Strings are rejected, as Go's JSON decoder does. */
export function int(min: number, max: number = MAX_INT32): Codec<number> {
  const expected = max === MAX_INT32 ? `an integer ≥ ${min}` : `an integer between ${min} and ${max}`;
  return leaf(max === MAX_INT32 ? `integer ≥ ${min}` : `integer ${min}–${max}`, (u) =>
    typeof u === "number" && Number.isInteger(u) && u >= min && u <= max ? ok(u) : bad(`expected ${expected}, got ${describe(u)}`),
  );
}

/** A string enum; the error reads like field.NotSupported. */
export function oneOf<V extends string>(values: readonly V[]): Codec<V> {
  return leaf(`one of ${values.join(", ")}`, (u) => {
    if (typeof u !== "string") return bad(`expected a string, got ${describe(u)}`);
    if (!(values as readonly string[]).includes(u)) {
      return bad(`Unsupported value: ${quote(u)}: supported values: ${values.map((v) => JSON.stringify(v)).join(", ")}`);
    }
    return ok(u as V);
  }, String);
}

/** A string validated by upstream syntax checks that each return a list of problems. */
export function checkedString(name: string, check: (s: string) => string[]): Codec<string> {
  const codec = new t.Type<string, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      if (typeof u !== "string") return t.failure(u, c, `expected a string, got ${describe(u)}`);
      const problems = check(u);
      if (problems.length === 0) return t.success(u);
      // One error per problem, as ValidateObjectMeta appends one field.Invalid per message.
      return t.failures(problems.map((p) => ({ value: u, context: c, message: `Invalid value: ${quote(u)}: ${p}` })));
    },
    t.identity,
  );
  return withShape(codec, { kind: "leaf", type: name, show: (v) => String(v) });
}

/** A list; a non-list is one error, bad items are one error each, at `[i]`. */
export function array<A>(item: Codec<A>): Codec<A[]> {
  const codec = new t.Type<A[], unknown, unknown>(
    `Array<${item.name}>`,
    noGuard,
    (u, c) => {
      if (!Array.isArray(u)) return t.failure(u, c, `expected a list, got ${describe(u)}`);
      const out: A[] = [];
      const errors: t.ValidationError[] = [];
      u.forEach((v, i) => {
        const r = item.validate(v, [...c, { key: contextKey(i), type: item, actual: v }]);
        if (isLeft(r)) errors.push(...r.left);
        else out.push(r.right);
      });
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
  return withShape(codec, { kind: "list", item });
}

/** A map of string to string, with per-key and per-value syntax checks (labels, selectors). */
export function stringMap(name: string, keyCheck: (k: string) => string[], valueCheck: (v: string) => string[]): Codec<Record<string, string>> {
  const codec = new t.Type<Record<string, string>, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, `expected a map, got ${describe(u)}`);
      const out: Record<string, string> = {};
      const errors: t.ValidationError[] = [];
      for (const [k, v] of Object.entries(u)) {
        const context = [...c, { key: k, type: str, actual: v }];
        for (const p of keyCheck(k)) errors.push({ value: k, context, message: `Invalid value: ${quote(k)}: ${p}` });
        if (typeof v !== "string") {
          // Go's decoder rejects `app: 1` for a map[string]string; quote the value in YAML.
          errors.push({ value: v, context, message: `expected a string, got ${describe(v)} (quote it in YAML)` });
          continue;
        }
        for (const p of valueCheck(v)) errors.push({ value: v, context, message: `Invalid value: ${quote(v)}: ${p}` });
        out[k] = v;
      }
      return errors.length > 0 ? t.failures(errors) : t.success(out);
    },
    t.identity,
  );
  return withShape(codec, { kind: "map", key: name, value: str });
}

// ---- structs ---------------------------------------------------------------------------------

type FieldKind = "req" | "opt" | "def";

export interface Field<T, K extends FieldKind> {
  kind: K;
  codec: Codec<T>;
  fallback?: () => T;
  message?: string;
  /** What the field means, for the scenario reference. */
  doc?: string;
  /** An `opt` field's default when it is applied after decoding (limits, outputs), for the reference. */
  shownDefault?: () => unknown;
}

/** A required field; absent or null is `Required value` (or the given upstream message). */
export const req = <T>(codec: Codec<T>, message = "Required value"): Field<T, "req"> => ({ kind: "req", codec, message });
/** An optional field without a default (undefined when absent or null). */
export const opt = <T>(codec: Codec<T>): Field<T, "opt"> => ({ kind: "opt", codec });
/** An optional field with an API default. */
export const def = <T>(codec: Codec<T>, fallback: () => NoInfer<T>): Field<T, "def"> => ({ kind: "def", codec, fallback });

/** `field` with its meaning (and, for an `opt` field defaulted after decoding, that default) for the reference. */
export const doc = <F extends Field<any, FieldKind>>(text: string, field: F, shownDefault?: () => unknown): F => ({ ...field, doc: text, ...(shownDefault !== undefined && { shownDefault }) });

type AnyField = Field<any, FieldKind>;
export type Props = Record<string, AnyField>;
export type Decoded<P extends Props> = {
  [K in keyof P]: P[K] extends Field<infer T, "opt"> ? T | undefined : P[K] extends Field<infer T, FieldKind> ? T : never;
};

/** What a struct's build step may report, at paths relative to the struct. */
export interface BuildContext {
  error(path: readonly PathSegment[], message: string): void;
  warn(path: readonly PathSegment[], message: string): void;
}

export interface StructOptions<P extends Props, A> {
  /** Kubernetes fields kubesim does not model: one warning per path, then ignored. */
  unmodelled?: readonly string[];
  /** Fields accepted without a warning and without effect (server-set metadata, probe handlers). */
  accepted?: readonly string[];
  /** The warning for a key that is none of the above (default: an unknown-field warning). */
  unknownKey?: (key: string) => string;
  /**
   * Cross-field validation that runs even when some fields failed (those are undefined), so that
   * one bad field does not hide an unrelated error of the same object.
   */
  check?: (fields: Partial<Decoded<P>>, ctx: BuildContext, raw: Readonly<Record<string, unknown>>) => void;
  /**
   * Conversion to the kubesim type (and checks that need every field); runs only when every field
   * decoded and `check` found nothing.
   * `raw` is the map as written, for checks on keys that are accepted but not decoded.
   */
  build: (fields: Decoded<P>, ctx: BuildContext, raw: Readonly<Record<string, unknown>>) => A;
}

export function struct<P extends Props, A>(name: string, props: P, options: StructOptions<P, A>): Codec<A> {
  const unmodelled = options.unmodelled ?? [];
  const accepted = options.accepted ?? [];
  const known = [...Object.keys(props), ...unmodelled, ...accepted];
  const codec = new t.Type<A, unknown, unknown>(
    name,
    noGuard,
    (u, c) => {
      if (!isPlainObject(u)) return t.failure(u, c, `expected a map, got ${describe(u)}`);
      const here = contextPath(c);
      for (const key of Object.keys(u)) {
        if (Object.hasOwn(props, key) || accepted.includes(key)) continue;
        if (unmodelled.includes(key)) {
          emitWarning({ path: [...here, key], message: "field is not modelled; ignored" });
        } else {
          emitWarning({ path: [...here, key], message: options.unknownKey?.(key) ?? unknownFieldMessage(key, known) });
        }
      }
      const fields: Record<string, unknown> = {};
      const errors: t.ValidationError[] = [];
      for (const [key, field] of Object.entries(props)) {
        const value = u[key];
        const context = [...c, { key, type: field.codec, actual: value }];
        // JSON null decodes to Go's nil pointer or zero value: the same as absent.
        if (value === undefined || value === null) {
          if (field.kind === "req") errors.push({ value, context, message: field.message });
          else fields[key] = field.kind === "def" ? field.fallback!() : undefined;
          continue;
        }
        const r = field.codec.validate(value, context);
        if (isLeft(r)) errors.push(...r.left);
        else fields[key] = r.right;
      }
      const checkErrors: t.ValidationError[] = [];
      const ctx: BuildContext = {
        error(path, message) {
          const context = [...c, ...path.map((p) => ({ key: contextKey(p), type: t.unknown, actual: undefined }))];
          checkErrors.push({ value: undefined, context, message });
        },
        warn(path, message) {
          emitWarning({ path: [...here, ...path], message });
        },
      };
      options.check?.(fields as Partial<Decoded<P>>, ctx, u);
      if (errors.length > 0 || checkErrors.length > 0) return t.failures([...errors, ...checkErrors]);
      const built = options.build(fields as Decoded<P>, ctx, u);
      const buildErrors = checkErrors;
      return buildErrors.length > 0 ? t.failures(buildErrors) : t.success(built);
    },
    t.identity,
  );
  return withShape(codec, { kind: "struct", props });
}

function unknownFieldMessage(key: string, known: readonly string[]): string {
  let best: string | null = null;
  let bestDistance = 3; // suggest only near misses (typos), not unrelated names
  for (const k of known) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  const hint = best === null ? "" : ` (did you mean "${best}"?)`;
  return `unknown field ${JSON.stringify(key)}, not a Kubernetes field${hint}; ignored`;
}

/** Levenshtein distance; names are short, so the O(n·m) table is fine. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length];
}
