/**
 * Slot numbers for metrics-server's row tables (pod records, container points): a slot can be
 * asked for by number (a running pod's handle index, so that rows lie in node order as the
 * runtime's and cAdvisor's do) and is taken when free; otherwise the lowest slot freed or
 * skipped most recently, else a new one. Deterministic: the order depends only on the calls.
 *
 * The free list is kept lazily: a slot taken by number stays in it and is skipped when popped,
 * and the list is compacted before such entries pile up. Whether a slot is free is the owner's
 * to say (`isFree`), from its own rows.
 */
export class SlotAllocator {
  /** Slots below this may be in use; the free ones among them are in `free`. */
  private used = 0;
  private readonly free: number[] = [];

  constructor(private readonly isFree: (slot: number) => boolean) {}

  /** Slots ever handed out are below this. */
  get bound(): number {
    return this.used;
  }

  /** A free slot: `preferred` when it is free (-1: none preferred), else another. */
  take(preferred: number): number {
    let slot = preferred >= 0 && this.isFree(preferred) ? preferred : -1;
    while (slot < 0 && this.free.length > 0) {
      const s = this.free.pop()!;
      if (this.isFree(s)) slot = s;
    }
    if (slot < 0) slot = this.used;
    // Slots skipped on the way to this one are free for later (pushed high to low: popped lowest first).
    for (let s = slot - 1; s >= this.used; s--) this.free.push(s);
    if (slot >= this.used) this.used = slot + 1;
    return slot;
  }

  /** `slot` is free again (the owner has marked it so). */
  release(slot: number): void {
    this.free.push(slot);
    if (this.free.length > 2 * this.used) compactFree(this.free, this.isFree);
  }
}

/**
 * Keeps, in order, the entries of a lazily kept free list that are still free, each once (its
 * latest place): what popping from it would take is unchanged.
 */
export function compactFree(free: number[], isFree: (slot: number) => boolean): void {
  const seen = new Set<number>();
  let kept = free.length;
  for (let i = free.length - 1; i >= 0; i--) {
    const s = free[i];
    if (!isFree(s) || seen.has(s)) continue;
    seen.add(s);
    free[--kept] = s;
  }
  free.splice(0, kept);
}
