/**
 * PodSummaryTable's per-list hints: a hinted read answers what a fresh lookup answers, after the
 * slot was freed and given to another pod, after the list was edited in place, and when the same
 * list is read for another namespace.
 */
import t from "tap";
import { PodSummaryTable } from "../../../models/metrics-server/pod-summaries.js";

function harness() {
  const table = new PodSummaryTable();
  const slots = new Map<string, number>(); // "ns/name" -> slot: the caller's lookup
  const add = (ns: string, name: string, cpuMilli: number) => {
    const slot = table.alloc(ns, name);
    slots.set(`${ns}/${name}`, slot);
    table.setReturned(slot, 1_000, 15_000, 1, cpuMilli, 0);
  };
  const remove = (ns: string, name: string) => {
    table.release(slots.get(`${ns}/${name}`)!);
    slots.delete(`${ns}/${name}`);
  };
  const read = (ns: string, names: readonly string[]) => {
    const seen: [string, number][] = [];
    table.visit(ns, names, (n) => slots.get(`${ns}/${n}`) ?? -1, { pod: (name, _ts, _w, _c, cpuMilli) => seen.push([name, cpuMilli]) });
    return seen;
  };
  return { add, remove, read };
}

t.test("hinted reads follow frees, reuse, in-place edits and namespaces", async (t) => {
  const { add, remove, read } = harness();
  add("a", "p1", 10);
  add("a", "p2", 20);
  add("b", "p1", 30);
  const list = ["p1", "p2"];
  t.same(read("a", list), [["p1", 10], ["p2", 20]]);
  t.same(read("a", list), [["p1", 10], ["p2", 20]], "again, from the hints");
  // p1's slot freed, then taken by another pod: the hint must not read it as p1.
  remove("a", "p1");
  add("a", "p9", 90);
  t.same(read("a", list), [["p2", 20]], "p1 is gone");
  add("a", "p1", 11); // back, in another slot
  t.same(read("a", list), [["p1", 11], ["p2", 20]]);
  list[1] = "p9"; // edited in place
  t.same(read("a", list), [["p1", 11], ["p9", 90]]);
  t.same(read("b", list), [["p1", 30]], "same list, other namespace");
  t.same(read("a", list), [["p1", 11], ["p9", 90]], "and back");
});
