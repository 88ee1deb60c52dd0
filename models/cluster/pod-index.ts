/**
 * Listing the pods a selector matches without walking every pod: the store indexes pods by
 * `namespace/key=value` for each label, a selector's first matchLabels pair picks the bucket,
 * and the full selector filters it. (Upstream listers walk a namespace index; at 5,000 pods and
 * 100 HPAs syncing every 15 s, the label bucket is what keeps this off the profile.)
 */
import type { ClusterStore } from "./store.js";
import type { LabelSelector, Labels, Pod } from "./types.js";
import { labelSelectorMatches, setSelectorMatches } from "./labels.js";

const LABEL_INDEX = "label";
const NAMESPACE_INDEX = "namespace";

export function ensurePodIndexes(store: ClusterStore): void {
  if (!store.hasIndex("Pod", LABEL_INDEX)) {
    store.addIndex<Pod>("Pod", LABEL_INDEX, (pod) => {
      // Indexed, not for…of over Object.entries: this runs at every write of every pod.
      const labels = pod.metadata.labels;
      const names = Object.keys(labels);
      const keys: string[] = new Array(names.length);
      for (let i = 0; i < names.length; i++) keys[i] = `${pod.metadata.namespace}/${names[i]}=${labels[names[i]]}`;
      return keys;
    });
  }
  if (!store.hasIndex("Pod", NAMESPACE_INDEX)) {
    store.addIndex<Pod>("Pod", NAMESPACE_INDEX, (pod) => [pod.metadata.namespace]);
  }
}

/** The index and bucket key whose pods a selector's answer is drawn from. */
function bucketOf(namespace: string, firstLabel: [string, string] | undefined): [index: string, key: string] {
  return firstLabel ? [LABEL_INDEX, `${namespace}/${firstLabel[0]}=${firstLabel[1]}`] : [NAMESPACE_INDEX, namespace];
}

function candidates(store: ClusterStore, namespace: string, firstLabel: [string, string] | undefined): ReadonlySet<Pod> {
  ensurePodIndexes(store);
  const [index, key] = bucketOf(namespace, firstLabel);
  return store.byIndex<Pod>("Pod", index, key);
}

/** Pods in `namespace` matching a LabelSelector, in store order. */
export function selectPods(store: ClusterStore, namespace: string, selector: LabelSelector): Pod[] {
  const out: Pod[] = [];
  for (const pod of candidates(store, namespace, Object.entries(selector.matchLabels)[0])) {
    if (labelSelectorMatches(selector, pod.metadata.labels)) out.push(pod);
  }
  return out;
}

/**
 * One reader's `selectPods` answer kept between calls: recomputed only when the selector object,
 * the namespace or the index bucket it reads changed (a pod entered, left or was updated; see
 * ClusterStore.indexVersion). An HPA syncing every 15 s over a Deployment that did not change
 * then reuses its list (and whatever it derived from it) instead of filtering the bucket again.
 * Selectors are compared by identity: a workload's selector is immutable once created.
 */
export class PodSelection {
  pods: Pod[] = [];
  /** The pods' names, in the same order. */
  names: string[] = [];
  private selector: LabelSelector | null = null;
  private namespace = "";
  private index = "";
  private key = "";
  private version = -1;

  /** Brings `pods` and `names` up to date; returns whether they changed (new arrays). */
  refresh(store: ClusterStore, namespace: string, selector: LabelSelector): boolean {
    ensurePodIndexes(store);
    if (selector !== this.selector || namespace !== this.namespace) {
      [this.index, this.key] = bucketOf(namespace, Object.entries(selector.matchLabels)[0]);
      this.selector = selector;
      this.namespace = namespace;
      this.version = -1;
    }
    const version = store.indexVersion("Pod", this.index, this.key);
    if (version === this.version) return false;
    this.version = version;
    this.pods = selectPods(store, namespace, selector);
    this.names = this.pods.map((p) => p.metadata.name);
    return true;
  }
}

/** Pods in `namespace` matching a set-based selector (a Service's spec.selector). */
export function selectPodsBySet(store: ClusterStore, namespace: string, set: Labels): Pod[] {
  const out: Pod[] = [];
  const keys = Object.keys(set);
  for (const pod of candidates(store, namespace, keys.length === 0 ? undefined : [keys[0], set[keys[0]]])) {
    if (setSelectorMatches(set, pod.metadata.labels, keys)) out.push(pod);
  }
  return out;
}
