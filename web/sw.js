// 信诺 Xinnuo service worker: the app shell, wasm, scripts and styles come from the cache, so the app loads
// and works offline after the first visit. A new build has a new VERSION; it waits until the user chooses
// to apply it ("新版本可用"), so a form is never reloaded under someone's hands.
const VERSION = "__XINNUO_VERSION__";
const SHELL = __XINNUO_SHELL__;
const CACHE = `xinnuo-shell-${VERSION}`;
const DATA = "xinnuo-data";
// The app's page, as paths below the worker's scope.
const APP_PAGES = ["", "index.html"];

// Opened once per worker start, not once per request: a page load asks for several files at once.
let opened;
const shellCache = () => (opened ??= caches.open(CACHE));

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(SHELL)));
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("xinnuo-shell-") && name !== CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("message", (event) => {
  if (event.data === "xinnuo-skip-waiting") self.skipWaiting();
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  const scope = new URL(self.registration.scope);
  const path = url.pathname.slice(scope.pathname.length);
  // Live API answers are never served stale; static data files are network-first with a cached fallback.
  if (path.startsWith("api/") || path === "healthz") return;
  if (path.startsWith("data/")) {
    event.respondWith((async () => {
      const cache = await caches.open(DATA);
      try {
        const fresh = await fetch(request);
        if (fresh.ok) await cache.put(request, fresh.clone());
        return fresh;
      } catch (error) {
        const cached = await cache.match(request);
        if (cached) return cached;
        throw error;
      }
    })());
    return;
  }
  // Only the app's own page is answered with the shell (the app routes by hash, so that is `./` and
  // `./index.html`). Any other navigation under this origin — an embed page framed by a department site,
  // robots.txt, an unknown path — goes to the network as it is: the shell forbids framing, and it is not
  // what was asked for.
  if (request.mode === "navigate" && !APP_PAGES.includes(path)) return;
  event.respondWith((async () => {
    const cache = await shellCache();
    const key = request.mode === "navigate" ? new URL("./", scope).href : request;
    const cached = await cache.match(key, { ignoreSearch: request.mode === "navigate" });
    return cached ?? fetch(request);
  })());
});
