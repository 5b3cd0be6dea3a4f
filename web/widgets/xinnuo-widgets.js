// 信诺 Xinnuo widgets: <xinnuo-code-check>, <xinnuo-status code="…">, <xinnuo-commitment-list department="…">,
// <xinnuo-commitment template="…">, <xinnuo-report-verify> (a credit report checked where it is received; the
// page hears only the verdict: xinnuo-report-verified).
// On a page of another origin, <xinnuo-commitment> is an iframe of this server's /embed/ page: the signing
// key, the passphrase and the randomness stay on our origin, out of reach of the host page's scripts.
// One script, loaded with <script type="module" src="https://xinnuo.example/widgets/xinnuo-widgets.js">.
// Attributes: api (the Xinnuo server, default: where this script came from), lang (zh-CN | en), theme
// (light | dark). Each widget renders inside its own shadow root: the page's CSS does not reach in, ours
// does not leak out. Events (bubbling, composed): xinnuo-checked (detail: CodeReport; when the verdict changes
// or the value is committed, not per keystroke), xinnuo-submitted (detail: { submissionId, receipt }).
const here = new URL(".", import.meta.url);
const styles = new URL("widgets.css", here).href;

// Five wasm builds, smallest first, each with the widgets it has (xtask's WIDGET_MODULES builds them): a page
// that only checks codes does not download the signing code. The choice waits for the end of the current
// task, so that widgets a script adds together are all counted; then the smallest module with every widget
// on the page is loaded. A widget the loaded module lacks, added later, loads a module with it for itself
// (the others keep theirs).
const MODULES = [
  { name: "xinnuo_widgets_check", has: ["xinnuo-code-check"] },
  { name: "xinnuo_widgets_status", has: ["xinnuo-code-check", "xinnuo-status", "xinnuo-commitment-list"] },
  { name: "xinnuo_widgets_report", has: ["xinnuo-report-verify"] },
  { name: "xinnuo_widgets_commitment", has: ["xinnuo-commitment"] },
  { name: "xinnuo_widgets", has: ["xinnuo-code-check", "xinnuo-status", "xinnuo-commitment-list", "xinnuo-commitment", "xinnuo-report-verify"] },
];
const onOurOrigin = location.origin === here.origin;
// The widgets whose code runs in this page (elsewhere the commitment widget runs in its own frame).
const KINDS = onOurOrigin ? MODULES.at(-1).has : ["xinnuo-code-check", "xinnuo-status", "xinnuo-commitment-list", "xinnuo-report-verify"];
let loaded;
// The widgets on our origin (the commitment widget here or in its frame) have the checkpoint proving each
// receipt checked against the one kept in this storage by the app's small `log_watch` build, loaded the first
// time one is met. One question at a time: widgets may name different servers, and a check is made for one.
let logWatch;
let asked = Promise.resolve();
if (onOurOrigin) {
  window.xinnuoLogWatch ??= (note, server) => {
    if (!logWatch) {
      const loading = import(new URL("../log_watch.js", here).href).then(async (glue) => {
        await glue.default({ module_or_path: new URL("../log_watch_bg.wasm", here) });
        return glue;
      });
      // A failed download is not kept: the next receipt tries again.
      loading.catch(() => { if (logWatch === loading) logWatch = undefined; });
      logWatch = loading;
    }
    const answer = asked.then(() => logWatch).then((glue) => glue.observe_for(note, server));
    asked = answer.catch(() => {});
    return answer;
  };
}
let settling;

async function load(kind) {
  if (!loaded?.has.includes(kind)) {
    settling ??= new Promise((resolve) => setTimeout(resolve, 0)).then(() => { settling = undefined; });
    await settling;
  }
  if (!loaded?.has.includes(kind)) {
    const onPage = new Set([kind, ...[...document.querySelectorAll(KINDS.join(","))].map((el) => el.localName)]);
    const { name, has } = MODULES.find((m) => [...onPage].every((k) => m.has.includes(k)));
    const module = import(new URL(`${name}.js`, here).href).then(async (glue) => {
      await glue.default({ module_or_path: new URL(`${name}_bg.wasm`, here) });
      return glue;
    });
    const attempt = { has, module };
    // A failed download is not kept: the next widget (or a changed attribute) tries again.
    module.catch(() => { if (loaded === attempt) loaded = undefined; });
    loaded = attempt;
  }
  return loaded.module;
}

class XinnuoWidget extends HTMLElement {
  static get observedAttributes() { return ["code", "template", "department", "lang", "api", "theme"]; }

  /** Whether this widget runs in an iframe on our origin instead of in this page. */
  get framed() { return false; }

  async connectedCallback() {
    this.generation = (this.generation ?? 0) + 1;
    const generation = this.generation;
    const glue = this.framed ? {} : await load(this.localName).catch((error) => ({ error }));
    if (generation !== this.generation || !this.isConnected) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    shadow.replaceChildren();
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: styles });
    const root = Object.assign(document.createElement("div"), { className: `xinnuo-widget theme-${this.getAttribute("theme") ?? "light"}` });
    shadow.append(link, root);
    this.handle?.destroy();
    this.handle = undefined;
    this.failed = false;
    try {
      if (glue.error) throw new Error(`无法加载信诺组件，请检查网络后刷新页面 / could not load the Xinnuo widget: check the connection and reload (${glue.error.message ?? glue.error})`);
      this.handle = this.mount(glue, root, {
        lang: this.getAttribute("lang") ?? document.documentElement.lang ?? "zh-CN",
        api: this.getAttribute("api") ?? new URL("..", here).href,
      });
    } catch (error) {
      // Visible to the visitor (an empty box explains nothing), and to the page's developer in the console.
      this.failed = true;
      console.error("xinnuo:", error);
      root.append(Object.assign(document.createElement("p"), { className: "notice no", role: "alert", textContent: error.message ?? String(error) }));
    }
  }

  disconnectedCallback() {
    this.generation = (this.generation ?? 0) + 1;
    this.handle?.destroy();
    this.handle = undefined;
  }

  attributeChangedCallback(_name, before, after) {
    if (before !== after && (this.handle || this.failed)) this.connectedCallback();
  }
}

customElements.define("xinnuo-code-check", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountCodeCheck(this, root, lang, api); }
});
customElements.define("xinnuo-status", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountStatus(root, this.getAttribute("code") ?? "", lang, api); }
});
customElements.define("xinnuo-report-verify", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountReportVerify(this, root, lang, api); }
});
customElements.define("xinnuo-commitment-list", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountCommitmentList(root, this.getAttribute("department") ?? "", lang, api); }
});
/**
 * Puts the widget in an iframe of our /embed/ page inside `root`, keeps it as tall as its content, and
 * re-dispatches its events on `host`. Messages count only from our origin and from this very frame.
 */
function frameInto(host, root, widget, attributes) {
  const src = new URL("../embed/", here);
  src.searchParams.set("widget", widget);
  for (const [key, value] of Object.entries(attributes)) if (value) src.searchParams.set(key, value);
  src.searchParams.set("origin", location.origin);
  const frame = Object.assign(document.createElement("iframe"), { src: src.href, title: "信诺 Xinnuo" });
  frame.style.cssText = "width:100%;border:0;height:320px;display:block";
  const relay = (event) => {
    if (event.origin !== here.origin || event.source !== frame.contentWindow) return;
    const message = event.data;
    if (!message || message.source !== "xinnuo") return;
    if (message.type === "xinnuo-resize") frame.style.height = `${Math.ceil(message.height)}px`;
    else if (message.type === "xinnuo-submitted") {
      host.dispatchEvent(new CustomEvent(message.type, { detail: message.detail, bubbles: true, composed: true }));
    }
  };
  window.addEventListener("message", relay);
  root.append(frame);
  return { destroy() { window.removeEventListener("message", relay); frame.remove(); } };
}

customElements.define("xinnuo-commitment", class extends XinnuoWidget {
  get framed() { return !onOurOrigin; }

  mount(glue, root, { lang, api }) {
    const template = this.getAttribute("template") ?? "tax-service";
    if (this.framed) return frameInto(this, root, "commitment", { template, lang, theme: this.getAttribute("theme") });
    return glue.mountCommitment(this, root, template, lang, api);
  }
});
