/** The diagnostics of one scenario load: every problem of every file read, collected, never thrown. */
import type { Diagnostic, PathSegment } from "../manifests/diagnostics.js";
import { formatPath } from "../manifests/diagnostics.js";

export class Report {
  readonly errors: Diagnostic[] = [];
  readonly warnings: Diagnostic[] = [];

  error(file: string, line: number, path: readonly PathSegment[] | string, message: string): void {
    this.errors.push({ file, line, path: typeof path === "string" ? path : formatPath(path), message });
  }

  errorAt(site: Site, message: string): void {
    this.error(site.file, site.line, site.path, message);
  }

  warnAt(site: Site, message: string): void {
    this.warn(site.file, site.line, site.path, message);
  }

  warn(file: string, line: number, path: readonly PathSegment[] | string, message: string): void {
    this.warnings.push({ file, line, path: typeof path === "string" ? path : formatPath(path), message });
  }
}

/** A place in a YAML file: enough to report a problem there later (a cross-reference check). */
export interface Site {
  file: string;
  line: number;
  path: PathSegment[];
  /** The site of a path below this one (its line found in the same file). */
  below(path: readonly PathSegment[]): Site;
}

/** Sites of a YAML document: `lineOf` maps a path to its line (its nearest parent's when absent). */
export function siteIn(file: string, lineOf: (path: readonly PathSegment[]) => number): (path: readonly PathSegment[]) => Site {
  const site = (path: readonly PathSegment[]): Site => ({ file, line: lineOf(path), path: [...path], below: (p) => site([...path, ...p]) });
  return site;
}
