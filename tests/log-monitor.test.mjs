// The monitor (`xinnuo-server log verify --url … --state …`) used as an operator or an outside auditor
// would, against a server of this file's own (its own SQLite file, or its own database on the suite's
// PostgreSQL): it passes on a fresh demo server and after new submissions and decisions, and names what was
// deleted or edited directly in the database; a log rewritten behind its back is refused by a monitor that
// holds an older checkpoint, and by the app's #/log page in a browser that kept one. Then Go's sumdb/note and
// sumdb/tlog (code nobody here wrote) check a copy of the live log's checkpoint and tiles.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, writeFile, readdir, copyFile, cp } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { signFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, commitmentPayload, randomCreditCode } from "./support/fixtures.mjs";
import { launchBrowser } from "./support/browser.mjs";
import { openPage, createKey, fillTaxForm, outboxItems } from "./support/app.mjs";
import { spawnServer } from "./support/server.mjs";

const BIN = process.env.XINNUO_SERVER_BIN;
const ROOT = new URL("..", import.meta.url).pathname;
const POSTGRES = process.env.XINNUO_DB?.startsWith("postgres");
const TAX_DEPARTMENT = "国家税务总局山西省税务局";

/** A tool this file needs: found, or a failure that says how to get it (never a skip). */
function need(program, args, why) {
  const found = spawnSync(program, args, { encoding: "utf8" });
  if (found.error || found.status !== 0) {
    throw new Error(`${program} is not installed (${why}); \`cargo xtask test\` installs it, or: apt-get install ${
      { go: "golang-go golang-golang-x-mod-dev", sqlite3: "sqlite3", psql: "postgresql-client" }[program]}`);
  }
}

/** A database of this file's own: a SQLite file, or a new database on the suite's PostgreSQL. */
async function ownDatabase(scratch) {
  if (!POSTGRES) return join(scratch, "monitor.db");
  need("psql", ["--version"], "to tamper with the PostgreSQL database");
  const name = `xinnuo_monitor_${process.pid}_${randomBytes(3).toString("hex")}`;
  execFileSync("psql", [process.env.XINNUO_DB, "-v", "ON_ERROR_STOP=1", "-q", "-c", `CREATE DATABASE ${name}`]);
  const url = new URL(process.env.XINNUO_DB);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Runs SQL on the database directly, as someone with write access to it (not through the server). */
function sql(db, statement) {
  if (POSTGRES) return execFileSync("psql", [db, "-v", "ON_ERROR_STOP=1", "-q", "-At", "-c", statement], { encoding: "utf8" });
  return execFileSync("sqlite3", ["-cmd", ".timeout 10000", db, statement], { encoding: "utf8" });
}

const quote = (text) => `'${String(text).replaceAll("'", "''")}'`;

const startServer = (db) => spawnServer(["--db", db, "--demo"]);

/** `xinnuo-server log verify`: its exit status and everything it printed. */
function monitor(url, state) {
  const run = spawnSync(BIN, ["log", "verify", "--url", url, "--state", state], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

let scratch, db, server, state, officerKey;

async function submit(code = randomCreditCode("140105")) {
  const { privateKey } = generateKeyPairSync("ed25519");
  const body = signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code }), privateKey);
  const answer = await fetch(`${server.url}/api/v1/commitments`, { method: "POST", headers: { "content-type": "application/json" }, body });
  assert.equal(answer.status, 201, await answer.clone().text());
  return (await answer.json()).submission_id;
}

async function decide(action, target, extra = {}) {
  const decision = { type: "xinnuo.decision/1", action, target, reason: "", decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url"), ...extra };
  const answer = await fetch(`${server.url}/api/v1/decisions`, { method: "POST", headers: { "content-type": "application/json" }, body: signFlattenedJws(decision, officerKey) });
  assert.equal(answer.status, 201, await answer.clone().text());
  return answer.json();
}

before(async () => {
  assert.ok(BIN, "XINNUO_SERVER_BIN is not set: run with `cargo xtask test`");
  if (!POSTGRES) need("sqlite3", ["-version"], "to tamper with the SQLite database");
  scratch = await mkdtemp(join(tmpdir(), "xinnuo-monitor-"));
  db = await ownDatabase(scratch);
  server = await startServer(db);
  state = join(scratch, "monitor-state.json");
  // An officer of the tax department, registered on the command line with a key made here.
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  const jwkFile = join(scratch, "officer.jwk");
  await writeFile(jwkFile, JSON.stringify({ kty, crv, x }));
  execFileSync(BIN, ["officers", "--db", db, "add", "--department", TAX_DEPARTMENT, "--name", "王五", "--public-jwk", jwkFile]);
  officerKey = privateKey;
});

after(async () => {
  await browser?.close();
  server?.child.kill();
});

// A browser that watches this file's server's log: the app (served by the suite's server) with its requests
// for the server keys and the log sent to this file's server, as if it were the app's own server. Its
// context (and so what it kept of the log) lives from one test to the next.
let browser, watcher;

async function watchLog() {
  if (!watcher) {
    browser = await launchBrowser();
    const context = await browser.newContext();
    const forward = (path) => async (route) => {
      const asked = new URL(route.request().url());
      const answer = await fetch(`${server.url}${asked.pathname}${asked.search}`);
      await route.fulfill({ status: answer.status, headers: Object.fromEntries(answer.headers), body: Buffer.from(await answer.arrayBuffer()) });
    };
    await context.route("**/api/v1/server-keys", forward());
    await context.route("**/log/**", forward());
    watcher = { context, errors: [] };
    watcher.page = await openPage(context, "#/log", { errors: watcher.errors });
  } else {
    await watcher.page.reload();
  }
  const verdict = watcher.page.locator(".log-page .log-consistency");
  await verdict.waitFor({ timeout: 30_000 });
  return verdict;
}

// A person signing on the commit route (its own small build, without the log's view: the `log_watch` build,
// loaded when a receipt arrives, checks the receipt's checkpoint against the one this browser kept), with every
// request for the API and the log sent to this file's server. The context lives from one test to the next.
let committer;

/** A new browser context whose requests for the API and the log go to this file's server. */
async function forwardedContext() {
  browser ??= await launchBrowser();
  const context = await browser.newContext();
  await context.route(/\/(api\/v1|log)\//, async (route) => {
    const request = route.request();
    const asked = new URL(request.url());
    const answer = await fetch(`${server.url}${asked.pathname}${asked.search}`, {
      method: request.method(),
      headers: { "content-type": request.headers()["content-type"] ?? "application/json" },
      body: request.postDataBuffer() ?? undefined,
    });
    await route.fulfill({ status: answer.status, headers: Object.fromEntries(answer.headers), body: Buffer.from(await answer.arrayBuffer()) });
  });
  return context;
}

/** Signs and submits a commitment on the commit route: the page, once it says what became of it. */
async function commitOnRoute() {
  if (!committer) {
    const context = await forwardedContext();
    committer = { context, errors: [] };
    const keys = await openPage(context, "#/keys", { errors: committer.errors });
    await createKey(keys, PASSPHRASE);
    await keys.close();
  }
  // Opened at #/commit, so that the commit route's own build runs (the build with every route stays unloaded).
  const page = await openPage(committer.context, "#/commit", { errors: committer.errors });
  const loaded = [];
  page.on("request", (request) => { if (request.url().endsWith(".wasm")) loaded.push(new URL(request.url()).pathname.slice(1)); });
  await page.locator("#template-select").waitFor();
  await fillTaxForm(page, randomCreditCode("140105"));
  await page.getByLabel("密钥口令").fill(PASSPHRASE);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt, #sign-status.queued").first().waitFor({ timeout: 60_000 });
  const started = await page.evaluate(() => performance.getEntriesByType("resource").map((e) => new URL(e.name).pathname.slice(1)).filter((f) => f.endsWith(".wasm")));
  return { page, wasm: [...new Set([...started, ...loaded])] };
}

let published; // a commitment accepted (so published) after the first run
let objected; // an objection filed after the first run: { code, id }
let proved; // a commitment submitted before the log is rewritten (and never deleted)
let decided; // the decision accepting it

/** A demo subject with at least two records shown: its code, name and the records. */
async function subjectWithRecords() {
  const { subjects } = await (await fetch(`${server.url}/api/v1/subjects?per_page=100`)).json();
  for (const { credit_code, name } of subjects) {
    const view = await (await fetch(`${server.url}/api/v1/subjects/${credit_code}`)).json();
    if (view.profile.records.length >= 2) return { code: credit_code, name, records: view.profile.records };
  }
  throw new Error("no demo subject with two records");
}

/** An objection to a record, by a key enrolled for the subject and approved on the command line. */
async function object(code, name, recordId) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  const nonce = () => randomBytes(16).toString("base64url");
  const enrolment = signFlattenedJws({ type: "xinnuo.key-enrolment/1", credit_code: code, subject_name: name, requested_at: new Date().toISOString(), nonce: nonce() }, privateKey);
  const enrolled = await fetch(`${server.url}/api/v1/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: enrolment });
  assert.equal(enrolled.status, 201, await enrolled.clone().text());
  execFileSync(BIN, ["keys", "--db", db, "approve", ...xinnuo.fingerprintGroups(thumbprint({ kty, crv, x })).split(" "), "--credit-code", code]);
  const objection = { type: "xinnuo.objection/1", credit_code: code, record_id: recordId, grounds: "该记录所依据的决定已被撤销，附证明。", signed_at: new Date().toISOString(), nonce: nonce() };
  const answer = await fetch(`${server.url}/api/v1/objections`, { method: "POST", headers: { "content-type": "application/json" }, body: signFlattenedJws(objection, privateKey) });
  assert.equal(answer.status, 201, await answer.clone().text());
  return (await answer.json()).objection_id;
}

test("on a fresh demo server the monitor pins the log key, checks the whole log and saves its checkpoint", () => {
  const run = monitor(server.url, state);
  assert.equal(run.status, 0, run.out);
  assert.match(run.out, /首次使用：已固定日志密钥 xinnuo\.log\//);
  assert.match(run.out, /全部通过，检查点已保存。/);
  assert.match(run.out, /All passed; the checkpoint is saved\./);
  assert.ok(run.out.indexOf("全部通过") < run.out.indexOf("All passed"), "Chinese first");
  const saved = JSON.parse(execFileSync("cat", [state], { encoding: "utf8" }));
  assert.ok(saved.size > 0, "the demo data is in the log");
  assert.equal(saved.log_keys.length, 1);
  assert.ok(saved.checkpoint.startsWith(`${saved.origin}\n${saved.size}\n`));
});

test("after new submissions, a decision and an objection the monitor passes again, consistent with the checkpoint it saved", async () => {
  const before = JSON.parse(await readFile(state, "utf8"));
  await submit();
  published = await submit();
  const accepted = await decide("accept", published, { identity_checked: "counter" });
  assert.equal(accepted.state, "in_force");
  const listed = await (await fetch(`${server.url}/api/v1/publications?per_page=100`)).json();
  assert.ok(listed.publications.some((p) => p.submission_id === published), "the accepted commitment is published");
  const { code, name, records } = await subjectWithRecords();
  objected = { code, id: await object(code, name, records[1].id) };
  const shown = await (await fetch(`${server.url}/api/v1/subjects/${code}`)).json();
  assert.ok(shown.objections.some((o) => o.objection_id === objected.id && o.state === "under_review"));
  const run = monitor(server.url, state);
  assert.equal(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`与此前保存的 ${before.size} 条检查点一致`));
  const after = JSON.parse(await readFile(state, "utf8"));
  assert.equal(after.size, before.size + 5, "two submissions, a decision, the operator's approval of the objecting key and the objection");
});

test("the app's #/log page verifies the checkpoint, keeps it, and checks that each newer one extends it", async () => {
  const first = await watchLog();
  assert.match(await first.textContent(), /本浏览器首次核验此日志/);
  const checkpoint = await (await fetch(`${server.url}/log/checkpoint`)).text();
  const size = Number(checkpoint.split("\n")[1]);
  assert.equal(Number(await watcher.page.locator(".log-size").textContent()), size);
  assert.match(await watcher.page.locator(".log-signature").textContent(), /日志密钥签名有效/);
  proved = await submit();
  decided = (await decide("accept", proved, { identity_checked: "counter" })).decision_id;
  const extended = await watchLog();
  assert.match(await extended.textContent(), new RegExp(`只增不改：此前保存的 ${size} 条是现在这份日志的开头`));
  assert.equal(Number(await watcher.page.locator(".log-size").textContent()), size + 2);
  const again = await watchLog();
  assert.match(await again.textContent(), new RegExp(`与本浏览器此前保存的检查点（${size + 2} 条）一致`));
  assert.deepEqual(watcher.errors, []);

  // The commit route's build (without the log's view) has its receipt's checkpoint checked by the small
  // log_watch build, which keeps it in this browser (the rewritten log below is caught by it).
  const { page, wasm } = await commitOnRoute();
  assert.match(await page.locator("#receipt").textContent(), /已提交，回执序号 #\d+/);
  assert.ok(wasm.includes("app_commit_bg.wasm") && wasm.includes("log_watch_bg.wasm") && !wasm.includes("app_bg.wasm"), `${wasm}`);
  const kept = await page.evaluate(() => Object.entries(localStorage).filter(([key]) => key.startsWith("xinnuo.log.kept:")));
  assert.equal(kept.length, 1);
  const keptSize = Number(kept[0][1].split("\n")[1]);
  assert.ok(keptSize > size + 2, `${keptSize}: the checkpoint with the new receipt`);
  await page.close();
  // The verify and print pages (the verify route's build, also without the log's view) compare the checkpoint
  // proving a receipt with the one kept, and say so (on screen; the printed page does not carry it).
  const verify = await openPage(committer.context, `#/verify/${proved}`, { errors: committer.errors });
  // Under 技术详情 with the rest of the receipt (folded).
  await verify.locator("#verify-log-view").waitFor({ state: "attached", timeout: 30_000 });
  assert.match(await verify.locator("#verify-verdict").textContent(), /✓ 验证通过/);
  assert.equal(await verify.locator("#verify-log-view").textContent(), "与本浏览器此前见到的公开日志一致（一致性证明已核验）");
  await verify.goto(verify.url().replace(/#.*/, `#/print/${proved}`));
  await verify.locator("#print-log-view").waitFor({ timeout: 30_000 });
  assert.equal(await verify.locator("#print-log-view").textContent(), "与本浏览器此前见到的公开日志一致（一致性证明已核验）");
  assert.equal(await verify.locator("#print-log-view").evaluate((line) => getComputedStyle(line).display), "block");
  await verify.emulateMedia({ media: "print" });
  assert.equal(await verify.locator("#print-log-view").evaluate((line) => getComputedStyle(line).display), "none");
  await verify.emulateMedia({ media: "screen" });
  await verify.goto(verify.url().replace(/#.*/, `#/decision/${decided}`));
  await verify.locator("#decision-log-view").waitFor({ timeout: 30_000 });
  assert.match(await verify.locator("#decision-verdict").textContent(), /✓ 签名有效，服务器回执已核验/);
  assert.equal(await verify.locator("#decision-log-view").textContent(), "与本浏览器此前见到的公开日志一致（一致性证明已核验）");
  // A checkpoint newer than the one kept, while the log's tiles cannot be read: not compared, and said why;
  // once they can, compared (and kept).
  const later = await submit();
  await committer.context.route("**/log/tile/**", (route) => route.abort());
  await verify.goto(verify.url().replace(/#.*/, `#/verify/${later}`));
  await verify.locator("#verify-log-view").waitFor({ state: "attached", timeout: 30_000 });
  assert.match(await verify.locator("#verify-log-view").textContent(), /^暂未与本浏览器此前见到的公开日志比对：无法读取公开日志的分块 tile\//);
  assert.match(await verify.locator("#verify-verdict").textContent(), /✓ 验证通过/, "the inclusion proof holds");
  await committer.context.unroute("**/log/tile/**");
  await verify.reload();
  await verify.locator("#verify-log-view").waitFor({ state: "attached", timeout: 30_000 });
  assert.equal(await verify.locator("#verify-log-view").textContent(), "与本浏览器此前见到的公开日志一致（一致性证明已核验）");
  // Tiles that never come (the server stalls): the check gives up after its time limit and says so, rather than
  // holding the page (and an outbox) until the browser gives up.
  const stalled = await submit();
  await committer.context.route("**/log/tile/**", () => {});
  await verify.goto(verify.url().replace(/#.*/, `#/verify/${stalled}`));
  await verify.locator("#verify-log-view").waitFor({ state: "attached", timeout: 40_000 });
  assert.match(await verify.locator("#verify-log-view").textContent(), /^暂未与本浏览器此前见到的公开日志比对：无法读取公开日志的分块 tile\//);
  assert.match(await verify.locator("#verify-verdict").textContent(), /✓ 验证通过/);
  await committer.context.unroute("**/log/tile/**");
  // A credit report's issue the same way (the verify page's report check).
  const { code: reported } = await subjectWithRecords();
  const reportNo = (await (await fetch(`${server.url}/api/v1/subjects/${reported}/report`)).json()).report_no;
  await verify.goto(verify.url().replace(/#.*/, `#/verify/${reportNo}`));
  await verify.locator("#report-log-view").waitFor({ timeout: 30_000 });
  assert.match(await verify.locator("#verify-verdict").textContent(), /✓ 信用报告完整/);
  assert.equal(await verify.locator("#report-log-view").textContent(), "与本浏览器此前见到的公开日志一致（一致性证明已核验）");
  await verify.close();
  assert.deepEqual(committer.errors, []);
  // A browser that kept nothing of this log says so, and keeps this checkpoint.
  const stranger = await forwardedContext();
  const unknown = await openPage(stranger, `#/verify/${proved}`);
  await unknown.locator("#verify-log-view").waitFor({ state: "attached", timeout: 30_000 });
  assert.equal(await unknown.locator("#verify-log-view").textContent(), "本浏览器此前没有可与之比对的此公开日志检查点：已保存这一个，以后见到的须与之一致");
  assert.equal((await unknown.evaluate(() => Object.keys(localStorage).filter((key) => key.startsWith("xinnuo.log.kept:")))).length, 1);
  await stranger.close();
  // The #/log page keeps the newest checkpoint too (the rewrite below drops the entries after the one before).
  assert.match(await (await watchLog()).textContent(), new RegExp(`只增不改：此前保存的 ${size + 2} 条是现在这份日志的开头`));
  // The monitor saves this newest checkpoint too (the tests after this one start from it).
  const run = monitor(server.url, state);
  assert.equal(run.status, 0, run.out);
});

test("Go's sumdb/note and sumdb/tlog verify a copy of the live log (checkpoint, tiles, entries, an inclusion proof)", async () => {
  need("go", ["version"], "Go's sumdb checks the live log");
  const goSources = "/usr/share/gocode/src/golang.org/x/mod";
  assert.ok(existsSync(join(goSources, "sumdb/tlog")), `${goSources} is missing: apt-get install golang-golang-x-mod-dev (cargo xtask test installs it)`);
  // The checker, built offline as `cargo xtask tlog-interop` builds it: Debian's x/mod as a vendor directory.
  const build = join(scratch, "go");
  await mkdir(build, { recursive: true });
  for (const file of ["go.mod", "main.go"]) await copyFile(join(ROOT, "tests/tlog-go", file), join(build, file));
  let modules = "# golang.org/x/mod v0.7.0\n## explicit; go 1.17\n";
  for (const pkg of ["sumdb/note", "sumdb/tlog"]) {
    const to = join(build, "vendor/golang.org/x/mod", pkg);
    await mkdir(to, { recursive: true });
    for (const name of await readdir(join(goSources, pkg))) {
      if (name.endsWith(".go") && !name.endsWith("_test.go")) await copyFile(join(goSources, pkg, name), join(to, name));
    }
    modules += `golang.org/x/mod/${pkg}\n`;
  }
  await writeFile(join(build, "vendor/modules.txt"), modules);
  const checker = join(build, "tlog-go");
  execFileSync("go", ["build", "-mod=vendor", "-o", checker, "."], {
    cwd: build,
    stdio: "inherit",
    env: { ...process.env, GOPROXY: "off", GOFLAGS: "-mod=vendor", GO111MODULE: "on", GOTOOLCHAIN: "local", GOCACHE: join(ROOT, "target/go-cache"), GOPATH: join(scratch, "gopath") },
  });

  // The live log as tests/tlog-go reads a directory: origin, vkey, log/checkpoint, log/tile/…, proofs/.
  const dir = join(scratch, "live-log");
  const get = async (path) => {
    const response = await fetch(`${server.url}${path}`);
    assert.equal(response.status, 200, `${path}: ${response.status}`);
    return Buffer.from(await response.arrayBuffer());
  };
  const put = async (path, data) => { await mkdir(dirname(join(dir, path)), { recursive: true }); await writeFile(join(dir, path), data); };
  const checkpoint = (await get("/log/checkpoint")).toString("utf8");
  const [origin, sizeLine] = checkpoint.split("\n");
  const size = Number(sizeLine);
  const { keys } = await (await fetch(`${server.url}/api/v1/server-keys`)).json();
  await put("origin", `${origin}\n`);
  await put("vkey", `${keys.find((k) => k.current).log_key}\n`);
  await put("log/checkpoint", checkpoint);
  // C2SP tlog-tiles: N in 3-digit elements, all but the last prefixed with x (1234067 → x001/x234/067).
  const index = (n) => {
    const digits = String(n);
    const parts = digits.padStart(Math.ceil(digits.length / 3) * 3, "0").match(/.{3}/g);
    return parts.map((p, i) => (i < parts.length - 1 ? `x${p}` : p)).join("/");
  };
  const tilePath = (level, n, width) => `tile/${level}/${index(n)}${width < 256 ? `.p/${width}` : ""}`;
  let files = 0;
  for (let level = 0; Math.floor(size / 256 ** level) > 0; level++) {
    const count = Math.floor(size / 256 ** level);
    for (let n = 0; n * 256 < count; n++) {
      const width = Math.min(256, count - n * 256);
      await put(`log/${tilePath(level, n, width)}`, await get(`/log/${tilePath(level, n, width)}`));
      if (level === 0) await put(`log/${tilePath("entries", n, width)}`, await get(`/log/${tilePath("entries", n, width)}`));
      files += 1;
    }
  }
  // An inclusion proof as the app and the package read them (GET /api/v1/log/proof), for the commitment.
  const logged = await (await fetch(`${server.url}/api/v1/log/proof?ref=${published}`)).json();
  await put("proofs/published.tlog-proof", logged.proof);

  const go = spawnSync(checker, [dir], { encoding: "utf8" });
  assert.equal(go.status, 0, `${go.stdout}${go.stderr}`);
  assert.match(go.stdout, new RegExp(`tlog-go: ok: ${origin.replaceAll(".", "\\.")} size ${size}, ${size} entries, \\d+ tiles, 1 inclusion proofs`));
  assert.ok(files > 0);

  // The same copy with one byte of an entry changed: Go refuses it.
  const tampered = join(scratch, "live-log-tampered");
  await cp(dir, tampered, { recursive: true });
  const bundle = join(tampered, "log", tilePath("entries", 0, Math.min(256, size)));
  const bytes = await readFile(bundle);
  bytes[20] ^= 0x01;
  await writeFile(bundle, bytes);
  const refused = spawnSync(checker, [tampered], { encoding: "utf8" });
  assert.notEqual(refused.status, 0, "Go accepted a changed entry");
  assert.match(refused.stderr, /tlog-go: FAIL/);
});

test("rows deleted or edited directly in the database (a record, a record's content, a published commitment, an objection) are named by the monitor, and nothing is saved", async () => {
  const saved = await readFile(state, "utf8");
  const { code, records: [first, second] } = await subjectWithRecords();

  // (a) A record deleted.
  sql(db, `DELETE FROM records WHERE credit_code = ${quote(code)} AND id = ${quote(first.id)}`);
  let run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`记录 ${code}/${first.id} 在日志中应为公开，但未公示`));
  assert.match(run.out, new RegExp(`Record ${code}/${first.id} is public in the log but not shown`));
  assert.match(run.out, /\[monitor_record_missing\]/);

  // (b) A record's content edited.
  const body = sql(db, `SELECT body FROM records WHERE credit_code = ${quote(code)} AND id = ${quote(second.id)}`).trim();
  const edited = { ...JSON.parse(body), summary: "（已被人改动）" };
  sql(db, `UPDATE records SET body = ${quote(JSON.stringify(edited))} WHERE credit_code = ${quote(code)} AND id = ${quote(second.id)}`);
  const shown = await (await fetch(`${server.url}/api/v1/subjects/${code}`)).json();
  assert.equal(shown.profile.records.find((r) => r.id === second.id).summary, "（已被人改动）", "the API shows the edit");
  run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`记录 ${code}/${second.id} 的内容与日志不符`));
  assert.match(run.out, new RegExp(`Record ${code}/${second.id} differs from the log`));

  // (b2) A published commitment's key standing on receipt edited: the log's entry says otherwise.
  const standing = (await (await fetch(`${server.url}/api/v1/commitments/${published}`)).json()).key_status;
  const forged = standing === "revoked" ? "unenrolled" : "revoked";
  sql(db, `UPDATE commitments SET key_status = ${quote(forged)} WHERE submission_id = ${quote(published)}`);
  run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`承诺 ${published} 的 key_status 与日志不符：日志为 ${standing}，公示为 ${forged}`));
  assert.match(run.out, new RegExp(`Commitment ${published} differs from the log in its key_status`));

  // (c) A published commitment deleted (its decisions and disclosures first, as the schema requires).
  for (const statement of [
    `DELETE FROM commitment_disclosures WHERE sequence = (SELECT sequence FROM commitments WHERE submission_id = ${quote(published)})`,
    `DELETE FROM decisions WHERE target = ${quote(published)}`,
    `DELETE FROM commitments WHERE submission_id = ${quote(published)}`,
  ]) sql(db, statement);
  assert.equal((await fetch(`${server.url}/api/v1/commitments/${published}`)).status, 404);
  run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`日志记有提交 ${published} 的收件，但公开接口已查不到它`));
  assert.match(run.out, new RegExp(`The log records the receipt of ${published}, but the public API no longer has it`));

  // (d) An objection deleted (a record back to looking undisputed).
  sql(db, `DELETE FROM objections WHERE objection_id = ${quote(objected.id)}`);
  run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, new RegExp(`日志记有对 ${objected.code} 的异议 ${objected.id}，但主体页面未显示它`));
  assert.match(run.out, new RegExp(`The log records objection ${objected.id} to ${objected.code}, but the subject's page does not show it`));

  // All four at once, and the checkpoint saved before is kept.
  assert.match(run.out, new RegExp(`${first.id} is public in the log but not shown`));
  assert.match(run.out, new RegExp(`Record ${code}/${second.id} differs from the log`));
  assert.match(run.out, new RegExp(`receipt of ${published}`));
  assert.match(run.out, /发现 4 处与日志不符，检查点未保存。/);
  assert.equal(await readFile(state, "utf8"), saved);
});

test("a log rewritten in the database (newest entries dropped, others appended and signed) is refused", async () => {
  const saved = JSON.parse(await readFile(state, "utf8"));
  // Back to the checkpoint before the newest: its rows and the partial tiles of the larger sizes deleted, so
  // the server appends from there as if the dropped entries never were.
  const sizes = sql(db, "SELECT size FROM log_checkpoints ORDER BY size DESC").trim().split("\n").map(Number);
  const keep = sizes[1];
  assert.ok(keep > 0 && keep < saved.size && Math.floor(keep / 256) === Math.floor(saved.size / 256), `${sizes}`);
  sql(db, `DELETE FROM log_checkpoints WHERE size > ${keep}`);
  sql(db, `DELETE FROM log_entries WHERE idx >= ${keep}`);
  const paths = sql(db, "SELECT path FROM log_tiles").trim().split("\n");
  for (const path of paths) {
    const width = path.match(/\.p\/(\d+)$/)?.[1];
    if (width && Number(width) > keep % 256 && Math.floor(keep / 256) === Number(path.match(/\/(\d+)\.p\//)?.[1] ?? -1)) {
      sql(db, `DELETE FROM log_tiles WHERE path = ${quote(path)}`);
    }
  }
  // Other entries in their place, more than were dropped: a longer log, signed with the log's real key.
  for (let i = 0; i <= saved.size - keep; i++) await submit();
  const checkpoint = await (await fetch(`${server.url}/log/checkpoint`)).text();
  assert.ok(Number(checkpoint.split("\n")[1]) > saved.size);

  const run = monitor(server.url, state);
  assert.notEqual(run.status, 0, run.out);
  assert.match(run.out, /\[monitor_log_rewritten\]/);
  assert.match(run.out, new RegExp(`日志被改写：现有 \\d+ 条的日志不是此前保存的 ${saved.size} 条检查点的延续`));
  assert.match(run.out, /The log was rewritten/);
  assert.deepEqual(JSON.parse(await readFile(state, "utf8")), saved, "the older checkpoint is kept");

  // The browser that kept a checkpoint of the old log says so too, and keeps saying it.
  const warned = await watchLog();
  assert.equal(await warned.getAttribute("role"), "alert");
  assert.match(await warned.textContent(), /公开日志与此前见到的不一致.*日志可能被改写，不予信任/);
  assert.match(await (await watchLog()).textContent(), /日志可能被改写/);

  // So does the commit route's build in another browser that kept a checkpoint of the old log: the receipt of
  // a new submission, proved in the rewritten log, is not believed; the item stays queued with the warning.
  const { page, wasm } = await commitOnRoute();
  assert.ok(wasm.includes("log_watch_bg.wasm") && !wasm.includes("app_bg.wasm"), `${wasm}`);
  const queued = page.locator("#sign-status.queued");
  await queued.locator("text=/日志可能被改写，不予信任/").waitFor({ timeout: 30_000 });
  assert.match(await queued.textContent(), /公开日志与此前见到的不一致/);
  assert.equal(await page.locator("#receipt").count(), 0, "no receipt is shown");
  const items = await outboxItems(page);
  assert.equal(items.filter((item) => item.receipt).length, 1, "only the receipt from before the rewrite was taken");
  assert.ok(await page.evaluate(() => Object.keys(localStorage).some((key) => key.startsWith("xinnuo.log.rewritten:"))), "remembered as rewritten");
  // Its verify page refuses a commitment whose receipt the rewritten log proves, with the warning; its print
  // page puts the warning where the log place was.
  await page.goto(page.url().replace(/#.*/, `#/verify/${proved}`));
  await page.locator("#verify-log-view").waitFor({ state: "attached", timeout: 30_000 });
  assert.match(await page.locator("#verify-verdict").textContent(), /✗ 验证未通过/);
  assert.match(await page.locator("#verify-problems").textContent(), /回执：公开日志与此前见到的不一致.*日志可能被改写，不予信任/);
  assert.match(await page.locator("#verify-log-view").textContent(), /^⚠ 公开日志与此前见到的不一致/);
  await page.goto(page.url().replace(/#.*/, `#/print/${proved}`));
  await page.locator("#print-log-alarm").waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#print-log").textContent(), /日志可能被改写，不予信任/);
  assert.doesNotMatch(await page.locator("#print-page").textContent(), /已记入公开日志 第/);
  await page.goto(page.url().replace(/#.*/, `#/decision/${decided}`));
  await page.locator("#decision-log-alarm").waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#decision-verdict").textContent(), /✗ 证明此决定的公开日志已被改写，不予信任/);
  assert.match(await page.locator("#decision-log-alarm").textContent(), /日志可能被改写，不予信任/);
  assert.equal(await page.locator("#decision-log").count(), 0);
  await page.close();
  assert.deepEqual(committer.errors, []);

  // A monitor with no memory of the log (a new state file) sees a consistent log, but not the deleted
  // record's and commitment's disappearance from the public record: those are still named.
  const fresh = monitor(server.url, join(scratch, "fresh-state.json"));
  assert.notEqual(fresh.status, 0, fresh.out);
  assert.doesNotMatch(fresh.out, /monitor_log_rewritten/);
});
