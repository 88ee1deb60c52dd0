/**
 * ContainerPoints' slot placement (container-points.ts): a preferred slot is taken when free and
 * never when held; the slots skipped to reach it are reused later, lowest first; compacting a lazily kept free
 * list changes nothing that popping from it would take.
 */
import t from "tap";
import { ContainerPoints, Point } from "../../../models/metrics-server/container-points.js";
import { compactFree } from "../../../models/metrics-server/slot-allocator.js";

t.test("a preferred slot is taken only when free; skipped slots are reused", async (t) => {
  const points = new ContainerPoints();
  t.equal(points.alloc("a", 5), 5, "a free preferred slot is taken");
  t.equal(points.alloc("b", 5), 0, "a held one is not: the lowest skipped slot is");
  t.same([points.alloc("c"), points.alloc("d"), points.alloc("e"), points.alloc("f")], [1, 2, 3, 4], "then the other skipped ones, in increasing order");
  t.equal(points.alloc("g"), 6, "then new slots");
  points.data[2 * Point.Stride] = 7;
  points.release(2);
  t.equal(points.names[2], "", "a released slot has no name");
  t.equal(points.alloc("h", 2), 2, "a released slot can be preferred");
  t.equal(points.data[2 * Point.Stride], 0, "and is zeroed");
  points.release(3);
  t.equal(points.alloc("i", 200), 200, "a preferred slot beyond the capacity grows the table");
  t.equal(points.names[200], "i");
  t.equal(points.alloc("j"), 7, "the lowest slot skipped on the way there");
  t.equal(points.alloc("k", 3), 3, "the released slot 3, preferred, although also in the free list");
});

t.test("compactFree keeps what popping would take, in order", async (t) => {
  for (let seed = 1; seed <= 200; seed++) {
    let s = seed;
    const rnd = (n: number) => ((s = (s * 1103515245 + 12345) % 2147483648), s % n);
    const free = Array.from({ length: 1 + rnd(30) }, () => rnd(10));
    const isFree = (slot: number) => slot % 3 !== 0;
    const pops = (list: number[]) => {
      const copy = [...list];
      const taken: number[] = [];
      const used = new Set<number>();
      while (copy.length > 0) {
        const x = copy.pop()!;
        if (isFree(x) && !used.has(x)) {
          used.add(x);
          taken.push(x);
        }
      }
      return taken;
    };
    const before = pops(free);
    const compacted = [...free];
    compactFree(compacted, isFree);
    t.same(pops(compacted), before, `seed ${seed}: the same slots in the same order`);
    t.equal(new Set(compacted).size, compacted.length, `seed ${seed}: each slot once`);
    t.ok(compacted.every(isFree), `seed ${seed}: only free slots`);
  }
});
