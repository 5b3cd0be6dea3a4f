// The code check as a person uses it: a typo's first suggestion (Tab, then Enter) is the fix the check
// digit proves, never a swap into a region that does not exist; a valid code leads on to its credit status
// and to a commitment for it.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Typed codes and the code the first suggestion must give.
const TYPOS = [
  // The check symbol (position 18) is wrong: 91140105MA7DM001XM; a swap at 4–5 gives 91104105…, no region.
  ["91140105MA7DM001XN", "91140105MA7DM001XM"],
  ["91140105123456788E", "91140105123456788F"],
];

for (const province of ["14", ""]) {
  test(`the first suggestion taken with Tab and Enter is the proven fix (province: ${province || "any"})`, async () => {
    const { page, context, errors } = await openContext(browser, "", { locale: "zh-CN" });
    await page.locator("#province").selectOption(province);
    for (const [typed, fixed] of TYPOS) {
      const input = page.locator("#code-input");
      await input.fill(typed);
      await page.locator("#verdict", { hasText: "无效" }).waitFor();
      const first = await page.locator(".suggestions li").first().textContent();
      assert.ok(first.includes(fixed), `the first suggestion for ${typed} is ${fixed}: ${first}`);
      const offered = await page.locator(".suggestions code").allTextContents();
      assert.ok(!offered.some((code) => code.startsWith("91104105")), `no suggestion in a region that does not exist: ${offered}`);
      await input.focus();
      await page.keyboard.press("Tab");
      await page.keyboard.press("Enter");
      await page.locator("#verdict", { hasText: "有效" }).waitFor();
      assert.equal(await input.inputValue(), fixed);
    }
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("a valid code on the check page links to its credit status and to a commitment for it", async () => {
  const list = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("关注物流")}`)).json();
  const { credit_code: code, name } = list.subjects[0];
  const { page, context, errors } = await openContext(browser, "", { locale: "zh-CN" });
  await page.locator("#code-input").fill(code);
  await page.locator("#verdict", { hasText: "有效" }).waitFor();
  await page.getByRole("link", { name: "查看该企业的信用状况" }).click();
  await page.locator("#subject-name", { hasText: name }).waitFor();
  assert.equal(await page.locator("#subject-code").textContent(), code);

  await page.goBack();
  await page.locator("#code-input").fill(code);
  await page.locator("#verdict", { hasText: "有效" }).waitFor();
  await page.getByRole("link", { name: "为该企业填写信用承诺书" }).click();
  const field = page.getByLabel("统一社会信用代码", { exact: true });
  await field.waitFor();
  await page.waitForFunction((code) => document.querySelector("#field-credit_code")?.value === code, code);
  assert.equal(await field.inputValue(), code);
  // The link's code is not applied again on a reload: the form is the draft.
  assert.equal(await page.evaluate(() => location.hash), "#/commit");
  assert.deepEqual(errors, []);
  await context.close();
});
