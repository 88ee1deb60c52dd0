/**
 * Finds Debian's chromium for the browser tests, installing it once if it is missing.
 * CI runs as root on Debian 12 from a fresh clone, so the tests must bring their own browser:
 * playwright's own browser download cannot be reached from these machines, Debian's package can.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";

export const CHROMIUM_PATH = "/usr/bin/chromium";

// Flags that keep a headless run quiet and offline (no update checks, sync, or QUIC probes);
// --no-sandbox because CI runs as root, where chromium's sandbox refuses to start.
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** Returns the chromium path, running apt-get once if it is not there yet. */
export function ensureChromium(): string {
  if (fs.existsSync(CHROMIUM_PATH)) return CHROMIUM_PATH;
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const sudo = isRoot ? [] : ["sudo", "-n"];
  const run = (args: string[]): void => {
    const [cmd, ...rest] = [...sudo, ...args];
    // Up to 10 minutes: apt on a busy machine is slow, and a hang should fail, not stall CI.
    execFileSync(cmd, rest, {
      stdio: ["ignore", "ignore", "inherit"],
      timeout: 600_000,
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  };
  run(["apt-get", "update"]);
  run(["apt-get", "install", "-y", "chromium"]);
  if (!fs.existsSync(CHROMIUM_PATH)) throw new Error(`apt-get installed chromium but ${CHROMIUM_PATH} is missing`);
  return CHROMIUM_PATH;
}

/**
 * Records what a clean offline page must not do: console errors, page errors and dialogs
 * (`problems`, each dialog dismissed), and requests other than file: and data: (`requests`).
 */
export function watchPage(page: import("playwright-core").Page): { problems: string[]; requests: string[] } {
  const problems: string[] = [];
  const requests: string[] = [];
  page.on("console", (msg) => {
    if (msg.type() === "error") problems.push(`console: ${msg.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`pageerror: ${err.message}`));
  page.on("dialog", (d) => {
    problems.push(`dialog: ${d.message()}`);
    void d.dismiss();
  });
  page.on("request", (req) => {
    if (!req.url().startsWith("file:") && !req.url().startsWith("data:")) requests.push(req.url());
  });
  return { problems, requests };
}
