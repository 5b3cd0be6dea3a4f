// Widgets on a department page of another origin (the server's embed demo), and the iframe embed on a page
// whose CSP forbids WebAssembly: each widget works, the host receives its events, and styles stay apart.
import { test, before, after } from "node:test";
import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { fillTaxForm, serverCount } from "./support/app.mjs";
import { randomCreditCode, xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";
import { demo, demoOrigin, approvePackageKey } from "./support/server.mjs";


let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// The wasm files a context downloads, by name.
function recordWasm(context) {
  const files = [];
  context.on("request", (request) => {
    const file = new URL(request.url()).pathname.split("/").pop();
    if (file.endsWith(".wasm")) files.push(file);
  });
  return files;
}

// A fresh context on `url`, with the wasm files it downloads and the page's uncaught errors.
async function openWatched(url) {
  const context = await browser.newContext();
  const wasm = recordWasm(context);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(url);
  return { context, page, wasm, errors };
}

// In a `<xinnuo-commitment template="tax-service">`: makes a key, fills the form for a new subject, signs and
// submits; returns the subject's credit code.
async function submitThroughWidget(commitment) {
  await commitment.getByLabel("口令（至少 8 个字符）").fill("widget passphrase");
  await commitment.getByLabel("再次输入口令").fill("widget passphrase");
  await commitment.getByRole("button", { name: "生成密钥" }).click();
  await commitment.getByLabel("密钥口令").waitFor({ timeout: 30_000 });
  const subject = randomCreditCode("140105");
  await fillTaxForm(commitment, subject, "晋示例组件提交有限公司");
  await commitment.getByLabel("密钥口令").fill("widget passphrase");
  await commitment.getByRole("button", { name: "签名并提交" }).click();
  return subject;
}

// A script on the page adds `<xinnuo-status code>` after the page has loaded; waits for its tier.
async function addStatusWidget(page, code) {
  await page.evaluate((code) => {
    const status = document.createElement("xinnuo-status");
    status.setAttribute("code", code);
    document.body.append(status);
  }, code);
  await page.locator("xinnuo-status #tier-name", { hasText: "需关注" }).waitFor();
}

async function demoSubjectCode(q) {
  const list = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent(q)}`)).json();
  return list.subjects[0].credit_code;
}

test("on another origin: code check, status and commitment widgets work and the page receives their events", async () => {
  assert.notEqual(demoOrigin, new URL(base).origin, "the demo page is on a different origin");
  const code = await demoSubjectCode("可修复餐饮");
  // A commitment to the tax bureau, for the bureau's 信用承诺 column on the page.
  const listed = `晋示例公示组件${Date.now() % 100000}有限公司`;
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  // The column lists only known signers' commitments: this key is approved for the code.
  const listedCode = randomCreditCode();
  await approvePackageKey(key, listedCode, listed, xinnuo.fingerprintGroups);
  const made = await fetch(`${base}/api/v1/commitments`, { method: "POST", headers: { "content-type": "application/json" },
    body: key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: listedCode, subject_name: listed } }) });
  key.free();
  assert.equal(made.status, 201);
  const { context, page, wasm, errors } = await openWatched(`${demo}&code=${code}`);

  // Code check: live verdict inside the widget, event on the host page.
  const check = page.locator("xinnuo-code-check");
  await check.locator("#code-input").fill("91140105123456788E");
  await check.locator("#verdict", { hasText: "无效" }).waitFor();
  await check.locator("#code-input").fill("91140105123456788F");
  await check.locator("#verdict", { hasText: "有效" }).waitFor();
  await page.locator("#log", { hasText: "xinnuo-checked 91140105123456788F valid=true" }).waitFor();

  // Host CSS stays out; ours stays in.
  const widgetBorder = await check.locator("#code-input").evaluate((el) => getComputedStyle(el).borderTopColor);
  const hostBorder = await page.locator("#host-input").evaluate((el) => getComputedStyle(el).borderTopColor);
  assert.equal(hostBorder, "rgb(255, 0, 0)");
  assert.notEqual(widgetBorder, "rgb(255, 0, 0)", "the host's input rule does not reach the widget");
  const widgetFont = await check.locator("#code-input").evaluate((el) => getComputedStyle(el).fontFamily);
  assert.match(widgetFont, /monospace/);
  const hostVerdict = await page.locator("#host-verdict").evaluate((el) => [getComputedStyle(el).color, getComputedStyle(el).fontWeight]);
  assert.deepEqual(hostVerdict, ["rgb(0, 0, 255)", "400"], "the widget's .verdict rule does not leak out");

  // Status: the subject's tier from the API of the other origin.
  await page.locator("xinnuo-status #tier-name", { hasText: "需关注" }).waitFor();
  assert.match(await page.locator("xinnuo-status #tier-label").textContent(), /非官方评级/);
  // The department's page chose the enterprise: the widget offers no search to go back to (issue 33).
  assert.equal(await page.locator("xinnuo-status #back-to-search").count(), 0);
  // A link inside a widget opens the app on our origin in a new tab; it never moves the host page.
  // Objecting signs with the person's key, which lives on our origin: the widget never signs on the host's
  // page; its button opens the subject's page in the app instead.
  const object = page.locator("xinnuo-status .objection-panel a.object").first();
  assert.equal(await object.textContent(), "对这条记录提出异议（在信诺中打开）");
  assert.equal(await object.getAttribute("href"), `${base}/#/status/${code}`);
  assert.equal(await object.getAttribute("target"), "_blank");
  assert.equal(await page.locator("xinnuo-status .objection-form").count(), 0);

  // The tax bureau's 信用承诺 column, read from the other origin: the commitment with its state.
  const listedRow = page.locator("xinnuo-commitment-list #publications tr", { hasText: listed });
  await listedRow.waitFor();
  assert.equal(await listedRow.locator(".state").textContent(), "已提交");
  assert.match(await page.locator("xinnuo-commitment-list #publications-title").textContent(), /信用承诺公示 · 国家税务总局山西省税务局/);

  // Commitment: in a frame on our origin; key made inside it, form, sign, submit; the page gets xinnuo-submitted.
  const frame = page.frameLocator("xinnuo-commitment iframe");
  const subject = await submitThroughWidget(frame);
  await page.locator("#log", { hasText: /xinnuo-submitted submissionId=[0-9a-f]{64}/ }).waitFor({ timeout: 30_000 });
  // The receipt's print and verify links open the app on our origin in a new tab, not the frame's hash.
  const receiptId = await frame.locator("#receipt-id").textContent();
  const hostUrl = page.url();
  for (const [link, route] of [["#print-link", "print"], ["#verify-link", "verify"]]) {
    assert.equal(new URL(await frame.locator(link).getAttribute("href"), base).href, `${base}/#/${route}/${receiptId}`);
    assert.equal(await frame.locator(link).getAttribute("target"), "_blank");
  }
  assert.equal(await serverCount(subject), 1);
  assert.deepEqual(errors, []);
  assert.deepEqual(wasm.sort(), ["log_watch_bg.wasm", "xinnuo_kdf_bg.wasm", "xinnuo_widgets_commitment_bg.wasm", "xinnuo_widgets_status_bg.wasm"],
    "the page loads code check + status; the commitment frame, on our origin, its own build, the key-derivation worker and, once the receipt came, the log's check");
  // The checkpoint proving the receipt was checked by the log's check and kept on our origin (the frame's).
  const inFrame = page.frames().find((f) => f.url().startsWith(`${base}/embed/`));
  const kept = await inFrame.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("xinnuo.log.kept:")));
  assert.equal(kept.length, 1, "the frame kept the log's checkpoint");
  // Clicked, the print link opens the app on our origin (after the count above: the app loads its own wasm).
  const [opened] = await Promise.all([context.waitForEvent("page"), frame.locator("#print-link").click()]);
  await opened.locator("#print-page").waitFor();
  assert.equal(new URL(opened.url()).origin, new URL(base).origin);
  assert.equal(page.url(), hostUrl, "the host page stays where it was");
  await opened.close();
  // A log this storage remembers as rewritten (as the check leaves it when a checkpoint does not extend the
  // kept one): the widget's next receipt is not believed, and the item stays queued with the warning.
  await inFrame.evaluate((keptKey) => localStorage.setItem(keptKey.replace("xinnuo.log.kept:", "xinnuo.log.rewritten:"),
    JSON.stringify({ zh: "公开日志与此前见到的不一致（测试）", en: "The public log disagrees (test)" })), kept[0]);
  await fillTaxForm(frame, randomCreditCode("140105"), "晋示例组件提交有限公司");
  await frame.getByLabel("密钥口令").fill("widget passphrase");
  await frame.getByRole("button", { name: "签名并提交" }).click();
  await frame.locator("#sign-status.queued", { hasText: "公开日志与此前见到的不一致（测试）" }).waitFor({ timeout: 30_000 });
  await inFrame.evaluate((keptKey) => localStorage.removeItem(keptKey.replace("xinnuo.log.kept:", "xinnuo.log.rewritten:")), kept[0]);
  // The host page cannot reach the key, the passphrase or the form: they are in the frame, on our origin.
  const reach = await page.evaluate(() => {
    const frame = document.querySelector("xinnuo-commitment").shadowRoot.querySelector("iframe");
    let document_ = "blocked";
    try { document_ = frame.contentDocument ? "readable" : "blocked"; } catch { document_ = "blocked"; }
    return {
      document: document_,
      inputs: document.querySelector("xinnuo-commitment").shadowRoot.querySelectorAll("input").length,
      storage: Object.keys(localStorage).filter((key) => key.startsWith("xinnuo")),
    };
  });
  assert.deepEqual(reach, { document: "blocked", inputs: 0, storage: [] });
  await context.close();
});

// The README's embedding snippets (```html blocks of its Embedding section), with our server for its host.
async function readmeSnippets() {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## 嵌入 / Embedding"), readme.indexOf("## 基准 / Benchmarks"));
  return [...section.matchAll(/```html\n([\s\S]*?)```/g)].map((m) => m[1].replaceAll("https://xinnuo.example.gov.cn", base));
}

// Opens a department page made of `head` and `body` on the demo origin (one the server allows; a loopback
// origin, as Chromium lets only those call the loopback server), recording its console lines and errors.
// The page is a file in the demo site's folder (XINNUO_DEMO_DIR, a scratch copy) for the duration of `use`.
async function withDepartmentPage(head, body, use) {
  const name = `readme-snippet-${process.pid}.html`;
  const file = join(process.env.XINNUO_DEMO_DIR, name);
  await writeFile(file, `<!doctype html><meta charset="utf-8">${head}<title>部门网站</title>\n${body}`);
  let opened;
  try {
    opened = await openWatched(`${demoOrigin}/${name}`);
    const logged = [];
    opened.page.on("console", (message) => logged.push(message.text()));
    await use({ ...opened, logged });
  } finally {
    await opened?.context.close();
    await rm(file, { force: true });
  }
}

test("the README's widget snippet, pasted as it is into a page on another origin, works", async () => {
  const [snippet] = await readmeSnippets();
  await withDepartmentPage("", snippet, async ({ page, wasm, logged, errors }) => {
    await page.locator("xinnuo-code-check #code-input").fill("91140105123456788F");
    await page.locator("xinnuo-code-check #verdict", { hasText: "有效" }).waitFor();
    await waitUntil(() => logged.includes("true 91140105123456788F"), "the snippet's xinnuo-checked listener logged");
    await page.locator("xinnuo-status #tier-name", { hasText: "需关注" }).waitFor();
    await page.locator("xinnuo-commitment-list #pub-total", { hasText: "份承诺书" }).waitFor();
    const subject = await submitThroughWidget(page.frameLocator("xinnuo-commitment iframe"));
    await waitUntil(() => logged.some((line) => /^[0-9a-f]{64} /.test(line)), "the snippet's xinnuo-submitted listener logged");
    assert.equal(await serverCount(subject), 1);
    assert.deepEqual(errors, []);
    assert.deepEqual(wasm.sort(), ["log_watch_bg.wasm", "xinnuo_kdf_bg.wasm", "xinnuo_widgets_commitment_bg.wasm", "xinnuo_widgets_status_bg.wasm"]);
  });
});

test("the README's iframe snippet works on a page whose CSP allows only the Xinnuo server", async () => {
  const [, snippet] = await readmeSnippets();
  const csp = `<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline' ${base}; frame-src ${base}">`;
  const listener = `<script>document.addEventListener("xinnuo-checked", (e) => console.log("checked", e.detail.normalized, e.detail.valid));</script>`;
  await withDepartmentPage(csp, snippet + listener, async ({ page, wasm, logged, errors }) => {
    const frame = page.frameLocator("iframe");
    await frame.locator("#code-input").fill("91140105123456788F");
    await frame.locator("#verdict", { hasText: "有效" }).waitFor();
    await waitUntil(() => logged.includes("checked 91140105123456788F true"), "the page received xinnuo-checked");
    assert.deepEqual(errors, []);
    assert.deepEqual(wasm, ["xinnuo_widgets_check_bg.wasm"], "inside the iframe, on the server's origin");
  });
});

async function waitUntil(condition, what, timeout = 30_000) {
  const end = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`timed out: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("a page whose CSP forbids WebAssembly uses the iframe embed: it works, resizes, relays events, and heeds only its own frame", async () => {
  const strict = demo.replace("/index.html?", "/strict.html?");
  const context = await browser.newContext();
  const wasm = recordWasm(context);
  const page = await context.newPage();
  await page.goto(strict);
  assert.equal(await page.evaluate(async () => {
    try { await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])); return "compiled"; } catch { return "blocked"; }
  }), "blocked", "the host page itself cannot run wasm");
  // From here on (the refusal just provoked aside), neither the page nor the embed breaks its policy.
  const cspErrors = [];
  page.on("console", (message) => { if (/Content Security Policy/.test(message.text())) cspErrors.push(message.text()); });
  const frame = page.frameLocator("#code-check iframe");
  await frame.locator("#code-input").fill("91350100M000100Y43");
  await frame.locator("#verdict", { hasText: "有效" }).waitFor();
  await page.locator("#log", { hasText: "xinnuo-checked 91350100M000100Y43 valid=true" }).waitFor();
  const height = await page.locator("#code-check iframe").evaluate((el) => el.getBoundingClientRect().height);
  assert.ok(height > 200, `the iframe grew to its content (${height}px)`);
  assert.deepEqual(wasm, ["xinnuo_widgets_check_bg.wasm"], "a code check alone loads the smallest module");
  assert.deepEqual(cspErrors, []);

  // embed.js acts on a message only from the iframe it made: not from the host page itself, and not from
  // another frame, even one on the Xinnuo server's own origin (a second widget).
  await page.evaluate(() => {
    window.__relayed = [];
    document.addEventListener("xinnuo-checked", (event) => window.__relayed.push(`${event.target.id} ${event.detail.normalized}`));
    const second = Object.assign(document.createElement("div"), { id: "second" });
    second.dataset.xinnuoWidget = "code-check";
    document.body.append(second);
  });
  await page.frameLocator("#second iframe").locator("#code-input").waitFor();
  const heightOf = (id) => page.locator(`#${id} iframe`).evaluate((el) => el.getBoundingClientRect().height);
  const firstHeight = await heightOf("code-check");
  const forged = (normalized) => ({ source: "xinnuo", type: "xinnuo-checked", detail: { normalized, valid: true } });
  await page.evaluate((message) => {
    window.postMessage({ source: "xinnuo", type: "xinnuo-resize", height: 1234 }, "*");
    window.postMessage(message, "*");
  }, forged("FORGED-BY-HOST"));
  const frames = page.frames().filter((f) => f.url().includes("/embed/"));
  assert.equal(frames.length, 2);
  const fromSecond = await page.locator("#second iframe").elementHandle().then((el) => el.contentFrame());
  await fromSecond.evaluate((message) => {
    parent.postMessage({ source: "xinnuo", type: "xinnuo-resize", height: 4321 }, "*");
    parent.postMessage(message, "*");
  }, forged("FROM-SECOND"));
  // The second frame's messages are its widget's own: relayed on its div (so they were delivered and read).
  await page.waitForFunction(() => window.__relayed.includes("second FROM-SECOND"));
  await page.waitForFunction(() => document.querySelector("#second iframe").getBoundingClientRect().height === 4321);
  assert.deepEqual(await page.evaluate(() => window.__relayed), ["second FROM-SECOND"], "nothing relayed on the first widget, nothing from the host page");
  assert.equal(await heightOf("code-check"), firstHeight, "the first widget kept its height");
  await context.close();
});

test("a page loads only the module its widgets need, and a larger one when a larger widget arrives", async () => {
  const code = await demoSubjectCode("可修复餐饮");
  const { context, page, wasm, errors } = await openWatched(`${base}/embed/?widget=code-check`);
  const check = page.locator("xinnuo-code-check");
  await check.locator("#code-input").fill("91140105123456788F");
  await check.locator("#verdict", { hasText: "有效" }).waitFor();
  assert.deepEqual(wasm, ["xinnuo_widgets_check_bg.wasm"]);

  await addStatusWidget(page, code);
  assert.deepEqual(wasm, ["xinnuo_widgets_check_bg.wasm", "xinnuo_widgets_status_bg.wasm"]);
  await check.locator("#code-input").fill("91140105123456788E");
  await check.locator("#verdict", { hasText: "无效" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("a commitment form alone loads the build with the signing widget only; a status widget added later loads one with it", async () => {
  const code = await demoSubjectCode("可修复餐饮");
  const { context, page, wasm, errors } = await openWatched(`${base}/embed/?widget=commitment&template=tax-service`);
  await page.locator("xinnuo-commitment").getByLabel("口令（至少 8 个字符）").waitFor();
  assert.deepEqual(wasm, ["xinnuo_widgets_commitment_bg.wasm"]);
  await addStatusWidget(page, code);
  assert.deepEqual(wasm, ["xinnuo_widgets_commitment_bg.wasm", "xinnuo_widgets_bg.wasm"]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a widget that cannot mount says why inside itself, and a corrected attribute mounts it", async () => {
  const { context, page, errors } = await openWatched(`${base}/embed/?widget=commitment&template=no-such-template`);
  const widget = page.locator("xinnuo-commitment");
  await widget.getByRole("alert").filter({ hasText: /没有编号为 "no-such-template" 的承诺书模板/ }).waitFor();
  await widget.evaluate((el) => el.setAttribute("template", "tax-service"));
  await widget.getByLabel("口令（至少 8 个字符）").waitFor();
  assert.equal(await widget.getByRole("alert").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a widget whose download fails says so, and tries again when an attribute changes", async () => {
  const context = await browser.newContext();
  const failing = "**/widgets/xinnuo_widgets_check_bg.wasm";
  await context.route(failing, (route) => route.abort());
  const page = await context.newPage();
  await page.goto(`${base}/embed/?widget=code-check`);
  const widget = page.locator("xinnuo-code-check");
  await widget.getByRole("alert").filter({ hasText: /无法加载信诺组件.*could not load/ }).waitFor();
  await context.unroute(failing);
  await widget.evaluate((el) => el.setAttribute("lang", "en"));
  await widget.locator("#code-input").fill("91140105123456788F");
  await widget.locator("#verdict", { hasText: "Valid" }).waitFor();
  await context.close();
});

test("lang and theme attributes: English and dark, and a changed attribute re-renders the widget", async () => {
  const { context, page, errors } = await openWatched(`${base}/embed/?widget=code-check&lang=en&theme=dark`);
  const check = page.locator("xinnuo-code-check");
  await check.locator("#code-input").fill("91140105123456788F");
  await check.locator("#verdict", { hasText: "Valid" }).waitFor();
  const background = await check.locator(".xinnuo-widget").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.equal(background, "rgb(24, 32, 42)", "theme=dark");

  await check.evaluate((el) => { el.setAttribute("lang", "zh-CN"); el.setAttribute("theme", "light"); });
  await check.locator("#code-input").fill("91140105123456788E");
  await check.locator("#verdict", { hasText: "无效" }).waitFor();
  const light = await check.locator(".xinnuo-widget").evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(light, "rgb(24, 32, 42)", "theme=light after the change");
  assert.deepEqual(errors, []);
  await context.close();
});

test("the server answers CORS only for configured origins", async () => {
  const allowed = await fetch(`${base}/api/v1/templates`, { headers: { origin: demoOrigin } });
  assert.equal(allowed.headers.get("access-control-allow-origin"), demoOrigin);
  const other = await fetch(`${base}/api/v1/templates`, { headers: { origin: "https://evil.example" } });
  assert.equal(other.headers.get("access-control-allow-origin"), null);
  // A preflight from a foreign origin is refused; an allowed one never allows credentials.
  const preflight = (origin) => fetch(`${base}/api/v1/commitments`, { method: "OPTIONS",
    headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "content-type" } });
  const foreign = await preflight("https://evil.example");
  assert.equal(foreign.headers.get("access-control-allow-origin"), null);
  const friendly = await preflight(demoOrigin);
  assert.equal(friendly.headers.get("access-control-allow-origin"), demoOrigin);
  assert.match(friendly.headers.get("access-control-allow-methods") ?? "", /POST/);
  for (const response of [allowed, foreign, friendly]) {
    assert.equal(response.headers.get("access-control-allow-credentials"), null, "credentials are never allowed");
  }
  const wasm = await fetch(`${base}/widgets/xinnuo_widgets_bg.wasm`, { method: "HEAD" });
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
  assert.equal(wasm.headers.get("cache-control"), "no-cache");
});

test("a tendering platform's page checks a bidder's credit report with <xinnuo-report-verify>, hearing only the verdict", async () => {
  const { subjects: [subject] } = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("可修复餐饮")}`)).json();
  const issued = await (await fetch(`${base}/api/v1/subjects/${subject.credit_code}/report`)).json();
  const script = `<script type="module" src="${base}/widgets/xinnuo-widgets.js"></script>`;
  const body = `<h1>投标资格审查</h1><xinnuo-report-verify></xinnuo-report-verify>
<script>document.addEventListener("xinnuo-report-verified", (e) => console.log("verdict " + JSON.stringify(e.detail)));</script>`;
  await withDepartmentPage(script, body, async ({ page, wasm, logged, errors }) => {
    const widget = page.locator("xinnuo-report-verify");
    await widget.locator(".report-number-input").fill(issued.report_no);
    await widget.getByRole("button", { name: "核验" }).click();
    await widget.locator("#verify-verdict", { hasText: `✓ 信用报告完整，由本浏览器保存的服务器密钥签发（${issued.report_no}` }).waitFor({ timeout: 30_000 });
    await widget.locator("#report-since", { hasText: "没有变化" }).waitFor();
    await waitUntil(() => logged.some((line) => line.startsWith("verdict ")), "the page heard the verdict");
    const verdict = JSON.parse(logged.find((line) => line.startsWith("verdict ")).slice("verdict ".length));
    assert.deepEqual([verdict.valid, verdict.reportNo, verdict.creditCode, verdict.changed], [true, issued.report_no, subject.credit_code, false]);
    assert.equal(verdict.penalties, undefined, "the verdict, not the report's content");
    // A file changed after signing: refused, and the page hears that too.
    const tampered = { ...issued.file, payload: issued.file.payload.slice(0, 50) + (issued.file.payload[50] === "A" ? "B" : "A") + issued.file.payload.slice(51) };
    await widget.locator(".report-file").setInputFiles({ name: "report.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(tampered)) });
    await widget.locator("#verify-verdict", { hasText: "报告文件不完整或已被改动" }).waitFor();
    await waitUntil(() => logged.filter((line) => line.startsWith("verdict ")).length === 2, "the second verdict");
    assert.equal(JSON.parse(logged.filter((line) => line.startsWith("verdict ")).at(-1).slice(8)).valid, false);
    assert.deepEqual(errors, []);
    assert.deepEqual(wasm, ["xinnuo_widgets_report_bg.wasm"], "the report check alone");
  });
});
