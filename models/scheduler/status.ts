/**
 * Plugin statuses, as k8s.io/kube-scheduler/framework interface.go Status / Code.
 *
 * Only the codes a filter can return here are modelled: Success, Unschedulable (preemption might
 * help) and UnschedulableAndUnresolvable (it cannot). Every status the filters return is one of a
 * small set of frozen constants, so filtering 200 nodes allocates nothing; a status's `reasons`
 * are upstream's reason strings, counted into FitError's histogram.
 */

export type Code = "Success" | "Unschedulable" | "UnschedulableAndUnresolvable";

export interface Status {
  readonly code: Code;
  /** Upstream Status.Reasons(): one entry per failure reason, in the plugin's order. */
  readonly reasons: readonly string[];
  /** The plugin that produced the status (Status.Plugin()); "" for success. */
  readonly plugin: string;
}

export const SUCCESS: Status = Object.freeze({ code: "Success", reasons: Object.freeze([]), plugin: "" });

export function newStatus(code: Code, plugin: string, ...reasons: string[]): Status {
  return Object.freeze({ code, reasons: Object.freeze(reasons), plugin });
}

export function isSuccess(s: Status): boolean {
  return s.code === "Success";
}

/** Status.IsRejected(): Unschedulable or UnschedulableAndUnresolvable. */
export function isRejected(s: Status): boolean {
  return s.code === "Unschedulable" || s.code === "UnschedulableAndUnresolvable";
}

/** framework MaxNodeScore / MinNodeScore: every plugin's normalized score lies in [0, 100]. */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;
