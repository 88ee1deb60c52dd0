/**
 * Which StorageClass a PersistentVolumeClaim uses, and where a volume of it may be created.
 * Shared by the volume controller (binding, provisioning) and the scheduler's VolumeBinding
 * filter so both read one answer.
 */
import type { ClusterStore } from "../cluster/store.js";
import type { Node, PersistentVolumeClaim, StorageClass } from "../cluster/types.js";

/** storage/v1 IsDefaultStorageClassAnnotation. */
export const DEFAULT_STORAGE_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";
/** core/v1 LabelTopologyZone. */
export const ZONE_LABEL = "topology.kubernetes.io/zone";
/** The annotation the scheduler's VolumeBinding PreBind writes on a WaitForFirstConsumer claim. */
export const SELECTED_NODE_ANNOTATION = "volume.kubernetes.io/selected-node";

/**
 * The class kubesim uses when a claim names none and no class is marked default: the local-path
 * "standard" class of kind and minikube clusters (WaitForFirstConsumer, any zone), so manifests
 * written for such clusters bind as they do there.
 */
export const IMPLICIT_DEFAULT_CLASS: Readonly<Pick<StorageClass, "provisioner" | "volumeBindingMode" | "reclaimPolicy" | "allowedZones">> & { name: string } =
  Object.freeze({ name: "standard", provisioner: "rancher.io/local-path", volumeBindingMode: "WaitForFirstConsumer", reclaimPolicy: "Delete", allowedZones: [] });

export type ResolvedClass = Pick<StorageClass, "provisioner" | "volumeBindingMode" | "reclaimPolicy" | "allowedZones"> & { name: string };

/**
 * The claim's class: the named one, or (no name) the class annotated as default — the newest
 * when several are, as the DefaultStorageClass admission plugin picks — or the implicit default.
 * null when the claim names a class that does not exist (it stays Pending, as upstream).
 */
export function resolveStorageClass(store: ClusterStore, claim: PersistentVolumeClaim): ResolvedClass | null {
  const name = claim.spec.storageClassName;
  if (name !== null) {
    if (name === IMPLICIT_DEFAULT_CLASS.name && store.get<StorageClass>("StorageClass", "", name) === undefined && !hasDefaultClass(store)) return IMPLICIT_DEFAULT_CLASS;
    const sc = store.get<StorageClass>("StorageClass", "", name);
    return sc === undefined ? null : { name, ...pickClass(sc) };
  }
  let chosen: StorageClass | null = null;
  for (const sc of store.list<StorageClass>("StorageClass")) if (sc.metadata.annotations[DEFAULT_STORAGE_CLASS_ANNOTATION] === "true") chosen = sc;
  return chosen === null ? IMPLICIT_DEFAULT_CLASS : { name: chosen.metadata.name, ...pickClass(chosen) };
}

function hasDefaultClass(store: ClusterStore): boolean {
  return store.list<StorageClass>("StorageClass").some((sc) => sc.metadata.annotations[DEFAULT_STORAGE_CLASS_ANNOTATION] === "true");
}

function pickClass(sc: StorageClass): Omit<ResolvedClass, "name"> {
  return { provisioner: sc.provisioner, volumeBindingMode: sc.volumeBindingMode, reclaimPolicy: sc.reclaimPolicy, allowedZones: sc.allowedZones };
}

/** The zone label of a node, or "" when it has none. */
export function nodeZone(node: Node): string {
  return node.metadata.labels[ZONE_LABEL] ?? "";
}

/** FNV-1, 32 bit (hash/fnv New32), as ChooseZoneForVolume hashes. */
function fnv32(s: string): number {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(s)) {
    h = Math.imul(h, 0x01000193) >>> 0;
    h = (h ^ byte) >>> 0;
  }
  return h;
}

/**
 * k8s.io/cloud-provider/volume/helpers/zones.go ChooseZoneForVolume with
 * getPVCNameHashAndIndexOffset: a claim named like "<claim>-<set>-<ordinal>" goes to
 * sorted(zones)[(hash(<set>) + ordinal) % n], so a StatefulSet's volumes round-robin over the
 * zones; "" when there are no zones.
 */
export function chooseZoneForVolume(zones: readonly string[], pvcName: string): string {
  if (zones.length === 0) return "";
  let hashString = pvcName;
  let index = 0;
  const lastDash = pvcName.lastIndexOf("-");
  if (lastDash !== -1 && /^[0-9]+$/.test(pvcName.slice(lastDash + 1)) && Number(pvcName.slice(lastDash + 1)) <= 0xffffffff) {
    index = Number(pvcName.slice(lastDash + 1));
    hashString = pvcName.slice(0, lastDash);
    const innerDash = hashString.lastIndexOf("-");
    if (innerDash !== -1) hashString = hashString.slice(innerDash + 1);
  }
  const sorted = [...new Set(zones)].sort();
  return sorted[(fnv32(hashString) + index) % 2 ** 32 % sorted.length];
}
