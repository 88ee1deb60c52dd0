/**
 * Patches on raw manifests (the YAML as written, before decoding), as Kustomize applies them:
 * - a strategic-merge-like patch: maps merge recursively, lists and scalars replace, `null` or
 *   `{$patch: delete}` removes a key, `{$patch: replace}` replaces a map instead of merging it,
 *   and `$patch: delete` at the top removes the whole object;
 * - RFC 6902 JSON patch, ops add, remove, replace and test, with RFC 6901 pointers.
 * Lists replace rather than merge by key, unlike Kubernetes' strategic merge: kubesim has no
 * per-field merge keys, and a replaced list is at least unsurprising.
 *
 * Both return the paths they changed (in manifest terms), so a decode error in a patched value can
 * point at the patch that put it there.
 */
import { describe, isPlainObject } from "../manifests/codec.js";
import type { PathSegment } from "../manifests/diagnostics.js";
import { FORBIDDEN_KEYS, forbiddenKeyReason } from "../manifests/yaml.js";
import type { JsonPatchOp } from "./fields.js";

export interface PatchProblem {
  /** Path inside the patch (`spec.behavior.$patch`), or [] for the whole patch/op. */
  path: PathSegment[];
  message: string;
}

export interface PatchResult {
  /** The patched value; null when the patch deletes the whole object. */
  value: unknown;
  /** Paths set or removed, in the target's terms. */
  touched: PathSegment[][];
  problems: PatchProblem[];
}

const DELETE = Symbol("delete");

// Manifests nest < 20 deep; a deeper patch is a mistake, and the limit bounds the recursion.
const MAX_DEPTH = 64;

/** Applies a strategic-merge-like patch to `target` (not modified; the result is a copy). */
export function strategicMerge(target: unknown, patch: Record<string, unknown>): PatchResult {
  const touched: PathSegment[][] = [];
  const problems: PatchProblem[] = [];
  const merged = mergeValue(structuredClone(target), patch, [], touched, problems);
  return { value: merged === DELETE ? null : merged, touched, problems };
}

function directive(patch: Record<string, unknown>, at: PathSegment[], problems: PatchProblem[]): "delete" | "replace" | "merge" {
  const d = patch.$patch;
  if (d === undefined) return "merge";
  if (d === "delete" || d === "replace" || d === "merge") return d;
  problems.push({ path: [...at, "$patch"], message: `Unsupported value: ${describe(d)}: supported values: "delete", "replace", "merge"` });
  return "merge";
}

function stripDirectives(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(stripDirectives);
  if (!isPlainObject(v)) return v;
  return Object.fromEntries(Object.entries(v).filter(([k]) => k !== "$patch").map(([k, x]) => [k, stripDirectives(x)]));
}

function mergeValue(
  target: unknown,
  patch: Record<string, unknown>,
  at: PathSegment[],
  touched: PathSegment[][],
  problems: PatchProblem[],
): unknown | typeof DELETE {
  const mode = directive(patch, at, problems);
  if (mode === "delete") {
    touched.push(at);
    return DELETE;
  }
  if (mode === "replace" || !isPlainObject(target) || at.length >= MAX_DEPTH) {
    touched.push(at);
    return stripDirectives(patch);
  }
  for (const [key, value] of Object.entries(patch)) {
    if (key === "$patch") continue;
    const here = [...at, key];
    // Patches read from YAML cannot hold these keys (yaml.ts); this guards library callers too.
    if (FORBIDDEN_KEYS.has(key)) {
      problems.push({ path: here, message: `Forbidden: ${forbiddenKeyReason(key)}` });
      continue;
    }
    if (key.startsWith("$")) {
      problems.push({ path: here, message: `unsupported patch directive ${JSON.stringify(key)} (kubesim reads $patch only)` });
      continue;
    }
    if (value === null) {
      delete target[key];
      touched.push(here);
    } else if (isPlainObject(value)) {
      const r = mergeValue(target[key], value, here, touched, problems);
      if (r === DELETE) delete target[key];
      else target[key] = r;
    } else {
      target[key] = stripDirectives(value);
      touched.push(here);
    }
  }
  return target;
}

// ---- RFC 6902 ------------------------------------------------------------------------------------

/** RFC 6901: "/a/b~1c" -> ["a", "b/c"]. */
export function parsePointer(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer.slice(1).split("/").map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
}

const INDEX = /^(0|[1-9][0-9]*)$/;

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlainObject(a) && isPlainObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

const show = (v: unknown): string => JSON.stringify(v) ?? "null";

/**
 * Applies RFC 6902 ops in order to a copy of `target`. A failing op is a problem at its index
 * (path [i, "path"] or [i, "value"]) and is skipped; the ops after it still run, so every bad op
 * of a scenario is reported at once.
 */
export function jsonPatch(target: unknown, ops: readonly JsonPatchOp[]): PatchResult {
  let doc = structuredClone(target);
  const touched: PathSegment[][] = [];
  const problems: PatchProblem[] = [];
  ops.forEach((op, i) => {
    const tokens = parsePointer(op.path);
    const fail = (message: string, field: "path" | "value" = "path") => problems.push({ path: [i, field], message });
    const forbidden = tokens.find((token) => FORBIDDEN_KEYS.has(token));
    if (forbidden !== undefined) return fail(`Forbidden: ${JSON.stringify(op.path)}: ${forbiddenKeyReason(forbidden)}`);
    if (tokens.length === 0) {
      // The whole document.
      if (op.op === "remove") return fail(`Invalid value: "": cannot remove the whole object (use a patch with $patch: delete)`);
      if (op.op === "test") {
        if (!deepEqual(doc, op.value)) fail(`test failed: the object is not ${show(op.value)}`, "value");
        return;
      }
      doc = structuredClone(op.value);
      touched.push([]);
      return;
    }
    // Walk to the parent of the last token.
    let parent: unknown = doc;
    const at: PathSegment[] = [];
    for (let k = 0; k < tokens.length - 1; k++) {
      const token = tokens[k];
      const where = "/" + tokens.slice(0, k).join("/");
      if (Array.isArray(parent)) {
        if (!INDEX.test(token) || Number(token) >= parent.length) {
          return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where === "/" ? "the object" : where} has no element ${token} (it has ${parent.length})`);
        }
        at.push(Number(token));
        parent = parent[Number(token)];
      } else if (isPlainObject(parent)) {
        if (!Object.hasOwn(parent, token)) return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where === "/" ? "the object" : where} has no field ${JSON.stringify(token)}`);
        at.push(token);
        parent = parent[token];
      } else {
        return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where} is ${describe(parent)}, not a map or list`);
      }
    }
    const last = tokens[tokens.length - 1];
    const where = tokens.length === 1 ? "the object" : "/" + tokens.slice(0, -1).join("/");
    if (Array.isArray(parent)) {
      const append = last === "-" && op.op === "add";
      if (!append && !INDEX.test(last)) return fail(`Invalid value: ${JSON.stringify(op.path)}: ${JSON.stringify(last)} is not an index of the list ${where}`);
      const index = append ? parent.length : Number(last);
      const limit = op.op === "add" ? parent.length : parent.length - 1;
      if (index > limit) return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where} has no element ${last} (it has ${parent.length})`);
      if (op.op === "test") {
        if (!deepEqual(parent[index], op.value)) fail(`test failed: ${op.path} is ${show(parent[index])}, expected ${show(op.value)}`, "value");
        return;
      }
      if (op.op === "add") parent.splice(index, 0, structuredClone(op.value));
      else if (op.op === "remove") parent.splice(index, 1);
      else parent[index] = structuredClone(op.value);
      touched.push([...at, index]);
    } else if (isPlainObject(parent)) {
      const exists = Object.hasOwn(parent, last);
      if (op.op !== "add" && !exists) return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where} has no field ${JSON.stringify(last)}`);
      if (op.op === "test") {
        if (!deepEqual(parent[last], op.value)) fail(`test failed: ${op.path} is ${show(parent[last])}, expected ${show(op.value)}`, "value");
        return;
      }
      if (op.op === "remove") delete parent[last];
      else parent[last] = structuredClone(op.value);
      touched.push([...at, last]);
    } else {
      return fail(`Invalid value: ${JSON.stringify(op.path)}: ${where} is ${describe(parent)}, not a map or list`);
    }
  });
  return { value: doc, touched, problems };
}
