/**
 * The experiment file (`kind: Experiment`): a base scenario, factors addressed by dotted paths in
 * the scenario's own terms, a design (grid, list or Latin hypercube) and a replication count.
 *
 * Decoding is strict and collects every problem as a `file:line` diagnostic, like the scenario
 * loader; a factor path that does not name a scenario field is caught later, when the cell
 * scenarios are loaded (plan.ts), and reported at the factor's line here.
 */
import fs from "node:fs";
import path from "node:path";
import { isPlainObject } from "../manifests/codec.js";
import type { Diagnostic, PathSegment } from "../manifests/diagnostics.js";
import { parseManifestYaml } from "../manifests/yaml.js";
import { readInputFile } from "../manifests/input-file.js";
import { parseDuration_ms } from "../../models/cluster/quantity.js";
import { unknownKeyMessage } from "../scenario/strict.js";

export const EXPERIMENT_API_VERSION = "kubesim.io/v1alpha1";
export const EXPERIMENT_KIND = "Experiment";
export const DESIGNS = ["grid", "list", "lhs"] as const;
export type Design = (typeof DESIGNS)[number];

/** A factor value as it goes into the scenario YAML (`15s`, `60`, `true`). */
export type FactorValue = string | number | boolean;

/** A numeric range of an LHS factor; durations are kept in ms and written back as `<n>ms`. */
export interface FactorRange {
  min: number;
  max: number;
  /** Values are durations (the bounds were written with units). */
  duration: boolean;
  /** Values are rounded to integers (durations always are, in ms). */
  integer: boolean;
}

export interface Factor {
  /** The dotted path as written (`components.hpa.syncPeriod`, `patch:Kind/name:spec.x`). */
  name: string;
  /** For grid and list designs. */
  values: FactorValue[] | null;
  /** For the lhs design. */
  range: FactorRange | null;
  line: number;
}

export interface Experiment {
  file: string;
  name: string;
  description: string;
  /** The base scenario, resolved against the experiment file's folder. */
  scenario: string;
  /** As written in the file (for messages and emitted job specs). */
  scenarioAsWritten: string;
  seed: number;
  replications: number;
  design: Design;
  samples: number;
  factors: Factor[];
  /** Line of `factors:` (for problems of the whole design). */
  factorsLine: number;
}

// Bounds on what one sweep may ask for (TigerStyle: a limit on everything): beyond these a typo is
// more likely than an intent, and the planner would allocate without bound.
export const MAX_REPLICATIONS = 10_000;
export const MAX_CELLS = 100_000;

const KNOWN_KEYS = ["apiVersion", "kind", "metadata", "scenario", "seed", "replications", "design", "samples", "factors"];

export class Diagnostics {
  readonly errors: Diagnostic[] = [];
  constructor(readonly file: string) {}
  error(line: number, at: readonly PathSegment[] | string, message: string): void {
    const p = typeof at === "string" ? at : at.map((s) => (typeof s === "number" ? `[${s}]` : s)).join(".").replace(/\.\[/g, "[");
    this.errors.push({ file: this.file, line, path: p, message });
  }
}

/** Reads and decodes an experiment file; `experiment` is null when there is any error. */
export function readExperiment(file: string): { experiment: Experiment | null; errors: Diagnostic[] } {
  // The same reader as scenario, manifest and trace files: regular files only, size-limited.
  const read = readInputFile(file);
  if ("reason" in read) return { experiment: null, errors: [{ file, line: 0, path: "", message: `cannot read experiment file: ${read.reason}` }] };
  return parseExperiment(read.text, file);
}

export function parseExperiment(text: string, file: string): { experiment: Experiment | null; errors: Diagnostic[] } {
  const parsed = parseManifestYaml(text, file);
  if (parsed.errors.length > 0) return { experiment: null, errors: parsed.errors };
  const d = new Diagnostics(file);
  const doc = parsed.documents[0];
  if (doc === undefined || !isPlainObject(doc.value)) {
    d.error(doc?.startLine ?? 1, "", `expected a map with apiVersion: ${EXPERIMENT_API_VERSION} and kind: ${EXPERIMENT_KIND}`);
    return { experiment: null, errors: d.errors };
  }
  const raw = doc.value;
  const line = (p: readonly PathSegment[]) => doc.lineOf(p);
  for (const key of Object.keys(raw)) {
    if (!KNOWN_KEYS.includes(key)) d.error(line([key]), [key], unknownKeyMessage(key, KNOWN_KEYS));
  }
  if (raw.apiVersion !== EXPERIMENT_API_VERSION) d.error(line(["apiVersion"]), ["apiVersion"], `expected ${EXPERIMENT_API_VERSION}, got ${JSON.stringify(raw.apiVersion ?? null)}`);
  if (raw.kind !== EXPERIMENT_KIND) d.error(line(["kind"]), ["kind"], `expected ${EXPERIMENT_KIND}, got ${JSON.stringify(raw.kind ?? null)}`);

  let name = "";
  let description = "";
  if (!isPlainObject(raw.metadata)) d.error(line(["metadata"]), ["metadata"], "Required value: a map with a name");
  else {
    for (const key of Object.keys(raw.metadata)) {
      if (key !== "name" && key !== "description") d.error(line(["metadata", key]), ["metadata", key], unknownKeyMessage(key, ["name", "description"]));
    }
    if (typeof raw.metadata.name !== "string" || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(raw.metadata.name)) {
      d.error(line(["metadata", "name"]), ["metadata", "name"], "Required value: a lower-case name (letters, digits, '-'), used in folder and job names");
    } else name = raw.metadata.name;
    if (raw.metadata.description !== undefined) {
      if (typeof raw.metadata.description !== "string") d.error(line(["metadata", "description"]), ["metadata", "description"], "expected a string");
      else description = raw.metadata.description;
    }
  }

  let scenarioAsWritten = "";
  if (typeof raw.scenario !== "string" || raw.scenario === "") d.error(line(["scenario"]), ["scenario"], "Required value: the base scenario file (relative to this file)");
  else scenarioAsWritten = raw.scenario;
  // resolve, not join: an absolute `scenario:` is taken as is.
  const scenario = path.resolve(path.dirname(file), scenarioAsWritten);
  if (scenarioAsWritten !== "" && !fs.existsSync(scenario)) d.error(line(["scenario"]), ["scenario"], `cannot read base scenario ${JSON.stringify(scenario)}: no such file`);

  const intField = (key: string, min: number, max: number, fallback: number): number => {
    const v = raw[key];
    if (v === undefined) return fallback;
    if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || v > max) {
      d.error(line([key]), [key], `expected an integer in [${min}, ${max}], got ${JSON.stringify(v)}`);
      return fallback;
    }
    return v;
  };
  const seed = intField("seed", 0, Number.MAX_SAFE_INTEGER, 0);
  const replications = intField("replications", 1, MAX_REPLICATIONS, 1);
  let design: Design = "grid";
  if (raw.design !== undefined) {
    if (!DESIGNS.includes(raw.design as Design)) d.error(line(["design"]), ["design"], `Unsupported value: ${JSON.stringify(raw.design)}: supported values: ${DESIGNS.join(", ")}`);
    else design = raw.design as Design;
  }
  const samples = intField("samples", 1, MAX_CELLS, 0);
  if (design === "lhs" && raw.samples === undefined) d.error(line(["design"]), ["samples"], "Required value: the number of Latin hypercube samples (design: lhs)");
  if (design !== "lhs" && raw.samples !== undefined) d.error(line(["samples"]), ["samples"], "samples applies to design: lhs only");

  const factors: Factor[] = [];
  if (!isPlainObject(raw.factors) || Object.keys(raw.factors).length === 0) {
    d.error(line(["factors"]), ["factors"], "Required value: a map of factor path -> values");
  } else {
    for (const [key, value] of Object.entries(raw.factors)) {
      const at = ["factors", key];
      const factorLine = line(at);
      if (design === "lhs") {
        const range = decodeRange(value, (msg) => d.error(factorLine, at, msg));
        if (range !== null) factors.push({ name: key, values: null, range, line: factorLine });
        continue;
      }
      if (!Array.isArray(value) || value.length === 0) {
        d.error(factorLine, at, `expected a non-empty list of values, got ${Array.isArray(value) ? "an empty list" : JSON.stringify(value ?? null)}`);
        continue;
      }
      const bad = value.findIndex((v) => !(typeof v === "string" || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v))));
      if (bad >= 0) {
        d.error(line([...at, bad]), [...at, bad], `expected a scalar (a string, number or boolean), got ${JSON.stringify(value[bad])}`);
        continue;
      }
      const seen = new Set(value.map((v) => JSON.stringify(v)));
      if (design === "grid" && seen.size !== value.length) {
        d.error(factorLine, at, "Duplicate value: each value of a grid factor must be distinct");
        continue;
      }
      factors.push({ name: key, values: value as FactorValue[], range: null, line: factorLine });
    }
  }
  const factorsLine = line(["factors"]);
  if (design === "list" && factors.length > 0) {
    const lengths = new Set(factors.map((f) => f.values!.length));
    if (lengths.size > 1) d.error(factorsLine, ["factors"], `design: list takes the i-th value of every factor, so all lists need the same length; got ${factors.map((f) => `${f.name}: ${f.values!.length}`).join(", ")}`);
  }
  if (design === "grid") {
    let cells = 1;
    for (const f of factors) cells *= f.values!.length;
    if (cells > MAX_CELLS) d.error(factorsLine, ["factors"], `the grid has ${cells} cells, more than ${MAX_CELLS}`);
  }
  if (d.errors.length > 0) return { experiment: null, errors: d.errors };
  return {
    experiment: { file, name, description, scenario, scenarioAsWritten, seed, replications, design, samples, factors, factorsLine },
    errors: [],
  };
}

/** `{min, max, integer?}`: numbers, or durations with units (`0s`, `10m`). */
function decodeRange(u: unknown, error: (message: string) => void): FactorRange | null {
  if (!isPlainObject(u)) {
    error(`design: lhs takes a range {min, max} per factor, got ${JSON.stringify(u ?? null)}`);
    return null;
  }
  for (const key of Object.keys(u)) {
    if (!["min", "max", "integer"].includes(key)) {
      error(unknownKeyMessage(key, ["min", "max", "integer"]));
      return null;
    }
  }
  const bound = (v: unknown): { value: number; duration: boolean } | null => {
    if (typeof v === "number" && Number.isFinite(v)) return { value: v, duration: false };
    if (typeof v === "string") {
      try {
        return { value: parseDuration_ms(v), duration: true };
      } catch {
        return null;
      }
    }
    return null;
  };
  const min = bound(u.min);
  const max = bound(u.max);
  if (min === null || max === null) {
    error("min and max must both be numbers or both durations (e.g. 0s, 10m)");
    return null;
  }
  if (min.duration !== max.duration) {
    error("min and max must both be numbers or both durations (e.g. 0s, 10m)");
    return null;
  }
  if (!(max.value > min.value)) {
    error(`max must be > min`);
    return null;
  }
  if (u.integer !== undefined && typeof u.integer !== "boolean") {
    error("integer must be true or false");
    return null;
  }
  return { min: min.value, max: max.value, duration: min.duration, integer: min.duration || u.integer === true };
}
