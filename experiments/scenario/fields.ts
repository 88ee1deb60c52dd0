/**
 * Codecs of the scenario's top-level fields. Each file of an `extends` chain is decoded field by
 * field (layer.ts), so every field is optional here; what a complete scenario needs is checked
 * after the chain is merged.
 */
import type { Taint } from "../../models/cluster/types.js";
import { DEFAULT_APP_PROFILE, type AppProfile } from "../../models/workload/app-profile.js";
import { SERVICE_TIME_DISTRIBUTIONS, type ServiceTimeDistribution } from "../../models/workload/service-time.js";
import type { NodeGroup } from "../simulator.js";
import { array, bad, bool, checkedString, def, describe, doc, int, isPlainObject, leaf, ok, oneOf, opt, req, str, stringMap, type Codec } from "../manifests/codec.js";
import { labels } from "../manifests/common.js";
import { isDNS1123Label } from "../manifests/validation.js";
import { components, type ComponentOverrides } from "./components.js";
import { profile, type ProfileSpec } from "./profiles.js";
import { closest, strictStruct } from "./strict.js";
import { limits, MAX_DESCRIPTION_CHARS, type Limits } from "./limits.js";
import { cpu, cpuTime_mcore_s, duration, memory, memoryOrZero, period, positive, positiveDuration } from "./units.js";
import { DEFAULT_LAG_MIN_STEP } from "../lag/steps.js";
import { INSTANCE_TYPES, lookupInstanceType } from "../../models/cluster-autoscaler/instance-types.js";
import { DEFAULT_PROVISIONING } from "../../models/cluster-autoscaler/cloud-provider.js";

export const API_VERSION = "kubesim.io/v1alpha1";
export const KIND = "Scenario";

const dnsLabel = checkedString("DNS-1123 label", isDNS1123Label);

/** `name` or `namespace/name` (namespace defaults to "default", as in the manifests). */
export interface ObjectRef {
  namespace: string;
  name: string;
}

export const objectRef: Codec<ObjectRef> = leaf("name or namespace/name", (u) => {
  if (typeof u !== "string" || u === "") return bad(`expected a name or namespace/name, got ${describe(u)}`);
  const parts = u.split("/");
  if (parts.length > 2 || parts.some((p) => p === "")) return bad(`expected a name or namespace/name, got ${describe(u)}`);
  return ok(parts.length === 2 ? { namespace: parts[0], name: parts[1] } : { namespace: "default", name: parts[0] });
}, (r) => `${r.namespace}/${r.name}`);

export const formatRef = (r: ObjectRef): string => `${r.namespace}/${r.name}`;

// ---- metadata ----------------------------------------------------------------------------------

export interface ScenarioMetadata {
  name?: string;
  description?: string;
}

const description: Codec<string> = leaf(`string of at most ${MAX_DESCRIPTION_CHARS} characters`, (u) => {
  if (typeof u !== "string") return bad(`expected a string, got ${describe(u)}`);
  return u.length <= MAX_DESCRIPTION_CHARS ? ok(u) : bad(`expected at most ${MAX_DESCRIPTION_CHARS} characters, got ${u.length}`);
});

export const metadata: Codec<ScenarioMetadata> = strictStruct(
  "metadata",
  {
    name: doc("The scenario's name (required once the `extends` chain is merged): run folders and reports are named after it.", opt(dnsLabel)),
    description: doc("Free text, copied into manifest.json and the report.", opt(description)),
  },
  { build: (f) => ({ ...(f.name !== undefined && { name: f.name }), ...(f.description !== undefined && { description: f.description }) }) },
);

// ---- cluster -----------------------------------------------------------------------------------

const taint: Codec<Taint> = strictStruct(
  "taint",
  {
    key: doc("Taint key.", req(str)),
    value: doc("Taint value.", def(str, () => "")),
    effect: doc("What the taint does to pods that do not tolerate it.", req(oneOf(["NoSchedule", "PreferNoSchedule", "NoExecute"] as const))),
  },
  { build: (f) => ({ key: f.key, value: f.value, effect: f.effect }) },
);

const provisioningDelay = strictStruct(
  "provisioningDelay",
  { min: doc("Shortest delay.", req(duration)), max: doc("Longest delay.", req(duration)) },
  {
    build: (f, ctx) => {
      if (f.min > f.max) ctx.error(["min"], `Invalid value: min ${f.min / 1000}s is more than max ${f.max / 1000}s`);
      return f;
    },
  },
);

const price: Codec<number> = leaf("price", (u) =>
  typeof u === "number" && Number.isFinite(u) && u >= 0 ? ok(u) : bad(`expected a price in USD per hour ≥ 0, got ${describe(u)}`),
);

const probability: Codec<number> = leaf("probability", (u) =>
  typeof u === "number" && Number.isFinite(u) && u >= 0 && u <= 1 ? ok(u) : bad(`expected a probability between 0 and 1, got ${describe(u)}`),
);

const capacity = strictStruct("capacity", { cpu: doc("CPU capacity of each node.", req(cpu)), memory: doc("Memory capacity of each node.", req(memory)) }, { build: (f) => ({ cpu_mcores: f.cpu, memory_bytes: f.memory }) });

/**
 * A node group: either an instance type from the catalogue (models/cluster-autoscaler/
 * instance-types.ts: capacity, allocatable as the provider reserves it, max pods, price) or an
 * explicit `cpu` / `memory` (allocatable, with an optional `capacity`). With `min` and `max` the
 * Cluster Autoscaler manages it and `count` (default min) is its initial size.
 */
const nodeGroup: Codec<NodeGroup> = strictStruct(
  "nodeGroup",
  {
    name: doc("Node names are `<name>-<i>`.", req(dnsLabel)),
    count: doc("Nodes at start; required without min/max. An autoscaled group starts at count (default min).", opt(int(0))),
    instanceType: doc("A catalogue instance type (AWS m5/c5/r5 large-4xlarge, GCP e2/n2-standard-2..16, Azure Standard_D2s_v5..D16s_v5): capacity, allocatable as EKS/GKE/AKS reserve it, max pods and on-demand price; instead of cpu/memory.", opt(str)),
    cpu: doc("Allocatable CPU of each node (required without instanceType).", opt(cpu)),
    memory: doc("Allocatable memory of each node (required without instanceType).", opt(memory)),
    capacity: doc("Capacity of each node when it differs from allocatable (without instanceType); default: the allocatable.", opt(capacity)),
    maxPods: doc("Most pods per node (kubelet `--max-pods`); default the instance type's, else 110.", opt(int(1))),
    labels: doc("Labels of each node (for nodeSelector and affinity).", def(labels, () => ({}))),
    taints: doc("Taints of each node.", def(array(taint), () => [])),
    min: doc("Cluster Autoscaler: the group's min size (give min and max to autoscale the group).", opt(int(0))),
    max: doc("Cluster Autoscaler: the group's max size.", opt(int(0))),
    pricePerHour: doc("On-demand USD per node-hour, for cost_usd; default the instance type's price, else 0.", opt(price)),
    provisioningDelay: doc("Autoscaled groups: VM boot + kubelet registration of a new node, uniform in [min, max] (default 50s-80s).", opt(provisioningDelay)),
    readyDelay: doc("Autoscaled groups: registration to Ready (default 10s; with the default delay a node is Ready 60-90 s after the scale-up, the EKS figure).", opt(duration)),
    provisioningFailureProbability: doc("Autoscaled groups: the chance that a new instance never registers (default 0).", opt(probability)),
  },
  {
    build: (f, ctx) => {
      const type = f.instanceType === undefined ? undefined : lookupInstanceType(f.instanceType);
      if (f.instanceType !== undefined && type === undefined) {
        const best = closest(f.instanceType, [...INSTANCE_TYPES.keys()]);
        ctx.error(["instanceType"], `Unsupported value: ${JSON.stringify(f.instanceType)}${best === null ? "" : `; did you mean ${JSON.stringify(best)}?`} (known: the AWS m5/c5/r5, GCP e2/n2-standard and Azure Dsv5 types of the catalogue)`);
      }
      if (f.instanceType !== undefined && (f.cpu !== undefined || f.memory !== undefined || f.capacity !== undefined)) {
        ctx.error([f.cpu !== undefined ? "cpu" : f.memory !== undefined ? "memory" : "capacity"], "Forbidden: give either instanceType or cpu/memory, not both");
      }
      if (f.instanceType === undefined) {
        if (f.cpu === undefined) ctx.error(["cpu"], "Required value (or an instanceType)");
        if (f.memory === undefined) ctx.error(["memory"], "Required value (or an instanceType)");
      }
      const autoscaled = f.min !== undefined || f.max !== undefined;
      if (autoscaled && f.min === undefined) ctx.error(["max"], "Invalid value: max without min (give both to autoscale the group)");
      if (autoscaled && f.max === undefined) ctx.error(["min"], "Invalid value: min without max (give both to autoscale the group)");
      if (f.min !== undefined && f.max !== undefined) {
        if (f.min > f.max) ctx.error(["min"], `Invalid value: min ${f.min} is more than max ${f.max}`);
        else if (f.count !== undefined && (f.count < f.min || f.count > f.max)) ctx.error(["count"], `Invalid value: ${f.count} is outside min..max (${f.min}..${f.max})`);
      }
      if (!autoscaled) {
        if (f.count === undefined) ctx.error(["count"], "Required value (a group without min/max has a fixed count)");
        for (const key of ["provisioningDelay", "readyDelay", "provisioningFailureProbability"] as const) {
          if (f[key] !== undefined) ctx.error([key], "Forbidden: only an autoscaled group (min, max) provisions nodes");
        }
      }
      const group: NodeGroup = {
        name: f.name,
        count: f.count ?? f.min ?? 0,
        cpu_mcores: type?.allocatable.cpuMilli ?? f.cpu ?? 0,
        memory_bytes: type?.allocatable.memoryBytes ?? f.memory ?? 0,
        pods: f.maxPods ?? type?.maxPods ?? 110,
        labels: f.labels,
        taints: f.taints,
      };
      if (type !== undefined) {
        group.instanceType = type.name;
        group.capacity = { cpu_mcores: type.capacity.cpuMilli, memory_bytes: type.capacity.memoryBytes };
        group.labels = { "node.kubernetes.io/instance-type": type.name, ...f.labels };
      } else if (f.capacity !== undefined) {
        group.capacity = f.capacity;
      }
      if (f.pricePerHour !== undefined || type !== undefined) group.price_usd_per_h = f.pricePerHour ?? type?.price_usd_per_h;
      if (f.min !== undefined && f.max !== undefined) {
        group.autoscaling = { min: f.min, max: f.max };
        group.provisioning = {
          delayMin_ms: f.provisioningDelay?.min ?? DEFAULT_PROVISIONING.delayMin_ms,
          delayMax_ms: f.provisioningDelay?.max ?? DEFAULT_PROVISIONING.delayMax_ms,
          readyDelay_ms: f.readyDelay ?? DEFAULT_PROVISIONING.readyDelay_ms,
          failureProbability: f.provisioningFailureProbability ?? DEFAULT_PROVISIONING.failureProbability,
        };
      }
      return group;
    },
  },
);

export const cluster: Codec<{ nodeGroups: NodeGroup[] }> = strictStruct(
  "cluster",
  { nodeGroups: doc("At least one group of identical nodes.", req(array(nodeGroup))) },
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

const nonNegativeNumber: Codec<number> = leaf("number", (u) =>
  typeof u === "number" && Number.isFinite(u) && u >= 0 ? ok(u) : bad(`expected a number ≥ 0, got ${describe(u)}`),
);

const call = strictStruct(
  "calls",
  {
    service: doc("The Service called (name or namespace/name).", req(objectRef)),
    perRequest: doc("Calls to it per request the app serves (synchronous: the caller's response waits for them).", def(positive("calls per request"), () => 1)),
  },
  { build: (f) => ({ namespace: f.service.namespace, service: f.service.name, perRequest: f.perRequest }) },
);

/** A lognormal needs its spread; the others have theirs fixed (exponential 1, deterministic 0). */
function checkServiceTime(distribution: ServiceTimeDistribution, cv: number | undefined, ctx: { error(path: string[], message: string): void }): void {
  if (distribution === "lognormal" && !(cv !== undefined && cv > 0)) ctx.error(["serviceTimeCv"], "Required value: serviceTime lognormal needs serviceTimeCv > 0 (e.g. 0.5)");
  if (distribution !== "lognormal" && cv !== undefined) ctx.error(["serviceTimeCv"], `Invalid value: serviceTimeCv applies only to serviceTime lognormal (${distribution} has its own)`);
}

const nonEmpty = checkedString("non-empty string", (t) => (t === "" ? ["must not be empty"] : []));

const consumes = strictStruct(
  "consumes",
  {
    queue: doc("The queue (a `queues` item) whose items the app's pods take.", req(nonEmpty)),
    concurrency: doc("Items one pod works on at once (its worker threads; each uses at most one core); at most 10,000.", def(int(1, 10_000), () => 1)),
    itemsPerPod: doc("Run-to-completion consumers (a Job's pods, e.g. a KEDA ScaledJob's): the app exits (code 0) once it has taken and processed this many items; absent = it takes items until stopped.", opt(int(1))),
  },
  { build: (f) => ({ queue: f.queue, concurrency: f.concurrency, ...(f.itemsPerPod !== undefined && { itemsPerPod: f.itemsPerPod }) }) },
);

export const app: Codec<AppSpec> = strictStruct(
  "app",
  {
    name: doc("The app's name.", req(dnsLabel)),
    deployments: doc("Deployments whose pods run this app (name or namespace/name).", def(array(objectRef), () => [])),
    statefulSets: doc("StatefulSets whose pods run this app (name or namespace/name).", def(array(objectRef), () => [])),
    cpuPerRequest: doc("CPU time one request costs on one core (426ms: 0.426 core for 1 s).", def(cpuTime_mcore_s, () => d.cpuPerRequest_mcore_s)),
    // baselineCpu and memory must be > 0: metrics-server drops a pod that reports zero.
    baselineCpu: doc("CPU used with no traffic (runtime, GC, health checks); > 0, as metrics-server drops a pod that reports zero.", def(cpu, () => d.baselineCpu_mcores)),
    memory: doc("Memory used with no traffic.", def(memory, () => d.memoryBaseline_bytes)),
    memoryPerRequest: doc("Extra memory per request in flight (waiting or in service).", def(memoryOrZero, () => d.memoryPerInflight_bytes)),
    serviceTime: doc(
      "How one request's CPU work varies: `exponential`, `deterministic` (a fixed loop, like php-apache's) or `lognormal` (with `serviceTimeCv`). Shapes the latency estimates (waiting-time moments, response-time quantiles), not the CPU counters.",
      def(oneOf(SERVICE_TIME_DISTRIBUTIONS), () => "exponential" as const),
    ),
    calls: doc("Services the app calls for each request it serves (a call graph): the callee's load is the caller's rate × perRequest, and the caller's latency adds the callees' response times.", def(array(call), () => [])),
    consumes: doc("A queue consumer: the app's pods take items from this queue (each item costs `cpuPerRequest`) instead of serving requests.", opt(consumes)),
    serviceTimeCv: doc("With `serviceTime: lognormal`: the coefficient of variation (standard deviation / mean) of the work, > 0.", opt(nonNegativeNumber)),
    queueCapacity: doc("Requests a pod holds waiting (its accept backlog); arrivals beyond it are dropped.", def(int(0), () => d.queueCapacity_requests)),
    warmup: doc("From container start until the app answers its readiness probe.", def(duration, () => d.warmup_ms)),
    shutdown: doc("From SIGTERM until the app has exited (capped by terminationGracePeriodSeconds).", def(duration, () => d.shutdown_ms)),
    // Run-to-completion apps (Job pods): how long the work takes, and how often it fails.
    runDuration: doc("Run-to-completion apps (a Job's or CronJob's pods): how long the work takes before the container exits; 0 = a server that runs until stopped.", def(duration, () => 0)),
    failureProbability: doc("Run-to-completion apps: the chance that a run exits with code 1 instead of 0 (drawn per run from the pod's seeded stream).", def(probability, () => 0)),
  },
  {
    build: (f, ctx) => {
      checkServiceTime(f.serviceTime, f.serviceTimeCv, ctx);
      return {
        deployments: f.deployments,
        statefulSets: f.statefulSets,
        profile: {
          name: f.name,
          cpuPerRequest_mcore_s: f.cpuPerRequest,
          baselineCpu_mcores: f.baselineCpu,
          memoryBaseline_bytes: f.memory,
          memoryPerInflight_bytes: f.memoryPerRequest,
          ...(f.serviceTime !== "exponential" && { serviceTime: f.serviceTime }),
          ...(f.serviceTimeCv !== undefined && { serviceTimeCv: f.serviceTimeCv }),
          ...(f.calls.length > 0 && { calls: f.calls }),
          ...(f.consumes !== undefined && { consumes: f.consumes }),
          queueCapacity_requests: f.queueCapacity,
          warmup_ms: f.warmup,
          shutdown_ms: f.shutdown,
          ...(f.runDuration > 0 ? { runDuration_ms: f.runDuration, exitFailureProbability: f.failureProbability } : {}),
        },
      };
    },
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
  arrivals: "fluid" | "poisson" | "requests";
  interval_ms: number;
  spread: "round-robin" | "random";
  profile: ProfileSpec;
}

const ingressTarget: Codec<IngressTarget> = strictStruct(
  "ingress",
  {
    host: doc("The request's host, matched against the Ingresses' rules (exact, then the longest wildcard, then the catch-all).", req(str)),
    path: doc("The request's path, matched against the rules' paths (Exact, then the longest Prefix).", def(str, () => "/")),
  },
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
  {
    fraction: doc("The share of the load's requests that carry these headers and cookies, in (0, 1].", req(fraction)),
    headers: doc("Request headers (name: value) these requests carry, for `canary-by-header` rules.", def(anyStrings("headers"), () => ({}))),
    cookies: doc("Cookies (name: value) these requests carry, for `canary-by-cookie` rules.", def(anyStrings("cookies"), () => ({}))),
  },
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
    service: doc("The Service that receives the load (name or namespace/name); give this or `ingress`.", opt(objectRef)),
    ingress: doc("An Ingress host and path whose rules route the load to Services (ingress-nginx semantics, canaries included), instead of `service`.", opt(ingressTarget)),
    requests: doc("With `ingress`: shares of the requests that carry canary headers or cookies.", def(array(requestMix), () => [])),
    arrivals: doc("`fluid`: the rate itself, as a continuous flow; `poisson`: a Poisson count of requests each interval, with the rate as its mean; `requests`: every request an event (a Poisson process at the rate), each served first-come first-served by one pod under its CFS quota, latency measured from the requests' own response times: exact, for small scenarios (at most `limits.requests` requests over the run; not with a `users` profile or call graphs).", def(oneOf(["fluid", "poisson", "requests"] as const), () => "fluid" as const)),
    interval: doc("With `poisson` arrivals: how often a count is drawn; with a `users` profile: how often the users' rate is re-read from the simulated response time.", def(period, () => 1000)),
    spread: doc("How requests are shared over the Service's ready pods: evenly (with `requests` arrivals: each to the next pod in turn), or (poisson and requests arrivals) each request to a random pod.", def(oneOf(["round-robin", "random"] as const), () => "round-robin" as const)),
    profile: doc("The offered rate over time: a map with a `type` (see the load profiles below).", req(profile)),
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

// ---- queues ------------------------------------------------------------------------------------

export interface QueueFields {
  name: string;
  broker: "redis" | "kafka";
  partitions: number;
  consumerGroup: string;
  produce?: ProfileSpec;
  batches: { at_ms: number; items: number }[];
  rebalancePause_ms: number;
  autoOffsetReset: "latest" | "earliest";
}

const batch = strictStruct(
  "batches",
  {
    at: doc("When the items are pushed.", req(duration)),
    items: doc("How many items.", req(positive("items"))),
  },
  { build: (f) => ({ at_ms: f.at, items: f.items }) },
);

/** Kafka's heartbeat.interval.ms default: members hear of a rebalance at their next heartbeat. */
const DEFAULT_REBALANCE_PAUSE_MS = 3000;

export const queue: Codec<QueueFields> = strictStruct(
  "queue",
  {
    name: doc("The Redis list's name (a redis trigger's `listName`) or the Kafka topic (a kafka trigger's `topic`).", req(nonEmpty)),
    broker: doc("`redis`: a list every consumer pops from; `kafka`: a topic whose partitions a consumer group shares.", req(oneOf(["redis", "kafka"] as const))),
    partitions: doc("Kafka: the topic's partitions (the producer spreads items evenly over them; each is read by one member of the group); at most 10,000.", def(int(1, 10_000), () => 1)),
    consumerGroup: doc("Kafka: the group id of the topic's consumers (a kafka trigger's `consumerGroup`).", opt(nonEmpty)),
    produce: doc("Items produced over time: a load profile whose rates count items per second.", opt(profile)),
    batches: doc("Items pushed at once, at given times.", def(array(batch), () => [])),
    rebalancePause: doc("Kafka: how long the whole group stops consuming whenever its members change (a rebalance; members hear of it at their next heartbeat, 3 s apart by default).", def(duration, () => DEFAULT_REBALANCE_PAUSE_MS)),
    autoOffsetReset: doc("Kafka: where a member starts on a partition its group never committed: `latest` (the clients' default) skips the items already there, `earliest` reads them.", def(oneOf(["latest", "earliest"] as const), () => "latest" as const)),
  },
  {
    build: (f, ctx, raw) => {
      if (f.broker === "redis") {
        for (const key of ["partitions", "consumerGroup", "rebalancePause", "autoOffsetReset"]) {
          if (raw[key] !== undefined) ctx.error([key], `Forbidden: ${key} applies to broker kafka only`);
        }
      } else if (f.consumerGroup === undefined) {
        ctx.error(["consumerGroup"], "Required value: a kafka topic needs the consumerGroup of its consumers");
      }
      return {
        name: f.name,
        broker: f.broker,
        partitions: f.partitions,
        consumerGroup: f.consumerGroup ?? "",
        ...(f.produce !== undefined && { produce: f.produce }),
        batches: [...f.batches].sort((a, b) => a.at_ms - b.at_ms),
        rebalancePause_ms: f.rebalancePause,
        autoOffsetReset: f.autoOffsetReset,
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
  {
    kind: doc("Kind of the object to patch (Deployment, HorizontalPodAutoscaler, ...).", req(str)),
    name: doc("Its metadata.name.", req(str)),
    namespace: doc("Its namespace; absent matches the name in every namespace.", opt(str)),
  },
  { build: (f) => ({ kind: f.kind, name: f.name, ...(f.namespace !== undefined && { namespace: f.namespace }) }) },
);

const jsonPatchOp: Codec<JsonPatchOp> = strictStruct(
  "jsonPatch",
  {
    op: doc("RFC 6902 operation; `value` (any YAML) is required except for remove.", req(oneOf(["add", "remove", "replace", "test"] as const))),
    path: doc("RFC 6901 JSON pointer into the object, e.g. /spec/replicas.", req(str)),
  },
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
  {
    target: doc("The object(s) to patch.", req(target)),
    at: doc("Apply the patch to the running cluster at this time (labels, annotations and spec replaced, as kubectl apply would) instead of before the run.", opt(duration)),
    patch: doc("A strategic-merge-like patch: maps merge, lists and scalars replace, null removes a key, `$patch: delete` removes the object.", opt(anyMap)),
    jsonPatch: doc("An RFC 6902 JSON patch (give exactly one of patch and jsonPatch).", opt(array(jsonPatchOp))),
  },
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

/**
 * Default p95 latency SLO: the report needs a line to count violations against; 500 ms is a
 * common web-service target. A scenario sets its own with outputs.slo.latencyP95.
 */
export const DEFAULT_SLO_LATENCY_P95_MS = 500;

/** Default time-series sampling interval: the HPA's sync period, so every decision is visible. */
export const DEFAULT_SAMPLE_INTERVAL_MS = 15_000;

const slo = strictStruct(
  "slo",
  { latencyP95: doc("The p95 latency the report counts violations against (slo_violation_s).", opt(positiveDuration), () => DEFAULT_SLO_LATENCY_P95_MS) },
  { build: (f) => f },
);

export const outputs: Codec<Outputs> = strictStruct(
  "outputs",
  {
    sampleInterval: doc("Row interval of timeseries.csv and the charts.", opt(period), () => DEFAULT_SAMPLE_INTERVAL_MS),
    slo: doc("Service-level objective of the report.", opt(slo)),
    lagMinStep: doc("The relative change of a Service's offered rate that lag.csv counts as a load step (0.2: 20 %).", opt(positive("the relative change of offered rate that counts as a load step, e.g. 0.2 for 20 %")), () => DEFAULT_LAG_MIN_STEP),
    summaryFrom: doc("Service quality in summary.csv (SLO violations, latency) counts from here; default: when the first load starts.", opt(duration)),
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
// ---- controllers -------------------------------------------------------------------------------

export interface ControllerFields {
  module: string;
  name: string;
  config: Record<string, unknown>;
  enabled: boolean;
}

export const controller: Codec<ControllerFields> = strictStruct(
  "controllers",
  {
    module: doc("The plugin module, TypeScript or JavaScript, relative to this file (loaded without a build step): it default-exports a factory `(ctx, config) => void` (experiments/plugins/api.ts).", req(nonEmpty)),
    name: doc("The controller's name: the component of its events, the name of its random streams and of `<name>-decisions.csv`.", req(dnsLabel)),
    config: doc("The controller's settings, checked by the module's `configSchema` (an io-ts codec).", def(anyMap, () => ({}))),
    enabled: doc("Whether it runs (its module and config are checked either way): a sweep factor `controllers.<i>.enabled` switches controllers on and off.", def(bool, () => true)),
  },
  { build: (f) => ({ module: f.module, name: f.name, config: f.config, enabled: f.enabled }) },
);

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
  queues: QueueFields[];
  controllers: ControllerFields[];
  components: ComponentOverrides;
  outputs: Outputs;
  limits: Partial<Limits>;
}

/**
 * scenario key -> (field of LayerFields, codec, whether it is a list decoded item by item, so one
 * bad item does not hide the cross-reference checks of the others; whether each file must give it
 * (`file`) or the merged `extends` chain must (`chain`); what it means, for docs/scenario.md).
 */
export const LAYER_FIELDS = {
  apiVersion: { field: "apiVersion", codec: oneOf([API_VERSION] as const) as Codec<string>, list: false, required: "file", doc: `Always ${API_VERSION}.` },
  kind: { field: "kind", codec: oneOf([KIND] as const) as Codec<string>, list: false, required: "file", doc: `Always ${KIND}.` },
  metadata: { field: "metadata", codec: metadata, list: false, required: "chain", doc: "Name (required) and description." },
  extends: { field: "extends", codec: str, list: false, doc: "A base scenario file this one changes: its fields are inherited, the ones given here win (components, outputs, metadata and limits merge per key; patches add up, base first)." },
  patches: { field: "patches", codec: patch, list: true, doc: "Kustomize-style patches of the manifests' objects, applied before they are decoded." },
  seed: { field: "seed", codec: int(0, Number.MAX_SAFE_INTEGER), list: false, default: 0, doc: "Seed of every random stream of the run (`run --seed` overrides it)." },
  duration: { field: "duration_ms", codec: positiveDuration, list: false, required: "chain", doc: "Simulated time of the run." },
  cluster: { field: "cluster", codec: cluster, list: false, required: "chain", doc: "The nodes." },
  manifests: { field: "manifests", codec: str, list: true, doc: "Kubernetes YAML files (Deployment, ReplicaSet, Pod, Service, HorizontalPodAutoscaler v1/v2, VerticalPodAutoscaler), relative to this file." },
  apps: { field: "apps", codec: app, list: true, doc: "What the program in a Deployment's pods does per request." },
  load: { field: "load", codec: load, list: true, doc: "Requests offered to Services over time." },
  queues: { field: "queues", codec: queue, list: true, doc: "Message queues (Redis lists, Kafka topics): their producers, and the apps that consume them (`apps[].consumes`)." },
  controllers: { field: "controllers", codec: controller, list: true, doc: "Your own controllers (autoscaling policies, operators) as TypeScript plugins, run beside the built-in ones (experiments/plugins/api.ts)." },
  components: { field: "components", codec: components, list: false, doc: "Parameters of the component models, in human units; each overrides the default shown." },
  outputs: { field: "outputs", codec: outputs, list: false, doc: "What the run records and reports." },
  limits: { field: "limits", codec: limits, list: false, doc: "Raises (or lowers) the limits on what one run may ask for." },
} as const satisfies Record<string, { field: keyof LayerFields; codec: Codec<unknown>; list: boolean; required?: "file" | "chain"; default?: unknown; doc: string }>;
