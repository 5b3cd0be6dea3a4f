// The app in real Chromium, used as a person would: typing, clicking, keyboard only, pasting, files.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launchBrowser } from "./support/browser.mjs";

const base = process.env.XINNUO_URL;
if (!base) throw new Error("XINNUO_URL is not set: run these tests with `cargo xtask test`");

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function openApp() {
  const context = await browser.newContext({ acceptDownloads: true });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(base);
  await page.locator("#code-input").waitFor();
  return { page, context, errors };
}

test("typing a wrong code shows the verdict, highlights the symbol, and one click fixes it", async () => {
  const { page, context, errors } = await openApp();
  await page.locator("#code-input").click();
  await page.keyboard.type("91140105123456788E", { delay: 5 });
  const verdict = page.locator("#verdict");
  await assert.doesNotReject(verdict.filter({ hasText: "无效" }).waitFor());
  assert.match(await verdict.textContent(), /第 18 位校验码应为 “F”/);
  assert.equal(await verdict.getAttribute("aria-live"), "polite");
  assert.equal(await page.locator(".sym.bad").count(), 1);
  assert.equal(await page.locator(".sym.bad").textContent(), "E");
  await page.getByRole("button", { name: /91140105123456788F/ }).click();
  await verdict.filter({ hasText: "有效" }).waitFor();
  assert.equal(await page.locator("#code-input").inputValue(), "91140105123456788F");
  assert.match(await page.locator("table.parts").textContent(), /小店区/);
  assert.match(await page.locator("table.parts").textContent(), /12345678-8/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("live feedback while typing, full-width input, language switch", async () => {
  const { page, context } = await openApp();
  const input = page.locator("#code-input");
  await input.click();
  await page.keyboard.type("9135", { delay: 5 });
  await page.locator("#verdict").filter({ hasText: "无效" }).waitFor();
  assert.match(await page.locator("#verdict").textContent(), /长度/);
  await input.fill("");
  await page.keyboard.type("９１３５０１００Ｍ０００１００Ｙ４３");
  await page.locator("#verdict").filter({ hasText: "有效：统一社会信用代码" }).waitFor();
  assert.equal(await page.locator(".code-view").textContent(), "91350100M000100Y43");
  await page.locator("#lang-toggle").click();
  await page.locator("#verdict").filter({ hasText: "Valid: Unified social credit code" }).waitFor();
  assert.equal(await page.locator("html").getAttribute("lang"), "en");
  await page.reload();
  await page.locator("#lang-toggle").filter({ hasText: "中文" }).waitFor();
  await context.close();
});

test("keyboard only: tab to the field, type, tab to the suggestion, press Enter", async () => {
  const { page, context } = await openApp();
  for (let i = 0; i < 20 && !(await page.locator("#code-input").evaluate((el) => el === document.activeElement)); i++) {
    await page.keyboard.press("Tab");
  }
  assert.ok(await page.locator("#code-input").evaluate((el) => el === document.activeElement), "the field is reachable with Tab");
  await page.keyboard.type("9135O1OOMOOO1OOY43");
  await page.locator("#verdict").filter({ hasText: "不允许的字母" }).waitFor();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => document.activeElement?.textContent ?? "");
  assert.match(focused, /91350100M000100Y43/);
  await page.keyboard.press("Enter");
  await page.locator("#verdict").filter({ hasText: "有效" }).waitFor();
  await context.close();
});

test("province setting warns about codes registered elsewhere", async () => {
  const { page, context } = await openApp();
  await page.locator("#province").selectOption("14");
  await page.locator("#code-input").click();
  await page.keyboard.type("91350100M000100Y43");
  await page.locator(".warnings").filter({ hasText: "不在山西省" }).waitFor();
  await context.close();
});

test("batch: paste a list, read the summary and table, filter, export CSV", async () => {
  const { page, context } = await openApp();
  await page.locator("#batch-input").click();
  await page.keyboard.insertText("91350100M000100Y43\n91140105123456788E\n11010519491231002X, M000100Y-4\n\n");
  await page.getByRole("button", { name: "批量检查" }).click();
  const status = page.locator("#batch-status");
  await status.filter({ hasText: "共 4 个：有效 3，无效 1" }).waitFor();
  assert.equal(await page.locator("#batch-results tbody tr").count(), 4);
  await page.locator("#invalid-only").check();
  assert.equal(await page.locator("#batch-results tbody tr").count(), 1);
  assert.match(await page.locator("#batch-results tbody tr").textContent(), /91140105123456788F/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-csv").click()]);
  const csv = await readFile(await download.path(), "utf8");
  assert.ok(csv.startsWith("\uFEFF行号,输入"));
  assert.equal(csv.trim().split("\r\n").length, 2, "header and the one invalid row");
  // The suggestion is one click: the row is checked again as corrected, and the summary follows.
  await page.getByRole("button", { name: "改为 91140105123456788F" }).click();
  await status.filter({ hasText: "共 4 个：有效 4，无效 0" }).waitFor();
  assert.equal(await page.locator("#batch-results tbody tr").count(), 0, "no invalid row left to show");
  await page.locator("#invalid-only").uncheck();
  assert.match(await page.locator("#batch-results tbody").textContent(), /91140105123456788F/);
  await context.close();
});

test("batch: a GB18030 CSV file is read correctly, Chinese and four-byte characters in its rows too", async () => {
  const { page, context } = await openApp();
  // Written by hand as Excel on Chinese Windows would: "名称,代码", then a row whose name has two-byte
  // characters and a four-byte one (U+20000 𠀀, 0x95 0x32 0x82 0x36), then a valid code.
  const file = Buffer.from([
    0xc3, 0xfb, 0xb3, 0xc6, 0x2c, 0xb4, 0xfa, 0xc2, 0xeb, 0x0a,
    0xbd, 0xfa, 0xca, 0xbe, 0xc0, 0xfd, 0x95, 0x32, 0x82, 0x36, 0xc6, 0xf3, 0xd2, 0xb5, 0x2c,
    ...Buffer.from("91350100M000100Y43\n"),
  ]);
  const expected = "名称,代码\n晋示例\u{20000}企业,91350100M000100Y43\n";
  assert.equal(new TextDecoder("gb18030").decode(file), expected, "the fixture is what it says (decoded independently)");
  assert.throws(() => new TextDecoder("utf-8", { fatal: true }).decode(file), "and it is not UTF-8");
  await page.locator("#batch-file").setInputFiles({ name: "codes.csv", mimeType: "text/csv", buffer: file });
  await page.locator("#batch-status").filter({ hasText: "共 4 个：有效 1，无效 3" }).waitFor();
  const shown = await page.locator("#batch-results").textContent();
  for (const cell of ["名称", "代码", "晋示例\u{20000}企业"]) assert.ok(shown.includes(cell), `${cell} shown as written`);
  assert.ok(!shown.includes("\uFFFD"), "no replacement character");
  await context.close();
});

test("batch: a 100,000-line file completes without freezing the page", async () => {
  const { page, context } = await openApp();
  const lines = Array.from({ length: 100_000 }, (_, i) => (i % 3 === 0 ? "91140105123456788E" : "91350100M000100Y43")).join("\n");
  // Pauses are measured from the moment the file reaches the app (the change event): handing Chromium a
  // 2 MB file through the test driver is itself one long task of the test's, not of the page's.
  await page.evaluate(() => {
    window.__gaps = [];
    let last = performance.now();
    window.__timer = setInterval(() => { const now = performance.now(); window.__gaps.push(now - last); last = now; }, 20);
    document.querySelector("#batch-file").addEventListener("change", () => { window.__gaps = []; last = performance.now(); }, { capture: true, once: true });
  });
  await page.locator("#batch-file").setInputFiles({ name: "many.txt", mimeType: "text/plain", buffer: Buffer.from(lines) });
  await page.locator("#batch-status").filter({ hasText: "正在检查" }).waitFor();
  await page.locator("#batch-status").filter({ hasText: "共 100000 个" }).waitFor({ timeout: 180_000 });
  const longest = await page.evaluate(() => { clearInterval(window.__timer); return Math.max(...window.__gaps); });
  console.log(`batch of 100,000 lines: longest pause between timer ticks ${Math.round(longest)} ms (budget 250 ms)`);
  assert.ok(longest < 250, `the page stayed responsive (longest pause ${Math.round(longest)} ms, budget 250 ms)`);
  assert.equal(await page.locator("#batch-results tbody tr").count(), 100);
  assert.match(await page.locator(".pager").textContent(), /1 \/ 1000/);
  await context.close();
});

test("batch: the example list explains every situation", async () => {
  const { page, context } = await openApp();
  await page.getByRole("button", { name: "填入示例" }).click();
  await page.locator("#batch-status").filter({ hasText: "共 12 个：有效 7，无效 5" }).waitFor();
  const table = await page.locator("#batch-results").textContent();
  for (const text of ["科学计数法", "试点", "组织机构代码", "不允许的字母"]) assert.ok(table.includes(text), text);
  await context.close();
});

test("while its code loads, the page shows its real frame (header, sections, a skeleton), then the app", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  let release;
  const held = new Promise((resolve) => { release = resolve; });
  await page.route("**/app_check_bg.wasm", async (route) => { await held; await route.continue(); });
  await page.goto(base);
  await page.locator("header.top nav a", { hasText: "填写承诺书" }).waitFor();
  assert.equal(await page.locator("header.top h1").textContent(), "信诺 · 信用承诺与代码检查");
  assert.equal(await page.locator(".skeleton[aria-busy=true]").count(), 1);
  assert.equal(await page.locator("#code-input").count(), 0, "the app has not started yet");
  release();
  await page.locator("#code-input").waitFor();
  assert.equal(await page.locator(".skeleton").count(), 0, "the app replaced the frame");
  assert.equal(await page.locator("header.top").count(), 1, "one header, not two");
  await context.close();
});

test("the first Tab reaches a skip link that moves focus to the main content, without changing the route", async () => {
  const { page, context, errors } = await openApp();
  await page.evaluate(() => { location.hash = "#/status"; });
  await page.locator("#subject-list, .subject-list, main h2").first().waitFor();
  await page.keyboard.press("Tab");
  const focused = await page.evaluate(() => ({ text: document.activeElement.textContent, cls: document.activeElement.className }));
  assert.deepEqual(focused, { text: "跳到主要内容", cls: "skip-link" });
  assert.equal(await page.locator(".skip-link").isVisible(), true, "visible once focused");
  await page.keyboard.press("Enter");
  assert.equal(await page.evaluate(() => document.activeElement.id), "main");
  assert.equal(await page.evaluate(() => location.hash), "#/status", "the route stays");
  assert.deepEqual(errors, []);
  await context.close();
});

test("each finding is said once, with its own position; a possible Fujian pilot code is amber 需核实, never green", async () => {
  const { page, context, errors } = await openApp();
  const input = page.locator("#code-input");
  const verdict = page.locator("#verdict");
  // A standalone organisation code: its check symbol is the 9th.
  await input.fill("M000100Y-5");
  await verdict.filter({ hasText: "无效" }).waitFor();
  assert.equal(await verdict.textContent(), "无效：第 9 位：组织机构代码校验码应为 “4”，实际为 “5”。");
  const listed = await page.locator("ul.issues").allTextContents();
  assert.ok(!listed.join("").includes("组织机构代码校验码应为"), `said once: ${listed}`);
  // A wrong check symbol: the message names its place, so no second position in front of it.
  await input.fill("91140105123456788E");
  await verdict.filter({ hasText: "第 18 位校验码" }).waitFor();
  assert.doesNotMatch(await verdict.textContent(), /第 18 位：第 18 位|\[第/);
  // Early Fujian pilot pattern: valid by the registry's history, not by the standard.
  await input.fill("91350203M0001QKT19");
  await verdict.filter({ hasText: "需核实" }).waitFor();
  assert.match(await verdict.getAttribute("class"), /\bwarn\b/);
  assert.doesNotMatch(await verdict.getAttribute("class"), /\bok\b/);
  assert.match(await verdict.textContent(), /试点/);
  // One language at a time.
  assert.equal(await page.locator(".msg-alt").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
