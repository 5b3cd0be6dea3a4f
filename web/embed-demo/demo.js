// The demo page of a department site on another origin: loads the widgets from the Xinnuo server given by
// ?api= (default http://127.0.0.1:8080/) and logs their events.
import { loopbackApi } from "./loopback.js";

const api = loopbackApi();
const code = new URLSearchParams(location.search).get("code") ?? "";
await import(new URL("widgets/xinnuo-widgets.js", api).href);
const log = document.getElementById("log");
const place = (slot, tag, attributes) => {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries({ api: api.href, ...attributes })) element.setAttribute(name, value);
  document.getElementById(slot).append(element);
  return element;
};
place("code-check-slot", "xinnuo-code-check", {});
if (code) {
  document.getElementById("status-ask").remove();
  place("status-slot", "xinnuo-status", { code });
} else {
  // Without ?code= the section would stand empty: it asks for a code and opens this page with it, keeping ?api=.
  document.getElementById("status-ask").addEventListener("submit", (event) => {
    event.preventDefault();
    const url = new URL(location.href);
    url.searchParams.set("code", document.getElementById("status-code").value.trim());
    location.assign(url.href);
  });
}
place("commitment-slot", "xinnuo-commitment", { template: "tax-service" });
place("list-slot", "xinnuo-commitment-list", { department: new URLSearchParams(location.search).get("department") ?? "国家税务总局山西省税务局" });
for (const type of ["xinnuo-checked", "xinnuo-submitted"]) {
  document.addEventListener(type, (event) => {
    const detail = type === "xinnuo-checked" ? `${event.detail.normalized} valid=${event.detail.valid}` : `submissionId=${event.detail.submissionId}`;
    log.textContent += `${type} ${detail}\n`;
  });
}
