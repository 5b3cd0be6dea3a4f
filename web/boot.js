// Starts the app: registers the service worker (offline use) and loads the wasm. A file of its own so that
// the page's Content-Security-Policy can forbid inline scripts.
import init from "./app.js";

// Offline: register the service worker; a waiting new version is announced to the app, which applies it
// only when the user clicks (window events "xinnuo-update-available" / "xinnuo-apply-update").
if ("serviceWorker" in navigator) {
  window.addEventListener("load", async () => {
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
  });
}

init({ module_or_path: new URL("./app_bg.wasm", import.meta.url) }).catch((error) => {
  const message = Object.assign(document.createElement("p"), {
    className: "load-error",
    textContent: "加载失败，请刷新页面重试。 / Loading failed; reload the page.",
  });
  message.setAttribute("role", "alert");
  document.getElementById("app").replaceChildren(message);
  console.error(error);
});
