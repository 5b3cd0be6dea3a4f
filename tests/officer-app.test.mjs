// The officer's inbox in Chromium, as an officer uses it (issue 33 item 3): each commitment says in plain words
// how its signer's key stands; the active inbox is marked and the full text reads in the page's font; a reload
// keeps the officer signed in (the key is unlocked again to sign) and sign-out or an ended session forgets it;
// the key-enrolment inbox says how to check identity, warns when one key claims several companies, and offers
// a pending request to be refused, not "revoked".
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import { postJson } from "./support/http.mjs";
import { openContext, openPage, createKey } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode } from "./support/fixtures.mjs";
import { registerOfficer, approvePackageKey, approvedNodeKey, importEligibleSubject } from "./support/server.mjs";

const TAX = "国家税务总局山西省税务局";
const OFFICER_PASS = "核验科员 passphrase 2026";
const SESSION = "xinnuo.officer-session";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const newKey = () => xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);

async function submit(key, code, name) {
  const answer = await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: code, subject_name: name } }));
  assert.equal(answer.status, 201);
  return (await answer.json()).submission_id;
}

async function enrol(key, code, name) {
  const answer = await postJson("/api/v1/keys", key.signEnrolment(code, name));
  assert.equal(answer.status, 201, await answer.clone().text());
}

/** Finds items by a word of their names, as an officer types it into the console's search. */
async function find(page, text) {
  await page.locator("#dept-search").fill(text);
  await page.locator("#dept-search-go").click();
}

test("the officer sees each signer's key standing, stays signed in across a reload, and checks keys with guidance", async () => {
  // Three commitments to the tax bureau: by a key never enrolled, by a key awaiting approval (enrolled for two
  // companies), and by a key a department approved.
  const tag = String(Date.now() % 1_000_000).padStart(6, "0");
  const never = newKey();
  const unenrolledId = await submit(never, randomCreditCode("140105"), `晋示例${tag}未登记有限公司`);
  const waiting = newKey();
  const pendingCode = randomCreditCode("140105");
  const otherCode = randomCreditCode("140105");
  await enrol(waiting, pendingCode, `晋示例${tag}待审核有限公司`);
  await enrol(waiting, otherCode, `晋示例${tag}另一家有限公司`);
  const pendingId = await submit(waiting, pendingCode, `晋示例${tag}待审核有限公司`);
  const approved = newKey();
  const approvedCode = randomCreditCode("140105");
  await approvePackageKey(approved, approvedCode, `晋示例${tag}已核验有限公司`, xinnuo.fingerprintGroups);
  const approvedId = await submit(approved, approvedCode, `晋示例${tag}已核验有限公司`);
  for (const key of [never, waiting, approved]) key.free();

  // The officer: a key made in the app, registered with every role, signed in.
  const { page, context, errors } = await openContext(browser, "#/keys");
  await createKey(page, OFFICER_PASS);
  await page.getByRole("link", { name: "部门办理" }).click();
  await registerOfficer(JSON.parse(await page.locator("#officer-jwk").textContent()), TAX, "吴科员", "review,decide,keys");
  await page.locator("#dept-pass").fill(OFFICER_PASS);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#dept-officer", { hasText: "吴科员" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#dept-unlock").count(), 0, "the key was unlocked to sign in");

  // Each signer's key standing in plain words, beside the commitment.
  await find(page, tag);
  const item = (id) => page.locator(`li.dept-item[data-id="${id}"]`);
  await item(approvedId).waitFor();
  assert.equal(await item(unenrolledId).locator(".key-standing").textContent(), "签署密钥：未核验（未登记）");
  assert.equal(await item(pendingId).locator(".key-standing").textContent(), "签署密钥：未核验（登记待审核）");
  assert.equal(await item(approvedId).locator(".key-standing").textContent(), "签署密钥：已核验");

  // The inbox shown is marked, for the eye and for a screen reader.
  const [shown, other] = [page.locator("#dept-tab-commitments"), page.locator("#dept-tab-objections")];
  assert.equal(await shown.getAttribute("aria-selected"), "true");
  assert.equal(await other.getAttribute("aria-selected"), "false");
  const background = (tab) => tab.evaluate((el) => getComputedStyle(el).backgroundColor);
  assert.notEqual(await background(shown), await background(other), "the active tab looks different");
  // The full text reads in the page's proportional font, not small monospace.
  await item(approvedId).locator("summary").click();
  const font = await item(approvedId).locator(".dept-text").evaluate((el) => [getComputedStyle(el).fontFamily, parseFloat(getComputedStyle(el).fontSize)]);
  assert.doesNotMatch(font[0], /monospace/i);
  assert.ok(font[1] >= 15, `font size ${font[1]}`);

  // The session is kept in this tab (its token, never the key) and outlives a reload.
  const kept = await page.evaluate((name) => JSON.parse(sessionStorage.getItem(name)), SESSION);
  assert.deepEqual(Object.keys(kept).sort(), ["expires_at", "officer", "officer_fingerprint", "token"]);
  assert.doesNotMatch(JSON.stringify(kept), /"d"\s*:|seed|passphrase/i);
  await page.reload();
  await page.locator("#dept-officer", { hasText: "吴科员" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#dept-sign-in").count(), 0, "still signed in");
  await find(page, tag);
  await item(approvedId).waitFor();
  // To sign, the key is unlocked again with its passphrase.
  await item(approvedId).getByRole("button", { name: "受理", exact: true }).click();
  await page.locator("#dept-notice", { hasText: "请先在上方输入密钥口令解锁" }).waitFor();
  await page.locator("#dept-unlock-pass").fill(OFFICER_PASS);
  await page.locator("#dept-unlock-go").click();
  await page.locator("#dept-notice", { hasText: "密钥已解锁" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#dept-unlock").count(), 0);
  await item(approvedId).getByRole("button", { name: "受理", exact: true }).click();
  await page.locator("#dept-notice", { hasText: "已签署决定：受理" }).waitFor();

  // Key enrolments: how to check identity, a warning for a key claiming two companies, and a pending request
  // is refused (nothing was approved to revoke).
  await page.getByRole("tab", { name: "密钥登记" }).click();
  assert.equal(await page.locator("#dept-tab-key-enrolments").getAttribute("aria-selected"), "true");
  const guidance = await page.locator("#dept-key-guidance").textContent();
  for (const words of ["营业执照", "法定代表人身份证件", "授权书", "当面", "电子营业执照", "密钥指纹"]) {
    assert.ok(guidance.includes(words), `the guidance says ${words}`);
  }
  await find(page, pendingCode);
  // The other company's item names this code in its own warning: the item is the one headed by this code.
  const enrolment = page.locator("li.dept-item", { hasText: `晋示例${tag}待审核有限公司 · ${pendingCode}` });
  await enrolment.waitFor();
  const warning = await enrolment.locator(".key-warning").textContent();
  assert.match(warning, /^⚠ 同一密钥还登记代表其他 1 个主体：/);
  assert.ok(warning.includes(`${otherCode}（晋示例${tag}另一家有限公司，待审核）`), warning);
  assert.equal(await enrolment.getByRole("button", { name: "吊销密钥" }).count(), 0);
  assert.equal(await enrolment.getByRole("button", { name: "拒绝登记（不予核验）" }).count(), 1);
  assert.equal(await enrolment.getByRole("button", { name: "核验密钥" }).count(), 1);

  // Sign-out forgets the session: a reload asks to sign in.
  await page.locator("#dept-sign-out").click();
  await page.locator("#dept-sign-in").waitFor();
  assert.equal(await page.evaluate((name) => sessionStorage.getItem(name), SESSION), null);
  await page.reload();
  await page.locator("#dept-sign-in").waitFor({ timeout: 30_000 });

  // A session the server no longer knows (ended, or its officer revoked) is forgotten at the first answer.
  await page.locator("#dept-pass").fill(OFFICER_PASS);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#dept-officer", { hasText: "吴科员" }).waitFor({ timeout: 30_000 });
  await page.evaluate((name) => {
    const session = JSON.parse(sessionStorage.getItem(name));
    sessionStorage.setItem(name, JSON.stringify({ ...session, token: "ended-session-token" }));
  }, SESSION);
  await page.reload();
  await page.locator("#dept-notice", { hasText: "登录已失效，请重新登录。" }).waitFor({ timeout: 30_000 });
  await page.locator("#dept-sign-in").waitFor();
  assert.equal(await page.evaluate((name) => sessionStorage.getItem(name), SESSION), null);
  assert.deepEqual(errors, []);
  await context.close();
});

/** The style a form control is drawn with: what tells an app's control from the browser's bare one. */
const controlStyle = (control) => control.evaluate((el) => {
  const style = getComputedStyle(el);
  return { radius: style.borderTopLeftRadius, border: style.borderTopColor, padding: style.paddingLeft, font: style.fontFamily };
});

test("the sign-in page is styled like the app and hands over the public key by copy or download; a long objection never widens the console", async () => {
  // An objection whose grounds hold a long unbroken run (a link pasted in), to a record of the tax bureau.
  const code = randomCreditCode("140105");
  const record = await importEligibleSubject({ code, name: "晋示例长异议有限公司", authority: TAX, decisionNo: "晋税测罚〔2026〕77号" });
  const enterprise = await approvedNodeKey(code, "晋示例长异议有限公司", xinnuo.fingerprintGroups);
  const grounds = `该处罚决定已被撤销，复议决定书见 https://example.gov.cn/${"fuyijuedingshu".repeat(20)}.pdf 请核实。`;
  const objection = { type: "xinnuo.objection/1", credit_code: code, record_id: record.id, grounds, signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const objected = await postJson("/api/v1/objections", signFlattenedJws(objection, enterprise.privateKey));
  assert.equal(objected.status, 201, await objected.clone().text());
  const { objection_id: objectionId } = await objected.json();

  const { page, context, errors } = await openContext(browser, "#/keys", { viewport: { width: 1280, height: 800 }, acceptDownloads: true, permissions: ["clipboard-read", "clipboard-write"] });
  await createKey(page, OFFICER_PASS);
  await page.getByRole("link", { name: "部门办理" }).click();
  await page.locator("#dept-pass").waitFor();
  // The sign-in form's controls look like the commitment form's, not the browser's bare ones.
  // The commitment page in another tab of this browser, which holds the key.
  const reference = await openPage(context, "#/commit");
  await reference.locator("#sign-pass").waitFor();
  const appStyle = await controlStyle(reference.locator("#sign-pass"));
  await reference.close();
  assert.deepEqual(await controlStyle(page.locator("#dept-pass")), appStyle);
  assert.deepEqual(await controlStyle(page.locator("#dept-key")), appStyle);
  // Plain words: no protocol named to the officer.
  assert.doesNotMatch(await page.locator("main").innerText(), /挑战/);

  // The public key: copied with one button, downloaded with another; the raw JSON is there for who wants it.
  await page.getByRole("button", { name: "复制公钥" }).click();
  await page.locator("#officer-jwk-notice", { hasText: "已复制" }).waitFor();
  const copied = JSON.parse(await page.evaluate(() => navigator.clipboard.readText()));
  assert.deepEqual(Object.keys(copied).sort(), ["crv", "kty", "x"]);
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "下载公钥文件" }).click()]);
  assert.match(download.suggestedFilename(), /^xinnuo-officer-key-[\w-]{8}\.jwk$/);
  const downloaded = JSON.parse(await readFile(await download.path(), "utf8"));
  assert.deepEqual(downloaded, copied);
  assert.deepEqual(JSON.parse(await page.locator("#officer-jwk").textContent()), copied);

  // Registered with the downloaded file, the officer signs in and reads the long objection: the page keeps
  // its width.
  await registerOfficer(downloaded, TAX, "郑科员", "review,decide");
  await page.locator("#dept-pass").fill(OFFICER_PASS);
  await page.getByRole("button", { name: "登录" }).click();
  await page.locator("#dept-officer", { hasText: "郑科员" }).waitFor({ timeout: 30_000 });
  await page.getByRole("tab", { name: "异议" }).click();
  await find(page, code);
  const item = page.locator(`li.dept-item[data-id="${objectionId}"]`);
  await item.waitFor();
  await item.locator("summary").first().click();
  await item.locator(".dept-text", { hasText: "fuyijuedingshu" }).waitFor();
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: document.documentElement.clientWidth }));
  assert.ok(widths.page <= widths.screen, `the console is ${widths.page} px wide on a ${widths.screen} px screen`);
  assert.deepEqual(errors, []);
  await context.close();
});
