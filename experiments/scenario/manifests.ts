/**
 * The scenario's Kubernetes manifests: read, split into objects, patched, decoded.
 *
 * Patches work on the raw YAML (a JSON patch path names manifest fields, not kubesim's decoded
 * ones), so each object is decoded after patching, on its own, by the manifest loader
 * (experiments/manifests/decode.ts) given the object as read. Its diagnostics are mapped back
 * to the original file's lines through the document's syntax tree; a problem in a value a patch
 * wrote also names the patch.
 */
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import { isPlainObject } from "../manifests/codec.js";
import { loadManifestValue } from "../manifests/decode.js";
import type { PathSegment } from "../manifests/diagnostics.js";
import { readInputFile, shownPath } from "../manifests/input-file.js";
import { parseManifestYaml, type ManifestDocument } from "../manifests/yaml.js";
import type { PatchSpec } from "./fields.js";
import { jsonPatch, strategicMerge, type PatchResult } from "./patch.js";
import { siteIn, type Report, type Site } from "./report.js";

/** One object of a manifest file, as written (then patched). */
export interface RawObject {
  file: string;
  doc: ManifestDocument;
  /** Path of the object in its document ([] or `items[i]` of a List). */
  base: PathSegment[];
  value: unknown;
  deleted: boolean;
  /** Paths a patch wrote, with the patch's place in the scenario. */
  patched: { path: PathSegment[]; site: Site }[];
}

/** Kinds whose spec.template is a pod template and spec.replicas its pod count (the checks read both). */
export const POD_TEMPLATE_KINDS: ReadonlySet<string> = new Set(["Deployment", "ReplicaSet", "StatefulSet", "ReplicationController", "DaemonSet"]);

/** A decoded object and where it was written. */
export interface DecodedObject {
  object: NewObject<StoredObject>;
  raw: RawObject;
  /** Where a field of the object (in manifest terms) is. */
  site(path: readonly PathSegment[]): Site;
}

// kubectl's List wrapper nests at most once in practice (as in decode.ts).
const MAX_LIST_DEPTH = 4;

function flatten(file: string, doc: ManifestDocument, value: unknown, base: PathSegment[], depth: number, out: RawObject[]): void {
  if (isPlainObject(value) && value.apiVersion === "v1" && value.kind === "List" && Array.isArray(value.items) && depth < MAX_LIST_DEPTH) {
    value.items.forEach((item, i) => flatten(file, doc, item, [...base, "items", i], depth + 1, out));
    return;
  }
  out.push({ file, doc, base, value, deleted: false, patched: [] });
}

/**
 * Reads one manifest file (`file`, named `ref` in the scenario) into raw objects; an unreadable
 * file is an error at the line naming it, a file without objects a warning.
 */
export function readManifestFile(file: string, ref: string, referencedAt: Site, report: Report, files: string[]): RawObject[] {
  const read = readInputFile(file);
  if ("reason" in read) {
    report.error(referencedAt.file, referencedAt.line, referencedAt.path, `cannot read manifest file ${shownPath(ref, file)}: ${read.reason}`);
    return [];
  }
  files.push(file);
  const template = helmTemplateLine(read.text);
  if (template !== null) {
    // Parsing it would give a screenful of YAML errors about `{{`, none of them the real problem.
    report.error(file, template, "", "a raw Helm template ({{ ... }}), not a manifest: run `helm template RELEASE CHART > out.yaml` and list out.yaml in manifests");
    return [];
  }
  const parsed = parseManifestYaml(read.text, file);
  report.errors.push(...parsed.errors);
  report.warnings.push(...parsed.warnings);
  const out: RawObject[] = [];
  for (const doc of parsed.documents) flatten(file, doc, doc.value, [], 0, out);
  if (parsed.documents.length === 0 && parsed.errors.length === 0) {
    report.warn(file, 1, "", "no objects: the file is empty or holds only comments and `---`");
  }
  return out;
}

// A Go template action where YAML expects a value or a key: `name: {{ .Release.Name }}`,
// `{{- if .Values.x }}`, `- {{ toYaml . }}`. A quoted "{{ ... }}" string is a valid manifest value.
const TEMPLATE_ACTION = /^[ \t]*(?:-[ \t]+)?(?:[^\s#"'{][^#"']*?:[ \t]+)?\{\{/m;

/** The 1-based line of the first template action of a Helm chart template, or null. */
export function helmTemplateLine(text: string): number | null {
  const m = TEMPLATE_ACTION.exec(text);
  return m === null ? null : text.slice(0, m.index + m[0].length).split("\n").length;
}

function namespaceOf(value: Record<string, unknown>): string {
  const meta = value.metadata;
  const ns = isPlainObject(meta) ? meta.namespace : undefined;
  return typeof ns === "string" && ns !== "" ? ns : "default";
}

/** Whether a patch's target names this (not deleted) object. */
export function matches(raw: RawObject, target: PatchSpec["target"]): boolean {
  const v = raw.value;
  if (raw.deleted || !isPlainObject(v) || v.kind !== target.kind || !isPlainObject(v.metadata) || v.metadata.name !== target.name) return false;
  return target.namespace === undefined || namespaceOf(v) === target.namespace;
}

/** Applies one patch of the scenario (at `site`) to every object it targets. */
export function applyPatch(objects: RawObject[], spec: PatchSpec, site: Site, report: Report): void {
  const targets = objects.filter((o) => matches(o, spec.target));
  if (targets.length === 0) {
    const t = spec.target;
    const known = objects.flatMap((o) => {
      const v = o.value;
      // An object without metadata.name is an error of its own (reported when it is decoded).
      const name = !o.deleted && isPlainObject(v) && v.kind === t.kind && isPlainObject(v.metadata) ? v.metadata.name : undefined;
      return typeof name === "string" ? [JSON.stringify(name)] : [];
    });
    const hint = known.length > 0 ? ` (${t.kind} objects: ${known.join(", ")})` : "";
    const ns = t.namespace === undefined ? "" : `${t.namespace}/`;
    report.errorAt(site.below(["target"]), `no ${t.kind} "${ns}${t.name}" in the manifests to patch${hint}`);
    return;
  }
  for (const object of targets) {
    const result: PatchResult = spec.patch !== undefined ? strategicMerge(object.value, spec.patch) : jsonPatch(object.value, spec.jsonPatch ?? []);
    const inPatch: PathSegment[] = spec.patch !== undefined ? ["patch"] : ["jsonPatch"];
    for (const p of result.problems) {
      report.errorAt(site.below([...inPatch, ...p.path]), p.message);
    }
    if (result.problems.length > 0) continue;
    if (result.value === null) {
      object.deleted = true;
      continue;
    }
    object.value = result.value;
    for (const path of result.touched) object.patched.push({ path, site });
  }
}

const PATH_TOKEN = /(?:^|\.)([A-Za-z_$][A-Za-z0-9_$-]*)|\[([^\]]*)\]/y;

/** The inverse of formatPath: "spec.containers[0].resources[example.com/gpu]" -> segments. */
export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  PATH_TOKEN.lastIndex = 0;
  while (PATH_TOKEN.lastIndex < path.length) {
    const m = PATH_TOKEN.exec(path);
    if (m === null) break; // not a path formatPath writes; keep what was read
    if (m[1] !== undefined) out.push(m[1]);
    else out.push(/^\d+$/.test(m[2]) ? Number(m[2]) : m[2]);
  }
  return out;
}

function isPrefix(prefix: readonly PathSegment[], path: readonly PathSegment[]): boolean {
  return prefix.length <= path.length && prefix.every((s, i) => String(s) === String(path[i]));
}

/** Decodes every (non-deleted) raw object; duplicates across files are errors, as the store would reject them. */
export function decodeObjects(raws: RawObject[], report: Report): DecodedObject[] {
  const out: DecodedObject[] = [];
  const defined = new Map<string, Site>();
  for (const raw of raws) {
    if (raw.deleted) continue;
    const result = loadManifestValue(raw.value, raw.file);
    const site = (path: readonly PathSegment[]): Site => inFile([...raw.base, ...path]);
    const inFile = siteIn(raw.file, (p) => raw.doc.lineOf(p));
    const place = (pathText: string, message: string) => {
      const path = parsePath(pathText);
      const at = site(path);
      const patch = [...raw.patched].reverse().find((p) => isPrefix(p.path, path));
      const note = patch === undefined ? "" : ` (value set by the patch at ${patch.site.file}:${patch.site.line})`;
      return { at, message: message + note };
    };
    for (const e of result.errors) {
      const { at, message } = place(e.path, e.message);
      report.errorAt(at, message);
    }
    for (const w of result.warnings) {
      const { at, message } = place(w.path, w.message);
      report.warnAt(at, message);
    }
    for (const object of result.objects) {
      const namespace = object.metadata.namespace ?? "default";
      const key = `${object.kind}/${namespace}/${object.metadata.name}`;
      const nameSite = site(["metadata", "name"]);
      const previous = defined.get(key);
      if (previous !== undefined) {
        const where = previous.file === nameSite.file ? `line ${previous.line}` : `${previous.file}:${previous.line}`;
        report.errorAt(nameSite, `Duplicate value: ${object.kind} "${namespace}/${object.metadata.name}" is already defined at ${where}`);
        continue;
      }
      defined.set(key, nameSite);
      out.push({ object, raw, site });
    }
  }
  return out;
}
