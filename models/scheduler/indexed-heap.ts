/**
 * A binary min-heap with O(log n) delete and update by key, as pkg/scheduler/backend/heap
 * Heap[T] (a keyed heap with AddOrUpdate / Delete / Peek / Pop). `less` must be a strict total
 * order over distinct items (callers end it with an insertion sequence), so pop order never
 * depends on the heap's internal layout.
 */
export class IndexedHeap<T> {
  private readonly items: T[] = [];
  private readonly positions = new Map<string, number>();

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly less: (a: T, b: T) => boolean,
  ) {}

  get length(): number {
    return this.items.length;
  }

  has(key: string): boolean {
    return this.positions.has(key);
  }

  get(key: string): T | undefined {
    const i = this.positions.get(key);
    return i === undefined ? undefined : this.items[i];
  }

  peek(): T | undefined {
    return this.items[0];
  }

  /** Inserts, or replaces the item with the same key and restores heap order. */
  addOrUpdate(item: T): void {
    const key = this.keyOf(item);
    const i = this.positions.get(key);
    if (i !== undefined) {
      this.items[i] = item;
      this.fix(i);
      return;
    }
    this.items.push(item);
    this.positions.set(key, this.items.length - 1);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    if (this.items.length === 0) return undefined;
    const top = this.items[0];
    this.removeAt(0);
    return top;
  }

  /** Removes the item with this key; false when absent. */
  delete(key: string): boolean {
    const i = this.positions.get(key);
    if (i === undefined) return false;
    this.removeAt(i);
    return true;
  }

  /** The items in pop order (copies and sorts; for inspection, not hot paths). */
  sorted(): T[] {
    return [...this.items].sort((a, b) => (this.less(a, b) ? -1 : this.less(b, a) ? 1 : 0));
  }

  private removeAt(i: number): void {
    const last = this.items.length - 1;
    this.positions.delete(this.keyOf(this.items[i]));
    if (i !== last) {
      this.items[i] = this.items[last];
      this.positions.set(this.keyOf(this.items[i]), i);
    }
    this.items.pop();
    if (i < this.items.length) this.fix(i);
  }

  private fix(i: number): void {
    if (!this.up(i)) this.down(i);
  }

  private up(i: number): boolean {
    let moved = false;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(this.items[i], this.items[parent])) break;
      this.swap(i, parent);
      i = parent;
      moved = true;
    }
    return moved;
  }

  private down(i: number): void {
    const n = this.items.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) return;
      let smallest = l;
      const r = l + 1;
      if (r < n && this.less(this.items[r], this.items[l])) smallest = r;
      if (!this.less(this.items[smallest], this.items[i])) return;
      this.swap(i, smallest);
      i = smallest;
    }
  }

  private swap(i: number, j: number): void {
    const a = this.items[i];
    const b = this.items[j];
    this.items[i] = b;
    this.items[j] = a;
    this.positions.set(this.keyOf(b), i);
    this.positions.set(this.keyOf(a), j);
  }
}
