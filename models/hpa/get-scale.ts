/**
 * Why the HPA cannot read its target's scale subresource: the errors of
 * pkg/controller/podautoscaler/horizontal.go reconcileAutoscaler's three FailedGetScale steps
 * (the REST mapping of the target's kind, then scaleForResourceMappings' GET of <resource>/scale),
 * worded as the API server and the RESTMapper word them, for the kinds the simulation has.
 */
import type { CrossVersionObjectReference } from "./types.js";

/** The scalable kinds' resources (group-qualified as a NotFound status names them). */
const SCALE_RESOURCES: Readonly<Record<string, string>> = Object.freeze({
  Deployment: "deployments.apps",
  ReplicaSet: "replicasets.apps",
  StatefulSet: "statefulsets.apps",
  ReplicationController: "replicationcontrollers",
});

/** Kinds the API server serves but without a scale subresource. */
const UNSCALABLE_KINDS: ReadonlySet<string> = new Set(["Pod", "Service", "Node", "Namespace", "HorizontalPodAutoscaler"]);

/**
 * The error reconcileAutoscaler turns into AbleToScale=False FailedGetScale, or null when the
 * scale can be read. `exists`: whether the store holds an object of that kind and name.
 */
export function getScaleError(ref: CrossVersionObjectReference, exists: boolean): string | null {
  const resource = SCALE_RESOURCES[ref.kind];
  if (resource !== undefined) return exists ? null : `${resource} "${ref.name}" not found`;
  // scaleForResourceMappings: the kind maps to a resource, but <resource>/scale is a 404.
  if (UNSCALABLE_KINDS.has(ref.kind)) return "the server could not find the requested resource";
  // RESTMapper.RESTMappings: meta.NoKindMatchError with no searched versions.
  const slash = ref.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : ref.apiVersion.slice(0, slash);
  return `no matches for kind "${ref.kind}" in group "${group}"`;
}
