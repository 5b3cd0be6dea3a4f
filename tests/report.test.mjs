// 信用报告, the bidder's case end to end: an enterprise makes its credit report from its status page, prints it
// (PDF through the browser's print) and downloads the signed file; a procurement officer's browser, offline,
// verifies the file; one byte changed is refused with the reason; once a record was added after the report,
// the online check says the information has changed. And the API: one report per subject, day and content,
// signed, in the public log, found again by its number.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile, readFile, mkdir, symlink } from "node:fs/promises";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { fileURLToPath } from "node:url";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";
import { randomCreditCode, xinnuo } from "./support/fixtures.mjs";
import { serverCli, chinaDay } from "./support/server.mjs";

let browser, scratch;
before(async () => {
  browser = await launchBrowser();
  scratch = await mkdtemp(join(tmpdir(), "xinnuo-report-"));
});
after(async () => { await browser?.close(); });

const penalty = (id, daysAgo, summary) => ({ id, kind: "administrative_penalty", decision_no: `晋示例罚〔2026〕${id}号`,
  authority: "太原市示例市场监督管理局", decided_on: chinaDay(daysAgo), class: "general", penalties: ["fine"], summary });

/** Imports (or imports again) a subject of this test's own with these records. */
async function importWith(code, name, records) {
  const file = join(scratch, `${code}-${records.length}.json`);
  await writeFile(file, JSON.stringify({ subjects: [{ credit_code: code, name, records }] }));
  serverCli("import", file, "--db", process.env.XINNUO_DB);
}

test("a report is signed, logged, the same while nothing changes, and found again by its number", async () => {
  const code = randomCreditCode("140105");
  await importWith(code, "晋示例报告接口有限公司", [penalty("r1", 30, "未按规定公示年度报告")]);
  const first = await (await fetch(`${base}/api/v1/subjects/${code}/report`)).json();
  assert.match(first.report_no, /^XN\d{8}[0-9A-F]{16}$/);
  assert.equal(first.report.type, "xinnuo.report/1");
  assert.deepEqual(first.report.content.penalties.map((r) => r.id), ["r1"]);
  assert.equal(JSON.parse(first.log.entry).report_no, first.report_no, "its entry in the public log");
  assert.ok(!JSON.stringify(first.report).includes("身份证"), "no personal data");
  const again = await (await fetch(`${base}/api/v1/subjects/${code}/report`)).json();
  assert.deepEqual([again.report_no, again.file], [first.report_no, first.file], "nothing changed: the same report");
  const byNumber = await (await fetch(`${base}/api/v1/reports/${first.report_no}`)).json();
  assert.deepEqual(byNumber.file, first.file);
  assert.equal((await fetch(`${base}/api/v1/reports/XN00000000AAAAAAAAAAAAAAAA`)).status, 404);
  assert.equal((await fetch(`${base}/api/v1/subjects/91140105123456788X/report`)).status, 400);
});

test("the bidder's case: make, print and download the report; verify it offline elsewhere; a changed byte and a later record are caught", async () => {
  const code = randomCreditCode("140105");
  const name = "晋示例投标报告有限公司";
  await importWith(code, name, [penalty("p1", 20, "未按规定明码标价")]);

  // The enterprise: from its status page to its report.
  const { page, context, errors } = await openContext(browser, `#/status/${code}`, { acceptDownloads: true });
  await page.locator("#make-report").click();
  await page.locator("#report-verdict", { hasText: "✓ 报告已由服务器签名" }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#report-verdict").textContent(), /已记入公开日志 第 \d+ 条/);
  assert.equal(await page.locator("#report-subject").textContent(), name);
  assert.match(await page.locator("#report-penalties").textContent(), /未按规定明码标价/);
  assert.match(await page.locator("#report-notes").textContent(), /不含任何个人信息/);
  const reportNo = (await page.locator("#report-no").textContent()).trim();

  // Printed: the QR code and the number on the page, the screen's controls gone; a PDF through print.
  await page.emulateMedia({ media: "print" });
  assert.equal(await page.locator("#report-print").isVisible(), false, "no screen controls on paper");
  assert.ok(await page.locator(".report-qr svg").isVisible());
  assert.match(await page.locator(".report-qr").textContent(), new RegExp(reportNo));
  const pdf = await page.pdf({ format: "A4", printBackground: true });
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.ok(pdf.length > 20_000, `a real document (${pdf.length} bytes)`);
  await page.emulateMedia({ media: "screen" });

  // The signed file, downloaded.
  const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#report-download").click()]);
  const file = await readFile(await download.path(), "utf8");
  assert.match(download.suggestedFilename(), new RegExp(`信用报告-${code}-${reportNo}\\.json`));
  // The signed report with its issue's entry in the public log beside it.
  const downloaded = JSON.parse(file);
  assert.deepEqual(Object.keys(downloaded).sort(), ["log", "report"]);
  assert.equal(JSON.parse(downloaded.log.entry).report_no, reportNo);
  const listing = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const checked = xinnuo.verifyReport(file, listing);
  assert.deepEqual([checked.valid, checked.report.report_no, checked.log.index + 1], [true, reportNo, Number(downloaded.log.proof.split("\n")[1].split(" ")[1]) + 1]);
  assert.deepEqual(errors, []);
  await context.close();

  // The procurement officer: the app opened once online (it pins the server's keys), then offline.
  const officer = await openContext(browser, "#/verify");
  await officer.page.locator("#verify-input").fill(file);
  await officer.page.locator("#verify-button").click();
  await officer.page.locator("#verify-verdict", { hasText: "✓ 信用报告完整" }).waitFor({ timeout: 30_000 });
  await officer.context.setOffline(true);
  await officer.page.locator("#verify-input").fill("");
  await officer.page.locator("#verify-input").fill(file);
  await officer.page.locator("#verify-button").click();
  await officer.page.locator("#verify-verdict", { hasText: `✓ 信用报告完整，由本浏览器保存的服务器密钥签发（${reportNo}` }).waitFor();
  assert.match(await officer.page.locator("#report-since").textContent(), /当前无法联网/);
  assert.equal(await officer.page.locator("#report-subject").textContent(), name);
  // One byte of the signed content changed: refused, with the reason.
  const tampered = JSON.parse(file);
  const at = 60;
  const payload = tampered.report.payload;
  tampered.report.payload = payload.slice(0, at) + (payload[at] === "A" ? "B" : "A") + payload.slice(at + 1);
  await officer.page.locator("#verify-input").fill(JSON.stringify(tampered));
  await officer.page.locator("#verify-button").click();
  await officer.page.locator("#verify-verdict", { hasText: "报告文件不完整或已被改动" }).waitFor();
  assert.equal(await officer.page.locator("#verify-verdict").getAttribute("role"), "alert");

  // A record added after the report: online again, the check says the information has changed.
  await importWith(code, name, [penalty("p1", 20, "未按规定明码标价"), penalty("p2", 1, "虚假宣传")]);
  await officer.context.setOffline(false);
  await officer.page.locator("#verify-input").fill(file);
  await officer.page.locator("#verify-button").click();
  await officer.page.locator("#report-since", { hasText: "信息已有变化" }).waitFor({ timeout: 30_000 });
  assert.match(await officer.page.locator("#report-since").textContent(), /新增行政处罚：p2/);
  // The QR code's link opens the report as issued, verified the same way.
  await officer.page.evaluate((no) => { location.hash = `#/verify/${no}`; }, reportNo);
  await officer.page.locator("#verify-verdict", { hasText: `✓ 信用报告完整` }).waitFor({ timeout: 30_000 });
  assert.deepEqual(officer.errors, []);
  await officer.context.close();
});

test("the package README's report example runs as written: verifyReport with the pinned server keys", async () => {
  const code = randomCreditCode("140105");
  await importWith(code, "晋示例报告包有限公司", []);
  const issued = await (await fetch(`${base}/api/v1/subjects/${code}/report`)).json();
  const readme = await readFile(new URL("../pkg/README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## 信用报告 / Credit reports"));
  const example = section.match(/```js\n([\s\S]*?)```/)[1];
  const project = await mkdtemp(join(tmpdir(), "xinnuo-report-readme-"));
  await mkdir(join(project, "node_modules"));
  await symlink(fileURLToPath(new URL("../pkg", import.meta.url)), join(project, "node_modules", "xinnuo"), "dir");
  await writeFile(join(project, "package.json"), '{ "type": "module" }');
  await writeFile(join(project, "example.mjs"), example);
  await writeFile(join(project, "server-keys.json"), JSON.stringify(await (await fetch(`${base}/api/v1/server-keys`)).json()));
  const run = () => promisify(execFile)(process.execPath, ["example.mjs"], { cwd: project });
  await writeFile(join(project, "report.json"), JSON.stringify(issued.file));
  assert.equal((await run()).stdout, `${issued.report_no} 晋示例报告包有限公司\n`);
  // The server's whole answer (the file with its log entry beside it) as it was fetched: the same.
  await writeFile(join(project, "report.json"), JSON.stringify(issued));
  assert.equal((await run()).stdout, `${issued.report_no} 晋示例报告包有限公司\n`);
  // The same file with another subject's name put in: the signature no longer holds.
  const forged = JSON.parse(JSON.stringify(issued.file));
  forged.payload = Buffer.from(Buffer.from(forged.payload, "base64url").toString().replace("晋示例报告包有限公司", "晋示例冒名有限公司")).toString("base64url");
  await writeFile(join(project, "report.json"), JSON.stringify(forged));
  assert.match((await run()).stdout, /^报告文件不完整或已被改动/);
});

test("the repair panel offers the enterprise's own report where the rules take one as evidence", async () => {
  const { subjects: [restaurant] } = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("可修复餐饮")}`)).json();
  const { page, context, errors } = await openContext(browser, `#/status/${restaurant.credit_code}`);
  const offer = page.locator("article.record .repair-panel .attach-report a").first();
  await offer.waitFor({ timeout: 30_000 });
  assert.match(await offer.textContent(), /生成本企业的信用报告（可作补充材料）/);
  await offer.click();
  await page.locator("#report-verdict", { hasText: "✓ 报告已由服务器签名" }).waitFor({ timeout: 30_000 });
  assert.equal(await page.locator("#report-code").textContent(), restaurant.credit_code);
  assert.deepEqual(errors, []);
  await context.close();
});
