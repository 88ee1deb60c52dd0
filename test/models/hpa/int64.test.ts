import t from "tap";
import {
  addInt64,
  divInt64,
  float64ToInt32,
  int64ToJSON,
  MAX_INT64,
  mulInt64,
  parseInt64,
} from "../../../models/hpa/int64.js";

t.test("int64 arithmetic stays on numbers while exact and wraps like Go beyond", async (t) => {
  const cases: { name: string; got: unknown; want: unknown }[] = [
    { name: "small add", got: addInt64(2, 3), want: 5 },
    { name: "add leaves the safe range", got: addInt64(Number.MAX_SAFE_INTEGER, 1), want: 9007199254740992n },
    { name: "add wraps at 2^63", got: addInt64(MAX_INT64, 1), want: -9223372036854775808n },
    { name: "mul into bigint", got: mulInt64(4611686018427387904n, 1), want: 4611686018427387904n },
    { name: "div truncates toward zero", got: divInt64(-7, 2), want: -3 },
    { name: "div exact near 2^53", got: divInt64(9007199254740991, 3), want: 3002399751580330 },
    { name: "bigint div back to number", got: divInt64(9007199254740994n, 2), want: 4503599627370497 },
    { name: "parse decimal string", got: parseInt64("9223372036854775807"), want: MAX_INT64 },
    { name: "parse small string", got: parseInt64("42"), want: 42 },
    { name: "float to int32 truncates", got: float64ToInt32(-2.7), want: -2 },
    { name: "float to int32 out of range", got: float64ToInt32(1e10), want: -2147483648 },
    { name: "JSON keeps big values exact", got: int64ToJSON(MAX_INT64), want: "9223372036854775807" },
  ];
  for (const c of cases) t.same(c.got, c.want, c.name);
});
