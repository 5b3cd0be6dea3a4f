// App load in headless Chromium. For each route, and each widget's page, a first visit in a fresh context: the
// wasm and JS bytes transferred (CDP `encodedDataLength`, compressed as served) until it is usable, and the time. The
// home page on a slow connection (1.6 Mbps, 150 ms round trip: Chromium's network emulation): when the
// frame shows (first contentful paint) and when the code field accepts input. Then loopback: a first visit
// (empty cache) and reloads served by the service worker. Prints JSON (medians).
import { launchBrowser } from "../support/browser.mjs";

const [url] = process.argv.slice(2);
const RUNS = 5;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const ROUTES = [
  { route: "/ (code check)", hash: "", ready: "#code-input" },
  { route: "#/status", hash: "#/status", ready: "#subject-query" },
  { route: "#/verify", hash: "#/verify", ready: "#verify-input" },
  { route: "#/commit", hash: "#/commit", ready: "#template-select" },
  { route: "#/keys (a route of the build with everything)", hash: "#/keys", ready: "#keys-title" },
];
// Pages with one widget, as a host page's iframe of our `/embed/` page loads them (the loader picks the
// smallest build with that widget): `module` names the build for the budget.
const WIDGETS = [
  { module: "xinnuo_widgets_check", query: "?widget=code-check", ready: "xinnuo-code-check #code-input" },
  { module: "xinnuo_widgets_status", query: "?widget=status&code=91140105123456788F", ready: "xinnuo-status .xinnuo-widget *" },
  { module: "xinnuo_widgets_commitment", query: "?widget=commitment&template=tax-service", ready: "xinnuo-commitment #template-select, xinnuo-commitment #field-credit_code" },
];
// Records, inside the page, when the code field first exists (ms since the navigation started): the load
// time without the test driver's own round trips.
const MARK_READY = () => {
  const seen = () => {
    if (window.__xinnuoReadyAt === undefined && document.querySelector("#code-input")) {
      window.__xinnuoReadyAt = performance.now();
    }
  };
  new MutationObserver(seen).observe(document, { childList: true, subtree: true });
};
const SLOW = { offline: false, latency: 150, downloadThroughput: 1.6e6 / 8, uploadThroughput: 1.6e6 / 8 };

/** Opens `hash` in a fresh context; returns ms until `ready` is usable and the bytes of code transferred. */
async function firstVisit(browser, hash, ready, network) {
  const context = await browser.newContext();
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send("Network.enable");
  await cdp.send("Network.setCacheDisabled", { cacheDisabled: true });
  if (network) await cdp.send("Network.emulateNetworkConditions", network);
  const urls = new Map();
  const bytes = { code: 0, all: 0, files: [] };
  cdp.on("Network.responseReceived", (event) => urls.set(event.requestId, event.response.url));
  cdp.on("Network.loadingFinished", (event) => {
    const name = new URL(urls.get(event.requestId) ?? "about:blank").pathname.split("/").pop();
    bytes.all += event.encodedDataLength;
    if (/\.(wasm|js|mjs)$/.test(name)) {
      bytes.code += event.encodedDataLength;
      bytes.files.push(name);
    }
  });
  const start = Date.now();
  await page.goto(`${url}/${hash}`);
  await page.locator(ready).first().waitFor();
  if (ready.endsWith("#code-input")) await page.locator(ready).fill("9");
  const ms = Date.now() - start;
  const paint = await page.evaluate(() => performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? null);
  await context.close();
  return { ms, paint, bytes };
}

const browser = await launchBrowser();
try {
  const routes = [];
  for (const { route, hash, ready } of ROUTES) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await firstVisit(browser, hash, ready));
    const last = runs[runs.length - 1];
    routes.push({ route, code_kb: last.bytes.code / 1024, all_kb: last.bytes.all / 1024, files: last.bytes.files,
      ms: median(runs.map((r) => r.ms)) });
  }
  const widgets = [];
  for (const { module, query, ready } of WIDGETS) {
    const runs = [];
    for (let i = 0; i < 3; i++) runs.push(await firstVisit(browser, `embed/${query}`, ready));
    const last = runs[runs.length - 1];
    widgets.push({ module, code_kb: last.bytes.code / 1024, all_kb: last.bytes.all / 1024, files: last.bytes.files,
      ms: median(runs.map((r) => r.ms)) });
  }
  const slow = [];
  for (let i = 0; i < 3; i++) slow.push(await firstVisit(browser, "", "#code-input", SLOW));
  const cold = [];
  const cached = [];
  const coldInPage = [];
  const cachedInPage = [];
  const readyAt = (page) => page.waitForFunction(() => window.__xinnuoReadyAt).then((handle) => handle.jsonValue());
  for (let i = 0; i < RUNS; i++) {
    const context = await browser.newContext();
    await context.addInitScript(MARK_READY);
    const page = await context.newPage();
    let start = Date.now();
    await page.goto(`${url}/#/check`);
    await page.locator("#code-input").waitFor();
    cold.push(Date.now() - start);
    coldInPage.push(await readyAt(page));
    await page.evaluate(() => navigator.serviceWorker.ready);
    await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller), null, { timeout: 10_000 }).catch(() => page.reload());
    start = Date.now();
    await page.reload();
    await page.locator("#code-input").waitFor();
    cached.push(Date.now() - start);
    cachedInPage.push(await readyAt(page));
    await context.close();
  }
  console.log(JSON.stringify({
    runs: RUNS, cold_ms: median(cold), cached_ms: median(cached), routes, widgets,
    cold_in_page_ms: median(coldInPage), cached_in_page_ms: median(cachedInPage),
    slow_usable_ms: median(slow.map((r) => r.ms)), slow_paint_ms: median(slow.map((r) => r.paint)),
    slow_code_kb: slow[0].bytes.code / 1024,
  }));
} finally {
  await browser.close();
}
