/**
 * A cell -> its scenario: a small overlay file that `extends` the base scenario and sets the
 * cell's factor values, so the scenario loader (with all its checks and units) reads every cell
 * as it reads a hand-written derived scenario, and the file documents the cell.
 *
 * Factor paths, in the scenario's own terms:
 *   components.<component>.<param>[...]   merged per key by the loader (like any derived file)
 *   outputs.<key>[...], metadata.<key>, duration
 *   load.<i>.<...>, apps.<i>.<...>, cluster.<...>, controllers.<i>.<...>   list/struct fields a
 *       derived file replaces whole: the base's value is copied (controllers' module paths
 *       rebased onto the overlay's folder) and the one leaf changed
 *   patch:<Kind>/<name>:<dotted.path>   (or <Kind>/<namespace>/<name>) a patch of that object
 *       setting the leaf: a merge patch, or through lists (numeric segments index them) an
 *       RFC 6902 patch
 */
import path from "node:path";
import { stringify } from "yaml";
import { readChain } from "../scenario/layer.js";
import { Report } from "../scenario/report.js";
import { API_VERSION, KIND } from "../scenario/fields.js";
import type { PathSegment } from "../manifests/diagnostics.js";
import { FORBIDDEN_KEYS, forbiddenKeyReason } from "../manifests/yaml.js";
import type { Cell } from "./design.js";
import type { FactorValue } from "./experiment.js";

/** Fields a factor may not set: the sweep owns the seed, and file lists are not factor values. */
const RESERVED = new Map([
  ["seed", "the seed is set per replication from the experiment's seed; vary replications instead"],
  ["extends", "the base scenario is the experiment's `scenario:`"],
  ["patches", 'objects are addressed as "patch:<Kind>/<name>:<path>"'],
  ["manifests", "manifest lists cannot be swept; use a patch: factor"],
  ["apiVersion", "not a scenario parameter"],
  ["kind", "not a scenario parameter"],
]);
/** Fields the loader merges per key, so an overlay sets only the leaf. */
const MERGED = new Set(["components", "outputs", "metadata"]);
/** Fields a derived layer replaces whole: the overlay carries the base's value with the leaf changed. */
const COPIED = new Set(["load", "apps", "cluster", "controllers"]);
const SCALAR = new Set(["duration"]);

export const FACTOR_FIELDS = [...MERGED, ...COPIED, ...SCALAR, "patch:<Kind>/<name>:<path>"];

export interface FactorTarget {
  kind: "field" | "patch";
  /** Path in the overlay file that the factor sets (for mapping loader errors back). */
  overlayPath: PathSegment[];
  /** For field factors: the path under the top-level key. */
  path: PathSegment[];
  patchTarget?: { kind: string; name: string; namespace?: string };
}

/** Parses a factor path; a string is a problem to report at the factor's line. */
export function parseFactorPath(name: string): FactorTarget | string {
  if (name.startsWith("patch:")) {
    const m = /^patch:([A-Za-z][A-Za-z0-9]*)\/(?:([^/:]+)\/)?([^/:]+):(.+)$/.exec(name);
    if (m === null) return `unknown factor path ${JSON.stringify(name)}: an object is addressed as "patch:<Kind>/<name>:<dotted.path>" (or <Kind>/<namespace>/<name>)`;
    const path = segments(m[4]);
    if (typeof path === "string") return `unknown factor path ${JSON.stringify(name)}: ${path}`;
    const patchTarget = { kind: m[1], name: m[3], ...(m[2] !== undefined && { namespace: m[2] }) };
    return { kind: "patch", overlayPath: [], path, patchTarget };
  }
  const path = segments(name);
  if (typeof path === "string") return `unknown factor path ${JSON.stringify(name)}: ${path}`;
  const top = String(path[0]);
  const reserved = RESERVED.get(top);
  if (reserved !== undefined) return `factor path ${JSON.stringify(name)} cannot be swept: ${reserved}`;
  if (!MERGED.has(top) && !COPIED.has(top) && !SCALAR.has(top)) {
    return `unknown factor path ${JSON.stringify(name)}: "${top}" is not a scenario field (factors can set: ${FACTOR_FIELDS.join(", ")})`;
  }
  if (SCALAR.has(top) && path.length > 1) return `unknown factor path ${JSON.stringify(name)}: ${top} is a single value`;
  if (!SCALAR.has(top) && path.length < 2) return `unknown factor path ${JSON.stringify(name)}: name a field inside ${top} (e.g. ${top}.<key>)`;
  return { kind: "field", overlayPath: COPIED.has(top) ? [top] : path, path };
}

/** "a.b.0.c" -> ["a", "b", 0, "c"]; a problem on an empty segment or a forbidden key. */
function segments(dotted: string): PathSegment[] | string {
  const parts = dotted.split(".");
  if (parts.some((p) => p === "")) return `empty segment in ${JSON.stringify(dotted)}`;
  const forbidden = parts.find((p) => FORBIDDEN_KEYS.has(p));
  if (forbidden !== undefined) return `Forbidden: ${forbiddenKeyReason(forbidden)}`;
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

/**
 * The base scenario's fields as written, derived-most layer winning (for COPIED fields); the
 * controllers' module paths relative to the base scenario's own folder, wherever in the chain
 * they were written (cellOverlay rebases them onto the overlay's folder).
 */
export function baseFields(scenarioFile: string): Record<string, unknown> {
  const { chain } = readChain(scenarioFile, new Report(), []);
  const out: Record<string, unknown> = {};
  const baseDir = path.dirname(path.resolve(scenarioFile));
  for (const layer of chain) {
    for (const [k, v] of Object.entries(layer.raw)) {
      out[k] = k === "controllers" ? rebaseModules(v, (m) => path.relative(baseDir, path.resolve(path.dirname(layer.file), m))) : v;
    }
  }
  return out;
}

/** The `controllers` items with each string `module` passed through `rebase` (POSIX separators). */
function rebaseModules(controllers: unknown, rebase: (module: string) => string): unknown {
  if (!Array.isArray(controllers)) return controllers;
  return controllers.map((c) =>
    c !== null && typeof c === "object" && typeof (c as { module?: unknown }).module === "string"
      ? { ...c, module: rebase((c as { module: string }).module).split(path.sep).join("/") }
      : c,
  );
}

export interface Overlay {
  text: string;
  /** Per factor (experiment order): where in the overlay it landed, for error attribution. */
  sites: PathSegment[][];
  /** Problems building the overlay (bad list index), per factor index. */
  problems: { factor: number; message: string }[];
}

/**
 * The overlay scenario text of one cell. `extendsRef` is the base scenario as the overlay's own
 * folder sees it; `seed` is set only for a replication's overlay.
 */
export function cellOverlay(cell: Cell, base: Record<string, unknown>, extendsRef: string, header: string): Overlay {
  const doc: Record<string, unknown> = { apiVersion: API_VERSION, kind: KIND, extends: extendsRef };
  const patches: Record<string, unknown>[] = [];
  const sites: PathSegment[][] = [];
  const problems: Overlay["problems"] = [];
  cell.values.forEach(([name, value], i) => {
    const target = parseFactorPath(name);
    if (typeof target === "string") {
      problems.push({ factor: i, message: target });
      sites.push([]);
      return;
    }
    if (target.kind === "patch") {
      sites.push(["patches", patches.length]);
      // A path through a list (a numeric segment) is an RFC 6902 patch: a merge patch would
      // replace the list with a map.
      patches.push(target.path.some((seg) => typeof seg === "number")
        ? { target: target.patchTarget, jsonPatch: [listPathPatch(target.path, value)] }
        : { target: target.patchTarget, patch: nested(target.path, value) });
      return;
    }
    const top = String(target.path[0]);
    sites.push(target.overlayPath);
    if (COPIED.has(top)) {
      // The base's controllers name their modules from the base's folder; the overlay is elsewhere.
      if (doc[top] === undefined) doc[top] = top === "controllers" ? rebaseModules(structuredClone(base[top]), (m) => path.posix.join(path.posix.dirname(extendsRef), m)) : structuredClone(base[top]);
      const problem = setIn(doc, target.path, value);
      if (problem !== null) problems.push({ factor: i, message: `unknown factor path ${JSON.stringify(name)}: ${problem}` });
    } else {
      setIn(doc, target.path, value);
    }
  });
  if (patches.length > 0) doc.patches = patches;
  return { text: `${header}${stringify(doc, { lineWidth: 0 })}`, sites, problems };
}

/** Sets the leaf under a list item: `add` on a map key (creating or replacing it), `replace` on a list item. */
function listPathPatch(path: readonly PathSegment[], value: FactorValue): { op: string; path: string; value: FactorValue } {
  const pointer = path.map((seg) => "/" + String(seg).replace(/~/g, "~0").replace(/\//g, "~1")).join("");
  return { op: typeof path[path.length - 1] === "number" ? "replace" : "add", path: pointer, value };
}

function nested(path: readonly PathSegment[], value: FactorValue): Record<string, unknown> {
  let out: unknown = value;
  for (let i = path.length - 1; i >= 0; i--) out = { [String(path[i])]: out };
  return out as Record<string, unknown>;
}

/** Sets a leaf, creating maps on the way; a list index must exist. Returns a problem or null. */
function setIn(root: Record<string, unknown>, path: readonly PathSegment[], value: FactorValue): string | null {
  let node: unknown = root;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i];
    const last = i === path.length - 1;
    if (Array.isArray(node)) {
      if (typeof seg !== "number" || seg >= node.length) return `${path.slice(0, i).join(".")} has ${node.length} items, no item ${String(seg)}`;
      if (last) node[seg] = value;
      else {
        if (node[seg] === null || typeof node[seg] !== "object") node[seg] = {};
        node = node[seg];
      }
      continue;
    }
    if (node === null || typeof node !== "object") return `${path.slice(0, i).join(".")} is not a map`;
    const map = node as Record<string, unknown>;
    if (last) map[String(seg)] = value;
    else {
      if (map[String(seg)] === null || typeof map[String(seg)] !== "object") map[String(seg)] = {};
      node = map[String(seg)];
    }
  }
  return null;
}

/** The overlay of one replication: the cell scenario with the replication's seed. */
export function replicationOverlay(cellScenarioRef: string, seed: number): string {
  return stringify({ apiVersion: API_VERSION, kind: KIND, extends: cellScenarioRef, seed });
}
