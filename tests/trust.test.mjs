// Trust you can check, tried as an attacker would: a forged receipt on the verify page, the app's origin
// framed or made to run a stranger's script, and the headers every page carries.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync, sign as signBytes } from "node:crypto";
import { execFileSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { openContext, createKey, fillTaxForm, outboxItems } from "./support/app.mjs";
import { signFlattenedJws, thumbprint } from "./support/jose.mjs";
import { demoOrigin, spawnServer } from "./support/server.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode, commitmentPayload } from "./support/fixtures.mjs";
import { leafHash, sha256 } from "./support/tlog.mjs";


let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("every HTML answer carries the page policy; the embed may be framed only by allowed origins", async () => {
  for (const path of ["/", "/index.html", "/#/commit", "/no/such/route"]) {
    const response = await fetch(`${base}${path}`);
    assert.match(response.headers.get("content-type"), /^text\/html/, path);
    const csp = response.headers.get("content-security-policy") ?? "";
    assert.match(csp, /script-src 'self' 'wasm-unsafe-eval'(;|$)/, path);
    assert.match(csp, /object-src 'none'/);
    assert.match(csp, /base-uri 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.equal(response.headers.get("x-frame-options"), "DENY");
    assert.equal(response.headers.get("referrer-policy"), "no-referrer");
    assert.equal(response.headers.get("strict-transport-security"), null, "plain HTTP on loopback: no HSTS");
  }
  const embed = await fetch(`${base}/embed/index.html`);
  const csp = embed.headers.get("content-security-policy") ?? "";
  assert.ok(csp.endsWith(`frame-ancestors 'self' ${demoOrigin}`), csp);
  assert.equal(embed.headers.get("x-frame-options"), null);
  // Scripts and data are not pages: no page policy on them, but never a referrer.
  const script = await fetch(`${base}/app.js`);
  assert.equal(script.headers.get("content-security-policy"), null);
  assert.equal(script.headers.get("referrer-policy"), "no-referrer");
});

test("the embedding demo is not on the app's origin, and refuses scripts from anywhere but this machine", async () => {
  const onApp = await (await fetch(`${base}/embed-demo/demo.js`)).text();
  assert.ok(!onApp.includes("xinnuo-widgets.js"), "the app's origin does not serve the demo");
  const context = await browser.newContext();
  const page = await context.newPage();
  const requested = [];
  page.on("request", (request) => requested.push(request.url()));
  await page.goto(`${demoOrigin}/index.html?api=${encodeURIComponent("http://evil.example/")}`);
  await page.locator("[role=alert]", { hasText: "只接受本机的信诺服务器" }).waitFor();
  assert.ok(!requested.some((url) => new URL(url).hostname === "evil.example"), requested.join("\n"));
  await context.close();
});

test("the app's pages cannot be framed by another site", async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(`${demoOrigin}/index.html`);
  await page.evaluate(async (url) => {
    const frame = Object.assign(document.createElement("iframe"), { src: url });
    document.body.append(frame);
    await new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 5000); });
  }, `${base}/`);
  // Playwright reaches into cross-origin frames: a blocked frame is Chromium's error page, never our app.
  const child = page.frames().find((frame) => frame !== page.mainFrame());
  assert.ok(child, "the frame exists");
  const blocked = (await child.locator("#app").count()) === 0;
  await page.evaluate(async (url) => {
    const frame = Object.assign(document.createElement("iframe"), { src: url });
    document.body.append(frame);
    await new Promise((resolve) => { frame.onload = resolve; setTimeout(resolve, 5000); });
  }, `${base}/embed/index.html?widget=code-check`);
  const embedFrame = page.frames().find((frame) => frame.url().includes("/embed/"));
  assert.ok(embedFrame && (await embedFrame.locator("#widget").count()) === 1, "the embed is framed by an allowed origin");
  assert.ok(blocked, "the app rendered inside another site's frame");
  await context.close();
});

test("the verify page refuses a receipt from any key but the server's, signed alone or as a stranger's log", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const commitment = JSON.parse(key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  const answer = await (await postJson("/api/v1/commitments", commitment)).json();
  key.free();
  // A stranger's receipt for the same submission, claiming what the server never said.
  const { privateKey } = generateKeyPairSync("ed25519");
  const claims = {
    type: "xinnuo.receipt/1", submission_id: answer.submission_id, received_at: "2026-01-01T00:00:00.000Z", sequence: 1,
    key_status: "verified", signer_kid: "x", credit_code: TAX_VALUES.credit_code, template_id: "tax-service", template_version: "1.0.0",
  };
  const forged = JSON.parse(signFlattenedJws(claims, privateKey));
  const { page, context, errors } = await openContext(browser, "#/verify");
  await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt: forged }));
  await page.getByRole("button", { name: "验证", exact: true }).click();
  await page.locator("#verify-verdict", { hasText: "验证未通过" }).waitFor();
  assert.match(await page.locator("#verify-problems").textContent(), /受信任的服务器密钥/);
  assert.doesNotMatch(await page.locator("main").textContent(), /密钥已核验/);
  // A stranger's public log: the same entry the server logged, but "verified", in a checkpoint of a log of the
  // server's name signed by the stranger's own note key.
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const origin = keys.find((k) => k.current).log_key.split("+", 1)[0];
  const entry = JSON.stringify({ event: "received", key_status: "verified", received_at: answer.received_at,
    sequence: answer.sequence, submission_id: answer.submission_id, type: "xinnuo.log/1" });
  const noteKey = generateKeyPairSync("ed25519");
  const rawKey = Buffer.from(noteKey.publicKey.export({ format: "jwk" }).x, "base64url");
  const keyId = sha256(Buffer.from(`${origin}\n`), Buffer.from([1]), rawKey).subarray(0, 4);
  const body = `${origin}\n1\n${leafHash(entry).toString("base64")}\n`;
  const signature = Buffer.concat([keyId, signBytes(null, Buffer.from(body), noteKey.privateKey)]).toString("base64");
  const strangersLog = { entry, proof: `c2sp.org/tlog-proof@v1\nindex 0\n\n${body}\n— ${origin} ${signature}\n` };
  await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt: strangersLog }));
  await page.getByRole("button", { name: "验证", exact: true }).click();
  await page.locator("#verify-verdict", { hasText: "验证未通过" }).waitFor();
  assert.match(await page.locator("#verify-problems").textContent(), /受信任的服务器密钥/);
  assert.doesNotMatch(await page.locator("main").textContent(), /密钥已核验/);
  // The server's own receipt for it verifies: its entry in the server's log.
  await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt: answer.receipt }));
  await page.getByRole("button", { name: "验证", exact: true }).click();
  await page.locator("#verify-verdict", { hasText: "验证通过" }).waitFor();
  assert.match(await page.locator("#verify-log").textContent(), /^已记入公开日志 第 \d+ 条（已在含 \d+ 条的签名检查点中核验）$/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("a server key added to the database behind the log's back is not trusted by a browser that knows the server", async () => {
  // A server of this test's own (its database is tampered with), serving the app.
  const db = join(await mkdtemp(join(tmpdir(), "xinnuo-trust-")), "own.db");
  const server = await spawnServer(["--db", db, "--dist", new URL("../dist", import.meta.url).pathname]);
  try {
    const { privateKey } = generateKeyPairSync("ed25519");
    const commitment = JSON.parse(signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: randomCreditCode() }), privateKey));
    const submitted = await fetch(`${server.url}/api/v1/commitments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(commitment) });
    assert.equal(submitted.status, 201, await submitted.clone().text());
    const answer = await submitted.json();
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${server.url}/#/verify`);
    const verify = async (receipt, verdict) => {
      await page.locator("#verify-input").fill(JSON.stringify({ commitment, receipt }));
      await page.getByRole("button", { name: "验证", exact: true }).click();
      await page.locator("#verify-verdict", { hasText: verdict }).waitFor();
    };
    // The browser meets the server: its key and log are pinned with the first receipt it verifies.
    await verify(answer.receipt, "验证通过");

    // Someone with the database adds a key of their own (the server lists it; the log never recorded it)
    // and signs a receipt with it.
    const intruder = generateKeyPairSync("ed25519");
    const { x, d } = intruder.privateKey.export({ format: "jwk" });
    const jwk = { crv: "Ed25519", kty: "OKP", x };
    const kid = thumbprint(jwk);
    const seed = Buffer.from(d, "base64url").toString("hex");
    execFileSync("sqlite3", ["-cmd", ".timeout 10000", db,
      `INSERT INTO server_keys (kid, seed, public_jwk, created_at) VALUES ('${kid}', X'${seed}', '${JSON.stringify(jwk)}', '2099-01-01T00:00:00.000Z')`]);
    const listed = await (await fetch(`${server.url}/api/v1/server-keys`)).json();
    assert.ok(listed.keys.some((key) => key.kid === kid), "the server lists the added key");
    const claims = {
      type: "xinnuo.receipt/1", submission_id: answer.submission_id, received_at: answer.received_at, sequence: answer.sequence,
      key_status: answer.key_status, signer_kid: thumbprint(JSON.parse(Buffer.from(commitment.protected, "base64url")).jwk),
      credit_code: TAX_VALUES.credit_code, template_id: "tax-service", template_version: "1.0.0",
    };
    const intruders = JSON.parse(signFlattenedJws(claims, intruder.privateKey));
    // Against the list as the server now gives it, the intruder's receipt would pass: only the log keeps it out.
    const checked = xinnuo.verifyReceipt(JSON.stringify(intruders), answer.submission_id, listed);
    assert.equal(checked.valid, true, JSON.stringify(checked.errors));
    await verify(intruders, "验证未通过");
    assert.match(await page.locator("#verify-problems").textContent(), /受信任的服务器密钥/);
    const pinned = await page.evaluate(() => Object.keys(localStorage).filter((k) => k.startsWith("xinnuo-server-keys:")).map((k) => localStorage.getItem(k)).join(""));
    assert.ok(pinned.length > 0 && !pinned.includes(kid), "the added key is not pinned");
    // The server's own receipts still verify.
    await verify(answer.receipt, "验证通过");
    await context.close();
  } finally {
    server.child.kill();
  }
});

test("a shared computer: delivered commitments forget their personal data, and 清除本机数据 removes everything", async () => {
  const { page, context, errors } = await openContext(browser, "#/commit");
  await createKey(page, PASSPHRASE);
  await page.evaluate(() => { location.hash = "#/commit"; });
  const code = randomCreditCode("140109");
  await fillTaxForm(page, code, "晋示例公用电脑有限公司");
  await page.getByLabel("密钥口令").fill(PASSPHRASE);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt").waitFor({ timeout: 30_000 });
  // A department sets the retention for its service hall: here, nothing is kept after delivery.
  await page.evaluate(() => {
    const meta = Object.assign(document.createElement("meta"), { name: "xinnuo-retention-days", content: "0" });
    document.head.append(meta);
    location.hash = "#/outbox";
  });
  await page.getByRole("button", { name: "立即发送" }).click();
  let items = [];
  for (let i = 0; i < 100; i++) {
    items = await outboxItems(page);
    if (items.length && items.every((item) => item.personal_data_forgotten)) break;
    await page.waitForTimeout(100);
  }
  assert.equal(items.length, 1);
  assert.equal(items[0].personal_data_forgotten, true, "the delivered item forgot its personal data");
  assert.equal(items[0].draft, null);
  assert.ok(!items[0].jws.includes("disclosures") && !JSON.stringify(items[0]).includes("0351-1234567"));
  assert.ok(items[0].receipt, "the receipt stays");
  // 清除本机数据: drafts, outbox, keys and pinned server keys are gone.
  page.once("dialog", (dialog) => dialog.accept());
  await page.getByRole("button", { name: "清除本机数据" }).click();
  await page.locator("#outbox-notice", { hasText: "已清除本机数据" }).waitFor();
  const left = await page.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("xinnuo")));
  assert.deepEqual(left.filter((key) => key !== "xinnuo.lang"), []);
  assert.deepEqual(await outboxItems(page), []);
  assert.deepEqual(errors, []);
  await context.close();
});

test("key derivation runs in a worker: the page keeps painting while a key is made", async () => {
  const { page, context, errors } = await openContext(browser, "#/keys");
  // Count animation frames while the key is derived; a frozen main thread would paint none for its duration.
  await page.evaluate(() => {
    window.__frames = [];
    const tick = (time) => { window.__frames.push(time); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
  });
  const workers = [];
  page.on("worker", (worker) => workers.push(worker.url()));
  await createKey(page, PASSPHRASE);
  const longestGap = await page.evaluate(() => Math.max(...window.__frames.slice(1).map((t, i) => t - window.__frames[i])));
  assert.ok(workers.some((url) => url.endsWith("/kdf-worker.js")), `the KDF worker ran: ${workers}`);
  assert.ok(longestGap < 250, `the longest pause between frames was ${longestGap.toFixed(0)} ms`);
  assert.deepEqual(errors, []);
  await context.close();
});

test("where the KDF worker cannot run, making a key says so and makes none (never derived on the page)", async () => {
  // No service worker: its cache would serve the worker's script past the blocked route (a race with its
  // install that a loaded machine sometimes loses).
  const { page, context } = await openContext(browser, "#/keys", { serviceWorkers: "block" });
  await page.route("**/kdf-worker.js", (route) => route.abort());
  await page.locator("#keys-title").waitFor();
  await page.getByLabel("口令（至少 8 个字符）").fill(PASSPHRASE);
  await page.getByLabel("再次输入口令").fill(PASSPHRASE);
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "此浏览器无法在后台处理密钥" }).waitFor({ timeout: 30_000 });
  assert.doesNotMatch(await page.locator("#key-notice").textContent(), /this browser/, "one language at a time");
  assert.equal(await page.evaluate(() => JSON.parse(localStorage.getItem("xinnuo.keys") ?? "[]").length), 0, "no key stored");
  await context.close();
});

test("names and texts from the database show as text, never as markup, in the app and in the status widget", async () => {
  const { readFile: read, writeFile: write, mkdtemp: temp } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const { serverCli, demo } = await import("./support/server.mjs");
  // The demo set itself holds no markup characters.
  const demoSet = await read(new URL("../crates/server/demo/subjects.json", import.meta.url), "utf8");
  assert.ok(!/[<&]/.test(demoSet), "no < or & in the demo data");
  const code = randomCreditCode("140105");
  const name = "<img src=x onerror=window.__x=1>晋示例注入测试有限公司";
  const record = { id: "x-1", kind: "administrative_penalty", decision_no: "晋测罚<b>&amp;1</b>号", authority: "示例局<script>window.__y=1</script>",
    decided_on: "2026-05-10", class: "general", penalties: ["fine"], obligations_met_on: "2026-05-20", summary: "<svg onload=window.__z=1>" };
  const file = join(await temp(join(tmpdir(), "xinnuo-xss-")), "subjects.json");
  await write(file, JSON.stringify({ subjects: [{ credit_code: code, name, records: [record] }] }));
  serverCli("import", file, "--db", process.env.XINNUO_DB);

  const { page, context, errors } = await openContext(browser, `#/status/${code}`);
  await page.locator("#subject-code", { hasText: code }).waitFor();
  assert.equal((await page.locator("#subject-name").textContent()).startsWith(name), true, "the name as written");
  assert.equal(await page.locator("#subject-name img").count(), 0);
  assert.match(await page.locator(`#record-x-1`).textContent(), /晋测罚<b>&amp;1<\/b>号/);
  assert.deepEqual(await page.evaluate(() => [window.__x, window.__y, window.__z]), [undefined, undefined, undefined]);
  assert.deepEqual(errors, []);
  await context.close();

  // The same subject in the status widget on another origin.
  const host = await browser.newContext();
  const widgetPage = await host.newPage();
  await widgetPage.goto(`${demo}&code=${code}`);
  await widgetPage.locator("xinnuo-status #subject-code", { hasText: code }).waitFor();
  assert.ok((await widgetPage.locator("xinnuo-status #subject-name").textContent()).startsWith(name));
  assert.equal(await widgetPage.locator("xinnuo-status img").count(), 0);
  assert.deepEqual(await widgetPage.evaluate(() => [window.__x, window.__y, window.__z]), [undefined, undefined, undefined]);
  await host.close();
});

test("the admin API of a server started without a token answers 403 to every request", async () => {
  const { spawn } = await import("node:child_process");
  const { mkdtemp: temp } = await import("node:fs/promises");
  const { join } = await import("node:path");
  const { tmpdir } = await import("node:os");
  const { createInterface } = await import("node:readline");
  const env = { ...process.env };
  delete env.XINNUO_ADMIN_TOKEN;
  const db = join(await temp(join(tmpdir(), "xinnuo-notoken-")), "xinnuo.db");
  const child = spawn(process.env.XINNUO_SERVER_BIN, ["serve", "--addr", "127.0.0.1:0", "--db", db], { env, stdio: ["ignore", "pipe", "ignore"] });
  try {
    const url = await new Promise((resolve, reject) => {
      createInterface({ input: child.stdout }).on("line", (line) => { const m = line.match(/listening on (http:\/\/\S+?)\/?$/); if (m) resolve(m[1]); });
      child.on("exit", () => reject(new Error("server exited before listening")));
    });
    const attempts = [
      ["POST", "/api/v1/admin/keys/abc/approve", "Bearer " + "x".repeat(40)],
      ["POST", "/api/v1/admin/keys/abc/revoke", undefined],
      ["GET", "/api/v1/admin/actions", "Bearer " + "y".repeat(40)],
      ["GET", `/api/v1/admin/commitments/${"ab".repeat(32)}`, undefined],
    ];
    for (const [method, path, auth] of attempts) {
      const answer = await fetch(`${url}${path}`, { method, headers: { "content-type": "application/json", ...(auth ? { authorization: auth } : {}) }, body: method === "POST" ? "{}" : undefined });
      assert.equal(answer.status, 403, `${method} ${path}`);
      assert.match(answer.headers.get("content-type"), /problem\+json/);
    }
  } finally {
    child.kill();
  }
});
