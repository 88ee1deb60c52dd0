/**
 * Cross-reference checks between the scenario and its manifests, and the app annotation. What a
 * real cluster would reject, or what would make the scenario meaningless (load for a Service that
 * does not exist), is an error; what a real cluster accepts and then reports at run time (an HPA
 * whose target is missing, a pod no node can hold) is a warning, because the simulation will
 * show exactly that.
 */
import type { Deployment, Pod, PodTemplateSpec, Service } from "../../models/cluster/types.js";
import { labelSelectorMatches, setSelectorMatches } from "../../models/cluster/labels.js";
import type { PodDisruptionBudget } from "../../models/disruption/types.js";
import type { StoredScaledObject } from "../../models/keda/operator.js";
import type { StoredHorizontalPodAutoscaler } from "../../models/hpa/controller.js";
import type { StoredVerticalPodAutoscaler } from "../../models/vpa/object.js";
import { VPA_TARGET_KINDS } from "../manifests/vpa.js";
import { computePodResourceRequest } from "../../models/scheduler/resource.js";
import { APP_ANNOTATION } from "../../models/workload/app-profile.js";
import type { NodeGroup } from "../simulator.js";
import type { ObjectRef } from "./fields.js";
import { formatRef } from "./fields.js";
import { POD_TEMPLATE_KINDS, type DecodedObject } from "./manifests.js";
import type { Report, Site } from "./report.js";
import { closest } from "./strict.js";
import { parseCanary } from "../../models/ingress/canary.js";
import { EXPOSED_METRICS } from "../../models/prometheus-adapter/prometheus.js";
import { parseQuery, QueryError, type Query } from "../../models/prometheus-adapter/query.js";
import type { Ingress } from "../../models/ingress/types.js";

export function findObject(objects: readonly DecodedObject[], kind: string, ref: ObjectRef): DecodedObject | undefined {
  return objects.find((o) => o.object.kind === kind && (o.object.metadata.namespace ?? "default") === ref.namespace && o.object.metadata.name === ref.name);
}

/**
 * `Service "default/x" not found in the manifests (did you mean "php-apache"?)`; the same name in
 * another namespace is suggested first (`did you mean "webapp/frontend"?`): manifests written
 * for `kubectl -n webapp` name their namespace, the scenario then has to as well.
 */
export function notFound(objects: readonly DecodedObject[], kind: string, ref: ObjectRef): string {
  const refs = objects.filter((o) => o.object.kind === kind).map((o) => ({ namespace: o.object.metadata.namespace ?? "default", name: o.object.metadata.name }));
  const names = refs.map(formatRef);
  const sameName = refs.find((r) => r.name === ref.name && r.namespace !== ref.namespace);
  const best = sameName !== undefined ? formatRef(sameName) : closest(formatRef(ref), names);
  const hint = best !== null ? ` (did you mean ${JSON.stringify(best.startsWith("default/") ? best.slice(8) : best)}?)` : names.length === 0 ? ` (the manifests define no ${kind})` : "";
  return `${kind} ${JSON.stringify(formatRef(ref))} not found in the manifests${hint}`;
}

/** What the checks need of one `apps` item, read from the raw item (so a bad cpuPerRequest does not hide a bad reference). */
export interface AppRefs {
  name: string | null;
  /** Each `deployments` item, null when it is not a valid reference (an error reported already). */
  deployments: (ObjectRef | null)[];
  /** Each `statefulSets` item, likewise. */
  statefulSets: (ObjectRef | null)[];
  /** Each `calls` item's Service, likewise. */
  calls: (ObjectRef | null)[];
  site(...path: (string | number)[]): Site;
}

/**
 * Sets `sim.kubesim.io/app=<app>` on the pod template of each Deployment and StatefulSet an app
 * names, so its pods get the app's profile; a name that is not such an object of the manifests is
 * an error.
 */
export function annotateApps(apps: readonly AppRefs[], objects: readonly DecodedObject[], report: Report): void {
  const claimedBy = new Map<DecodedObject, string>();
  const names = new Set<string>();
  for (const app of apps) {
    app.calls.forEach((ref, k) => {
      if (ref !== null && findObject(objects, "Service", ref) === undefined) report.errorAt(app.site("calls", k, "service"), notFound(objects, "Service", ref));
    });
    if (app.name !== null) {
      if (names.has(app.name)) report.errorAt(app.site("name"), `Duplicate value: ${JSON.stringify(app.name)}`);
      names.add(app.name);
    }
    const refs = [
      ...app.deployments.map((ref, k) => ({ ref, kind: "Deployment", field: "deployments", k })),
      ...app.statefulSets.map((ref, k) => ({ ref, kind: "StatefulSet", field: "statefulSets", k })),
    ];
    refs.forEach(({ ref, kind, field, k }) => {
      if (ref === null) return;
      const site = app.site(field, k);
      let found = findObject(objects, kind, ref);
      if (found === undefined) {
        // Another kind of pod template of that name (guestbook-go's ReplicationController listed
        // under `deployments`): its pods run the app, with a warning rather than an error.
        const other = [...POD_TEMPLATE_KINDS].filter((k) => k !== kind).map((k) => findObject(objects, k, ref)).find((o) => o !== undefined);
        if (other === undefined) return report.errorAt(site, notFound(objects, kind, ref));
        report.warnAt(site, `${JSON.stringify(formatRef(ref))} is a ${other.object.kind}, not a ${kind}; its pods run app ${JSON.stringify(app.name ?? "")}`);
        found = other;
      }
      if (app.name === null) return;
      const previous = claimedBy.get(found);
      if (previous !== undefined) return report.errorAt(site, `${kind} ${JSON.stringify(formatRef(ref))} already belongs to app ${JSON.stringify(previous)}`);
      claimedBy.set(found, app.name);
      const template = (found.object as unknown as Deployment).spec.template;
      const written = template.metadata.annotations[APP_ANNOTATION];
      if (written !== undefined && written !== app.name) {
        report.warnAt(
          found.site(["spec", "template", "metadata", "annotations", APP_ANNOTATION]),
          `annotation ${APP_ANNOTATION}=${JSON.stringify(written)} is replaced by the scenario's app ${JSON.stringify(app.name)}`,
        );
      }
      template.metadata.annotations = { ...template.metadata.annotations, [APP_ANNOTATION]: app.name };
    });
  }
}

/**
 * A timed patch replaces an object's spec with the patched manifest's; the pod template keeps the
 * app annotation the scenario gave the object (or the patch would roll its pods out to the
 * default app).
 */
export function carryAppAnnotations(updates: readonly { object: { kind: string; metadata: { namespace?: string; name: string } } }[], objects: readonly DecodedObject[]): void {
  for (const { object } of updates) {
    const template = (object as unknown as Partial<Deployment>).spec?.template;
    if (template === undefined) continue;
    const initial = findObject(objects, object.kind, { namespace: object.metadata.namespace ?? "default", name: object.metadata.name });
    const app = (initial?.object as unknown as Partial<Deployment> | undefined)?.spec?.template?.metadata.annotations[APP_ANNOTATION];
    if (app !== undefined && template.metadata.annotations[APP_ANNOTATION] === undefined) {
      template.metadata.annotations = { ...template.metadata.annotations, [APP_ANNOTATION]: app };
    }
  }
}

/**
 * minReplicas 0 without the HPAScaleToZero feature gate: the API server's validation
 * (validateHorizontalPodAutoscalerSpec with MinReplicasLowerBound 1) refuses the object.
 */
export function checkHpaScaleToZero(objects: readonly DecodedObject[], gateOn: boolean, report: Report): void {
  if (gateOn) return;
  for (const o of objects) {
    if (o.object.kind !== "HorizontalPodAutoscaler") continue;
    if ((o.object as unknown as StoredHorizontalPodAutoscaler).spec.minReplicas !== 0) continue;
    report.errorAt(
      o.site(["spec", "minReplicas"]),
      "Invalid value: 0: must be greater than or equal to 1 (minReplicas 0 needs the HPAScaleToZero feature gate: components: {hpa: {scaleToZero: true}})",
    );
  }
}

/** An HPA whose scale target is not in the manifests: accepted by a real cluster, then FailedGetScale. */
export function checkHpaTargets(objects: readonly DecodedObject[], report: Report): void {
  for (const o of objects) {
    if (o.object.kind !== "HorizontalPodAutoscaler") continue;
    const hpa = o.object as unknown as StoredHorizontalPodAutoscaler;
    const ref = hpa.spec.scaleTargetRef;
    const target = { namespace: hpa.metadata.namespace ?? "default", name: ref.name };
    if (findObject(objects, ref.kind, target) !== undefined) continue;
    report.warnAt(
      o.site(["spec", "scaleTargetRef", "name"]),
      `${notFound(objects, ref.kind, target)}; the HPA will report FailedGetScale and not scale`,
    );
  }
}

/**
 * A VPA whose targetRef is not in the manifests: accepted by a real cluster (the CRD and the
 * webhook do not look it up); the recommender then sets ConfigUnsupported "Cannot read
 * targetRef" and recommends nothing. Containers its policies name that the target's pod template
 * lacks are harmless upstream (the policy is never looked up), so they pass.
 */
export function checkVpaTargets(objects: readonly DecodedObject[], report: Report): void {
  for (const o of objects) {
    if (o.object.kind !== "VerticalPodAutoscaler") continue;
    const vpa = o.object as unknown as StoredVerticalPodAutoscaler;
    const ref = vpa.spec.targetRef;
    const target = { namespace: vpa.metadata.namespace ?? "default", name: ref.name };
    // A kind kubesim does not run VPA on is warned about where it is decoded.
    if (!(VPA_TARGET_KINDS as readonly string[]).includes(ref.kind) || findObject(objects, ref.kind, target) !== undefined) continue;
    report.warnAt(o.site(["spec", "targetRef", "name"]), `${notFound(objects, ref.kind, target)}; the VPA will report ConfigUnsupported (Cannot read targetRef) and recommend nothing`);
  }
}

/**
 * KEDA's admission webhook (scaledobject_webhook.go verifyHpas) refuses a ScaledObject whose
 * target an HPA of the manifests already scales; a ScaledObject whose target does not exist is
 * accepted and stays not Ready. Returns the objects without the refused ScaledObjects.
 */
export function admitScaledObjects(objects: readonly DecodedObject[], report: Report): DecodedObject[] {
  const kept: DecodedObject[] = [];
  for (const o of objects) {
    if (o.object.kind !== "ScaledObject") {
      kept.push(o);
      continue;
    }
    const so = o.object as unknown as StoredScaledObject;
    const ns = so.metadata.namespace ?? "default";
    const ref = so.spec.scaleTargetRef;
    const kind = ref.kind ?? "Deployment";
    const target = { namespace: ns, name: ref.name };
    if (findObject(objects, kind, target) === undefined) {
      report.warnAt(o.site(["spec", "scaleTargetRef", "name"]), `${notFound(objects, kind, target)}; the ScaledObject will not be Ready and scales nothing`);
    }
    const hpa = objects.find((h) => {
      if (h.object.kind !== "HorizontalPodAutoscaler") return false;
      const r = (h.object as unknown as StoredHorizontalPodAutoscaler).spec.scaleTargetRef;
      return (h.object.metadata.namespace ?? "default") === ns && r.kind === kind && r.name === ref.name;
    });
    if (hpa === undefined) {
      kept.push(o);
      continue;
    }
    report.warnAt(
      o.site(["spec", "scaleTargetRef", "name"]),
      `admission webhook "vscaledobject.kb.io" denied the request: the workload '${ref.name}' of type '${ref.apiVersion ?? "apps/v1"}.${kind}' is already managed by the hpa '${hpa.object.metadata.name}'; the ScaledObject is left out`,
    );
  }
  return kept;
}

/**
 * KEDA redis and kafka triggers read the scenario's queues: a trigger naming no queue of its
 * broker (a redis listName, a kafka topic and consumerGroup) is an error, as it would poll
 * nothing kubesim simulates.
 */
export function checkQueueTriggers(objects: readonly DecodedObject[], queues: ReadonlyMap<string, { broker: unknown; consumerGroup: unknown }>, report: Report): void {
  for (const o of objects) {
    if (o.object.kind !== "ScaledObject" && o.object.kind !== "ScaledJob") continue;
    (o.object as unknown as StoredScaledObject).spec.triggers.forEach((t, i) => {
      if (t.type !== "redis" && t.type !== "kafka") return;
      const field = t.type === "redis" ? "listName" : "topic";
      let name: string | undefined = t.metadata[field];
      // A kafka trigger without a topic reads every topic of its group.
      if (t.type === "kafka" && (name ?? "") === "") name = [...queues].find(([, v]) => v.broker === "kafka" && v.consumerGroup === t.metadata.consumerGroup)?.[0];
      const q = name === undefined ? undefined : queues.get(name);
      const site = o.site(["spec", "triggers", i, "metadata", field]);
      const ofBroker = [...queues].filter(([, v]) => v.broker === t.type).map(([k]) => k);
      if (q === undefined || q.broker !== t.type) {
        const best = name === undefined ? null : closest(name, ofBroker);
        report.errorAt(site, `no ${t.type} queue named ${JSON.stringify(name ?? "")} in the scenario's \`queues\`${best !== null ? ` (did you mean ${JSON.stringify(best)}?)` : ofBroker.length === 0 ? ` (it has no ${t.type} queue)` : ""}`);
      } else if (t.type === "kafka" && t.metadata.consumerGroup !== q.consumerGroup) {
        report.errorAt(o.site(["spec", "triggers", i, "metadata", "consumerGroup"]), `the consumer group of topic ${JSON.stringify(name)} is ${JSON.stringify(q.consumerGroup)} in the scenario's \`queues\`, not ${JSON.stringify(t.metadata.consumerGroup)}`);
      }
    });
  }
}

/**
 * KEDA prometheus triggers query kubesim's Prometheus: a query it cannot evaluate, or a range
 * longer than the samples it keeps (components.prometheus.retention), is an error at the query.
 */
export function checkPrometheusTriggers(objects: readonly DecodedObject[], retention_ms: number, report: Report): void {
  const known = new Set(EXPOSED_METRICS.keys());
  const longest = (q: Query): number => (q.kind === "aggregate" ? longest(q.inner) : q.kind === "rate" ? q.window_ms : 0);
  for (const o of objects) {
    if (o.object.kind !== "ScaledObject" && o.object.kind !== "ScaledJob") continue;
    (o.object as unknown as StoredScaledObject).spec.triggers.forEach((t, i) => {
      const text = t.metadata.query;
      if (t.type !== "prometheus" || text === undefined) return;
      const site = o.site(["spec", "triggers", i, "metadata", "query"]);
      try {
        const window_ms = longest(parseQuery(text, known));
        if (window_ms > retention_ms) report.errorAt(site, `the range [${window_ms / 1000}s] is longer than kubesim's Prometheus keeps samples (components.prometheus.retention ${retention_ms / 1000}s): raise the retention`);
      } catch (e) {
        if (!(e instanceof QueryError)) throw e;
        report.errorAt(site, `Invalid value: ${JSON.stringify(text)}: ${e.message}`);
      }
    });
  }
}

/**
 * An HPA asking prometheus-adapter for a metric none of its rules serves: a real cluster accepts
 * the HPA, which then reports FailedGetPodsMetric / FailedGetObjectMetric / FailedGetExternalMetric
 * on every sync and never scales on it (a warning: the run shows exactly that). External metrics
 * are KEDA's when the manifests have a ScaledObject.
 */
export function checkAdapterMetrics(objects: readonly DecodedObject[], rules: readonly { metricName: string }[], externalRules: readonly { metricName: string }[], report: Report): void {
  const served = new Set(rules.map((r) => r.metricName));
  const servedExternal = new Set(externalRules.map((r) => r.metricName));
  const keda = objects.some((o) => o.object.kind === "ScaledObject");
  for (const o of objects) {
    if (o.object.kind !== "HorizontalPodAutoscaler") continue;
    (o.object as unknown as StoredHorizontalPodAutoscaler).spec.metrics.forEach((m, i) => {
      const source = m.type === "Pods" ? m.pods : m.type === "Object" ? m.object : m.type === "External" && !keda ? m.external : undefined;
      if (source === undefined) return;
      const name = source.metric.name;
      const known = m.type === "External" ? servedExternal : served;
      if (known.has(name)) return;
      const key = m.type === "Pods" ? "pods" : m.type === "Object" ? "object" : "external";
      const field = m.type === "External" ? "externalRules" : "rules";
      const best = closest(name, [...known]);
      report.warnAt(
        o.site(["spec", "metrics", i, key, "metric", "name"]),
        `no prometheus-adapter rule serves the ${key} metric ${JSON.stringify(name)}${best !== null ? ` (did you mean ${JSON.stringify(best)}?)` : ""}; the HPA will report FailedGet${m.type}Metric and not scale on it: add a rule under components.prometheusAdapter.${field} (served: ${[...known].join(", ") || "none"})`,
      );
    });
  }
}

/**
 * A pod either serves requests or takes queue items (both would drive its one request server):
 * the pods of an app that consumes a queue must not be endpoints of a Service with a load.
 */
export function checkConsumersNotServing(objects: readonly DecodedObject[], consumers: ReadonlyMap<string, Site>, loaded: ReadonlySet<string>, report: Report): void {
  const services = objects.filter((o) => o.object.kind === "Service" && loaded.has(formatRef({ namespace: o.object.metadata.namespace ?? "default", name: o.object.metadata.name })));
  for (const o of objects) {
    if (!POD_TEMPLATE_KINDS.has(o.object.kind)) continue;
    const template = (o.object as unknown as Deployment).spec.template;
    const app = template.metadata.annotations[APP_ANNOTATION];
    const site = app === undefined ? undefined : consumers.get(app);
    if (site === undefined) continue;
    for (const svc of services) {
      const selector = (svc.object as unknown as Service).spec.selector;
      if ((svc.object.metadata.namespace ?? "default") !== (o.object.metadata.namespace ?? "default") || selector === null || !setSelectorMatches(selector, template.metadata.labels)) continue;
      report.errorAt(site, `app ${JSON.stringify(app)} takes queue items, but its pods (${o.object.kind} ${o.object.metadata.name}) are endpoints of Service ${svc.object.metadata.name}, which has a load: a pod either serves requests or takes items; use two Deployments`);
    }
  }
}

/**
 * Loads with `arrivals: requests` (by Service, with the site of their `arrivals`) give the pods
 * behind their Service a per-request server, which takes requests one by one: those pods must
 * not also be endpoints of a Service whose load is a flow (`fluid`, `poisson`), and no call
 * graph may reach them or leave them (a callee's load is its callers' rate, and a caller's
 * latency adds its callees' estimated response times: neither is a per-request quantity).
 */
export function checkRequestArrivals(
  objects: readonly DecodedObject[],
  perRequest: ReadonlyMap<string, Site>,
  otherLoads: ReadonlySet<string>,
  appCalls: ReadonlyMap<string, readonly ObjectRef[]>,
  report: Report,
): void {
  if (perRequest.size === 0) return;
  for (const [app, calls] of appCalls) {
    for (const ref of calls) {
      const site = perRequest.get(formatRef(ref));
      if (site !== undefined) report.errorAt(site, `Service ${JSON.stringify(formatRef(ref))} is called by app ${JSON.stringify(app)} (its calls): a callee's load is its callers' rate, which per-request arrivals do not model; use arrivals: fluid`);
    }
  }
  const services = objects.filter((o) => o.object.kind === "Service");
  for (const o of objects) {
    if (!POD_TEMPLATE_KINDS.has(o.object.kind)) continue;
    const template = (o.object as unknown as Deployment).spec.template;
    const namespace = o.object.metadata.namespace ?? "default";
    const behind = services.filter((svc) => {
      const selector = (svc.object as unknown as Service).spec.selector;
      return (svc.object.metadata.namespace ?? "default") === namespace && selector !== null && Object.keys(selector).length > 0 && setSelectorMatches(selector, template.metadata.labels);
    }).map((svc) => formatRef({ namespace, name: svc.object.metadata.name }));
    for (const key of behind) {
      const site = perRequest.get(key);
      if (site === undefined) continue;
      const flow = behind.find((k) => otherLoads.has(k));
      if (flow !== undefined) report.errorAt(site, `the pods of ${o.object.kind} ${o.object.metadata.name} are also endpoints of Service ${JSON.stringify(flow)}, whose load is a flow (fluid or poisson arrivals): a pod takes requests one way; give both loads arrivals: requests, or use two Deployments`);
      const app = template.metadata.annotations[APP_ANNOTATION];
      if (app !== undefined && (appCalls.get(app)?.length ?? 0) > 0) report.errorAt(site, `app ${JSON.stringify(app)} of its pods (${o.object.kind} ${o.object.metadata.name}) calls other Services (calls): a call graph is not modelled per request; use arrivals: fluid`);
    }
  }
}

const REQUEST_FIELD = { cpu: "cpu_mcores", memory: "memory_bytes" } as const;

/**
 * An HPA on a resource's utilization whose target's pods lack a request for it: a real cluster
 * accepts it, then the HPA reports FailedGetResourceMetric ("missing request for cpu") on every
 * sync and never scales (replica_calculator.go calculatePodRequestsFromContainers). A pod-level
 * request covers every container.
 */
export function checkHpaRequests(objects: readonly DecodedObject[], report: Report): void {
  for (const o of objects) {
    if (o.object.kind !== "HorizontalPodAutoscaler") continue;
    const hpa = o.object as unknown as StoredHorizontalPodAutoscaler;
    const ref = hpa.spec.scaleTargetRef;
    if (ref.kind !== "Deployment" && ref.kind !== "ReplicaSet") continue;
    const targetRef = { namespace: hpa.metadata.namespace ?? "default", name: ref.name };
    const target = findObject(objects, ref.kind, targetRef);
    if (target === undefined) continue; // checkHpaTargets reports it
    const pod = (target.object as unknown as Deployment).spec.template.spec;
    hpa.spec.metrics.forEach((m, i) => {
      const source = m.type === "Resource" ? m.resource : m.type === "ContainerResource" ? m.containerResource : undefined;
      if (source === undefined || source.target.type !== "Utilization") return;
      const field = REQUEST_FIELD[source.name as keyof typeof REQUEST_FIELD];
      if (field === undefined || pod.resources?.requests[field] !== undefined) return;
      const only = m.type === "ContainerResource" ? m.containerResource!.container : null;
      const containers = [...pod.initContainers.filter((c) => c.restartPolicy === "Always"), ...pod.containers].filter((c) => only === null || c.name === only);
      const missing = containers.find((c) => c.resources.requests[field] === undefined);
      if (missing === undefined) return;
      // A v1 HPA's one metric is its targetCPUUtilizationPercentage (or the default, at spec).
      const raw = o.raw.value as { apiVersion?: unknown; spec?: Record<string, unknown> };
      const v1 = raw.apiVersion === "autoscaling/v1";
      const at = !v1 ? ["spec", "metrics", i] : raw.spec?.targetCPUUtilizationPercentage !== undefined ? ["spec", "targetCPUUtilizationPercentage"] : ["spec"];
      report.warnAt(
        o.site(at),
        `scales on ${source.name} utilization, but container ${JSON.stringify(missing.name)} of ${ref.kind} ${JSON.stringify(formatRef(targetRef))} has no ${source.name} request; ` +
          `the HPA will report FailedGetResourceMetric (missing request for ${source.name}) and not scale: set resources.requests.${source.name}`,
      );
    });
  }
}

const mcores = (m: number): string => (m % 1000 === 0 ? `${m / 1000}` : `${m}m`);
const bytes = (b: number): string => {
  for (const [unit, size] of [["Gi", 2 ** 30], ["Mi", 2 ** 20], ["Ki", 2 ** 10]] as const) if (b % size === 0 && b >= size) return `${b / size}${unit}`;
  return `${b}`;
};

/**
 * A pod template requesting more CPU or memory than any node group's allocatable: its pods can
 * never be scheduled. Only resources are compared (not selectors or taints), so this flags
 * certain failures, not every one.
 */
export function checkPodsFit(objects: readonly DecodedObject[], nodeGroups: readonly NodeGroup[], report: Report): void {
  if (nodeGroups.length === 0) return;
  for (const o of objects) {
    let template: PodTemplateSpec["spec"];
    let at: (string | number)[];
    if (o.object.kind === "Pod") {
      template = (o.object as unknown as Pod).spec;
      at = ["spec"];
    } else if (POD_TEMPLATE_KINDS.has(o.object.kind)) {
      template = (o.object as unknown as Deployment).spec.template.spec;
      at = ["spec", "template", "spec"];
    } else continue;
    const request = computePodResourceRequest({ spec: template } as Pod);
    if (nodeGroups.some((g) => request.cpu_mcores <= g.cpu_mcores && request.memory_bytes <= g.memory_bytes)) continue;
    const largest = nodeGroups.map((g) => `${g.name}: cpu ${mcores(g.cpu_mcores)}, memory ${bytes(g.memory_bytes)}`).join("; ");
    report.warnAt(
      o.site([...at, "containers"]),
      `a pod requests cpu ${mcores(request.cpu_mcores)}, memory ${bytes(request.memory_bytes)}, more than any node's allocatable (${largest}); it will stay Pending with FailedScheduling`,
    );
  }
}

/**
 * A Service whose selector matches the labels of no pod or pod template in the manifests: a real
 * cluster accepts it and the Service simply has no endpoints, so its traffic is dropped.
 */
/** The labels of every pod the manifests define or template, with their namespace. */
function podTemplateLabels(objects: readonly DecodedObject[]): { namespace: string; labels: Record<string, string> }[] {
  const podLabels: { namespace: string; labels: Record<string, string> }[] = [];
  for (const o of objects) {
    const namespace = o.object.metadata.namespace ?? "default";
    if (o.object.kind === "Pod") podLabels.push({ namespace, labels: o.object.metadata.labels ?? {} });
    else if (POD_TEMPLATE_KINDS.has(o.object.kind)) {
      podLabels.push({ namespace, labels: (o.object as unknown as Deployment).spec.template.metadata.labels });
    }
  }
  return podLabels;
}

/**
 * A PodDisruptionBudget that selects no pod of the manifests: the API server accepts it, and it
 * protects nothing (its status stays at 0 expected pods), so a warning.
 */
export function checkDisruptionBudgetSelectors(objects: readonly DecodedObject[], report: Report): void {
  const podLabels = podTemplateLabels(objects);
  for (const o of objects) {
    if (o.object.kind !== "PodDisruptionBudget") continue;
    const selector = (o.object as unknown as PodDisruptionBudget).spec.selector;
    const namespace = o.object.metadata.namespace ?? "default";
    if (selector !== null && podLabels.some((p) => p.namespace === namespace && labelSelectorMatches(selector, p.labels))) continue;
    report.warnAt(
      o.site(["spec", "selector"]),
      selector === null
        ? "no selector: the budget selects no pod and protects nothing"
        : `selector ${JSON.stringify(selector.matchExpressions.length === 0 ? selector.matchLabels : selector)} matches no pod template in the manifests; the budget protects nothing`,
    );
  }
}

export function checkServiceSelectors(objects: readonly DecodedObject[], report: Report): void {
  const podLabels = podTemplateLabels(objects);
  for (const o of objects) {
    if (o.object.kind !== "Service") continue;
    const selector = (o.object as unknown as Service).spec.selector;
    if (Object.keys(selector).length === 0) continue;
    const namespace = o.object.metadata.namespace ?? "default";
    if (podLabels.some((p) => p.namespace === namespace && setSelectorMatches(selector, p.labels))) continue;
    report.warnAt(
      o.site(["spec", "selector"]),
      `selector ${JSON.stringify(selector)} matches no pod template in the manifests; the Service will have no endpoints and its traffic will be dropped`,
    );
  }
}

/**
 * Ingress backends that name a Service the manifests do not define: kubectl accepts them, and
 * ingress-nginx answers 503 for those paths ("service does not exist"), so a warning. A canary
 * Ingress whose host and path no stable Ingress serves is skipped by ingress-nginx
 * (mergeAlternativeBackends: "unable to find real backend"), also a warning.
 */
export function checkIngressBackends(objects: readonly DecodedObject[], report: Report): void {
  const ingresses = objects.filter((o) => o.object.kind === "Ingress");
  const stableLocations = new Set<string>();
  for (const o of ingresses) {
    const ingress = o.object as unknown as Ingress;
    if (parseCanary(ingress.metadata.annotations).policy !== null) continue;
    for (const rule of ingress.spec.rules) for (const p of rule.paths) stableLocations.add(`${ingress.metadata.namespace ?? "default"}\u0000${rule.host}\u0000${p.path}`);
  }
  for (const o of ingresses) {
    const ingress = o.object as unknown as Ingress;
    const namespace = ingress.metadata.namespace ?? "default";
    const check = (name: string, at: (string | number)[]) => {
      const ref = { namespace, name };
      if (findObject(objects, "Service", ref) === undefined) {
        report.warnAt(o.site([...at, "backend", "service", "name"]), `${notFound(objects, "Service", ref)}; ingress-nginx answers 503 for this path`);
      }
    };
    if (ingress.spec.defaultBackend !== null) {
      const name = ingress.spec.defaultBackend.service.name;
      if (findObject(objects, "Service", { namespace, name }) === undefined) {
        report.warnAt(o.site(["spec", "defaultBackend", "service", "name"]), `${notFound(objects, "Service", { namespace, name })}; ingress-nginx answers 503 for it`);
      }
    }
    const canary = parseCanary(ingress.metadata.annotations).policy !== null;
    ingress.spec.rules.forEach((rule, i) => {
      rule.paths.forEach((p, j) => {
        const at = ["spec", "rules", i, "http", "paths", j];
        check(p.backend.service.name, at);
        if (canary && !stableLocations.has(`${namespace}\u0000${rule.host}\u0000${p.path}`)) {
          report.warnAt(o.site([...at, "path"]), `no Ingress without the canary annotation serves ${rule.host || "*"}${p.path}; ingress-nginx ignores this canary path`);
        }
      });
    });
  }
}
