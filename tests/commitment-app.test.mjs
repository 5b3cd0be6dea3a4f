// The core flow in real Chromium, as a person does it: create a key, fill the 纳税服务 template, sign,
// submit, print it with its QR code, and verify it — from the QR link and offline from the file.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFile, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { createRequire } from "node:module";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { newOfficer, decide } from "./support/server.mjs";
import { xinnuo, inForce, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";

const PASS = "山西示例 passphrase 2026";
const jsQrPath = createRequire(import.meta.url).resolve("jsqr/dist/jsQR.js");

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const open = (path) => openContext(browser, path, { acceptDownloads: true });

/** Decodes the QR code shown in the page with jsQR (drawn from its SVG onto a canvas). */
async function decodeQr(page) {
  // The page's CSP forbids injected script tags; DevTools evaluation is not subject to it.
  await page.evaluate(await readFile(jsQrPath, "utf8"));
  return page.evaluate(async () => {
    const svg = document.querySelector("#print-qr svg");
    const image = new Image();
    image.src = URL.createObjectURL(new Blob([svg.outerHTML], { type: "image/svg+xml" }));
    await image.decode();
    const canvas = Object.assign(document.createElement("canvas"), { width: 400, height: 400 });
    const context = canvas.getContext("2d");
    context.fillStyle = "#fff";
    context.fillRect(0, 0, 400, 400);
    context.drawImage(image, 0, 0, 400, 400);
    const data = context.getImageData(0, 0, 400, 400);
    return window.jsQR(data.data, 400, 400)?.data ?? null;
  });
}

test("create a key, fill 纳税服务, sign, submit, print with QR, and anyone verifies it", async () => {
  const { page, context, errors } = await open("#/keys");

  // A key: the passphrase must be typed twice; only the encrypted file is stored.
  await page.getByLabel("名称（可选").fill("财务部");
  await page.getByLabel("口令（至少 8 个字符）").fill(PASS);
  await page.getByLabel("再次输入口令").fill(PASS + "x");
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "两次输入的口令不一致" }).waitFor();
  await page.getByLabel("再次输入口令").fill(PASS);
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "已创建密钥" }).waitFor({ timeout: 30_000 });
  const fingerprint = (await page.locator("li.key-item code.fingerprint").textContent()).trim();
  assert.match(fingerprint, /^([A-Z2-7]{4} ){12}[A-Z2-7]{4}$/);
  const stored = await page.evaluate(() => localStorage.getItem("xinnuo.keys"));
  assert.match(stored, /"ciphertext"/);
  assert.ok(!stored.includes(PASS), "the passphrase is never stored");
  const exported = page.waitForEvent("download");
  await page.getByRole("button", { name: "导出密钥文件" }).click();
  const keyFile = join(await mkdtemp(join(tmpdir(), "xinnuo-key-")), "key.json");
  await (await exported).saveAs(keyFile);
  assert.equal(JSON.parse(await readFile(keyFile, "utf8")).kdf.alg, "argon2id");
  assert.match(await page.locator("li.key-item .notice.ok, li.key-item .notice").first().textContent(), /已导出密钥文件 xinnuo-key-\S+\.json（仍由口令加密/);

  // The form, generated from the template, validated by the core at each field.
  await page.getByRole("link", { name: "填写承诺书" }).click();
  assert.equal(await page.locator("#template-select").inputValue(), "tax-service");
  // Signing an empty form is refused at the form: focus goes to the first field in error, with its message.
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.waitForFunction(() => document.activeElement?.id === "field-subject_name");
  assert.match(await page.locator("#field-subject_name-error").textContent(), /必填/);
  await page.getByLabel("密钥口令").fill("");
  // The preview shows the title once: as the first line of the text that is signed.
  assert.equal(await page.locator("#preview h3").count(), 0);
  assert.match(await page.locator("#preview-text").textContent(), /^纳税服务信用承诺书\n/);
  await page.getByLabel("承诺主体名称").fill("山西示例科技有限公司");
  const code = page.getByLabel("统一社会信用代码", { exact: true });
  await code.fill("91140105123456788E");
  await code.blur();
  await page.locator("#field-credit_code-error", { hasText: "统一社会信用代码有误" }).waitFor();
  assert.equal(await code.getAttribute("aria-invalid"), "true");
  await code.fill("91140105123456788F");
  await page.locator("#field-credit_code-error").waitFor({ state: "detached" });
  await page.getByLabel("法定代表人（负责人）", { exact: true }).fill("张三");
  const phone = page.getByLabel("联系电话", { exact: true });
  await phone.fill("12345");
  await phone.blur();
  await page.locator("#field-phone-error", { hasText: "手机号" }).waitFor();
  await phone.fill("0351-1234567");
  await page.getByLabel("承诺事项").fill("办理涉税事项");
  await page.getByLabel("主管税务机关").fill("国家税务总局太原市小店区税务局");
  await page.getByLabel("办理人").selectOption("self");
  await page.getByLabel("本单位已认真阅读并完全理解上述承诺内容").check();
  await page.getByLabel("同意本承诺书向社会公示并记入本单位信用记录").check();

  // The preview is the exact text that will be signed.
  const preview = page.locator("#preview-text");
  assert.match(await preview.textContent(), /本单位山西示例科技有限公司（统一社会信用代码：91140105123456788F）/);
  assert.ok(!(await preview.textContent()).includes("〔"), await preview.textContent());
  const previewText = await preview.textContent();

  // A wrong passphrase says so; the right one signs and submits.
  await page.getByLabel("密钥口令").fill("wrong passphrase");
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status", { hasText: "口令不正确" }).waitFor({ timeout: 30_000 });
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  const receipt = page.locator("#receipt");
  await receipt.waitFor({ timeout: 30_000 });
  assert.match(await receipt.textContent(), /已提交，回执序号 #\d+/);
  assert.match(await page.locator("#receipt-key-status").textContent(), /密钥未核验/);
  assert.match(await page.locator("#receipt-received-at").textContent(), /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间）$/);
  // The receipt heads the page, in view; below it the form starts again empty, and nothing in it is marked or
  // asked to be corrected until it is touched.
  assert.ok(await receipt.evaluate((el) => el.getBoundingClientRect().top < document.querySelector("#commit-form").getBoundingClientRect().top),
    "the receipt is above the emptied form");
  // Brought into view where the person is (the sign button is far below).
  await page.waitForFunction(() => { const box = document.querySelector("#receipt").getBoundingClientRect(); return box.bottom > 0 && box.top > -2 && box.top < innerHeight; });
  assert.equal(await page.getByText("请先改正上面标出的项目").count(), 0, "nothing to correct in a form nobody has touched");
  // The id a person reads is short; the full one stays in the technical details.
  assert.doesNotMatch(await receipt.innerText(), /[0-9a-f]{64}/);
  assert.match(await page.locator("#receipt-ref").textContent(), /^[0-9a-f]{4} [0-9a-f]{4}$/);
  assert.match(await page.locator("#receipt-next").textContent(), /再填一份/);
  assert.equal(await page.getByLabel("承诺主体名称").inputValue(), "");
  assert.equal(await page.locator(".field-error").count(), 0, "no field is marked after a successful submission");
  const submissionId = (await page.locator("#receipt-id").textContent()).trim();
  assert.match(submissionId, /^[0-9a-f]{64}$/);
  const download = page.waitForEvent("download");
  await page.getByRole("button", { name: "下载签名文件" }).click();
  const signedFile = join(await mkdtemp(join(tmpdir(), "xinnuo-")), "signed.json");
  await (await download).saveAs(signedFile);

  // Print: A4 page with fingerprint and a QR code that opens the verify page for this submission.
  await page.locator("#print-link").click();
  await page.locator("#print-page").waitFor();
  assert.equal((await page.locator("#print-fingerprint").textContent()).trim(), fingerprint);
  assert.match(await page.locator(".print-title").textContent(), /纳税服务信用承诺书/);
  assert.match(await page.locator(".print-text").textContent(), /主管税务机关：国家税务总局太原市小店区税务局/);
  // The print is made from the published copy: the phone only masked.
  assert.match(await page.locator(".print-text").textContent(), /联系电话：0351-\*\*\*4567（已隐去）/);
  assert.doesNotMatch(await page.locator("#print-page").textContent(), /0351-1234567/);
  // Its place in the public log, proved against the pinned log key.
  await page.locator("#print-log").waitFor();
  assert.match(await page.locator("#print-log").textContent(), /^已记入公开日志 第 \d+ 条（已在含 \d+ 条的签名检查点中核验）$/);
  const verifyUrl = (await page.locator("#print-verify-url").textContent()).trim();
  assert.equal(verifyUrl, `${base}/#/verify/${submissionId}`);
  assert.equal(await decodeQr(page), verifyUrl, "the QR code encodes the verify link");
  // Beside the link a reader meets no 64-character id: the submission is named by a short reference.
  const printedFacts = await page.locator(".print-facts").evaluate((facts) => {
    const copy = facts.cloneNode(true);
    copy.querySelector("#print-verify-url")?.remove();
    return copy.textContent;
  });
  assert.doesNotMatch(printedFacts, /[0-9a-f]{64}/);
  assert.match(printedFacts, new RegExp(`提交编号：${submissionId.slice(0, 4)} ${submissionId.slice(4, 8)}`));
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("header.top").isVisible(), false, "print hides the app's chrome");
  const width = await page.locator("#print-page").evaluate((el) => el.getBoundingClientRect().width);
  assert.ok(Math.abs(width - 793.7) < 2, `A4 width, got ${width}px`);
  // The printed page keeps its proof: QR code, fingerprint, submission id, times and link, on one A4 sheet.
  for (const proof of ["#print-qr svg", "#print-fingerprint", "#print-verify-url"]) {
    assert.equal(await page.locator(proof).isVisible(), true, `${proof} is printed`);
  }
  // The footer names the text as people know it (title, version), not the template's id…
  assert.doesNotMatch(printedFacts, /模板|tax-service/);
  assert.match(printedFacts, /文本：纳税服务信用承诺书（第 [\d.]+ 版，自 \d{4}-\d{2}-\d{2} 起施行）/);
  // …and the fingerprint, as printed, breaks between its groups only: each group of four sits on one line.
  const splitGroups = await page.locator("#print-fingerprint").evaluate((code) => {
    const text = code.firstChild;
    const split = [];
    for (const match of text.data.matchAll(/\S{4}/g)) {
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + 4);
      const lines = new Set([...range.getClientRects()].map((rect) => Math.round(rect.top)));
      if (lines.size > 1) split.push(match[0]);
    }
    return split;
  });
  assert.deepEqual(splitGroups, [], "no group of the fingerprint is broken across lines");
  assert.equal((await page.locator("#print-fingerprint").textContent()).trim(), fingerprint);
  const pdf = (await page.pdf({ format: "A4", printBackground: true })).toString("latin1");
  assert.equal(pdf.match(/\/Type\s*\/Page[^s]/g)?.length, 1, "one A4 page");
  assert.deepEqual(errors, []);
  await context.close();

  // Anyone, with no keys, opens the QR link: verified in their browser, the preview's text with the personal
  // value (the phone) masked and withheld.
  const visitor = await open(`#/verify/${submissionId}`);
  await visitor.page.locator("#verify-verdict", { hasText: "验证通过" }).waitFor();
  const publicText = previewText.replace("联系电话：0351-1234567", "联系电话：0351-***4567（已隐去）");
  assert.notEqual(publicText, previewText);
  assert.equal(await visitor.page.locator("#verify-text").textContent(), publicText);
  assert.match(await visitor.page.locator("#verify-withheld").textContent(), /1 项个人信息已隐去/);
  assert.equal((await visitor.page.locator("#verify-fingerprint").textContent()).trim(), fingerprint);
  // Times as people read them, in Beijing; the exact UTC value stays in the <time> element.
  assert.match(await visitor.page.locator("#verify-receipt").textContent(), /^#\d+ · \d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间） · /);
  const signedAt = visitor.page.locator("#verify-signed-at time");
  assert.match(await signedAt.textContent(), /^\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间）$/);
  const utc = await signedAt.getAttribute("datetime");
  assert.match(utc, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  const beijingHour = (new Date(utc).getUTCHours() + 8) % 24;
  assert.match(await signedAt.textContent(), new RegExp(` ${String(beijingHour).padStart(2, "0")}:`));

  // Offline, from the downloaded file; then a tampered copy fails.
  await visitor.page.getByRole("link", { name: "验证" }).click();
  await visitor.context.setOffline(true);
  await visitor.page.locator("#verify-file").setInputFiles(signedFile);
  await visitor.page.locator("#verify-verdict", { hasText: "验证通过" }).waitFor();
  // The signer's own file carries the disclosures: everything verifies, nothing withheld.
  assert.equal(await visitor.page.locator("#verify-text").textContent(), previewText);
  assert.equal(await visitor.page.locator("#verify-withheld").count(), 0);
  const bundle = JSON.parse(await readFile(signedFile, "utf8"));
  // The receipt alone is recognised as a receipt and verified.
  await visitor.page.locator("#verify-input").fill(JSON.stringify(bundle.receipt));
  await visitor.page.getByRole("button", { name: "验证", exact: true }).click();
  await visitor.page.locator("#verify-receipt-only").waitFor();
  assert.match(await visitor.page.locator("#verify-verdict").textContent(), /验证通过/);
  assert.equal((await visitor.page.locator("#verify-id").textContent()).trim(), submissionId);
  const payload = JSON.parse(Buffer.from(bundle.commitment.payload, "base64url"));
  payload.values.subject_name = "另一家公司";
  bundle.commitment.payload = Buffer.from(JSON.stringify(payload)).toString("base64url");
  await visitor.page.locator("#verify-input").fill(JSON.stringify(bundle));
  await visitor.page.getByRole("button", { name: "验证", exact: true }).click();
  await visitor.page.locator("#verify-verdict", { hasText: "验证未通过" }).waitFor();
  assert.match(await visitor.page.locator("#verify-problems").textContent(), /签名无效/);
  // The exported key file moves to another browser and keeps its fingerprint; junk is refused clearly.
  await visitor.context.setOffline(false);
  await visitor.page.getByRole("link", { name: "密钥" }).click();
  await visitor.page.locator("#no-keys").waitFor();
  await visitor.page.locator("#key-import").setInputFiles({ name: "junk.json", mimeType: "application/json", buffer: Buffer.from("{}") });
  await visitor.page.locator("#key-import-notice", { hasText: "密钥文件格式不正确" }).waitFor();
  await visitor.page.locator("#key-import").setInputFiles(keyFile);
  await visitor.page.locator("#key-import-notice", { hasText: "已导入密钥" }).waitFor();
  assert.equal((await visitor.page.locator("li.key-item code.fingerprint").textContent()).trim(), fingerprint);
  assert.deepEqual(visitor.errors, []);
  await visitor.context.close();
});

test("the form offers each template once, in the version in force, and a person's form asks name and ID number", async () => {
  const { page, context, errors } = await open("#/commit");
  await page.locator("#template-select").waitFor();
  const options = await page.locator("#template-select option").evaluateAll((all) => all.map((o) => o.value));
  assert.ok(options.length >= 15, `${options.length}`);
  assert.equal(new Set(options).size, options.length, `each template once: ${options}`);
  // The version in force today, with what it changed (from the package: the same core).
  const current = inForce("tax-service");
  assert.ok((await page.locator(".template-meta").textContent()).includes(`tax-service ${current.version}`));
  assert.ok((await page.locator(".template-notes").textContent()).includes(current.notes[0].zh.slice(0, 20)));
  // Tabbing through empty fields marks nothing.
  await page.getByLabel("承诺主体名称").focus();
  for (let i = 0; i < 6; i++) await page.keyboard.press("Tab");
  assert.equal(await page.locator(".field-error").count(), 0);
  await page.locator("#template-select").selectOption("certification-notice-person");
  await page.getByLabel("公民身份号码").waitFor();
  assert.equal(await page.getByLabel("统一社会信用代码", { exact: true }).count(), 0);
  await page.getByLabel("姓名", { exact: true }).fill("王小明");
  const preview = await page.locator("#preview-text").textContent();
  assert.match(preview, /^证明事项告知承诺书（个人）/);
  assert.match(preview, /本人王小明（公民身份号码：〔公民身份号码〕）已知悉上述告知内容/);
  assert.match(preview, /一式两份/);
  assert.deepEqual(errors, []);
  await context.close();
});


const JARGON = /Argon2|AES-256|SHA-256|加盐|摘要|一次性挑战|期限待核对|[0-9a-f]{64}/;

test("the QR code's page tells a person where the commitment stands and what was decided; the technical details stay folded", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const created = await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  key.free();
  assert.equal(created.status, 201);
  const { submission_id: id } = await created.json();
  const officer = await newOfficer("国家税务总局山西省税务局", "二维码科员", "review,decide");
  const accepted = await decide(officer, "accept", id, "材料齐全，予以受理");

  const { page, context, errors } = await open(`#/verify/${id}`);
  await page.locator("#verify-verdict", { hasText: "验证通过" }).waitFor({ timeout: 30_000 });
  // Where it stands, in words: the state, who it was made to, and each decision with its reason and a link.
  const standing = page.locator("#commitment-standing");
  assert.equal(await standing.locator("#standing-state").textContent(), "在诺");
  assert.match(await standing.textContent(), /纳税服务信用承诺书/);
  assert.match(await standing.textContent(), new RegExp(TAX_VALUES.credit_code));
  const decisionItem = standing.locator(`li.standing-decision[data-id="${accepted.decision_id}"]`);
  assert.match(await decisionItem.textContent(), /受理.*材料齐全，予以受理/);
  await decisionItem.getByRole("link", { name: "查看决定书" }).waitFor();
  // The raw signed file is folded away under 技术详情, and the page as read has no jargon in it.
  const details = page.locator("details#verify-raw");
  assert.equal(await details.locator("summary").textContent(), "技术详情");
  assert.equal(await details.evaluate((el) => el.open), false);
  assert.equal(await page.locator("#verify-input").isVisible(), false, "no raw JSON on the page");
  const read = await page.locator("main").innerText();
  assert.doesNotMatch(read, JARGON, read);
  // Opened, the details hold the technical values.
  await details.locator("summary").click();
  assert.equal(await page.locator("#verify-input").isVisible(), true);
  assert.match(await page.locator("#verify-input").inputValue(), /"payload"/);
  // In English, no full-width brackets around English words.
  await page.locator("#lang-toggle").click();
  await page.locator("#verify-verdict", { hasText: "Verified" }).waitFor();
  assert.equal(await page.locator("#standing-state").textContent(), "in force");
  // The page's own words, not the signed text (which says what was signed, in its own words).
  const english = await page.evaluate(() => {
    const signedText = document.querySelector("#verify-text");
    signedText.hidden = true;
    const text = document.querySelector("main").innerText;
    signedText.hidden = false;
    return text;
  });
  assert.doesNotMatch(english, /（[^）]*[A-Za-z][^）]*）/, english);
  assert.deepEqual(errors, []);
  await context.close();
});
