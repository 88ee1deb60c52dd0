/** Port of horizontal.go setConditionInList: HPA status conditions keep their first-set order. */
import type { ConditionStatus } from "../cluster/types.js";
import type { HorizontalPodAutoscalerCondition, HorizontalPodAutoscalerConditionType } from "./types.js";

// horizontal.go setConditionInList: updates the condition of that type in place (its slot keeps
// its position) or appends it; the transition time moves only when the status changes. Returns a
// new list and leaves the input alone.
export function setConditionInList(
  inputList: readonly HorizontalPodAutoscalerCondition[],
  conditionType: HorizontalPodAutoscalerConditionType | "",
  status: ConditionStatus | "",
  reason: string,
  message: string,
  now_ms: number,
): HorizontalPodAutoscalerCondition[] {
  const resList = copyConditions(inputList);
  setConditionInOwnList(resList, conditionType, status, reason, message, now_ms);
  return resList;
}

/** A list of the conditions' copies, which the caller may edit (setConditionInOwnList). */
export function copyConditions(list: readonly HorizontalPodAutoscalerCondition[]): HorizontalPodAutoscalerCondition[] {
  const copy: HorizontalPodAutoscalerCondition[] = [];
  copyConditionsInto(copy, list);
  return copy;
}

/**
 * Makes `target` a copy of `source` (which the caller may then edit), reusing `target`'s condition
 * objects: a reconcile builds its status's conditions from the stored ones at every sync, and in
 * a steady state that allocates nothing. `target` and `source` must not share objects.
 */
export function copyConditionsInto(target: HorizontalPodAutoscalerCondition[], source: readonly HorizontalPodAutoscalerCondition[]): void {
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (i === target.length) {
      target.push({ type: c.type, status: c.status, reason: c.reason, message: c.message, lastTransitionTime_ms: c.lastTransitionTime_ms });
      continue;
    }
    const t = target[i];
    t.type = c.type;
    t.status = c.status;
    t.reason = c.reason;
    t.message = c.message;
    t.lastTransitionTime_ms = c.lastTransitionTime_ms;
  }
  // Setting an array's length is a call into V8's runtime even when it does not change.
  if (target.length !== source.length) target.length = source.length;
}

/**
 * setConditionInList on a list the caller owns, edited in place as upstream edits its slice: a
 * reconcile sets four or five conditions on the same list, and copying it each time is waste.
 */
export function setConditionInOwnList(
  list: HorizontalPodAutoscalerCondition[],
  conditionType: HorizontalPodAutoscalerConditionType | "",
  status: ConditionStatus | "",
  reason: string,
  message: string,
  now_ms: number,
): void {
  let existing: HorizontalPodAutoscalerCondition | undefined;
  for (let i = 0; i < list.length; i++) {
    if (list[i].type === conditionType) {
      existing = list[i];
      break;
    }
  }
  if (existing === undefined) {
    // Go's zero time for a fresh condition; the status check below stamps it.
    existing = { type: conditionType, status: "", reason: "", message: "", lastTransitionTime_ms: 0 };
    list.push(existing);
  }
  if (existing.status !== status) existing.lastTransitionTime_ms = now_ms;
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
}
