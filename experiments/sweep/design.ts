/**
 * Design -> cells (one assignment of a value to every factor), cell ids, replication seeds and
 * the (cell, replication) units that shards split between them.
 *
 * Cell ids hash the factor assignment (factor names sorted), so a cell keeps its id and folder
 * when factors are reordered in the file or other cells are added: a resumed or extended sweep
 * finds its finished replications again.
 */
import { createHash } from "node:crypto";
import { RngRegistry } from "../../engine/rng.js";
import type { Experiment, Factor, FactorRange, FactorValue } from "./experiment.js";

export interface Cell {
  id: string;
  /** Factor name -> value, in the experiment's factor order. */
  values: [string, FactorValue][];
}

export interface Unit {
  /** Position in (cell order, replication) order; shards split by this index. */
  index: number;
  cell: Cell;
  replication: number;
  seed: number;
}

export function cellsOf(experiment: Experiment): Cell[] {
  const f = experiment.factors;
  let assignments: FactorValue[][];
  if (experiment.design === "grid") assignments = grid(f.map((x) => x.values!));
  else if (experiment.design === "list") assignments = f[0].values!.map((_, i) => f.map((x) => x.values![i]));
  else assignments = latinHypercube(f.map((x) => x.range!), experiment.samples, experiment.seed, f.map((x) => x.name));
  return assignments.map((values) => makeCell(f, values));
}

/** Cartesian product, the first factor varying slowest (the order a reader expects in a table). */
export function grid(lists: readonly FactorValue[][]): FactorValue[][] {
  let out: FactorValue[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/**
 * Latin hypercube: each factor's range cut into `n` equal strata, each stratum used by exactly one
 * sample, strata paired at random across factors, a uniform point drawn inside each stratum.
 * Every draw comes from a stream named after the factor, so the samples depend only on the
 * experiment seed and the factor names (adding a factor does not move the others' values).
 */
export function latinHypercube(ranges: readonly FactorRange[], n: number, seed: number, names: readonly string[]): FactorValue[][] {
  const rng = new RngRegistry(seed);
  const columns = ranges.map((range, j) => {
    const stream = rng.stream(`sweep/lhs/${names[j]}`);
    const strata = Array.from({ length: n }, (_, i) => i);
    // Fisher-Yates with the factor's own stream.
    for (let i = n - 1; i > 0; i--) {
      const k = stream.integer(0, i);
      [strata[i], strata[k]] = [strata[k], strata[i]];
    }
    return strata.map((s) => lhsValue(range, (s + stream.random()) / n));
  });
  return Array.from({ length: n }, (_, i) => columns.map((c) => c[i]));
}

function lhsValue(range: FactorRange, u: number): FactorValue {
  const x = range.min + u * (range.max - range.min);
  if (range.duration) return `${Math.min(range.max, Math.round(x))}ms`;
  if (range.integer) return Math.min(range.max, Math.round(x));
  // Six significant digits keep the scenario files and the CSV readable; rounding is exact
  // arithmetic on the same double everywhere, so it does not cost determinism.
  return Number(x.toPrecision(6));
}

function makeCell(factors: readonly Factor[], values: readonly FactorValue[]): Cell {
  const pairs: [string, FactorValue][] = factors.map((f, i) => [f.name, values[i]]);
  return { id: cellId(pairs), values: pairs };
}

/** `<readable slug>-<8 hex of sha256 of the sorted assignment>`; independent of factor order. */
export function cellId(values: readonly [string, FactorValue][]): string {
  const sorted = [...values].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hash = createHash("sha256").update(JSON.stringify(sorted)).digest("hex").slice(0, 8);
  const slug = sorted
    .map(([name, v]) => `${lastSegment(name)}-${String(v)}`)
    .join("_")
    .replace(/[^A-Za-z0-9._-]+/g, "-")
    .slice(0, 60);
  return `${slug}-${hash}`;
}

function lastSegment(name: string): string {
  const parts = name.split(/[.:/]/);
  return parts[parts.length - 1] || name;
}

/**
 * The seed of replication `k`: 48 bits of sha256("<experiment seed>/<k>"). The same replication
 * of every cell gets the same seed (common random numbers: cells differ by their factors, not by
 * their luck), and the seed of one replication does not depend on how many there are.
 */
export function replicationSeed(experimentSeed: number, replication: number): number {
  const digest = createHash("sha256").update(`kubesim-sweep/${experimentSeed}/${replication}`).digest();
  return digest.readUIntBE(0, 6);
}

export function unitsOf(cells: readonly Cell[], replications: number, experimentSeed: number): Unit[] {
  const units: Unit[] = [];
  cells.forEach((cell, c) => {
    for (let k = 0; k < replications; k++) {
      units.push({ index: c * replications + k, cell, replication: k, seed: replicationSeed(experimentSeed, k) });
    }
  });
  return units;
}

export interface Shard {
  index: number;
  count: number;
}

/** `i/N` with 0 <= i < N; null when malformed. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (m === null) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1 || index >= count) return null;
  return { index, count };
}

/** Round-robin over unit indices: shards get near-equal shares of every cell. */
export function inShard(unit: Unit, shard: Shard | null): boolean {
  return shard === null || unit.index % shard.count === shard.index;
}
