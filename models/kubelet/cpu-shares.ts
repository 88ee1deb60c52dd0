/**
 * How a node's CPU is divided when its pods want more than it has. Under CFS each container's
 * cgroup weight follows its CPU request (cpu.shares = request * 1024 / 1000, at least 2:
 * pkg/kubelet/cm/helpers_linux.go MilliCPUToShares), and the limit is a hard quota
 * (cpuCFSQuota). Averaged over a scheduling period the result is max-min fair sharing weighted
 * by shares ("water-filling"): every container gets min(demand, level * weight), with the level
 * chosen so the node is exactly full. A container that wants less than its fair share keeps
 * its demand and leaves the rest to the others.
 */

/** pkg/kubelet/cm/helpers_linux.go MilliCPUToShares. */
export function milliCpuToShares(request_mcores: number): number {
  const MIN_SHARES = 2;
  const MAX_SHARES = 262144;
  if (request_mcores === 0) return MIN_SHARES;
  const shares = Math.floor((request_mcores * 1024) / 1000);
  return Math.min(MAX_SHARES, Math.max(MIN_SHARES, shares));
}

/**
 * Writes into `allocation_mcores[i]` the CPU each of `count` containers receives, given their
 * demands (already capped by their limits), weights (shares) and the node capacity. Allocates
 * nothing but the `order` scratch array, which callers may reuse (length >= count).
 */
export function waterFill(
  count: number,
  demand_mcores: ArrayLike<number>,
  weight: ArrayLike<number>,
  capacity_mcores: number,
  allocation_mcores: { [i: number]: number },
  order: number[] = [],
): void {
  let total = 0;
  for (let i = 0; i < count; i++) total += demand_mcores[i];
  if (total <= capacity_mcores) {
    for (let i = 0; i < count; i++) allocation_mcores[i] = demand_mcores[i];
    return;
  }
  // Satisfy containers in order of demand per unit weight; the rest share what remains.
  order.length = count;
  for (let i = 0; i < count; i++) order[i] = i;
  order.sort((a, b) => demand_mcores[a] / weight[a] - demand_mcores[b] / weight[b] || a - b);
  let remaining_mcores = capacity_mcores;
  let remainingWeight = 0;
  for (let i = 0; i < count; i++) remainingWeight += weight[i];
  for (let k = 0; k < count; k++) {
    const i = order[k];
    const fair_mcores = (remaining_mcores * weight[i]) / remainingWeight;
    const granted = Math.min(demand_mcores[i], fair_mcores);
    allocation_mcores[i] = granted;
    remaining_mcores -= granted;
    remainingWeight -= weight[i];
  }
}
