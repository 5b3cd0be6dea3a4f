// What the server answers outside the app's page: a real robots.txt, a 404 (a small page, Chinese first) for a
// path that is neither the app nor one of its files, and the embedding demo as its link says it works — with a
// demo enterprise's status and no missing file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("robots.txt is a robots file and unknown paths are 404 with a page in Chinese first", async () => {
  const robots = await fetch(`${base}/robots.txt`);
  assert.equal(robots.status, 200);
  assert.match(robots.headers.get("content-type"), /^text\/plain/);
  const rules = await robots.text();
  assert.match(rules, /^User-agent: \*$/m);
  assert.match(rules, /^Disallow: \/api\/$/m);

  for (const path of ["/no-such-page", "/verify/abc", "/status/91140105123456788F", "/embed/nothing.html", "/widgets/nothing.js"]) {
    const answer = await fetch(`${base}${path}`);
    assert.equal(answer.status, 404, path);
    const text = await answer.text();
    assert.match(answer.headers.get("content-type"), /^text\/html/, path);
    assert.ok(text.indexOf("未找到") >= 0 && text.indexOf("未找到") < text.indexOf("Not found"), `${path}: Chinese first`);
    assert.match(text, /href="\/"/, `${path}: a link to the app`);
    assert.ok(!text.includes("boot.js"), `${path}: not the app's page`);
  }
  // The app itself, its files and the embed page are still there.
  for (const path of ["/", "/index.html", "/embed/", "/widgets/xinnuo-widgets.js", "/sw.js"]) {
    assert.equal((await fetch(`${base}${path}`)).status, 200, path);
  }

  // In a browser the 404 page shows, in Chinese, with a way back.
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  const answer = await page.goto(`${base}/no-such-page`);
  assert.equal(answer.status(), 404);
  await page.getByRole("link", { name: /返回信诺首页/ }).click();
  await page.locator("#code-input").waitFor();
  await context.close();
});

test("the embed demo link the server prints shows a demo enterprise's status, and the demo fetches no missing file", async () => {
  const printed = process.env.XINNUO_DEMO_URL;
  const code = new URL(printed).searchParams.get("code");
  assert.ok(code, `the printed demo link has a code: ${printed}`);
  assert.equal((await fetch(`${base}/api/v1/subjects/${code}`)).status, 200, "it is a demo enterprise");
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  const failed = [];
  page.on("response", (response) => { if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`); });
  await page.goto(printed);
  await page.locator("xinnuo-status #tier-name").waitFor();
  await page.locator("xinnuo-code-check #code-input").waitFor();
  await page.waitForTimeout(500);
  assert.deepEqual(failed, [], "no request of the demo page fails (a favicon included)");
  for (const file of ["index.html", "strict.html"]) {
    const other = await context.newPage();
    const missing = [];
    other.on("response", (response) => { if (response.status() >= 400) missing.push(`${response.status()} ${response.url()}`); });
    await other.goto(printed.replace("/index.html?", `/${file}?`));
    await other.waitForTimeout(1000);
    assert.deepEqual(missing, [], `${file}: nothing missing`);
  }
  await context.close();
});

test("the embed demo says how many widgets it shows, and without a code asks for one and shows that enterprise", async () => {
  const printed = new URL(process.env.XINNUO_DEMO_URL);
  const code = printed.searchParams.get("code");
  printed.searchParams.delete("code");
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(printed.href);
  await page.locator("xinnuo-code-check #code-input").waitFor();
  const [, said] = (await page.locator("#host-verdict").textContent()).match(/用(.)个信诺组件/) ?? [];
  // The status section without a code: not an empty heading, but what to do.
  assert.match(await page.locator("#status-hint").textContent(), /输入一家企业的统一社会信用代码/);
  await page.getByLabel("统一社会信用代码", { exact: true }).fill(code);
  await page.getByRole("button", { name: "查看信用状况" }).click();
  await page.locator("xinnuo-status #tier-name").waitFor();
  assert.equal(new URL(page.url()).searchParams.get("code"), code);
  assert.equal(await page.locator("#status-hint").count(), 0);
  // As many widgets as the page's own words say.
  const widgets = await page.locator("xinnuo-code-check, xinnuo-status, xinnuo-commitment, xinnuo-commitment-list").count();
  assert.equal(said, "一二三四五六"[widgets - 1], `the page says ${said}, shows ${widgets}`);
  await context.close();
});
