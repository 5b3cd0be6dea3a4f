// An officer's journey in Chromium, as a person does it: a key made in the app, registered by the operator
// from the public key the console shows, sign in by signing the server's challenge, see the department's
// commitment with its personal values, accept it, then find it kept — each decision signed in the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext, createKey } from "./support/app.mjs";
import { verifyFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode } from "./support/fixtures.mjs";
import { registerOfficer, importEligibleSubject, importSubject, approvePackageKey } from "./support/server.mjs";

const OFFICER_PASS = "税务科员 passphrase 2026";
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// What a person sees on a decision page before opening 技术详情: no 64-character id, no algorithm; opened,
// the target's full id is there.
async function assertTechnicalValuesFolded(page, targetId) {
  // The verify link keeps the full id (it is what the QR code opens); beside it, none.
  const shown = await page.locator("#decision-page").evaluate((article) => {
    const copy = article.cloneNode(true);
    copy.querySelector("#decision-url")?.remove();
    document.body.append(copy);
    const text = copy.innerText;
    copy.remove();
    return text;
  });
  assert.doesNotMatch(shown, /[0-9a-f]{64}|Ed25519|决定对象编号/, shown);
  assert.equal(await page.getByText("Ed25519").isVisible(), false);
  await page.locator("#decision-tech summary").click();
  assert.equal(await page.locator("#decision-target").textContent(), targetId);
  assert.equal(await page.getByText("Ed25519").isVisible(), true);
}

test("an officer signs in with a browser key, sees the department's commitment in full, accepts it and finds it kept", async () => {
  // An enterprise's commitment to the tax bureau, with an ID number only the department may see.
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const code = randomCreditCode("140105");
  const values = { ...TAX_VALUES, credit_code: code, subject_name: "晋示例部门办理有限公司", legal_rep_id: "11010519491231002X" };
  const { submission_id: id } = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values }))).json();
  key.free();

  const { page, context, errors } = await openContext(browser, "#/keys");
  await createKey(page, OFFICER_PASS);
  await page.getByRole("link", { name: "部门办理" }).click();
  const jwk = JSON.parse(await page.locator("#officer-jwk").textContent());
  await registerOfficer(jwk, "国家税务总局山西省税务局", "钱科员");

  await page.getByLabel("密钥口令").fill(OFFICER_PASS);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#dept-officer", { hasText: "钱科员" }).waitFor({ timeout: 30_000 });
  const item = page.locator(`li.dept-item[data-id="${id}"]`);
  await item.waitFor();
  await item.locator("summary").click();
  const fullText = await item.locator(".dept-text").textContent();
  assert.match(fullText, /^✓ 签名与个人信息披露已核验，密钥 /);
  assert.match(fullText, /法定代表人身份证号码：11010519491231002X/);
  // The key was never approved for the code, and the code is not in the register: the console says so, and
  // accepting asks how the officer identified the signer.
  assert.match(await item.locator(".signer-standing").textContent(), /^⚠ 密钥未核验（未登记），签署人身份未经核验；该代码不在主体名录中$/);
  await item.getByRole("button", { name: "受理" }).click();
  await page.locator("#dept-notice", { hasText: "受理前请核验签署人身份" }).waitFor();
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${id}`)).json()).state, "submitted", "nothing was signed");
  await item.locator(".dept-identity").selectOption("counter");
  await item.getByRole("button", { name: "受理" }).click();
  await page.locator("#dept-notice", { hasText: "已签署决定：受理" }).waitFor();
  await page.locator("#dept-filter").selectOption("in_force");
  const inForce = page.locator(`li.dept-item[data-id="${id}"]`);
  await inForce.locator(".dept-reason").fill("按期报送，核查无误");
  await inForce.getByRole("button", { name: "认定已履诺" }).click();
  await page.locator("#dept-notice", { hasText: "已签署决定：认定已履诺" }).waitFor();

  // Public, signed by the officer's browser key, verifiable by anyone.
  const published = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.equal(published.state, "kept");
  assert.deepEqual(published.decisions.map((d) => d.action), ["accept", "kept"]);
  for (const d of published.decisions) assert.deepEqual(verifyFlattenedJws(d.envelope, jwk).payload.target, id);
  assert.equal(published.decisions[1].reason, "按期报送，核查无误");
  assert.equal(published.decisions[0].identity_checked, "counter");
  // The column lists it now, saying who identified the signer.
  await page.evaluate(() => { location.hash = "#/publications"; });
  await page.locator("#pub-q").fill(code);
  await page.locator("#pub-search").click();
  const row = page.locator(`#publications tr[data-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.locator(".signer-standing").textContent(), "受理部门已核验签署人身份（窗口当面核验身份证件与营业执照）");
  assert.deepEqual(errors, []);
  await context.close();
});

test("a department's whole part: approve a key, accept and find broken, grant a repair, uphold an objection, export the list", async () => {
  const TAX = "国家税务总局山西省税务局";
  // A subject with a repairable penalty by the tax bureau, and another that will commit and break it.
  const penalised = randomCreditCode("140105");
  const record = await importEligibleSubject({ code: penalised, name: "晋示例全流程修复有限公司", authority: TAX, decisionNo: "晋税测罚〔2026〕7号" });
  const committing = randomCreditCode("140105");
  const companyName = "晋示例全流程承诺有限公司";
  await importSubject({ code: committing, name: companyName });
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  // Only a key approved for the penalised code applies for its repair.
  await approvePackageKey(key, penalised, "晋示例全流程修复有限公司", xinnuo.fingerprintGroups);
  const { submission_id: commitmentId } = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service",
    values: { ...TAX_VALUES, credit_code: committing, subject_name: companyName } }))).json();
  const { submission_id: repairId } = await (await postJson("/api/v1/repair-applications", key.signCommitment({ template_id: "credit-repair", values: {
    subject_name: "晋示例全流程修复有限公司", credit_code: penalised, legal_rep: "李四", phone: "13812345678",
    decision_no: record.decision_no, decision_authority: TAX, decision_date: record.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true } }))).json();
  key.free();

  // The enterprise makes its key in the app and enrols it for its code.
  const enterprise = await openContext(browser, "#/keys");
  const E = enterprise.page;
  await createKey(E, PASSPHRASE);
  await E.getByRole("button", { name: "向服务器登记" }).click();
  await E.getByLabel("统一社会信用代码").fill(committing);
  await E.getByLabel("主体名称").fill(companyName);
  await E.locator("form.enrol").getByLabel("密钥口令").fill(PASSPHRASE);
  await E.getByRole("button", { name: "签名并登记" }).click();
  await E.locator("[id^=enrol-notice]", { hasText: "待审核" }).waitFor({ timeout: 30_000 });

  // The officer: a key made in the app, registered with every role, signed in.
  const officer = await openContext(browser, "#/keys");
  const O = officer.page;
  await createKey(O, OFFICER_PASS);
  await O.getByRole("link", { name: "部门办理" }).click();
  await registerOfficer(JSON.parse(await O.locator("#officer-jwk").textContent()), TAX, "孙科长", "review,decide,keys");
  await O.getByLabel("密钥口令").fill(OFFICER_PASS);
  await O.getByRole("button", { name: "登录" }).click();
  await O.locator("#dept-officer", { hasText: "孙科长" }).waitFor({ timeout: 30_000 });
  assert.match(await O.locator("#dept-officer").textContent(), /密钥核验/);

  const decideOn = async (id, button, reason, identity) => {
    const item = O.locator(`li.dept-item[data-id="${id}"]`);
    // The item as it stands when the step cannot be taken: state, buttons and the filter shown.
    const where = async () => `${await O.locator("#dept-filter").inputValue()} | ${await O.locator("#dept-list").innerText()}`;
    await item.getByRole("button", { name: button, exact: true }).waitFor({ timeout: 15_000 })
      .catch(async (error) => { throw new Error(`no ${button} on ${id}: ${await where()}`, { cause: error }); });
    if (reason) await item.locator(".dept-reason").fill(reason);
    if (identity) await item.locator(".dept-identity").selectOption(identity);
    await item.getByRole("button", { name: button, exact: true }).click();
    await O.locator("#dept-notice", { hasText: `已签署决定：${button}` }).waitFor();
  };
  const search = async (text) => {
    await O.locator("#dept-search").fill(text);
    await O.locator("#dept-search-go").click();
  };

  // Key enrolments: compare the name with the registry, approve.
  await O.getByRole("tab", { name: "密钥登记" }).click();
  await search(committing);
  const enrolment = O.locator("li.dept-item", { hasText: committing });
  await enrolment.waitFor();
  await decideOn(await enrolment.getAttribute("data-id"), "核验密钥");

  // Commitments: accept, then find it broken; the deadline shows while it waits.
  await O.getByRole("tab", { name: "承诺书" }).click();
  await search("");
  const waiting = O.locator(`li.dept-item[data-id="${commitmentId}"]`);
  assert.match(await waiting.locator(".deadline").textContent(), /办理期限 \d{4}-\d{2}-\d{2}（5 个工作日）/);
  // Signed with a key not approved for the code (the app's key was approved, this one never enrolled).
  assert.match(await waiting.locator(".signer-standing").textContent(), /^⚠ 密钥未核验/);
  await decideOn(commitmentId, "受理", undefined, "enrolment");
  await O.locator("#dept-filter").selectOption("in_force");
  await decideOn(commitmentId, "认定违诺", "未按承诺期限补交材料");
  const broken = await (await fetch(`${base}/api/v1/subjects/${committing}`)).json();
  assert.equal(broken.summary.tier, "attention", "the enterprise's tier changed");
  const brokenRecord = broken.profile.records[0];
  assert.equal(brokenRecord.kind, "broken_commitment");
  // Its history: both decisions, each signature and receipt checked in the browser.
  await O.locator("#dept-filter").selectOption("broken");
  const history = O.locator(`li.dept-item[data-id="${commitmentId}"] .dept-history li`);
  await history.nth(1).waitFor();
  assert.deepEqual(await history.evaluateAll((items) => items.map((li) => li.className)), ["verified", "verified"]);
  assert.match(await history.nth(1).textContent(), /认定违诺：未按承诺期限补交材料 · ✓ 签名与回执已核验/);
  // The list as CSV, for the department's files.
  await O.locator("#dept-filter").selectOption("");
  await O.locator(`li.dept-item[data-id="${commitmentId}"]`).waitFor();
  const [download] = await Promise.all([O.waitForEvent("download"), O.locator("#dept-export").click()]);
  const csv = await readFile(await download.path(), "utf8");
  assert.match(csv, /^\uFEFF类型,编号,主体名称/);
  assert.match(csv, new RegExp(`"${commitmentId}","${companyName}","'?${committing}","违诺"`));

  // The finding's printed copy: verified in the browser, with a QR code back to itself.
  const decided = (await (await fetch(`${base}/api/v1/commitments/${commitmentId}`)).json()).decisions;
  await E.evaluate((id) => { location.hash = `#/decision/${id}`; }, decided[1].decision_id);
  await E.locator("#decision-verdict", { hasText: "✓ 签名有效，服务器回执已核验" }).waitFor();
  assert.match(await E.locator("#decision-page h1").textContent(), new RegExp(`${TAX}决定书`));
  assert.match(await E.locator("#decision-reason").textContent(), /未按承诺期限补交材料/);
  assert.match(await E.locator("#decision-qr").getAttribute("data-url"), new RegExp(`#/decision/${decided[1].decision_id}$`));
  assert.equal(await E.locator("#decision-qr svg").count(), 1);
  // Its place in the public log, proved against the pinned log key.
  assert.match(await E.locator("#decision-log").textContent(), /^已记入公开日志 第 \d+ 条（可离线核验）$/);
  // It names whom it concerns in words; the ids, the algorithm and the key stay folded under 技术详情.
  assert.equal(await E.locator("#decision-subject").textContent(), `${companyName}（统一社会信用代码 ${committing}）`);
  assert.equal(await E.locator("#decision-matter").textContent(), "纳税服务信用承诺书");
  await assertTechnicalValuesFolded(E, commitmentId);

  // The 信用承诺 column: anyone finds it with its state, without personal data.
  await E.evaluate(() => { location.hash = "#/publications"; });
  await E.locator("#pub-department").selectOption(TAX);
  await E.locator("#pub-state").selectOption("broken");
  await E.locator("#pub-q").fill(committing);
  await E.locator("#pub-search").click();
  const row = E.locator(`#publications tr[data-id="${commitmentId}"]`);
  await row.waitFor();
  assert.equal(await row.locator(".state").textContent(), "违诺");
  // Received on the Beijing calendar day (UTC+8), whatever the hour in UTC; the exact time on hover.
  const received = await row.locator("time").getAttribute("datetime");
  const beijingDay = new Date(Date.parse(received) + 8 * 3_600_000).toISOString().slice(0, 10);
  assert.equal(await row.locator("time").textContent(), beijingDay);
  assert.match(await row.locator("time").getAttribute("title"), /（北京时间）$/);
  assert.equal(await E.locator("#pub-total").textContent(), "1 份承诺书");
  assert.ok(!(await E.locator("#publications").textContent()).includes(TAX_VALUES.phone), "no personal data");

  // Repair applications on the bureau's records: grant.
  await O.getByRole("tab", { name: "信用修复申请" }).click();
  // The limit of 36号 第十六条 and each stage with its date, as the officer reads them.
  const repairItem = O.locator(`li.dept-item[data-id="${repairId}"]`);
  await repairItem.locator(".deadline").waitFor();
  // 36号 第十六条 was read only as quoted: the limit says it is the authority's own notice that counts.
  const [, due] = (await repairItem.locator(".deadline").textContent()).match(/^办理期限 (\d{4}-\d{2}-\d{2})（10 个工作日；期限以办理单位告知为准）$/) ?? [];
  assert.ok(due, await repairItem.locator(".deadline").textContent());
  const stages = await repairItem.locator("ol.deadline-stages li").allTextContents();
  assert.match(stages[0], /^受理（3 个工作日）：\d{4}-\d{2}-\d{2}$/);
  assert.deepEqual(stages.slice(1, 3), [`受理后作出决定（7 个工作日）：${due}`, `“信用中国”网站反馈结果（10 个工作日）：${due}`]);
  assert.ok(stages.length === 3 || /^复杂情形可延长 10 个工作日：\d{4}-\d{2}-\d{2}$/.test(stages[3]), stages.join(" | "));
  await decideOn(repairId, "准予信用修复", "已履行义务，公示期满");
  const repaired = await (await fetch(`${base}/api/v1/subjects/${penalised}`)).json();
  assert.equal(repaired.evaluations[0].outcome, "already_removed");

  // The enterprise objects to the broken-commitment record from its status page, with its approved key.
  await E.evaluate((code) => { location.hash = `#/status/${code}`; }, committing);
  const article = E.locator(`#record-${brokenRecord.id}`);
  await article.getByRole("button", { name: "对这条记录提出异议" }).click();
  await article.locator(".objection-grounds").fill("材料已于承诺期限内通过电子税务局补交，附提交回执。");
  await article.locator(".objection-pass").fill(PASSPHRASE);
  await article.getByRole("button", { name: "签名并提出异议" }).click();
  await E.locator(`#record-${brokenRecord.id} .badge.contested`, { hasText: "异议处理中" }).waitFor({ timeout: 30_000 });
  assert.match(await E.locator(`#record-${brokenRecord.id} .objection-state`).textContent(), /异议处理中 · 办理期限 \d{4}-\d{2}-\d{2}（8 个工作日/);

  // The officer upholds it: the record leaves the enterprise's credit record.
  await O.getByRole("tab", { name: "异议" }).click();
  const objectionItem = O.locator("li.dept-item", { hasText: committing });
  await objectionItem.waitFor();
  await objectionItem.locator("summary").click();
  assert.match(await objectionItem.locator(".dept-text").textContent(), /电子税务局补交[\s\S]*✓ 企业签名有效/);
  await decideOn(await objectionItem.getAttribute("data-id"), "异议成立", "核实材料已按期补交");
  await E.reload();
  await E.locator("#no-records").waitFor();
  assert.equal((await (await fetch(`${base}/api/v1/subjects/${committing}`)).json()).summary.tier !== "attention", true);
  // The enterprise's page says the objection was upheld, with the reason and the decision; the decision's page
  // says what was decided once, and offers no commitment to open for an objection.
  const upheld = E.locator(`.objection-upheld[data-record="${brokenRecord.id}"]`);
  assert.match(await upheld.textContent(), /^异议成立：记录 .+ 经核实已更正，不再公示（.+）。理由：核实材料已按期补交 查看决定书$/);
  await upheld.locator(".decision-link").click();
  await E.locator("#decision-verdict", { hasText: "✓ 签名有效，服务器回执已核验" }).waitFor();
  assert.equal(await E.locator("#decision-action").textContent(), "异议成立");
  assert.equal(await E.locator("#decision-subject").textContent(), `${companyName}（统一社会信用代码 ${committing}）`);
  assert.equal(await E.locator("#decision-matter").textContent(), `违背信用承诺（${brokenRecord.decision_no}，${brokenRecord.authority}）`);
  assert.equal(await E.getByRole("link", { name: /查看所涉/ }).count(), 0);
  assert.deepEqual([...enterprise.errors, ...officer.errors], []);
  await enterprise.context.close();
  await officer.context.close();
});
