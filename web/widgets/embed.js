// For pages whose Content-Security-Policy forbids 'wasm-unsafe-eval': turns every
// <div data-xinnuo-widget="code-check|status|commitment" data-code="…" data-template="…" data-lang="…">
// into an iframe of this Xinnuo server's /embed/ page, keeps it as tall as its content, and re-dispatches the
// widget's events (xinnuo-checked, xinnuo-submitted) on the div. Messages are accepted only from that origin.
const server = new URL("..", import.meta.url);

function embed(div) {
  if (div.dataset.xinnuoEmbedded) return;
  div.dataset.xinnuoEmbedded = "true";
  const src = new URL("embed/", server);
  src.searchParams.set("widget", div.dataset.xinnuoWidget ?? "code-check");
  for (const key of ["code", "template", "lang", "theme"]) {
    if (div.dataset[key]) src.searchParams.set(key, div.dataset[key]);
  }
  src.searchParams.set("origin", location.origin);
  const frame = Object.assign(document.createElement("iframe"), { src: src.href, title: "信诺 Xinnuo", loading: "lazy" });
  frame.style.cssText = "width:100%;border:0;height:160px;display:block";
  div.replaceChildren(frame);
  window.addEventListener("message", (event) => {
    if (event.origin !== server.origin || event.source !== frame.contentWindow) return;
    const message = event.data;
    if (!message || message.source !== "xinnuo") return;
    if (message.type === "xinnuo-resize") {
      frame.style.height = `${Math.ceil(message.height)}px`;
    } else if (message.type === "xinnuo-checked" || message.type === "xinnuo-submitted") {
      div.dispatchEvent(new CustomEvent(message.type, { detail: message.detail, bubbles: true }));
    }
  });
}

for (const div of document.querySelectorAll("[data-xinnuo-widget]")) embed(div);
new MutationObserver(() => document.querySelectorAll("[data-xinnuo-widget]").forEach(embed))
  .observe(document.documentElement, { childList: true, subtree: true });
