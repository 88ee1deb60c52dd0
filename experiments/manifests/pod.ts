/**
 * core/v1 Pod and PodSpec codecs, with the API defaults of pkg/apis/core/v1/defaults.go and the
 * checks of pkg/apis/core/validation/validation.go that matter for the fields kubesim models.
 */
import type {
  Container,
  NodeAffinity,
  NodeSelectorRequirement,
  NodeSelectorTerm,
  Pod,
  PodSpec,
  PodTemplateSpec,
  PreferredSchedulingTerm,
  Probe,
  ResourceList,
  ResourceRequirements,
  Toleration,
} from "../../models/cluster/types.js";
import type { NewObject } from "../../models/cluster/store.js";
import { array, checkedString, def, int, oneOf, opt, req, str, stringMap, struct, type Codec } from "./codec.js";
import { cpuQuantity, memoryQuantity, objectMeta, templateMeta } from "./common.js";
import { isDNS1123Label, isDNS1123Subdomain, isLabelKey, isLabelValue } from "./validation.js";

// ---- resources ----------------------------------------------------------------------------------

/** core/v1 ResourceList: cpu and memory are modelled; any other resource is warned about and dropped. */
export const resourceList: Codec<ResourceList> = struct(
  "ResourceList",
  { cpu: opt(cpuQuantity), memory: opt(memoryQuantity) },
  {
    unknownKey: (key) => `resource ${JSON.stringify(key)} is not modelled (kubesim models cpu and memory); ignored`,
    build: (f) => {
      const out: ResourceList = {};
      if (f.cpu !== undefined) out.cpu_mcores = f.cpu;
      if (f.memory !== undefined) out.memory_bytes = f.memory;
      return out;
    },
  },
);

function formatQuantity(resource: "cpu" | "memory", value: number): string {
  return resource === "cpu" ? `${value}m` : String(value);
}

/**
 * core/v1 ResourceRequirements. Requests default to limits where only a limit is set
 * (defaults.go SetDefaults_Pod, for containers, init containers and pod-level resources).
 *
 * Upstream applies that default to Pods only, not to templates; kubesim's ReplicaSet controller
 * copies the template into pods without API defaulting, so applying it to templates too gives the
 * pods the requests that real pods created from the template would get.
 */
const resourceRequirements: Codec<ResourceRequirements> = struct(
  "ResourceRequirements",
  { requests: def(resourceList, () => ({})), limits: def(resourceList, () => ({})) },
  {
    unmodelled: ["claims"],
    check: (f, ctx) => {
      if (f.requests === undefined || f.limits === undefined) return;
      // validation.go ValidateResourceRequirements: a request may not exceed its limit.
      const pairs = [["cpu", f.requests.cpu_mcores, f.limits.cpu_mcores], ["memory", f.requests.memory_bytes, f.limits.memory_bytes]] as const;
      for (const [resource, request, limit] of pairs) {
        if (request !== undefined && limit !== undefined && request > limit) {
          ctx.error(
            ["requests", resource],
            `Invalid value: ${JSON.stringify(formatQuantity(resource, request))}: must be less than or equal to ${resource} limit of ${formatQuantity(resource, limit)}`,
          );
        }
      }
    },
    build: (f) => {
      const requests: ResourceList = { ...f.requests };
      if (requests.cpu_mcores === undefined && f.limits.cpu_mcores !== undefined) requests.cpu_mcores = f.limits.cpu_mcores;
      if (requests.memory_bytes === undefined && f.limits.memory_bytes !== undefined) requests.memory_bytes = f.limits.memory_bytes;
      return { requests, limits: f.limits };
    },
  },
);

// ---- probes ------------------------------------------------------------------------------------

const PROBE_HANDLERS = ["exec", "httpGet", "tcpSocket", "grpc"] as const;

/**
 * core/v1 Probe with SetDefaults_Probe: a zero (or absent) timeoutSeconds, periodSeconds,
 * successThreshold or failureThreshold becomes 1, 10, 1, 3. The handler is accepted whatever its
 * type: kubesim decides readiness from its app model, not by running the handler.
 */
const probe: Codec<Probe> = struct(
  "Probe",
  {
    initialDelaySeconds: def(int(0), () => 0),
    timeoutSeconds: def(int(0), () => 0),
    periodSeconds: def(int(0), () => 0),
    successThreshold: def(int(0), () => 0),
    failureThreshold: def(int(0), () => 0),
  },
  {
    accepted: PROBE_HANDLERS,
    unmodelled: ["terminationGracePeriodSeconds"],
    check: (_f, ctx, raw) => {
      // validation.go validateHandler: exactly one handler type.
      const present = PROBE_HANDLERS.filter((h) => raw[h] !== undefined && raw[h] !== null);
      if (present.length === 0) ctx.error([], "Required value: must specify a handler type");
      if (present.length > 1) ctx.error([present[1]], "Forbidden: may not specify more than 1 handler type");
    },
    build: (f) => {
      return {
        initialDelaySeconds: f.initialDelaySeconds,
        timeoutSeconds: f.timeoutSeconds || 1,
        periodSeconds: f.periodSeconds || 10,
        successThreshold: f.successThreshold || 1,
        failureThreshold: f.failureThreshold || 3,
      };
    },
  },
);

// ---- containers -----------------------------------------------------------------------------

const CONTAINER_UNMODELLED = [
  "command", "args", "workingDir", "ports", "envFrom", "env", "resizePolicy", "restartPolicyRules", "volumeMounts",
  "volumeDevices", "livenessProbe", "startupProbe", "lifecycle", "terminationMessagePath", "terminationMessagePolicy",
  "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty",
];

function containerCodec(init: boolean): Codec<Container> {
  return struct(
    init ? "InitContainer" : "Container",
    {
      // validation.go validateContainers: ValidateDNS1123Label(ctr.Name); image is required.
      name: req(checkedString("name", isDNS1123Label)),
      image: req(str),
      resources: def(resourceRequirements, () => ({ requests: {}, limits: {} })),
      readinessProbe: opt(probe),
      // On an init container only "Always" is allowed: it marks a restartable sidecar (KEP-753).
      restartPolicy: opt(oneOf(["Always"] as const)),
    },
    {
      // A regular container's restartPolicy (ContainerRestartRules, alpha) is not modelled.
      unmodelled: CONTAINER_UNMODELLED,
      build: (f, ctx) => {
        if (f.image === "") ctx.error(["image"], "Required value");
        const c: Container = { name: f.name, image: f.image, resources: f.resources, readinessProbe: f.readinessProbe ?? null };
        if (f.restartPolicy !== undefined) {
          if (init) c.restartPolicy = f.restartPolicy;
          else ctx.warn(["restartPolicy"], "field is not modelled for regular containers; ignored");
        }
        return c;
      },
    },
  );
}

const container = containerCodec(false);
const initContainer = containerCodec(true);

// ---- scheduling -------------------------------------------------------------------------------

const TAINT_EFFECTS = ["", "NoSchedule", "PreferNoSchedule", "NoExecute"] as const;

/** core/v1 Toleration; validation.go ValidateTolerations. An empty operator means Equal. */
const toleration: Codec<Toleration> = struct(
  "Toleration",
  {
    key: def(str, () => ""),
    operator: def(oneOf(["", "Equal", "Exists"] as const), () => "" as const),
    value: def(str, () => ""),
    effect: def(oneOf(TAINT_EFFECTS), () => "" as const),
  },
  {
    unmodelled: ["tolerationSeconds"],
    build: (f, ctx) => {
      const operator = f.operator === "" ? "Equal" : f.operator;
      if (f.key !== "") for (const m of isLabelKey(f.key)) ctx.error(["key"], `Invalid value: ${JSON.stringify(f.key)}: ${m}`);
      if (f.key === "" && operator !== "Exists") {
        ctx.error(["operator"], `Invalid value: ${JSON.stringify(operator)}: operator must be Exists when \`key\` is empty, which means "match all values and all keys"`);
      }
      if (operator === "Exists" && f.value !== "") {
        ctx.error(["operator"], `Invalid value: ${JSON.stringify(f.value)}: value must be empty when \`operator\` is 'Exists'`);
      }
      return { key: f.key, operator, value: f.value, effect: f.effect };
    },
  },
);

/** core/v1 NodeSelectorRequirement; validation.go ValidateNodeSelectorRequirement. */
const nodeSelectorRequirement: Codec<NodeSelectorRequirement> = struct(
  "NodeSelectorRequirement",
  {
    key: req(checkedString("key", isLabelKey)),
    operator: req(oneOf(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const)),
    values: def(array(str), () => []),
  },
  {
    build: (f, ctx) => {
      switch (f.operator) {
        case "In":
        case "NotIn":
          if (f.values.length === 0) ctx.error(["values"], "Required value: must be specified when `operator` is 'In' or 'NotIn'");
          break;
        case "Exists":
        case "DoesNotExist":
          if (f.values.length > 0) ctx.error(["values"], "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
          break;
        case "Gt":
        case "Lt":
          if (f.values.length !== 1 || !/^-?\d+$/.test(f.values[0])) {
            ctx.error(["values"], "Required value: must be specified single value when `operator` is 'Lt' or 'Gt'");
          }
          break;
      }
      return { key: f.key, operator: f.operator, values: f.values };
    },
  },
);

/** validation.go ValidateNodeFieldSelectorRequirement: only metadata.name, In or NotIn, one value. */
const nodeFieldSelectorRequirement: Codec<NodeSelectorRequirement> = struct(
  "NodeFieldSelectorRequirement",
  {
    key: req(str),
    operator: req(oneOf(["In", "NotIn", "Exists", "DoesNotExist", "Gt", "Lt"] as const)),
    values: def(array(str), () => []),
  },
  {
    build: (f, ctx) => {
      if (f.operator !== "In" && f.operator !== "NotIn") ctx.error(["operator"], `Invalid value: ${JSON.stringify(f.operator)}: not a valid selector operator`);
      if (f.values.length !== 1) ctx.error(["values"], "Required value: must be only one value when `operator` is 'In' or 'NotIn' for node field selector");
      if (f.key !== "metadata.name") ctx.error(["key"], `Invalid value: ${JSON.stringify(f.key)}: not a valid field selector key`);
      return { key: f.key, operator: f.operator, values: f.values };
    },
  },
);

const nodeSelectorTerm: Codec<NodeSelectorTerm> = struct(
  "NodeSelectorTerm",
  { matchExpressions: def(array(nodeSelectorRequirement), () => []), matchFields: def(array(nodeFieldSelectorRequirement), () => []) },
  { build: (f) => ({ matchExpressions: f.matchExpressions, ...(f.matchFields.length > 0 && { matchFields: f.matchFields }) }) },
);

const requiredNodeSelector: Codec<NodeSelectorTerm[]> = struct(
  "NodeSelector",
  { nodeSelectorTerms: req(array(nodeSelectorTerm)) },
  {
    build: (f, ctx) => {
      // validation.go ValidateNodeSelector.
      if (f.nodeSelectorTerms.length === 0) ctx.error(["nodeSelectorTerms"], "Required value: must have at least one node selector term");
      return f.nodeSelectorTerms;
    },
  },
);

const preferredSchedulingTerm: Codec<PreferredSchedulingTerm> = struct(
  "PreferredSchedulingTerm",
  { weight: req(int(1, 100)), preference: req(nodeSelectorTerm) },
  { build: (f) => ({ weight: f.weight, preference: f.preference }) },
);

const nodeAffinity: Codec<NodeAffinity> = struct(
  "NodeAffinity",
  {
    requiredDuringSchedulingIgnoredDuringExecution: opt(requiredNodeSelector),
    preferredDuringSchedulingIgnoredDuringExecution: opt(array(preferredSchedulingTerm)),
  },
  {
    build: (f) => {
      const out: NodeAffinity = { requiredTerms: f.requiredDuringSchedulingIgnoredDuringExecution ?? [] };
      if (f.preferredDuringSchedulingIgnoredDuringExecution !== undefined) out.preferredTerms = f.preferredDuringSchedulingIgnoredDuringExecution;
      return out;
    },
  },
);

const affinity: Codec<NodeAffinity | null> = struct(
  "Affinity",
  { nodeAffinity: opt(nodeAffinity) },
  { unmodelled: ["podAffinity", "podAntiAffinity"], build: (f) => f.nodeAffinity ?? null },
);

// ---- pod spec ---------------------------------------------------------------------------------

const POD_SPEC_UNMODELLED = [
  "volumes", "ephemeralContainers", "activeDeadlineSeconds", "dnsPolicy", "serviceAccountName", "serviceAccount",
  "automountServiceAccountToken", "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
  "imagePullSecrets", "hostname", "hostnameOverride", "subdomain", "schedulerName", "hostAliases", "priorityClassName",
  "dnsConfig", "readinessGates", "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
  "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates", "resourceClaims",
];

/** core/v1 PodSpec with SetDefaults_PodSpec (restartPolicy Always, terminationGracePeriodSeconds 30). */
export const podSpec: Codec<PodSpec> = struct(
  "PodSpec",
  {
    containers: req(array(container)),
    initContainers: def(array(initContainer), () => []),
    restartPolicy: def(oneOf(["Always", "OnFailure", "Never"] as const), () => "Always" as const),
    terminationGracePeriodSeconds: def(int(0), () => 30),
    nodeSelector: def(stringMap("nodeSelector", isLabelKey, isLabelValue), () => ({})),
    affinity: def(affinity, () => null),
    tolerations: def(array(toleration), () => []),
    resources: opt(resourceRequirements),
    nodeName: def(checkedString("nodeName", isDNS1123Subdomain), () => ""),
    priority: opt(int(-2147483648)),
  },
  {
    unmodelled: POD_SPEC_UNMODELLED,
    check: (f, ctx, raw) => {
      if (f.containers !== undefined && f.containers.length === 0) ctx.error(["containers"], "Required value");
      // validation.go validateContainers / validateInitContainers: names are unique across both.
      // Read from the raw lists so that a bad field in one container does not hide a duplicate.
      const seen = new Set<string>();
      for (const field of ["initContainers", "containers"] as const) {
        const list = raw[field];
        if (!Array.isArray(list)) continue;
        list.forEach((c: unknown, i) => {
          const name = (c as { name?: unknown } | null)?.name;
          if (typeof name !== "string") return;
          if (seen.has(name)) ctx.error([field, i, "name"], `Duplicate value: ${JSON.stringify(name)}`);
          seen.add(name);
        });
      }
    },
    build: (f) => {
      const spec: PodSpec = {
        containers: f.containers,
        initContainers: f.initContainers,
        nodeName: f.nodeName,
        nodeSelector: f.nodeSelector,
        nodeAffinity: f.affinity,
        tolerations: f.tolerations,
        terminationGracePeriodSeconds: f.terminationGracePeriodSeconds,
        restartPolicy: f.restartPolicy,
        resources: f.resources ?? null,
      };
      if (f.priority !== undefined) spec.priority = f.priority;
      return spec;
    },
  },
);

/** core/v1 PodTemplateSpec. */
export const podTemplateSpec: Codec<PodTemplateSpec> = struct(
  "PodTemplateSpec",
  { metadata: def(templateMeta, () => ({ labels: {}, annotations: {} })), spec: req(podSpec) },
  { build: (f) => ({ metadata: f.metadata, spec: f.spec }) },
);

/** v1 Pod (ValidatePodName = NameIsDNSSubdomain). Status starts Pending, as on create. */
export const podCodec: Codec<NewObject<Pod>> = struct(
  "Pod",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(podSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "Pod" as const,
      metadata: f.metadata,
      spec: f.spec,
      status: { phase: "Pending" as const, conditions: [], startTime_ms: null, containerStatuses: [] },
    }),
  },
);
