// Starts the app: loads the build for the address's route, and the service worker (offline use) once the
// app runs. A file of its own so that the page's Content-Security-Policy can forbid inline scripts.
//
// Code per route: each build renders some routes (the app's `route-*` features, crates/app/Cargo.toml), so
// a first visit downloads only what its route needs. A route outside the running build is handed over
// (`route::HandOver` in the app calls `xinnuoSwitchBuild`): the running app stops and the build for the
// route starts in its place. Builds already loaded stay loaded, so coming back starts at once.
const BUILD_FOR_ROUTE = { "": "app_check", check: "app_check", status: "app_status", verify: "app_verify", commit: "app_commit" };
const EVERYTHING = "app";
const buildFor = (hash) => BUILD_FOR_ROUTE[hash.replace(/^#\/?/, "").split("/")[0]] ?? EVERYTHING;

const root = document.getElementById("app");
// The page's own frame (header, sections, skeleton), shown again while another build starts.
const frame = Array.from(root.childNodes, (node) => node.cloneNode(true));
const loaded = new Map();
let running = null;

function load(build) {
  if (!loaded.has(build)) {
    // The wasm is fetched while its glue loads, not after: one round trip less on a slow connection.
    const wasm = fetch(new URL(`./${build}_bg.wasm`, import.meta.url));
    // Its failure is the loading's (awaited below), not an unhandled rejection of its own meanwhile.
    wasm.catch(() => {});
    const loading = import(`./${build}.js`).then(async (glue) => {
      await glue.default({ module_or_path: wasm });
      return glue;
    });
    // A failed download is not kept: asked again (back online), the build is fetched again.
    loading.catch(() => loaded.delete(build));
    loaded.set(build, loading);
  }
  return loaded.get(build);
}

async function start(build) {
  running = build;
  const glue = await load(build);
  glue.run();
}

function failed(error) {
  const message = Object.assign(document.createElement("p"), {
    className: "load-error",
    textContent: "加载失败，请刷新页面重试。 / Loading failed; reload the page.",
  });
  message.setAttribute("role", "alert");
  root.replaceChildren(message);
  console.error(error);
}

// A build without a view of the public log (the commit and verify routes') has the checkpoint proving each
// receipt compared with the one this browser kept by the small `log_watch` build, loaded the first time one is
// met (`log_view::compare` in the app).
window.xinnuoLogWatch = (note, server) => load("log_watch").then((glue) => glue.observe_for(note, server));

window.xinnuoSwitchBuild = (everything) => {
  let build = everything ? EVERYTHING : buildFor(location.hash);
  // A build never hands over to itself: whatever it lacks, the build with everything has (and should that
  // one ever ask, it is started again rather than leaving the page empty).
  if (build === running) build = EVERYTHING;
  root.replaceChildren(...frame.map((node) => node.cloneNode(true)));
  start(build).catch(failed);
};

// Offline: the service worker caches every build (fetched in idle time after the app has started, so it
// never competes with the first route's download); a waiting new version is announced to the app, which
// applies it only when the user clicks (window events "xinnuo-update-available" / "xinnuo-apply-update").
async function registerServiceWorker() {
  try {
    const registration = await navigator.serviceWorker.register("./sw.js");
    const announce = () => { window.xinnuoUpdateWaiting = true; window.dispatchEvent(new Event("xinnuo-update-available")); };
    const watch = (worker) => worker && worker.addEventListener("statechange", () => {
      if (worker.state === "installed" && navigator.serviceWorker.controller) announce();
    });
    if (registration.waiting && navigator.serviceWorker.controller) announce();
    watch(registration.installing);
    registration.addEventListener("updatefound", () => watch(registration.installing));
    window.addEventListener("xinnuo-apply-update", () => registration.waiting?.postMessage("xinnuo-skip-waiting"));
    let reloading = false;
    navigator.serviceWorker.addEventListener("controllerchange", () => {
      if (window.xinnuoUpdateWaiting && !reloading) { reloading = true; location.reload(); }
    });
  } catch (error) {
    console.warn("service worker not registered", error);
  }
}

start(buildFor(location.hash)).then(() => {
  if (!("serviceWorker" in navigator)) return;
  const idle = window.requestIdleCallback ?? ((callback) => setTimeout(callback, 1));
  idle(() => registerServiceWorker(), { timeout: 2000 });
}, failed);
