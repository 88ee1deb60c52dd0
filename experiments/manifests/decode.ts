/**
 * Loads ordinary Kubernetes manifests (what a user applies with kubectl) into kubesim's typed
 * objects, as the API server would store them after defaulting, conversion and validation.
 *
 * Pipeline (small typed stages, each testable alone):
 *   text -> yaml.ts (documents + line map, syntax errors)
 *        -> per document: apiVersion/kind dispatch -> io-ts codec per kind (decode, default,
 *           validate, convert) -> NewObject for the store
 *        -> diagnostics with file:line and the field path in YAML terms.
 *
 * Bad user input never throws: every problem of a file comes back at once as a Diagnostic.
 */
import type { NewObject, StoredObject } from "../../models/cluster/store.js";
import { runDecoder, describe, isPlainObject, type Codec, type Issue } from "./codec.js";
import { formatPath, type Diagnostic, type PathSegment } from "./diagnostics.js";
import path from "node:path";
import { readInputFile } from "./input-file.js";
import { cronJobCodec, jobCodec } from "./batch.js";
import { hpaV1Codec, hpaV2Codec } from "./hpa.js";
import { ingressCodec } from "./ingress.js";
import { limitRangeCodec, namespaceCodec, podDisruptionBudgetCodec, resourceQuotaCodec } from "./policy.js";
import { podCodec } from "./pod.js";
import { serviceCodec } from "./service.js";
import { persistentVolumeClaimCodec, storageClassCodec } from "./storage.js";
import { vpaCodec } from "./vpa.js";
import { scaledJobCodec, scaledObjectCodec } from "./keda.js";
import { customResourceCodec, inertCodec, INERT_KINDS, isCustomResourceVersion } from "./inert.js";
import { daemonSetCodec, deploymentCodec, replicaSetCodec, replicationControllerCodec, statefulSetCodec } from "./workloads.js";
import { parseManifestYaml, type ManifestDocument } from "./yaml.js";

export { formatDiagnostic, type Diagnostic } from "./diagnostics.js";

export interface ManifestLoadResult {
  /** Valid objects in file order, ready for `ClusterStore.create`. */
  objects: NewObject<StoredObject>[];
  warnings: Diagnostic[];
  errors: Diagnostic[];
}

/** kind -> apiVersion -> codec: the kinds and versions kubesim reads. */
const CODECS: ReadonlyMap<string, ReadonlyMap<string, Codec<NewObject<StoredObject>>>> = new Map<string, ReadonlyMap<string, Codec<NewObject<StoredObject>>>>([
  ["Deployment", new Map([["apps/v1", deploymentCodec]])],
  ["ReplicaSet", new Map([["apps/v1", replicaSetCodec]])],
  ["StatefulSet", new Map([["apps/v1", statefulSetCodec]])],
  ["DaemonSet", new Map([["apps/v1", daemonSetCodec]])],
  ["ReplicationController", new Map([["v1", replicationControllerCodec]])],
  ["PersistentVolumeClaim", new Map([["v1", persistentVolumeClaimCodec]])],
  ["StorageClass", new Map([["storage.k8s.io/v1", storageClassCodec]])],
  ["Job", new Map([["batch/v1", jobCodec]])],
  ["CronJob", new Map([["batch/v1", cronJobCodec]])],
  ["Pod", new Map([["v1", podCodec]])],
  ["Service", new Map([["v1", serviceCodec]])],
  ["Ingress", new Map([["networking.k8s.io/v1", ingressCodec]])],
  ["Namespace", new Map([["v1", namespaceCodec]])],
  ["ResourceQuota", new Map([["v1", resourceQuotaCodec]])],
  ["LimitRange", new Map([["v1", limitRangeCodec]])],
  ["PodDisruptionBudget", new Map([["policy/v1", podDisruptionBudgetCodec]])],
  [
    "HorizontalPodAutoscaler",
    new Map([
      ["autoscaling/v2", hpaV2Codec],
      ["autoscaling/v1", hpaV1Codec],
    ]),
  ],
  ["VerticalPodAutoscaler", new Map([["autoscaling.k8s.io/v1", vpaCodec]])],
  ["ScaledObject", new Map([["keda.sh/v1alpha1", scaledObjectCodec]])],
  ["ScaledJob", new Map([["keda.sh/v1alpha1", scaledJobCodec]])],
  ...INERT_KINDS.map(([kind, version, content]) => [kind, new Map([[version, inertCodec(kind, content)]])] as const),
]);

/** The API groups of the kinds kubesim models: their other kinds are unmodelled, not custom resources. */
const MODELLED_GROUPS: ReadonlySet<string> = new Set([...CODECS.values()].flatMap((versions) => [...versions.keys()].filter((v) => v.includes("/")).map((v) => v.slice(0, v.indexOf("/")))));

// kubectl's List wrapper (`kubectl get -o yaml` of several objects) nests at most once in practice.
const MAX_LIST_DEPTH = 4;

/** Decodes the manifests in `text`; `fileName` is used in diagnostics only. */
export function loadManifestText(text: string, fileName: string): ManifestLoadResult {
  const parsed = parseManifestYaml(text, fileName);
  const out = new FileDecoder(fileName);
  out.errors.push(...parsed.errors);
  out.warnings.push(...parsed.warnings);
  for (const doc of parsed.documents) out.decodeObject(doc, doc.value, [], 0);
  // File order reads best; Array.prototype.sort is stable, so one line keeps decode order.
  const byLine = (a: Diagnostic, b: Diagnostic) => a.line - b.line;
  return { objects: out.objects, warnings: out.warnings.sort(byLine), errors: out.errors.sort(byLine) };
}

/**
 * Decodes one object already read from YAML (and perhaps patched) without a line map: diagnostics
 * carry line 0 and the field path, for the caller to place in its file.
 */
export function loadManifestValue(value: unknown, fileName: string): ManifestLoadResult {
  const out = new FileDecoder(fileName);
  const unplaced: ManifestDocument = { index: 0, value, startLine: 0, lineOf: () => 0 };
  out.decodeObject(unplaced, value, [], 0);
  return { objects: out.objects, warnings: out.warnings, errors: out.errors };
}

/** Reads and decodes a manifest file; an unreadable file is one error naming it. */
export function loadManifestFile(path: string): ManifestLoadResult {
  const read = readInputFile(path);
  if ("reason" in read) return { objects: [], warnings: [], errors: [{ file: path, line: 0, path: "", message: `cannot read manifest file: ${read.reason}` }] };
  return loadManifestText(read.text, path);
}

class FileDecoder {
  readonly objects: NewObject<StoredObject>[] = [];
  readonly warnings: Diagnostic[] = [];
  readonly errors: Diagnostic[] = [];
  /** kind/namespace/name -> line, to catch objects the store would reject as AlreadyExists. */
  private readonly defined = new Map<string, number>();

  constructor(private readonly file: string) {}

  decodeObject(doc: ManifestDocument, value: unknown, base: PathSegment[], depth: number): void {
    const at = (path: PathSegment[]): Diagnostic => ({ file: this.file, line: doc.lineOf([...base, ...path]), path: formatPath([...base, ...path]), message: "" });
    if (!isPlainObject(value)) {
      this.errors.push({ ...at([]), line: base.length === 0 ? doc.startLine : doc.lineOf(base), message: `expected a Kubernetes object (a map with apiVersion and kind), got ${describe(value)}` });
      return;
    }
    const { apiVersion, kind } = value;
    let header = true;
    for (const [key, v] of [["apiVersion", apiVersion], ["kind", kind]] as const) {
      if (v === undefined || v === null || v === "") {
        this.errors.push({ ...at([key]), message: "Required value" });
        header = false;
      } else if (typeof v !== "string") {
        this.errors.push({ ...at([key]), message: `expected a string, got ${describe(v)}` });
        header = false;
      }
    }
    if (!header) return;
    const kindName = kind as string;
    const version = apiVersion as string;

    if (kindName === "List" && version === "v1") {
      if (!Array.isArray(value.items)) {
        this.errors.push({ ...at(["items"]), message: `expected a list, got ${describe(value.items)}` });
        return;
      }
      if (depth >= MAX_LIST_DEPTH) {
        this.errors.push({ ...at([]), message: `Lists nested deeper than ${MAX_LIST_DEPTH} are not supported` });
        return;
      }
      value.items.forEach((item, i) => this.decodeObject(doc, item, [...base, "items", i], depth + 1));
      return;
    }

    const versions = CODECS.get(kindName);
    if (kindName === "Kustomization") {
      // A kustomization.yaml lists the manifests; it is not one. kubectl builds the result.
      const dir = path.dirname(this.file);
      this.errors.push({ ...at(["kind"]), message: `a Kustomization is not a manifest: run \`kubectl kustomize ${dir} > out.yaml\` and list out.yaml in manifests` });
      return;
    }
    if (versions === undefined && !isCustomResourceVersion(version, MODELLED_GROUPS)) {
      this.warnings.push({ ...at(["kind"]), message: `kind ${kindName} is not modelled yet; ignored` });
      return;
    }
    const codec = versions === undefined ? customResourceCodec(kindName, version) : versions.get(version);
    if (codec === undefined) {
      // kubectl's RESTMapper error for a removed or unknown version (e.g. extensions/v1beta1).
      const supported = [...versions!.keys()].join(", ");
      this.errors.push({ ...at(["apiVersion"]), message: `no matches for kind "${kindName}" in version "${version}" (kubesim reads ${supported})` });
      return;
    }

    const result = runDecoder(codec, value);
    const toDiagnostic = (issue: Issue): Diagnostic => ({ ...at(issue.path), message: issue.message });
    for (const issue of result.errors) this.errors.push(toDiagnostic(issue));
    // Every occurrence; printing summarises alike ones (experiments/commands/warnings.ts).
    for (const issue of result.warnings) this.warnings.push(toDiagnostic(issue));
    if (result.value === null) return;

    const object = result.value;
    const namespace = object.metadata.namespace ?? "default";
    const key = `${object.kind}/${namespace}/${object.metadata.name}`;
    const nameAt = at(["metadata", "name"]);
    const previous = this.defined.get(key);
    if (previous !== undefined) {
      this.errors.push({ ...nameAt, message: `Duplicate value: ${object.kind} "${namespace}/${object.metadata.name}" is already defined at line ${previous}` });
      return;
    }
    this.defined.set(key, nameAt.line);
    this.objects.push(object);
  }

}
