// The public 信用承诺 column after decisions, read as a person reads it in Chromium (issue 33 item 2): a breach
// finding whose record an upheld objection removed says so (with the decision), a granted repair application is
// never listed, and the filter boxes show the filter the list is filtered by — on a desktop, on a phone and in
// the `<xinnuo-commitment-list>` widget.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode, commitmentPayload } from "./support/fixtures.mjs";
import { demo, newOfficer, importSubject, importEligibleSubject, approvedNodeKey, approvePackageKey } from "./support/server.mjs";

const TAX = "国家税务总局山西省税务局";
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: "zh-CN" };

let browser;
let tax;
before(async () => {
  browser = await launchBrowser();
  tax = await newOfficer(TAX, "周科长", "review,decide");
});
after(async () => { await browser?.close(); });

/** The tax bureau signs a decision (its officer's key is Node's own); returns the recorded decision. */
async function decide(action, target, reason = "") {
  const decision = { type: "xinnuo.decision/1", action, target, reason, decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const answer = await postJson("/api/v1/decisions", signFlattenedJws(decision, tax.privateKey));
  assert.equal(answer.status, 201, await answer.clone().text());
  return answer.json();
}

/** Types a credit code into the column's search and waits until the list answers for it. */
async function search(page, code) {
  await page.locator("#pub-q").fill(code);
  await page.locator("#pub-search").click();
  await page.locator("#pub-applied", { hasText: `搜索“${code}”` }).waitFor();
  await page.locator("#pub-total").waitFor();
}

test("after an upheld objection the column says the breach finding was withdrawn, and opens the decision", async () => {
  // A company in the register commits to the tax bureau with a key approved for its code (so it is listed);
  // the bureau accepts it and finds it broken; the company objects and the bureau upholds the objection.
  const code = randomCreditCode("140105");
  const name = "晋示例公示撤销有限公司";
  await importSubject({ code, name });
  const enterprise = await approvedNodeKey(code, name, xinnuo.fingerprintGroups);
  const made = await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code, subject_name: name }), enterprise.privateKey));
  assert.equal(made.status, 201);
  const { submission_id: id } = await made.json();
  await decide("accept", id);
  await decide("broken", id, "未按承诺期限补交材料");

  const { page, context, errors } = await openContext(browser, "#/publications");
  await search(page, code);
  const row = page.locator(`#publications tr[data-id="${id}"]`);
  await row.waitFor();
  assert.equal(await row.locator(".state").textContent(), "违诺", "while the finding stands");

  const [record] = (await (await fetch(`${base}/api/v1/subjects/${code}`)).json()).profile.records;
  const objection = { type: "xinnuo.objection/1", credit_code: code, record_id: record.id, grounds: "材料已于承诺期限内补交，附提交回执。",
    signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const objected = await postJson("/api/v1/objections", signFlattenedJws(objection, enterprise.privateKey));
  assert.equal(objected.status, 201);
  const upheld = await decide("objection_upheld", (await objected.json()).objection_id, "核实材料已按期补交");

  // A person opens the column again: the row no longer says 违诺 as if it stood, and says what happened.
  await page.reload();
  await search(page, code);
  await row.waitFor();
  const state = await row.locator(".state").textContent();
  assert.match(state, /^违诺认定已撤销/);
  assert.doesNotMatch(state, /^违诺$/);
  assert.equal(await row.locator(".overturned").textContent(), "企业提出异议，经核实异议成立，违诺记录已撤销。查看决定书");
  // Filtering by 违诺 still finds it (the finding was made), and it still says withdrawn.
  await page.locator("#pub-state").selectOption("broken");
  await page.locator("#pub-applied", { hasText: "违诺" }).waitFor();
  await row.locator(".overturned").waitFor();
  // The decision that withdrew it, one click away.
  await row.getByRole("link", { name: "查看决定书" }).click();
  await page.locator("#decision-verdict", { hasText: "✓ 签名有效" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#decision-action").textContent(), "异议成立");
  assert.ok(page.url().endsWith(`#/decision/${upheld.decision_id}`), page.url());
  assert.deepEqual(errors, []);
  await context.close();
});

test("a granted repair application is never listed, and is no choice in the filter boxes", async () => {
  const penalised = randomCreditCode("140105");
  const name = "晋示例公示修复有限公司";
  const record = await importEligibleSubject({ code: penalised, name, authority: TAX, decisionNo: "晋税测罚〔2026〕33号" });
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  await approvePackageKey(key, penalised, name, xinnuo.fingerprintGroups);
  const applied = await postJson("/api/v1/repair-applications", key.signCommitment({ template_id: "credit-repair", values: {
    subject_name: name, credit_code: penalised, legal_rep: "李四", phone: "13812345678",
    decision_no: record.decision_no, decision_authority: TAX, decision_date: record.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true } }));
  key.free();
  assert.equal(applied.status, 201, await applied.clone().text());
  await decide("repair_granted", (await applied.json()).submission_id, "已履行义务，公示期满");

  const { page, context, errors } = await openContext(browser, "#/publications");
  await search(page, penalised);
  assert.equal(await page.locator("#pub-total").textContent(), "0 份承诺书");
  assert.equal(await page.locator("#publications tbody tr").count(), 0);
  // Nobody can choose to see repair applications as commitments.
  assert.equal(await page.locator("#pub-template option", { hasText: "信用修复" }).count(), 0);
  assert.equal(await page.locator("#pub-department option", { hasText: "作出失信认定的单位" }).count(), 0);
  assert.deepEqual(errors, []);
  await context.close();
});

for (const [device, options] of [["desktop", {}], ["phone", PHONE]]) {
  test(`on a ${device}: the filter boxes show the filter the list is filtered by`, async () => {
    // A commitment to the tax bureau by a key approved for its code: listed.
    const code = randomCreditCode("140105");
    const name = `晋示例筛选${device === "phone" ? "手机" : "电脑"}有限公司`;
    const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
    await approvePackageKey(key, code, name, xinnuo.fingerprintGroups);
    const made = await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: code, subject_name: name } }));
    key.free();
    assert.equal(made.status, 201);
    const { submission_id: id } = await made.json();

    const { page, context, errors } = await openContext(browser, "#/publications", options);
    assert.equal(await page.locator("#pub-applied").textContent(), "当前显示：全部部门 · 全部承诺书 · 全部状态");

    // A department chosen at once, while the first (unfiltered) answer may still be on its way: every row
    // listed is that department's, whichever answer comes last.
    await page.locator("#pub-department").selectOption(TAX);
    await page.locator("#pub-applied", { hasText: `当前显示：${TAX} · 全部承诺书 · 全部状态` }).waitFor();
    await page.locator("#pub-total").waitFor();
    assert.equal(await page.locator("#pub-department").inputValue(), TAX);
    const departments = await page.locator("#publications tbody tr td:nth-child(3)").allTextContents();
    assert.ok(departments.length > 0, "the bureau has commitments listed");
    assert.ok(departments.every((d) => d.includes(TAX)), departments.join(" | "));

    // Its template and the search: the commitment, and the boxes say so.
    await page.locator("#pub-template").selectOption("tax-service");
    await search(page, code);
    const row = page.locator(`#publications tr[data-id="${id}"]`);
    await row.waitFor();
    assert.match(await page.locator("#pub-applied").textContent(), new RegExp(`^当前显示：${TAX} · 纳税.+ · 全部状态 · 搜索“${code}”$`));
    assert.deepEqual([await page.locator("#pub-department").inputValue(), await page.locator("#pub-template").inputValue(), await page.locator("#pub-state").inputValue()],
      [TAX, "tax-service", ""]);

    // Another template: nothing of this company, and the box shows that template.
    await page.locator("#pub-template").selectOption("deferred-materials");
    await page.locator("#pub-applied", { hasText: "容缺" }).waitFor();
    await page.locator("#pub-total", { hasText: "0 份承诺书" }).waitFor();
    assert.equal(await page.locator("#pub-template").inputValue(), "deferred-materials");
    // A state: only rows in that state.
    await page.locator("#pub-template").selectOption("");
    await page.locator("#pub-state").selectOption("submitted");
    await page.locator("#pub-applied", { hasText: "已提交" }).waitFor();
    await row.waitFor();
    const states = await page.locator("#publications tbody td.state").allTextContents();
    assert.ok(states.every((s) => s === "已提交"), states.join(" | "));

    // After a reload the boxes and the list start again together at "all".
    await page.reload();
    await page.locator("#pub-total").waitFor();
    assert.equal(await page.locator("#pub-applied").textContent(), "当前显示：全部部门 · 全部承诺书 · 全部状态");
    assert.deepEqual([await page.locator("#pub-department").inputValue(), await page.locator("#pub-template").inputValue(), await page.locator("#pub-state").inputValue()],
      ["", "", ""]);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("the list widget: an unknown department falls back to every department, said, with the box to choose one", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  // The department's site names a department the catalogue does not know (`?department=` of the demo page).
  await page.goto(`${demo}&department=${encodeURIComponent("不存在的部门")}`);
  const widget = page.locator("xinnuo-commitment-list");
  await widget.locator("#pub-dropped", { hasText: "未找到部门“不存在的部门”，显示全部部门的承诺书。" }).waitFor({ timeout: 30_000 });
  assert.equal(await widget.locator("#publications-title").textContent(), "信用承诺公示");
  assert.equal(await widget.locator("#pub-department").inputValue(), "");
  assert.equal(await widget.locator("#pub-applied").textContent(), "当前显示：全部部门 · 全部承诺书 · 全部状态");
  await widget.locator("#pub-total").waitFor();
  // Choosing in the widget filters its list, and its boxes show the choice.
  await widget.locator("#pub-state").selectOption("submitted");
  await widget.locator("#pub-applied", { hasText: "已提交" }).waitFor();
  await widget.locator("#pub-total").waitFor();
  assert.equal(await widget.locator("#pub-state").inputValue(), "submitted");
  const states = await widget.locator("#publications tbody td.state").allTextContents();
  assert.ok(states.every((s) => s === "已提交"), states.join(" | "));
  // A department chosen in its box: applied and shown, and the box stays to choose again.
  await widget.locator("#pub-department").selectOption(TAX);
  await widget.locator("#pub-applied", { hasText: `当前显示：${TAX} · 全部承诺书 · 已提交` }).waitFor();
  assert.equal(await widget.locator("#pub-department").inputValue(), TAX);
  assert.equal(await widget.locator("#pub-dropped").count(), 0, "nothing dropped any more");

  // The department's own list (a department it knows) names its department and has no box to change it.
  await page.goto(demo);
  const own = page.locator("xinnuo-commitment-list");
  await own.locator("#pub-total").waitFor({ timeout: 30_000 });
  assert.equal(await own.locator("#pub-department").count(), 0, "its department is fixed");
  assert.equal(await own.locator("#pub-dropped").count(), 0);
  assert.equal(await own.locator("#pub-applied").textContent(), `当前显示：${TAX} · 全部承诺书 · 全部状态`);
  assert.deepEqual(errors, []);
  await context.close();
});
