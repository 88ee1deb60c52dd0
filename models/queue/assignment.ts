/**
 * How a consumer group's members share a topic and how one consumer shares its CPU over the
 * partitions it owns: pure functions the broker model (broker.ts) calls at each change.
 */

/**
 * The range assignor (Kafka's RangeAssignor; sarama BalanceStrategyRange, the default of both):
 * members sorted by id, each takes a contiguous run of floor(P / n) partitions, the first P mod n
 * one more; members beyond P get none (idle consumers). Returns each partition's member index.
 */
export function rangeAssign(members: number, partitions: number): Int32Array {
  const owner = new Int32Array(partitions).fill(-1);
  if (members === 0) return owner;
  const each = Math.floor(partitions / members);
  const extra = partitions % members;
  let p = 0;
  for (let m = 0; m < members && p < partitions; m++) {
    const n = each + (m < extra ? 1 : 0);
    for (let k = 0; k < n; k++) owner[p++] = m;
  }
  return owner;
}

/**
 * A consumer's take rate per partition it owns: it fetches from them in turn, so its capacity is
 * shared max-min fairly. A partition with a backlog wants as much as it can get; an empty one
 * wants what arrives. `wants[i]` (Infinity = backlogged) → `out[i]`.
 */
export function fairShares(capacity: number, wants: readonly number[], out: number[]): void {
  const n = wants.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => wants[a] - wants[b] || a - b);
  let left = capacity;
  for (let k = 0; k < n; k++) {
    const i = order[k];
    const fair = left / (n - k);
    out[i] = Math.min(wants[i], fair);
    left -= out[i];
  }
}
