// What a department page gets from the widgets as a visitor types: one `xinnuo-checked` when the verdict
// changes or the value is committed, not one per keystroke; and the status widget keeps the visitor on the
// department's page (no link that opens the app's search in a new tab).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { demo } from "./support/server.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function demoCode(q) {
  const list = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent(q)}`)).json();
  return list.subjects[0].credit_code;
}

test("typing a code fires xinnuo-checked when the verdict changes and on commit, not on every keystroke", async () => {
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(demo);
  await page.evaluate(() => {
    window.__checked = [];
    document.addEventListener("xinnuo-checked", (event) => window.__checked.push(`${event.detail.normalized} ${event.detail.valid}`));
  });
  const input = page.locator("xinnuo-code-check #code-input");
  await input.waitFor();
  const events = () => page.evaluate(() => window.__checked);

  await input.pressSequentially("91140105123456788F", { delay: 20 });
  await page.locator("xinnuo-code-check #verdict", { hasText: "有效" }).waitFor();
  await page.waitForTimeout(200);
  let seen = await events();
  // The first keystroke gives a verdict (invalid), the last one a new verdict (valid): nothing in between.
  assert.deepEqual(seen, ["9 false", "91140105123456788F true"], `events while typing: ${seen.join(" | ")}`);

  // A wrong last symbol: the verdict changes once; leaving the field commits what is there (already told).
  await input.press("Backspace");
  await input.pressSequentially("E");
  await page.locator("xinnuo-code-check #verdict", { hasText: "无效" }).waitFor();
  await page.waitForTimeout(200);
  seen = await events();
  assert.deepEqual(seen.slice(2), ["91140105123456788 false"], `after a correction: ${seen.join(" | ")}`);
  await input.press("Tab");
  await page.waitForTimeout(200);
  seen = await events();
  assert.deepEqual(seen.slice(3), ["91140105123456788E false"], `on commit: ${seen.join(" | ")}`);
  // Enter commits too, once: nothing new to tell after leaving the field.
  await input.press("Enter");
  await page.waitForTimeout(200);
  assert.equal((await events()).length, 4);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the status widget keeps the visitor on the department's page", async () => {
  const code = await demoCode("关注物流");
  const context = await browser.newContext({ locale: "zh-CN" });
  const page = await context.newPage();
  await page.goto(`${demo}&code=${code}`);
  await page.locator("xinnuo-status #tier-name").waitFor();
  const opened = [];
  context.on("page", (other) => opened.push(other.url()));
  const leaving = await page.locator("xinnuo-status a[target=_blank]").evaluateAll((links) =>
    links.filter((link) => /#\/status\/?$/.test(link.getAttribute("href"))).map((link) => link.textContent));
  assert.deepEqual(leaving, [], "no link in the status widget opens the app's search in a new tab");
  const back = page.locator("xinnuo-status #back-to-search");
  if (await back.count()) {
    await back.click();
    await page.waitForTimeout(500);
    assert.deepEqual(opened, [], "going back stays in the widget");
    assert.ok(page.url().startsWith(new URL(demo).origin), "still on the department's page");
  }
  await context.close();
});
