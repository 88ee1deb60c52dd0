/**
 * Binding and dynamic provisioning of PersistentVolumeClaims: the parts of
 * pkg/controller/volume/persistentvolume/pv_controller.go (syncUnboundClaim, provisionClaim,
 * bindVolumeToClaim, reclaimVolume) and of the external provisioner that decide when a claim is
 * bound and in which zone its volume lives.
 *
 * - Immediate classes provision as soon as the claim exists, in the zone ChooseZoneForVolume
 *   picks among the class's allowed zones (or the zones of the cluster's nodes).
 * - WaitForFirstConsumer classes provision once a pod using the claim is bound to a node, in that
 *   node's zone. Upstream the scheduler's VolumeBinding PreBind writes the selected-node
 *   annotation before binding the pod; here the controller writes it when it sees the pod bound
 *   (the same virtual instant).
 * - A deleted claim's volume is deleted (reclaimPolicy Delete) or Released (Retain).
 * A bound volume never moves: a pod recreated for the claim can only run where it can attach
 * (the scheduler's VolumeBinding filter). Not modelled: capacity, access modes, static volumes.
 */
import type { Simulation } from "../../engine/index.js";
import type { EventLog } from "../cluster/events.js";
import type { ClusterStore, WatchEventType } from "../cluster/store.js";
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod } from "../cluster/types.js";
import { chooseZoneForVolume, nodeZone, resolveStorageClass, SELECTED_NODE_ANNOTATION, ZONE_LABEL, type ResolvedClass } from "./storage-class.js";

export const PV_CONTROLLER_COMPONENT = "persistentvolume-controller";

export class PersistentVolumeController {
  provisioned = 0;

  constructor(
    private readonly sim: Simulation,
    private readonly store: ClusterStore,
    private readonly events: EventLog,
  ) {
    store.watch<PersistentVolumeClaim>("PersistentVolumeClaim", (type, claim) => this.onClaim(type, claim));
    store.watch<Pod>("Pod", (type, pod) => this.onPod(type, pod));
  }

  private onClaim(type: WatchEventType, claim: PersistentVolumeClaim): void {
    if (type === "DELETED") {
      this.reclaimVolume(claim);
      return;
    }
    if (this.store.get("PersistentVolumeClaim", claim.metadata.namespace, claim.metadata.name) !== claim) return;
    this.syncUnboundClaim(claim);
  }

  // A pod bound to a node selects that node for its unbound WaitForFirstConsumer claims.
  private onPod(type: WatchEventType, pod: Pod): void {
    if (type === "DELETED" || pod.spec.nodeName === "" || pod.spec.volumes === undefined) return;
    for (const volume of pod.spec.volumes) {
      const claim = this.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", pod.metadata.namespace, volume.persistentVolumeClaim.claimName);
      if (claim === undefined || claim.spec.volumeName !== "" || claim.metadata.annotations[SELECTED_NODE_ANNOTATION] !== undefined) continue;
      // The claim's MODIFIED event provisions it (syncUnboundClaim).
      claim.metadata.annotations[SELECTED_NODE_ANNOTATION] = pod.spec.nodeName;
      this.store.update(claim);
    }
  }

  /** pv_controller.go syncUnboundClaim for dynamically provisioned claims. */
  private syncUnboundClaim(claim: PersistentVolumeClaim): void {
    if (claim.spec.volumeName !== "") return;
    const sc = resolveStorageClass(this.store, claim);
    if (sc === null) {
      // pv_controller.go provisionClaimOperation's event for a missing class.
      this.events.emit(this.sim.now_ms, PV_CONTROLLER_COMPONENT, "PersistentVolumeClaim", claim.metadata.name, "Warning", "ProvisioningFailed",
        `storageclass.storage.k8s.io "${claim.spec.storageClassName}" not found`);
      return;
    }
    if (sc.volumeBindingMode === "Immediate") {
      this.provisionClaim(claim, sc, chooseZoneForVolume(sc.allowedZones.length > 0 ? sc.allowedZones : this.clusterZones(), claim.metadata.name));
      return;
    }
    const selected = claim.metadata.annotations[SELECTED_NODE_ANNOTATION];
    if (selected === undefined) {
      this.events.emit(this.sim.now_ms, PV_CONTROLLER_COMPONENT, "PersistentVolumeClaim", claim.metadata.name, "Normal", "WaitForFirstConsumer",
        "waiting for first consumer to be created before binding");
      return;
    }
    const node = this.store.get<Node>("Node", "", selected);
    this.provisionClaim(claim, sc, node === undefined ? "" : nodeZone(node));
  }

  // provisionClaimOperation + bindVolumeToClaim: a volume "pvc-<claim uid>" in `zone` ("" = no
  // topology: attaches anywhere), bound to the claim.
  private provisionClaim(claim: PersistentVolumeClaim, sc: ResolvedClass, zone: string): void {
    const name = `pvc-${claim.metadata.uid}`;
    this.store.create<PersistentVolume>({
      kind: "PersistentVolume",
      metadata: { name, namespace: "", labels: zone === "" ? {} : { [ZONE_LABEL]: zone } },
      spec: {
        storage_bytes: claim.spec.storage_bytes,
        storageClassName: sc.name,
        claimRef: { namespace: claim.metadata.namespace, name: claim.metadata.name, uid: claim.metadata.uid },
        nodeAffinity: zone === "" ? null : [{ matchExpressions: [{ key: ZONE_LABEL, operator: "In", values: [zone] }] }],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy,
      },
      status: { phase: "Bound" },
    });
    claim.spec.volumeName = name;
    claim.status.phase = "Bound";
    this.store.update(claim);
    this.provisioned++;
    this.events.emit(this.sim.now_ms, sc.provisioner, "PersistentVolumeClaim", claim.metadata.name, "Normal", "ProvisioningSucceeded",
      `Successfully provisioned volume ${name}`);
  }

  // reclaimVolume: Delete removes the volume; Retain keeps it Released.
  private reclaimVolume(claim: PersistentVolumeClaim): void {
    if (claim.spec.volumeName === "") return;
    const pv = this.store.get<PersistentVolume>("PersistentVolume", "", claim.spec.volumeName);
    if (pv === undefined) return;
    if (pv.spec.persistentVolumeReclaimPolicy === "Delete") {
      this.store.delete("PersistentVolume", "", pv.metadata.name);
    } else {
      pv.status.phase = "Released";
      this.store.update(pv);
    }
  }

  private clusterZones(): string[] {
    const zones = new Set<string>();
    for (const node of this.store.list<Node>("Node", "")) {
      const zone = nodeZone(node);
      if (zone !== "") zones.add(zone);
    }
    return [...zones];
  }
}
