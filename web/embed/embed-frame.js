// Inside the iframe of the embed: renders the requested widget from this server and relays its events and its
// height to the embedding page — only to the origin that page declared (the `origin` parameter).
import "../widgets/xinnuo-widgets.js";

const params = new URLSearchParams(location.search);
const names = { "code-check": "xinnuo-code-check", status: "xinnuo-status", commitment: "xinnuo-commitment" };
const tag = names[params.get("widget")] ?? "xinnuo-code-check";
const element = document.createElement(tag);
for (const key of ["code", "template", "lang", "theme"]) {
  if (params.has(key)) element.setAttribute(key, params.get(key));
}
element.setAttribute("api", new URL("..", location.href).href);
document.getElementById("widget").append(element);

let parentOrigin = null;
try {
  parentOrigin = new URL(params.get("origin") ?? "").origin;
} catch {
  parentOrigin = null;
}
const post = (message) => {
  if (parentOrigin && parentOrigin !== "null" && window.parent !== window) {
    window.parent.postMessage({ source: "xinnuo", ...message }, parentOrigin);
  }
};
for (const type of ["xinnuo-checked", "xinnuo-submitted"]) {
  element.addEventListener(type, (event) => post({ type, detail: event.detail }));
}
new ResizeObserver(() => post({ type: "xinnuo-resize", height: document.documentElement.scrollHeight }))
  .observe(document.body);
