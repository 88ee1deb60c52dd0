/**
 * Kinds that configure what runs inside pods or who may call the API server (ConfigMap, Secret,
 * ServiceAccount, RBAC): nothing kubesim simulates reads them, but a real manifest set has them,
 * and the API server stores them. They are accepted and stored as their metadata, with no warning
 * for their content (`data`, `rules`, ...), so a manifest set loads without noise about them.
 */
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import { bad, describe, isPlainObject, leaf, ok, req, struct, type Codec } from "./codec.js";
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

/**
 * Custom resources (a kind of a group that is not Kubernetes' own, e.g. policies.kubesim.io/v1alpha1
 * PredictiveAutoscaler): stored as the API server stores them once their CRD exists, metadata
 * validated, everything else kept as written, so controller plugins can list and watch them.
 * kubesim does not check them against a CRD's schema.
 */
const CUSTOM_RESOURCES = new WeakSet<object>();

/** Whether the group of `apiVersion` is a custom one: it has a dot and is not *.k8s.io / *.kubernetes.io, nor a group kubesim models. */
export function isCustomResourceVersion(apiVersion: string, modelledGroups: ReadonlySet<string>): boolean {
  const slash = apiVersion.indexOf("/");
  if (slash < 0) return false;
  const group = apiVersion.slice(0, slash);
  return group.includes(".") && !group.endsWith(".k8s.io") && !group.endsWith(".kubernetes.io") && !modelledGroups.has(group);
}

export function customResourceCodec(kind: string, apiVersion: string): Codec<NewObject<StoredObject>> {
  const meta = objectMeta(isDNS1123Subdomain);
  return leaf(kind, (u) => {
    if (!isPlainObject(u)) return bad(`expected a map, got ${describe(u)}`);
    const decoded = meta.decode(u.metadata);
    if (decoded._tag === "Left") return bad(`metadata: ${decoded.left.map((e) => e.message ?? "invalid").join("; ")}`);
    const { apiVersion: _v, kind: _k, metadata: _m, ...content } = u;
    const object = { ...structuredClone(content), kind, apiVersion, metadata: decoded.right } as unknown as NewObject<StoredObject>;
    CUSTOM_RESOURCES.add(object);
    return ok(object);
  });
}

/** Whether a decoded object is a custom resource (customResourceCodec's). */
export function isCustomResource(object: object): boolean {
  return CUSTOM_RESOURCES.has(object);
}
