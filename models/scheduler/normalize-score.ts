/**
 * Port of framework/plugins/helper/normalize_score.go DefaultNormalizeScore: rescales scores from
 * [0, max(scores)] to [0, maxPriority] with integer division, optionally reversed (so a plugin
 * can count something bad, like intolerable taints, and still rank the fewest highest).
 *
 * Works in place on the first `n` entries of a plain or typed array, so the scheduler can keep one
 * scratch buffer for all plugins.
 */
export function defaultNormalizeScore(
  maxPriority: number,
  reverse: boolean,
  scores: { [i: number]: number; length: number },
  n: number = scores.length,
): void {
  let maxCount = 0;
  for (let i = 0; i < n; i++) if (scores[i] > maxCount) maxCount = scores[i];

  if (maxCount === 0) {
    if (reverse) for (let i = 0; i < n; i++) scores[i] = maxPriority;
    return;
  }
  for (let i = 0; i < n; i++) {
    // Go int64 division truncates; scores are non-negative, so trunc == floor.
    let score = Math.trunc((maxPriority * scores[i]) / maxCount);
    if (reverse) score = maxPriority - score;
    scores[i] = score;
  }
}
