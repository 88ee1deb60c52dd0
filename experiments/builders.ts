/**
 * Builders for cluster objects in code (tests, benchmarks, programmatic experiments), with the
 * API server's defaults. Scenario files go through experiments/manifests/ instead; both produce
 * the same `NewObject` shapes.
 */
import type { NewObject } from "../models/cluster/store.js";
import type { Container, Deployment, Probe, Service } from "../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../models/hpa/controller.js";
import type { HorizontalPodAutoscalerBehavior } from "../models/hpa/types.js";
import { APP_ANNOTATION } from "../models/workload/app-profile.js";

export interface ContainerSpec {
  name?: string;
  image?: string;
  request_mcores: number;
  limit_mcores?: number;
  requestMemory_bytes?: number;
  limitMemory_bytes?: number;
  readinessProbe?: Partial<Probe>;
}

export function container(spec: ContainerSpec): Container {
  return {
    name: spec.name ?? "app",
    image: spec.image ?? "registry.example/app:1",
    resources: {
      requests: { cpu_mcores: spec.request_mcores, ...(spec.requestMemory_bytes !== undefined ? { memory_bytes: spec.requestMemory_bytes } : {}) },
      limits: {
        ...(spec.limit_mcores !== undefined ? { cpu_mcores: spec.limit_mcores } : {}),
        ...(spec.limitMemory_bytes !== undefined ? { memory_bytes: spec.limitMemory_bytes } : {}),
      },
    },
    // pkg/apis/core/v1/defaults.go SetDefaults_Probe
    readinessProbe: spec.readinessProbe
      ? { initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3, ...spec.readinessProbe }
      : null,
  };
}

export interface DeploymentSpec {
  name: string;
  namespace?: string;
  replicas?: number;
  /** App profile name (annotation sim.kubesim.io/app on the pod template). */
  app?: string;
  containers: ContainerSpec[];
  maxSurge?: number | string;
  maxUnavailable?: number | string;
  minReadySeconds?: number;
}

/** apps/v1 Deployment with SetDefaults_Deployment applied; pods labelled app=<name>. */
export function deployment(spec: DeploymentSpec): NewObject<Deployment> {
  const labels = { app: spec.name };
  return {
    kind: "Deployment",
    metadata: { name: spec.name, namespace: spec.namespace ?? "default", labels: { ...labels }, generation: 1 } as NewObject<Deployment>["metadata"],
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: { ...labels }, matchExpressions: [] },
      template: {
        metadata: { labels: { ...labels }, annotations: spec.app ? { [APP_ANNOTATION]: spec.app } : {} },
        spec: {
          containers: spec.containers.map(container),
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
      strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: spec.maxSurge ?? "25%", maxUnavailable: spec.maxUnavailable ?? "25%" } },
      minReadySeconds: spec.minReadySeconds ?? 0,
      revisionHistoryLimit: 10,
      progressDeadlineSeconds: 600,
      paused: false,
    },
    status: { observedGeneration: 0, replicas: 0, updatedReplicas: 0, readyReplicas: 0, availableReplicas: 0, unavailableReplicas: 0, conditions: [] },
  };
}

export function service(name: string, selector: Record<string, string> = { app: name }, namespace = "default"): NewObject<Service> {
  return { kind: "Service", metadata: { name, namespace }, spec: { selector, ports: [{ name: "http", port: 80, targetPort: 8080 }] } };
}

export interface CpuHpaSpec {
  name: string;
  namespace?: string;
  target: string;
  minReplicas?: number;
  maxReplicas: number;
  cpuUtilization_percent: number;
  behavior?: HorizontalPodAutoscalerBehavior | null;
}

/** autoscaling/v2 HPA on CPU utilization (what `kubectl autoscale` creates, as v2). */
export function cpuHpa(spec: CpuHpaSpec): NewObject<StoredHorizontalPodAutoscaler> {
  return {
    kind: "HorizontalPodAutoscaler",
    metadata: { name: spec.name, namespace: spec.namespace ?? "default" },
    spec: {
      scaleTargetRef: { kind: "Deployment", name: spec.target, apiVersion: "apps/v1" },
      minReplicas: spec.minReplicas ?? 1,
      maxReplicas: spec.maxReplicas,
      metrics: [{
        type: "Resource",
        resource: { name: "cpu", target: { type: "Utilization", value_milli: null, averageValue_milli: null, averageUtilization_percent: spec.cpuUtilization_percent } },
      }],
      behavior: spec.behavior ?? null,
    },
    status: { currentReplicas: 0, desiredReplicas: 0, lastScaleTime_ms: null, currentMetrics: [], conditions: [] },
  };
}
