/**
 * Opens report.html in headless Debian chromium from file:// (as a reader would, offline) and
 * checks the page is clean (no console errors, no page errors, no network requests) and that
 * every chart's SVG is laid out with a non-zero size.
 */
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import t from "tap";
import { chromium } from "playwright-core";
import { writeReport } from "../../../experiments/report/index.js";
import { CHROMIUM_ARGS, ensureChromium, watchPage } from "./chromium.js";
import { writeRunDir } from "./fixtures.js";

// Installing chromium (first run on a fresh machine) and starting it on a busy one take time.
t.setTimeout(15 * 60_000);

t.test("report.html in headless chromium", { timeout: 15 * 60_000 }, async (t) => {
  const executablePath = ensureChromium();
  const dir = writeRunDir();
  const written = await writeReport(dir);
  const chartNames = written.filter((f) => f.endsWith(".svg")).map((f) => path.basename(f, ".svg"));
  t.equal(chartNames.length, 4);

  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 120_000 });
  t.teardown(() => browser.close());
  const page = await browser.newPage();
  const { problems, requests } = watchPage(page);

  await page.goto(pathToFileURL(path.join(dir, "report.html")).href, { waitUntil: "load", timeout: 60_000 });
  t.same(problems, [], "no console errors, page errors or dialogs (alert from injected text)");
  t.same(requests, [], "no network requests");
  t.equal(await page.locator("img").count(), 0, "injected <img> stays text");
  t.match(await page.locator("header .description").innerText(), /<img src=x onerror=alert\(1\)>/);

  for (const name of chartNames) {
    const svg = page.locator(`figure[data-chart="${name}"] > svg`);
    t.equal(await svg.count(), 1, `${name}: SVG present`);
    const box = await svg.boundingBox();
    t.ok(box !== null && box.width > 100 && box.height > 100, `${name}: SVG laid out (${box?.width}x${box?.height})`);
  }
  await page.screenshot({ path: path.join(dir, "screenshot.png"), fullPage: true });
  if (process.env.KUBESIM_KEEP_SCREENSHOT) fs.copyFileSync(path.join(dir, "screenshot.png"), process.env.KUBESIM_KEEP_SCREENSHOT);
});
