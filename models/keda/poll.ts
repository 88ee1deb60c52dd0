/**
 * One polling cycle of a ScaledObject: pkg/scaling/scale_handler.go checkScalers /
 * getScaledObjectState over every trigger's GetMetricsAndActivity, then the executor's
 * RequestScale. cpu/memory triggers are skipped (the HPA reads them).
 */
import { requestScale, type ScaleDecision } from "./executor.js";
import { getScaledObjectState, type ScaledObjectState, type TriggerState } from "./scale-handler.js";
import { buildScaler, RESOURCE_TRIGGER_TYPES, type TriggerObservation } from "./scalers/index.js";
import type { ScaledObject } from "./types.js";

export interface TriggerPoll {
  metricName: string;
  /** NaN when the trigger failed. */
  metricValueMilli: number;
  isActive: boolean;
  /** Why the trigger could not be read, if it could not. */
  error?: string;
}

export interface PollResult {
  /** One entry per external trigger, in trigger order. */
  triggers: TriggerPoll[];
  state: ScaledObjectState;
  decision: ScaleDecision;
}

/** `observations[i]` is what trigger i reads this poll (unused for cpu/memory triggers). */
export function pollScaledObject(so: ScaledObject, currentReplicas: number, observations: readonly TriggerObservation[], now_s: number): PollResult {
  const triggers: TriggerPoll[] = [];
  const states: TriggerState[] = [];
  so.spec.triggers.forEach((trigger, i) => {
    if (RESOURCE_TRIGGER_TYPES.includes(trigger.type)) {
      states.push({ type: trigger.type });
      return;
    }
    const scaler = buildScaler(trigger);
    const { metricName } = scaler.getMetricSpecForScaling(i);
    const observation = observations[i] ?? {};
    if (observation.error !== undefined) {
      // checkScalers: the trigger's error makes the ScaledObject's state an error.
      triggers.push({ metricName, metricValueMilli: NaN, isActive: false, error: observation.error });
      states.push({ type: trigger.type, metricName, error: true });
      return;
    }
    const r = scaler.getMetricsAndActivity(observation);
    triggers.push({ metricName, metricValueMilli: r.metricValueMilli, isActive: r.isActive });
    states.push({ type: trigger.type, metricName, isActive: r.isActive });
  });
  const state = getScaledObjectState(states);
  return { triggers, state, decision: requestScale(so, currentReplicas, state.isActive, state.isError, now_s) };
}
