/**
 * Loading a controller plugin: a TypeScript or JavaScript module read without a build step
 * (tsx's require, synchronous, so a scenario's plugins are checked with the rest of it), its
 * default-exported factory, its config schema and its decision columns checked. Each load
 * evaluates the module afresh: two runs in one process (a sweep's worker) share no module state.
 */
import fs from "node:fs";
import { require as tsxRequire } from "tsx/cjs/api";
import type { PluginModule } from "./api.js";

export type LoadedPlugin = { ok: true; module: PluginModule } | { ok: false; error: string };

const DECISION_COLUMN = /^[a-z][a-z0-9_]*$/;

/** Loads the module at `file` (an absolute path) and checks its exports. */
export function loadPluginModule(file: string): LoadedPlugin {
  if (!fs.existsSync(file)) return { ok: false, error: `module not found: ${file}` };
  let exported: Record<string, unknown>;
  try {
    exported = tsxRequire(file, import.meta.url) as Record<string, unknown>;
  } catch (e) {
    const message = e instanceof Error ? e.message.split("\n")[0] : String(e);
    return { ok: false, error: `module ${file} failed to load: ${message}` };
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
  return { ok: true, module: exported as unknown as PluginModule };
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
