/**
 * `assert(condition, message)`: an invariant of the simulator's own state, checked where it is
 * relied on. A failure is a bug in kubesim (never bad input, which gets a UserError with the file
 * and field), so it throws a plain Error that the CLI reports as an internal error.
 */
export class AssertionError extends Error {
  override readonly name = "AssertionError";
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(`invariant violated: ${message}`);
}
