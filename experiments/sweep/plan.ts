/**
 * Experiment file -> a checked plan (cells, units), or a UserError (exit 2) naming `file:line`.
 *
 * Every cell's scenario is loaded before anything runs or is written, so a factor path the
 * scenario format does not know (`components.hpa.syncPeriodd`) or a value it rejects (`15x`)
 * is reported at the factor's line in the experiment file, with the loader's own message.
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
import { readExperiment, type Experiment } from "./experiment.js";
import { baseFields, cellOverlay, parseFactorPath } from "./overlay.js";

export interface Plan {
  experiment: Experiment;
  cells: Cell[];
  units: Unit[];
  /** The base scenario's fields as written (overlays copy list fields from it). */
  base: Record<string, unknown>;
  /** The base scenario's files, as copied into the sweep folder. */
  baseCopy: BaseCopy;
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
  checkCells(experiment, cells, base, diagnostics);
  if (diagnostics.length > 0) fail(file, diagnostics);
  const copy = baseCopy(experiment.scenario, baseLoad.scenario.files);
  return { experiment, cells, units: unitsOf(cells, experiment.replications, experiment.seed), base, baseCopy: copy };
}

/** Loads every cell's scenario (from a scratch folder, never the output) and maps errors to factors. */
function checkCells(experiment: Experiment, cells: readonly Cell[], base: Record<string, unknown>, out: Diagnostic[]): void {
  // Named like every kubesim staging folder, so a later check removes one a kill -9 left behind.
  const prefix = "kubesim-sweep-check-";
  removeStale(os.tmpdir(), prefix);
  const scratch = path.join(os.tmpdir(), stagingName(prefix));
  fs.mkdirSync(scratch, { mode: 0o700 });
  const seen = new Set<string>();
  try {
    for (const cell of cells) {
      // The loader joins `extends` to the file's folder, so the reference is relative.
      const ref = path.relative(scratch, path.resolve(experiment.scenario)).split(path.sep).join("/");
      const overlay = cellOverlay(cell, base, ref, "");
      const push = (factor: number | null, message: string) => {
        const f = factor === null ? null : experiment.factors[factor];
        const d: Diagnostic = f === null
          ? { file: experiment.file, line: experiment.factorsLine, path: "factors", message }
          : { file: experiment.file, line: f.line, path: formatPath(["factors", f.name]), message };
        const key = formatDiagnostic(d);
        if (!seen.has(key)) out.push(d);
        seen.add(key);
      };
      for (const p of overlay.problems) push(p.factor, p.message);
      if (overlay.problems.length > 0) continue;
      const overlayFile = path.join(scratch, `${cell.id}.yaml`);
      fs.writeFileSync(overlayFile, overlay.text);
      const loaded = loadScenario(overlayFile);
      for (const e of loaded.errors) {
        const value = (i: number) => ` (value ${JSON.stringify(cell.values[i][1])})`;
        if (e.file === overlayFile) {
          const i = overlay.sites.findIndex((site) => {
            const p = formatPath(site);
            return p !== "" && (e.path === p || e.path.startsWith(`${p}.`) || e.path.startsWith(`${p}[`));
          });
          push(i >= 0 ? i : null, i >= 0 ? `${e.message}${value(i)}` : e.message);
        } else {
          // A problem in a base file can only come from a patch factor (the base alone loaded).
          const i = cell.values.findIndex(([name]) => name.startsWith("patch:"));
          push(i >= 0 ? i : null, `${formatDiagnostic(e)}${i >= 0 ? value(i) : ""}`);
        }
      }
    }
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
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
