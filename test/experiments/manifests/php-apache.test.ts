// The php-apache example of the upstream HPA walkthrough, from the real files under
// experiments/scenarios/php-apache/, decodes to exactly the objects the API server would store.
import t from "tap";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore } from "../../../models/cluster/store.js";
import type { Deployment, Service } from "../../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../../models/hpa/controller.js";
import { formatDiagnostic, loadManifestFile, loadManifestText } from "../../../experiments/manifests/decode.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");
const scenario = path.join(root, "experiments/scenarios/php-apache");

const expectedDeployment = {
  kind: "Deployment",
  metadata: { name: "php-apache", namespace: "default", labels: {}, annotations: {}, generation: 1 },
  spec: {
    replicas: 1,
    selector: { matchLabels: { run: "php-apache" }, matchExpressions: [] },
    template: {
      metadata: { labels: { run: "php-apache" }, annotations: {} },
      spec: {
        containers: [
          {
            name: "php-apache",
            image: "registry.k8s.io/hpa-example",
            resources: { requests: { cpu_mcores: 200 }, limits: { cpu_mcores: 500 } },
            readinessProbe: null,
          },
        ],
        initContainers: [],
        nodeName: "",
        nodeSelector: {},
        nodeAffinity: null,
        tolerations: [],
        terminationGracePeriodSeconds: 30,
        restartPolicy: "Always",
        resources: null,
      },
    },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
    minReadySeconds: 0,
    revisionHistoryLimit: 10,
    progressDeadlineSeconds: 600,
    paused: false,
  },
  status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0, conditions: [] },
};

const expectedService = {
  kind: "Service",
  metadata: { name: "php-apache", namespace: "default", labels: { run: "php-apache" }, annotations: {} },
  spec: { selector: { run: "php-apache" }, ports: [{ name: "", port: 80, targetPort: 80 }] },
};

// `kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10`, converted to v2.
const expectedHpa = {
  kind: "HorizontalPodAutoscaler",
  metadata: { name: "php-apache", namespace: "default", labels: {}, annotations: {} },
  spec: {
    scaleTargetRef: { kind: "Deployment", name: "php-apache", apiVersion: "apps/v1" },
    minReplicas: 1,
    maxReplicas: 10,
    metrics: [
      {
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", value_milli: null, averageValue_milli: null, averageUtilization_percent: 50 } },
      },
    ],
    behavior: null,
  },
  status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
};

t.test("php-apache.yaml: Deployment and Service, exactly", async (t) => {
  const text = fs.readFileSync(path.join(scenario, "php-apache.yaml"), "utf8");
  const r = loadManifestText(text, "php-apache.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.objects, [expectedDeployment, expectedService]);
  // containerPort is the only field kubesim does not model in the upstream example.
  t.strictSame(r.warnings.map(formatDiagnostic), ["php-apache.yaml:20 spec.template.spec.containers[0].ports: field is not modelled; ignored"]);
});

t.test("hpa.yaml: the autoscaling/v1 HPA becomes one CPU Utilization metric", async (t) => {
  const r = loadManifestFile(path.join(scenario, "hpa.yaml"));
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings, []);
  t.strictSame(r.objects, [expectedHpa]);
});

t.test("loadManifestFile names the file as given", async (t) => {
  const file = path.join(scenario, "php-apache.yaml");
  const r = loadManifestFile(file);
  t.equal(r.warnings[0].file, file);
  t.strictSame(r.objects, [expectedDeployment, expectedService]);
});

t.test("the decoded objects go into the cluster store as they are", async (t) => {
  const store = new ClusterStore(new Simulation({ seed: 1 }));
  const objects = [...loadManifestFile(path.join(scenario, "php-apache.yaml")).objects, ...loadManifestFile(path.join(scenario, "hpa.yaml")).objects];
  for (const o of objects) store.create(structuredClone(o));
  const d = store.get<Deployment>("Deployment", "default", "php-apache")!;
  t.equal(d.metadata.generation, 1);
  t.equal(d.spec.template.spec.containers[0].resources.requests.cpu_mcores, 200);
  t.strictSame(store.get<Service>("Service", "default", "php-apache")!.spec.selector, { run: "php-apache" });
  const hpa = store.get<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", "default", "php-apache")!;
  t.equal(hpa.spec.metrics[0].resource!.target.averageUtilization_percent, 50);
  t.match(hpa.metadata.uid, /^uid-/);
});
