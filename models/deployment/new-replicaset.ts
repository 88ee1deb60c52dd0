/**
 * Finding and creating a Deployment's new ReplicaSet: ports of
 * pkg/controller/deployment/util/deployment_util.go EqualIgnoreHash, FindNewReplicaSet,
 * FindOldReplicaSets, SetNewReplicaSetAnnotations (with copyDeploymentAnnotationsToReplicaSet),
 * and pkg/controller/deployment/sync.go getNewReplicaSet, split into its two outcomes: the
 * existing new ReplicaSet (syncExistingNewReplicaSet) and the one to create (newReplicaSetFor).
 */
import { cloneAndAddLabel, cloneAndRemoveLabel, cloneSelectorAndAddLabel } from "../cluster/labels.js";
import type { Deployment, DeploymentCondition, PodTemplateSpec, ReplicaSet } from "../cluster/types.js";
import { FoundNewRSReason, getDeploymentCondition, newDeploymentCondition, NewReplicaSetReason, setDeploymentCondition } from "./conditions.js";
import { canonicalJSON, computeHash } from "./hash.js";
import { compareReplicaSetsByCreationTimestamp, sortedReplicaSets } from "./rs-sort.js";
import {
  DefaultDeploymentUniqueLabelKey,
  DesiredReplicasAnnotation,
  hasProgressDeadline,
  MaxReplicasAnnotation,
  maxRevision,
  maxSurge,
  newRSNewReplicas,
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  setReplicasAnnotations,
} from "./util.js";

/** sync.go maxRevHistoryLengthInChars: cap on the revision-history annotation. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

// deployment_util.go annotationsToSkip: never copied from the Deployment to its ReplicaSets.
const ANNOTATIONS_TO_SKIP = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  DesiredReplicasAnnotation,
  MaxReplicasAnnotation,
  "deprecated.deployment.rollback.to",
]);

function withoutHashLabel(t: PodTemplateSpec): PodTemplateSpec {
  return { ...t, metadata: { ...t.metadata, labels: cloneAndRemoveLabel(t.metadata.labels, DefaultDeploymentUniqueLabelKey) } };
}

/**
 * A template's identity for EqualIgnoreHash: its canonical JSON without pod-template-hash. Two
 * templates are EqualIgnoreHash exactly when their identities are equal, so a caller can compute
 * (and cache) each side once.
 */
export function templateIdentity(template: PodTemplateSpec): string {
  return canonicalJSON(withoutHashLabel(template));
}

/** deployment_util.go EqualIgnoreHash: the templates are equal apart from pod-template-hash. */
export function equalIgnoreHash(template1: PodTemplateSpec, template2: PodTemplateSpec): boolean {
  return templateIdentity(template1) === templateIdentity(template2);
}

/**
 * deployment_util.go FindNewReplicaSet: the oldest ReplicaSet whose template equals the
 * Deployment's (ignoring the hash label), or null. `identityOf` (templateIdentity of the object's
 * template) lets the controller serve identities from a cache.
 */
export function findNewReplicaSet(
  deployment: Deployment,
  rsList: readonly ReplicaSet[],
  identityOf: (object: Deployment | ReplicaSet) => string = (object) => templateIdentity(object.spec.template),
): ReplicaSet | null {
  const wanted = identityOf(deployment);
  for (const rs of sortedReplicaSets(rsList, compareReplicaSetsByCreationTimestamp)) {
    // Several can match after a cluster upgrade (kubernetes#40415); the oldest is chosen.
    if (identityOf(rs) === wanted) return rs;
  }
  return null;
}

/**
 * deployment_util.go FindOldReplicaSets: every ReplicaSet but the new one (`allRSs`), and those of
 * them with pods wanted (`requiredRSs`, spec.replicas != 0). Input order is kept.
 */
export function findOldReplicaSets(
  deployment: Deployment,
  rsList: readonly ReplicaSet[],
): { requiredRSs: ReplicaSet[]; allRSs: ReplicaSet[] } {
  const newRS = findNewReplicaSet(deployment, rsList);
  const requiredRSs: ReplicaSet[] = [];
  const allRSs: ReplicaSet[] = [];
  for (const rs of rsList) {
    if (newRS !== null && rs.metadata.uid === newRS.metadata.uid) continue;
    allRSs.push(rs);
    if (rs.spec.replicas !== 0) requiredRSs.push(rs);
  }
  return { requiredRSs, allRSs };
}

function parseRevision(value: string): number | null {
  return /^[+-]?[0-9]+$/.test(value) ? Number(value) : null;
}

/**
 * deployment_util.go SetNewReplicaSetAnnotations made pure: the new ReplicaSet's annotations with
 * the Deployment's annotations copied, the revision raised to `newRevision` (remembering the old
 * one in revision-history on a rollback), and, for a ReplicaSet about to be created, the replica
 * annotations. `changed` is upstream's return value.
 */
export function setNewReplicaSetAnnotations(
  deployment: Deployment,
  rsAnnotations: Readonly<Record<string, string>>,
  newRevision: number,
  exists: boolean,
  revHistoryLimitInChars: number = MAX_REV_HISTORY_LENGTH_IN_CHARS,
): { annotations: Record<string, string>; changed: boolean } {
  const annotations: Record<string, string> = { ...rsAnnotations };
  let changed = false;
  // copyDeploymentAnnotationsToReplicaSet.
  for (const k of Object.keys(deployment.metadata.annotations)) {
    const v = deployment.metadata.annotations[k];
    const exist = Object.prototype.hasOwnProperty.call(annotations, k);
    if (ANNOTATIONS_TO_SKIP.has(k) || (exist && annotations[k] === v)) continue;
    annotations[k] = v;
    changed = true;
  }
  const hadRevision = Object.prototype.hasOwnProperty.call(annotations, RevisionAnnotation);
  const oldRevision = hadRevision ? annotations[RevisionAnnotation] : "";
  let oldRevisionInt = parseRevision(oldRevision);
  if (oldRevisionInt === null) {
    if (oldRevision !== "") return { annotations, changed: false }; // unparsable: leave as is
    oldRevisionInt = 0;
  }
  if (oldRevisionInt < newRevision) {
    annotations[RevisionAnnotation] = String(newRevision);
    changed = true;
  }
  // An existing revision being raised means a rollback to this ReplicaSet: keep the old
  // revisions for history, dropping the oldest to stay under the length limit.
  if (hadRevision && oldRevisionInt < newRevision) {
    const revisionHistoryAnnotation = annotations[RevisionHistoryAnnotation] ?? "";
    let oldRevisions = revisionHistoryAnnotation.split(",");
    if (oldRevisions[0].length === 0) {
      annotations[RevisionHistoryAnnotation] = oldRevision;
    } else {
      let totalLen = revisionHistoryAnnotation.length + oldRevision.length + 1;
      let start = 0;
      while (totalLen > revHistoryLimitInChars && start < oldRevisions.length) {
        totalLen = totalLen - oldRevisions[start].length - 1;
        start++;
      }
      if (totalLen <= revHistoryLimitInChars) {
        oldRevisions = [...oldRevisions.slice(start), oldRevision];
        annotations[RevisionHistoryAnnotation] = oldRevisions.join(",");
      }
    }
  }
  if (!exists) {
    const r = setReplicasAnnotations(annotations, deployment.spec.replicas, deployment.spec.replicas + maxSurge(deployment));
    if (r.changed) changed = true;
    Object.assign(annotations, r.annotations);
  }
  return { annotations, changed };
}

export type ExistingNewReplicaSetSync =
  /** The ReplicaSet's annotations or minReadySeconds must be updated first (this sync ends there). */
  | { kind: "updateReplicaSet"; replicaSet: ReplicaSet }
  /** The ReplicaSet is up to date; write these Deployment fields if non-null. */
  | { kind: "inSync"; deploymentRevision: string | null; conditions: DeploymentCondition[] | null };

/**
 * sync.go getNewReplicaSet for an existing new ReplicaSet: bring its revision and copied
 * annotations and minReadySeconds up to date; once it is, copy its revision onto the Deployment
 * and, if there is no Progressing condition yet, add FoundNewReplicaSet.
 */
export function syncExistingNewReplicaSet(
  d: Deployment,
  existingNewRS: ReplicaSet,
  oldRSs: readonly ReplicaSet[],
  now_ms: number,
): ExistingNewReplicaSetSync {
  const newRevision = maxRevision(oldRSs) + 1;
  const { annotations, changed } = setNewReplicaSetAnnotations(d, existingNewRS.metadata.annotations, newRevision, true);
  const minReadySecondsNeedsUpdate = existingNewRS.spec.minReadySeconds !== d.spec.minReadySeconds;
  if (changed || minReadySecondsNeedsUpdate) {
    return {
      kind: "updateReplicaSet",
      replicaSet: {
        ...existingNewRS,
        metadata: { ...existingNewRS.metadata, annotations },
        spec: { ...existingNewRS.spec, minReadySeconds: d.spec.minReadySeconds },
      },
    };
  }
  const rsRevision = annotations[RevisionAnnotation] ?? "";
  const deploymentRevision = d.metadata.annotations[RevisionAnnotation] !== rsRevision ? rsRevision : null;
  let conditions: DeploymentCondition[] | null = null;
  if (hasProgressDeadline(d) && getDeploymentCondition(d.status.conditions, "Progressing") === undefined) {
    const msg = `Found new replica set ${JSON.stringify(existingNewRS.metadata.name)}`;
    conditions = setDeploymentCondition(d.status.conditions, newDeploymentCondition("Progressing", "True", FoundNewRSReason, msg, now_ms));
  }
  return { kind: "inSync", deploymentRevision, conditions };
}

/**
 * sync.go getNewReplicaSet's create path: the ReplicaSet to create for the Deployment's current
 * template, named <deployment>-<pod-template-hash>, labelled and selected by that hash, sized by
 * NewRSNewReplicas against the old ReplicaSets, at revision max(old)+1; plus the Deployment's
 * revision annotation value and conditions with NewReplicaSetCreated (when it has a deadline).
 * The store assigns uid and resourceVersion on create; hash collisions (AlreadyExists with a
 * different template) are not modelled, so collisionCount is always null.
 */
export function newReplicaSetFor(
  d: Deployment,
  oldRSs: readonly ReplicaSet[],
  now_ms: number,
): { replicaSet: ReplicaSet; deploymentRevision: string; conditions: DeploymentCondition[] | null } {
  const newRevision = maxRevision(oldRSs) + 1;
  const podTemplateSpecHash = computeHash(d.spec.template, null);
  const templateLabels = cloneAndAddLabel(d.spec.template.metadata.labels, DefaultDeploymentUniqueLabelKey, podTemplateSpecHash);
  const template: PodTemplateSpec = {
    metadata: { labels: templateLabels, annotations: { ...d.spec.template.metadata.annotations } },
    spec: d.spec.template.spec,
  };
  const draft: ReplicaSet = {
    kind: "ReplicaSet",
    metadata: {
      name: `${d.metadata.name}-${podTemplateSpecHash}`,
      namespace: d.metadata.namespace,
      uid: "",
      labels: templateLabels,
      annotations: {},
      ownerReferences: [{ kind: "Deployment", name: d.metadata.name, uid: d.metadata.uid, controller: true }],
      creationTimestamp_ms: now_ms,
      deletionTimestamp_ms: null,
      resourceVersion: 0,
    },
    spec: {
      replicas: 0,
      minReadySeconds: d.spec.minReadySeconds,
      selector: cloneSelectorAndAddLabel(d.spec.selector, DefaultDeploymentUniqueLabelKey, podTemplateSpecHash),
      template,
    },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
  const replicas = newRSNewReplicas(d, [...oldRSs, draft], draft);
  const { annotations } = setNewReplicaSetAnnotations(d, {}, newRevision, false);
  const replicaSet: ReplicaSet = { ...draft, metadata: { ...draft.metadata, annotations }, spec: { ...draft.spec, replicas } };
  let conditions: DeploymentCondition[] | null = null;
  if (hasProgressDeadline(d)) {
    const msg = `Created new replica set ${JSON.stringify(replicaSet.metadata.name)}`;
    conditions = setDeploymentCondition(d.status.conditions, newDeploymentCondition("Progressing", "True", NewReplicaSetReason, msg, now_ms));
  }
  return { replicaSet, deploymentRevision: String(newRevision), conditions };
}
