// The enterprise sees the department's decisions in the app: a commitment returned for correction shows why,
// and the form comes back to correct and sign again.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext, createKey, fillTaxForm } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { randomCreditCode } from "./support/fixtures.mjs";
import { newOfficer, approvePendingEnrolments, revokeApprovedEnrolments } from "./support/server.mjs";

const PASS = "部门决定测试 passphrase";
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("a returned commitment says why in the outbox, and its form comes back to correct", async () => {
  const { privateKey } = await newOfficer("国家税务总局山西省税务局", "赵科员");

  const { page, context, errors } = await openContext(browser, "#/commit");
  await createKey(page, PASS);
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, randomCreditCode("140105"), "晋示例补正测试有限公司");
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt").waitFor({ timeout: 30_000 });
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const item = page.locator("li.outbox-item.state-receipted");
  await item.waitFor();
  const id = await item.getAttribute("data-id");

  // The tax bureau's officer returns it, with the reason, signed.
  const decision = { type: "xinnuo.decision/1", action: "return", target: id, reason: "请补正经办人信息", decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  assert.equal((await postJson("/api/v1/decisions", signFlattenedJws(decision, privateKey))).status, 201);

  // The enterprise opens its outbox: the department's answer, and the way to correct it.
  await page.reload();
  await page.locator("li.outbox-item .handling", { hasText: "部门办理：需补正：请补正经办人信息" }).waitFor();
  await page.getByRole("button", { name: "修改后重新签名" }).click();
  await page.waitForFunction(() => document.querySelector("#field-subject_name")?.value === "晋示例补正测试有限公司");
  // The form reopened for correction says why at its top (the item has left the outbox), also after a reload.
  const why = "请修改后重新签名。国家税务总局山西省税务局退回补正：请补正经办人信息";
  assert.equal(await page.locator("#correction-reason").textContent(), why);
  await page.reload();
  await page.waitForFunction(() => document.querySelector("#field-subject_name")?.value === "晋示例补正测试有限公司");
  assert.equal(await page.locator("#correction-reason").textContent(), why);
  // Corrected and signed again: answered, so no longer said.
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt").waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#correction-reason").count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the enterprise withdraws a commitment from its outbox, signing with the key that signed it", async () => {
  const { page, context, errors } = await openContext(browser, "#/commit");
  await createKey(page, PASS);
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, randomCreditCode("140105"), "晋示例撤回测试有限公司");
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt").waitFor({ timeout: 30_000 });
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const item = page.locator("li.outbox-item.state-receipted");
  await item.locator(".handling", { hasText: "已提交" }).waitFor();
  const id = await item.getAttribute("data-id");
  await item.getByRole("button", { name: "撤回承诺" }).click();
  await item.locator(".withdraw-reason").fill("事项已办结，无需承诺");
  await item.locator(".withdraw-pass").fill(PASS);
  await item.getByRole("button", { name: "签名并撤回" }).click();
  await item.locator(".handling", { hasText: "部门办理：已撤回：事项已办结，无需承诺" }).waitFor({ timeout: 30_000 });
  assert.equal(await item.getByRole("button", { name: "撤回承诺" }).count(), 0, "nothing left to withdraw");
  const published = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.deepEqual(published.decisions.map((d) => [d.action, d.reason]), [["withdraw", "事项已办结，无需承诺"]]);
  assert.deepEqual(errors, []);
  await context.close();
});

test("once its key is revoked for the code, the outbox no longer offers to withdraw (the server would refuse)", async () => {
  const { page, context, errors } = await openContext(browser, "#/keys");
  await page.getByLabel("口令（至少 8 个字符）").fill(PASS);
  await page.getByLabel("再次输入口令").fill(PASS);
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "已创建密钥" }).waitFor({ timeout: 30_000 });
  const code = randomCreditCode("140105");
  await page.getByRole("button", { name: "向服务器登记" }).click();
  await page.getByLabel("统一社会信用代码").fill(code);
  await page.getByLabel("主体名称").fill("晋示例吊销密钥有限公司");
  await page.locator("form.enrol").getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并登记" }).click();
  await page.locator("[id^=enrol-notice]", { hasText: "待审核" }).waitFor({ timeout: 30_000 });
  assert.equal(await approvePendingEnrolments(code), 1);

  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, code, "晋示例吊销密钥有限公司");
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt").waitFor({ timeout: 30_000 });
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const item = page.locator("li.outbox-item.state-receipted");
  await item.locator(".handling", { hasText: "已提交" }).waitFor();
  assert.equal(await item.getByRole("button", { name: "撤回承诺" }).count(), 1, "withdrawable while the key stands");

  assert.equal(await revokeApprovedEnrolments(code), 1);
  await page.reload();
  await page.locator("li.outbox-item.state-receipted .handling", { hasText: "已提交" }).waitFor();
  assert.equal(await page.locator("li.outbox-item.state-receipted").getByRole("button", { name: "撤回承诺" }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});
