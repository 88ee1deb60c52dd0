/**
 * Port of the placement half of framework/plugins/volumebinding (volume_binding.go PreFilter /
 * Filter with binder.go FindPodVolumes: checkBoundClaims and checkVolumeProvisions): a pod whose
 * claim is bound can run only on nodes its volume's nodeAffinity admits, and an unbound
 * WaitForFirstConsumer claim only where its class may provision (allowedTopologies).
 * Claims, volumes and classes are read from the store (the plugin's PVC/PV/StorageClass
 * listers). Not modelled: static volume matching, capacity, the PreBind write (see
 * models/volume/pv-controller.ts) and the Score extension.
 */
import type { PersistentVolume, PersistentVolumeClaim, Pod } from "../../cluster/types.js";
import type { ClusterStore } from "../../cluster/store.js";
import { resolveStorageClass, ZONE_LABEL } from "../../volume/storage-class.js";
import type { NodeInfo } from "../node-info.js";
import { nodeSelectorTermMatches, parseNodeSelectorTerm, type ParsedNodeSelectorTerm } from "../node-selector.js";
import { newStatus, SUCCESS, type Status } from "../status.js";

export const VOLUME_BINDING = "VolumeBinding";
/** volume_binding.go ErrReasonNodeConflict. */
export const ERR_REASON_NODE_CONFLICT = "node(s) had volume node affinity conflict";
/** volume_binding.go ErrReasonBindConflict. */
export const ERR_REASON_BIND_CONFLICT = "node(s) didn't find available persistent volumes to bind";
/** volume_binding.go ErrReasonUnboundImmediatePVC... as podHasPVCs / PreFilter words it. */
export const ERR_REASON_UNBOUND_IMMEDIATE = "pod has unbound immediate PersistentVolumeClaims";

/** PreFilter's state: the bound volumes' node affinities and the zones unbound claims allow. */
export interface VolumeBindingState {
  /** A PreFilter rejection (missing or unbound Immediate claim): schedulePod stops at it. */
  rejection: Status | null;
  /** Per bound claim: its volume's required terms (ORed); empty list = attaches anywhere. */
  boundTerms: ParsedNodeSelectorTerm[][];
  /** Per unbound WaitForFirstConsumer claim with allowedTopologies: the zones it may use. */
  provisionZones: string[][];
}

/** VolumeBinding.PreFilter: null = Skip (the pod has no PersistentVolumeClaim volumes). */
export function volumeBindingPreFilter(pod: Pod, store: ClusterStore | undefined): VolumeBindingState | null {
  const volumes = pod.spec.volumes;
  if (store === undefined || volumes === undefined || volumes.length === 0) return null;
  const state: VolumeBindingState = { rejection: null, boundTerms: [], provisionZones: [] };
  for (const volume of volumes) {
    const claimName = volume.persistentVolumeClaim.claimName;
    const claim = store.get<PersistentVolumeClaim>("PersistentVolumeClaim", pod.metadata.namespace, claimName);
    if (claim === undefined) {
      state.rejection = newStatus("UnschedulableAndUnresolvable", VOLUME_BINDING, `persistentvolumeclaim "${claimName}" not found`);
      return state;
    }
    if (claim.spec.volumeName !== "") {
      const pv = store.get<PersistentVolume>("PersistentVolume", "", claim.spec.volumeName);
      state.boundTerms.push(pv?.spec.nodeAffinity?.map(parseNodeSelectorTerm) ?? []);
      continue;
    }
    const sc = resolveStorageClass(store, claim);
    if (sc === null || sc.volumeBindingMode === "Immediate") {
      state.rejection = newStatus("UnschedulableAndUnresolvable", VOLUME_BINDING, ERR_REASON_UNBOUND_IMMEDIATE);
      return state;
    }
    if (sc.allowedZones.length > 0) state.provisionZones.push(sc.allowedZones);
  }
  return state;
}

/** VolumeBinding.Filter (never reached after a PreFilter rejection). */
export function volumeBindingFilter(state: VolumeBindingState, nodeInfo: NodeInfo): Status {
  const labels = nodeInfo.node.metadata.labels;
  for (const terms of state.boundTerms) {
    if (terms.length > 0 && !terms.some((t) => nodeSelectorTermMatches(t, labels))) {
      return newStatus("UnschedulableAndUnresolvable", VOLUME_BINDING, ERR_REASON_NODE_CONFLICT);
    }
  }
  for (const zones of state.provisionZones) {
    if (!zones.includes(labels[ZONE_LABEL] ?? "")) return newStatus("UnschedulableAndUnresolvable", VOLUME_BINDING, ERR_REASON_BIND_CONFLICT);
  }
  return SUCCESS;
}
