/**
 * Volumes of StatefulSet pods on a zoned cluster: the volume controller provisions each claim
 * (WaitForFirstConsumer: in the zone of the node the pod was bound to; Immediate: in a zone
 * ChooseZoneForVolume picks among the class's allowedTopologies) and the scheduler's VolumeBinding
 * filter keeps a pod whose claim is bound to nodes where its volume can attach.
 */
import t from "tap";
import type { NewObject } from "../../../models/cluster/store.js";
import type { Node, PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from "../../../models/cluster/types.js";
import { chooseZoneForVolume, ZONE_LABEL } from "../../../models/volume/storage-class.js";
import { cluster, statefulSet } from "./fixtures.js";

const ZONED = [{ name: "a", count: 1, zone: "zone-a" }, { name: "b", count: 1, zone: "zone-b" }];

function storageClass(name: string, mode: StorageClass["volumeBindingMode"], allowedZones: string[]): NewObject<StorageClass> {
  return { kind: "StorageClass", metadata: { name, namespace: "" }, provisioner: "pd.csi.storage.gke.io", volumeBindingMode: mode, reclaimPolicy: "Delete", allowedZones };
}

const volumeZoneOf = (c: ReturnType<typeof cluster>, claim: string): string => {
  const pvc = c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", claim)!;
  return c.store.get<PersistentVolume>("PersistentVolume", "", pvc.spec.volumeName)!.metadata.labels[ZONE_LABEL];
};
const nodeZoneOf = (c: ReturnType<typeof cluster>, pod: string): string => {
  const node = c.store.get<Node>("Node", "", c.store.get<Pod>("Pod", "default", pod)!.spec.nodeName)!;
  return node.metadata.labels[ZONE_LABEL];
};

t.test("WaitForFirstConsumer: the volume is created in the pod's zone, and the recreated pod stays there", (t) => {
  const c = cluster([statefulSet("web", 1)], ZONED);
  c.run(60_000);
  const zone = nodeZoneOf(c, "web-0");
  t.equal(volumeZoneOf(c, "data-web-0"), zone, "volume provisioned in the zone of the selected node");
  // Cordon the pod's node and delete the pod: the other zone's node is free, but the volume
  // cannot attach there, so the new web-0 waits.
  const home = c.store.get<Node>("Node", "", c.store.get<Pod>("Pod", "default", "web-0")!.spec.nodeName)!;
  home.spec.unschedulable = true;
  c.store.update(home);
  const pod = c.store.get<Pod>("Pod", "default", "web-0")!;
  pod.metadata.deletionTimestamp_ms = c.sim.now_ms;
  c.store.update(pod);
  c.run(c.sim.now_ms + 60_000);
  const again = c.store.get<Pod>("Pod", "default", "web-0")!;
  t.equal(again.spec.nodeName, "", "the new web-0 is not scheduled in the other zone");
  const csv = c.events.recorder.toCsv();
  t.match(csv, /FailedScheduling,"?0\/2 nodes are available: 1 node\(s\) had volume node affinity conflict, 1 node\(s\) were unschedulable/);
  home.spec.unschedulable = false;
  c.store.update(home);
  c.run(c.sim.now_ms + 60_000);
  t.equal(c.store.get<Pod>("Pod", "default", "web-0")!.spec.nodeName, home.metadata.name, "back on its volume's node once it is schedulable");
  t.end();
});

t.test("Immediate with allowedTopologies: bound before scheduling, the pod follows its volume", (t) => {
  const set = statefulSet("web", 2);
  set.spec.volumeClaimTemplates[0].spec.storageClassName = "zonal";
  const c = cluster([storageClass("zonal", "Immediate", ["zone-b"]), set], ZONED);
  c.run(120_000);
  for (const i of [0, 1]) {
    t.equal(volumeZoneOf(c, `data-web-${i}`), "zone-b");
    t.equal(nodeZoneOf(c, `web-${i}`), "zone-b", `web-${i} runs in its volume's zone`);
  }
  t.end();
});

t.test("a claim naming a missing StorageClass stays Pending and its pod unschedulable", (t) => {
  const set = statefulSet("web", 1);
  set.spec.volumeClaimTemplates[0].spec.storageClassName = "nope";
  const c = cluster([set], ZONED);
  c.run(60_000);
  t.equal(c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "data-web-0")!.status.phase, "Pending");
  t.equal(c.store.get<Pod>("Pod", "default", "web-0")!.spec.nodeName, "");
  const csv = c.events.recorder.toCsv();
  t.match(csv, /ProvisioningFailed,"?storageclass.storage.k8s.io ""nope"" not found/);
  t.match(csv, /FailedScheduling,0\/2 nodes are available: pod has unbound immediate PersistentVolumeClaims\.\n/, "PreFilter's message, as upstream");
  t.end();
});

t.test("ChooseZoneForVolume spreads a set's ordinals round-robin over the sorted zones", (t) => {
  const zones = ["zone-c", "zone-a", "zone-b"];
  const picked = [0, 1, 2, 3].map((i) => chooseZoneForVolume(zones, `data-web-${i}`));
  t.equal(new Set(picked.slice(0, 3)).size, 3, "three ordinals, three zones");
  t.equal(picked[3], picked[0], "the fourth wraps around");
  t.equal(chooseZoneForVolume(zones, "logs-web-1"), picked[1], "another claim of the same member: same zone");
  t.equal(chooseZoneForVolume([], "data-web-0"), "");
  t.end();
});

t.test("a standalone claim: Immediate binds at once, WaitForFirstConsumer waits for a pod", (t) => {
  const claim = (name: string, storageClassName: string): NewObject<PersistentVolumeClaim> => ({
    kind: "PersistentVolumeClaim",
    metadata: { name },
    spec: { storageClassName, accessModes: ["ReadWriteOnce"], storage_bytes: 2 ** 30, volumeName: "" },
    status: { phase: "Pending" },
  });
  const c = cluster([storageClass("now", "Immediate", []), storageClass("later", "WaitForFirstConsumer", []), claim("a", "now"), claim("b", "later")], ZONED);
  c.run(1000);
  t.equal(c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "a")!.status.phase, "Bound");
  t.equal(volumeZoneOf(c, "a"), chooseZoneForVolume(["zone-a", "zone-b"], "a"), "Immediate: ChooseZoneForVolume over the nodes' zones");
  t.equal(c.store.get<PersistentVolumeClaim>("PersistentVolumeClaim", "default", "b")!.status.phase, "Pending");
  t.equal(c.events.count("persistentvolume-controller", "Normal", "WaitForFirstConsumer"), 1);
  t.end();
});
