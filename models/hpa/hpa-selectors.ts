/**
 * Which HPAs claim which pods: the part of pkg/util/selectors BiMultimap that
 * pkg/controller/podautoscaler/horizontal.go HorizontalController.hpaSelectors uses, plus the
 * AmbiguousSelector check (hpasControllingPodsUnderSelector) answered without walking every
 * HPA on every sync.
 *
 * Upstream registers an HPA with labels.Nothing() when the informer adds it (enqueueHPA), puts
 * the target scale's selector in when a reconcile reaches validateAndParseSelector, and removes
 * it on delete (deleteHPA). validateAndParseSelector then puts the pods the HPA's selector lists
 * into the map and asks, per pod, which registered selectors match it; more than one HPA is
 * AmbiguousSelector. Here the map keeps, per namespace, the registered selectors and a version
 * that moves only when one of them changes (registration, a different selector, deletion). Each
 * HPA keeps the other HPAs whose selectors could overlap its own, recomputed only when that
 * version moved; with none (one HPA per workload, the usual case) the check is a version compare
 * and no pod is looked at. With some, the pods are checked, and the answer kept until the pod
 * list or the version changes.
 */
import { labelSelectorMatches, validateLabelSelector } from "../cluster/labels.js";
import type { LabelSelector, LabelSelectorRequirement, Pod } from "../cluster/types.js";

/** selectors.Key.String(): `<namespace>/<name>`, the spelling of the HPAs in the message. */
export function hpaKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

export class HpaSelectors {
  /** Registered HPAs: key -> selector, null for labels.Nothing() (registered, not reconciled yet). */
  private readonly selectors = new Map<string, LabelSelector | null>();
  /** Per namespace: the registered selectors that select something, by HPA key. */
  private readonly byNamespace = new Map<string, Map<string, LabelSelector>>();
  /** Per namespace: bumped whenever `byNamespace` for it changes. */
  private readonly versions = new Map<string, number>();

  selectorExists(key: string): boolean {
    return this.selectors.has(key);
  }

  /**
   * BiMultimap.PutSelector. Selectors are compared by identity (a workload's selector object is
   * immutable once created), so re-putting the same one each sync changes nothing.
   */
  putSelector(key: string, namespace: string, selector: LabelSelector | null): void {
    if (this.selectors.has(key) && this.selectors.get(key) === selector) return;
    this.selectors.set(key, selector);
    let inNamespace = this.byNamespace.get(namespace);
    if (inNamespace === undefined) {
      inNamespace = new Map();
      this.byNamespace.set(namespace, inNamespace);
    }
    if (selector === null) inNamespace.delete(key);
    else inNamespace.set(key, selector);
    this.bump(namespace);
  }

  /** BiMultimap.DeleteSelector. */
  deleteSelector(key: string, namespace: string): void {
    if (!this.selectors.delete(key)) return;
    this.byNamespace.get(namespace)?.delete(key);
    this.bump(namespace);
  }

  version(namespace: string): number {
    return this.versions.get(namespace) ?? 0;
  }

  /** The other registered selectors in `namespace` that could select a pod `selector` selects. */
  overlapping(key: string, namespace: string, selector: LabelSelector): [string, LabelSelector][] {
    const out: [string, LabelSelector][] = [];
    const inNamespace = this.byNamespace.get(namespace);
    if (inNamespace === undefined) return out;
    for (const [other, otherSelector] of inNamespace) {
      if (other !== key && !selectorsDisjoint(selector, otherSelector)) out.push([other, otherSelector]);
    }
    return out;
  }

  private bump(namespace: string): void {
    this.versions.set(namespace, this.version(namespace) + 1);
  }
}

/**
 * One HPA's hpasControllingPodsUnderSelector, kept between syncs: the sorted keys of every
 * registered HPA whose selector matches one of `pods`, this one included.
 */
export class AmbiguityCheck {
  private version = -1;
  private candidates: [string, LabelSelector][] = [];
  private pods: readonly Pod[] | null = null;
  /** The sorted controlling HPAs when more than one, else null. */
  private answer: readonly string[] | null = null;

  constructor(private readonly key: string, private readonly namespace: string) {}

  /**
   * The HPAs controlling `pods` (listed by this HPA's own, registered, `selector`) when more than
   * one does, else null. Upstream returns them in Go map order; here they are sorted, so the
   * message is the same on every run.
   */
  multipleControllers(selectors: HpaSelectors, selector: LabelSelector, pods: readonly Pod[]): readonly string[] | null {
    const version = selectors.version(this.namespace);
    if (version !== this.version) {
      this.version = version;
      this.candidates = selectors.overlapping(this.key, this.namespace, selector);
      this.pods = null;
    }
    if (this.candidates.length === 0) return null;
    if (pods === this.pods) return this.answer;
    this.pods = pods;
    const controlling = new Set<string>();
    for (const pod of pods) {
      // This HPA's selector listed the pod, so it is one of the pod's HPAs.
      controlling.add(this.key);
      for (const [other, otherSelector] of this.candidates) {
        if (labelSelectorMatches(otherSelector, pod.metadata.labels)) controlling.add(other);
      }
    }
    this.answer = controlling.size > 1 ? [...controlling].sort() : null;
    return this.answer;
  }
}

/**
 * True when no label set can satisfy both selectors: they require different values for one key
 * (matchLabels against matchLabels, or a value one requires that the other's expression rules
 * out). Only used to skip selectors that cannot overlap, so "false" may still mean disjoint.
 */
export function selectorsDisjoint(a: LabelSelector, b: LabelSelector): boolean {
  if (validateLabelSelector(a) !== null || validateLabelSelector(b) !== null) return true; // selects nothing
  return excludes(a, b) || excludes(b, a);
}

function excludes(a: LabelSelector, b: LabelSelector): boolean {
  for (const key of Object.keys(a.matchLabels)) {
    const value = a.matchLabels[key];
    if (Object.prototype.hasOwnProperty.call(b.matchLabels, key) && b.matchLabels[key] !== value) return true;
    for (const r of b.matchExpressions) {
      if (r.key === key && !requirementAdmits(r, value)) return true;
    }
  }
  return false;
}

function requirementAdmits(r: LabelSelectorRequirement, value: string): boolean {
  switch (r.operator) {
    case "In":
      return r.values.includes(value);
    case "NotIn":
      return !r.values.includes(value);
    case "Exists":
      return true;
    case "DoesNotExist":
      return false;
  }
}

/**
 * labels.Selector.String() of metav1.LabelSelectorAsSelector(selector): what the scale
 * subresource's status.selector holds (apps/v1 scaleFromDeployment). Requirements sorted by key,
 * "k=v" for matchLabels, "k in (a,b)", "k notin (a,b)", "k", "!k", values sorted; "" for the
 * empty selector (labels.Everything()).
 */
export function formatLabelSelector(selector: LabelSelector): string {
  const requirements: [key: string, text: string][] = [];
  for (const key of Object.keys(selector.matchLabels)) requirements.push([key, `${key}=${selector.matchLabels[key]}`]);
  for (const r of selector.matchExpressions) {
    const values = [...r.values].sort().join(",");
    const text =
      r.operator === "In" ? `${r.key} in (${values})`
      : r.operator === "NotIn" ? `${r.key} notin (${values})`
      : r.operator === "Exists" ? r.key
      : `!${r.key}`;
    requirements.push([r.key, text]);
  }
  requirements.sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  return requirements.map((r) => r[1]).join(",");
}
