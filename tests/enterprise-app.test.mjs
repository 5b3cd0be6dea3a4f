// The enterprise's own pages answer it (issue 33 items 5 and 6), in Chromium as a person uses them: the keys
// page remembers its enrolments after a reload and asks once to back up a new key; an objection refused for an
// unapproved key says how to have it approved; after applying for repair the checklist ticks what was done and
// the outbox gives the same limit as the status page; a broken-commitment record speaks of the commitment, and a
// repaired record promises no end of publication.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext, openPage, createKey } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, randomCreditCode, commitmentPayload, inForce } from "./support/fixtures.mjs";
import { newOfficer, importSubject, importEligibleSubject, approvePendingEnrolments, approvedNodeKey, decide } from "./support/server.mjs";

const PASS = "企业答复测试 passphrase";
const TAX = "国家税务总局山西省税务局";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

/** Enrols the browser's key for `code` on the keys page, as a person does. */
async function enrolOnKeysPage(page, code, name) {
  await page.getByRole("button", { name: "向服务器登记" }).click();
  await page.getByLabel("统一社会信用代码").fill(code);
  await page.getByLabel("主体名称").fill(name);
  await page.locator("form.enrol").getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并登记" }).click();
  await page.locator("[id^=enrol-notice]", { hasText: "待审核" }).waitFor({ timeout: 30_000 });
}


test("the keys page asks once to back up a new key, and lists the key's enrolments after a reload", async () => {
  const { page, context, errors } = await openContext(browser, "#/keys");
  await createKey(page, PASS);
  // Right after creating it: back it up now (the file stays encrypted by the passphrase).
  const prompt = page.locator("#key-backup");
  assert.match(await prompt.textContent(), /请立即备份新密钥/);
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#key-backup-download").click()]);
  assert.match(download.suggestedFilename(), /^xinnuo-key-[\w-]{8}\.json$/);
  const file = JSON.parse(await readFile(await download.path(), "utf8"));
  const kid = await page.locator("li.key-item").getAttribute("data-kid");
  assert.equal(file.kid, kid);
  assert.equal(await prompt.count(), 0, "asked once");
  await page.locator("#key-notice", { hasText: "已下载密钥文件" }).waitFor();

  // Enrolled for a code: listed with the key, and still after a reload (asked of the server again).
  const code = randomCreditCode("140105");
  await enrolOnKeysPage(page, code, "晋示例密钥登记记忆有限公司");
  const enrolment = page.locator(`li.key-item[data-kid="${kid}"] li.key-enrolment[data-code="${code}"]`);
  assert.match(await enrolment.textContent(), new RegExp(`^${code} · 晋示例密钥登记记忆有限公司 · 待审核`));
  // While it waits, it says how to have it approved.
  assert.match(await enrolment.textContent(), /营业执照.*电子营业执照/);
  await page.reload();
  await enrolment.waitFor({ timeout: 30_000 });
  assert.match(await enrolment.textContent(), /· 待审核/);
  assert.equal(await page.locator("#key-backup").count(), 0, "not asked again after a reload");
  // A department's key officer approves it: the page says so on the next visit.
  assert.equal(await approvePendingEnrolments(code), 1);
  await page.reload();
  await page.locator(`li.key-item[data-kid="${kid}"] li.key-enrolment[data-code="${code}"]`, { hasText: "已核验" }).waitFor({ timeout: 30_000 });
  assert.deepEqual(errors, []);
  await context.close();
});

test("an objection refused for a key nobody approved says how to have the key approved, with the way to the keys page", async () => {
  const code = randomCreditCode("140105");
  const record = await importEligibleSubject({ code, name: "晋示例异议密钥有限公司", authority: TAX, decisionNo: "晋税测罚〔2026〕51号" });
  const { page, context, errors } = await openContext(browser, "#/keys");
  await createKey(page, PASS);
  await page.evaluate((code) => { location.hash = `#/status/${code}`; }, code);
  const article = page.locator(`#record-${record.id}`);
  await article.getByRole("button", { name: "对这条记录提出异议" }).click();
  // The form is drawn like the app's other forms (the commitment's sign form), not as the browser's bare controls.
  const style = (control) => control.evaluate((el) => {
    const css = getComputedStyle(el);
    return { radius: css.borderTopLeftRadius, border: css.borderTopColor, padding: css.paddingLeft, font: css.fontFamily };
  });
  // The commitment page in another tab of this browser, which holds the key.
  const reference = await openPage(context, "#/commit");
  await reference.locator("#sign-pass").waitFor();
  const appStyle = await style(reference.locator("#sign-pass"));
  await reference.close();
  for (const control of [".objection-grounds", ".objection-key", ".objection-pass"]) {
    assert.deepEqual(await style(article.locator(control)), appStyle, `${control} is styled like the app's forms`);
  }
  const formWidth = await article.locator("form.objection-form").evaluate((form) => form.getBoundingClientRect().width);
  const groundsWidth = await article.locator(".objection-grounds").evaluate((box) => box.getBoundingClientRect().width);
  assert.ok(groundsWidth >= formWidth * 0.9, `the grounds box spans the form: ${groundsWidth} of ${formWidth} px`);
  await article.locator(".objection-grounds").fill("该处罚决定已被行政复议决定撤销，附复议决定书。");
  await article.locator(".objection-pass").fill(PASS);
  await article.getByRole("button", { name: "签名并提出异议" }).click();
  await article.locator(".objection-notice", { hasText: "未经核验" }).waitFor({ timeout: 30_000 });
  const help = article.locator("#key-approval-help");
  const said = await help.textContent();
  for (const words of ["如何让密钥通过核验", "向服务器登记", "营业执照", "法定代表人身份证件", "电子营业执照", "密钥核验人员"]) {
    assert.ok(said.includes(words), `the help says ${words}: ${said}`);
  }
  await help.getByRole("link", { name: "前往“密钥”页登记密钥" }).click();
  await page.locator("#keys-title").waitFor({ timeout: 30_000 });
  assert.ok(page.url().endsWith("#/keys"), page.url());
  assert.deepEqual(errors, []);
  await context.close();
});

test("after applying for repair the checklist ticks what was done, and the outbox gives the status page's limit", async () => {
  const code = randomCreditCode("140105");
  const name = "晋示例修复清单有限公司";
  const authority = `太原市示例清单局${randomBytes(2).toString("hex")}（测试）`;
  await importEligibleSubject({ code, name, authority, decisionNo: "晋测试罚〔2026〕61号" });
  const { page, context, errors } = await openContext(browser, "#/keys");
  await createKey(page, PASS);
  await enrolOnKeysPage(page, code, name);
  assert.equal(await approvePendingEnrolments(code), 1);

  await page.evaluate((code) => { location.hash = `#/status/${code}`; }, code);
  const panel = page.locator("article.record .repair-panel");
  await panel.locator(".verdict", { hasText: "现在可以申请信用修复" }).waitFor({ timeout: 30_000 });
  assert.equal(await panel.locator('ol.checklist li.done[data-code="apply"]').count(), 0, "nothing applied for yet");
  await panel.getByRole("link", { name: "填写信用修复承诺书并申请" }).click();
  await page.locator("#repair-eligibility", { hasText: "现在可以申请信用修复" }).waitFor({ timeout: 30_000 });
  await page.getByLabel("法定代表人（负责人）", { exact: true }).fill("王五");
  await page.getByLabel("联系电话", { exact: true }).fill("13912345678");
  await page.getByLabel("办理人").selectOption("self");
  await page.getByLabel("本单位已认真阅读并完全理解上述承诺内容").check();
  await page.getByLabel("同意本承诺书向社会公示并记入本单位信用记录").check();
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt", { hasText: "已提交，回执序号" }).waitFor({ timeout: 30_000 });
  const receivedAt = await page.locator("#receipt-received-at").getAttribute("datetime");
  const appliedOn = new Date(Date.parse(receivedAt) + 8 * 3_600_000).toISOString().slice(0, 10);

  // The subject's page: under review, the steps done ticked with the day, the review still to come.
  await page.getByRole("link", { name: "← 返回信用状况" }).click();
  const application = page.locator("article.record .repair-application", { hasText: "修复申请：修复审核中" });
  await application.waitFor({ timeout: 30_000 });
  const onStatusPage = await application.textContent();
  assert.match(onStatusPage, /^修复申请：修复审核中 · 办理期限 \d{4}-\d\d-\d\d（10 个工作日；期限以办理单位告知为准）$/);
  const step = (code) => panel.locator(`ol.checklist li[data-code="${code}"]`);
  assert.match(await step("commitment").textContent(), /^☑ 已签署信用修复承诺书/);
  assert.match(await step("apply").textContent(), new RegExp(`^☑ 已于 ${appliedOn} 提交修复申请，认定单位审核中`));
  assert.match(await step("review").textContent(), /^☐ /);
  assert.equal(await panel.locator("ol.checklist li:not(.done)").count(), 1, "only the review is still to come");

  // The outbox says the same, with the same limit (one answer, the authority's step for its channel).
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const item = page.locator("li.outbox-item.state-receipted", { hasText: "信用修复" });
  const line = item.locator(".repair-handling");
  await line.waitFor({ timeout: 30_000 });
  assert.equal(await line.textContent(), `${onStatusPage} 查看信用状况页`);
  assert.doesNotMatch(await item.textContent(), /部门办理|5 个工作日/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a broken-commitment record speaks of the commitment, and a repaired record promises no end of publication", async () => {
  // A commitment found broken: its record on the company's page.
  const code = randomCreditCode("140105");
  const name = "晋示例违诺文字有限公司";
  await importSubject({ code, name });
  const enterprise = await approvedNodeKey(code, name, xinnuo.fingerprintGroups);
  const made = await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code, subject_name: name }), enterprise.privateKey));
  const { submission_id: id } = await made.json();
  const tax = await newOfficer(TAX, "郑科员", "review,decide");
  await decide(tax, "accept", id);
  await decide(tax, "broken", id, "未按承诺期限补交材料");

  const { page, context, errors } = await openContext(browser, `#/status/${code}`);
  const record = page.locator("article.record").first();
  await record.locator(".repair-panel .verdict").waitFor({ timeout: 30_000 });
  const text = await record.textContent();
  assert.doesNotMatch(text, /处罚决定规定的义务|罚款/);
  assert.match(await record.locator(".blocking").textContent(), /尚未履行所作承诺、纠正违诺行为/);
  assert.match(await record.locator('ol.checklist li[data-code="obligations"]').textContent(), /^☐ 履行所作承诺/);

  // A penalty repaired by its authority: repaired, and no end of publication still to come.
  const repairedCode = randomCreditCode("140105");
  const repairedName = "晋示例已修复文字有限公司";
  const authority = `太原市示例修复局${randomBytes(2).toString("hex")}（测试）`;
  const penalty = await importEligibleSubject({ code: repairedCode, name: repairedName, authority, decisionNo: "晋测试罚〔2026〕71号" });
  const applicant = await approvedNodeKey(repairedCode, repairedName, xinnuo.fingerprintGroups);
  const repairTemplate = inForce("credit-repair");
  const application = signFlattenedJws(commitmentPayload({
    subject_name: repairedName, credit_code: repairedCode, legal_rep: "李四", phone: "13812345678",
    decision_no: penalty.decision_no, decision_authority: authority, decision_date: penalty.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true,
  }, { id: repairTemplate.id, version: repairTemplate.version, text_sha256: repairTemplate.text_sha256 }), applicant.privateKey);
  const applied = await postJson("/api/v1/repair-applications", application);
  assert.equal(applied.status, 201, await applied.clone().text());
  await decide(await newOfficer(authority, "冯科长", "review,decide"), "repair_granted", (await applied.json()).submission_id, "已履行义务，公示期满");
  await page.evaluate((code) => { location.hash = `#/status/${code}`; }, repairedCode);
  await page.locator("#subject-code", { hasText: repairedCode }).waitFor();
  const repaired = page.locator(`#record-${penalty.id}`);
  await repaired.locator(".verdict", { hasText: "已修复或已移出" }).waitFor({ timeout: 30_000 });
  assert.equal(await repaired.locator(".ends").count(), 0);
  assert.doesNotMatch(await repaired.textContent(), /公示截止/);
  assert.match(await repaired.textContent(), /已于 \d{4}-\d\d-\d\d 修复、移出或停止公示/);
  assert.deepEqual(errors, []);
  await context.close();
});
