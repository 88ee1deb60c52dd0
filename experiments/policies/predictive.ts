/**
 * A predictive autoscaler as a kubesim controller plugin: it forecasts a Service's request rate
 * and scales the Deployment ahead of it by the pods' start-up time, where the HPA only reacts to
 * CPU that has already risen.
 *
 * Every `interval` seconds it reads the request rate from Prometheus (`query`, the same numbers a
 * real operator would scrape), updates Holt's double exponential smoothing (level and trend) and,
 * with `seasonPeriod` set and a season of history, a seasonal-naive forecast (the rate one season
 * before the horizon, scaled by how this season's level compares with the last's). The forecast
 * `leadTime` ahead is the larger of the two; the desired replicas are the larger of what the
 * forecast and the current rate need at `targetRpsPerPod`, within [minReplicas, maxReplicas].
 * Scaling up is immediate; scaling down takes the highest desire of the last `scaleDownWindow`
 * seconds (as the HPA's stabilization window does). It writes the Deployment's scale
 * subresource and records each step in `predictive-decisions.csv` (its `name`'s).
 *
 * As an operator: with `config: {fromCustomResources: true}` it runs one such loop per
 * `PredictiveAutoscaler` custom resource (apiVersion policies.kubesim.io/v1alpha1) in the
 * manifests, its settings from the resource's spec (`scaleTargetRef.name` is the Deployment, the
 * other keys as in `config`), following the resource as it is changed or deleted.
 */
import * as t from "io-ts";
import type { Cancellable, ControllerContext, ObjectView } from "../plugins/api.js";
import { applyScale, ScaleDownWindow } from "./scale-down-window.js";

const settings = {
  required: t.type({
    /** The Deployment to scale. */
    deployment: t.string,
    /** PromQL giving the offered request rate, requests/s. */
    query: t.string,
    /** Requests per second one pod serves at the wanted utilization. */
    targetRpsPerPod: t.number,
  }),
  optional: t.partial({
    namespace: t.string,
    minReplicas: t.number,
    maxReplicas: t.number,
    /** Seconds between forecasts. */
    interval: t.number,
    /** Seconds ahead to forecast: how long a new pod takes to serve. */
    leadTime: t.number,
    /** Holt's smoothing of the level and the trend, in (0, 1]. */
    alpha: t.number,
    beta: t.number,
    /** Seconds in one season (86400: daily); 0 = no seasonal forecast. */
    seasonPeriod: t.number,
    scaleDownWindow: t.number,
  }),
};

const direct = t.intersection([settings.required, settings.optional]);

export const configSchema = t.union([direct, t.type({ fromCustomResources: t.literal(true) })]);

export type PredictiveSettings = t.TypeOf<typeof direct>;
export type PredictiveConfig = t.TypeOf<typeof configSchema>;

/** The PredictiveAutoscaler custom resource's spec, as its settings. */
const resourceSpec = t.intersection([t.type({ scaleTargetRef: t.type({ name: t.string }), query: t.string, targetRpsPerPod: t.number }), settings.optional]);

export const CUSTOM_RESOURCE_KIND = "PredictiveAutoscaler";

export const decisionColumns = ["deployment", "rate_rps", "forecast_rps", "holt_rps", "seasonal_rps", "desired", "replicas", "action"] as const;

export default function predictive(ctx: ControllerContext, config: PredictiveConfig): void {
  if (!("fromCustomResources" in config)) {
    autoscale(ctx, config);
    return;
  }
  const loops = new Map<string, Cancellable>();
  ctx.watch(CUSTOM_RESOURCE_KIND, (type, object: ObjectView) => {
    const key = `${object.metadata.namespace}/${object.metadata.name}`;
    loops.get(key)?.cancel();
    loops.delete(key);
    if (type === "DELETED") return;
    const spec = resourceSpec.decode(object.spec);
    if (spec._tag === "Left") {
      ctx.event(CUSTOM_RESOURCE_KIND, object.metadata.name, "Warning", "InvalidSpec", "spec needs scaleTargetRef.name, query and targetRpsPerPod");
      return;
    }
    const { scaleTargetRef, ...rest } = spec.right;
    loops.set(key, autoscale(ctx, { namespace: object.metadata.namespace, ...rest, deployment: scaleTargetRef.name }));
  });
}

/** One Deployment's forecasting loop; cancel it to stop. */
function autoscale(ctx: ControllerContext, settings: PredictiveSettings): Cancellable {
  const c = {
    namespace: "default", minReplicas: 1, maxReplicas: 100, interval: 15, leadTime: 60, alpha: 0.5, beta: 0.3, seasonPeriod: 0, scaleDownWindow: 300,
    ...settings,
  };
  const steps = Math.max(1, Math.round(c.leadTime / c.interval));
  const seasonSteps = c.seasonPeriod > 0 ? Math.round(c.seasonPeriod / c.interval) : 0;
  const history: number[] = [];
  const levels: number[] = [];
  const window = new ScaleDownWindow(c.scaleDownWindow);
  let level: number | null = null;
  let trend = 0;

  return ctx.every(c.interval * 1000, (now_ms) => {
    const answer = ctx.metrics.prometheus(c.query);
    const scale = ctx.getScale("Deployment", c.namespace, c.deployment);
    if (scale === undefined) return;
    if ("error" in answer || answer.value === null || !Number.isFinite(answer.value)) {
      ctx.decide({ deployment: c.deployment, rate_rps: null, forecast_rps: null, holt_rps: null, seasonal_rps: null, desired: null, replicas: scale.replicas, action: "no rate" });
      return;
    }
    const rate = answer.value;
    // Holt's linear method: level and trend per interval.
    if (level === null) {
      level = rate;
    } else {
      const previous = level;
      level = c.alpha * rate + (1 - c.alpha) * (level + trend);
      trend = c.beta * (level - previous) + (1 - c.beta) * trend;
    }
    history.push(rate);
    levels.push(level);
    const holt = Math.max(0, level + trend * steps);
    // Seasonal naive: what the rate was one season before the horizon, scaled by the level's change since.
    let seasonal: number | null = null;
    const back = history.length - 1 - seasonSteps + steps;
    if (seasonSteps > 0 && back >= 0 && history.length > seasonSteps) {
      const then = levels[history.length - 1 - seasonSteps];
      seasonal = Math.max(0, history[back] * (then > 0 ? level / then : 1));
    }
    const forecast = Math.max(holt, seasonal ?? 0);
    const needed = Math.ceil(Math.max(forecast, rate) / c.targetRpsPerPod);
    const desired = Math.min(c.maxReplicas, Math.max(c.minReplicas, needed));
    const stabilized = window.stabilize(now_ms, desired, scale.replicas);
    const action = applyScale(ctx, c.namespace, c.deployment, scale.replicas, stabilized);
    ctx.decide({
      deployment: c.deployment,
      rate_rps: round(rate),
      forecast_rps: round(forecast),
      holt_rps: round(holt),
      seasonal_rps: seasonal === null ? null : round(seasonal),
      desired: stabilized,
      replicas: scale.replicas,
      action,
    });
  });
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
