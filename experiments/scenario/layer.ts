/**
 * One scenario file -> a layer (its fields, each decoded on its own), and the `extends` chain of
 * layers, base first. A field that fails to decode is left out of the layer and named in
 * `invalid`, so the loader can go on checking the rest (and does not also report it as missing).
 */
import path from "node:path";
import { isPlainObject, runDecoder, type Codec } from "../manifests/codec.js";
import type { PathSegment } from "../manifests/diagnostics.js";
import { inputPath, readInputFile, shownPath } from "../manifests/input-file.js";
import { parseManifestYaml, type ManifestDocument } from "../manifests/yaml.js";
import { LAYER_FIELDS, type LayerFields } from "./fields.js";
import { siteIn, type Report, type Site } from "./report.js";
import { unknownKeyMessage } from "./strict.js";

export interface Layer {
  /** As given (joined to the including file's folder), for messages. */
  file: string;
  text: string;
  doc: ManifestDocument;
  /** The file's map as written (cross-reference checks read names from items that failed to decode). */
  raw: Record<string, unknown>;
  fields: Partial<LayerFields>;
  /** Keys present in the file whose value had errors. */
  invalid: Set<string>;
  /** For list fields: the index in the file of each decoded item (bad items are left out). */
  positions: Map<string, number[]>;
  /** Where `path` (in this file's terms) is, for later checks. */
  site(path: readonly PathSegment[]): Site;
}

/** Where item `i` of a decoded list field (and `rest` inside it) is in its file. */
export function itemSite(layer: Layer, key: string, i: number, ...rest: PathSegment[]): Site {
  return layer.site([key, layer.positions.get(key)?.[i] ?? i, ...rest]);
}

/** `key` or `key[i]` at the start of a formatted path. */
const TOP_PATH = /^([A-Za-z_$][A-Za-z0-9_$-]*)(?:\[(\d+)\])?/;

// A chain deeper than this is a mistake (or a cycle through differently spelled paths).
const MAX_EXTENDS_DEPTH = 32;

/**
 * Parses and decodes one scenario file; null when it cannot be read or parsed at all. An
 * unreadable base is reported at the `extends` line that names it.
 */
export function readLayer(file: string, report: Report, files: string[], referencedAt: Site | null, ref: string = file): Layer | null {
  const read = readInputFile(file);
  if ("reason" in read) {
    if (referencedAt === null) report.error(file, 0, "", `cannot read scenario file: ${read.reason}`);
    else report.error(referencedAt.file, referencedAt.line, referencedAt.path, `cannot read base scenario ${shownPath(ref, file)}: ${read.reason}`);
    return null;
  }
  files.push(file);
  return decodeLayer(read.text, file, report);
}

export function decodeLayer(text: string, file: string, report: Report): Layer | null {
  const parsed = parseManifestYaml(text, file);
  report.errors.push(...parsed.errors);
  report.warnings.push(...parsed.warnings);
  // A syntax error drops its document; a bad raw value (a forbidden key, .inf) only its field.
  if (parsed.errors.length > 0 && parsed.documents.length === 0) return null;
  if (parsed.documents.length === 0) {
    report.error(file, 1, "", "empty scenario file: expected a map with apiVersion: kubesim.io/v1alpha1 and kind: Scenario");
    return null;
  }
  if (parsed.documents.length > 1) {
    report.error(file, parsed.documents[1].startLine, "", `a scenario file holds one YAML document, found ${parsed.documents.length}`);
  }
  const doc = parsed.documents[0];
  const raw = doc.value;
  const site = siteIn(file, (p) => doc.lineOf(p));
  if (!isPlainObject(raw)) {
    report.error(file, doc.startLine, "", "expected a map with apiVersion: kubesim.io/v1alpha1 and kind: Scenario");
    return null;
  }
  const layer: Layer = { file, text, doc, raw, fields: {}, invalid: new Set(), positions: new Map(), site };
  const fields = layer.fields as Record<string, unknown>;
  // Fields (or items of list fields) holding a raw-value error are not decoded again: their
  // value was blanked, and decoding it would add a misleading "Required value".
  const badItems = new Map<string, Set<number | "all">>();
  for (const e of parsed.errors) {
    const m = TOP_PATH.exec(e.path);
    if (m === null) continue;
    layer.invalid.add(m[1]);
    const items = badItems.get(m[1]) ?? new Set();
    items.add(m[2] === undefined ? "all" : Number(m[2]));
    badItems.set(m[1], items);
  }
  const isBad = (key: string, i?: number): boolean => badItems.get(key)?.has("all") === true || (i !== undefined && badItems.get(key)?.has(i) === true);
  const known = Object.keys(LAYER_FIELDS);
  for (const key of Object.keys(raw)) {
    if (!Object.hasOwn(LAYER_FIELDS, key)) report.error(file, doc.lineOf([key]), [key], unknownKeyMessage(key, known));
  }
  for (const [key, spec] of Object.entries(LAYER_FIELDS)) {
    if (isBad(key)) continue;
    const value = raw[key];
    if (value === undefined || value === null) {
      if ("required" in spec && spec.required === "file") report.error(file, doc.lineOf([]), [key], "Required value");
      continue;
    }
    const codec = spec.codec as Codec<unknown>;
    const decode = (v: unknown, at: PathSegment[]): { ok: boolean; value: unknown } => {
      const r = runDecoder(codec, v);
      for (const w of r.warnings) report.warn(file, doc.lineOf([...at, ...w.path]), [...at, ...w.path], w.message);
      for (const e of r.errors) report.error(file, doc.lineOf([...at, ...e.path]), [...at, ...e.path], e.message);
      return { ok: r.value !== null, value: r.value };
    };
    if (!spec.list) {
      const r = decode(value, [key]);
      if (r.ok) fields[spec.field] = r.value;
      else layer.invalid.add(key);
      continue;
    }
    if (!Array.isArray(value)) {
      report.error(file, doc.lineOf([key]), [key], `expected a list, got a ${typeof value === "object" ? "map" : typeof value}`);
      layer.invalid.add(key);
      continue;
    }
    // Items decoded one by one; a bad item is dropped (the run is refused anyway) and the rest
    // still get their cross-reference checks. Positions are kept for those checks.
    const items: unknown[] = [];
    const positions: number[] = [];
    value.forEach((item, i) => {
      if (isBad(key, i)) return;
      const r = decode(item, [key, i]);
      if (r.ok) {
        items.push(r.value);
        positions.push(i);
      } else layer.invalid.add(key);
    });
    fields[spec.field] = items;
    layer.positions.set(key, positions);
  }
  return layer;
}

/**
 * The scenario at `file` and the bases it extends, base first. A cycle is an error at the
 * `extends` line that closes it; the chain read so far is still returned, so its other problems
 * are reported too. `complete` is false when a file of the chain could not be read or parsed
 * (then fields the missing file may have given are not reported missing).
 */
export function readChain(file: string, report: Report, files: string[]): { chain: Layer[]; complete: boolean } {
  const chain: Layer[] = [];
  let complete = true;
  const visited: string[] = [];
  const names: string[] = [];
  let current = file;
  let ref = file;
  let referencedAt: Site | null = null;
  for (let depth = 0; ; depth++) {
    if (depth >= MAX_EXTENDS_DEPTH) {
      report.error(referencedAt!.file, referencedAt!.line, referencedAt!.path, `extends chain deeper than ${MAX_EXTENDS_DEPTH} files`);
      complete = false;
      break;
    }
    const resolved = path.resolve(current);
    if (visited.includes(resolved)) {
      const cycle = [...names.slice(visited.indexOf(resolved)), current].join(" -> ");
      report.error(referencedAt!.file, referencedAt!.line, referencedAt!.path, `extends cycle: ${cycle}`);
      // The base the user meant is unknown: fields it would give are not reported missing.
      complete = false;
      break;
    }
    visited.push(resolved);
    names.push(current);
    const layer = readLayer(current, report, files, referencedAt, ref);
    if (layer === null) {
      complete = false;
      break;
    }
    chain.unshift(layer);
    // A base named by an `extends` that failed to decode (say, a number) cannot be followed.
    const base = layer.fields.extends;
    if (base === undefined) break;
    referencedAt = layer.site(["extends"]);
    ref = base;
    current = inputPath(layer.file, base);
  }
  return { chain, complete };
}

/** The items of a list field as written, with their index (empty when the field is not a list). */
export function rawItems(layer: Layer, key: string): { index: number; item: Record<string, unknown> }[] {
  const list = layer.raw[key];
  if (!Array.isArray(list)) return [];
  return list.flatMap((item, index) => (isPlainObject(item) ? [{ index, item }] : []));
}
