// Strict-CSP demo: loads embed.js from the Xinnuo server given by ?api= and logs relayed events.
import { loopbackApi } from "./loopback.js";

const api = loopbackApi();
await import(new URL("widgets/embed.js", api).href);
const log = document.getElementById("log");
document.addEventListener("xinnuo-checked", (event) => {
  log.textContent += `xinnuo-checked ${event.detail.normalized} valid=${event.detail.valid}\n`;
});
