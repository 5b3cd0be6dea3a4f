// App load in headless Chromium. For each route, and each widget's page, a first visit in a fresh context: the
// wasm and JS bytes transferred (CDP `encodedDataLength`, compressed as served) until it is usable, and the time. The
// home page on a slow connection (1.6 Mbps, 150 ms round trip: Chromium's network emulation): when the
// frame shows (first contentful paint) and when the code field accepts input. Then loopback: a first visit
// (empty cache) and reloads served by the service worker, beside a peer page with the same frame and no app.
// Usage: load-bench.mjs SERVER_URL DIST_DIR. Prints JSON (medians).
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "../support/browser.mjs";
import { serveFiles } from "./static-server.mjs";

const [url, dist] = process.argv.slice(2);
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

// The peer for the loopback loads: our page's frame and styles with a cache-first service worker and no app —
// what this machine's Chromium takes for a page with nothing of ours to run, in the same run. Its script puts
// the `#code-input` our app would render, so both are timed to the same element.
async function servePeer() {
  const dir = await mkdtemp(join(tmpdir(), "xinnuo-load-peer-"));
  const page = (await readFile(join(dist, "index.html"), "utf8")).replace("./boot.js", "./peer.js");
  await writeFile(join(dir, "index.html"), page);
  await writeFile(join(dir, "peer.js"), `
    document.querySelector("main").replaceChildren(Object.assign(document.createElement("input"), { id: "code-input" }));
    navigator.serviceWorker.register("./peer-sw.js");`);
  await writeFile(join(dir, "peer-sw.js"), `
    const SHELL = ["./", "./styles.css", "./peer.js"];
    self.addEventListener("install", (event) => event.waitUntil(caches.open("peer").then((c) => c.addAll(SHELL))));
    self.addEventListener("activate", (event) => event.waitUntil(self.clients.claim()));
    self.addEventListener("fetch", (event) => event.respondWith((async () => {
      const cache = await caches.open("peer");
      const key = event.request.mode === "navigate" ? new URL("./", self.registration.scope).href : event.request;
      return (await cache.match(key, { ignoreSearch: true })) ?? fetch(event.request);
    })()));`);
  const files = { "/": "index.html", "/peer.js": "peer.js", "/peer-sw.js": "peer-sw.js" };
  return serveFiles((path) => (path === "/styles.css" ? join(dist, "styles.css") : files[path] ? join(dir, files[path]) : null));
}

/** Cold and cached (service worker) loads of `base`, until `#code-input` exists: driver's clock and in page. */
async function loopbackLoads(browser, base) {
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
    await page.goto(`${base}/#/check`);
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
  return { cold: median(cold), cached: median(cached), coldInPage: median(coldInPage), cachedInPage: median(cachedInPage) };
}

const browser = await launchBrowser();
const peer = await servePeer();
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
  // One after the other in the same run, so that both see the machine as it is now.
  const ours = await loopbackLoads(browser, url);
  const theirs = await loopbackLoads(browser, peer.base);
  console.log(JSON.stringify({
    runs: RUNS, cold_ms: ours.cold, cached_ms: ours.cached, routes, widgets,
    cold_in_page_ms: ours.coldInPage, cached_in_page_ms: ours.cachedInPage,
    peer_cold_ms: theirs.cold, peer_cached_ms: theirs.cached,
    peer_cold_in_page_ms: theirs.coldInPage, peer_cached_in_page_ms: theirs.cachedInPage,
    slow_usable_ms: median(slow.map((r) => r.ms)), slow_paint_ms: median(slow.map((r) => r.paint)),
    slow_code_kb: slow[0].bytes.code / 1024,
  }));
} finally {
  peer.close();
  await browser.close();
}
