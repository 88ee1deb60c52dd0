/**
 * Label selectors: ports of k8s.io/apimachinery pkg/apis/meta/v1/helpers.go LabelSelectorAsSelector
 * and pkg/labels/selector.go Requirement.Matches, plus the labelsutil helpers the Deployment
 * controller uses to stamp the pod-template-hash (pkg/util/labels/labels.go).
 *
 * Every controller that owns pods (ReplicaSet, Deployment, Service endpoints, HPA pod listing)
 * selects through these, so all of them agree on what "matches" means.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from "./types.js";

function hasLabel(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

/**
 * labels.NewRequirement's operator/value-count checks: In and NotIn need at least one value,
 * Exists and DoesNotExist take none. Returns an error message, or null when valid.
 * (Key and value syntax checks, DNS-1123 and length, are not ported: the scenario loader owns
 * syntax.)
 */
export function validateLabelSelectorRequirement(r: LabelSelectorRequirement): string | null {
  switch (r.operator) {
    case "In":
    case "NotIn":
      return r.values.length === 0 ? `for '${r.operator}' operator, values set can't be empty` : null;
    case "Exists":
    case "DoesNotExist":
      return r.values.length !== 0 ? `values set must be empty for exists and does not exist` : null;
    default:
      return `${JSON.stringify((r as { operator: string }).operator)} is not a valid label selector operator`;
  }
}

/** metav1.LabelSelectorAsSelector's error, or null when the selector is valid. */
export function validateLabelSelector(selector: LabelSelector): string | null {
  for (const r of selector.matchExpressions) {
    const err = validateLabelSelectorRequirement(r);
    if (err !== null) return err;
  }
  return null;
}

/** selector.go Requirement.Matches for the four LabelSelector operators. */
export function requirementMatches(r: LabelSelectorRequirement, labels: Labels): boolean {
  switch (r.operator) {
    case "In":
      return hasLabel(labels, r.key) && r.values.includes(labels[r.key]);
    case "NotIn":
      // An absent key satisfies NotIn, as upstream: "not in {a,b}" holds for a pod without the label.
      return !hasLabel(labels, r.key) || !r.values.includes(labels[r.key]);
    case "Exists":
      return hasLabel(labels, r.key);
    case "DoesNotExist":
      return !hasLabel(labels, r.key);
  }
}

/**
 * True when the selector has neither matchLabels nor matchExpressions; LabelSelectorAsSelector
 * turns such a selector into labels.Everything(). Controllers refuse to act on it
 * (deployment_controller.go syncDeployment "SelectingAll"), so they test this first.
 */
export function labelSelectorIsEmpty(selector: LabelSelector): boolean {
  return Object.keys(selector.matchLabels).length === 0 && selector.matchExpressions.length === 0;
}

/**
 * Whether `labels` satisfy `selector`: LabelSelectorAsSelector(selector).Matches(labels).
 * An empty selector matches everything (as upstream); an invalid selector matches nothing,
 * which is how every upstream controller treats the conversion error ("This object has an
 * invalid selector, it does not match any pods").
 */
export function labelSelectorMatches(selector: LabelSelector, labels: Labels): boolean {
  if (validateLabelSelector(selector) !== null) return false;
  for (const key of Object.keys(selector.matchLabels)) {
    if (!hasLabel(labels, key) || labels[key] !== selector.matchLabels[key]) return false;
  }
  for (const r of selector.matchExpressions) {
    if (!requirementMatches(r, labels)) return false;
  }
  return true;
}

/**
 * labels.SelectorFromSet(set).Matches(labels): every key/value of the set must be present.
 * An empty set matches everything (a Service with an empty selector is special-cased by its
 * own controller, not here).
 */
export function setSelectorMatches(set: Labels, labels: Labels, keys: readonly string[] = Object.keys(set)): boolean {
  // `keys`: Object.keys(set), passed by a caller matching one set against many pods, so that it
  // is listed once rather than at every pod.
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (!hasLabel(labels, key) || labels[key] !== set[key]) return false;
  }
  return true;
}

/** pkg/util/labels CloneAndAddLabel: a copy of `labels` with key=value set (no-op for key ""). */
export function cloneAndAddLabel(labels: Labels, key: string, value: string): Labels {
  if (key === "") return { ...labels };
  return { ...labels, [key]: value };
}

/** pkg/util/labels CloneAndRemoveLabel: a copy of `labels` without `key`. */
export function cloneAndRemoveLabel(labels: Labels, key: string): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels)) if (k !== key) out[k] = labels[k];
  return out;
}

/**
 * pkg/util/labels CloneSelectorAndAddLabel: a deep copy of the selector with key=value added
 * to matchLabels (no-op copy for key "").
 */
export function cloneSelectorAndAddLabel(selector: LabelSelector, key: string, value: string): LabelSelector {
  return {
    matchLabels: cloneAndAddLabel(selector.matchLabels, key, value),
    matchExpressions: selector.matchExpressions.map((r) => ({ ...r, values: [...r.values] })),
  };
}
