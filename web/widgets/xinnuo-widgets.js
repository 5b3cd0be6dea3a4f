// 信诺 Xinnuo widgets: <xinnuo-code-check>, <xinnuo-status code="…">, <xinnuo-commitment template="…">.
// One module, loaded with <script type="module" src="https://xinnuo.example/widgets/xinnuo-widgets.js">.
// Attributes: api (the Xinnuo server, default: where this script came from), lang (zh-CN | en), theme
// (light | dark). Each widget renders inside its own shadow root: the page's CSS does not reach in, ours
// does not leak out. Events (bubbling, composed): xinnuo-checked (detail: CodeReport), xinnuo-submitted
// (detail: { submissionId, receipt }).
import init, { mountCodeCheck, mountStatus, mountCommitment } from "./xinnuo_widgets.js";

const here = new URL(".", import.meta.url);
const ready = init({ module_or_path: new URL("xinnuo_widgets_bg.wasm", here) });
const styles = new URL("widgets.css", here).href;

class XinnuoWidget extends HTMLElement {
  static get observedAttributes() { return ["code", "template", "lang", "api", "theme"]; }

  async connectedCallback() {
    this.generation = (this.generation ?? 0) + 1;
    const generation = this.generation;
    await ready;
    if (generation !== this.generation || !this.isConnected) return;
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: "open" });
    shadow.innerHTML = "";
    const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: styles });
    const root = Object.assign(document.createElement("div"), { className: `xinnuo-widget theme-${this.getAttribute("theme") ?? "light"}` });
    shadow.append(link, root);
    this.handle?.destroy();
    this.handle = this.mount(root, {
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
  mount(root, { lang, api }) { return mountCodeCheck(this, root, lang, api); }
});
customElements.define("xinnuo-status", class extends XinnuoWidget {
  mount(root, { lang, api }) { return mountStatus(root, this.getAttribute("code") ?? "", lang, api); }
});
customElements.define("xinnuo-commitment", class extends XinnuoWidget {
  mount(root, { lang, api }) { return mountCommitment(this, root, this.getAttribute("template") ?? "tax-service", lang, api); }
});
