import t from "tap";
import { resized } from "../../engine/typed-arrays.js";

t.test("resized keeps the type and the contents, zero-fills the rest", async (t) => {
  const f = resized(Float64Array.of(1.5, -2), 4);
  t.ok(f instanceof Float64Array);
  t.same([...f], [1.5, -2, 0, 0]);
  const i = resized(Int32Array.of(-7), 3);
  t.ok(i instanceof Int32Array);
  t.same([...i], [-7, 0, 0]);
  t.same([...resized(Uint32Array.of(9, 8), 2)], [9, 8]);
});
