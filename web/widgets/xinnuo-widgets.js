// 信诺 Xinnuo widgets: <xinnuo-code-check>, <xinnuo-status code="…">, <xinnuo-commitment template="…">.
// One script, loaded with <script type="module" src="https://xinnuo.example/widgets/xinnuo-widgets.js">.
// Attributes: api (the Xinnuo server, default: where this script came from), lang (zh-CN | en), theme
// (light | dark). Each widget renders inside its own shadow root: the page's CSS does not reach in, ours
// does not leak out. Events (bubbling, composed): xinnuo-checked (detail: CodeReport), xinnuo-submitted
// (detail: { submissionId, receipt }).
const here = new URL(".", import.meta.url);
const styles = new URL("widgets.css", here).href;

// Three nested wasm builds, smallest first: a page that only checks codes does not download the signing
// code. The choice waits for the end of the current task, so that widgets a script adds together are all
// counted; then one module with every widget on the page is loaded. A widget of a larger kind added later
// loads the larger module for itself (the others keep theirs).
const MODULES = ["xinnuo_widgets_check", "xinnuo_widgets_status", "xinnuo_widgets"];
const LEVEL = { "xinnuo-code-check": 0, "xinnuo-status": 1, "xinnuo-commitment": 2 };
let loaded;
let settling;

async function load(level) {
  if (!loaded || loaded.level < level) {
    settling ??= new Promise((resolve) => setTimeout(resolve, 0)).then(() => { settling = undefined; });
    await settling;
  }
  if (!loaded || loaded.level < level) {
    const onPage = [...document.querySelectorAll(Object.keys(LEVEL).join(","))].map((el) => LEVEL[el.localName]);
    const wanted = Math.max(level, ...onPage);
    const name = MODULES[wanted];
    const module = import(new URL(`${name}.js`, here).href).then(async (glue) => {
      await glue.default({ module_or_path: new URL(`${name}_bg.wasm`, here) });
      return glue;
    });
    loaded = { level: wanted, module };
  }
  return loaded.module;
}

class XinnuoWidget extends HTMLElement {
  static get observedAttributes() { return ["code", "template", "lang", "api", "theme"]; }

  async connectedCallback() {
    this.generation = (this.generation ?? 0) + 1;
    const generation = this.generation;
    const glue = await load(LEVEL[this.localName]);
    if (generation !== this.generation || !this.isConnected) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    shadow.innerHTML = "";
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: styles });
    const root = Object.assign(document.createElement("div"), { className: `xinnuo-widget theme-${this.getAttribute("theme") ?? "light"}` });
    shadow.append(link, root);
    this.handle?.destroy();
    this.handle = this.mount(glue, root, {
      lang: this.getAttribute("lang") ?? document.documentElement.lang ?? "zh-CN",
      api: this.getAttribute("api") ?? new URL("..", here).href,
    });
  }

  disconnectedCallback() {
    this.generation = (this.generation ?? 0) + 1;
    this.handle?.destroy();
    this.handle = undefined;
  }

  attributeChangedCallback(_name, before, after) {
    if (before !== after && this.handle) this.connectedCallback();
  }
}

customElements.define("xinnuo-code-check", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountCodeCheck(this, root, lang, api); }
});
customElements.define("xinnuo-status", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) { return glue.mountStatus(root, this.getAttribute("code") ?? "", lang, api); }
});
customElements.define("xinnuo-commitment", class extends XinnuoWidget {
  mount(glue, root, { lang, api }) {
    return glue.mountCommitment(this, root, this.getAttribute("template") ?? "tax-service", lang, api);
  }
});
