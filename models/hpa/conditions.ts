/** Port of horizontal.go setConditionInList: HPA status conditions keep their first-set order. */
import type { ConditionStatus } from "../cluster/types.js";
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerConditionType } from "./types.js";

// horizontal.go setConditionInList: updates the condition of that type in place (its slot keeps
// its position) or appends it; the transition time moves only when the status changes.
export function setConditionInList(
  inputList: readonly HorizontalPodAutoscalerCondition[],
  conditionType: HorizontalPodAutoscalerConditionType | "",
  status: ConditionStatus | "",
  reason: string,
  message: string,
  now_ms: number,
): HorizontalPodAutoscalerCondition[] {
  const resList = inputList.map((c) => ({ ...c }));
  let existing = resList.find((c) => c.type === conditionType);
  if (existing === undefined) {
    // Go's zero time for a fresh condition; the status check below stamps it.
    existing = { type: conditionType, status: "", reason: "", message: "", lastTransitionTime_ms: 0 };
    resList.push(existing);
  }
  if (existing.status !== status) existing.lastTransitionTime_ms = now_ms;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  return resList;
}
