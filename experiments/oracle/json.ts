/**
 * Reading oracle case files: their JSON shapes are loose (they come from files), so each accessor
 * checks what it reads and a malformed case becomes an OracleCaseError, which the CLI reports as
 * one line naming the case. Shared by every oracle harness (HPA, Cluster Autoscaler, ...).
 */
export type Json = Record<string, unknown>;

/** A malformed case: reported by the CLI as one line naming the case. */
export class OracleCaseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OracleCaseError";
  }
}

export function obj(x: unknown, what: string): Json {
  if (typeof x !== "object" || x === null || Array.isArray(x)) throw new OracleCaseError(`${what} must be an object`);
  return x as Json;
}

export function arr(x: unknown, what: string): unknown[] {
  if (!Array.isArray(x)) throw new OracleCaseError(`${what} must be an array`);
  return x;
}

export function num(x: unknown, what: string): number {
  if (typeof x !== "number" || !Number.isFinite(x)) throw new OracleCaseError(`${what} must be a number`);
  return x;
}

export function str(x: unknown, what: string): string {
  if (typeof x !== "string") throw new OracleCaseError(`${what} must be a string`);
  return x;
}
