/**
 * Loading a controller plugin: a TypeScript or JavaScript module read without a build step
 * (tsx's require, synchronous, so a scenario's plugins are checked with the rest of it), its
 * default-exported factory, its config schema and its decision columns checked. Each load
 * evaluates the module afresh: two runs in one process (a sweep's worker) share no module state.
 */
import fs from "node:fs";
import Module, { createRequire } from "node:module";
import path from "node:path";
import { require as tsxRequire } from "tsx/cjs/api";
import type { PluginModule } from "./api.js";

/** The module, and the files it was read from (itself and the local modules it imports, not packages). */
export type LoadedPlugin = { ok: true; module: PluginModule; files: string[] } | { ok: false; error: string };

const kubesimRequire = createRequire(import.meta.url);
const moduleCache = kubesimRequire.cache;

/**
 * A plugin may import kubesim's own dependencies (io-ts, fp-ts) from wherever it lives (a user's
 * folder, a sweep's copy under /tmp): kubesim's node_modules is searched last, as NODE_PATH is.
 * Done at the first plugin load, so a run without plugins leaves the process as it was.
 */
function resolveKubesimDependencies(): void {
  const kubesimModules = path.dirname(path.dirname(kubesimRequire.resolve("io-ts/package.json")));
  const nodePath = (process.env.NODE_PATH ?? "").split(path.delimiter).filter((p) => p !== "");
  if (nodePath.includes(kubesimModules)) return;
  process.env.NODE_PATH = [...nodePath, kubesimModules].join(path.delimiter);
  (Module as unknown as { _initPaths(): void })._initPaths();
}

const DECISION_COLUMN = /^[a-z][a-z0-9_]*$/;

/** Loads the module at `file` (an absolute path) and checks its exports. */
export function loadPluginModule(file: string): LoadedPlugin {
  if (!fs.existsSync(file)) return { ok: false, error: `module not found: ${file}` };
  resolveKubesimDependencies();
  let exported: Record<string, unknown>;
  const before = new Set(Object.keys(moduleCache));
  const files: string[] = [];
  try {
    exported = tsxRequire(file, import.meta.url) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { ok: false, error: `module ${file} failed to load: ${message}` };
  } finally {
    // What this load evaluated (tsx keys it by a fresh namespace): note the local files, then
    // drop the entries, which no later load would reuse.
    for (const key of Object.keys(moduleCache)) {
      if (before.has(key)) continue;
      const loaded = key.replace(/\?namespace=\d+$/, "");
      if (!loaded.split(path.sep).includes("node_modules")) files.push(loaded);
      delete moduleCache[key];
    }
  }
  const factory = exported.default;
  if (typeof factory !== "function") {
    return { ok: false, error: `module ${file} exports no factory: its default export must be a function (ctx, config) => void` };
  }
  const schema = exported.configSchema as { decode?: unknown } | undefined;
  if (schema !== undefined && typeof schema?.decode !== "function") {
    return { ok: false, error: `module ${file}: configSchema must be an io-ts codec (an object with decode)` };
  }
  const columns = exported.decisionColumns;
  if (columns !== undefined) {
    if (!Array.isArray(columns) || columns.some((c) => typeof c !== "string" || !DECISION_COLUMN.test(c) || c === "time_s") || new Set(columns).size !== columns.length) {
      return { ok: false, error: `module ${file}: decisionColumns must be distinct snake_case names other than time_s` };
    }
  }
  return { ok: true, module: exported as unknown as PluginModule, files };
}

/** io-ts's errors as "at config.<path>: expected <type>, got <value>" lines. */
export function describeDecodeErrors(left: unknown): string[] {
  if (!Array.isArray(left)) return [String(left)];
  return left.map((err: { context?: { key: string; type: { name: string } }[]; value?: unknown; message?: string }) => {
    if (err.message !== undefined) return err.message;
    const context = err.context ?? [];
    const path = context.map((c) => c.key).filter((k) => k !== "").join(".");
    const expected = context.length > 0 ? context[context.length - 1].type.name : "a valid value";
    return `${path === "" ? "" : `${path}: `}expected ${expected}, got ${JSON.stringify(err.value)}`;
  });
}

/** Decodes `config` with the module's schema (none: any map): the value, or the error lines. */
export function decodeConfig(module: PluginModule, config: unknown): { ok: true; value: unknown } | { ok: false; errors: string[] } {
  if (module.configSchema === undefined) return { ok: true, value: config };
  const result = module.configSchema.decode(config);
  return result._tag === "Right" ? { ok: true, value: result.right } : { ok: false, errors: describeDecodeErrors(result.left) };
}
