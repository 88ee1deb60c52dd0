/**
 * `--warnings=all|summary|none` of the commands that load scenarios. Public manifests carry many
 * fields kubesim does not model (probes, securityContext, ...), warned about at every
 * occurrence; the summary (the default) prints warnings alike (one kind of unmodelled field, one
 * unknown kind, one typo repeated) as one line with a count, and each other warning in full.
 */
import { UserError } from "../errors.js";
import { escapeControls, formatDiagnostic, type Diagnostic } from "../manifests/diagnostics.js";

export type WarningsMode = "all" | "summary" | "none";

const MODES: readonly WarningsMode[] = ["all", "summary", "none"];

export const WARNINGS_FLAG = "--warnings <mode>";
export const WARNINGS_HELP = "warnings to print: summary (one line per kind of unmodelled field, with a count; the default), all, or none";

/** The mode a command's options ask for: --warnings, else none with --quiet, else summary. */
export function warningsMode(options: { warnings?: string; quiet?: boolean }): WarningsMode {
  if (options.warnings === undefined) return options.quiet ? "none" : "summary";
  if (!(MODES as readonly string[]).includes(options.warnings)) {
    throw new UserError(`--warnings: expected all, summary or none, got ${JSON.stringify(options.warnings)}`, "e.g. --warnings=all to list every warning", 2);
  }
  return options.warnings as WarningsMode;
}

const PATCH_NOTE = / \(value set by the patch at [^)]*\)$/;

/** Warnings alike: the same message at the same field, whatever the list index, object or file. */
function kindOf(d: Diagnostic): string {
  const path = d.path.replace(/^(?:items\[\d+\]\.)+/, "").replace(/\[\d+\]/g, "[]");
  return `${path === "" ? "" : `${path}: `}${d.message.replace(PATCH_NOTE, "")}`;
}

/**
 * The warning lines (without "warning: ") of summary mode, in order of first appearance: warnings
 * alike (kindOf) seen more than once are one line `N × <path>: <message> (first at file:line;
 * --warnings=all lists each)`, so 12 Deployments with probes give one line, not 12.
 */
export function summarizeWarnings(warnings: readonly Diagnostic[]): string[] {
  const groups = new Map<string, Diagnostic[]>();
  for (const d of warnings) {
    const kind = kindOf(d);
    const group = groups.get(kind);
    if (group === undefined) groups.set(kind, [d]);
    else group.push(d);
  }
  return [...groups].map(([kind, group]) => {
    if (group.length === 1) return formatDiagnostic(group[0]);
    const first = group[0];
    return escapeControls(`${group.length} × ${kind} (first at ${first.line > 0 ? `${first.file}:${first.line}` : first.file}; --warnings=all lists each)`);
  });
}

/** Each warning once, in order (a base scenario's warnings reach every variant that extends it). */
export function uniqueWarnings(warnings: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return warnings.filter((d) => {
    const key = formatDiagnostic(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
