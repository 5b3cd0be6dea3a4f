// Markup in data is text: a subject imported with HTML in its name and record shows it literally, in the app and
// in the status widget on another origin, and runs nothing. The demo data itself carries no markup to hide this.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { randomCreditCode } from "./support/fixtures.mjs";
import { demo, importEligibleSubject } from "./support/server.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const NAME = "<img src=x onerror=window.__x=1>晋示例&amp;公司";
const AUTHORITY = "<script>window.__y=1</script>太原市市场监督管理局";

test("the demo data has no markup in it (so the test below is the one that proves escaping)", async () => {
  const text = await readFile(new URL("../crates/server/demo/subjects.json", import.meta.url), "utf8");
  assert.ok(text.length > 1000);
  assert.doesNotMatch(text, /[<&]/);
});

test("a subject named with HTML shows literally and runs nothing, in the app and in the status widget", async () => {
  const code = randomCreditCode("140105");
  await importEligibleSubject({ code, name: NAME, authority: AUTHORITY, decisionNo: "晋示例罚〔2026〕<b>9</b>号" });
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));

  await page.goto(`${base}/#/status/${code}`);
  await page.locator("#subject-name").waitFor();
  assert.match(await page.locator("#subject-name").textContent(), /^<img src=x onerror=window.__x=1>晋示例&amp;公司/);
  assert.match(await page.locator("article.record").textContent(), /<script>window.__y=1<\/script>太原市/);
  assert.match(await page.locator("article.record h3").textContent(), /<b>9<\/b>/);
  assert.equal(await page.locator("main img, main script, main b").count(), 0, "no element was made from the data");
  // Search lists it by its literal name.
  await page.evaluate(() => { location.hash = "#/status"; });
  await page.getByLabel("企业名称或统一社会信用代码").fill(code);
  await page.getByRole("button", { name: "查询" }).click();
  const row = page.locator("#subject-list tbody tr", { hasText: code });
  await row.waitFor();
  assert.match(await row.textContent(), /<img src=x onerror=window.__x=1>晋示例&amp;公司/);

  // The status widget on the department's page, another origin.
  const widget = await context.newPage();
  widget.on("pageerror", (error) => errors.push(error));
  await widget.goto(`${demo}&code=${code}`);
  await widget.locator("xinnuo-status #subject-name").waitFor();
  assert.match(await widget.locator("xinnuo-status #subject-name").textContent(), /^<img src=x onerror/);
  assert.equal(await widget.locator("xinnuo-status img").count(), 0);

  for (const p of [page, widget]) {
    assert.deepEqual(await p.evaluate(() => [typeof window.__x, typeof window.__y]), ["undefined", "undefined"]);
  }
  assert.deepEqual(errors, []);
  await context.close();
});
