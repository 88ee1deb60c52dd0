/**
 * apps/v1 Deployment, ReplicaSet and StatefulSet and core/v1 ReplicationController codecs, with
 * the defaults of pkg/apis/apps/v1/defaults.go (pkg/apis/core/v1/defaults.go for RCs) and the
 * checks of pkg/apis/apps/validation/validation.go (pkg/apis/core/validation for RCs).
 */
import type { NewObject } from "../../models/cluster/store.js";
import type {
  DaemonSet,
  Deployment,
  LabelSelector,
  Labels,
  PodTemplateSpec,
  ReplicaSet,
  ReplicationController,
  RollingUpdateDeployment,
  StatefulSet,
} from "../../models/cluster/types.js";
import { labelSelectorIsEmpty, labelSelectorMatches } from "../../models/cluster/labels.js";
import { array, bool, checkedString, def, int, oneOf, opt, req, struct, type BuildContext, type Codec } from "./codec.js";
import { intOrPercent, labels, labelSelector, objectMeta } from "./common.js";
import { podTemplateSpec } from "./pod.js";
import { claimTemplate } from "./storage.js";
import { invalidValue, isDNS1123Label, isDNS1123Subdomain, notSupported } from "./validation.js";

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

// ---- DaemonSet --------------------------------------------------------------------------------

/** A DaemonSet as created: metadata.generation 1. */
export type NewDaemonSet = NewObject<DaemonSet> & { metadata: { generation: number } };

const daemonSetUpdateStrategy: Codec<DaemonSet["spec"]["updateStrategy"]> = struct(
  "DaemonSetUpdateStrategy",
  {
    type: def(oneOf(["RollingUpdate", "OnDelete"] as const), () => "RollingUpdate" as const),
    rollingUpdate: opt(struct("RollingUpdateDaemonSet", { maxUnavailable: def(intOrPercent, () => 1), maxSurge: def(intOrPercent, () => 0) }, { build: (f) => f })),
  },
  {
    build: (f, ctx) => {
      // apps/v1 SetDefaults_DaemonSet (maxUnavailable 1, maxSurge 0) and ValidateRollingUpdateDaemonSet.
      const ru = f.rollingUpdate ?? { maxUnavailable: 1, maxSurge: 0 };
      const zero = (v: number | string) => v === 0 || v === "0%";
      if (f.type === "RollingUpdate" && zero(ru.maxUnavailable) && zero(ru.maxSurge)) {
        ctx.error(["rollingUpdate", "maxUnavailable"], invalidValue(ru.maxUnavailable, "may not be 0 when maxSurge is 0"));
      }
      return { type: f.type, maxUnavailable: ru.maxUnavailable, maxSurge: ru.maxSurge };
    },
  },
);

const daemonSetSpec: Codec<DaemonSet["spec"]> = struct(
  "DaemonSetSpec",
  {
    selector: req(labelSelector),
    template: req(podTemplateSpec),
    updateStrategy: def(daemonSetUpdateStrategy, () => ({ type: "RollingUpdate" as const, maxUnavailable: 1, maxSurge: 0 })),
    minReadySeconds: def(int(0), () => 0),
    revisionHistoryLimit: def(int(0), () => 10),
  },
  {
    check: (f, ctx, raw) => {
      checkSelectorAndTemplate(f.selector, f.template, raw, ctx);
    },
    build: (f) => f,
  },
);

/** apps/v1 DaemonSet (ValidateDaemonSetName = NameIsDNSSubdomain). */
export const daemonSetCodec: Codec<NewDaemonSet> = struct(
  "DaemonSet",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(daemonSetSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "DaemonSet" as const,
      metadata: { ...f.metadata, generation: 1 },
      spec: f.spec,
      status: {
        observedGeneration: 0, desiredNumberScheduled: 0, currentNumberScheduled: 0, numberMisscheduled: 0,
        numberReady: 0, numberAvailable: 0, numberUnavailable: 0, updatedNumberScheduled: 0,
      },
    }),
  },
);

// ---- StatefulSet ------------------------------------------------------------------------------

/** A StatefulSet as created: metadata.generation 1, as for Deployments. */
export type NewStatefulSet = NewObject<StatefulSet> & { metadata: { generation: number } };

const statefulSetUpdateStrategy: Codec<StatefulSet["spec"]["updateStrategy"]> = struct(
  "StatefulSetUpdateStrategy",
  {
    type: def(oneOf(["RollingUpdate", "OnDelete"] as const), () => "RollingUpdate" as const),
    rollingUpdate: opt(struct("RollingUpdateStatefulSetStrategy", { partition: def(int(0), () => 0) }, { unmodelled: ["maxUnavailable"], build: (f) => f })),
  },
  {
    build: (f, ctx) => {
      if (f.type === "OnDelete") {
        // ValidateStatefulSetUpdateStrategy.
        if (f.rollingUpdate !== undefined) ctx.error(["rollingUpdate"], invalidValue(f.rollingUpdate, "only allowed for updateStrategy 'RollingUpdate'"));
        return { type: "OnDelete" as const };
      }
      return { type: "RollingUpdate" as const, rollingUpdate: f.rollingUpdate ?? { partition: 0 } };
    },
  },
);

const retentionPolicy = oneOf(["Retain", "Delete"] as const);

const statefulSetSpec: Codec<StatefulSet["spec"]> = struct(
  "StatefulSetSpec",
  {
    replicas: def(int(0), () => 1),
    selector: req(labelSelector),
    template: req(podTemplateSpec),
    // Optional since kubernetes/kubernetes#130233; when set it becomes the pods' DNS subdomain,
    // so it must be a DNS-1123 label (ValidateStatefulSetSpec).
    serviceName: opt(checkedString("serviceName", isDNS1123Label)),
    podManagementPolicy: def(oneOf(["OrderedReady", "Parallel"] as const), () => "OrderedReady" as const),
    updateStrategy: def(statefulSetUpdateStrategy, () => ({ type: "RollingUpdate" as const, rollingUpdate: { partition: 0 } })),
    minReadySeconds: def(int(0), () => 0),
    revisionHistoryLimit: def(int(0), () => 10),
    volumeClaimTemplates: def(array(claimTemplate), () => []),
    persistentVolumeClaimRetentionPolicy: def(
      struct("StatefulSetPersistentVolumeClaimRetentionPolicy", { whenDeleted: def(retentionPolicy, () => "Retain" as const), whenScaled: def(retentionPolicy, () => "Retain" as const) }, { build: (f) => f }),
      () => ({ whenDeleted: "Retain" as const, whenScaled: "Retain" as const }),
    ),
  },
  {
    unmodelled: ["ordinals"],
    check: (f, ctx, raw) => {
      checkSelectorAndTemplate(f.selector, f.template, raw, ctx);
      if (raw.serviceName === undefined || raw.serviceName === null || raw.serviceName === "") {
        // The API server accepts this; kubectl's schema validation before 1.33 refused it, and the
        // pods get no stable DNS names. Say so rather than let it pass unnoticed.
        ctx.warn(["serviceName"], "not set: the pods get no DNS subdomain (a headless Service named here gives each pod <pod>.<service>); kubectl before 1.33 rejects this with missing required field \"serviceName\"");
      }
      const names = new Set<string>();
      (f.volumeClaimTemplates ?? []).forEach((t, i) => {
        if (names.has(t.metadata.name)) ctx.error(["volumeClaimTemplates", i, "metadata", "name"], `Duplicate value: ${JSON.stringify(t.metadata.name)}`);
        names.add(t.metadata.name);
      });
    },
    build: (f) => ({ ...f, serviceName: f.serviceName ?? "" }),
  },
);

/** apps/v1 StatefulSet (ValidateStatefulSetName = NameIsDNSSubdomain). */
export const statefulSetCodec: Codec<NewStatefulSet> = struct(
  "StatefulSet",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(statefulSetSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "StatefulSet" as const,
      metadata: { ...f.metadata, generation: 1 },
      spec: f.spec,
      status: { observedGeneration: 0, replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, currentRevision: "", updateRevision: "" },
    }),
  },
);

// ---- ReplicationController --------------------------------------------------------------------

const replicationControllerSpec = struct(
  "ReplicationControllerSpec",
  {
    replicas: def(int(0), () => 1),
    minReadySeconds: def(int(0), () => 0),
    selector: opt(labels),
    template: req(podTemplateSpec),
  },
  {
    build: (f, ctx, raw) => {
      // core/v1 SetDefaults_ReplicationController: an absent selector is the template's labels.
      const selector: LabelSelector = { matchLabels: f.selector ?? { ...f.template.metadata.labels }, matchExpressions: [] };
      checkSelectorAndTemplate(selector, f.template, raw, ctx);
      return { replicas: f.replicas, minReadySeconds: f.minReadySeconds, selector, template: f.template };
    },
  },
);

/** core/v1 ReplicationController, stored in the ReplicaSet shape (see ReplicationController). */
export const replicationControllerCodec: Codec<NewObject<ReplicationController>> = struct(
  "ReplicationController",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(replicationControllerSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({
      kind: "ReplicationController" as const,
      // SetDefaults_ReplicationController: absent labels are the template's.
      metadata: { ...f.metadata, labels: Object.keys(f.metadata.labels).length > 0 ? f.metadata.labels : { ...f.spec.template.metadata.labels } },
      spec: f.spec,
      status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
    }),
  },
);
