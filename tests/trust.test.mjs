// Trust you can check, tried as an attacker would: a forged receipt on the verify page, the app's origin
// framed or made to run a stranger's script, and the headers every page carries.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";

const demo = process.env.XINNUO_DEMO_URL;
if (!demo) throw new Error("XINNUO_DEMO_URL is not set: run these tests with `cargo xtask test`");
const demoOrigin = new URL(demo).origin;

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("every HTML answer carries the page policy; the embed may be framed only by allowed origins", async () => {
  for (const path of ["/", "/index.html", "/#/commit", "/no/such/route"]) {
    const response = await fetch(`${base}${path}`);
    assert.match(response.headers.get("content-type"), /^text\/html/, path);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, path);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.equal(response.headers.get("referrer-policy"), "no-referrer");
    assert.equal(response.headers.get("strict-transport-security"), null, "plain HTTP on loopback: no HSTS");
  }
  const embed = await fetch(`${base}/embed/index.html`);
  const csp = embed.headers.get("content-security-policy") ?? "";
  assert.ok(csp.endsWith(`frame-ancestors 'self' ${demoOrigin}`), csp);
  assert.equal(embed.headers.get("x-frame-options"), null);
  // Scripts and data are not pages: no page policy on them, but never a referrer.
  const script = await fetch(`${base}/app.js`);
  assert.equal(script.headers.get("content-security-policy"), null);
  assert.equal(script.headers.get("referrer-policy"), "no-referrer");
});

test("the embedding demo is not on the app's origin, and refuses scripts from anywhere but this machine", async () => {
  const onApp = await (await fetch(`${base}/embed-demo/demo.js`)).text();
  assert.ok(!onApp.includes("xinnuo-widgets.js"), "the app's origin does not serve the demo");
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(`${demoOrigin}/index.html?api=${encodeURIComponent("http://evil.example/")}`);
  await page.locator("[role=alert]", { hasText: "只接受本机的信诺服务器" }).waitFor();
  assert.ok(!requested.some((url) => new URL(url).hostname === "evil.example"), requested.join("\n"));
  await context.close();
});

test("the app's pages cannot be framed by another site", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demoOrigin}/index.html`);
  await page.evaluate(async (url) => {
    const frame = Object.assign(document.createElement("iframe"), { src: url });
    document.body.append(frame);
    await new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 5000); });
  }, `${base}/`);
  // Playwright reaches into cross-origin frames: a blocked frame is Chromium's error page, never our app.
  const child = page.frames().find((frame) => frame !== page.mainFrame());
  assert.ok(child, "the frame exists");
  const blocked = (await child.locator("#app").count()) === 0;
  await page.evaluate(async (url) => {
    const frame = Object.assign(document.createElement("iframe"), { src: url });
    document.body.append(frame);
    await new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 5000); });
  }, `${base}/embed/index.html?widget=code-check`);
  const embedFrame = page.frames().find((frame) => frame.url().includes("/embed/"));
  assert.ok(embedFrame && (await embedFrame.locator("#widget").count()) === 1, "the embed is framed by an allowed origin");
  assert.ok(blocked, "the app rendered inside another site's frame");
  await context.close();
});

test("the verify page refuses a receipt signed by any key but the server's", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const commitment = JSON.parse(key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  const answer = await (await postJson("/api/v1/commitments", commitment)).json();
  key.free();
  // A stranger's receipt for the same submission, claiming what the server never said.
  const { privateKey } = generateKeyPairSync("ed25519");
  const claims = {
    type: "xinnuo.receipt/1", submission_id: answer.submission_id, received_at: "2026-01-01T00:00:00.000Z", sequence: 1,
    key_status: "verified", signer_kid: "x", credit_code: TAX_VALUES.credit_code, template_id: "tax-service", template_version: "1.0.0",
  };
  const forged = JSON.parse(signFlattenedJws(claims, privateKey));
  const { page, context, errors } = await openContext(browser, "#/verify");
  await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt: forged }));
  await page.getByRole("button", { name: "验证", exact: true }).click();
  await page.locator("#verify-verdict", { hasText: "验证未通过" }).waitFor();
  assert.match(await page.locator("#verify-problems").textContent(), /受信任的服务器密钥/);
  assert.doesNotMatch(await page.locator("main").textContent(), /密钥已核验/);
  // The server's own receipt for it verifies.
  await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt: answer.receipt }));
  await page.getByRole("button", { name: "验证", exact: true }).click();
  await page.locator("#verify-verdict", { hasText: "验证通过" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
