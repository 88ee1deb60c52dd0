/**
 * The scenario reference (docs/scenario.md, `kubesim schema`), rendered from the codecs the
 * loader validates with: every key, type, default and description comes from LAYER_FIELDS and the
 * shapes its codecs recorded (experiments/manifests/codec.ts), so the reference cannot describe a
 * field the validator does not accept, or miss one it does. test/experiments/scenario/reference.test.ts
 * fails when the committed docs/scenario.md differs from this output.
 */
import { isPlainObject, shapeOf, showValue, type Codec, type Field, type Shape } from "../manifests/codec.js";
import { DEFAULT_COMPONENT_CONFIG } from "../simulator.js";
import { API_VERSION, KIND, LAYER_FIELDS } from "./fields.js";

/** Table cells hold single lines; `|` would end a cell. */
const cell = (text: string): string => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
const code = (text: string): string => `\`${text}\``;

/** Whether a codec gets its own section (a map with named fields). */
function compound(codec: Codec<unknown>): Extract<Shape, { kind: "struct" | "table" | "oneOf" }> | null {
  const shape = shapeOf(codec);
  if (shape === undefined) return null;
  if (shape.kind === "struct" || shape.kind === "table" || shape.kind === "oneOf") return shape;
  if (shape.kind === "list") return compound(shape.item);
  return null;
}

/**
 * One rendering: what to call for every key, and where each map's section is (a codec used by two
 * fields, like the load profile of `load[]` and of `queues[]`, is described once).
 */
interface Ctx {
  visit: Visit;
  sectionOf: Map<Codec<unknown>, string>;
}

/** The type column: the leaf's form in words, or where the map is described. */
function typeOf(codec: Codec<unknown>, path: string, ctx: Ctx): string {
  const shape = shapeOf(codec);
  const at = ctx.sectionOf.get(codec) ?? path;
  switch (shape?.kind) {
    case "leaf":
      return shape.type;
    case "list":
      return `list of ${typeOf(shape.item, path, ctx)}`;
    case "map":
      return shape.value === null ? "map" : `map of name → ${typeOf(shape.value, path, ctx)}`;
    case "struct":
    case "table":
      return `map, see ${code(at)}`;
    case "oneOf":
      return `map with a ${code(shape.tag)}, see ${code(at)}`;
    default:
      return codec.name;
  }
}

/** A path below `path` for the key (`[]` when the value is a list of maps). */
function childPath(path: string, key: string, codec: Codec<unknown>): string {
  const p = path === "" ? key : `${path}.${key}`;
  return shapeOf(codec)?.kind === "list" ? `${p}[]` : p;
}

/** A default the reference shows: the decoded value, written back through its codec. */
export interface ShownDefault {
  codec: Codec<unknown>;
  value: unknown;
}

function fieldDefault(field: Field<unknown, "req" | "opt" | "def">): ShownDefault | null {
  if (field.kind === "def") return { codec: field.codec, value: field.fallback!() };
  return field.kind === "opt" && field.shownDefault !== undefined ? { codec: field.codec, value: field.shownDefault() } : null;
}

const showDefault = (d: ShownDefault | null): string => (d === null ? "—" : code(showValue(d.codec, d.value)));

/** Called for every key the reference describes, with its description and the default it shows. */
type Visit = (path: string, key: string, doc: string | undefined, shown: ShownDefault | null) => void;

/**
 * The defaults of the component parameters: the simulator's, which it merges a scenario's
 * `components` over (experiments/simulator.ts), looked up by each parameter's config field.
 */
const TABLE_DEFAULTS: Readonly<Record<string, unknown>> = { components: DEFAULT_COMPONENT_CONFIG };

function structTable(shape: Extract<Shape, { kind: "struct" }>, path: string, ctx: Ctx, skip?: string): string[] {
  const rows = ["| field | type | default | description |", "|---|---|---|---|"];
  for (const [key, f] of Object.entries(shape.props)) {
    if (key === skip) continue;
    const shown = fieldDefault(f);
    ctx.visit(path, key, f.doc, shown);
    const dflt = f.kind === "req" ? "required" : showDefault(shown);
    rows.push(`| ${code(key)} | ${cell(typeOf(f.codec, childPath(path, key, f.codec), ctx))} | ${cell(dflt)} | ${cell(f.doc ?? "")} |`);
  }
  return rows;
}

function tableTable(shape: Extract<Shape, { kind: "table" }>, path: string, defaults: unknown, ctx: Ctx): string[] {
  const rows = ["| parameter | type | default | description |", "|---|---|---|---|"];
  for (const e of shape.entries) {
    const value = fieldOf(defaults, e.field);
    const shown = compound(e.codec) === null && value !== undefined ? { codec: e.codec, value } : null;
    ctx.visit(path, e.key, e.doc, shown);
    rows.push(`| ${code(e.key)} | ${cell(typeOf(e.codec, childPath(path, e.key, e.codec), ctx))} | ${cell(showDefault(shown))} | ${cell(e.doc)} |`);
  }
  return rows;
}

const fieldOf = (defaults: unknown, field: string): unknown => (isPlainObject(defaults) ? defaults[field] : undefined);

/** One section per map, depth first, in the order the keys are declared; a map described already is not again. */
function sections(path: string, codec: Codec<unknown>, defaults: unknown, level: number, out: string[], ctx: Ctx): void {
  const shape = compound(codec);
  if (shape === null || ctx.sectionOf.has(codec)) return;
  ctx.sectionOf.set(codec, path);
  const hashes = "#".repeat(Math.min(level, 6));
  if (shape.kind === "oneOf") {
    out.push(`${hashes} ${code(path)}`, "", `One of these maps, chosen by ${code(shape.tag)}:`, "");
    for (const v of shape.variants) {
      const vs = shapeOf(v.codec);
      ctx.visit(path, `${shape.tag}: ${v.name}`, v.doc, null);
      out.push(`${"#".repeat(Math.min(level + 1, 6))} ${code(`${shape.tag}: ${v.name}`)}`, "", v.doc, "");
      if (vs?.kind !== "struct") continue;
      out.push(...structTable(vs, path, ctx, shape.tag), "");
      for (const [key, f] of Object.entries(vs.props)) sections(childPath(path, key, f.codec), f.codec, undefined, level + 2, out, ctx);
    }
    return;
  }
  out.push(`${hashes} ${code(path)}`, "");
  if (shape.kind === "struct") {
    out.push(...structTable(shape, path, ctx), "");
    for (const [key, f] of Object.entries(shape.props)) sections(childPath(path, key, f.codec), f.codec, undefined, level + 1, out, ctx);
  } else {
    out.push(...tableTable(shape, path, defaults, ctx), "");
    for (const e of shape.entries) sections(childPath(path, e.key, e.codec), e.codec, fieldOf(defaults, e.field), level + 1, out, ctx);
  }
}

/** docs/scenario.md. */
export function scenarioReference(): string {
  return render(LAYER_FIELDS, () => {});
}

/** The keys of the top-level table (LAYER_FIELDS' shape). */
type TopFields = Readonly<Record<string, { codec: Codec<unknown>; list: boolean; required?: string; default?: unknown; doc: string }>>;

/** Every key that lacks a description, so the test can name it. */
export function undocumented(fields: TopFields = LAYER_FIELDS): string[] {
  const missing: string[] = [];
  render(fields, (path, key, doc) => {
    if (doc === undefined || doc.trim() === "") missing.push(path === "" ? key : `${path}.${key}`);
  });
  return missing;
}

/** Every default the reference shows, with where: a test decodes each back through its codec. */
export function shownDefaults(): ({ path: string } & ShownDefault)[] {
  const out: ({ path: string } & ShownDefault)[] = [];
  render(LAYER_FIELDS, (path, key, _doc, shown) => {
    if (shown !== null) out.push({ path: path === "" ? key : `${path}.${key}`, ...shown });
  });
  return out;
}

function render(fields: TopFields, visit: Visit): string {
  const ctx: Ctx = { visit, sectionOf: new Map() };
  const out: string[] = [
    "# Scenario reference",
    "",
    "<!-- Generated by `npx kubesim schema` from the codecs the scenario loader validates with",
    "     (experiments/scenario/); do not edit. Regenerate: npx kubesim schema > docs/scenario.md -->",
    "",
    `A scenario is one YAML file with \`apiVersion: ${API_VERSION}\` and \`kind: ${KIND}\`. Its keys are`,
    "strict: an unknown key is an error with a \"did you mean\". Values carry their unit:",
    "",
    "- durations are written `500ms`, `15s`, `1m30s`, `2h` (a bare number is refused: seconds or",
    "  milliseconds?);",
    "- CPU and memory are Kubernetes quantities (`500m`, `4`; `64Mi`, `16Gi`);",
    "- rates are numbers of requests per second.",
    "",
    "A default is what a key is when absent; `—` means absent has no value of its own (for",
    "`components`, the model's default is shown). `npx kubesim validate FILE` checks a scenario",
    "against this reference without running it.",
    "",
    "## Top-level keys",
    "",
    "| key | type | required | description |",
    "|---|---|---|---|",
  ];
  for (const [key, spec] of Object.entries(fields)) {
    const codec = spec.codec as Codec<unknown>;
    const path = spec.list ? `${key}[]` : key;
    const type = spec.list ? `list of ${typeOf(codec, path, ctx)}` : typeOf(codec, path, ctx);
    visit("", key, spec.doc, "default" in spec ? { codec, value: spec.default } : null);
    const required = "required" in spec ? (spec.required === "file" ? "in every file" : "yes (here or in a base)") : "default" in spec ? `no (default ${code(showValue(codec, spec.default))})` : "no";
    out.push(`| ${code(key)} | ${cell(type)} | ${cell(required)} | ${cell(spec.doc)} |`);
  }
  out.push("");
  for (const [key, spec] of Object.entries(fields)) sections(spec.list ? `${key}[]` : key, spec.codec as Codec<unknown>, TABLE_DEFAULTS[key], 2, out, ctx);
  return `${out.join("\n").replace(/\n{3,}/g, "\n\n").trimEnd()}\n`;
}
