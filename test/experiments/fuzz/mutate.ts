/**
 * The fuzz generator: damaged copies of the shipped scenarios, as a careless or hostile user
 * would write them. A case is a folder of files (a scenario, its bases, its manifests) with one
 * or two mutations applied to one file, drawn from a seeded stream, so a case is reproduced by
 * its seed and index alone.
 *
 * Mutations work on the YAML syntax tree where they name a field (delete it, give it another
 * type, an extreme number, a garbage quantity, a `__proto__` key...) and on the text where the
 * damage is below YAML (truncation, control bytes, an empty file). Grow MUTATIONS with the
 * scenario schema: a new field kind deserves a new kind of damage.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { isMap, isScalar, isSeq, parseAllDocuments, Scalar, YAMLMap, YAMLSeq, type Document, type Node } from "yaml";
import { RngRegistry, type RandomStream } from "../../../engine/rng.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const SCENARIOS = path.join(ROOT, "experiments/scenarios");

/** A scenario folder: file name -> text, and the file to run. */
export interface CaseFiles {
  entry: string;
  files: Record<string, string>;
}

export interface FuzzCase extends CaseFiles {
  index: number;
  base: string;
  /** What was done, for the failure message (file, path, mutation). */
  mutations: string[];
  /** A mutation wrote what kubesim must refuse (exit 2) wherever it stands. */
  mustRefuse: boolean;
}

// Short runs keep 500 cases within a test's time; what is fuzzed is the input, not the length.
const BASE_DURATION = "5m";

/** The shipped scenarios, each with its folder's files, durations shortened to BASE_DURATION. */
export function baseCases(): { name: string; files: CaseFiles }[] {
  const folder = (dir: string): Record<string, string> => {
    const files: Record<string, string> = {};
    for (const name of fs.readdirSync(path.join(SCENARIOS, dir)).sort()) {
      files[name] = fs.readFileSync(path.join(SCENARIOS, dir, name), "utf8").replace(/^duration: .*$/m, `duration: ${BASE_DURATION}`);
    }
    return files;
  };
  const php = folder("php-apache");
  // Only files the entry reads: damage elsewhere would change nothing, so could not be refused.
  const { ["tuned.yaml"]: _tuned, ...phpBase } = php;
  return [
    { name: "php-apache", files: { entry: "scenario.yaml", files: phpBase } },
    { name: "php-apache-tuned", files: { entry: "tuned.yaml", files: php } },
    { name: "diurnal", files: { entry: "scenario.yaml", files: folder("diurnal") } },
    { name: "spiky", files: { entry: "scenario.yaml", files: folder("spiky") } },
  ];
}

type PathKey = string | number;

/** Every node of a document with its path (maps' values and sequences' items). */
function walk(node: unknown, at: PathKey[], out: { path: PathKey[]; node: Node }[], depth = 0): void {
  if (depth > 64) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const p = [...at, String(pair.key.value)];
      out.push({ path: p, node: pair.value as Node });
      walk(pair.value, p, out, depth + 1);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = [...at, i];
      out.push({ path: p, node: item as Node });
      walk(item, p, out, depth + 1);
    });
  }
}

const pick = <T>(rng: RandomStream, xs: readonly T[]): T => xs[rng.integer(0, xs.length - 1)];

const TYPE_SWAPS: unknown[] = ["", "abc", 0, -1, 1.5, true, null, [], {}, [1, 2], { a: 1 }, "true", "null"];
const EXTREME_NUMBERS: number[] = [0, -1, -0.5, 1e308, Infinity, -Infinity, NaN, 2147483647, 2147483648, 9007199254740993, 1e-300, 1e20, 4294967296];
const GARBAGE_QUANTITIES: string[] = [
  "1E", "99999999999999999999h", "500mm", "-1", "1e400", "0s", "1ms", "10000h", "1Gi", "abc", "1.5.5", " 5m ", "\u221e",
  "0", "-5m", "1e20", "NaN", "Infinity", ".inf", "0x10", "1_000", "5m5", "2.5", "1Ei", "-0",
];
const SCALE_FACTORS = [0, 1e-3, 0.1, 10, 1000, 1e6];
const HUGE_COUNTS: number[] = [1_000_000, 2147483647, 1e9, 99999, 0];
const PROTO_KEYS = ["__proto__", "constructor", "prototype"];
const FILE_REFS = ["nope.yaml", "/etc/hostname", "../../../../../../etc/passwd", ".", "/dev/zero", "/dev/null", "", "scenario.yaml", "hpa.yaml/"];
const KINDS = ["StatefulSet", "Ingress", "Job", "CronJob", "List", "Pod", "ReplicaSet", "Service", "Deployment", "HorizontalPodAutoscaler", "Namespace", ""];
const API_VERSIONS = ["v1", "apps/v1", "autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta2", "kubesim.io/v1alpha1", "kubesim.io/v2", "x"];
const CONTROL_TEXT = ["\u0000", "\u0007", "\t", "{", "[", ":", "&a ", "*a", "!!binary ", "\"", "'", "%", "- ", "\u001b[31m", "\uFFFE", "? "];
const EMPTY_FILES = ["", "# only a comment\n", "---\n", "---\n---\n", "\n\n"];

/** Keys whose values name files (mutated with FILE_REFS). */
const FILE_KEYS = new Set(["manifests", "extends", "file"]);
/** Keys whose values are counts of things the simulation creates (mutated with HUGE_COUNTS). */
const COUNT_KEYS = new Set(["count", "replicas", "maxReplicas", "minReplicas", "maxPods", "queueCapacity"]);

function scalarOf(value: unknown, doc: Document): Node {
  return doc.createNode(value) as Node;
}

function typoOf(rng: RandomStream, key: string): string {
  if (key.length < 2) return `${key}x`;
  const i = rng.integer(0, key.length - 2);
  return key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2);
}

function deepValue(depth: number): string {
  return depth % 2 === 0 ? "[".repeat(depth) + "]".repeat(depth) : "{a: ".repeat(depth) + "1" + "}".repeat(depth);
}

interface Outcome {
  what: string;
  refuse?: boolean;
}

interface TreeMutation {
  name: string;
  /**
   * Mutates doc at the node chosen; returns a description (with `refuse` when kubesim must refuse
   * the result whatever the field: the API server and the scenario schema accept no such value),
   * or null when it does not apply.
   */
  apply(rng: RandomStream, doc: Document, target: { path: PathKey[]; node: Node }, all: { path: PathKey[]; node: Node }[]): Outcome | string | null;
}

const setAt = (doc: Document, p: PathKey[], value: unknown) => doc.setIn(p, value);

const TREE_MUTATIONS: TreeMutation[] = [
  { name: "delete", apply: (_r, doc, t) => (doc.deleteIn(t.path) ? "deleted" : null) },
  {
    name: "type-swap",
    apply: (rng, doc, t) => {
      const v = pick(rng, TYPE_SWAPS);
      setAt(doc, t.path, scalarOf(v, doc));
      return `replaced by ${JSON.stringify(v)}`;
    },
  },
  {
    name: "extreme-number",
    apply: (rng, doc, t) => {
      if (!isScalar(t.node)) return null;
      const v = pick(rng, EXTREME_NUMBERS);
      setAt(doc, t.path, new Scalar(v));
      // NaN and ±Infinity are not numbers JSON (so the API server) can hold.
      return { what: `replaced by ${String(v)}`, refuse: !Number.isFinite(v) };
    },
  },
  {
    name: "garbage-quantity",
    apply: (rng, doc, t) => {
      if (!isScalar(t.node)) return null;
      const v = pick(rng, GARBAGE_QUANTITIES);
      setAt(doc, t.path, new Scalar(v));
      return `replaced by ${JSON.stringify(v)}`;
    },
  },
  {
    // Plausible but extreme: the same unit, the number scaled. These pass validation more often
    // than the garbage above, so they reach the simulation (rates, costs, periods at the edge).
    name: "scale-number",
    apply: (rng, doc, t) => {
      if (!isScalar(t.node)) return null;
      const m = /^(-?\d+(?:\.\d+)?)([a-zA-Z]*)$/.exec(String(t.node.value));
      if (m === null) return null;
      const factor = pick(rng, SCALE_FACTORS);
      const scaled = Number(m[1]) * factor;
      const value = typeof t.node.value === "number" ? scaled : `${scaled}${m[2]}`;
      setAt(doc, t.path, new Scalar(value));
      return `scaled by ${factor} to ${JSON.stringify(value)}`;
    },
  },
  {
    name: "huge-count",
    apply: (rng, doc, t) => {
      const key = t.path[t.path.length - 1];
      if (typeof key !== "string" || !COUNT_KEYS.has(key)) return null;
      const v = pick(rng, HUGE_COUNTS);
      setAt(doc, t.path, new Scalar(v));
      return `replaced by ${v}`;
    },
  },
  {
    name: "file-ref",
    apply: (rng, doc, t) => {
      const key = [...t.path].reverse().find((k) => typeof k === "string");
      if (typeof key !== "string" || !FILE_KEYS.has(key) || !isScalar(t.node)) return null;
      const v = pick(rng, FILE_REFS);
      setAt(doc, t.path, new Scalar(v));
      return `replaced by ${JSON.stringify(v)}`;
    },
  },
  {
    name: "duplicate-item",
    apply: (_r, doc, t) => {
      const parent = doc.getIn(t.path.slice(0, -1), true);
      if (!isSeq(parent) || typeof t.path[t.path.length - 1] !== "number") return null;
      (parent as YAMLSeq).items.push(doc.createNode((t.node as Node).toJSON()) as Node);
      return "item duplicated";
    },
  },
  {
    name: "unknown-key",
    apply: (rng, doc, t) => {
      const parent = doc.getIn(t.path.slice(0, -1), true) ?? doc.contents;
      const key = t.path[t.path.length - 1];
      if (!isMap(parent) || typeof key !== "string") return null;
      const typo = typoOf(rng, key);
      (parent as YAMLMap).set(typo, (t.node as Node).toJSON?.() ?? null);
      return `sibling key ${JSON.stringify(typo)} added`;
    },
  },
  {
    name: "proto-key",
    apply: (rng, doc, t) => {
      const container = isMap(t.node) ? (t.node as YAMLMap) : null;
      if (container === null) return null;
      const key = pick(rng, PROTO_KEYS);
      container.set(doc.createNode(key), doc.createNode({ replicas: 7, minReplicas: 7, cpu: "7" }));
      return { what: `key ${key} added`, refuse: true };
    },
  },
  {
    name: "rename",
    apply: (_r, doc, t) => {
      if (!isScalar(t.node) || typeof t.node.value !== "string") return null;
      setAt(doc, t.path, new Scalar(`${t.node.value}-x`));
      return `renamed to ${JSON.stringify(`${t.node.value}-x`)}`;
    },
  },
  {
    name: "swap-values",
    apply: (rng, doc, t, all) => {
      const scalars = all.filter((n) => isScalar(n.node) && n !== t);
      if (!isScalar(t.node) || scalars.length === 0) return null;
      const other = pick(rng, scalars);
      const a = (t.node as Scalar).value;
      const b = (other.node as Scalar).value;
      setAt(doc, t.path, new Scalar(b));
      setAt(doc, other.path, new Scalar(a));
      return `swapped with ${other.path.join(".")}`;
    },
  },
  {
    name: "kind",
    apply: (rng, doc, t) => {
      const key = t.path[t.path.length - 1];
      if (key !== "kind" && key !== "apiVersion") return null;
      const v = pick(rng, key === "kind" ? KINDS : API_VERSIONS);
      setAt(doc, t.path, new Scalar(v));
      return `replaced by ${JSON.stringify(v)}`;
    },
  },
  {
    name: "deep-nesting",
    apply: (rng, doc, t) => {
      const depth = pick(rng, [20, 300, 5000]);
      setAt(doc, t.path, doc.createNode(`__DEEP_${depth}__`));
      return `replaced by a ${depth}-deep flow collection`;
    },
  },
  {
    name: "long-string",
    apply: (rng, doc, t) => {
      if (!isScalar(t.node)) return null;
      const n = pick(rng, [10_000, 200_000]);
      setAt(doc, t.path, new Scalar("x".repeat(n)));
      return `replaced by ${n} characters`;
    },
  },
  {
    name: "alias-fanout",
    apply: (rng, doc, t) => {
      if (!isMap(t.node)) return null;
      const count = pick(rng, [10, 200]);
      (t.node as YAMLMap).set(doc.createNode("zzAliases"), doc.createNode(`__ALIASES_${count}__`));
      return `${count} aliases to a 1000-item list added`;
    },
  },
];

/** Placeholders that stringify cannot write, expanded into text after it. */
function expandPlaceholders(text: string): string {
  return text
    .replace(/__DEEP_(\d+)__/g, (_m, d: string) => deepValue(Number(d)))
    .replace(/__ALIASES_(\d+)__/g, (_m, n: string) => {
      const list = `&big [${Array.from({ length: 1000 }, (_, i) => i).join(", ")}]`;
      return `[${list}, ${Array.from({ length: Number(n) }, () => "*big").join(", ")}]`;
    });
}

type TextMutation = { name: string; apply(rng: RandomStream, text: string): { text: string; what: string } };

const TEXT_MUTATIONS: TextMutation[] = [
  {
    name: "truncate",
    apply: (rng, text) => {
      const at = rng.integer(0, Math.max(0, text.length - 1));
      return { text: text.slice(0, at), what: `truncated at byte ${at}` };
    },
  },
  {
    name: "control-bytes",
    apply: (rng, text) => {
      const at = rng.integer(0, text.length);
      const ins = pick(rng, CONTROL_TEXT);
      return { text: text.slice(0, at) + ins + text.slice(at), what: `${JSON.stringify(ins)} inserted at ${at}` };
    },
  },
  {
    name: "empty-file",
    apply: (rng) => {
      const t = pick(rng, EMPTY_FILES);
      return { text: t, what: `file replaced by ${JSON.stringify(t)}` };
    },
  },
  {
    name: "duplicate-document",
    apply: (_r, text) => ({ text: `${text}\n---\n${text}`, what: "document duplicated" }),
  },
  {
    name: "tab-indent",
    apply: (rng, text) => {
      const lines = text.split("\n");
      const i = rng.integer(0, lines.length - 1);
      lines[i] = lines[i].replace(/^ +/, "\t");
      return { text: lines.join("\n"), what: `line ${i + 1} indented with a tab` };
    },
  },
];

/** One mutation of one file's text; the description names file, path and what was done. */
function mutateText(rng: RandomStream, file: string, text: string): { text: string; what: string; refuse?: boolean } {
  // Mostly tree mutations: they reach the decoders, which is where nonsense gets in.
  const docs = parseAllDocuments(text);
  const parsed = Array.isArray(docs) && docs.length > 0 && docs.every((d) => d.errors.length === 0);
  // Mostly tree mutations: they reach the decoders, which is where nonsense gets in. A file
  // already broken below YAML (a first mutation's truncation) can only take text mutations.
  if (!parsed || rng.random() < 0.2) {
    const m = pick(rng, TEXT_MUTATIONS);
    const r = m.apply(rng, text);
    return { text: r.text, what: `${file}: ${m.name}: ${r.what}` };
  }
  const docIndex = rng.integer(0, docs.length - 1);
  const doc = docs[docIndex];
  const nodes: { path: PathKey[]; node: Node }[] = [];
  walk(doc.contents, [], nodes);
  if (nodes.length === 0) return { text, what: `${file}: (empty document)` };
  // A few tries to find a mutation that applies to the node drawn.
  for (let attempt = 0; attempt < 20; attempt++) {
    const target = pick(rng, nodes);
    const m = pick(rng, TREE_MUTATIONS);
    const applied = m.apply(rng, doc, target, nodes);
    if (applied === null) continue;
    const { what, refuse } = typeof applied === "string" ? { what: applied, refuse: false } : applied;
    const out = docs.map((d) => d.toString({ lineWidth: 0 })).join("---\n");
    return { text: expandPlaceholders(out), what: `${file} doc ${docIndex} ${target.path.join(".")}: ${m.name}: ${what}`, refuse };
  }
  return { text, what: `${file}: (no mutation applied)` };
}

/** Case `index` of the run seeded `seed`: a base scenario folder with one or two mutations. */
export function makeCase(seed: number, index: number, bases = baseCases()): FuzzCase {
  const rng = new RngRegistry(seed).stream(`fuzz/case-${index}`);
  const base = pick(rng, bases);
  const files = { ...base.files.files };
  const mutations: string[] = [];
  let mustRefuse = false;
  const count = rng.random() < 0.25 ? 2 : 1;
  for (let k = 0; k < count; k++) {
    // The entry scenario half the time; otherwise any file of the folder.
    const names = Object.keys(files).sort();
    const file = rng.random() < 0.5 ? base.files.entry : pick(rng, names);
    const r = mutateText(rng, file, files[file]);
    files[file] = r.text;
    mutations.push(r.what);
    mustRefuse ||= r.refuse === true;
  }
  return { index, base: base.name, entry: base.files.entry, files, mutations, mustRefuse };
}
