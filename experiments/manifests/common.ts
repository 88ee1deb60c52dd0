/**
 * Codecs shared by every kind: object metadata, label selectors, quantities and int-or-percent.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from "../../models/cluster/types.js";
import { parseCpu_mcores, parseMemory_bytes, parseQuantity, QuantityError } from "../../models/cluster/quantity.js";
import { normalizeInt64, type Int64 } from "../../models/hpa/int64.js";
import { array, bad, checkedString, def, describe, leaf, ok, oneOf, req, str, stringMap, struct, type Codec } from "./codec.js";
import { isDNS1123Label, isLabelKey, isLabelValue } from "./validation.js";

// ---- quantities -------------------------------------------------------------------------------

const QUANTITY_HINT = "a quantity such as 500m, 2, 1.5Gi or 128Mi";

// Kubernetes stores quantities as int64 (CPU as millicores in use, memory as bytes); larger is a typo.
const MAX_INT64 = 2 ** 63 - 1;

function quantityLeaf<A>(name: string, parse: (q: string | number) => A, nonNegative: boolean, max?: { value: (a: A) => number; unit: string }): Codec<A> {
  return leaf(name, (u) => {
    if (typeof u !== "string" && typeof u !== "number") return bad(`expected ${QUANTITY_HINT}, got ${describe(u)}`);
    let base: number;
    try {
      base = parseQuantity(u);
    } catch (e) {
      if (e instanceof QuantityError) return bad(`expected ${QUANTITY_HINT}, got ${describe(u)}`);
      throw e;
    }
    // "1e400" parses to Infinity; no Kubernetes quantity is that large.
    if (!Number.isFinite(base)) return bad(`expected ${QUANTITY_HINT}, got ${describe(u)}`);
    // core/v1 validation ValidateResourceQuantityValue / ValidateNonnegativeQuantity.
    if (nonNegative && base < 0) return bad(`Invalid value: ${JSON.stringify(String(u))}: must be greater than or equal to 0`);
    const parsed = parse(u);
    if (max !== undefined && !(max.value(parsed) <= MAX_INT64)) return bad(`Invalid value: ${describe(u)}: must be at most 2^63-1 ${max.unit}`);
    return ok(parsed);
  });
}

/** A CPU quantity in millicores, rounded up as Quantity.MilliValue() does. */
export const cpuQuantity: Codec<number> = quantityLeaf("cpu quantity", parseCpu_mcores, true, { value: (m) => m, unit: "millicores" });
/** A memory quantity in bytes, rounded up as Quantity.Value() does. */
export const memoryQuantity: Codec<number> = quantityLeaf("memory quantity", parseMemory_bytes, true, { value: (b) => b, unit: "bytes" });

/**
 * A quantity's MilliValue() as an Int64 (HPA metric targets). parseCpu_mcores is apimachinery's
 * generic MilliValue (round up), not CPU-specific; values beyond 2^53 become bigint.
 */
export const milliQuantity: Codec<Int64> = quantityLeaf(
  "quantity",
  (q) => {
    const milli = parseCpu_mcores(q);
    return Number.isSafeInteger(milli) ? milli : normalizeInt64(BigInt(Math.round(milli)));
  },
  false,
);

/** A quantity as a plain number (HPAScalingRules.tolerance, e.g. "0.05" or 50m). */
export const plainQuantity: Codec<number> = quantityLeaf("quantity", (q) => parseQuantity(q), true);

/** intstr.IntOrString restricted to what Deployment strategies accept: an int ≥ 0 or "N%". */
export const intOrPercent: Codec<number | string> = leaf("int-or-percent", (u) => {
  if (typeof u === "number" && Number.isInteger(u) && u >= 0) return ok(u);
  // apps validation ValidatePositiveIntOrPercent + IsValidPercent: "[0-9]+%".
  if (typeof u === "string" && /^[0-9]+%$/.test(u)) return ok(u);
  return bad(`expected an integer ≥ 0 or a percentage such as "25%", got ${describe(u)}`);
});

// ---- metadata ---------------------------------------------------------------------------------

export const labels: Codec<Labels> = stringMap("labels", isLabelKey, isLabelValue);
// ValidateAnnotations checks keys as qualified names (lower-cased); values are free text.
export const annotations: Codec<Labels> = stringMap("annotations", (k) => isLabelKey(k.toLowerCase()), () => []);

export interface DecodedMeta {
  name: string;
  namespace: string;
  labels: Labels;
  annotations: Labels;
}

// metav1.ObjectMeta fields the API server sets or manages itself: a manifest saved with
// `kubectl get -o yaml` carries them, and create ignores or overwrites them, so they pass silently.
const SERVER_SET_META = ["uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "selfLink", "managedFields"];

/**
 * metav1.ObjectMeta of a top-level object. `nameCheck` is the kind's name validation
 * (NameIsDNSSubdomain for most kinds, NameIsDNS1035Label for Services). The namespace defaults to
 * "default", as kubectl's default context does.
 */
export function objectMeta(nameCheck: (name: string) => string[]): Codec<DecodedMeta> {
  return struct(
    "ObjectMeta",
    {
      // ValidateObjectMetaAccessor: "name or generateName is required"; kubesim does not generate names.
      name: req(checkedString("name", nameCheck), "Required value: name or generateName is required"),
      // ValidateNamespaceName = NameIsDNSLabel.
      namespace: def(checkedString("namespace", isDNS1123Label), () => "default"),
      labels: def(labels, () => ({})),
      annotations: def(annotations, () => ({})),
    },
    {
      unmodelled: ["generateName", "ownerReferences", "finalizers"],
      accepted: SERVER_SET_META,
      build: (f) => f,
    },
  );
}

/** The metadata of a pod template: only labels and annotations are used. */
export const templateMeta: Codec<{ labels: Labels; annotations: Labels }> = struct(
  "PodTemplateMeta",
  { labels: def(labels, () => ({})), annotations: def(annotations, () => ({})) },
  {
    unmodelled: ["name", "generateName", "namespace", "ownerReferences", "finalizers"],
    accepted: SERVER_SET_META,
    build: (f) => f,
  },
);

// ---- label selectors --------------------------------------------------------------------------

const labelSelectorRequirement: Codec<LabelSelectorRequirement> = struct(
  "LabelSelectorRequirement",
  {
    key: req(checkedString("key", isLabelKey)),
    operator: req(oneOf(["In", "NotIn", "Exists", "DoesNotExist"] as const)),
    values: def(array(str), () => []),
  },
  {
    // metav1 validation ValidateLabelSelectorRequirement.
    build: (f, ctx) => {
      if ((f.operator === "In" || f.operator === "NotIn") && f.values.length === 0) {
        ctx.error(["values"], "Required value: must be specified when `operator` is 'In' or 'NotIn'");
      }
      if ((f.operator === "Exists" || f.operator === "DoesNotExist") && f.values.length > 0) {
        ctx.error(["values"], "Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
      }
      return { key: f.key, operator: f.operator, values: f.values };
    },
  },
);

/** metav1.LabelSelector. */
export const labelSelector: Codec<LabelSelector> = struct(
  "LabelSelector",
  {
    matchLabels: def(labels, () => ({})),
    matchExpressions: def(array(labelSelectorRequirement), () => []),
  },
  { build: (f) => ({ matchLabels: f.matchLabels, matchExpressions: f.matchExpressions }) },
);

