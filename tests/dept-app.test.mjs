// An officer's journey in Chromium, as a person does it: a key made in the app, registered by the operator
// from the public key the console shows, sign in by signing the server's challenge, see the department's
// commitment with its personal values, accept it, then find it kept — each decision signed in the browser.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext, createKey } from "./support/app.mjs";
import { verifyFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode } from "./support/fixtures.mjs";
import { registerOfficer } from "./support/server.mjs";

const OFFICER_PASS = "税务科员 passphrase 2026";
let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

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
  assert.match(await item.locator(".dept-text").textContent(), /法定代表人身份证号码：11010519491231002X/);

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
  assert.deepEqual(errors, []);
  await context.close();
});
