/**
 * The example policies' shared step: hold a scale-down until every desire of the last window
 * was as low (the HPA's scale-down stabilization), then write the scale subresource and say what
 * was done, as a decision log's `action`.
 */
import type { ControllerContext } from "../plugins/api.js";

export class ScaleDownWindow {
  private readonly desires: { at_ms: number; replicas: number }[] = [];

  constructor(private readonly window_s: number) {}

  /** The replicas to ask for now: `desired` when it is no lower than `current`, else the window's highest desire (at most `current`). */
  stabilize(now_ms: number, desired: number, current: number): number {
    this.desires.push({ at_ms: now_ms, replicas: desired });
    while (this.desires.length > 0 && this.desires[0].at_ms <= now_ms - this.window_s * 1000) this.desires.shift();
    return desired >= current ? desired : Math.min(current, Math.max(desired, ...this.desires.map((d) => d.replicas)));
  }
}

/** Sets the Deployment's replicas when they change; "keep", "scale up", "scale down" or why the API refused. */
export function applyScale(ctx: ControllerContext, namespace: string, deployment: string, current: number, wanted: number): string {
  if (wanted === current) return "keep";
  const result = ctx.updateScale("Deployment", namespace, deployment, wanted);
  if (!result.ok) return `refused: ${result.message}`;
  return wanted > current ? "scale up" : "scale down";
}
