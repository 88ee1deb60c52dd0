/**
 * Keeps sources of accidental nondeterminism out of engine/ and models/: wall-clock reads,
 * unseeded randomness, locale-dependent comparison, host timers, and for-in iteration (whose
 * order over integer-like keys differs from insertion order).
 */
import t from "tap";
import fs from "node:fs";
import path from "node:path";

const ROOTS = ["engine", "models"];
const FORBIDDEN: [RegExp, string][] = [
  [/\bMath\.random\s*\(/, "Math.random (use a named seeded stream: sim.rng.stream(name))"],
  [/\bDate\.now\s*\(/, "Date.now (use the simulation clock)"],
  [/\bnew Date\s*\(/, "new Date (use the simulation clock)"],
  [/\bperformance\.now\s*\(/, "performance.now (use the simulation clock)"],
  [/\bprocess\.hrtime\b/, "process.hrtime (use the simulation clock)"],
  [/\b(setTimeout|setInterval|setImmediate)\s*\(/, "host timers (schedule on the kernel)"],
  [/\blocaleCompare\s*\(/, "localeCompare (locale-dependent; compare with < and >)"],
  [/\bfor\s*\(\s*(const|let|var)\s+\w+\s+in\s/, "for-in (order differs for integer-like keys; iterate a Map or sorted keys)"],
];

function sourceFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Blanks out comments so prose may mention the forbidden names. */
function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (m) => m.replace(/[^\n]/g, " ")).replace(/\/\/[^\n]*/g, "");
}

t.test("engine/ and models/ contain no nondeterministic constructs", async (t) => {
  const files = ROOTS.flatMap(sourceFiles);
  t.ok(files.length > 3, `scanned ${files.length} files`);
  const findings: string[] = [];
  for (const file of files) {
    const lines = stripComments(fs.readFileSync(file, "utf8")).split("\n");
    lines.forEach((line, i) => {
      for (const [pattern, why] of FORBIDDEN) if (pattern.test(line)) findings.push(`${file}:${i + 1}: ${why}`);
    });
  }
  t.same(findings, [], findings.join("\n"));
});

t.test("the lint recognises what it forbids", async (t) => {
  const hits = (code: string) => FORBIDDEN.filter(([p]) => p.test(stripComments(code))).length;
  t.equal(hits("const x = Math.random();"), 1);
  t.equal(hits("for (const k in obj) {}"), 1);
  t.equal(hits("a.localeCompare(b)"), 1);
  t.equal(hits("// Math.random() is banned"), 0, "comments are ignored");
  t.equal(hits("for (const k of map.keys()) {}"), 0);
});
