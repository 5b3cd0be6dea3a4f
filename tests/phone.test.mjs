// The app on a 390 px phone (Chromium, zh-CN): no page is wider than the screen, the status list keeps
// names readable beside their badges, and the print page fits.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" };

async function openPhone(path) {
  const context = await browser.newContext(PHONE);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${base}/${path}`);
  await page.locator("main").waitFor();
  return { page, context, errors };
}

/// The page's width beyond the screen, and the elements that stick out (for the failure message).
async function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll("main *")]
      .filter((element) => element.getBoundingClientRect().right > width + 1)
      .filter((element) => !element.closest("[data-scrolls]"))
      // Folded away (技术详情 closed), it is not on the screen: the open state is checked on its own.
      .filter((element) => !element.closest("details:not([open])"))
      .slice(0, 5)
      .map((element) => `${element.tagName.toLowerCase()}#${element.id}.${[...element.classList].join(".")}`);
    return { scroll: document.documentElement.scrollWidth - width, wide };
  });
}

async function assertFits(page, what) {
  const { scroll, wide } = await overflow(page);
  assert.equal(scroll, 0, `${what}: the page is ${scroll} px wider than the screen (${wide.join(", ")})`);
  assert.deepEqual(wide, [], `${what}: these stick out of the screen`);
}

test("at 390 px: code check, batch table, status list and page, commitment form and print fit the screen", async () => {
  const { page, context, errors } = await openPhone("");
  await page.locator("#code-input").fill("91140105123456788E");
  await page.locator("#verdict", { hasText: "无效" }).waitFor();
  await assertFits(page, "code check");

  await page.locator("#batch-input").fill("91350100M000100Y43\n91140105123456788E\n11010519491231002X, M000100Y-4\n");
  await page.getByRole("button", { name: "批量检查" }).click();
  await page.locator("#batch-status", { hasText: "共 4 个" }).waitFor();
  await assertFits(page, "batch results");
  // The table scrolls inside its own box, not the page.
  const box = await page.locator("#batch-results").evaluate((table) => {
    const scroller = table.closest("[data-scrolls]");
    return scroller && { width: scroller.getBoundingClientRect().width, overflow: getComputedStyle(scroller).overflowX };
  });
  assert.ok(box && box.width <= 390 && box.overflow === "auto", `the batch table scrolls in its own box: ${JSON.stringify(box)}`);

  await page.evaluate(() => { location.hash = "#/status"; });
  await page.getByLabel("企业名称或统一社会信用代码").fill("示例");
  await page.getByRole("button", { name: "查询" }).click();
  const first = page.locator("#subject-list tbody tr").first();
  await first.waitFor();
  await assertFits(page, "status list");
  // A name wraps onto at most two lines beside its badge.
  const lines = await page.locator("#subject-list tbody td:first-child a").evaluateAll((links) => links.map((link) => {
    const style = getComputedStyle(link);
    const lineHeight = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
    return Math.round(link.getBoundingClientRect().height / lineHeight);
  }));
  assert.ok(lines.length > 0 && Math.max(...lines) <= 2, `names take at most two lines: ${lines}`);

  await first.locator("a").click();
  await page.locator("#tier-name").waitFor();
  await assertFits(page, "subject page");

  await page.evaluate(() => { location.hash = "#/commit"; });
  await page.getByLabel("承诺主体名称").waitFor();
  await assertFits(page, "commitment form");

  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const created = await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  assert.equal(created.status, 201);
  const { submission_id: id } = await created.json();
  key.free();
  await page.evaluate((id) => { location.hash = `#/print/${id}`; }, id);
  await page.locator("#print-page").waitFor();
  await assertFits(page, "print page");
  assert.deepEqual(errors, []);
  await context.close();
});

test("at 390 px: the check page with a valid code and its links, and the verify page with a signed file, fit", async () => {
  const { page, context, errors } = await openPhone("");
  await page.locator("#code-input").fill("91140105123456788F");
  await page.locator("#verdict", { hasText: "有效" }).waitFor();
  await assertFits(page, "check page, valid code");
  await page.locator("#code-input").fill("91140105MA7DM001XN");
  await page.locator(".suggestions li").first().waitFor();
  await assertFits(page, "check page, suggestions");

  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const signed = key.signCommitment({ template_id: "tax-service", values: TAX_VALUES });
  key.free();
  await page.evaluate(() => { location.hash = "#/verify"; });
  await page.locator("#verify-input").waitFor();
  await assertFits(page, "verify page");
  await page.locator("#verify-input").fill(signed);
  await page.locator("#verify-button").click();
  await page.locator("#verify-verdict").waitFor();
  await assertFits(page, "verify page with a signed file");
  assert.deepEqual(errors, []);
  await context.close();
});

test("at 390 px: the column of published commitments and the QR code's verify page fit", async () => {
  // A commitment so that the column and the QR code's page have something to show.
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const created = await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  key.free();
  assert.equal(created.status, 201);
  const { submission_id: id } = await created.json();

  const { page, context, errors } = await openPhone("#/publications");
  await page.locator("#pub-total").waitFor();
  await assertFits(page, "published commitments");
  // Names and states read across the screen, not one character per line.
  const narrowest = await page.locator("#publications tbody td.subject .registry-name").evaluateAll((names) =>
    Math.min(...names.map((name) => name.getBoundingClientRect().width)));
  assert.ok(narrowest === Infinity || narrowest >= 100, `a subject's name has room: ${narrowest} px`);

  await page.evaluate((id) => { location.hash = `#/verify/${id}`; }, id);
  await page.locator("#verify-verdict").waitFor({ timeout: 30_000 });
  await assertFits(page, "the QR code's verify page");
  // Opened, the technical details fit too.
  await page.locator("details.tech-details").evaluateAll((folds) => folds.forEach((fold) => { fold.open = true; }));
  await assertFits(page, "the QR code's verify page with its technical details open");
  assert.deepEqual(errors, []);
  await context.close();
});
