/**
 * Multi-document YAML with line numbers. Each document keeps its syntax tree so that any path the
 * decoder reports (`spec.template.spec.containers[0].image`) maps back to the line a user sees in
 * an editor; a path that does not exist in the file (a missing required key) maps to the line of
 * its nearest existing parent.
 */
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from "yaml";
import type { Diagnostic, PathSegment } from "./diagnostics.js";

export interface ManifestDocument {
  /** 0-based position among the file's `---`-separated documents. */
  index: number;
  /** The document as plain JS data (maps -> objects, sequences -> arrays). */
  value: unknown;
  /** Line of the document's first content. */
  startLine: number;
  /** Line of the key (or list item) at `path`; for a missing path, the line of its deepest parent. */
  lineOf(path: readonly PathSegment[]): number;
}

export interface ParsedYaml {
  /** Documents without syntax errors, empty documents left out. */
  documents: ManifestDocument[];
  /** Syntax errors, `file:line` each; documents with errors are not decoded. */
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

// Bounds the path walk (TigerStyle: a limit on every loop); real manifests nest < 20 deep.
const MAX_PATH_DEPTH = 256;

export function parseManifestYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const documents: ManifestDocument[] = [];
  const errors: Diagnostic[] = [];
  const warnings: Diagnostic[] = [];
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: true });
  // An empty stream (only comments or nothing) has no documents at all.
  const docs: Document.Parsed[] = Array.isArray(parsed) ? parsed : [];
  docs.forEach((doc, index) => {
    for (const e of doc.errors) errors.push(yamlProblem(e, file, lineAt));
    for (const w of doc.warnings) warnings.push(yamlProblem(w, file, lineAt));
    if (doc.errors.length > 0) return;
    const contents = doc.contents;
    const startLine = contents?.range ? lineAt(contents.range[0]) : 1;
    let value: unknown;
    try {
      // The alias limit stops "billion laughs" documents; toJS throws when it is exceeded.
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      errors.push({ file, line: startLine, path: "", message: `YAML error: ${(e as Error).message}` });
      return;
    }
    if (value === null || value === undefined) return; // `---` with nothing after it
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
  });
  return { documents, errors, warnings };
}

function yamlProblem(
  e: { message: string; linePos?: [{ line: number; col: number }] | [{ line: number; col: number }, { line: number; col: number }]; pos: [number, number] },
  file: string,
  lineAt: (offset: number) => number,
): Diagnostic {
  // With prettyErrors the message ends with " at line L, column C:" and a code frame; the
  // diagnostic carries the line itself, so keep only the first sentence.
  const message = e.message.split(/ at line \d+, column \d+/)[0].trim();
  const line = e.linePos?.[0].line ?? lineAt(e.pos[0]);
  return { file, line, path: "", message: `YAML syntax error: ${message}` };
}
