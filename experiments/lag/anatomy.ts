/**
 * Lag anatomy (lag.csv): for every load step of every loaded Service, and each HPA whose scale
 * target is a Deployment behind that Service (its own HPA; not another Service's), when each
 * stage of the scaling path was first reached:
 *
 *   metrics_90pct   the metrics API first shows the pods that served at the step at >= 90 % of
 *                   their new per-pod CPU usage (<= 1/0.9 of it after a fall)
 *   hpa_rescale     the HPA first decides to rescale in the step's direction
 *   pods_created    ... all the pods that rescale added exist (rises only)
 *   pods_scheduled  ... are bound to nodes
 *   pods_ready      ... are Ready
 *   pods_serving    ... are endpoints of the Service
 *
 * A stage counts only if reached before the Service's next step (a later rescale answers the
 * later step) and within the run; otherwise its cells are empty, and the step is still listed.
 * Every time is found at or after its step, so after_step_s is never negative.
 */
import { stringify } from "csv-stringify/sync";
import { CSV_CAST, type Recorder } from "../../engine/index.js";
import { labelSelectorMatches } from "../../models/cluster/labels.js";
import type { Deployment } from "../../models/cluster/types.js";
import type { StoredHorizontalPodAutoscaler } from "../../models/hpa/controller.js";
import type { ClusterStore } from "../../models/cluster/store.js";
import { selects, type LagObserver, type ObservedService, type PodTimes } from "./observer.js";

export const LAG_STAGES = ["metrics_90pct", "hpa_rescale", "pods_created", "pods_scheduled", "pods_ready", "pods_serving"] as const;
export type LagStage = (typeof LAG_STAGES)[number];

export const LAG_COLUMNS = [
  "service", "hpa", "step_s", "direction", "rate_before_rps", "rate_after_rps", "stage", "at_s", "after_step_s", "pods",
] as const;

export interface LagRow {
  service: string;
  /** namespace/name of the Service's own HPA; "" when it has none. */
  hpa: string;
  step_s: number;
  direction: "up" | "down";
  rate_before_rps: number;
  rate_after_rps: number;
  stage: LagStage;
  /** NaN when the stage was not reached. */
  at_s: number;
  after_step_s: number;
  /** Pods the rescale added (pod stages only; NaN otherwise). */
  pods: number;
}

/** An autoscaler's rescale: an HPA's decision (from its decision log), or a controller plugin's scale write. */
export interface Rescale {
  /** The HPA (namespace/name), or the plugin's controller name. */
  hpa: string;
  at_ms: number;
  from: number;
  to: number;
}

/** A controller plugin's rescales, as the anatomy takes them; `targets` are the Deployments it scaled. */
export interface PluginRescales {
  rescales: Rescale[];
  targets: { controller: string; namespace: string; name: string }[];
}

/** The plugins' scale writes of Deployments (experiments/plugins/host.ts). */
export function pluginRescalesOf(writes: readonly { controller: string; kind: string; namespace: string; name: string; at_ms: number; from: number; to: number }[]): PluginRescales {
  const deployments = writes.filter((w) => w.kind === "Deployment");
  const targets = new Map(deployments.map((w) => [`${w.controller}\u0000${w.namespace}/${w.name}`, { controller: w.controller, namespace: w.namespace, name: w.name }]));
  return { rescales: deployments.map((w) => ({ hpa: w.controller, at_ms: w.at_ms, from: w.from, to: w.to })), targets: [...targets.values()] };
}

/** The rescale decisions of a decision log (decisions.csv's recorder), in time order. */
export function rescalesOf(decisions: Recorder): Rescale[] {
  const col = (name: string) => decisions.columns.indexOf(name);
  const [time, hpa, current, desired, rescale] = [col("time_s"), col("hpa"), col("current_replicas"), col("desired_replicas"), col("rescale")];
  const out: Rescale[] = [];
  for (const row of decisions.rows()) {
    if (String(row[rescale]) !== "true") continue;
    out.push({ hpa: String(row[hpa]), at_ms: Math.round(Number(row[time]) * 1000), from: Number(row[current]), to: Number(row[desired]) });
  }
  return out;
}

/**
 * Each observed Service's own autoscalers, with the selector of the Deployment each scales: its
 * HPAs (namespace/name), and the controller plugins that scaled one of its Deployments (by name).
 */
export function ownHpas(store: ClusterStore, service: ObservedService, plugins: PluginRescales["targets"] = []): { hpa: string; selector: Deployment["spec"]["selector"] }[] {
  const out: { hpa: string; selector: Deployment["spec"]["selector"] }[] = [];
  const own = (name: string, deploymentName: string) => {
    const deployment = store.get<Deployment>("Deployment", service.namespace, deploymentName);
    if (deployment !== undefined && selects(service.selector, deployment.spec.template.metadata.labels)) out.push({ hpa: name, selector: deployment.spec.selector });
  };
  for (const hpa of store.list<StoredHorizontalPodAutoscaler>("HorizontalPodAutoscaler", service.namespace)) {
    const ref = hpa.spec.scaleTargetRef;
    if (ref.kind === "Deployment") own(`${service.namespace}/${hpa.metadata.name}`, ref.name);
  }
  for (const p of plugins) if (p.namespace === service.namespace) own(p.controller, p.name);
  return out.sort((a, b) => (a.hpa < b.hpa ? -1 : a.hpa > b.hpa ? 1 : 0));
}

export function lagAnatomy(observer: LagObserver, store: ClusterStore, hpaRescales: readonly Rescale[], duration_ms: number, plugins: PluginRescales = { rescales: [], targets: [] }): LagRow[] {
  const rows: LagRow[] = [];
  const rescales = plugins.rescales.length === 0 ? hpaRescales : [...hpaRescales, ...plugins.rescales];
  for (const service of observer.services) {
    const hpas = ownHpas(store, service, plugins.targets);
    const targets = hpas.length > 0 ? hpas : [null];
    for (const own of targets) {
      service.steps.forEach((step, i) => {
        const until_ms = i + 1 < service.steps.length ? service.steps[i + 1].at_ms : duration_ms;
        const add = (stage: LagStage, at_ms: number | null, pods = NaN) => {
          if (at_ms !== null && !(at_ms >= step.at_ms)) throw new Error(`lag anatomy: ${stage} at ${at_ms} ms is before its step at ${step.at_ms} ms`);
          const reached = at_ms !== null && at_ms < until_ms;
          rows.push({
            service: service.key,
            hpa: own?.hpa ?? "",
            step_s: step.at_ms / 1000,
            direction: step.direction,
            rate_before_rps: step.before_rps,
            rate_after_rps: step.after_rps,
            stage,
            at_s: reached ? at_ms / 1000 : NaN,
            after_step_s: reached ? (at_ms - step.at_ms) / 1000 : NaN,
            pods,
          });
        };
        add("metrics_90pct", service.metrics_ms[i]);
        const up = step.direction === "up";
        const rescale = own === null ? undefined : rescales.find((r) => r.hpa === own.hpa && r.at_ms >= step.at_ms && r.at_ms < until_ms && (up ? r.to > r.from : r.to < r.from));
        add("hpa_rescale", rescale?.at_ms ?? null);
        if (!up) return;
        const added = rescale === undefined ? 0 : rescale.to - rescale.from;
        const pods = rescale === undefined || own === null ? [] : newPods(observer, service, own.selector, rescale.at_ms, added);
        const last = (of: (p: PodTimes) => number | null | undefined): number | null => {
          if (pods.length === 0 || pods.length < added) return null;
          let latest = -Infinity;
          for (const p of pods) {
            const t = of(p);
            if (t === null || t === undefined) return null;
            latest = Math.max(latest, t);
          }
          return latest;
        };
        add("pods_created", last((p) => p.created_ms), added || NaN);
        add("pods_scheduled", last((p) => p.scheduled_ms), added || NaN);
        add("pods_ready", last((p) => p.ready_ms), added || NaN);
        add("pods_serving", last((p) => p.serving_ms.get(service.key)), added || NaN);
      });
    }
  }
  return rows;
}

/** The first `count` pods of the HPA's Deployment created at or after its rescale: the ones it added. */
function newPods(observer: LagObserver, service: ObservedService, selector: Deployment["spec"]["selector"], from_ms: number, count: number): PodTimes[] {
  const out: PodTimes[] = [];
  for (const p of observer.pods.values()) {
    if (out.length === count) break;
    if (p.namespace === service.namespace && p.created_ms >= from_ms && labelSelectorMatches(selector, p.labels)) out.push(p);
  }
  return out;
}

/** lag.csv: the rows in LAG_COLUMNS order, cells by engine/csv.ts's rule (an unreached stage's cells empty). */
export function lagCsv(rows: readonly LagRow[]): string {
  return stringify(
    rows.map((r) => LAG_COLUMNS.map((c) => r[c])),
    { header: true, columns: [...LAG_COLUMNS], cast: CSV_CAST },
  );
}
