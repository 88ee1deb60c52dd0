/**
 * core/v1 PersistentVolumeClaim (also as a StatefulSet's volumeClaimTemplates entry) and
 * storage.k8s.io/v1 StorageClass codecs, with the defaults and checks of
 * pkg/apis/core/validation ValidatePersistentVolumeClaimSpec and
 * pkg/apis/storage/validation ValidateStorageClass, for the fields binding and placement read.
 */
import type { NewObject } from "../../models/cluster/store.js";
import type { PersistentVolumeClaim, PersistentVolumeClaimTemplate, StorageClass } from "../../models/cluster/types.js";
import { ZONE_LABEL } from "../../models/volume/storage-class.js";
import { array, checkedString, def, oneOf, opt, req, str, struct, type Codec } from "./codec.js";
import { annotations, labels, memoryQuantity, objectMeta } from "./common.js";
import { isDNS1123Subdomain } from "./validation.js";

const ACCESS_MODES = ["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"] as const;
/** The zone labels an allowedTopologies term may use (the beta key is the GA key's old name). */
const ZONE_KEYS = [ZONE_LABEL, "failure-domain.beta.kubernetes.io/zone"];

const storageRequests = struct(
  "ResourceList",
  { storage: req(memoryQuantity) },
  { build: (f) => f.storage },
);

const claimResources = struct(
  "VolumeResourceRequirements",
  { requests: req(storageRequests) },
  { unmodelled: ["limits"], build: (f) => f.requests },
);

const claimSpec: Codec<PersistentVolumeClaim["spec"]> = struct(
  "PersistentVolumeClaimSpec",
  {
    accessModes: req(array(oneOf(ACCESS_MODES))),
    resources: req(claimResources),
    storageClassName: opt(checkedString("storageClassName", isDNS1123Subdomain)),
  },
  {
    unmodelled: ["selector", "volumeName", "volumeMode", "dataSource", "dataSourceRef", "volumeAttributesClassName"],
    check: (f, ctx) => {
      if (f.accessModes !== undefined && f.accessModes.length === 0) ctx.error(["accessModes"], "Required value: at least 1 access mode is required");
    },
    build: (f) => ({ storageClassName: f.storageClassName ?? null, accessModes: f.accessModes, storage_bytes: f.resources, volumeName: "" }),
  },
);

/** core/v1 PersistentVolumeClaim. */
export const persistentVolumeClaimCodec: Codec<NewObject<PersistentVolumeClaim>> = struct(
  "PersistentVolumeClaim",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(claimSpec) },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["status"],
    build: (f) => ({ kind: "PersistentVolumeClaim" as const, metadata: f.metadata, spec: f.spec, status: { phase: "Pending" as const } }),
  },
);

const claimTemplateMeta = struct(
  "ObjectMeta",
  { name: req(checkedString("name", isDNS1123Subdomain)), labels: def(labels, () => ({})), annotations: def(annotations, () => ({})) },
  { accepted: ["namespace", "creationTimestamp"], build: (f) => f },
);

/** A StatefulSet's volumeClaimTemplates entry (ValidatePersistentVolumeClaimTemplate). */
export const claimTemplate: Codec<PersistentVolumeClaimTemplate> = struct(
  "PersistentVolumeClaimTemplate",
  {
    metadata: req(claimTemplateMeta),
    spec: req(claimSpec),
  },
  { accepted: ["apiVersion", "kind"], unmodelled: ["status"], build: (f) => ({ metadata: f.metadata, spec: f.spec }) },
);

const topologyRequirement = struct(
  "TopologySelectorLabelRequirement",
  { key: req(str), values: req(array(str)) },
  {
    build: (f, ctx) => {
      if (!ZONE_KEYS.includes(f.key)) ctx.warn(["key"], `topology key ${JSON.stringify(f.key)} is not modelled (only ${ZONE_LABEL}); ignored`);
      if (f.values.length === 0) ctx.error(["values"], "Required value: must specify as least one value");
      return ZONE_KEYS.includes(f.key) ? f.values : [];
    },
  },
);

const topologyTerm = struct(
  "TopologySelectorTerm",
  { matchLabelExpressions: def(array(topologyRequirement), () => []) },
  { build: (f) => f.matchLabelExpressions.flat() },
);

/** storage.k8s.io/v1 StorageClass (cluster-scoped; defaults: Immediate, Delete). */
export const storageClassCodec: Codec<NewObject<StorageClass>> = struct(
  "StorageClass",
  {
    metadata: req(objectMeta(isDNS1123Subdomain)),
    provisioner: req(str),
    volumeBindingMode: def(oneOf(["Immediate", "WaitForFirstConsumer"] as const), () => "Immediate" as const),
    reclaimPolicy: def(oneOf(["Delete", "Retain"] as const), () => "Delete" as const),
    allowedTopologies: def(array(topologyTerm), () => []),
  },
  {
    accepted: ["apiVersion", "kind"],
    unmodelled: ["parameters", "mountOptions", "allowVolumeExpansion"],
    build: (f) => ({
      kind: "StorageClass" as const,
      metadata: { ...f.metadata, namespace: "" },
      provisioner: f.provisioner,
      volumeBindingMode: f.volumeBindingMode,
      reclaimPolicy: f.reclaimPolicy,
      allowedZones: [...new Set(f.allowedTopologies.flat())],
    }),
  },
);
