import type { Command } from "commander";

/** Placeholder until the HPA oracle harness lands (issue 5). */
export function registerOracle(_program: Command): void {}
