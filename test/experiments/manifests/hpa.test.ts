// autoscaling/v2 and autoscaling/v1 HorizontalPodAutoscalers: every metric source type, behavior
// kept as written (per-direction defaulting is models/hpa/defaults.ts's job), API defaults.
import t from "tap";
import { loadManifestText } from "../../../experiments/manifests/decode.js";
import { setDefaultsHorizontalPodAutoscalerBehavior } from "../../../models/hpa/defaults.js";
import type { StoredHorizontalPodAutoscaler } from "../../../models/hpa/controller.js";

const V2 = `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
  namespace: shop
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: web
  minReplicas: 2
  maxReplicas: 20
  metrics:
  - type: Resource
    resource:
      name: cpu
      target:
        type: Utilization
        averageUtilization: 60
  - type: Resource
    resource:
      name: memory
      target:
        type: AverageValue
        averageValue: 512Mi
  - type: ContainerResource
    containerResource:
      name: cpu
      container: app
      target:
        type: AverageValue
        averageValue: 250m
  - type: Pods
    pods:
      metric:
        name: packets-per-second
      target:
        type: AverageValue
        averageValue: 1k
  - type: Object
    object:
      describedObject:
        apiVersion: networking.k8s.io/v1
        kind: Ingress
        name: main-route
      metric:
        name: requests-per-second
      target:
        type: Value
        value: 10k
  - type: External
    external:
      metric:
        name: queue_messages_ready
        selector:
          matchLabels:
            queue: worker_tasks
      target:
        type: AverageValue
        averageValue: "30"
  behavior:
    scaleDown:
      stabilizationWindowSeconds: 300
      policies:
      - type: Percent
        value: 10
        periodSeconds: 60
      - type: Pods
        value: 5
        periodSeconds: 60
      selectPolicy: Min
    scaleUp:
      tolerance: 0.05
`;

const target = (o: Partial<{ type: string; value_milli: number; averageValue_milli: number; averageUtilization_percent: number }>) => ({
  type: o.type,
  value_milli: o.value_milli ?? null,
  averageValue_milli: o.averageValue_milli ?? null,
  averageUtilization_percent: o.averageUtilization_percent ?? null,
});

t.test("autoscaling/v2 with behavior and every metric type decodes exactly", async (t) => {
  const r = loadManifestText(V2, "hpa.yaml");
  t.strictSame(r.errors, []);
  t.strictSame(r.warnings, []);
  t.strictSame(r.objects, [
    {
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web", namespace: "shop", labels: {}, annotations: {} },
      spec: {
        scaleTargetRef: { kind: "Deployment", name: "web", apiVersion: "apps/v1" },
        minReplicas: 2,
        maxReplicas: 20,
        metrics: [
          { type: "Resource", resource: { name: "cpu", target: target({ type: "Utilization", averageUtilization_percent: 60 }) } },
          { type: "Resource", resource: { name: "memory", target: target({ type: "AverageValue", averageValue_milli: 512 * 2 ** 20 * 1000 }) } },
          { type: "ContainerResource", containerResource: { name: "cpu", target: target({ type: "AverageValue", averageValue_milli: 250 }), container: "app" } },
          { type: "Pods", pods: { metric: { name: "packets-per-second", selector: null }, target: target({ type: "AverageValue", averageValue_milli: 1_000_000 }) } },
          {
            type: "Object",
            object: {
              describedObject: { kind: "Ingress", name: "main-route", apiVersion: "networking.k8s.io/v1" },
              metric: { name: "requests-per-second", selector: null },
              target: target({ type: "Value", value_milli: 10_000_000 }),
            },
          },
          {
            type: "External",
            external: {
              metric: { name: "queue_messages_ready", selector: { matchLabels: { queue: "worker_tasks" }, matchExpressions: [] } },
              target: target({ type: "AverageValue", averageValue_milli: 30_000 }),
            },
          },
        ],
        behavior: {
          // Kept as written: unset fields stay null for models/hpa/defaults.ts.
          scaleUp: { stabilizationWindowSeconds: null, selectPolicy: null, policies: null, tolerance: 0.05 },
          scaleDown: {
            stabilizationWindowSeconds: 300,
            selectPolicy: "Min",
            policies: [
              { type: "Percent", value: 10, periodSeconds: 60 },
              { type: "Pods", value: 5, periodSeconds: 60 },
            ],
            tolerance: null,
          },
        },
      },
      status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
    },
  ]);
});

t.test("the decoded behavior is what models/hpa/defaults.ts completes", async (t) => {
  const hpa = loadManifestText(V2, "hpa.yaml").objects[0] as unknown as StoredHorizontalPodAutoscaler;
  const full = setDefaultsHorizontalPodAutoscalerBehavior(hpa.spec.behavior)!;
  t.strictSame(full.scaleUp, {
    selectPolicy: "Max",
    stabilizationWindowSeconds: 0,
    policies: [
      { type: "Pods", value: 4, periodSeconds: 15 },
      { type: "Percent", value: 100, periodSeconds: 15 },
    ],
    tolerance: 0.05,
  });
  t.equal(full.scaleDown!.selectPolicy, "Min");
});

const minimalV2 = (extra: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: web
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 5
${extra}`;

const cpu80 = [{ type: "Resource", resource: { name: "cpu", target: target({ type: "Utilization", averageUtilization_percent: 80 }) } }];

t.test("v2 defaults: minReplicas 1, CPU 80 % when metrics are empty, behavior null when absent", async (t) => {
  const r = loadManifestText(minimalV2(""), "hpa.yaml");
  t.strictSame(r.errors, []);
  const spec = (r.objects[0] as unknown as StoredHorizontalPodAutoscaler).spec;
  t.equal(spec.minReplicas, 1);
  t.strictSame(spec.metrics, cpu80);
  t.equal(spec.behavior, null);
  const empty = loadManifestText(minimalV2("  metrics: []\n"), "hpa.yaml");
  t.strictSame((empty.objects[0] as unknown as StoredHorizontalPodAutoscaler).spec.metrics, cpu80);
});

t.test("a behavior with one direction keeps the other null", async (t) => {
  const r = loadManifestText(minimalV2("  behavior:\n    scaleDown:\n      stabilizationWindowSeconds: 60\n"), "hpa.yaml");
  t.strictSame((r.objects[0] as unknown as StoredHorizontalPodAutoscaler).spec.behavior, {
    scaleUp: null,
    scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: null, policies: null, tolerance: null },
  });
});

t.test("autoscaling/v1 without targetCPUUtilizationPercentage gets the CPU 80 % default", async (t) => {
  const text = `apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata: {name: web}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  maxReplicas: 4
`;
  const r = loadManifestText(text, "hpa.yaml");
  t.strictSame(r.errors, []);
  const spec = (r.objects[0] as unknown as StoredHorizontalPodAutoscaler).spec;
  t.strictSame(spec, { scaleTargetRef: { kind: "Deployment", name: "web", apiVersion: "apps/v1" }, minReplicas: 1, maxReplicas: 4, metrics: cpu80, behavior: null });
});
