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
import { isPlainObject } from "../manifests/codec.js";
import path from "node:path";
import { RngRegistry } from "../../engine/rng.js";
import { integrateRate, parseTraceCsv, trace, TraceCsvError, UsersProfile, type LoadProfile } from "../../models/workload/load-profiles.js";
import type { TrafficSource } from "../../models/service/traffic.js";
import type { Diagnostic } from "../manifests/diagnostics.js";
import { inputPath, readInputFile, shownPath } from "../manifests/input-file.js";
import type { SimulationConfig } from "../simulator.js";
import type { QueueSpec } from "../../models/queue/broker.js";
import type { ProfileSpec } from "./profiles.js";
import { closest } from "./strict.js";
import { DEFAULT_PROMETHEUS_CONFIG } from "../../models/prometheus-adapter/prometheus.js";
import { DEFAULT_ADAPTER_RULES, DEFAULT_EXTERNAL_RULES } from "../../models/prometheus-adapter/adapter.js";
import { admitScaledObjects, annotateApps, carryAppAnnotations, checkAdapterMetrics, checkDisruptionBudgetSelectors, checkConsumersNotServing, checkPrometheusTriggers, checkQueueTriggers, checkRequestArrivals, checkHpaRequests, checkHpaScaleToZero, checkHpaTargets, checkIngressBackends, checkVpaTargets, checkPodsFit, checkServiceSelectors, findObject, notFound, type AppRefs } from "./checks.js";
import { resolveRoute } from "../../models/ingress/routing.js";
import type { Ingress } from "../../models/ingress/types.js";
import type { IngressTrafficSource } from "../../models/ingress/router.js";
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import { mergeComponents } from "./components.js";
import { DEFAULT_SAMPLE_INTERVAL_MS, DEFAULT_SLO_LATENCY_P95_MS, formatRef, LAYER_FIELDS, objectRef, type LayerFields, type LoadSpec, type ObjectRef, type PatchSpec } from "./fields.js";
import { itemSite, rawItems, readChain, type Layer } from "./layer.js";
import { applyPatch, decodeObjects, matches, readManifestFile, type DecodedObject, type RawObject } from "./manifests.js";
import { Report, type Site } from "./report.js";
import { checkLimits, DEFAULT_LIMITS, type Limits } from "./limits.js";
import { decodeConfig, loadPluginModule } from "../plugins/load.js";
import { isCustomResource } from "../manifests/inert.js";
import type { ControllerSpec } from "../plugins/host.js";

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
  for (const p of patches) if (p.spec.at_ms === undefined) applyPatch(raws, p.spec, p.site, report);
  const objects = admitScaledObjects(orderForCreate(decodeObjects(raws, report)), report);
  const updates = timedUpdates(raws, patches.filter((p) => p.spec.at_ms !== undefined), report);

  // References are read from the items as written, so an item with an unrelated error still
  // gets its references checked (every error at once).
  const appLayer = from.get("apps") ?? lastWith(chain, "apps");
  if (appLayer !== undefined) {
    const refs: AppRefs[] = rawItems(appLayer, "apps").map(({ index, item }) => ({
      name: typeof item.name === "string" ? item.name : null,
      deployments: Array.isArray(item.deployments) ? item.deployments.map(decodeRef) : [],
      statefulSets: Array.isArray(item.statefulSets) ? item.statefulSets.map(decodeRef) : [],
      calls: Array.isArray(item.calls) ? item.calls.map((c: unknown) => decodeRef(isPlainObject(c) ? c.service : undefined)) : [],
      site: (...rest) => appLayer.site(["apps", index, ...rest]),
    }));
    annotateApps(refs, objects, report);
    carryAppAnnotations(updates, objects);
  }
  checkHpaTargets(objects, report);
  checkAdapterMetrics(objects, fields.components?.prometheusAdapter?.rules ?? DEFAULT_ADAPTER_RULES, fields.components?.prometheusAdapter?.externalRules ?? DEFAULT_EXTERNAL_RULES, report);
  checkPrometheusTriggers(objects, fields.components?.prometheus?.retention_ms ?? DEFAULT_PROMETHEUS_CONFIG.retention_ms, report);
  checkHpaScaleToZero(objects, fields.components?.hpa?.scaleToZero ?? false, report);
  checkVpaTargets(objects, report);
  checkHpaRequests(objects, report);
  checkPodsFit(objects, fields.cluster?.nodeGroups ?? [], report);
  checkServiceSelectors(objects, report);
  checkDisruptionBudgetSelectors(objects, report);
  checkIngressBackends(objects, report);
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

  const summaryFrom_ms = fields.outputs?.summaryFrom_ms;
  if (summaryFrom_ms !== undefined && fields.duration_ms !== undefined && summaryFrom_ms >= fields.duration_ms) {
    const site = from.get("outputs")?.site(["outputs", "summaryFrom"]) ?? durationSite;
    if (site !== undefined) report.errorAt(site, `must be before the end of the run (duration ${fields.duration_ms / 1000}s), or no sample would count`);
  }

  const seed = fields.seed ?? LAYER_FIELDS.seed.default;
  const traffic: TrafficSource[] = [];
  const ingressTraffic: IngressTrafficSource[] = [];
  const loadLayer = from.get("load") ?? lastWith(chain, "load");
  const services = new Set<string>();
  const ingresses = objects.filter((o) => o.object.kind === "Ingress").map((o) => o.object as unknown as Ingress);
  for (const { index, item } of loadLayer === undefined ? [] : rawItems(loadLayer, "load")) {
    const target = decodeIngressTarget(item.ingress);
    if (target !== null && resolveRoute(ingresses, target.host, target.path) === null) {
      report.errorAt(loadLayer!.site(["load", index, "ingress"]), `no Ingress rule routes ${target.host}${target.path} (ingress-nginx would answer 404 from its default backend)`);
    }
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
    const target = spec.service !== undefined ? formatRef(spec.service) : `ingress/${spec.ingress!.host}${spec.ingress!.path}`;
    const profile = buildProfile(spec.profile, target, seed, loadLayer!, site, report, files);
    if (profile === null) return;
    const how = { profile, arrivals: spec.arrivals, interval_ms: spec.interval_ms, spread: spec.spread };
    if (spec.arrivals === "requests") checkRequestLoad(profile, fields.duration_ms, limits, site("arrivals"), report);
    if (spec.ingress !== undefined) ingressTraffic.push({ host: spec.ingress.host, path: spec.ingress.path, requests: spec.requests, ...how });
    else traffic.push({ namespace: spec.service!.namespace, service: spec.service!.name, ...how });
  });

  const perRequest = new Map<string, Site>();
  const flowLoads = new Set<string>();
  (fields.load ?? []).forEach((spec, i) => {
    if (spec.service === undefined) return;
    if (spec.arrivals === "requests") perRequest.set(formatRef(spec.service), itemSite(loadLayer!, "load", i, "arrivals"));
    else flowLoads.add(formatRef(spec.service));
  });
  const appCalls = new Map((fields.apps ?? []).map((a) => [a.profile.name, (a.profile.calls ?? []).map((c) => ({ namespace: c.namespace, name: c.service }))]));
  checkRequestArrivals(objects, perRequest, flowLoads, appCalls, report);

  const queues = buildQueues(fields, from, chain, objects, seed, report, files);
  const controllers = buildControllers(fields, from, report, files);
  // Stored for controller plugins; without any, say that nothing reads them.
  if (controllers.length === 0) {
    for (const o of objects) {
      if (!isCustomResource(o.object)) continue;
      const apiVersion = (o.object as { apiVersion?: string }).apiVersion;
      report.warnAt(o.site(["kind"]), `kind ${o.object.kind} (${apiVersion}) is a custom resource: stored, but nothing in this scenario reads it (a controller plugin could)`);
    }
  }

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
    ...(ingressTraffic.length > 0 && { ingressTraffic }),
    ...(queues.length > 0 && { queues }),
    ...(controllers.length > 0 && { controllers }),
    ...(updates.length > 0 && { updates }),
    sampleInterval_ms: fields.outputs?.sampleInterval_ms ?? DEFAULT_SAMPLE_INTERVAL_MS,
    ...(fields.outputs?.lagMinStep !== undefined && { lagMinStep: fields.outputs.lagMinStep }),
    ...(summaryFrom_ms !== undefined && { summaryFrom_ms }),
    components: fields.components ?? {},
  };
  return { config, scenario, warnings, errors };
}

/**
 * A load with `arrivals: requests`: an open-loop profile (a `users` population closes its loop
 * on the Service's mean response time, which the per-request mode does not estimate), and at
 * most `limits.requests` requests over the run (its integral, summed an hour at a time so a
 * huge one stops early), since each request is an event.
 */
function checkRequestLoad(profile: LoadProfile, duration_ms: number | undefined, limits: Limits, site: Site, report: Report): void {
  if (profile instanceof UsersProfile) {
    report.errorAt(site, "Unsupported value: \"requests\" with a users profile (a closed loop of users is simulated from the Service's mean response time, not per request): use arrivals: fluid");
    return;
  }
  if (duration_ms === undefined) return;
  let requests = 0;
  let to_ms = 0;
  while (to_ms < duration_ms && requests <= limits.requests) {
    const from_ms = to_ms;
    to_ms = Math.min(duration_ms, from_ms + 3_600_000);
    requests += integrateRate(profile, from_ms, to_ms);
  }
  if (requests > limits.requests) {
    const counted = to_ms < duration_ms ? `at least ${Math.round(requests).toLocaleString("en-US")} requests in the first ${to_ms / 3_600_000}h` : `${Math.round(requests).toLocaleString("en-US")} requests over the run`;
    report.errorAt(site, `${counted} (the profile's integral), more than limits.requests (${limits.requests.toLocaleString("en-US")}): per-request arrivals make every request an event; use arrivals: fluid (or poisson) for a load this large, or raise limits.requests`);
  }
}

/**
 * The `queues` items as the broker model takes them, with their cross-references checked: each
 * name once, every `apps[].consumes.queue` and every KEDA redis/kafka trigger naming one.
 */
function buildQueues(
  fields: Partial<LayerFields>,
  from: Map<keyof LayerFields, Layer>,
  chain: readonly Layer[],
  objects: readonly DecodedObject[],
  seed: number,
  report: Report,
  files: string[],
): QueueSpec[] {
  const queueLayer = from.get("queues") ?? lastWith(chain, "queues");
  const raw = queueLayer === undefined ? [] : rawItems(queueLayer, "queues");
  const named = new Map<string, { broker: unknown; consumerGroup: unknown }>();
  for (const { index, item } of raw) {
    if (typeof item.name !== "string") continue;
    if (named.has(item.name)) report.errorAt(queueLayer!.site(["queues", index, "name"]), `Duplicate value: a queue named ${JSON.stringify(item.name)} already exists`);
    else named.set(item.name, { broker: item.broker, consumerGroup: item.consumerGroup });
  }
  const appLayer = from.get("apps") ?? lastWith(chain, "apps");
  for (const { index, item } of appLayer === undefined ? [] : rawItems(appLayer, "apps")) {
    const name = isPlainObject(item.consumes) ? item.consumes.queue : undefined;
    if (typeof name !== "string" || named.has(name)) continue;
    const best = closest(name, [...named.keys()]);
    report.errorAt(appLayer!.site(["apps", index, "consumes", "queue"]), `no queue named ${JSON.stringify(name)} in \`queues\`${best !== null ? ` (did you mean ${JSON.stringify(best)}?)` : ""}`);
  }
  checkQueueTriggers(objects, named, report);
  const consumers = new Map<string, Site>();
  (fields.apps ?? []).forEach((a, i) => {
    if (a.profile.consumes !== undefined) consumers.set(a.profile.name, itemSite(appLayer!, "apps", i, "consumes"));
  });
  const loaded = new Set((fields.load ?? []).flatMap((l) => (l.service === undefined ? [] : [formatRef(l.service)])));
  checkConsumersNotServing(objects, consumers, loaded, report);
  const specs: QueueSpec[] = [];
  (fields.queues ?? []).forEach((q, i) => {
    const site = (...rest: (string | number)[]) => itemSite(queueLayer!, "queues", i, ...rest);
    const produce = q.produce === undefined ? null : buildProfile(q.produce, `queue/${q.name}`, seed, queueLayer!, (...rest) => site("produce", ...rest.slice(1)), report, files);
    if (q.produce !== undefined && produce === null) return;
    specs.push({
      name: q.name,
      broker: q.broker,
      partitions: q.partitions,
      consumerGroup: q.consumerGroup,
      produce,
      batches: q.batches,
      rebalancePause_ms: q.rebalancePause_ms,
      autoOffsetReset: q.autoOffsetReset,
    });
  });
  return specs;
}

/**
 * The `controllers` items as the simulation takes them: each module found, loaded and checked
 * (a default-exported factory, its decision columns), each config decoded by the module's
 * schema, each name once. The module files count as scenario files (the run's content hash).
 */
function buildControllers(fields: Partial<LayerFields>, from: Map<keyof LayerFields, Layer>, report: Report, files: string[]): ControllerSpec[] {
  const layer = from.get("controllers");
  const specs: ControllerSpec[] = [];
  const names = new Set<string>();
  (fields.controllers ?? []).forEach((c, i) => {
    const site = (...rest: (string | number)[]) => itemSite(layer!, "controllers", i, ...rest);
    if (names.has(c.name)) {
      report.errorAt(site("name"), `Duplicate value: a controller named ${JSON.stringify(c.name)} already exists`);
      return;
    }
    names.add(c.name);
    const module = path.resolve(inputPath(layer!.file, c.module));
    const loaded = loadPluginModule(module);
    if (!loaded.ok) {
      report.errorAt(site("module"), loaded.error);
      return;
    }
    files.push(...loaded.files);
    const config = decodeConfig(loaded.module, c.config);
    if (!config.ok) {
      for (const error of config.errors) report.errorAt(site("config"), `does not match ${c.module}'s configSchema: ${error}`);
      return;
    }
    if (c.enabled) specs.push({ name: c.name, module, config: c.config });
  });
  return specs;
}

function decodeRef(u: unknown): ObjectRef | null {
  const r = objectRef.decode(u);
  return r._tag === "Right" ? r.right : null;
}

function decodeIngressTarget(u: unknown): { host: string; path: string } | null {
  if (typeof u !== "object" || u === null) return null;
  const { host, path: p } = u as Record<string, unknown>;
  return typeof host === "string" && (p === undefined || typeof p === "string") ? { host: host.toLowerCase(), path: (p as string | undefined) ?? "/" } : null;
}

// What the API server needs first: a Namespace before what lives in it, quotas and limit ranges
// before the pods they admit (Helm's install order does the same). Stable otherwise.
const CREATE_FIRST = ["Namespace", "ResourceQuota", "LimitRange"];

function orderForCreate(objects: DecodedObject[]): DecodedObject[] {
  const rank = (o: DecodedObject) => {
    const i = CREATE_FIRST.indexOf(o.object.kind);
    return i < 0 ? CREATE_FIRST.length : i;
  };
  return objects.map((o, i) => ({ o, i })).sort((a, b) => rank(a.o) - rank(b.o) || a.i - b.i).map((x) => x.o);
}

/**
 * Timed patches (`patches[].at`), in time order, each applied on top of the manifests as patched
 * so far: the objects they change, decoded, to replace the stored ones at that time.
 */
function timedUpdates(raws: readonly RawObject[], timed: readonly { spec: PatchSpec; site: Site }[], report: Report): { at_ms: number; object: NewObject<StoredObject> }[] {
  const working: RawObject[] = raws.map((r) => ({ ...r, value: structuredClone(r.value), patched: [...r.patched] }));
  const out: { at_ms: number; object: NewObject<StoredObject> }[] = [];
  const ordered = timed.map((p, i) => ({ p, i })).sort((a, b) => a.p.spec.at_ms! - b.p.spec.at_ms! || a.i - b.i).map((x) => x.p);
  for (const { spec, site } of ordered) {
    const targets = working.filter((o) => matches(o, spec.target));
    const errors = report.errors.length;
    applyPatch(working, spec, site, report);
    if (report.errors.length > errors) continue;
    for (const raw of targets) {
      if (raw.deleted) {
        report.errorAt(site, "a timed patch cannot delete an object");
        continue;
      }
      // Decode alone: the object's own warnings were given for the manifests already.
      const scratch = new Report();
      const [decoded] = decodeObjects([raw], scratch);
      report.errors.push(...scratch.errors);
      if (decoded !== undefined) out.push({ at_ms: spec.at_ms!, object: decoded.object });
    }
  }
  return out;
}

/** The derived-most layer that has `key` at all (when no layer decoded it, for its raw items). */
function lastWith(chain: readonly Layer[], key: string): Layer | undefined {
  return [...chain].reverse().find((l) => l.raw[key] !== undefined);
}

/** The load profile of one `load` entry; null (with an error) when it cannot be built. */
function buildProfile(
  p: ProfileSpec,
  /** Names the profile's random stream: the Service, Ingress route or queue it drives. */
  target: string,
  seed: number,
  layer: Layer,
  site: (...rest: (string | number)[]) => Site,
  report: Report,
  files: string[],
): LoadProfile | null {
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
    // A stream per Service (or route, or queue), derived from the run seed and the name only (engine/rng.ts).
    return p.make(() => new RngRegistry(seed).stream(`load/${target}/profile`));
  } catch (e) {
    // The codecs check what the constructors check; this is a safety net, not a path users take.
    if (!(e instanceof RangeError)) throw e;
    report.errorAt(site("profile"), e.message);
    return null;
  }
}
