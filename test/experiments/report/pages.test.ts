/**
 * The comparison page (`kubesim compare`, with and without replications) and a sweep's report,
 * opened in headless Debian chromium from file:// as a reader would: no console or page errors,
 * no network requests, every chart laid out, and a full-page screenshot of each (kept where
 * KUBESIM_KEEP_SCREENSHOTS names a folder, to look at).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import t from "tap";
import { chromium } from "playwright-core";
import { CHROMIUM_ARGS, ensureChromium, watchPage } from "./chromium.js";
import { tempDir } from "../../temp-dir.js";

t.setTimeout(15 * 60_000);
const cli = (...args: string[]) => spawnSync(process.execPath, ["--import", "tsx", "experiments/cli.ts", ...args], { encoding: "utf8" });
const tmp = tempDir("kubesim-pages-");

t.test("the comparison pages and a sweep report in headless chromium", { timeout: 15 * 60_000 }, async (t) => {
  const short = path.join(tmp, "short.yaml");
  fs.writeFileSync(short, `apiVersion: kubesim.io/v1alpha1\nkind: Scenario\nmetadata: {name: php-apache-short}\nextends: ${path.resolve("experiments/scenarios/php-apache/tuned.yaml")}\nduration: 10m\n`);
  const pages: [string, string, number][] = [];
  let r = cli("compare", "experiments/scenarios/php-apache/scenario.yaml", short, "--out", path.join(tmp, "compare"), "--quiet");
  t.equal(r.status, 0, r.stderr);
  pages.push(["compare", path.join(tmp, "compare", "index.html"), 3]);
  r = cli("compare", "experiments/scenarios/php-apache/scenario.yaml", short, "--replications", "2", "--out", path.join(tmp, "compare-reps"), "--quiet");
  t.equal(r.status, 0, r.stderr);
  pages.push(["compare-replications", path.join(tmp, "compare-reps", "index.html"), 1]);
  r = cli("sweep", "test/experiments/sweep/fixtures/tiny-grid.yaml", "--out", path.join(tmp, "sweep"));
  t.equal(r.status, 0, r.stderr);
  const sweepCharts = fs.readdirSync(path.join(tmp, "sweep", "charts")).filter((f) => f.endsWith(".svg")).length;
  pages.push(["sweep", path.join(tmp, "sweep", "report.html"), sweepCharts]);

  const browser = await chromium.launch({ executablePath: ensureChromium(), args: CHROMIUM_ARGS, headless: true, timeout: 120_000 });
  t.teardown(() => browser.close());
  const keep = process.env.KUBESIM_KEEP_SCREENSHOTS;
  for (const [name, file, charts] of pages) {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const { problems, requests } = watchPage(page);
    await page.goto(pathToFileURL(file).href, { waitUntil: "load", timeout: 60_000 });
    t.same(problems, [], `${name}: no console errors, page errors or dialogs`);
    t.same(requests, [], `${name}: no network requests`);
    const svgs = page.locator("svg");
    t.equal(await svgs.count(), charts, `${name}: ${charts} chart(s)`);
    for (let i = 0; i < charts; i++) {
      const box = await svgs.nth(i).boundingBox();
      t.ok(box !== null && box.width > 100 && box.height > 100, `${name}: chart ${i + 1} laid out (${box?.width}x${box?.height})`);
    }
    const table = await page.locator("table").first().boundingBox();
    t.ok(table !== null, `${name}: a table`);
    const shot = path.join(tmp, `${name}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    t.ok(fs.statSync(shot).size > 10_000, `${name}: screenshot taken`);
    if (keep) fs.copyFileSync(shot, path.join(keep, `${name}.png`));
    await page.close();
  }
});
