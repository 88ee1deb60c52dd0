/**
 * The updater loop's per-VPA decisions that do not need the cluster: which update modes it
 * processes and which path (eviction or in-place) a mode takes. From kubernetes/autoscaler
 * vertical-pod-autoscaler/pkg/updater/logic/updater.go RunOnce (VPA 1.8).
 */
import { getUpdateMode, hasStartupBoost } from "./api.js";
import type { VpaSpecView } from "./types.js";

export type UpdatePath = "evict" | "inPlace" | "none";

/**
 * RunOnce's mode gates: whether the VPA is processed at all (Recreate, Auto, InPlaceOrRecreate,
 * InPlace, or a startup boost), and whether its pods go to eviction or in-place resize.
 */
export function updaterModeDecision(vpa: VpaSpecView, features: { inPlace: boolean }): { processed: boolean; path: UpdatePath } {
  const updateMode = getUpdateMode(vpa);
  const processed =
    updateMode === "Recreate" || updateMode === "Auto" || updateMode === "InPlaceOrRecreate" || updateMode === "InPlace" || hasStartupBoost(vpa);
  if (!processed) return { processed, path: "none" };
  if (updateMode === "Off" || updateMode === "Initial") return { processed, path: "none" };
  if (updateMode === "InPlaceOrRecreate" || (updateMode === "InPlace" && features.inPlace)) return { processed, path: "inPlace" };
  // InPlace without its feature gate: skipped with a warning.
  if (updateMode === "InPlace") return { processed, path: "none" };
  return { processed, path: "evict" };
}
