/**
 * Node selector matching: port of k8s.io/component-helpers scheduling/corev1/nodeaffinity
 * nodeaffinity.go (LazyErrorNodeSelector, nodeSelectorTerm.match, PreferredSchedulingTerms,
 * GetRequiredNodeAffinity / RequiredNodeAffinity.Match) and of the label requirement semantics
 * it builds on (apimachinery pkg/labels selector.go NewRequirement validation and
 * Requirement.Matches, including Gt/Lt).
 *
 * Terms are parsed once per scheduling cycle (Gt/Lt thresholds become bigints), then matched
 * against each node's labels (and, for matchFields, its name) without allocating.
 */
import type { Labels, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from "../cluster/types.js";

interface ParsedRequirement {
  key: string;
  operator: NodeSelectorRequirement["operator"];
  values: readonly string[];
  /** Gt/Lt threshold. */
  threshold: bigint;
}

/** A parsed term: null requirements mean a parse error, and such a term matches nothing. */
export interface ParsedNodeSelectorTerm {
  requirements: ParsedRequirement[] | null;
  /** matchFields on metadata.name: [In or NotIn, the name]; empty when none. */
  nameRequirements: ReadonlyArray<readonly ["In" | "NotIn", string]>;
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

// strconv.ParseInt(s, 10, 64): optional sign then decimal digits, within int64.
function parseInt64(s: string): bigint | null {
  if (!/^[+-]?[0-9]+$/.test(s)) return null;
  const v = BigInt(s);
  return v < INT64_MIN || v > INT64_MAX ? null : v;
}

function hasLabel(labels: Labels, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

// labels.NewRequirement's operator/value checks (key and value syntax are the loader's job).
function parseRequirement(r: NodeSelectorRequirement): ParsedRequirement | null {
  switch (r.operator) {
    case "In":
    case "NotIn":
      return r.values.length === 0 ? null : { key: r.key, operator: r.operator, values: r.values, threshold: 0n };
    case "Exists":
    case "DoesNotExist":
      return r.values.length !== 0 ? null : { key: r.key, operator: r.operator, values: r.values, threshold: 0n };
    case "Gt":
    case "Lt": {
      if (r.values.length !== 1) return null;
      const threshold = parseInt64(r.values[0]);
      return threshold === null ? null : { key: r.key, operator: r.operator, values: r.values, threshold };
    }
    default:
      return null;
  }
}

/** nodeaffinity.go newNodeSelectorTerm via nodeSelectorRequirementsAsSelector. */
export function parseNodeSelectorTerm(term: NodeSelectorTerm): ParsedNodeSelectorTerm {
  const requirements: ParsedRequirement[] = [];
  for (const r of term.matchExpressions) {
    const parsed = parseRequirement(r);
    if (parsed === null) return { requirements: null, nameRequirements: [] };
    requirements.push(parsed);
  }
  // nodeSelectorRequirementsAsFieldSelector: metadata.name only, In or NotIn, one value.
  const nameRequirements: (readonly ["In" | "NotIn", string])[] = [];
  for (const r of term.matchFields ?? []) {
    if (r.key !== "metadata.name" || r.values.length !== 1 || (r.operator !== "In" && r.operator !== "NotIn")) return { requirements: null, nameRequirements: [] };
    nameRequirements.push([r.operator, r.values[0]]);
  }
  return { requirements, nameRequirements };
}

// labels selector.go Requirement.Matches.
function requirementMatches(r: ParsedRequirement, labels: Labels): boolean {
  switch (r.operator) {
    case "In":
      return hasLabel(labels, r.key) && r.values.includes(labels[r.key]);
    case "NotIn":
      return !hasLabel(labels, r.key) || !r.values.includes(labels[r.key]);
    case "Exists":
      return hasLabel(labels, r.key);
    case "DoesNotExist":
      return !hasLabel(labels, r.key);
    case "Gt":
    case "Lt": {
      if (!hasLabel(labels, r.key)) return false;
      const v = parseInt64(labels[r.key]);
      if (v === null) return false;
      return r.operator === "Gt" ? v > r.threshold : v < r.threshold;
    }
  }
}

/**
 * nodeaffinity.go nodeSelectorTerm.match: every requirement holds, on the node's labels and (for
 * matchFields) its name; a parse error never matches.
 */
export function nodeSelectorTermMatches(term: ParsedNodeSelectorTerm, labels: Labels, nodeName = ""): boolean {
  if (term.requirements === null) return false;
  for (const r of term.requirements) if (!requirementMatches(r, labels)) return false;
  for (const [operator, name] of term.nameRequirements) if ((nodeName === name) !== (operator === "In")) return false;
  return true;
}

// nodeaffinity.go isEmptyNodeSelectorTerm: no expressions and no fields.
function isEmptyNodeSelectorTerm(term: NodeSelectorTerm): boolean {
  return term.matchExpressions.length === 0 && (term.matchFields?.length ?? 0) === 0;
}

/**
 * nodeaffinity.go RequiredNodeAffinity: the pod's nodeSelector (all key=value pairs) AND its
 * required node affinity (terms ORed; empty terms dropped, so they select nothing).
 */
export interface RequiredNodeAffinity {
  /** nodeSelector entries, [key, value] pairs; null when the pod has none. */
  labelSelector: ReadonlyArray<readonly [string, string]> | null;
  /** null when the pod sets no required node affinity. */
  nodeSelector: ParsedNodeSelectorTerm[] | null;
}

/**
 * nodeaffinity.go GetRequiredNodeAffinity. An empty requiredTerms list is read as "not set": the
 * model has no separate nil, and the API rejects a required selector without terms.
 */
export function getRequiredNodeAffinity(pod: Pod): RequiredNodeAffinity {
  const keys = Object.keys(pod.spec.nodeSelector);
  const labelSelector = keys.length > 0 ? keys.map((k) => [k, pod.spec.nodeSelector[k]] as const) : null;
  const terms = pod.spec.nodeAffinity?.requiredTerms ?? [];
  let nodeSelector: ParsedNodeSelectorTerm[] | null = null;
  if (terms.length > 0) {
    nodeSelector = [];
    for (const t of terms) if (!isEmptyNodeSelectorTerm(t)) nodeSelector.push(parseNodeSelectorTerm(t));
  }
  return { labelSelector, nodeSelector };
}

/** nodeaffinity.go RequiredNodeAffinity.Match (parse errors ignored, as the plugin does). */
export function requiredNodeAffinityMatches(s: RequiredNodeAffinity, labels: Labels, nodeName = ""): boolean {
  if (s.labelSelector !== null) {
    for (const [k, v] of s.labelSelector) if (!hasLabel(labels, k) || labels[k] !== v) return false;
  }
  if (s.nodeSelector !== null) {
    for (const term of s.nodeSelector) if (nodeSelectorTermMatches(term, labels, nodeName)) return true;
    return false;
  }
  return true;
}

export interface ParsedPreferredTerm {
  term: ParsedNodeSelectorTerm;
  weight: number;
}

/**
 * nodeaffinity.go NewPreferredSchedulingTerms: zero-weight and empty terms are dropped; a term
 * with a parse error makes the whole list an error (returned as null, which fails PreScore).
 */
export function newPreferredSchedulingTerms(terms: readonly PreferredSchedulingTerm[]): ParsedPreferredTerm[] | null {
  const out: ParsedPreferredTerm[] = [];
  for (const t of terms) {
    if (t.weight === 0 || isEmptyNodeSelectorTerm(t.preference)) continue;
    const term = parseNodeSelectorTerm(t.preference);
    if (term.requirements === null) return null;
    out.push({ term, weight: t.weight });
  }
  return out;
}

/** nodeaffinity.go PreferredSchedulingTerms.Score: sum of the weights of the matching terms. */
export function preferredSchedulingTermsScore(terms: readonly ParsedPreferredTerm[], labels: Labels, nodeName = ""): number {
  let score = 0;
  for (const t of terms) if (nodeSelectorTermMatches(t.term, labels, nodeName)) score += t.weight;
  return score;
}
