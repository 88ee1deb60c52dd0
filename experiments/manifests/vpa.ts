/**
 * autoscaling.k8s.io/v1 VerticalPodAutoscaler, as the API server stores it after the CRD's schema
 * (enums of updateMode, mode, controlledValues) and the VPA admission controller's webhook
 * (pkg/admission-controller/resource/vpa/handler.go ValidateVPA, VPA 1.8) accepted it. The
 * webhook's one default, an absent updatePolicy becoming {updateMode: Recreate}, is left to
 * GetUpdateMode, which reads an unset mode the same way.
 *
 * Checks (ValidateVPA's messages, placed on the field they are about):
 * - updateMode outside the enum, a container mode outside Auto/Off, controlledValues outside
 *   RequestsAndLimits/RequestsOnly: the CRD schema's `Unsupported value`.
 * - minReplicas ≤ 0: "minReplicas has to be positive".
 * - maxAllowed below minAllowed for a resource: "max resource for cpu is lower than min".
 * - mode Off with controlledValues RequestsAndLimits: "controlledValues shouldn't be specified if
 *   container scaling mode is off".
 * - more than one recommender.
 * A targetRef the manifests do not define is accepted, as by a real cluster (the recommender then
 * reports ConfigUnsupported); experiments/scenario/checks.ts warns about it.
 */
import type { NewObject } from "../../models/cluster/store.js";
import { toVpaResourceList } from "../../models/vpa/convert.js";
import type { ContainerResourcePolicy, ResourceName } from "../../models/vpa/types.js";
import type { StoredVerticalPodAutoscaler, VpaTargetRef } from "../../models/vpa/object.js";
import { array, def, int, oneOf, opt, req, str, struct, type Codec } from "./codec.js";
import { objectMeta } from "./common.js";
import { resourceList } from "./pod.js";
import { checkCrossVersionObjectReference, isDNS1123Subdomain } from "./validation.js";

export type NewVerticalPodAutoscaler = NewObject<StoredVerticalPodAutoscaler>;

/** The update modes the CRD's enum admits (types.go UpdateMode). */
export const VPA_UPDATE_MODES = ["Off", "Initial", "Recreate", "InPlaceOrRecreate", "Auto"] as const;

/** The workload kinds a VPA can target in kubesim (the scale subresource's owners that exist here). */
export const VPA_TARGET_KINDS = ["Deployment", "ReplicaSet", "StatefulSet"] as const;

const targetRef: Codec<VpaTargetRef> = struct(
  "CrossVersionObjectReference",
  { kind: req(str), name: req(str), apiVersion: def(str, () => "") },
  {
    build: (f, ctx) => {
      checkCrossVersionObjectReference(f, (path, message) => ctx.error(path, message));
      if (f.kind !== "" && !(VPA_TARGET_KINDS as readonly string[]).includes(f.kind)) {
        ctx.warn(["kind"], `targetRef kind ${JSON.stringify(f.kind)} is not modelled (kubesim runs VPA on ${VPA_TARGET_KINDS.join(", ")}); the VPA will never find its pods`);
      }
      return { kind: f.kind, name: f.name, apiVersion: f.apiVersion };
    },
  },
);

const containerPolicy: Codec<ContainerResourcePolicy> = struct(
  "ContainerResourcePolicy",
  {
    containerName: req(str, "Required value: containerPolicies.ContainerName is required"),
    mode: opt(oneOf(["Auto", "Off"] as const)),
    minAllowed: opt(resourceList),
    maxAllowed: opt(resourceList),
    controlledResources: opt(array(oneOf(["cpu", "memory"] as const))),
    controlledValues: opt(oneOf(["RequestsAndLimits", "RequestsOnly"] as const)),
  },
  {
    unmodelled: ["oomBumpUpRatio", "oomMinBumpUp", "startupBoost"],
    build: (f, ctx) => {
      if (f.containerName === "") ctx.error(["containerName"], "Required value: containerPolicies.ContainerName is required");
      const minAllowed = f.minAllowed === undefined ? null : toVpaResourceList(f.minAllowed);
      const maxAllowed = f.maxAllowed === undefined ? null : toVpaResourceList(f.maxAllowed);
      for (const resource of ["cpu", "memory"] as const) {
        const min = minAllowed?.[resource];
        const max = maxAllowed?.[resource];
        if (min !== undefined && max !== undefined && max < min) ctx.error(["maxAllowed", resource], `max resource for ${resource} is lower than min`);
      }
      if (f.mode === "Off" && f.controlledValues === "RequestsAndLimits") {
        ctx.error(["controlledValues"], "controlledValues shouldn't be specified if container scaling mode is off");
      }
      return {
        containerName: f.containerName,
        mode: f.mode ?? null,
        minAllowed,
        maxAllowed,
        controlledResources: f.controlledResources === undefined ? null : (f.controlledResources as ResourceName[]),
        controlledValues: f.controlledValues ?? null,
      };
    },
  },
);

const vpaSpec = struct(
  "VerticalPodAutoscalerSpec",
  {
    targetRef: req(targetRef, "Required value: targetRef is required. If you're using v1beta1 version of the API, please migrate to v1"),
    updatePolicy: opt(
      struct(
        "PodUpdatePolicy",
        {
          updateMode: req(oneOf(VPA_UPDATE_MODES), "Required value: updateMode is required if UpdatePolicy is used"),
          minReplicas: opt(int(1)),
        },
        { unmodelled: ["evictionRequirements", "evictAfterOOMSeconds"], build: (f) => ({ updateMode: f.updateMode, minReplicas: f.minReplicas ?? null }) },
      ),
    ),
    resourcePolicy: opt(
      struct("PodResourcePolicy", { containerPolicies: def(array(containerPolicy), () => []) }, { build: (f) => ({ containerPolicies: f.containerPolicies }) }),
    ),
    recommenders: def(array(struct("VerticalPodAutoscalerRecommenderSelector", { name: req(str) }, { build: (f) => f.name })), () => []),
  },
  {
    unmodelled: ["startupBoost"],
    check: (f, ctx) => {
      if ((f.recommenders?.length ?? 0) > 1) ctx.error(["recommenders"], "the current version of VPA object shouldn't specify more than one recommenders");
    },
    build: (f) => {
      return { targetRef: f.targetRef, updatePolicy: f.updatePolicy ?? null, resourcePolicy: f.resourcePolicy ?? null, recommenders: f.recommenders };
    },
  },
);

export const vpaCodec: Codec<NewVerticalPodAutoscaler> = struct(
  "VerticalPodAutoscaler",
  { metadata: req(objectMeta(isDNS1123Subdomain)), spec: req(vpaSpec) },
  {
    accepted: ["apiVersion", "kind"],
    // The status is the recommender's to write; a saved one is not replayed.
    unmodelled: ["status"],
    build: (f) => ({ kind: "VerticalPodAutoscaler", metadata: f.metadata, spec: f.spec, status: { recommendation: null, conditions: [] } }),
  },
);
