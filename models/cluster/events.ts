/**
 * The run's event log (events.csv): pod lifecycle, scheduling failures, autoscaler decisions.
 * Columns follow `kubectl get events` loosely: who reported it, about which object, what, why.
 */
import { Recorder } from "../../engine/index.js";

export const EVENT_COLUMNS = ["time_s", "component", "kind", "name", "event", "reason", "message"] as const;

export class EventLog {
  readonly recorder = new Recorder(EVENT_COLUMNS);
  /** Counts per `${component}/${event}/${reason}`, for summaries and tests. */
  readonly counts = new Map<string, number>();

  constructor(private readonly enabled = true) {}

  emit(time_ms: number, component: string, kind: string, name: string, event: string, reason: string, message = ""): void {
    const key = `${component}/${event}/${reason}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    if (this.enabled) this.recorder.add([time_ms / 1000, component, kind, name, event, reason, message]);
  }

  count(component: string, event: string, reason: string): number {
    return this.counts.get(`${component}/${event}/${reason}`) ?? 0;
  }
}
