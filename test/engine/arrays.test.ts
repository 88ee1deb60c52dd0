import t from "tap";
import { sameElements } from "../../engine/arrays.js";

t.test("sameElements compares by identity, in order", async (t) => {
  const a = { id: 1 };
  const b = { id: 1 };
  const same = [a, b];
  const cases: { name: string; x: readonly unknown[]; y: readonly unknown[]; want: boolean }[] = [
    { name: "the same array", x: same, y: same, want: true },
    { name: "equal strings", x: ["p1", "p2"], y: ["p1", "p2"], want: true },
    { name: "empty", x: [], y: [], want: true },
    { name: "other order", x: ["p1", "p2"], y: ["p2", "p1"], want: false },
    { name: "other length", x: ["p1"], y: ["p1", "p2"], want: false },
    { name: "equal-looking objects are not the same", x: [a], y: [b], want: false },
  ];
  for (const c of cases) t.equal(sameElements(c.x, c.y), c.want, c.name);
});
