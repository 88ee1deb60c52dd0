/**
 * Determinism for plugin code: while a plugin's factory, timer or watch handler runs, the three
 * sources of nondeterminism a JavaScript module could reach for throw instead, naming the plugin.
 * A plugin draws from `ctx.random()` and reads `ctx.now_ms()`.
 */
import { UserError } from "../errors.js";

/** What a guarded call names when it refuses. */
export interface PluginIdentity {
  name: string;
  module: string;
}

type Owner = Record<string, unknown>;

const STUBBED: readonly (readonly [label: string, owner: Owner, key: string, instead: string])[] = [
  ["Math.random", Math as unknown as Owner, "random", "draw from ctx.random() (a seeded stream)"],
  ["Date.now", Date as unknown as Owner, "now", "read the simulated clock with ctx.now_ms()"],
  ["performance.now", performance as unknown as Owner, "now", "read the simulated clock with ctx.now_ms()"],
];

let depth = 0;

/** `fn` wrapped so that, while it runs, Math.random, Date.now and performance.now throw a UserError naming the plugin. */
export function guarded<A extends unknown[], R>(plugin: PluginIdentity, fn: (...args: A) => R): (...args: A) => R {
  return (...args: A): R => {
    // Nested guarded calls (a plugin's handler calling into a ctx method that calls back) keep the outer stubs.
    if (depth > 0) return fn(...args);
    const saved = STUBBED.map(([, owner, key]) => owner[key]);
    for (const [label, owner, key, instead] of STUBBED) {
      owner[key] = () => {
        throw new UserError(
          `controller "${plugin.name}" (${plugin.module}) called ${label}: plugin code must be deterministic`,
          `${instead}, so that the same seed gives the same run`,
          2,
        );
      };
    }
    depth++;
    try {
      return fn(...args);
    } finally {
      depth--;
      STUBBED.forEach(([, owner, key], i) => (owner[key] = saved[i]));
    }
  };
}
