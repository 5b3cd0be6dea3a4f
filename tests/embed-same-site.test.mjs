// A person who has used the app, then visits a department site on the same site (the demo on the app's
// port + 1, like a provincial domain that hosts both): the widgets framed from the Xinnuo server still show
// and work. The app's service worker answers only the app's own page; an embed page, the API, robots.txt or
// an unknown path go to the network as they are.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { openPage, waitForServiceWorker } from "./support/app.mjs";
import { demo } from "./support/server.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("after using the app, the department page on the same site shows the framed widgets and they work", async () => {
  assert.equal(new URL(demo).hostname, new URL(base).hostname, "the demo page is on the same site as the server");
  const context = await browser.newContext({ locale: "zh-CN" });
  const errors = [];
  // Use the app: check a code, so that its service worker is installed and controls its origin.
  const app = await openPage(context, "", { errors });
  await app.locator("#code-input").fill("91140105123456788F");
  await app.locator("#verdict", { hasText: "有效" }).waitFor();
  await waitForServiceWorker(app);

  // The department page (another origin of the same site) frames the commitment widget's /embed/ page.
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(demo);
  const frame = page.frameLocator("xinnuo-commitment iframe");
  await frame.locator("#template-select").waitFor({ timeout: 20_000 });
  await frame.getByLabel("承诺主体名称").fill("晋示例同站嵌入有限公司");
  await frame.getByLabel("统一社会信用代码", { exact: true }).fill("91140105123456788E");
  await frame.locator(".field.has-error", { hasText: "统一社会信用代码" }).waitFor();
  // The frame is the embed page, not the app's home page.
  const framed = page.frames().find((f) => f.url().includes("/embed/"));
  assert.ok(framed, "a frame of /embed/ is on the page");
  assert.equal(await framed.evaluate(() => Boolean(document.querySelector("header.top .tabs"))), false, "not the app's page");

  // The strict-CSP demo frames the code check through embed.js: it renders and reports back.
  const strict = await context.newPage();
  strict.on("pageerror", (error) => errors.push(error));
  await strict.goto(demo.replace("/index.html?", "/strict.html?"));
  const check = strict.frameLocator("#code-check iframe");
  await check.locator("#code-input").fill("91350100M000100Y43", { timeout: 20_000 });
  await check.locator("#verdict", { hasText: "有效" }).waitFor();
  await strict.locator("#log", { hasText: "xinnuo-checked 91350100M000100Y43 valid=true" }).waitFor();

  // Other navigations under the app's origin are the server's answers, not the cached app page.
  const robots = await context.newPage();
  const answer = await robots.goto(`${base}/robots.txt`);
  assert.match(await answer.text(), /User-agent/i, "robots.txt is a robots file");
  const missing = await robots.goto(`${base}/no-such-page`);
  assert.equal(missing.status(), 404, "an unknown path is not found");
  assert.deepEqual(errors, []);
  await context.close();
});
