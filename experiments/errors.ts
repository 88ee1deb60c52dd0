/**
 * A mistake the user can fix (bad flag, unreadable file, invalid scenario). The CLI prints it as
 * one line plus a hint and exits with `exitCode`, never with a stack trace.
 */
export class UserError extends Error {
  constructor(
    message: string,
    readonly hint: string = "",
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = "UserError";
  }
}
