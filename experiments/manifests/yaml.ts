/**
 * Multi-document YAML with line numbers. Each document keeps its syntax tree so that any path the
 * decoder reports (`spec.template.spec.containers[0].image`) maps back to the line a user sees in
 * an editor; a path that does not exist in the file (a missing required key) maps to the line of
 * its nearest existing parent.
 *
 * This is also the one guard on raw input values: every YAML kubesim reads (scenarios, manifests,
 * experiments) becomes plain data here, and only here, so the rules below hold everywhere:
 * - maps become null-prototype objects, and the keys `__proto__`, `constructor` and `prototype`
 *   are errors (left out of the value): no input can reach an object prototype;
 * - NaN and ±Infinity (`.nan`, `.inf`, `1e400`) are errors (the value becomes null), so a later
 *   stage cannot mistake them for "absent" or compute with them;
 * - nesting depth and the number of values (aliases expanded) are bounded, so a "billion laughs"
 *   document or a 10,000-deep map is refused quickly with a message instead of exhausting memory
 *   or the stack.
 */
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from "yaml";
import { EXCERPT_CHARS, formatPath, type Diagnostic, type PathSegment } from "./diagnostics.js";

export interface ManifestDocument {
  /** 0-based position among the file's `---`-separated documents. */
  index: number;
  /** The document as plain JS data (maps -> null-prototype objects, sequences -> arrays). */
  value: unknown;
  /** Line of the document's first content. */
  startLine: number;
  /** Line of the key (or list item) at `path`; for a missing path, the line of its deepest parent. */
  lineOf(path: readonly PathSegment[]): number;
}

export interface ParsedYaml {
  /** Documents without syntax errors, empty documents left out. */
  documents: ManifestDocument[];
  /** Syntax errors and raw-value errors, `file:line` each. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Keys that name or reach JavaScript object prototypes; never valid in kubesim's input. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Why a forbidden key is refused; callers prefix `Forbidden: ` (and the path, when it is text). */
export const forbiddenKeyReason = (key: string): string => `${JSON.stringify(key)} cannot be used as a key (it names a JavaScript object prototype)`;

/** Nesting levels of one document; real manifests nest < 20 deep. */
export const MAX_YAML_DEPTH = 100;
/** Values of one file, aliases expanded: far above any real manifest, far below exhausting memory. */
export const MAX_YAML_VALUES = 1_000_000;

// Bounds the path walk (TigerStyle: a limit on every loop).
const MAX_PATH_DEPTH = MAX_YAML_DEPTH + 1;

/** A limit hit while converting: the document is dropped with this one error. */
class LimitExceeded extends Error {
  constructor(
    readonly line: number,
    readonly path: PathSegment[],
    message: string,
  ) {
    super(message);
  }
}

export function parseManifestYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const documents: ManifestDocument[] = [];
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  // An empty stream (only comments or nothing) has no documents at all.
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  const budget = { values: 0 };
  for (const [index, doc] of docs.entries()) {
    // Past the value budget, later documents would only repeat the same error.
    if (budget.values > MAX_YAML_VALUES) break;
    for (const e of doc.errors) errors.push(yamlProblem(e, file, lineAt));
    for (const w of doc.warnings) warnings.push(yamlProblem(w, file, lineAt));
    if (doc.errors.length > 0) continue;
    const contents = doc.contents;
    const startLine = contents?.range ? lineAt(contents.range[0]) : 1;
    let value: unknown;
    try {
      value = toPlain(contents, { doc, text, file, lineAt, errors, budget, active: new Set() }, [], 0);
    } catch (e) {
      if (!(e instanceof LimitExceeded)) throw e;
      errors.push({ file, line: e.line, path: formatPath(e.path), message: e.message });
      continue;
    }
    if (value === null || value === undefined) continue; // `---` with nothing after it
    documents.push({
      index,
      value,
      startLine,
      lineOf(path) {
        let node: unknown = contents;
        let line = startLine;
        for (let depth = 0; depth < path.length && depth < MAX_PATH_DEPTH; depth++) {
          const segment = path[depth];
          if (isMap(node)) {
            const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
            if (!pair) break;
            const keyRange = isScalar(pair.key) ? pair.key.range : undefined;
            if (keyRange) line = lineAt(keyRange[0]);
            node = pair.value;
          } else if (isSeq(node) && typeof segment === "number") {
            const item: unknown = node.items[segment];
            if (item === undefined) break;
            const range = (item as { range?: [number, number, number] }).range;
            if (range) line = lineAt(range[0]);
            node = item;
          } else {
            break;
          }
        }
        return line;
      },
    });
  }
  return { documents, errors, warnings };
}

interface Walk {
  doc: Document.Parsed;
  text: string;
  file: string;
  lineAt(offset: number): number;
  errors: Diagnostic[];
  budget: { values: number };
  /** Collections being converted: an alias to one of them would expand for ever. */
  active: Set<unknown>;
}

function lineOfNode(node: unknown, w: Walk, fallback: number): number {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range ? w.lineAt(range[0]) : fallback;
}

/** The YAML node as plain data, checking keys, numbers, depth and size on the way. */
function toPlain(node: unknown, w: Walk, path: PathSegment[], depth: number): unknown {
  if (node === null || node === undefined) return null;
  const line = lineOfNode(node, w, 1);
  if (depth > MAX_YAML_DEPTH) throw new LimitExceeded(line, path, `nesting deeper than ${MAX_YAML_DEPTH} levels; kubesim reads at most ${MAX_YAML_DEPTH}`);
  if (++w.budget.values > MAX_YAML_VALUES) {
    throw new LimitExceeded(line, path, `more than ${MAX_YAML_VALUES.toLocaleString("en-US")} values in one file (aliases counted each time they are used); kubesim reads at most that many`);
  }
  if (isAlias(node)) {
    const target = node.resolve(w.doc);
    if (target === undefined) return null; // the parser reports unresolved aliases
    if (w.active.has(target)) throw new LimitExceeded(line, path, `alias *${node.source} refers to a collection that contains it`);
    return toPlain(target, w, path, depth);
  }
  if (isScalar(node)) {
    const v = node.value;
    if (typeof v === "number" && !Number.isFinite(v)) {
      const written = node.range ? w.text.slice(node.range[0], node.range[1]) : String(v);
      w.errors.push({ file: w.file, line, path: formatPath(path), message: `Invalid value: ${written}: must be a finite number` });
      return null;
    }
    return v;
  }
  if (isMap(node) || isPair(node)) {
    const out: Record<string, unknown> = Object.create(null);
    const pairs = isMap(node) ? node.items : [node];
    w.active.add(node);
    for (const pair of pairs) {
      const keyNode = pair.key as Node | null;
      if (keyNode !== null && !isScalar(keyNode)) {
        w.errors.push({ file: w.file, line: lineOfNode(keyNode, w, line), path: formatPath(path), message: "map keys must be plain strings" });
        continue;
      }
      const key = String(keyNode?.value ?? "");
      const keyLine = lineOfNode(keyNode, w, line);
      if (FORBIDDEN_KEYS.has(key)) {
        w.errors.push({ file: w.file, line: keyLine, path: formatPath([...path, key]), message: `Forbidden: ${forbiddenKeyReason(key)}` });
        continue;
      }
      out[key] = toPlain(pair.value, w, [...path, key], depth + 1);
    }
    w.active.delete(node);
    return out;
  }
  if (isSeq(node)) {
    w.active.add(node);
    const out = node.items.map((item, i) => toPlain(item, w, [...path, i], depth + 1));
    w.active.delete(node);
    return out;
  }
  return null;
}

function yamlProblem(
  e: { message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }]; pos: [number, number] },
  file: string,
  lineAt: (offset: number) => number,
): Diagnostic {
  // With prettyErrors the message ends with " at line L, column C:" and a code frame; the
  // diagnostic carries the line itself, so keep only the first sentence.
  let message = e.message.split(/ at line \d+, column \d+/)[0].trim();
  // The parser recurses once per nesting level; a document nested thousands deep overflows it.
  if (message.includes("Maximum call stack size exceeded")) message = `nesting too deep to parse; kubesim reads at most ${MAX_YAML_DEPTH} levels`;
  // Some messages quote the source; keep them to a short excerpt (the line is given anyway).
  if (message.length > 2 * EXCERPT_CHARS) message = `${message.slice(0, 2 * EXCERPT_CHARS)}…`;
  const line = e.linePos?.[0].line ?? lineAt(e.pos[0]);
  return { file, line, path: "", message: `YAML syntax error: ${message}` };
}
