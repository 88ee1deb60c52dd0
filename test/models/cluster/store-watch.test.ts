/**
 * The store's watch delivery: after the write (never inside it), to every watcher of the kind in
 * subscription order, in write order, one kernel event per write; a watcher subscribed or
 * unsubscribed after a write does not change who receives that write.
 */
import t from "tap";
import { Simulation } from "../../../engine/index.js";
import { ClusterStore, type StoredObject } from "../../../models/cluster/store.js";

interface Thing extends StoredObject {
  value: number;
}

function thing(name: string, value: number): Thing {
  return { kind: "Thing", metadata: { name }, value } as unknown as Thing;
}

t.test("every watcher gets every write, after it, in subscription and write order", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim);
  const log: string[] = [];
  store.watch<Thing>("Thing", (type, o) => log.push(`A ${type} ${o.metadata.name}`));
  store.watch<Thing>("Thing", (type, o) => log.push(`B ${type} ${o.metadata.name}`));
  store.watch<StoredObject>("Other", () => log.push("other"));
  sim.schedule(0, () => {
    const x = store.create<Thing>(thing("x", 1));
    store.create<Thing>(thing("y", 2));
    x.value = 3;
    store.update(x);
    log.push("writer done");
  });
  sim.run();
  t.same(log, ["writer done", "A ADDED x", "B ADDED x", "A ADDED y", "B ADDED y", "A MODIFIED x", "B MODIFIED x"]);
  t.equal(sim.events_processed, 4, "the writer's event and one per write");
});

t.test("a watcher's same-instant event runs after the other watchers of that write", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim);
  const log: string[] = [];
  store.watch<Thing>("Thing", () => {
    log.push("A");
    sim.schedule(0, () => log.push("A's follow-up"));
  });
  store.watch<Thing>("Thing", () => log.push("B"));
  sim.schedule(0, () => store.create<Thing>(thing("x", 1)));
  sim.run();
  t.same(log, ["A", "B", "A's follow-up"]);
});

t.test("subscriptions are fixed per write: later (un)subscribes change later writes only", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim);
  const log: string[] = [];
  const stopA = store.watch<Thing>("Thing", (_type, o) => log.push(`A ${o.metadata.name}`));
  sim.schedule(0, () => {
    store.create<Thing>(thing("x", 1));
    stopA();
    store.watch<Thing>("Thing", (_type, o) => log.push(`B ${o.metadata.name}`));
    store.create<Thing>(thing("y", 1));
  });
  sim.run();
  t.same(log, ["A x", "B y"]);
});

t.test("a delayed watch delivers the object as it is at delivery", async (t) => {
  const sim = new Simulation();
  const store = new ClusterStore(sim, 100);
  const seen: Array<[number, number]> = [];
  store.watch<Thing>("Thing", (_type, o) => seen.push([sim.now_ms, o.value]));
  sim.schedule(0, () => {
    const x = store.create<Thing>(thing("x", 1));
    sim.schedule(50, () => {
      x.value = 2;
      store.update(x);
    });
  });
  sim.run();
  t.same(seen, [[100, 2], [150, 2]]);
});
