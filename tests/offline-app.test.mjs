// Offline-first in real Chromium: the app from the service-worker cache, drafts that survive closing the
// page, signed submissions queued offline and sent exactly once when back online (also with two tabs),
// server errors retried, rejections explained, and the app on export-static output from a static host.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { openPage, waitForServiceWorker, createKey, fillTaxForm, serverCount, draftSaved, outboxItems } from "./support/app.mjs";
import { randomCreditCode } from "./support/fixtures.mjs";
import { base } from "./support/http.mjs";
import { signFlattenedJws, verifyFlattenedJws } from "./support/jose.mjs";
import { generateKeyPairSync } from "node:crypto";
import { serveFiles } from "./bench/static-server.mjs";
import { openCheckpoint, readEntries, treeHead } from "./support/tlog.mjs";

const PASS = "离线测试 passphrase";
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("offline: the app loads from the cache, and a draft filled offline survives closing the page", async () => {
  const context = await browser.newContext();
  const errors = [];
  const page = await openPage(context, "#/commit", { errors });
  await waitForServiceWorker(page);
  await context.setOffline(true);
  await page.reload();
  await page.locator("#template-select").waitFor();
  await page.getByLabel("承诺主体名称").fill("晋示例离线草稿有限公司");
  await page.getByLabel("承诺事项").fill("离线填写的事项");
  await draftSaved(page, "matter", "离线填写的事项");
  await page.close();
  const reopened = await openPage(context, "#/commit", { errors });
  await reopened.waitForFunction(() => document.querySelector("#field-subject_name")?.value === "晋示例离线草稿有限公司");
  assert.equal(await reopened.getByLabel("承诺事项").inputValue(), "离线填写的事项");
  // Closing right after typing (no time for the debounced save) loses nothing either.
  await reopened.getByLabel("承诺事项").fill("立即关闭也不丢");
  await reopened.close({ runBeforeUnload: true });
  const again = await openPage(context, "#/commit", { errors });
  await again.waitForFunction(() => document.querySelector("#field-matter")?.value === "立即关闭也不丢");
  await again.evaluate(() => { location.hash = "#/outbox"; });
  await again.locator("#draft-list li.draft").first().waitFor();
  assert.match(await again.locator("#draft-list").textContent(), /晋示例离线草稿有限公司/);
  // Its time as people read it: Beijing time, never the stored UTC text.
  const draftLine = await again.locator("#draft-list li.draft").first().textContent();
  assert.match(draftLine, /\d{4}年\d{1,2}月\d{1,2}日 \d\d:\d\d:\d\d（北京时间）/);
  assert.doesNotMatch(draftLine, /\d{4}-\d\d-\d\dT\d\d:/);
  // The note says what the browser decided (asked here directly), once it has decided.
  const granted = await again.evaluate(() => navigator.storage.persisted());
  await again.locator("#persist-status", { hasText: granted ? "浏览器已授予持久存储" : "浏览器未授予持久存储" }).waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

/**
 * Signs offline, opens more tabs on the outbox, comes back online (every tab sends what is queued at that
 * moment), and counts the POSTs: the item is delivered once by all tabs together. `withoutWebLocks` takes the
 * Web Locks API away first (older browsers), so that only the app's own claim of the item keeps the tabs
 * apart. Whether two tabs meet inside one claim here depends on timing; the claim itself is proved
 * deterministically by `storage::db::browser_tests` (two claims at once, in Chromium).
 */
async function deliveredOnceFromTabs({ tabs, withoutWebLocks }) {
  const context = await browser.newContext();
  if (withoutWebLocks) await context.addInitScript(() => { delete Navigator.prototype.locks; });
  const errors = [];
  const page = await openPage(context, "#/commit", { errors });
  await waitForServiceWorker(page);
  assert.equal(await page.evaluate(() => "locks" in navigator), !withoutWebLocks);
  await createKey(page, PASS);
  const code = randomCreditCode("140107");
  const posts = [];
  // Finished requests: the attempts made offline fail before reaching the server.
  context.on("requestfinished", (request) => { if (request.method() === "POST" && request.url().endsWith("/api/v1/commitments")) posts.push(request.url()); });
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, code);
  await context.setOffline(true);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status", { hasText: "已加入发件箱" }).waitFor({ timeout: 30_000 });
  const others = [];
  for (let i = 1; i < tabs; i++) {
    const other = await openPage(context, "#/outbox", { errors });
    await other.locator(".outbox-item", { hasText: "排队中" }).waitFor();
    others.push(other);
  }
  assert.equal(posts.length, 0, "offline: nothing reached the server");
  assert.equal(await serverCount(code), 0);
  const all = [page, ...others];
  // The browser tells each tab it is online at its own moment; here every tab hears it at one agreed
  // instant (the real event held back, a copy dispatched on a shared clock), so their sends would collide.
  const at = Date.now() + 1_500;
  await Promise.all(all.map((tab) => tab.evaluate((at) => {
    const hold = (event) => { if (event.isTrusted) event.stopImmediatePropagation(); };
    window.addEventListener("online", hold, { capture: true });
    setTimeout(() => { window.removeEventListener("online", hold, { capture: true }); window.dispatchEvent(new Event("online")); }, at - Date.now());
  }, at)));
  await context.setOffline(false);
  await page.evaluate(() => { location.hash = "#/outbox"; });
  for (const tab of all) await tab.locator(".outbox-item", { hasText: "已送达" }).waitFor({ timeout: 30_000 });
  // Every tab goes through its outbox again after the delivery (its timer does so every few seconds): had
  // any of them still taken the item for due, it would have sent it by then.
  const delivered = new Date().toISOString();
  for (const tab of all) {
    await tab.waitForFunction((after) => (document.querySelector("#outbox-checked time")?.getAttribute("datetime") ?? "") > after, delivered, { timeout: 20_000 });
  }
  assert.equal(await serverCount(code), 1, "stored once on the server");
  assert.equal(posts.length, 1, `sent once by ${tabs} tabs together, saw ${posts.length} POSTs`);
  assert.match(await page.locator(".outbox-item").first().textContent(), /回执序号 #\d+/);
  assert.deepEqual(errors, []);
  return { context, page };
}

test("signed offline → queued; back online → sent and receipted exactly once, with two tabs open", async () => {
  const { context, page } = await deliveredOnceFromTabs({ tabs: 2, withoutWebLocks: false });
  // Each item names its 承诺事项, so that two of the same template can be told apart.
  assert.match(await page.locator(".outbox-item .matter").first().textContent(), / · 办理涉税事项/);
  await context.close();
});

test("without Web Locks, three tabs coming online at once still send the item once", async () => {
  const { context } = await deliveredOnceFromTabs({ tabs: 3, withoutWebLocks: true });
  await context.close();
});

test("a server error is retried; a rejection shows the server's reason and can be corrected and re-signed", async () => {
  const context = await browser.newContext();
  const page = await openPage(context, "#/commit");
  await createKey(page, PASS);
  const code = randomCreditCode("140108");
  let failures = 0;
  await context.route("**/api/v1/commitments", (route) => {
    failures++;
    return route.fulfill({ status: 500, body: "boom" });
  });
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, code);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status", { hasText: "已加入发件箱" }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#sign-status").textContent(), /HTTP 500/);
  assert.ok(failures >= 1);
  await context.unroute("**/api/v1/commitments");
  await page.evaluate(() => { location.hash = "#/outbox"; });
  await page.locator(".outbox-item", { hasText: "已送达" }).waitFor({ timeout: 30_000 });
  assert.equal(await serverCount(code), 1);

  // A refusal is final and explained; the form comes back to be corrected.
  await context.route("**/api/v1/commitments", (route) => route.fulfill({
    status: 422, contentType: "application/problem+json",
    body: JSON.stringify({ type: "urn:xinnuo:problem:invalid_fields", title: "无法受理", status: 422, detail: "x", detail_zh: "有 1 项填写有误", errors: [{ field: "phone", message_zh: "电话号码有误" }] }),
  }));
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, randomCreditCode("140109"), "晋示例被拒有限公司");
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status", { hasText: "服务器拒绝：有 1 项填写有误 电话号码有误" }).waitFor({ timeout: 30_000 });
  await context.unroute("**/api/v1/commitments");
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const rejected = page.locator(".outbox-item", { hasText: "被拒绝" });
  await rejected.waitFor();
  await rejected.getByRole("button", { name: "修改后重新签名" }).click();
  await page.waitForFunction(() => document.querySelector("#field-subject_name")?.value === "晋示例被拒有限公司");
  await context.close();
});

test("a 201 whose receipt a stranger signed for the right submission keeps the item queued; the real one completes it", async () => {
  const context = await browser.newContext();
  const page = await openPage(context, "#/commit");
  await createKey(page, PASS);
  const code = randomCreditCode("140107");
  const { privateKey: stranger } = generateKeyPairSync("ed25519");
  const { keys: [serverKey] } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  let forged = 0;
  await context.route("**/api/v1/commitments", (route) => {
    // The right submission id, a well-formed receipt: only the signer is wrong — its own key, or one that
    // claims to be the server's.
    const { submissionId } = verifyFlattenedJws(route.request().postData());
    const claims = {
      type: "xinnuo.receipt/1", submission_id: submissionId, received_at: new Date().toISOString(), sequence: 1,
      key_status: "unenrolled", signer_kid: "x", credit_code: code, template_id: "tax-service", template_version: "1.2.0",
    };
    const receipt = JSON.parse(signFlattenedJws(claims, stranger, forged++ % 2 ? serverKey.jwk : undefined));
    return route.fulfill({ status: 201, contentType: "application/json",
      body: JSON.stringify({ submission_id: submissionId, sequence: 1, received_at: claims.received_at, key_status: "unenrolled",
        key_status_label_zh: "未绑定", key_status_label_en: "not enrolled", receipt }) });
  });
  await page.evaluate(() => { location.hash = "#/commit"; });
  await fillTaxForm(page, code);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  // The build with every route (the key was made on #/keys) checks receipts signed alone: a stranger's is refused.
  await page.locator("#sign-status", { hasText: "已加入发件箱" }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#sign-status").textContent(), /服务器回执未能通过验证/);
  await page.evaluate(() => { location.hash = "#/outbox"; });
  const item = page.locator(".outbox-item").first();
  await item.waitFor();
  await item.locator("text=/服务器回执未能通过验证/").waitFor({ timeout: 30_000 });
  assert.doesNotMatch(await item.textContent(), /已送达/);
  assert.ok(forged >= 1);
  assert.equal(await serverCount(code), 0, "nothing reached the server");
  await context.unroute("**/api/v1/commitments");
  await page.locator(".outbox-item", { hasText: "已送达" }).waitFor({ timeout: 30_000 });
  assert.equal(await serverCount(code), 1);
  await context.close();
});

test("the commit route's own build: beside a stranger's receipt signed alone it takes the real log entry as the receipt and keeps that, never the unchecked one; alone, it says the outbox page checks it", async () => {
  const context = await browser.newContext();
  const keys = await openPage(context, "#/keys");
  await createKey(keys, PASS);
  await keys.close();
  // Opened at #/commit: the commit route's build (without the check of receipts signed alone), not the one with
  // every route that made the key.
  const page = await openPage(context, "#/commit");
  const wasm = [];
  page.on("request", (request) => { if (request.url().endsWith(".wasm")) wasm.push(new URL(request.url()).pathname.slice(1)); });
  const code = randomCreditCode("140107");
  const { privateKey: stranger } = generateKeyPairSync("ed25519");
  let withLog = false;
  await context.route("**/api/v1/commitments", async (route) => {
    // The server's real answer, its receipt swapped for one a stranger signed (the log entry left beside it).
    const real = await route.fetch();
    const answer = await real.json();
    const claims = { type: "xinnuo.receipt/1", submission_id: answer.submission_id, received_at: answer.received_at,
      sequence: answer.sequence, key_status: answer.key_status, signer_kid: "x", credit_code: code,
      template_id: "tax-service", template_version: "1.2.0" };
    assert.ok(answer.receipt.entry && answer.receipt.proof, "a current server answers with a log entry");
    answer.log = withLog ? (answer.log ?? answer.receipt) : undefined;
    answer.receipt = JSON.parse(signFlattenedJws(claims, stranger));
    return route.fulfill({ status: real.status(), contentType: "application/json", body: JSON.stringify(answer) });
  });
  // Without the log entry: the item waits, saying where such a receipt is checked.
  await fillTaxForm(page, code);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status", { hasText: "这是旧式单独签名的回执，本页面不核验它：请打开「草稿与发件箱」页面" }).waitFor({ timeout: 30_000 });
  assert.ok(!wasm.includes("app_bg.wasm"), `${wasm}`);
  assert.equal((await outboxItems(page)).filter((i) => i.receipt).length, 0);
  // With it: received, and what is kept (and exported) as the receipt is the entry that was checked.
  withLog = true;
  await page.reload();
  await page.locator("#template-select").waitFor();
  for (const started = Date.now(); !(await outboxItems(page)).some((i) => i.receipt); await page.waitForTimeout(200)) {
    assert.ok(Date.now() - started < 60_000, "the item is received once the log entry comes beside the receipt");
  }
  const [item] = (await outboxItems(page)).filter((i) => i.receipt);
  const kept = typeof item.receipt === "string" ? JSON.parse(item.receipt) : item.receipt;
  assert.ok(kept.entry && kept.proof && !kept.signature, `kept: ${JSON.stringify(kept).slice(0, 200)}`);
  assert.equal(await serverCount(code), 1);
  assert.ok(!wasm.includes("app_bg.wasm"), `${wasm}`);
  await context.close();
});

test("the commit route believes a receipt only once the log's check ran: while that check cannot be downloaded the item stays queued, then it is received", async () => {
  // No service worker: every request for the check's wasm reaches the network, where it fails until unrouted.
  const context = await browser.newContext({ serviceWorkers: "block" });
  const errors = [];
  let refused = 0;
  await context.route("**/log_watch_bg.wasm", (route) => { refused++; return route.abort(); });
  const keys = await openPage(context, "#/keys", { errors });
  await createKey(keys, PASS);
  await keys.close();
  // Opened at #/commit: the commit route's own build, which leaves the log's check to the log_watch build.
  const page = await openPage(context, "#/commit", { errors });
  await page.locator("#template-select").waitFor();
  const code = randomCreditCode("140105");
  await fillTaxForm(page, code);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#sign-status.queued", { hasText: "无法核对公开日志（核对程序未能加载）" }).waitFor({ timeout: 30_000 });
  assert.ok(refused >= 1);
  assert.equal(await serverCount(code), 1, "the server took it: only its receipt is not believed yet");
  assert.equal((await outboxItems(page)).filter((item) => item.receipt).length, 0);
  // Once the check downloads, the outbox's next round believes the same receipt.
  await context.unroute("**/log_watch_bg.wasm");
  const deadline = Date.now() + 60_000;
  while (!(await outboxItems(page)).some((item) => item.receipt)) {
    assert.ok(Date.now() < deadline, "the item was not received after the check could load");
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  assert.ok(await page.evaluate(() => Object.keys(localStorage).some((key) => key.startsWith("xinnuo.log.kept:"))), "the checkpoint is kept");
  assert.equal(await serverCount(code), 1, "sent again, received once");
  assert.deepEqual(errors, []);
  await context.close();
});

test("static mode: the app on export-static output from a plain static file server", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xinnuo-static-"));
  const out = execFileSync(process.env.XINNUO_SERVER_BIN, ["export-static", dir, "--db", process.env.XINNUO_DB, "--dist", "dist"], { encoding: "utf8", cwd: new URL("..", import.meta.url).pathname });
  assert.match(out, /exported: \d+ subjects/);
  // Every file a static host serves has its precompressed forms beside it, of the final content.
  const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
  for (const file of ["index.html", "app_bg.wasm", "data/publications.json", "data/subjects/index.json"]) {
    const plainBytes = await readFile(join(dir, file));
    assert.ok(brotliDecompressSync(await readFile(join(dir, `${file}.br`))).equals(plainBytes), `${file}.br`);
    assert.ok(gunzipSync(await readFile(join(dir, `${file}.gz`))).equals(plainBytes), `${file}.gz`);
  }
  assert.match(brotliDecompressSync(await readFile(join(dir, "index.html.br"))).toString(), /xinnuo-data-source/);
  // The public log as tlog-tiles files a static host serves: a checkpoint signed by the log key the exported
  // server keys list, and entry bundles that hash to its root (checked with Node's crypto).
  const { keys } = JSON.parse(await readFile(join(dir, "data/server-keys.json"), "utf8"));
  const head = openCheckpoint(await readFile(join(dir, "log/checkpoint"), "utf8"), keys.find((k) => k.current).log_key);
  const entries = await readEntries(head.size, (path) => readFile(join(dir, "log", path)));
  assert.deepEqual(treeHead(entries.slice(0, head.size)), head.root, "the exported log makes the signed root");
  const server = await serveFiles((path) => join(dir, path === "/" ? "index.html" : decodeURIComponent(path)));
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (error) => errors.push(error));
  try {
    await page.goto(`${server.base}/#/status`);
    await page.locator("#subject-list").waitFor();
    await page.getByLabel("企业名称或统一社会信用代码").fill("可修复餐饮");
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByRole("link", { name: /晋示例可修复餐饮/ }).click();
    await page.locator("#tier-name", { hasText: "需关注" }).waitFor();
    assert.match(await page.locator(".repair-panel .verdict").first().textContent(), /现在可以申请/);
    await createKey(page, PASS);
    await page.evaluate(() => { location.hash = "#/commit"; });
    await fillTaxForm(page, randomCreditCode("140110"));
    await page.getByLabel("密钥口令").fill(PASS);
    await page.getByRole("button", { name: "签名并提交" }).click();
    await page.locator("#sign-status", { hasText: "本站为静态站点" }).waitFor({ timeout: 30_000 });
    await page.evaluate(() => { location.hash = "#/outbox"; });
    await page.locator(".outbox-item", { hasText: "已签名，待发送或导出" }).waitFor();
    // Objections travel with the subjects (their state, never the grounds); demo lines in both languages.
    const index = JSON.parse(await readFile(join(dir, "data/subjects/index.json"), "utf8"));
    for (const { credit_code, situation, situation_en } of index.subjects) {
      const file = JSON.parse(await readFile(join(dir, `data/subjects/${credit_code}.json`), "utf8"));
      assert.ok(Array.isArray(file.objections), credit_code);
      assert.ok(file.objections.every((o) => o.state && !("grounds" in o)), credit_code);
      assert.deepEqual([file.situation, file.situation_en], [situation, situation_en], credit_code);
    }
    const demos = index.subjects.filter((s) => s.demo);
    assert.ok(demos.length > 0 && demos.every((s) => s.situation && s.situation_en), "each demo line in Chinese and English");
    // The 信用承诺 column from the exported file, filtered here; no personal data in the file.
    const exported = JSON.parse(await readFile(join(dir, "data/publications.json"), "utf8"));
    assert.ok(exported.total > 0, "the column holds the server's commitments");
    assert.ok(!JSON.stringify(exported).includes("11010519491231002X"), "no ID number in the export");
    const [first] = exported.publications;
    await page.evaluate(() => { location.hash = "#/publications"; });
    await page.locator("#pub-q").fill(first.credit_code);
    await page.locator("#pub-search").click();
    await page.locator(`#publications tr[data-id="${first.submission_id}"]`).waitFor();
    assert.match(await page.locator("#pub-total").textContent(), /^[1-9]\d* 份承诺书$/);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    server.close();
  }
});

test("a new version is announced and applied only on the user's click, and the draft survives it", async () => {
  const swPath = new URL("../dist/sw.js", import.meta.url);
  const original = await readFile(swPath, "utf8");
  const originalBrotli = await readFile(new URL("../dist/sw.js.br", import.meta.url));
  const originalGzip = await readFile(new URL("../dist/sw.js.gz", import.meta.url));
  const context = await browser.newContext();
  const page = await openPage(context, "#/commit");
  await waitForServiceWorker(page);
  try {
    await page.getByLabel("承诺主体名称").fill("晋示例升级前草稿有限公司");
    await draftSaved(page, "subject_name", "晋示例升级前草稿有限公司");
    // A new release: the worker and its precompressed copies (which browsers are sent) all change.
    const next = original.replace(/const VERSION = "([^"]+)"/, 'const VERSION = "$1-next"');
    const { brotliCompressSync, gzipSync } = await import("node:zlib");
    await writeFile(swPath, next);
    await writeFile(new URL("../dist/sw.js.br", import.meta.url), brotliCompressSync(next));
    await writeFile(new URL("../dist/sw.js.gz", import.meta.url), gzipSync(next));
    await page.evaluate(async () => (await navigator.serviceWorker.getRegistration()).update());
    const banner = page.locator("#update-banner");
    await banner.waitFor({ timeout: 30_000 });
    assert.match(await banner.textContent(), /新版本可用/);
    assert.equal(await page.getByLabel("承诺主体名称").inputValue(), "晋示例升级前草稿有限公司", "nothing reloads by itself");
    await Promise.all([page.waitForEvent("load"), banner.getByRole("button").click()]);
    await page.waitForFunction(() => document.querySelector("#field-subject_name")?.value === "晋示例升级前草稿有限公司");
    assert.equal(await page.locator("#update-banner").count(), 0);
  } finally {
    await writeFile(swPath, original);
    await writeFile(new URL("../dist/sw.js.br", import.meta.url), originalBrotli);
    await writeFile(new URL("../dist/sw.js.gz", import.meta.url), originalGzip);
    await context.close();
  }
});
