/**
 * fleet-functions' reading of callgrind counts (experiments/bench/callgrind.ts): addresses of
 * V8's code named through its perf map (the latest code made at an address wins), JavaScript
 * names shortened with tiers merged, a callgrind file summed by function with absolute, relative
 * and repeated addresses, and calls' inclusive costs kept apart from the caller's own.
 */
import t from "tap";
import { CodeMap, shortName, splitByFunction } from "../../../experiments/bench/callgrind.js";

const MAP = [
  "1000 100 Builtin:LoadIC",
  "2000 80 JS:~advance kubesim/dist/models/a.js:10:5",
  "2000 80 JS:*advance kubesim/dist/models/a.js:10:5",
  "3000 40 JS:^ kubesim/dist/models/b.js:3:1",
  "2040 10 JS:*later kubesim/dist/models/c.js:7:2",
].join("\n");

t.test("shortName merges tiers and keeps the dist-relative file and line", async (t) => {
  t.equal(shortName("JS:*advance file:///w/dist/models/a.js:10:5"), "advance models/a.js:10");
  t.equal(shortName("JS:~advance file:///w/dist/models/a.js:10:5"), "advance models/a.js:10");
  t.equal(shortName("JS:^ file:///w/dist/models/b.js:3:1"), "(anonymous) models/b.js:3");
  t.equal(shortName("JS:^isURL node:internal/url:763:15"), "isURL node:internal/url:763");
  t.equal(shortName("Builtin:LoadIC"), "Builtin:LoadIC");
});

t.test("CodeMap names an address by the latest code covering it", async (t) => {
  const code = new CodeMap(MAP);
  t.equal(code.nameAt(0x1000), "Builtin:LoadIC");
  t.equal(code.nameAt(0x10ff), "Builtin:LoadIC");
  t.equal(code.nameAt(0x1100), null, "past its end");
  t.equal(code.nameAt(0x2010), "advance models/a.js:10");
  t.equal(code.nameAt(0x2045), "later models/c.js:7", "made after advance, over part of it");
  t.equal(code.nameAt(0x3020), "(anonymous) models/b.js:3");
  t.equal(code.nameAt(0x0fff), null, "before everything");
});

t.test("splitByFunction sums own costs by function and calls apart", async (t) => {
  const text = [
    "positions: instr line",
    "events: Ir",
    "fn=(1) native_fn",
    "0x500 0 10",
    "+4 0 5",
    "calls=1 0x900 0",
    "+2 0 1000",
    "fn=(2) 0x0000000000002000",
    "0x2000 0 7",
    "+16 0 3",
    "* 0 2",
    "cfn=(3) Builtins_LoadIC",
    "calls=2 0x1000 0",
    "+1 0 40",
    "cfn=(5) 0x0000000000003000",
    "calls=1 0x3000 0",
    "+1 0 500",
    "cfn=(6) Builtins_Call_ReceiverIsAny",
    "calls=1 0x3000 0",
    "+0 0 600",
    "0x1010 0 9",
    "calls=1 0x3000 0",
    "+0 0 700",
    "0x2046 0 11",
    "-7 0 4",
    "fn=(1)",
    "0x510 0 1",
    "fn=(4) ???",
    "0x9999 0 6",
  ].join("\n");
  const s = splitByFunction(text, new CodeMap(MAP));
  t.equal(s.self.get("native_fn"), 16, "a named function's own costs, its call excluded");
  t.equal(s.self.get("advance models/a.js:10"), 7 + 3 + 2 + 4, "JIT code by address: absolute, +n, * and -n");
  t.equal(s.self.get("later models/c.js:7"), 11);
  t.equal(s.self.get("Builtin:LoadIC"), 9, "a builtin's own cost by the map's name");
  t.equal(s.self.get("(V8 code not in the map)"), 6);
  t.equal(s.total, 16 + 16 + 11 + 9 + 6, "the total is the own costs");
  t.same([...s.calls], [["advance models/a.js:10 → Builtins_LoadIC", 40]], "a JIT call's inclusive cost into a builtin, by caller and callee; calls into other JavaScript, through call builtins or from a builtin are not counted");
});

t.test("splitByFunction sums the event it is asked for, by the file's events line", async (t) => {
  const text = [
    "positions: instr line",
    "events: Ir Dr Dw I1mr D1mr D1mw ILmr DLmr DLmw",
    "fn=(1) native_fn",
    "0x500 0 10 4 1 0 2 0 0 1 0",
    "+4 0 5 2 0 0 1 0 0 0 0",
    "fn=(2) 0x0000000000002000",
    "0x2000 0 7 3 1 0 3 1 0 2 1",
  ].join("\n");
  const ir = splitByFunction(text, new CodeMap(MAP));
  t.equal(ir.total, 22, "Ir by default");
  const misses = splitByFunction(text, new CodeMap(MAP), "DLmr");
  t.equal(misses.self.get("native_fn"), 1);
  t.equal(misses.self.get("advance models/a.js:10"), 2);
  t.equal(misses.total, 3);
  t.throws(() => splitByFunction(text, new CodeMap(MAP), "Bc"), /counts Ir, Dr.*not Bc/, "an event the file does not count is refused");
});
