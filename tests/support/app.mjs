// Helpers for browser tests that use the app as a person would.
import { base } from "./http.mjs";

/** Opens a page of the app in `context` and waits until the app and its service worker are running. */
export async function openPage(context, path, { errors = [] } = {}) {
  const page = await context.newPage();
  page.on("pageerror", (error) => errors.push(error));
  await page.goto(`${base}/${path}`);
  await page.locator("main").waitFor();
  return page;
}

/** Waits until the service worker controls the page (reloading once after the first install). */
export async function waitForServiceWorker(page) {
  await page.evaluate(() => navigator.serviceWorker.ready);
  if (!(await page.evaluate(() => Boolean(navigator.serviceWorker.controller)))) {
    await page.reload();
    await page.locator("main").waitFor();
  }
  await page.waitForFunction(() => Boolean(navigator.serviceWorker.controller));
}

/** Creates a signing key through the keys page. */
export async function createKey(page, passphrase) {
  await page.evaluate(() => { location.hash = "#/keys"; });
  await page.getByLabel("口令（至少 8 个字符）").fill(passphrase);
  await page.getByLabel("再次输入口令").fill(passphrase);
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "已创建密钥" }).waitFor({ timeout: 30_000 });
}

/** Fills a complete 纳税服务 commitment for `creditCode` on the commitment page. */
export async function fillTaxForm(page, creditCode, name = "晋示例离线测试有限公司") {
  await page.getByLabel("承诺主体名称").fill(name);
  await page.getByLabel("统一社会信用代码", { exact: true }).fill(creditCode);
  await page.getByLabel("法定代表人（负责人）", { exact: true }).fill("赵六");
  await page.getByLabel("联系电话", { exact: true }).fill("0351-7654321");
  await page.getByLabel("承诺事项").fill("办理涉税事项");
  await page.getByLabel("主管税务机关").fill("国家税务总局太原市迎泽区税务局");
  await page.getByLabel("办理人").selectOption("self");
  await page.getByLabel("本单位已认真阅读并完全理解上述承诺内容").check();
  await page.getByLabel("同意本承诺书向社会公示并记入本单位信用记录").check();
}

/** The records of one IndexedDB store of the app (`drafts`, `outbox`); empty before the app first opened it. */
export async function storedRecords(page, storeName) {
  return page.evaluate((storeName) => new Promise((resolve, reject) => {
    const open = indexedDB.open("xinnuo");
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      if (![...open.result.objectStoreNames].includes(storeName)) { open.result.close(); resolve([]); return; }
      const all = open.result.transaction(storeName).objectStore(storeName).getAll();
      all.onsuccess = () => { open.result.close(); resolve(all.result); };
      all.onerror = () => { open.result.close(); reject(all.error); };
    };
  }), storeName);
}

/** The outbox as the app stored it. */
export const outboxItems = (page) => storedRecords(page, "outbox");

/** Waits until some stored draft has `value` in field `field` (the form saves a moment after typing). */
export async function draftSaved(page, field, value) {
  for (const started = Date.now(); Date.now() - started < 10_000; await page.waitForTimeout(50)) {
    if ((await storedRecords(page, "drafts")).some((draft) => draft.values?.[field] === value)) return;
  }
  throw new Error(`no draft saved with ${field} = ${value}`);
}

/** The credit code a signed commitment (JWS JSON text) is made for. */
export function creditCodeOf(jws) {
  const { payload } = JSON.parse(jws);
  return JSON.parse(Buffer.from(payload, "base64url").toString("utf8")).credit_code;
}

/** How many commitments the server holds for a subject. */
/**
 * How many commitments the server stored for `creditCode`, as the tax bureau's inbox counts them (the public
 * lists show only known signers' commitments; these tests sign with keys nobody approved).
 */
export async function serverCount(creditCode) {
  const token = await taxOfficerToken();
  const inbox = await (await fetch(`${base}/api/v1/dept/commitments?q=${creditCode}`, { headers: { authorization: `Bearer ${token}` } })).json();
  return inbox.total;
}

let taxOfficer;
/** A session of a tax-bureau officer made for counting (registered on the command line once per file). */
async function taxOfficerToken() {
  const { newOfficer } = await import("./server.mjs");
  const { signFlattenedJws } = await import("./jose.mjs");
  taxOfficer ??= await newOfficer("国家税务总局山西省税务局", "计数员", "review");
  const challenge = await (await fetch(`${base}/api/v1/officer-sessions/challenge`, { method: "POST" })).json();
  const body = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge: challenge.challenge, signed_at: new Date().toISOString() }, taxOfficer.privateKey);
  const session = await (await fetch(`${base}/api/v1/officer-sessions`, { method: "POST", headers: { "content-type": "application/json" }, body })).json();
  return session.token;
}

/** A fresh browser context with one page of the app open at `path`, and the page errors it collects. */
export async function openContext(browser, path, options = {}) {
  const context = await browser.newContext(options);
  const errors = [];
  const page = await openPage(context, path, { errors });
  return { page, context, errors };
}
