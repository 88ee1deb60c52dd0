/**
 * The cluster state store: kubesim's API server. Controllers read objects from it, write them
 * back, and learn about changes through watches, as Kubernetes controllers talk only through the
 * API server. No component reaches into another's private state.
 *
 * Objects are stored by reference and updated in place (a controller mutates the object it got
 * and calls `update`), which keeps 5,000-pod runs cheap. Every write bumps the store-wide
 * resourceVersion. Watch notifications are delivered as kernel events `watchDelay_ms` after the
 * write (default 0: same instant, after the writer's event finishes), never synchronously, so a
 * controller is never re-entered while it is half-way through a change. A delayed notification
 * carries the object as it is when delivered, as an informer cache would have caught up by then.
 *
 * Iteration order everywhere is creation order (Maps keep insertion order), so listing is
 * deterministic.
 */
import type { Simulation } from "../../engine/index.js";
import type { ObjectMeta } from "./types.js";

export interface StoredObject {
  kind: string;
  metadata: ObjectMeta;
}

export type WatchEventType = "ADDED" | "MODIFIED" | "DELETED";
export type WatchHandler<T extends StoredObject> = (type: WatchEventType, object: T) => void;

/** Metadata a caller supplies on create; the store fills uid, resourceVersion, timestamps. */
export type NewObject<T extends StoredObject> = Omit<T, "metadata"> & {
  metadata: Partial<ObjectMeta> & { name: string };
};

export class StoreError extends Error {
  constructor(
    message: string,
    readonly reason: "AlreadyExists" | "NotFound" | "Invalid" | "Forbidden",
  ) {
    super(message);
    this.name = "StoreError";
  }
}

interface Index<T extends StoredObject> {
  keysOf: (object: T) => readonly string[];
  buckets: Map<string, Set<T>>;
  keysByUid: Map<string, readonly string[]>;
  /** Per key: bumped whenever an object with that key is added, changed or removed. */
  versions: Map<string, number>;
  /** Optional flags per object (see addIndex), counted per bucket; null when not asked for. */
  flagsOf: ((object: T) => number) | null;
  flagsByUid: Map<string, number>;
  /** Per key: how many of the bucket's objects have each flag bit set (index = bit). */
  flagCounts: Map<string, number[]>;
}

/** How many flag bits an index may count (bit 0 .. INDEX_FLAG_BITS - 1). */
const INDEX_FLAG_BITS = 8;
const NO_FLAG_COUNTS: readonly number[] = Object.freeze(new Array<number>(INDEX_FLAG_BITS).fill(0));

class Collection<T extends StoredObject> {
  readonly objects = new Map<string, T>();
  /**
   * Never mutated: watch and unwatch replace the array, so a notification that captured it
   * delivers to exactly the watchers subscribed when the write happened.
   */
  watchers: readonly WatchHandler<T>[] = [];
  readonly indexes = new Map<string, Index<T>>();
}

export function objectKey(namespace: string, name: string): string {
  return namespace === "" ? name : `${namespace}/${name}`;
}

export class ClusterStore {
  private readonly collections = new Map<string, Collection<StoredObject>>();
  private resourceVersion = 0;
  private uidCounter = 0;

  /**
   * Admission (models/cluster/admission.ts): may change an object being created, or refuse it
   * by throwing a Forbidden StoreError. Null: everything is admitted as given.
   */
  admission: ((object: NewObject<StoredObject>, namespace: string) => void) | null = null;

  constructor(
    private readonly sim: Simulation,
    readonly watchDelay_ms = 0,
  ) {}

  get now_ms(): number {
    return this.sim.now_ms;
  }

  /** Creates an object, filling uid, resourceVersion and creationTimestamp. */
  create<T extends StoredObject>(input: NewObject<T>): T {
    const collection = this.collection<T>(input.kind);
    const namespace = input.metadata.namespace ?? (input.kind === "Node" ? "" : "default");
    const key = objectKey(namespace, input.metadata.name);
    if (collection.objects.has(key)) {
      throw new StoreError(`${input.kind} "${key}" already exists`, "AlreadyExists");
    }
    this.admission?.(input as NewObject<StoredObject>, namespace);
    const object = input as unknown as T;
    object.metadata = {
      labels: {},
      annotations: {},
      ownerReferences: [],
      deletionTimestamp_ms: null,
      ...input.metadata,
      namespace,
      uid: `uid-${String(++this.uidCounter).padStart(6, "0")}`,
      creationTimestamp_ms: this.sim.now_ms,
      resourceVersion: ++this.resourceVersion,
    } as ObjectMeta;
    collection.objects.set(key, object);
    for (const index of collection.indexes.values()) this.indexAdd(index, object);
    this.notify(collection, "ADDED", object);
    return object;
  }

  get<T extends StoredObject>(kind: string, namespace: string, name: string): T | undefined {
    return this.collection<T>(kind).objects.get(objectKey(namespace, name));
  }

  /** `get` by the object's key (`objectKey(namespace, name)`), for a caller that keeps the key. */
  getByKey<T extends StoredObject>(kind: string, key: string): T | undefined {
    return this.collection<T>(kind).objects.get(key);
  }

  /** Objects of a kind (optionally one namespace) in creation order. */
  list<T extends StoredObject>(kind: string, namespace?: string): T[] {
    const out: T[] = [];
    for (const object of this.collection<T>(kind).objects.values()) {
      if (namespace === undefined || object.metadata.namespace === namespace) out.push(object);
    }
    return out;
  }

  count(kind: string): number {
    return this.collection(kind).objects.size;
  }

  /** Records an in-place change of a stored object: bumps resourceVersion, reindexes, notifies. */
  update<T extends StoredObject>(object: T): T {
    const collection = this.collection<T>(object.kind);
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    if (collection.objects.get(key) !== object) {
      throw new StoreError(`${object.kind} "${key}" is not the stored object (deleted, or a copy)`, "NotFound");
    }
    object.metadata.resourceVersion = ++this.resourceVersion;
    for (const index of collection.indexes.values()) {
      const keys = index.keysByUid.get(object.metadata.uid);
      if (keys !== undefined && sameKeys(keys, index.keysOf(object))) {
        bumpVersions(index, keys);
        if (index.flagsOf !== null) recountFlags(index, object, keys);
        continue;
      }
      this.indexRemove(index, object);
      this.indexAdd(index, object);
    }
    this.notify(collection, "MODIFIED", object);
    return object;
  }

  /** Removes an object at once (pods go through graceful deletion in the kubelet first). */
  delete<T extends StoredObject>(kind: string, namespace: string, name: string): T {
    const collection = this.collection<T>(kind);
    const key = objectKey(namespace, name);
    const object = collection.objects.get(key);
    if (!object) throw new StoreError(`${kind} "${key}" not found`, "NotFound");
    collection.objects.delete(key);
    for (const index of collection.indexes.values()) this.indexRemove(index, object);
    object.metadata.resourceVersion = ++this.resourceVersion;
    this.notify(collection, "DELETED", object);
    return object;
  }

  /** Subscribes to changes of one kind; returns the unsubscribe function. */
  watch<T extends StoredObject>(kind: string, handler: WatchHandler<T>): () => void {
    const collection = this.collection<T>(kind);
    collection.watchers = [...collection.watchers, handler];
    return () => {
      collection.watchers = collection.watchers.filter((h) => h !== handler);
    };
  }

  /**
   * Adds a secondary index (like client-go's Indexers): `keysOf` maps an object to its index
   * keys (e.g. a pod's node name, its controller's uid). Kept current on every write.
   *
   * `flagsOf`, when given, maps an object to a few flag bits (below 2^INDEX_FLAG_BITS) that the
   * index counts per bucket, re-evaluated at every write of the object (see indexFlagCounts).
   * It must depend only on the object and on state that cannot change without a write of it.
   */
  addIndex<T extends StoredObject>(
    kind: string,
    name: string,
    keysOf: (object: T) => readonly string[],
    flagsOf: ((object: T) => number) | null = null,
  ): void {
    const collection = this.collection<T>(kind);
    if (collection.indexes.has(name)) throw new StoreError(`index ${kind}/${name} already exists`, "Invalid");
    const index: Index<T> = { keysOf, buckets: new Map(), keysByUid: new Map(), versions: new Map(), flagsOf, flagsByUid: new Map(), flagCounts: new Map() };
    collection.indexes.set(name, index);
    for (const object of collection.objects.values()) this.indexAdd(index, object);
  }

  /** Objects whose index `name` has `key`, in the order they entered the bucket. */
  byIndex<T extends StoredObject>(kind: string, name: string, key: string): ReadonlySet<T> {
    const index = this.collection<T>(kind).indexes.get(name);
    if (!index) throw new StoreError(`no index ${kind}/${name}`, "Invalid");
    return index.buckets.get(key) ?? EMPTY_SET;
  }

  /**
   * A number that changes whenever the bucket `key` of index `name` may answer differently: an
   * object entered or left it, or one of its objects was updated. Lets a reader keep what it
   * derived from a bucket until then.
   */
  indexVersion(kind: string, name: string, key: string): number {
    const index = this.collection(kind).indexes.get(name);
    if (!index) throw new StoreError(`no index ${kind}/${name}`, "Invalid");
    return index.versions.get(key) ?? 0;
  }

  /**
   * For the bucket `key` of index `name`: element b is how many of its objects had flag bit b
   * set when last written (all zero for an empty bucket). Lets a controller read a count over a
   * bucket (e.g. a ReplicaSet's ready pods) without walking it. The array is the index's own:
   * read it, do not keep it.
   */
  indexFlagCounts(kind: string, name: string, key: string): readonly number[] {
    const index = this.collection(kind).indexes.get(name);
    if (!index) throw new StoreError(`no index ${kind}/${name}`, "Invalid");
    if (index.flagsOf === null) throw new StoreError(`index ${kind}/${name} counts no flags`, "Invalid");
    return index.flagCounts.get(key) ?? NO_FLAG_COUNTS;
  }

  hasIndex(kind: string, name: string): boolean {
    return this.collection(kind).indexes.has(name);
  }

  private collection<T extends StoredObject>(kind: string): Collection<T> {
    let c = this.collections.get(kind);
    if (!c) {
      c = new Collection();
      this.collections.set(kind, c);
    }
    return c as unknown as Collection<T>;
  }

  /**
   * One kernel event per write delivers it to every watcher of the kind, in subscription order.
   * The same order as one event per watcher: a watcher's own same-instant events are queued
   * behind this one either way (no model schedules ahead of priority 0), and a write costs one
   * queue entry instead of one per watcher.
   */
  private notify<T extends StoredObject>(collection: Collection<T>, type: WatchEventType, object: T): void {
    const watchers = collection.watchers;
    if (watchers.length === 0) return;
    this.sim.schedule(this.watchDelay_ms, () => {
      for (let i = 0; i < watchers.length; i++) watchers[i](type, object);
    });
  }

  private indexAdd<T extends StoredObject>(index: Index<T>, object: T): void {
    const keys = index.keysOf(object);
    index.keysByUid.set(object.metadata.uid, keys);
    bumpVersions(index, keys);
    if (index.flagsOf !== null) {
      const flags = checkedFlags(index.flagsOf(object));
      index.flagsByUid.set(object.metadata.uid, flags);
      addFlagCounts(index, keys, flags, 1);
    }
    for (const key of keys) {
      let bucket = index.buckets.get(key);
      if (!bucket) {
        bucket = new Set();
        index.buckets.set(key, bucket);
      }
      bucket.add(object);
    }
  }

  private indexRemove<T extends StoredObject>(index: Index<T>, object: T): void {
    const keys = index.keysByUid.get(object.metadata.uid);
    if (!keys) return;
    index.keysByUid.delete(object.metadata.uid);
    bumpVersions(index, keys);
    if (index.flagsOf !== null) {
      addFlagCounts(index, keys, index.flagsByUid.get(object.metadata.uid)!, -1);
      index.flagsByUid.delete(object.metadata.uid);
    }
    for (const key of keys) {
      const bucket = index.buckets.get(key);
      if (!bucket) continue;
      bucket.delete(object);
      if (bucket.size === 0) {
        index.buckets.delete(key);
        index.flagCounts.delete(key);
      }
    }
  }
}

const EMPTY_SET: ReadonlySet<never> = new Set();

function bumpVersions<T extends StoredObject>(index: Index<T>, keys: readonly string[]): void {
  for (const key of keys) index.versions.set(key, (index.versions.get(key) ?? 0) + 1);
}

// An update that keeps the object's keys: move its flag counts from the old flags to the new.
function recountFlags<T extends StoredObject>(index: Index<T>, object: T, keys: readonly string[]): void {
  const uid = object.metadata.uid;
  const before = index.flagsByUid.get(uid)!;
  const after = checkedFlags(index.flagsOf!(object));
  if (after === before) return;
  index.flagsByUid.set(uid, after);
  addFlagCounts(index, keys, before, -1);
  addFlagCounts(index, keys, after, 1);
}

function checkedFlags(flags: number): number {
  if (!(Number.isInteger(flags) && flags >= 0 && flags < 2 ** INDEX_FLAG_BITS)) {
    throw new RangeError(`index flags must be an integer in [0, 2^${INDEX_FLAG_BITS}), got ${flags}`);
  }
  return flags;
}

function addFlagCounts<T extends StoredObject>(index: Index<T>, keys: readonly string[], flags: number, delta: 1 | -1): void {
  if (flags === 0) return;
  for (const key of keys) {
    let counts = index.flagCounts.get(key);
    if (counts === undefined) {
      counts = new Array<number>(INDEX_FLAG_BITS).fill(0);
      index.flagCounts.set(key, counts);
    }
    for (let bit = 0; bit < INDEX_FLAG_BITS; bit++) if (flags & (1 << bit)) counts[bit] += delta;
  }
}

function sameKeys(a: readonly string[] | undefined, b: readonly string[]): boolean {
  if (!a || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
