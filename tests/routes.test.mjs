// Code per route, in real Chromium: a first visit downloads only its route's build; moving to a route of
// another build hands the page over without a reload (and a build already loaded is not fetched again);
// after the first visit the service worker has every build, so every route works offline.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { openPage, waitForServiceWorker } from "./support/app.mjs";
import { randomCreditCode } from "./support/fixtures.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

// Each tab of the app, what shows it is there, and the build a first visit to it loads (web/boot.js).
const TABS = [
  { tab: "代码检查", ready: "#code-input", build: "app_check" },
  { tab: "信用状况", ready: "#subject-query", build: "app_status" },
  { tab: "承诺公示", ready: "#publications-title", build: "app" },
  { tab: "填写承诺书", ready: "#template-select", build: "app_commit" },
  { tab: "密钥", ready: "#keys-title", build: "app" },
  { tab: "验证", ready: "#verify-input", build: "app_verify" },
  { tab: "草稿与发件箱", ready: "#drafts-title", build: "app" },
  { tab: "部门办理", ready: "#dept-title", build: "app" },
];

/** The wasm files `page` fetched (from the network or the service worker), in order. */
function wasmFetches(page) {
  const fetched = [];
  page.on("request", (request) => {
    const name = new URL(request.url()).pathname.split("/").pop();
    if (name.endsWith(".wasm")) fetched.push(name.replace(/_bg\.wasm$/, ""));
  });
  return fetched;
}

for (const [hash, ready, build] of [["", "#code-input", "app_check"], ["#/status", "#subject-query", "app_status"],
  ["#/verify", "#verify-input", "app_verify"], ["#/commit", "#template-select", "app_commit"],
  ["#/keys", "#keys-title", "app"]]) {
  test(`a first visit to ${hash || "/"} downloads ${build} and no other build`, async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    const fetched = wasmFetches(page);
    await page.goto(`${process.env.XINNUO_URL}/${hash}`);
    await page.locator(ready).waitFor();
    assert.deepEqual(fetched, [build]);
    assert.deepEqual(errors, []);
    await context.close();
  });
}

test("moving between routes of different builds hands the page over in place, each build fetched once", async () => {
  const context = await browser.newContext();
  const errors = [];
  const page = await openPage(context, "", { errors });
  const fetched = wasmFetches(page);
  await page.locator("#code-input").waitFor();
  await page.evaluate(() => { window.notReloaded = true; });
  for (const { tab, ready } of [TABS[1], TABS[3], TABS[0], TABS[1], TABS[5], TABS[4], TABS[1], TABS[0]]) {
    await page.locator("header.top nav a", { hasText: tab }).click();
    await page.locator(ready).waitFor();
    assert.equal(await page.locator("header.top").count(), 1, `${tab}: one header`);
    assert.equal(await page.locator(".skeleton").count(), 0, `${tab}: the skeleton is gone`);
  }
  assert.equal(await page.evaluate(() => window.notReloaded), true, "the page was never reloaded");
  // The code check came with the first visit; each other build once, then reused.
  assert.deepEqual(fetched, ["app_status", "app_commit", "app_verify", "app"]);
  // The app still works after coming back to a build it left: a code is checked.
  await page.locator("#code-input").fill(randomCreditCode());
  await page.locator("#verdict.ok").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});

test("after the first visit every route works offline, from the service worker's cache", async () => {
  const context = await browser.newContext();
  const errors = [];
  const page = await openPage(context, "", { errors });
  await page.locator("#code-input").waitFor();
  await waitForServiceWorker(page);
  await context.setOffline(true);
  for (const { tab, ready } of TABS) {
    await page.locator("header.top nav a", { hasText: tab }).click();
    await page.locator(ready).waitFor();
  }
  // A fresh page offline, straight onto a route whose build this page never ran.
  const fresh = await context.newPage();
  await fresh.goto(`${process.env.XINNUO_URL}/#/verify`);
  await fresh.locator("#verify-input").waitFor();
  assert.deepEqual(errors, []);
  await context.close();
});
