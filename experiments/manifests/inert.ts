/**
 * Kinds that configure what runs inside pods or who may call the API server (ConfigMap, Secret,
 * ServiceAccount, RBAC): nothing kubesim simulates reads them, but a real manifest set has them,
 * and the API server stores them. They are accepted and stored as their metadata, with no warning
 * for their content (`data`, `rules`, ...), so a manifest set loads without noise about them.
 */
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import { req, struct, type Codec } from "./codec.js";
import { objectMeta } from "./common.js";
import { isDNS1123Subdomain } from "./validation.js";

/** Each inert kind, its API version, and the top-level fields its content lives in. */
export const INERT_KINDS: readonly [string, string, readonly string[]][] = [
  ["ConfigMap", "v1", ["data", "binaryData", "immutable"]],
  ["Secret", "v1", ["data", "stringData", "type", "immutable"]],
  ["ServiceAccount", "v1", ["secrets", "imagePullSecrets", "automountServiceAccountToken"]],
  ["Role", "rbac.authorization.k8s.io/v1", ["rules"]],
  ["ClusterRole", "rbac.authorization.k8s.io/v1", ["rules", "aggregationRule"]],
  ["RoleBinding", "rbac.authorization.k8s.io/v1", ["subjects", "roleRef"]],
  ["ClusterRoleBinding", "rbac.authorization.k8s.io/v1", ["subjects", "roleRef"]],
];

/** The codec of an inert kind: its metadata, validated as the API server does; its content accepted. */
export function inertCodec(kind: string, contentFields: readonly string[]): Codec<NewObject<StoredObject>> {
  return struct(
    kind,
    { metadata: req(objectMeta(isDNS1123Subdomain)) },
    { accepted: ["apiVersion", "kind", ...contentFields], build: (f) => ({ kind, metadata: f.metadata }) as NewObject<StoredObject> },
  );
}
