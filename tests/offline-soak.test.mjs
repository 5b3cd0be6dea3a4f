// Soak: a seeded random run of edits, reloads, offline/online, closing and reopening, signing and a second
// tab. At the end every draft holds its last edit and every signed submission is on the server exactly
// once. The seed is printed; replay a failure with XINNUO_SOAK_SEED=<seed>.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { openPage, waitForServiceWorker, createKey, fillTaxForm, serverCount } from "./support/app.mjs";
import { randomCreditCode } from "./support/fixtures.mjs";

const STEPS = Number(process.env.XINNUO_SOAK_STEPS ?? 200);
const SEED = Number(process.env.XINNUO_SOAK_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PASS = "soak passphrase 2026";

/** mulberry32: small, seedable, good enough to pick steps. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test(`soak: ${STEPS} random steps, seed ${SEED}`, { timeout: 600_000 }, async () => {
  console.log(`soak seed ${SEED} (replay: XINNUO_SOAK_SEED=${SEED})`);
  const random = rng(SEED);
  const context = await browser.newContext();
  const errors = [];
  // Every answer the server gave to a submission, counted per credit code: the server's idempotency would
  // hide a double send from a count of stored rows, not from this.
  const answered = new Map();
  context.on("response", (response) => {
    const request = response.request();
    if (request.method() !== "POST" || !request.url().endsWith("/api/v1/commitments")) return;
    if (![200, 201].includes(response.status())) return;
    try {
      const { payload } = JSON.parse(request.postData());
      const code = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).credit_code;
      answered.set(code, (answered.get(code) ?? 0) + 1);
    } catch { /* not a commitment envelope: not counted */ }
  });
  let page = await openPage(context, "#/commit", { errors });
  await waitForServiceWorker(page);
  await createKey(page, PASS);
  await page.evaluate(() => { location.hash = "#/commit"; });
  await page.locator("#template-select").waitFor();
  let offline = false;
  let expectedName = "";
  const signed = [];
  const log = [];

  const checkDraft = async (why) => {
    await page.locator("#template-select").waitFor();
    try {
      await page.waitForFunction((name) => (document.querySelector("#field-subject_name")?.value ?? "") === name, expectedName, { timeout: 10_000 });
    } catch {
      const actual = await page.locator("#field-subject_name").inputValue();
      assert.fail(`after ${why}: draft name ${JSON.stringify(actual)}, expected ${JSON.stringify(expectedName)}; steps: ${log.slice(-8).join(", ")}`);
    }
  };

  for (let step = 0; step < STEPS; step++) {
    const r = random();
    if (r < 0.35) {
      expectedName = `晋示例浸泡${Math.floor(random() * 1e6)}有限公司`;
      await page.getByLabel("承诺主体名称").fill(expectedName);
      log.push("edit");
    } else if (r < 0.47) {
      await page.reload();
      log.push("reload");
      await checkDraft("reload");
    } else if (r < 0.57) {
      offline = !offline;
      await context.setOffline(offline);
      log.push(offline ? "offline" : "online");
    } else if (r < 0.67) {
      await page.close({ runBeforeUnload: true });
      page = await openPage(context, "#/commit", { errors });
      log.push("reopen");
      await checkDraft("reopen");
    } else if (r < 0.77) {
      const code = randomCreditCode("140105");
      await fillTaxForm(page, code, expectedName || "晋示例浸泡签名有限公司");
      await page.getByLabel("密钥口令").fill(PASS);
      await page.getByRole("button", { name: "签名并提交" }).click();
      await page.locator("#receipt, #sign-status.queued").first().waitFor({ timeout: 30_000 });
      signed.push(code);
      expectedName = "";
      log.push(`sign(${offline ? "offline" : "online"})`);
      await page.evaluate(() => { location.hash = "#/check"; });
      await page.evaluate(() => { location.hash = "#/commit"; });
      await checkDraft("sign");
    } else if (r < 0.85) {
      const other = await openPage(context, "#/outbox", { errors });
      await other.waitForTimeout(100 + Math.floor(random() * 400));
      await other.close();
      log.push("tab");
    } else {
      await page.waitForTimeout(50 + Math.floor(random() * 300));
      log.push("wait");
    }
  }

  // Back online: everything signed reaches the server exactly once; the last draft is intact.
  await context.setOffline(false);
  await page.evaluate(() => { location.hash = "#/outbox"; });
  await page.getByRole("button", { name: "立即发送" }).click();
  const deadline = Date.now() + 120_000;
  for (const code of signed) {
    while ((await serverCount(code)) === 0 && Date.now() < deadline) await page.waitForTimeout(500);
  }
  // Settled when nothing is left to send in any state but receipted (polled, not a fixed wait).
  await page.locator(".outbox-item").first().waitFor();
  await page.waitForFunction(() => document.querySelectorAll(".outbox-item.state-queued, .outbox-item.state-sent").length === 0, null, { timeout: 60_000 });
  assert.ok(signed.length > 0, `the run signed something (seed ${SEED})`);
  for (const code of signed) {
    assert.equal(await serverCount(code), 1, `${code} on the server exactly once (seed ${SEED})`);
    assert.equal(answered.get(code), 1, `${code} sent and answered exactly once, not resent after its receipt (seed ${SEED})`);
  }
  await page.evaluate(() => { location.hash = "#/commit"; });
  await checkDraft("the end");
  console.log(`soak: ${STEPS} steps, ${signed.length} signed, ${log.filter((s) => s === "reload" || s === "reopen").length} reloads/reopens`);
  assert.deepEqual(errors, []);
  await context.close();
});
