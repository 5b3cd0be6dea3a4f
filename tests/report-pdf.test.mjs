// 信用报告 on paper (issue 32, item 2): the report `#/report/<code>` printed on A4 as a person's browser prints it
// (print media, the page's own @page size) and read back page by page with a real PDF library (pdf.js): the
// heading and the sections; on EVERY page the number 第 N 页 / 共 M 页, the report number, and a QR code that,
// decoded from the rendered page, opens the report's verification with nothing printed over it; the signing
// key's fingerprint; none of the screen's controls.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { getDocument } from "pdfjs-dist/legacy/build/pdf.mjs";
import jsQR from "jsqr";
import { launchBrowser } from "./support/browser.mjs";
import { base } from "./support/http.mjs";
import { openContext } from "./support/app.mjs";
import { serverCli, chinaDay } from "./support/server.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const SECTIONS = ["一、基础信息", "二、行政管理信息：行政处罚", "三、严重失信主体名单", "四、经营异常名录", "五、其他失信信息",
  "六、守信激励信息", "七、信用承诺及履约情况", "八、信用评价", "九、信用修复与异议", "十、说明"];
const A4 = [595.28, 841.89]; // points
const compact = (text) => text.replace(/\s+/g, "");
const excerpt = (text) => (text.length > 160 ? `${text.slice(0, 160)}…` : text);

/**
 * Opens the report of `code`, prints it as the browser's print does and reads the PDF back. Answers what the
 * screen showed (number, fingerprint, the controls' texts) and, per page, its size, text, text boxes (in the
 * rendered page's pixels) and the QR code jsQR found on the rendered page.
 */
async function printReport(code) {
  const { page, context, errors } = await openContext(browser, `#/report/${code}`);
  await page.locator("#report-verdict", { hasText: "✓ 报告已由服务器签名" }).waitFor({ timeout: 30_000 });
  const reportNo = (await page.locator("#report-no").textContent()).trim();
  const fingerprint = (await page.locator("#report-document code.fingerprint").textContent()).trim();
  const controls = (await page.locator(".no-print").evaluateAll((nodes) =>
    nodes.flatMap((node) => [...node.querySelectorAll("button, a"), node]).map((node) => node.textContent.trim()))).filter(Boolean);
  await page.evaluate(() => document.fonts.ready);
  await page.emulateMedia({ media: "print" });
  const pdf = await page.pdf({ format: "A4", preferCSSPageSize: true });
  assert.deepEqual(errors, []);
  await context.close();

  const doc = await getDocument({ data: new Uint8Array(pdf), verbosity: 0, isEvalSupported: false }).promise;
  const pages = [];
  for (let n = 1; n <= doc.numPages; n++) {
    const sheet = await doc.getPage(n);
    const size = sheet.getViewport({ scale: 1 });
    const viewport = sheet.getViewport({ scale: 2 });
    const { items } = await sheet.getTextContent();
    const boxes = items.filter((item) => item.str.trim()).map((item) => {
      const [, , , , x, y] = item.transform;
      const [x1, y1] = viewport.convertToViewportPoint(x, y);
      const [x2, y2] = viewport.convertToViewportPoint(x + item.width, y + item.height);
      return { str: item.str, left: Math.min(x1, x2), right: Math.max(x1, x2), top: Math.min(y1, y2), bottom: Math.max(y1, y2) };
    });
    const { canvas, context: drawing } = doc.canvasFactory.create(viewport.width, viewport.height);
    await sheet.render({ canvasContext: drawing, viewport, canvas }).promise;
    const image = drawing.getImageData(0, 0, canvas.width, canvas.height);
    const qr = jsQR(image.data, image.width, image.height, { inversionAttempts: "dontInvert" });
    doc.canvasFactory.destroy({ canvas, context: drawing });
    pages.push({ n, width: size.width, height: size.height, text: items.map((item) => item.str).join(""), boxes, qr });
  }
  await doc.destroy();
  return { pdf, reportNo, fingerprint, controls, pages };
}

/** The square a QR code takes on the rendered page, its quiet zone (4 modules each side) included. */
function qrArea(qr) {
  const { topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner } = qr.location;
  const corners = [topLeftCorner, topRightCorner, bottomLeftCorner, bottomRightCorner];
  const xs = corners.map((c) => c.x), ys = corners.map((c) => c.y);
  const quiet = 4 * ((Math.max(...xs) - Math.min(...xs)) / (17 + 4 * qr.version));
  return { left: Math.min(...xs) - quiet, right: Math.max(...xs) + quiet, top: Math.min(...ys) - quiet, bottom: Math.max(...ys) + quiet };
}

/** The checks every printed report passes, on each of its pages. */
function checkEveryPage({ reportNo, pages }) {
  const verifyUrl = `${base}/#/verify/${reportNo}`;
  for (const { n, width, height, text, boxes, qr } of pages) {
    const where = `page ${n} of ${pages.length}`;
    assert.ok(Math.abs(width - A4[0]) < 1 && Math.abs(height - A4[1]) < 1, `${where} is A4 (${width} × ${height} pt)`);
    assert.ok(compact(text).includes(`第${n}页/共${pages.length}页`), `${where} is numbered 第 ${n} 页 / 共 ${pages.length} 页: ${excerpt(text)}`);
    assert.ok(text.includes(reportNo), `${where} carries the report number ${reportNo}: ${excerpt(text)}`);
    assert.ok(qr, `${where} carries a QR code that can be read`);
    assert.equal(qr.data, verifyUrl, `${where}'s QR code opens the report's verification`);
    const area = qrArea(qr);
    const under = boxes.filter((b) => b.left < area.right - 1 && b.right > area.left + 1 && b.top < area.bottom - 1 && b.bottom > area.top + 1);
    assert.deepEqual(under.map((b) => b.str), [], `${where}: nothing is printed on the QR code or its quiet zone`);
  }
}

test("a demo subject's report prints on A4: heading, sections, and on every page its number, the report number and a QR code that opens its verification; no screen controls", async (t) => {
  const started = Date.now();
  const { subjects: [subject] } = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("多条记录能源")}`)).json();
  const printed = await printReport(subject.credit_code);
  const { pdf, reportNo, fingerprint, controls, pages } = printed;
  assert.equal(pdf.subarray(0, 5).toString(), "%PDF-");
  assert.ok(pages.length >= 2, `the report runs over at least two pages (${pages.length})`);
  const all = compact(pages.map((p) => p.text).join(""));

  // The screen's controls stay on the screen.
  assert.ok(controls.length >= 4, `the screen has its controls: ${JSON.stringify(controls)}`);
  for (const control of [...controls, "打印", "下载"]) assert.ok(!all.includes(compact(control)), `"${control}" is not on paper`);

  // The heading, its facts and the sections, in their order.
  const first = compact(pages[0].text);
  assert.ok(first.includes("信用报告") && first.includes(compact(subject.name)) && first.includes(subject.credit_code), excerpt(first));
  assert.ok(first.includes(compact(fingerprint)), `the signing key's fingerprint ${fingerprint} is printed`);
  const at = SECTIONS.map((heading) => all.indexOf(compact(heading)));
  assert.ok(at.every((i, k) => i >= 0 && (k === 0 || i > at[k - 1])), `all ten sections, in order: ${JSON.stringify(at)}`);

  checkEveryPage(printed);

  t.diagnostic(`${subject.name}: ${pages.length} pages, ${pdf.length} bytes, ${Date.now() - started} ms`);
});

test("a long report (a table running over pages): every page numbered, its QR code readable and covering no line", async (t) => {
  const started = Date.now();
  const code = "91140105MA7DP0016X";
  const records = Array.from({ length: 30 }, (_, i) => ({ id: `long-${i + 1}`, kind: "administrative_penalty",
    decision_no: `晋示例罚〔2026〕${101 + i}号`, authority: "太原市示例市场监督管理局", decided_on: chinaDay(30 + i), class: "general",
    penalties: ["fine"], summary: "未按规定公示年度报告，经责令改正后仍未改正" }));
  const file = join(await mkdtemp(join(tmpdir(), "xinnuo-report-pdf-")), "long.json");
  await writeFile(file, JSON.stringify({ subjects: [{ credit_code: code, name: "晋示例长报告打印有限公司", records }] }));
  serverCli("import", file, "--db", process.env.XINNUO_DB);
  const printed = await printReport(code);
  assert.ok(printed.pages.length >= 3, `thirty penalties take more than two pages (${printed.pages.length})`);
  const all = printed.pages.map((p) => p.text).join("");
  for (const record of records) assert.ok(compact(all).includes(compact(record.decision_no)), `${record.decision_no} is printed`);
  checkEveryPage(printed);
  t.diagnostic(`30 penalties: ${printed.pages.length} pages, ${Date.now() - started} ms`);
});
