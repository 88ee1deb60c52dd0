/**
 * Diagnostics of the manifest loader: one per problem, each pointing at a file, a line and a field
 * path in the user's YAML terms (`spec.template.spec.containers[0].resources.requests.cpu`), so an
 * editor can jump to it and the message reads like the API server's own field errors.
 */

export interface Diagnostic {
  file: string;
  /** 1-based line of the field (of its parent when the field is missing); 0 when there is no line (unreadable file). */
  line: number;
  /** Field path in YAML terms; "" for a problem of the whole document or file. */
  path: string;
  message: string;
}

/** A path inside one YAML document: map keys are strings, list indices numbers. */
export type PathSegment = string | number;

// Keys that read unambiguously after a dot; anything else (label keys with dots or slashes,
// numeric-looking keys) is written in brackets, as apimachinery's field.Path writes map keys.
const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (PLAIN_KEY.test(segment)) out += out === "" ? segment : `.${segment}`;
    else out += `[${segment}]`;
  }
  return out;
}

/**
 * The one-line form `file:line path: message` (`file:line: message` without a path). Whatever a
 * message quotes (a name, a path, a value a check echoes), no run of text without spaces longer
 * than LONGEST_WORD_CHARS reaches the terminal whole, and no line is longer than
 * LONGEST_LINE_CHARS: a 200,000-character name is an excerpt, not a screenful.
 */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  const line = escapeControls(d.path === "" ? `${where}: ${d.message}` : `${where} ${d.path}: ${d.message}`);
  // A path's closing colon stays, so `file:line path: message` still reads as one.
  const short = line.replace(LONG_WORD, (word) => `${word.slice(0, EXCERPT_CHARS)}…(${word.length} characters)${word.endsWith(":") ? ":" : ""}`);
  return short.length > LONGEST_LINE_CHARS ? `${short.slice(0, LONGEST_LINE_CHARS)}…` : short;
}

const LONGEST_WORD_CHARS = 200;
const LONGEST_LINE_CHARS = 2000;
const LONG_WORD = new RegExp(`\\S{${LONGEST_WORD_CHARS + 1},}`, "g");

/** Longest excerpt of a user's text in a message: enough to recognise it, never a whole file. */
export const EXCERPT_CHARS = 60;

/** A user's string for a message: quoted, cut to EXCERPT_CHARS (with "…"), control characters escaped. */
export function quote(text: string): string {
  const cut = text.length > EXCERPT_CHARS ? `${Array.from(text.slice(0, EXCERPT_CHARS + 1)).slice(0, EXCERPT_CHARS).join("")}…` : text;
  return escapeControls(JSON.stringify(cut));
}

// C0 and C1 controls, DEL, line/paragraph separators and bidirectional overrides: nothing a
// message prints may move the cursor, recolour the terminal or reorder what the user reads.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with control characters written as \uXXXX escapes. */
export function escapeControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
