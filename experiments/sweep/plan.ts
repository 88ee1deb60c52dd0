/**
 * Experiment file -> a checked plan (cells, units), or a UserError (exit 2) naming `file:line`.
 *
 * Every cell's scenario is loaded before anything runs or is written, so a factor path the
 * scenario format does not know (`components.hpa.syncPeriodd`), a value it rejects (`15x`) or an
 * object field the loader would ignore (`spec.behavior.scaleDown.stabilisationWindowSeconds`,
 * which would make every cell the same run) is reported at the factor's line in the experiment
 * file, with the loader's own message, once per factor and message.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { UserError } from "../errors.js";
import { removeStale, stagingName } from "../output.js";
import { formatDiagnostic, formatPath, type Diagnostic } from "../manifests/diagnostics.js";
import { loadScenario } from "../scenario/load.js";
import { baseCopy, type BaseCopy } from "./base.js";
import { cellsOf, unitsOf, type Cell, type Unit } from "./design.js";
import { readExperiment, type Experiment, type FactorValue } from "./experiment.js";
import { baseFields, cellOverlay, parseFactorPath } from "./overlay.js";

export interface Plan {
  experiment: Experiment;
  cells: Cell[];
  units: Unit[];
  /** The base scenario's fields as written (overlays copy list fields from it). */
  base: Record<string, unknown>;
  /** The base scenario's files, as copied into the sweep folder. */
  baseCopy: BaseCopy;
  /** The base scenario's warnings, then those the cells add (at their factor's line), each once. */
  warnings: Diagnostic[];
}

export function planSweep(file: string): Plan {
  const { experiment, errors } = readExperiment(file);
  if (experiment === null) fail(file, errors);
  const diagnostics: Diagnostic[] = [];
  for (const f of experiment.factors) {
    const target = parseFactorPath(f.name);
    if (typeof target === "string") diagnostics.push({ file, line: f.line, path: formatPath(["factors", f.name]), message: target });
  }
  if (diagnostics.length > 0) fail(file, diagnostics);

  const baseLoad = loadScenario(experiment.scenario);
  if (baseLoad.errors.length > 0) {
    fail(file, [{ file, line: lineOf(experiment, "scenario"), path: "scenario", message: `the base scenario has errors: ${formatDiagnostic(baseLoad.errors[0])}` }]);
  }
  const base = baseFields(experiment.scenario);
  const cells = cellsOf(experiment);
  const ids = new Set<string>();
  for (const c of cells) {
    if (ids.has(c.id)) fail(file, [{ file, line: experiment.factorsLine, path: "factors", message: `two cells have the same factor values (${c.id}); each design point must be distinct` }]);
    ids.add(c.id);
  }
  const cellWarnings = checkCells(experiment, cells, base, baseLoad.warnings, diagnostics);
  if (diagnostics.length > 0) fail(file, diagnostics);
  const copy = baseCopy(experiment.scenario, baseLoad.scenario.files);
  return {
    experiment,
    cells,
    units: unitsOf(cells, experiment.replications, experiment.seed),
    base,
    baseCopy: copy,
    warnings: [...baseLoad.warnings, ...cellWarnings],
  };
}

/** A problem of the cells, gathered over all cells: one per (factor, message), with the values that hit it. */
interface Finding {
  factor: number | null;
  message: string;
  /** Values of the factor that hit it (none when the value does not matter, e.g. an unknown field). */
  values: FactorValue[];
}

// A manifest warning of a field the loader drops ("field is not modelled; ignored", an unknown
// field); when a factor set it, every cell would run the same.
const IGNORED = /; ignored$/;
const PATCH_NOTE = / \(value set by the patch at [^)]*\)$/;

/**
 * Loads every cell's scenario (from a scratch folder, never the output) and maps its errors and
 * the warnings it adds to the base scenario's to the factors: a factor whose value the loader
 * ignores is an error (every cell would be the same run), other new warnings are returned once.
 */
function checkCells(experiment: Experiment, cells: readonly Cell[], base: Record<string, unknown>, baseWarnings: readonly Diagnostic[], out: Diagnostic[]): Diagnostic[] {
  // Named like every kubesim staging folder, so a later check removes one a kill -9 left behind.
  const prefix = "kubesim-sweep-check-";
  removeStale(os.tmpdir(), prefix);
  const scratch = path.join(os.tmpdir(), stagingName(prefix));
  fs.mkdirSync(scratch, { mode: 0o700 });
  const errors = new Map<string, Finding>();
  const warnings = new Map<string, Finding>();
  const known = new Set(baseWarnings.map(formatDiagnostic));
  const note = (into: Map<string, Finding>, factor: number | null, message: string, value?: FactorValue) => {
    const key = `${factor}\u0000${message}`;
    const f = into.get(key) ?? { factor, message, values: [] };
    if (value !== undefined && !f.values.includes(value)) f.values.push(value);
    into.set(key, f);
  };
  try {
    for (const cell of cells) {
      // The loader joins `extends` to the file's folder, so the reference is relative.
      const ref = path.relative(scratch, path.resolve(experiment.scenario)).split(path.sep).join("/");
      const overlay = cellOverlay(cell, base, ref, "");
      for (const p of overlay.problems) note(errors, p.factor, p.message);
      if (overlay.problems.length > 0) continue;
      const overlayFile = path.join(scratch, `${cell.id}.yaml`);
      fs.writeFileSync(overlayFile, overlay.text);
      const loaded = loadScenario(overlayFile);
      // The factor a diagnostic comes from: by its place in the overlay, or (a problem in a base
      // file, which loaded alone) the patch factor whose path it lies on. A base file's error can
      // only come from a patch; a warning there may come from any factor (smaller nodes), so it
      // is a patch's only when it says so.
      const factorOf = (d: Diagnostic): number | null => {
        if (d.file === overlayFile) {
          const i = overlay.sites.findIndex((site) => {
            const p = formatPath(site);
            return p !== "" && (d.path === p || d.path.startsWith(`${p}.`) || d.path.startsWith(`${p}[`));
          });
          return i >= 0 ? i : null;
        }
        if (!loaded.errors.includes(d) && !PATCH_NOTE.test(d.message)) return null;
        const patches = cell.values.flatMap(([name], i) => {
          const target = parseFactorPath(name);
          return typeof target !== "string" && target.kind === "patch" ? [{ i, path: formatPath(target.path) }] : [];
        });
        const onPath = patches.find((p) => p.path === d.path || p.path.startsWith(`${d.path}.`) || p.path.startsWith(`${d.path}[`) || d.path.startsWith(`${p.path}.`));
        return (onPath ?? patches[0])?.i ?? null;
      };
      const where = (d: Diagnostic, message: string) => (d.file === overlayFile ? message : `${formatDiagnostic({ ...d, message })}`);
      for (const e of loaded.errors) {
        const i = factorOf(e);
        note(errors, i, where(e, e.message), i === null ? undefined : cell.values[i][1]);
      }
      for (const w of loaded.warnings) {
        if (known.has(formatDiagnostic(w))) continue;
        const i = factorOf(w);
        const message = w.message.replace(PATCH_NOTE, "");
        if (IGNORED.test(message) && i !== null) {
          const field = w.path === "" ? "" : `${w.path}: `;
          note(errors, i, `${field}${message.replace(IGNORED, "")}: this factor would set nothing, so every cell would run the same`);
        } else {
          note(warnings, i, where(w, message), i === null ? undefined : cell.values[i][1]);
        }
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
  // A problem every value of its factor hits does not depend on the value: it is not listed.
  const valueCount = (i: number) => new Set(cells.map((c) => JSON.stringify(c.values[i][1]))).size;
  const diagnostic = (f: Finding): Diagnostic => {
    const shown = f.factor !== null && f.values.length < valueCount(f.factor) ? f.values : [];
    const values = shown.length === 0 ? "" : ` (${shown.length === 1 ? "value" : "values"} ${shown.map((v) => JSON.stringify(v)).join(", ")})`;
    const factor = f.factor === null ? null : experiment.factors[f.factor];
    return factor === null
      ? { file: experiment.file, line: experiment.factorsLine, path: "factors", message: f.message + values }
      : { file: experiment.file, line: factor.line, path: formatPath(["factors", factor.name]), message: f.message + values };
  };
  out.push(...[...errors.values()].map(diagnostic));
  return [...warnings.values()].map(diagnostic);
}

function lineOf(experiment: Experiment, _key: string): number {
  // The experiment decoder keeps only the lines it needs; the scenario key is near the top.
  const text = fs.readFileSync(experiment.file, "utf8").split("\n");
  const i = text.findIndex((l) => /^scenario\s*:/.test(l));
  return i >= 0 ? i + 1 : 1;
}

/** One error: one line `file:line path: message`; several: each on stderr, then a count. */
function fail(file: string, errors: readonly Diagnostic[]): never {
  if (errors.length === 1) throw new UserError(formatDiagnostic(errors[0]), `fix the experiment file, then rerun`, 2);
  for (const e of errors) process.stderr.write(`error: ${formatDiagnostic(e)}\n`);
  throw new UserError(`${file}: ${errors.length} errors; nothing was run`, "fix the errors above, then rerun", 2);
}
