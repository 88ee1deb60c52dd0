/**
 * apps/v1 Deployment and ReplicaSet codecs, with the defaults of pkg/apis/apps/v1/defaults.go and
 * the checks of pkg/apis/apps/validation/validation.go.
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { Deployment, LabelSelector, Labels, PodTemplateSpec, ReplicaSet, RollingUpdateDeployment } from "../../models/cluster/types.js";
import { labelSelectorIsEmpty, labelSelectorMatches } from "../../models/cluster/labels.js";
import { bool, def, int, oneOf, opt, req, struct, type BuildContext, type Codec } from "./codec.js";
import { intOrPercent, labelSelector, objectMeta } from "./common.js";
import { podTemplateSpec } from "./pod.js";
import { invalidValue, isDNS1123Subdomain, notSupported } from "./validation.js";

/** A Deployment as created: the API server sets metadata.generation to 1 (deployment strategy PrepareForCreate). */
export type NewDeployment = NewObject<Deployment> & { metadata: { generation: number } };

/**
 * The template's labels as written, when they are a plain string map: the selector check then
 * still runs when something else in the template failed to decode.
 */
function rawTemplateLabels(raw: Readonly<Record<string, unknown>>): Labels | null {
  const metadata = (raw.template as { metadata?: unknown } | null | undefined)?.metadata;
  const labels = (metadata as { labels?: unknown } | null | undefined)?.labels ?? {};
  if (typeof labels !== "object" || labels === null || Array.isArray(labels)) return null;
  return Object.values(labels).every((v) => typeof v === "string") ? (labels as Labels) : null;
}

/** The selector/template checks shared by Deployments and ReplicaSets (ValidateDeploymentSpec, ValidateReplicaSetSpec). */
function checkSelectorAndTemplate(
  selector: LabelSelector | undefined,
  template: PodTemplateSpec | undefined,
  raw: Readonly<Record<string, unknown>>,
  ctx: BuildContext,
): void {
  // ValidatePodTemplateSpecForReplicaSet: controllers restart their pods' containers.
  if (template !== undefined && template.spec.restartPolicy !== "Always") {
    ctx.error(["template", "spec", "restartPolicy"], notSupported(template.spec.restartPolicy, ["Always"]));
  }
  const templateLabels = template?.metadata.labels ?? rawTemplateLabels(raw);
  if (selector === undefined || templateLabels === null) return;
  if (labelSelectorIsEmpty(selector)) {
    // Upstream says "for deployment" for ReplicaSets too.
    ctx.error(["selector"], invalidValue({}, "empty selector is invalid for deployment"));
  } else if (!labelSelectorMatches(selector, templateLabels)) {
    ctx.error(["template", "metadata", "labels"], invalidValue(templateLabels, "`selector` does not match template `labels`"));
  }
}

// intstr.GetScaledValueFromIntOrPercent's percent parse, for the "both zero" check.
const isZero = (v: number | string): boolean => (typeof v === "number" ? v === 0 : Number(v.slice(0, -1)) === 0);

/** apps/v1 RollingUpdateDeployment, defaults 25%/25% (SetDefaults_Deployment). */
const rollingUpdate: Codec<RollingUpdateDeployment> = struct(
  "RollingUpdateDeployment",
  { maxUnavailable: def(intOrPercent, () => "25%"), maxSurge: def(intOrPercent, () => "25%") },
  {
    build: (f, ctx) => {
      // validation.go ValidateRollingUpdateDeployment.
      if (typeof f.maxUnavailable === "string" && Number(f.maxUnavailable.slice(0, -1)) > 100) {
        ctx.error(["maxUnavailable"], invalidValue(f.maxUnavailable, "must not be greater than 100%"));
      }
      if (isZero(f.maxUnavailable) && isZero(f.maxSurge)) {
        ctx.error(["maxUnavailable"], invalidValue(f.maxUnavailable, "may not be 0 when `maxSurge` is 0"));
      }
      return { maxUnavailable: f.maxUnavailable, maxSurge: f.maxSurge };
    },
  },
);

const strategy: Codec<Deployment["spec"]["strategy"]> = struct(
  "DeploymentStrategy",
  {
    type: def(oneOf(["RollingUpdate", "Recreate"] as const), () => "RollingUpdate" as const),
    rollingUpdate: opt(rollingUpdate),
  },
  {
    build: (f, ctx) => {
      if (f.type === "Recreate") {
        if (f.rollingUpdate !== undefined) ctx.error(["rollingUpdate"], "Forbidden: may not be specified when strategy `type` is 'Recreate'");
        return { type: "Recreate" as const };
      }
      return { type: "RollingUpdate" as const, rollingUpdate: f.rollingUpdate ?? { maxUnavailable: "25%", maxSurge: "25%" } };
    },
  },
);

const deploymentSpec: Codec<Deployment["spec"]> = struct(
  "DeploymentSpec",
  {
    replicas: def(int(0), () => 1),
    selector: req(labelSelector),
    template: req(podTemplateSpec),
    strategy: def(strategy, () => ({ type: "RollingUpdate" as const, rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } })),
    minReadySeconds: def(int(0), () => 0),
    revisionHistoryLimit: def(int(0), () => 10),
    progressDeadlineSeconds: def(int(0), () => 600),
    paused: def(bool, () => false),
  },
  {
    check: (f, ctx, raw) => {
      checkSelectorAndTemplate(f.selector, f.template, raw, ctx);
      if (f.progressDeadlineSeconds !== undefined && f.minReadySeconds !== undefined && f.progressDeadlineSeconds <= f.minReadySeconds) {
        ctx.error(["progressDeadlineSeconds"], invalidValue(f.progressDeadlineSeconds, "must be greater than minReadySeconds"));
      }
    },
    build: (f) => f,
  },
);

/** apps/v1 Deployment (ValidateDeploymentName = NameIsDNSSubdomain). */
export const deploymentCodec: Codec<NewDeployment> = struct(
  "Deployment",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(deploymentSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "Deployment" as const,
      metadata: { ...f.metadata, generation: 1 },
      spec: f.spec,
      status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0, conditions: [] },
    }),
  },
);

const replicaSetSpec: Codec<ReplicaSet["spec"]> = struct(
  "ReplicaSetSpec",
  {
    replicas: def(int(0), () => 1),
    minReadySeconds: def(int(0), () => 0),
    selector: req(labelSelector),
    template: req(podTemplateSpec),
  },
  {
    check: (f, ctx, raw) => checkSelectorAndTemplate(f.selector, f.template, raw, ctx),
    build: (f) => f,
  },
);

/** apps/v1 ReplicaSet (ValidateReplicaSetName = NameIsDNSSubdomain). */
export const replicaSetCodec: Codec<NewObject<ReplicaSet>> = struct(
  "ReplicaSet",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(replicaSetSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "ReplicaSet" as const,
      metadata: f.metadata,
      spec: f.spec,
      status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
    }),
  },
);
