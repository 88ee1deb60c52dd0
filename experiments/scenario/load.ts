/**
 * loadScenario: a scenario file -> the SimulationConfig it describes, with every problem of every
 * file it reads (the scenario, its bases, its manifests, its traces) as diagnostics.
 *
 * Stages, each small and testable alone:
 *   layer.ts      read and decode each file of the `extends` chain, field by field
 *   (here)        merge the chain (the derived file's fields win; components and outputs merge
 *                 per key; patches accumulate base first)
 *   manifests.ts  read the manifests, apply the patches to the raw objects, decode them
 *   checks.ts     cross-references: apps -> Deployments, load -> Services, HPA -> targets, fit
 *   (here)        build the load profiles (reading traces) and the config
 * Bad input never throws; the config is null when there is any error.
 */
import path from "node:path";
import { RngRegistry } from "../../engine/rng.js";
import { parseTraceCsv, trace, TraceCsvError, type LoadProfile } from "../../models/workload/load-profiles.js";
import type { TrafficSource } from "../../models/service/traffic.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { inputPath, readInputFile, shownPath } from "../manifests/input-file.js";
import type { SimulationConfig } from "../simulator.js";
import { annotateApps, checkHpaRequests, checkHpaTargets, checkPodsFit, checkServiceSelectors, findObject, notFound, type AppRefs } from "./checks.js";
import { mergeComponents } from "./components.js";
import { DEFAULT_SAMPLE_INTERVAL_MS, DEFAULT_SLO_LATENCY_P95_MS, formatRef, LAYER_FIELDS, objectRef, type LayerFields, type LoadSpec, type ObjectRef, type PatchSpec } from "./fields.js";
import { itemSite, rawItems, readChain, type Layer } from "./layer.js";
import { applyPatch, decodeObjects, readManifestFile, type RawObject } from "./manifests.js";
import { Report, type Site } from "./report.js";
import { checkLimits, DEFAULT_LIMITS, type Limits } from "./limits.js";

export interface ScenarioInfo {
  name: string;
  description: string;
  /** Latency SLO of the report; DEFAULT_SLO_LATENCY_P95_MS when the scenario gives none. */
  slo: { latencyP95_ms: number };
  /** Every file read (scenario chain, manifests, traces), in read order, for the run's content hash. */
  files: string[];
  /** The text of the scenario file itself. */
  sourceText: string;
  /** The run's limits: the defaults, raised or lowered by the scenario's `limits:`. */
  limits: Limits;
}

export interface LoadedScenario {
  config: SimulationConfig | null;
  scenario: ScenarioInfo;
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

export { DEFAULT_SAMPLE_INTERVAL_MS, DEFAULT_SLO_LATENCY_P95_MS } from "./fields.js";

interface Merged {
  fields: Partial<LayerFields>;
  /** The layer each replaced field came from (paths in its file; relative paths from its folder). */
  from: Map<keyof LayerFields, Layer>;
  invalid: Set<string>;
  patches: { spec: PatchSpec; site: Site }[];
}

/** The chain's fields, base first, the derived file's winning. */
function merge(chain: readonly Layer[]): Merged {
  const fields: Partial<LayerFields> = {};
  const from = new Map<keyof LayerFields, Layer>();
  const invalid = new Set<string>();
  const patches: Merged["patches"] = [];
  for (const layer of chain) {
    for (const key of layer.invalid) invalid.add(key);
    const f = layer.fields;
    (f.patches ?? []).forEach((spec, i) => patches.push({ spec, site: itemSite(layer, "patches", i) }));
    for (const spec of Object.values(LAYER_FIELDS)) {
      const name = spec.field;
      if (f[name] === undefined || name === "patches" || name === "extends") continue;
      if (name === "components") fields.components = mergeComponents(fields.components ?? {}, f.components!);
      else if (name === "metadata") fields.metadata = { ...fields.metadata, ...f.metadata };
      else if (name === "outputs") fields.outputs = { ...fields.outputs, ...f.outputs };
      else if (name === "limits") fields.limits = { ...fields.limits, ...f.limits };
      else (fields as Record<string, unknown>)[name] = f[name];
      from.set(name, layer);
    }
  }
  return { fields, from, invalid, patches };
}

export function loadScenario(file: string): LoadedScenario {
  const report = new Report();
  const files: string[] = [];
  const { chain, complete } = readChain(file, report, files);
  const leaf = chain.length > 0 && path.resolve(chain[chain.length - 1].file) === path.resolve(file) ? chain[chain.length - 1] : null;
  const { fields, from, invalid, patches } = merge(chain);

  // What a complete scenario needs, once the chain is merged.
  if (leaf !== null && complete) {
    for (const [key, spec] of Object.entries(LAYER_FIELDS)) {
      if (!("required" in spec) || spec.required !== "chain" || invalid.has(key)) continue;
      // metadata is required for its name (the other metadata fields are optional).
      const [value, at] = key === "metadata" ? [fields.metadata?.name, ["metadata", "name"]] : [fields[spec.field], [key]];
      if (value === undefined) report.errorAt(leaf.site(at), "Required value");
    }
  }

  // Manifests, from the layer that lists them (relative to that file).
  const raws: RawObject[] = [];
  const manifestLayer = from.get("manifests");
  (fields.manifests ?? []).forEach((ref, i) => {
    const target = inputPath(manifestLayer!.file, ref);
    raws.push(...readManifestFile(target, ref, itemSite(manifestLayer!, "manifests", i), report, files));
  });
  for (const p of patches) applyPatch(raws, p.spec, p.site, report);
  const objects = decodeObjects(raws, report);

  // References are read from the items as written, so an item with an unrelated error still
  // gets its references checked (every error at once).
  const appLayer = from.get("apps") ?? lastWith(chain, "apps");
  if (appLayer !== undefined) {
    const refs: AppRefs[] = rawItems(appLayer, "apps").map(({ index, item }) => ({
      name: typeof item.name === "string" ? item.name : null,
      deployments: Array.isArray(item.deployments) ? item.deployments.map(decodeRef) : [],
      site: (...rest) => appLayer.site(["apps", index, ...rest]),
    }));
    annotateApps(refs, objects, report);
  }
  checkHpaTargets(objects, report);
  checkHpaRequests(objects, report);
  checkPodsFit(objects, fields.cluster?.nodeGroups ?? [], report);
  checkServiceSelectors(objects, report);
  const limits: Limits = { ...DEFAULT_LIMITS, ...fields.limits };
  const durationSite = from.get("duration_ms")?.site(["duration"]);
  const sampledAt = fields.outputs?.sampleInterval_ms !== undefined ? from.get("outputs")?.site(["outputs", "sampleInterval"]) : durationSite;
  checkLimits(
    {
      limits,
      duration: fields.duration_ms !== undefined && durationSite !== undefined ? { ms: fields.duration_ms, site: durationSite } : undefined,
      sampleInterval: { ms: fields.outputs?.sampleInterval_ms ?? DEFAULT_SAMPLE_INTERVAL_MS, site: sampledAt ?? null },
      nodeGroups: fields.cluster !== undefined ? { groups: fields.cluster.nodeGroups, site: from.get("cluster")!.site(["cluster", "nodeGroups"]) } : undefined,
      objects,
    },
    report,
  );

  const seed = fields.seed ?? LAYER_FIELDS.seed.default;
  const traffic: TrafficSource[] = [];
  const loadLayer = from.get("load") ?? lastWith(chain, "load");
  const services = new Set<string>();
  for (const { index, item } of loadLayer === undefined ? [] : rawItems(loadLayer, "load")) {
    const ref = decodeRef(item.service);
    if (ref === null) continue;
    const site = loadLayer!.site(["load", index, "service"]);
    const key = formatRef(ref);
    if (findObject(objects, "Service", ref) === undefined) report.errorAt(site, notFound(objects, "Service", ref));
    else if (services.has(key)) report.errorAt(site, `Duplicate value: Service ${JSON.stringify(key)} already has a load profile`);
    services.add(key);
  }
  (fields.load ?? []).forEach((spec, i) => {
    const site = (...rest: (string | number)[]) => itemSite(loadLayer!, "load", i, ...rest);
    const profile = buildProfile(spec, seed, loadLayer!, site, report, files);
    if (profile === null) return;
    traffic.push({
      namespace: spec.service.namespace,
      service: spec.service.name,
      profile,
      arrivals: spec.arrivals,
      interval_ms: spec.interval_ms,
      spread: spec.spread,
    });
  });

  const scenario: ScenarioInfo = {
    name: fields.metadata?.name ?? "",
    description: fields.metadata?.description ?? "",
    slo: { latencyP95_ms: fields.outputs?.latencyP95_ms ?? DEFAULT_SLO_LATENCY_P95_MS },
    files: [...new Set(files)],
    sourceText: leaf?.text ?? "",
    limits,
  };
  // Line order within a file; files in the order they were read.
  const order = new Map(scenario.files.map((f, i) => [f, i]));
  const sort = (ds: Diagnostic[]) => ds.map((d, i) => ({ d, i })).sort((a, b) => (order.get(a.d.file) ?? -1) - (order.get(b.d.file) ?? -1) || a.d.line - b.d.line || a.i - b.i).map((x) => x.d);
  const errors = sort(report.errors);
  const warnings = sort(report.warnings);
  if (errors.length > 0) return { config: null, scenario, warnings, errors };

  const config: SimulationConfig = {
    seed,
    duration_ms: fields.duration_ms!,
    nodeGroups: fields.cluster!.nodeGroups,
    objects: objects.map((o) => o.object),
    apps: (fields.apps ?? []).map((a) => a.profile),
    traffic,
    sampleInterval_ms: fields.outputs?.sampleInterval_ms ?? DEFAULT_SAMPLE_INTERVAL_MS,
    components: fields.components ?? {},
  };
  return { config, scenario, warnings, errors };
}

function decodeRef(u: unknown): ObjectRef | null {
  const r = objectRef.decode(u);
  return r._tag === "Right" ? r.right : null;
}

/** The derived-most layer that has `key` at all (when no layer decoded it, for its raw items). */
function lastWith(chain: readonly Layer[], key: string): Layer | undefined {
  return [...chain].reverse().find((l) => l.raw[key] !== undefined);
}

/** The load profile of one `load` entry; null (with an error) when it cannot be built. */
function buildProfile(
  spec: LoadSpec,
  seed: number,
  layer: Layer,
  site: (...rest: (string | number)[]) => Site,
  report: Report,
  files: string[],
): LoadProfile | null {
  const p = spec.profile;
  if (p.type === "trace") {
    const traceFile = inputPath(layer.file, p.file);
    const read = readInputFile(traceFile);
    if ("reason" in read) {
      report.errorAt(site("profile", "file"), `cannot read trace file ${shownPath(p.file, traceFile)}: ${read.reason}`);
      return null;
    }
    files.push(traceFile);
    try {
      return trace(parseTraceCsv(read.text, traceFile));
    } catch (e) {
      if (!(e instanceof TraceCsvError)) throw e;
      report.error(traceFile, e.line, "", e.message.slice(`${traceFile}:${e.line}: `.length));
      return null;
    }
  }
  try {
    // A stream per Service, derived from the run seed and the name only (engine/rng.ts).
    return p.make(() => new RngRegistry(seed).stream(`load/${formatRef(spec.service)}/profile`));
  } catch (e) {
    // The codecs check what the constructors check; this is a safety net, not a path users take.
    if (!(e instanceof RangeError)) throw e;
    report.errorAt(site("profile"), e.message);
    return null;
  }
}
