/**
 * The per-pod core's modules export no numeric `const`: V8 keeps an exported binding in its
 * module's cell and its optimized code loads it, checked for initialisation, at every use (in the
 * defining module too), where a module-local `const` or a const enum member is a constant. At
 * metrics-server's store of a pod, which reads a dozen field offsets, that was a fifth of its
 * instructions (docs/PERFORMANCE.md, "Exported constants are not constants"). Offsets and limits
 * these modules share are const enums, which tsc writes in as numbers at each use.
 */
import t from "tap";
import fs from "node:fs";
import path from "node:path";

/** The modules whose code runs per pod and per sample in a fleet's steady state. */
const PER_POD_CORE = [
  "models/cadvisor",
  "models/metrics-server",
  "models/kubelet/container-runtime.ts",
  "models/kubelet/pod-handles.ts",
  "models/workload/pod-server.ts",
  "models/workload/pod-servers.ts",
  "models/workload/request-server.ts",
  "models/service/traffic-totals.ts",
];

function sourceFiles(entry: string): string[] {
  if (entry.endsWith(".ts")) return [entry];
  return fs
    .readdirSync(entry, { encoding: "utf8" })
    .filter((f) => f.endsWith(".ts"))
    .sort()
    .map((f) => path.join(entry, f));
}

const EXPORTED_NUMBER = /^export const ([A-Za-z_$][\w$]*)\s*(?::\s*number\s*)?=\s*[-+(]*\s*(\d|0x|Number\.|Math\.|Infinity)/;

t.test("the per-pod core exports its numbers as const enums, not as consts", async (t) => {
  const files = PER_POD_CORE.flatMap(sourceFiles);
  t.ok(files.length >= PER_POD_CORE.length, `scanned ${files.length} files`);
  const findings: string[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    lines.forEach((line, i) => {
      const m = EXPORTED_NUMBER.exec(line);
      if (m) findings.push(`${file}:${i + 1}: exported number ${m[1]} (make it a const enum member, or module-local)`);
    });
  }
  t.same(findings, [], "no exported numeric const");
});

t.test("the lint sees an exported numeric const", async (t) => {
  for (const line of ["export const STRIDE = 8;", "export const LIMIT: number = -1;", "export const BIG = Number.MAX_SAFE_INTEGER;", "export const X = (2 ** 24);"]) {
    t.ok(EXPORTED_NUMBER.test(line), line);
  }
  for (const line of ["const STRIDE = 8;", "export const enum Point { Stride = 8 }", 'export const NAME = "x";', "export const EMPTY = Object.freeze([]);"]) {
    t.notOk(EXPORTED_NUMBER.test(line), line);
  }
});
