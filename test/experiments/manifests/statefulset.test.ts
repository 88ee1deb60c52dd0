// StatefulSet, ReplicationController, PersistentVolumeClaim and StorageClass manifests: the API
// defaults, and bad input as a diagnostic with file:line and the field.
import t from "tap";
import { formatDiagnostic, loadManifestText } from "../../../experiments/manifests/decode.js";
import type { PersistentVolumeClaim, ReplicationController, StatefulSet, StorageClass } from "../../../models/cluster/types.js";

const WEB = `apiVersion: v1
kind: Service
metadata: {name: nginx}
spec:
  clusterIP: None
  selector: {app: nginx}
  ports: [{port: 80, name: web}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.8
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
`;

t.test("the course-notes StatefulSet loads with upstream's defaults", async (t) => {
  const r = loadManifestText(WEB, "web.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings, []);
  const set = r.objects[1] as unknown as StatefulSet;
  t.equal(set.kind, "StatefulSet");
  t.equal(set.spec.serviceName, "nginx");
  t.equal(set.spec.podManagementPolicy, "OrderedReady");
  t.same(set.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
  t.same(set.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: "Retain", whenScaled: "Retain" });
  t.same(set.spec.volumeClaimTemplates, [
    { metadata: { name: "www", labels: {}, annotations: {} }, spec: { storageClassName: null, accessModes: ["ReadWriteOnce"], storage_bytes: 2 ** 30, volumeName: "" } },
  ]);
});

t.test("ReplicationController: map selector, defaults from the template", async (t) => {
  const r = loadManifestText(`apiVersion: v1
kind: ReplicationController
metadata: {name: redis-master}
spec:
  template:
    metadata: {labels: {app: redis, role: master}}
    spec:
      containers: [{name: master, image: redis}]
`, "guestbook.yaml");
  t.strictSame(r.errors, []);
  const rc = r.objects[0] as unknown as ReplicationController;
  t.equal(rc.spec.replicas, 1);
  t.same(rc.spec.selector, { matchLabels: { app: "redis", role: "master" }, matchExpressions: [] }, "selector defaults to the template labels");
  t.same(rc.metadata.labels, { app: "redis", role: "master" }, "labels default to the template labels");
});

t.test("PersistentVolumeClaim and StorageClass", async (t) => {
  const r = loadManifestText(`apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: zonal}
provisioner: pd.csi.storage.gke.io
volumeBindingMode: WaitForFirstConsumer
allowedTopologies:
- matchLabelExpressions:
  - {key: topology.kubernetes.io/zone, values: [us-central1-a, us-central1-b]}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data}
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: zonal
  resources: {requests: {storage: 10Gi}}
`, "storage.yaml");
  t.strictSame(r.errors, []);
  const sc = r.objects[0] as unknown as StorageClass;
  t.equal(sc.metadata.namespace, "", "cluster-scoped");
  t.equal(sc.reclaimPolicy, "Delete");
  t.same(sc.allowedZones, ["us-central1-a", "us-central1-b"]);
  const pvc = r.objects[1] as unknown as PersistentVolumeClaim;
  t.same(pvc.spec, { storageClassName: "zonal", accessModes: ["ReadWriteOnce"], storage_bytes: 10 * 2 ** 30, volumeName: "" });
  t.same(pvc.status, { phase: "Pending" });
});

t.test("bad input: file:line and field", async (t) => {
  const cases: { name: string; edit: (s: string) => string; errors: string[]; warnings?: string[] }[] = [
    {
      name: "no serviceName: accepted upstream since kubernetes#130233, so a warning",
      edit: (s) => s.replace("  serviceName: nginx\n", ""),
      errors: [],
      warnings: [
        'web.yaml:12 spec.serviceName: not set: the pods get no DNS subdomain (a headless Service named here gives each pod <pod>.<service>); kubectl before 1.33 rejects this with missing required field "serviceName"',
      ],
    },
    {
      name: "serviceName not a DNS label",
      edit: (s) => s.replace("serviceName: nginx", "serviceName: Nginx.svc"),
      errors: [
        "web.yaml:13 spec.serviceName: Invalid value: \"Nginx.svc\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ],
    },
    {
      name: "unknown podManagementPolicy",
      edit: (s) => s.replace("  replicas: 3\n", "  replicas: 3\n  podManagementPolicy: Burst\n"),
      errors: ['web.yaml:15 spec.podManagementPolicy: Unsupported value: "Burst": supported values: "OrderedReady", "Parallel"'],
    },
    {
      name: "OnDelete with rollingUpdate",
      edit: (s) => s.replace("  replicas: 3\n", "  replicas: 3\n  updateStrategy: {type: OnDelete, rollingUpdate: {partition: 1}}\n"),
      errors: ["web.yaml:15 spec.updateStrategy.rollingUpdate: Invalid value: {\"partition\":1}: only allowed for updateStrategy 'RollingUpdate'"],
    },
    {
      name: "claim template without a storage request",
      edit: (s) => s.replace("      resources: {requests: {storage: 1Gi}}\n", "      resources: {requests: {}}\n"),
      errors: ["web.yaml:26 spec.volumeClaimTemplates[0].spec.resources.requests.storage: Required value"],
    },
    {
      name: "selector does not match the template",
      edit: (s) => s.replace("selector: {matchLabels: {app: nginx}}\n  template", "selector: {matchLabels: {app: web}}\n  template"),
      errors: ['web.yaml:17 spec.template.metadata.labels: Invalid value: {"app":"nginx"}: `selector` does not match template `labels`'],
    },
  ];
  for (const c of cases) {
    const r = loadManifestText(c.edit(WEB), "web.yaml");
    t.strictSame(r.errors.map(formatDiagnostic), c.errors, `${c.name}: errors`);
    if (c.warnings !== undefined) t.strictSame(r.warnings.map(formatDiagnostic), c.warnings, `${c.name}: warnings`);
  }
});
