/**
 * Codecs of the scenario's top-level fields. Each file of an `extends` chain is decoded field by
 * field (layer.ts), so every field is optional here; what a complete scenario needs is checked
 * after the chain is merged.
 */
import type { Taint } from "../../models/cluster/types.js";
import { DEFAULT_APP_PROFILE, type AppProfile } from "../../models/workload/app-profile.js";
import type { NodeGroup } from "../simulator.js";
import { array, bad, checkedString, def, describe, int, isPlainObject, leaf, ok, oneOf, opt, req, str, stringMap, type Codec } from "../manifests/codec.js";
import { labels } from "../manifests/common.js";
import { isDNS1123Label } from "../manifests/validation.js";
import { components, type ComponentOverrides } from "./components.js";
import { profile, type ProfileSpec } from "./profiles.js";
import { strictStruct } from "./strict.js";
import { limits, MAX_DESCRIPTION_CHARS, type Limits } from "./limits.js";
import { cpu, cpuTime_mcore_s, duration, memory, memoryOrZero, period, positive, positiveDuration } from "./units.js";

export const API_VERSION = "kubesim.io/v1alpha1";
export const KIND = "Scenario";

const dnsLabel = checkedString("DNS-1123 label", isDNS1123Label);

/** `name` or `namespace/name` (namespace defaults to "default", as in the manifests). */
export interface ObjectRef {
  namespace: string;
  name: string;
}

export const objectRef: Codec<ObjectRef> = leaf("namespace/name", (u) => {
  if (typeof u !== "string" || u === "") return bad(`expected a name or namespace/name, got ${describe(u)}`);
  const parts = u.split("/");
  if (parts.length > 2 || parts.some((p) => p === "")) return bad(`expected a name or namespace/name, got ${describe(u)}`);
  return ok(parts.length === 2 ? { namespace: parts[0], name: parts[1] } : { namespace: "default", name: parts[0] });
});

export const formatRef = (r: ObjectRef): string => `${r.namespace}/${r.name}`;

// ---- metadata ----------------------------------------------------------------------------------

export interface ScenarioMetadata {
  name?: string;
  description?: string;
}

const description: Codec<string> = leaf("description", (u) => {
  if (typeof u !== "string") return bad(`expected a string, got ${describe(u)}`);
  return u.length <= MAX_DESCRIPTION_CHARS ? ok(u) : bad(`expected at most ${MAX_DESCRIPTION_CHARS} characters, got ${u.length}`);
});

export const metadata: Codec<ScenarioMetadata> = strictStruct(
  "metadata",
  { name: opt(dnsLabel), description: opt(description) },
  { build: (f) => ({ ...(f.name !== undefined && { name: f.name }), ...(f.description !== undefined && { description: f.description }) }) },
);

// ---- cluster -----------------------------------------------------------------------------------

const taint: Codec<Taint> = strictStruct(
  "taint",
  {
    key: req(str),
    value: def(str, () => ""),
    effect: req(oneOf(["NoSchedule", "PreferNoSchedule", "NoExecute"] as const)),
  },
  { build: (f) => ({ key: f.key, value: f.value, effect: f.effect }) },
);

const nodeGroup: Codec<NodeGroup> = strictStruct(
  "nodeGroup",
  {
    name: req(dnsLabel),
    count: req(int(0)),
    cpu: req(cpu),
    memory: req(memory),
    maxPods: def(int(1), () => 110),
    labels: def(labels, () => ({})),
    taints: def(array(taint), () => []),
  },
  {
    build: (f) => ({ name: f.name, count: f.count, cpu_mcores: f.cpu, memory_bytes: f.memory, pods: f.maxPods, labels: f.labels, taints: f.taints }),
  },
);

export const cluster: Codec<{ nodeGroups: NodeGroup[] }> = strictStruct(
  "cluster",
  { nodeGroups: req(array(nodeGroup)) },
  {
    build: (f, ctx) => {
      if (f.nodeGroups.length === 0) ctx.error(["nodeGroups"], "Required value: at least one node group");
      const seen = new Set<string>();
      f.nodeGroups.forEach((g, i) => {
        if (seen.has(g.name)) ctx.error(["nodeGroups", i, "name"], `Duplicate value: ${JSON.stringify(g.name)}`);
        seen.add(g.name);
      });
      return { nodeGroups: f.nodeGroups };
    },
  },
);

// ---- apps --------------------------------------------------------------------------------------

export interface AppSpec {
  profile: AppProfile;
  deployments: ObjectRef[];
  statefulSets: ObjectRef[];
}

const d = DEFAULT_APP_PROFILE;

const probability: Codec<number> = leaf("probability", (u) =>
  typeof u === "number" && u >= 0 && u <= 1 ? ok(u) : bad(`expected a probability between 0 and 1, got ${describe(u)}`),
);

export const app: Codec<AppSpec> = strictStruct(
  "app",
  {
    name: req(dnsLabel),
    deployments: def(array(objectRef), () => []),
    statefulSets: def(array(objectRef), () => []),
    cpuPerRequest: def(cpuTime_mcore_s, () => d.cpuPerRequest_mcore_s),
    // baselineCpu and memory must be > 0: metrics-server drops a pod that reports zero.
    baselineCpu: def(cpu, () => d.baselineCpu_mcores),
    memory: def(memory, () => d.memoryBaseline_bytes),
    memoryPerRequest: def(memoryOrZero, () => d.memoryPerInflight_bytes),
    queueCapacity: def(int(0), () => d.queueCapacity_requests),
    warmup: def(duration, () => d.warmup_ms),
    shutdown: def(duration, () => d.shutdown_ms),
    // Run-to-completion apps (Job pods): how long the work takes, and how often it fails.
    runDuration: def(duration, () => 0),
    failureProbability: def(probability, () => 0),
  },
  {
    build: (f) => ({
      deployments: f.deployments,
      statefulSets: f.statefulSets,
      profile: {
        name: f.name,
        cpuPerRequest_mcore_s: f.cpuPerRequest,
        baselineCpu_mcores: f.baselineCpu,
        memoryBaseline_bytes: f.memory,
        memoryPerInflight_bytes: f.memoryPerRequest,
        queueCapacity_requests: f.queueCapacity,
        warmup_ms: f.warmup,
        shutdown_ms: f.shutdown,
        ...(f.runDuration > 0 ? { runDuration_ms: f.runDuration, exitFailureProbability: f.failureProbability } : {}),
      },
    }),
  },
);

// ---- load --------------------------------------------------------------------------------------

/** Where a load sends its requests: a Service, or an Ingress host and path (ingress-nginx). */
export interface IngressTarget {
  host: string;
  path: string;
}

/** A share of a load's requests carrying headers/cookies (to reach a canary by header or cookie). */
export interface RequestMixSpec {
  fraction: number;
  headers: Record<string, string>;
  cookies: Record<string, string>;
}

export interface LoadSpec {
  service?: ObjectRef;
  ingress?: IngressTarget;
  requests: RequestMixSpec[];
  arrivals: "fluid" | "poisson";
  interval_ms: number;
  spread: "round-robin" | "random";
  profile: ProfileSpec;
}

const ingressTarget: Codec<IngressTarget> = strictStruct(
  "ingress",
  { host: req(str), path: def(str, () => "/") },
  {
    build: (f, ctx) => {
      if (!f.path.startsWith("/")) ctx.error(["path"], `Invalid value: ${JSON.stringify(f.path)}: must be an absolute path`);
      return { host: f.host.toLowerCase(), path: f.path };
    },
  },
);

const fraction: Codec<number> = leaf("fraction", (u) =>
  typeof u === "number" && u > 0 && u <= 1 ? ok(u) : bad(`expected a fraction of the requests in (0, 1], got ${describe(u)}`),
);
const anyStrings = (name: string) => stringMap(name, () => [], () => []);

const requestMix: Codec<RequestMixSpec> = strictStruct(
  "requests",
  { fraction: req(fraction), headers: def(anyStrings("headers"), () => ({})), cookies: def(anyStrings("cookies"), () => ({})) },
  {
    build: (f) => ({
      fraction: f.fraction,
      // nginx's $http_<name> ignores the header name's case.
      headers: Object.fromEntries(Object.entries(f.headers).map(([k, v]) => [k.toLowerCase(), v])),
      cookies: f.cookies,
    }),
  },
);

export const load: Codec<LoadSpec> = strictStruct(
  "load",
  {
    service: opt(objectRef),
    ingress: opt(ingressTarget),
    requests: def(array(requestMix), () => []),
    arrivals: def(oneOf(["fluid", "poisson"] as const), () => "fluid" as const),
    interval: def(period, () => 1000),
    spread: def(oneOf(["round-robin", "random"] as const), () => "round-robin" as const),
    profile: req(profile),
  },
  {
    check: (f, ctx, raw) => {
      if ((raw.service === undefined || raw.service === null) === (raw.ingress === undefined || raw.ingress === null)) {
        ctx.error(["service"], "Required value: exactly one of service or ingress");
      }
    },
    build: (f, ctx) => {
      const total = f.requests.reduce((sum, m) => sum + m.fraction, 0);
      if (total > 1 + 1e-9) ctx.error(["requests"], `Invalid value: the fractions add up to ${total}, more than 1`);
      if (f.requests.length > 0 && f.ingress === undefined) ctx.error(["requests"], "Forbidden: headers and cookies matter only to an ingress load");
      return {
        ...(f.service !== undefined && { service: f.service }),
        ...(f.ingress !== undefined && { ingress: f.ingress }),
        requests: f.requests,
        arrivals: f.arrivals,
        interval_ms: f.interval,
        spread: f.spread,
        profile: f.profile,
      };
    },
  },
);

// ---- patches -----------------------------------------------------------------------------------

export interface PatchTarget {
  kind: string;
  name: string;
  namespace?: string;
}

export interface JsonPatchOp {
  op: "add" | "remove" | "replace" | "test";
  path: string;
  value?: unknown;
}

export interface PatchSpec {
  target: PatchTarget;
  /** A timed patch: applied to the running cluster at this time (ms) instead of the manifests. */
  at_ms?: number;
  patch?: Record<string, unknown>;
  jsonPatch?: JsonPatchOp[];
}

const target: Codec<PatchTarget> = strictStruct(
  "target",
  { kind: req(str), name: req(str), namespace: opt(str) },
  { build: (f) => ({ kind: f.kind, name: f.name, ...(f.namespace !== undefined && { namespace: f.namespace }) }) },
);

const jsonPatchOp: Codec<JsonPatchOp> = strictStruct(
  "jsonPatch",
  { op: req(oneOf(["add", "remove", "replace", "test"] as const)), path: req(str) },
  {
    // `value: null` is a JSON value to set, not an absent field, so it is read from the raw map.
    accepted: ["value"],
    build: (f, ctx, raw) => {
      if (f.path !== "" && !f.path.startsWith("/")) ctx.error(["path"], `Invalid value: ${JSON.stringify(f.path)}: a JSON pointer starts with "/"`);
      const hasValue = Object.hasOwn(raw, "value");
      if (f.op !== "remove" && !hasValue) ctx.error(["value"], `Required value: op ${f.op} needs a value`);
      return hasValue && f.op !== "remove" ? { op: f.op, path: f.path, value: raw.value } : { op: f.op, path: f.path };
    },
  },
);

const anyMap: Codec<Record<string, unknown>> = leaf("map", (u) => (isPlainObject(u) ? ok(u) : bad(`expected a map, got ${describe(u)}`)));

export const patch: Codec<PatchSpec> = strictStruct(
  "patch",
  { target: req(target), at: opt(duration), patch: opt(anyMap), jsonPatch: opt(array(jsonPatchOp)) },
  {
    build: (f, ctx) => {
      if ((f.patch === undefined) === (f.jsonPatch === undefined)) ctx.error(["patch"], "Required value: exactly one of patch or jsonPatch");
      return {
        target: f.target,
        ...(f.at !== undefined && { at_ms: f.at }),
        ...(f.patch !== undefined && { patch: f.patch }),
        ...(f.jsonPatch !== undefined && { jsonPatch: f.jsonPatch }),
      };
    },
  },
);

// ---- outputs -----------------------------------------------------------------------------------

export interface Outputs {
  sampleInterval_ms?: number;
  latencyP95_ms?: number;
  lagMinStep?: number;
  summaryFrom_ms?: number;
}

const slo = strictStruct("slo", { latencyP95: opt(positiveDuration) }, { build: (f) => f });

export const outputs: Codec<Outputs> = strictStruct(
  "outputs",
  {
    sampleInterval: opt(period),
    slo: opt(slo),
    // The relative change of a Service's offered rate that lag.csv counts as a load step.
    lagMinStep: opt(positive("the relative change of offered rate that counts as a load step, e.g. 0.2 for 20 %")),
    // Service quality (SLO, latency) counts from here; default: when the first load starts.
    summaryFrom: opt(duration),
  },
  {
    build: (f) => ({
      ...(f.sampleInterval !== undefined && { sampleInterval_ms: f.sampleInterval }),
      ...(f.lagMinStep !== undefined && { lagMinStep: f.lagMinStep }),
      ...(f.summaryFrom !== undefined && { summaryFrom_ms: f.summaryFrom }),
      ...(f.slo?.latencyP95 !== undefined && { latencyP95_ms: f.slo.latencyP95 }),
    }),
  },
);

// ---- the layer ---------------------------------------------------------------------------------

/** What one scenario file says, every field optional. */
export interface LayerFields {
  apiVersion: string;
  kind: string;
  metadata: ScenarioMetadata;
  extends: string;
  patches: PatchSpec[];
  seed: number;
  duration_ms: number;
  cluster: { nodeGroups: NodeGroup[] };
  manifests: string[];
  apps: AppSpec[];
  load: LoadSpec[];
  components: ComponentOverrides;
  outputs: Outputs;
  limits: Partial<Limits>;
}

/**
 * scenario key -> (field of LayerFields, codec, whether it is a list decoded item by item, so one
 * bad item does not hide the cross-reference checks of the others).
 */
export const LAYER_FIELDS = {
  apiVersion: { field: "apiVersion", codec: oneOf([API_VERSION] as const) as Codec<string>, list: false },
  kind: { field: "kind", codec: oneOf([KIND] as const) as Codec<string>, list: false },
  metadata: { field: "metadata", codec: metadata, list: false },
  extends: { field: "extends", codec: str, list: false },
  patches: { field: "patches", codec: patch, list: true },
  seed: { field: "seed", codec: int(0, Number.MAX_SAFE_INTEGER), list: false },
  duration: { field: "duration_ms", codec: positiveDuration, list: false },
  cluster: { field: "cluster", codec: cluster, list: false },
  manifests: { field: "manifests", codec: str, list: true },
  apps: { field: "apps", codec: app, list: true },
  load: { field: "load", codec: load, list: true },
  components: { field: "components", codec: components, list: false },
  outputs: { field: "outputs", codec: outputs, list: false },
  limits: { field: "limits", codec: limits, list: false },
} as const satisfies Record<string, { field: keyof LayerFields; codec: Codec<unknown>; list: boolean }>;
