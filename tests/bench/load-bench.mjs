// App load time in headless Chromium: from navigation until the code input is usable; a first visit in a
// fresh context (empty cache), then reloads served by the service worker. Prints JSON (medians).
import { launchBrowser } from "../support/browser.mjs";

const [url] = process.argv.slice(2);
const RUNS = 5;
const median = (values) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)];
const browser = await launchBrowser();
try {
  const cold = [];
  const cached = [];
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    let start = Date.now();
    await page.goto(`${url}/#/check`);
    await page.locator("#code-input").waitFor();
    cold.push(Date.now() - start);
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), null, { timeout: 10_000 }).catch(() => page.reload());
    start = Date.now();
    await page.reload();
    await page.locator("#code-input").waitFor();
    cached.push(Date.now() - start);
    await context.close();
  }
  console.log(JSON.stringify({ runs: RUNS, cold_ms: median(cold), cached_ms: median(cached) }));
} finally {
  await browser.close();
}
