/**
 * The store's per-bucket flag counts (addIndex's flagsOf, indexFlagCounts): kept equal to a count
 * over the bucket through creates, updates that keep or change an object's keys, flag changes
 * and deletes; an emptied bucket counts zero.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore, type StoredObject } from "../../../models/cluster/store.js";

interface Thing extends StoredObject {
  group: string;
  flags: number;
}

function thing(name: string, group: string, flags: number): Thing {
  return { kind: "Thing", metadata: { name }, group, flags } as unknown as Thing;
}

// What indexFlagCounts must equal: a walk over the bucket.
function walkedCounts(store: ClusterStore, group: string): number[] {
  const counts = [0, 0, 0, 0, 0, 0, 0, 0];
  for (const o of store.byIndex<Thing>("Thing", "group", group)) for (let bit = 0; bit < 8; bit++) if (o.flags & (1 << bit)) counts[bit]++;
  return counts;
}

t.test("flag counts follow creates, updates, key moves and deletes", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim);
  store.create<Thing>(thing("early", "a", 0b101));
  // An index added after objects exist counts them too.
  store.addIndex<Thing>("Thing", "group", (o) => [o.group], (o) => o.flags);
  const check = (label: string): void => {
    for (const group of ["a", "b"]) t.same(store.indexFlagCounts("Thing", "group", group), walkedCounts(store, group), `${label}: group ${group}`);
  };
  check("after addIndex");
  t.same(store.indexFlagCounts("Thing", "group", "a"), [1, 0, 1, 0, 0, 0, 0, 0]);
  const x = store.create<Thing>(thing("x", "a", 0b011));
  const y = store.create<Thing>(thing("y", "b", 0b001));
  check("after creates");
  t.same(store.indexFlagCounts("Thing", "group", "a"), [2, 1, 1, 0, 0, 0, 0, 0]);
  x.flags = 0b110;
  store.update(x);
  check("flags changed, same key");
  x.group = "b";
  store.update(x);
  check("key changed");
  t.same(store.indexFlagCounts("Thing", "group", "b"), [1, 1, 1, 0, 0, 0, 0, 0]);
  y.flags = 0;
  store.update(y);
  check("flags cleared");
  store.delete("Thing", "default", "x");
  store.delete("Thing", "default", "y");
  check("after deletes");
  t.same(store.indexFlagCounts("Thing", "group", "b"), [0, 0, 0, 0, 0, 0, 0, 0], "an emptied bucket counts zero");
});

t.test("bad flags and indexes without flags are refused", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim);
  store.addIndex<Thing>("Thing", "group", (o) => [o.group], (o) => o.flags);
  store.addIndex<Thing>("Thing", "plain", (o) => [o.group]);
  t.throws(() => store.create<Thing>(thing("bad", "a", 256)), /index flags must be an integer/);
  t.throws(() => store.indexFlagCounts("Thing", "plain", "a"), /counts no flags/);
});
