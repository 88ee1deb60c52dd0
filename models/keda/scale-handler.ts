/**
 * pkg/scaling/scale_handler.go getScaledObjectState: one poll's verdict over all triggers.
 * cpu/memory triggers are not polled (the HPA reads them); a ScaledObject with only those is
 * always active, since KEDA has nothing that could ever say "idle".
 */
import { RESOURCE_TRIGGER_TYPES } from "./scalers/index.js";

/** One trigger's poll: active or not, or an error. cpu/memory triggers carry neither. */
export interface TriggerState {
  type: string;
  metricName?: string;
  isActive?: boolean;
  error?: boolean;
}

export interface ScaledObjectState {
  isActive: boolean;
  isError: boolean;
  /** The metric names of the active triggers, in trigger order. */
  activeTriggers: string[];
}

export function getScaledObjectState(triggers: readonly TriggerState[]): ScaledObjectState {
  let isActive = false;
  let isError = false;
  const activeTriggers: string[] = [];
  let resourceTriggers = 0;
  for (const t of triggers) {
    if (RESOURCE_TRIGGER_TYPES.includes(t.type)) {
      resourceTriggers++;
      continue;
    }
    if (t.error === true) {
      isError = true;
      continue;
    }
    if (t.isActive === true) {
      isActive = true;
      activeTriggers.push(t.metricName ?? t.type);
    }
  }
  if (triggers.length > 0 && resourceTriggers === triggers.length) isActive = true;
  return { isActive, isError, activeTriggers };
}
