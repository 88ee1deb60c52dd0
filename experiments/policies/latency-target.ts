/**
 * A latency-target autoscaler as a kubesim controller plugin: it scales a Deployment on the
 * Service's p95 response time from Prometheus, not on CPU.
 *
 * Every `interval` seconds it reads the p95 (`query`, seconds) and compares it with
 * `targetLatencyMs`. Above the target it scales up in proportion to the overshoot (replicas ×
 * p95 / target, at most doubling per step: latency grows faster than linearly as pods saturate,
 * so a proportional step is a lower bound on what is needed). Below `lowWatermark` × target it
 * asks for one pod fewer. Between the two it keeps the size (the dead band stops the
 * oscillation a single threshold would cause). Scaling down also waits until every desire of
 * the last `scaleDownWindow` seconds was as low (its own stabilization), and never below
 * `minReplicas`. It writes the Deployment's scale subresource and records each step in its
 * decision log.
 */
import * as t from "io-ts";
import type { ControllerContext } from "../plugins/api.js";
import { applyScale, ScaleDownWindow } from "./scale-down-window.js";

export const configSchema = t.intersection([
  t.type({
    deployment: t.string,
    /** PromQL giving the p95 response time, seconds. */
    query: t.string,
    targetLatencyMs: t.number,
  }),
  t.partial({
    namespace: t.string,
    minReplicas: t.number,
    maxReplicas: t.number,
    /** Seconds between checks. */
    interval: t.number,
    /** Below this fraction of the target, one pod fewer is asked for. */
    lowWatermark: t.number,
    /** Largest factor of one scale-up. */
    maxScaleUpFactor: t.number,
    scaleDownWindow: t.number,
  }),
]);

export type LatencyTargetConfig = t.TypeOf<typeof configSchema>;

export const decisionColumns = ["deployment", "p95_ms", "target_ms", "desired", "replicas", "action"] as const;

export default function latencyTarget(ctx: ControllerContext, config: LatencyTargetConfig): void {
  const c = { namespace: "default", minReplicas: 1, maxReplicas: 100, interval: 15, lowWatermark: 0.5, maxScaleUpFactor: 2, scaleDownWindow: 300, ...config };
  const window = new ScaleDownWindow(c.scaleDownWindow);
  ctx.every(c.interval * 1000, (now_ms) => {
    const scale = ctx.getScale("Deployment", c.namespace, c.deployment);
    if (scale === undefined) return;
    const answer = ctx.metrics.prometheus(c.query);
    const p95_ms = "error" in answer || answer.value === null ? NaN : answer.value * 1000;
    if (!Number.isFinite(p95_ms)) {
      // No traffic (or no answer): nothing to go by.
      ctx.decide({ deployment: c.deployment, p95_ms: null, target_ms: c.targetLatencyMs, desired: null, replicas: scale.replicas, action: "no latency" });
      return;
    }
    const current = Math.max(scale.replicas, 1);
    let desired = current;
    if (p95_ms > c.targetLatencyMs) desired = Math.ceil(current * Math.min(c.maxScaleUpFactor, p95_ms / c.targetLatencyMs));
    else if (p95_ms < c.lowWatermark * c.targetLatencyMs) desired = current - 1;
    desired = Math.min(c.maxReplicas, Math.max(c.minReplicas, desired));
    const stabilized = window.stabilize(now_ms, desired, scale.replicas);
    const action = applyScale(ctx, c.namespace, c.deployment, scale.replicas, stabilized);
    ctx.decide({ deployment: c.deployment, p95_ms: Math.round(p95_ms * 1000) / 1000, target_ms: c.targetLatencyMs, desired: stabilized, replicas: scale.replicas, action });
  });
}
