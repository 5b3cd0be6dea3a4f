// Witnesses (C2SP tlog-witness, tlog-cosignature) between two servers of this file's own, as two departments
// would run them: W witnesses L's log (`--witness-for`), L asks W (`--witness`, quorum 1) and serves only
// checkpoints W cosigned, and answers a receipt only in a checkpoint W cosigned; the monitor can require W's
// cosignature. A copy of L's database that goes its own way (a fork, signed with L's real log key) gets no
// cosignature: W refuses it, the fork can only show the checkpoint before it split, and it hands out no receipt.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync, execFileSync } from "node:child_process";
import { mkdtemp, copyFile, readFile, writeFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generateKeyPairSync, createHash, sign as signBytes } from "node:crypto";
import { signFlattenedJws } from "./support/jose.mjs";
import { TAX_VALUES, commitmentPayload, randomCreditCode } from "./support/fixtures.mjs";
import { spawnServer, serverCli } from "./support/server.mjs";
import { problem } from "./support/http.mjs";
import { launchBrowser } from "./support/browser.mjs";
import { xinnuo } from "./support/fixtures.mjs";

const BIN = process.env.XINNUO_SERVER_BIN;
const running = [];
let scratch, logDb, witness, witnessKey, logKey, log;
// L serves the app too, so a browser can meet it.
const DIST = new URL("../dist", import.meta.url).pathname;

const printedKey = (server, label) => server.printed.find((line) => line.startsWith(label))?.split(": ").pop();

async function start(args, options) {
  const server = await spawnServer(args, options);
  running.push(server);
  return server;
}

async function stop(server) {
  const exited = new Promise((resolve) => server.child.once("exit", resolve));
  server.child.kill();
  await exited;
}

/** A signed commitment of a fresh key. */
function signedCommitment() {
  const { privateKey } = generateKeyPairSync("ed25519");
  return signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: randomCreditCode("140105") }), privateKey);
}

const post = (url, body) =>
  fetch(`${url}/api/v1/commitments`, { method: "POST", headers: { "content-type": "application/json" }, body });

/** Submits a commitment; answers the checkpoint its receipt is proved in, which the witness has cosigned. */
async function submit(url) {
  const answer = await post(url, signedCommitment());
  assert.equal(answer.status, 201, await answer.clone().text());
  const { log, receipt } = await answer.json();
  assert.deepEqual(receipt, log, "the receipt is the entry proved in the witnessed checkpoint");
  const note = log.proof.split("\n\n").slice(1).join("\n\n");
  assert.ok(note.includes(`\n— ${witnessKey.split("+")[0]} `), `the receipt's checkpoint carries the witness's cosignature: ${note}`);
  return note;
}

/** The newest checkpoint a server's database holds, witnessed or not (read from the file, as its operator could). */
const newestStored = (db) =>
  execFileSync("sqlite3", ["-cmd", ".timeout 10000", db, "SELECT note FROM log_checkpoints ORDER BY size DESC LIMIT 1"], { encoding: "utf8" })
    .replace(/\n$/, "");

/** A witness of this test's own (C2SP tlog-cosignature, type 0x04): its verifier key, and a cosigner of checkpoints. */
function ownWitness(name) {
  const { publicKey, privateKey } = generateKeyPairSync("ed25519");
  const typed = Buffer.concat([Buffer.from([0x04]), Buffer.from(publicKey.export({ format: "jwk" }).x, "base64url")]);
  const id = createHash("sha256").update(Buffer.concat([Buffer.from(`${name}\n`), typed])).digest().subarray(0, 4);
  /** The cosignature line over a checkpoint body (`cosignature/v1\ntime <t>\n<body>`). */
  const cosign = (body, time = Math.floor(Date.now() / 1000)) => {
    const signature = signBytes(null, Buffer.from(`cosignature/v1\ntime ${time}\n${body}`), privateKey);
    const stamp = Buffer.alloc(8);
    stamp.writeBigUInt64BE(BigInt(time));
    return `— ${name} ${Buffer.concat([id, stamp, signature]).toString("base64")}\n`;
  };
  return { vkey: `${name}+${id.toString("hex")}+${typed.toString("base64")}`, cosign };
}

/** What a log's entry naming its witnesses is found by: SHA-256 of the policy's canonical JSON (RFC 8785). */
const policyReference = (witnesses, quorum) =>
  `witnesses/${createHash("sha256").update(JSON.stringify({ quorum, witnesses: [...witnesses].sort() })).digest("hex")}`;

/** A witness verifier key for a fresh key nobody holds here. */
const strangerWitnessKey = (name) => ownWitness(name).vkey;

const checkpointOf = async (url) => (await fetch(`${url}/log/checkpoint`)).text();
const sizeOf = (note) => Number(note.split("\n")[1]);

/** Waits until `url` serves a checkpoint of at least `size` entries (the witness has cosigned it). */
async function witnessed(url, size) {
  for (let tries = 0; tries < 100; tries++) {
    const note = await checkpointOf(url);
    if (sizeOf(note) >= size) return note;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${url} never served a witnessed checkpoint of ${size} entries`);
}

function monitor(url, ...args) {
  const run = spawnSync(BIN, ["log", "verify", "--url", url, ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

before(async () => {
  assert.ok(BIN, "XINNUO_SERVER_BIN is not set: run with `cargo xtask test`");
  scratch = await mkdtemp(join(tmpdir(), "xinnuo-witness-"));
  logDb = join(scratch, "log.db");
  // L once alone, to learn its log key; then W witnessing it; then L again, asking W.
  const first = await start(["--db", logDb]);
  logKey = printedKey(first, "公开日志密钥 / log key");
  assert.match(logKey ?? "", /^xinnuo\.log\//);
  await stop(first);
  witness = await start(["--db", join(scratch, "witness.db"), "--witness-for", logKey]);
  witnessKey = printedKey(witness, "见证人密钥 / witness key");
  assert.match(witnessKey ?? "", /^xinnuo\.witness\//);
  log = await start(["--db", logDb, "--dist", DIST, "--witness", `${witness.url}=${witnessKey}`, "--witness-quorum", "1"]);
});

after(() => running.forEach((server) => server.child.kill()));

test("the log serves only checkpoints its witness cosigned, and lists the witness with its keys", async () => {
  // Until the witness has cosigned a first checkpoint, L serves none (404): wait for it, on a loaded machine too.
  const before = sizeOf(await witnessed(log.url, 0));
  await submit(log.url);
  const note = await witnessed(log.url, before + 1);
  const [, size] = note.split("\n");
  assert.ok(Number(size) >= before + 1);
  const signatures = note.split("\n\n")[1].trim().split("\n");
  assert.ok(signatures.some((line) => line.startsWith(`— ${logKey.split("+")[0]} `)), note);
  assert.ok(signatures.some((line) => line.startsWith(`— ${witnessKey.split("+")[0]} `)), note);
  const keys = await (await fetch(`${log.url}/api/v1/server-keys`)).json();
  assert.deepEqual([keys.witnesses, keys.witness_quorum], [[witnessKey], 1]);

  // A monitor that requires the witness passes; one that requires a witness who never cosigned does not.
  const ok = monitor(log.url, "--witness", witnessKey);
  assert.equal(ok.status, 0, ok.out);
  const other = monitor(log.url, "--witness", strangerWitnessKey("xinnuo.witness/stranger"));
  assert.notEqual(other.status, 0, other.out);
  assert.match(other.out, /\[monitor_not_witnessed\]/);
  assert.match(other.out, /检查点只有 0 位指定见证人的有效联署，要求 1 位/);
});

test("a fork of the log (a copy of its database going its own way, with the real log key) gets no cosignature", async () => {
  // L stopped, its database copied as it stands (the fork point), L started again.
  await stop(log);
  const forkDb = join(scratch, "fork.db");
  for (const suffix of ["", "-wal", "-shm"]) {
    if (existsSync(`${logDb}${suffix}`)) await copyFile(`${logDb}${suffix}`, `${forkDb}${suffix}`);
  }
  log = await start(["--db", logDb, "--dist", DIST, "--witness", `${witness.url}=${witnessKey}`, "--witness-quorum", "1"]);
  const forkPoint = sizeOf(await checkpointOf(log.url));
  await submit(log.url);
  await witnessed(log.url, forkPoint + 1);

  // The fork: other entries, more of them, signed by the same log key; it asks the same witness. It keeps what
  // it is sent, but hands out no receipt: none of its checkpoints is cosigned (503, submit again later).
  const fork = await start(["--db", forkDb, "--witness", `${witness.url}=${witnessKey}`, "--witness-quorum", "1"]);
  const forked = await Promise.all([1, 2, 3].map(() => post(fork.url, signedCommitment())));
  for (const answer of forked) await problem(answer, 503, "witnesses_pending");
  const forkNote = newestStored(forkDb);
  assert.ok(sizeOf(forkNote) > forkPoint + 1, forkNote);
  const served = await checkpointOf(fork.url);
  assert.equal(sizeOf(served), forkPoint, "the fork serves only the checkpoint from before it split");

  // Asked directly, the witness refuses the fork's newest checkpoint: it holds a larger size of the real log
  // (409 with that size), and from there no proof leads to the fork's tree (422).
  const conflict = await fetch(`${witness.url}/witness/add-checkpoint`, { method: "POST", body: `old 0\n\n${forkNote}` });
  assert.equal(conflict.status, 409);
  const held = Number((await conflict.text()).trim());
  assert.ok(held > forkPoint, `the witness holds ${held}`);
  const refused = await fetch(`${witness.url}/witness/add-checkpoint`, { method: "POST", body: `old ${held}\n\n${forkNote}` });
  assert.equal(refused.status, 422, await refused.clone().text());
  // The real log goes on being witnessed.
  await submit(log.url);
  await witnessed(log.url, held + 1);
});

test("a server that witnesses no log says so, and a witness refuses a checkpoint its log did not sign", async () => {
  const none = await fetch(`${log.url}/witness/add-checkpoint`, { method: "POST", body: "old 0\n\n" });
  await problem(none, 404, "not_a_witness");
  const note = await checkpointOf(log.url);
  const tampered = note.replace(/^(\S+\n\d+\n)(\S)/, (_, head, first) => `${head}${first === "A" ? "B" : "A"}`);
  const refused = await fetch(`${witness.url}/witness/add-checkpoint`, { method: "POST", body: `old 0\n\n${tampered}` });
  assert.equal(refused.status, 403, await refused.clone().text());
});

/** The receipt with the witness's cosignature taken off its checkpoint (what a fork's unwitnessed proof looks like). */
function uncosigned(receipt) {
  const lines = receipt.proof.split("\n").filter((line) => !line.startsWith(`— ${witnessKey.split("+")[0]} `));
  return { ...receipt, proof: lines.join("\n") };
}

test("a client that pins the witness quorum believes a receipt only in a checkpoint the witness cosigned", async () => {
  const commitment = signedCommitment();
  const answer = await post(log.url, commitment);
  assert.equal(answer.status, 201, await answer.clone().text());
  const { receipt, submission_id: id } = await answer.json();
  const listing = await (await fetch(`${log.url}/api/v1/server-keys`)).json();

  // The npm package, with the server's listing (its witness and quorum 1).
  assert.equal(xinnuo.verifyReceipt(receipt, id, listing).valid, true);
  const bare = xinnuo.verifyReceipt(uncosigned(receipt), id, listing);
  assert.equal(bare.valid, false);
  assert.deepEqual(bare.errors.map((e) => e.code), ["log_not_witnessed"]);
  assert.match(bare.errors[0].message_zh ?? bare.errors[0].message, /只有 0 个受信任的见证人联署，该日志要求 1 个/);
  // A verifier that pins no witness (the keys alone) requires none.
  assert.equal(xinnuo.verifyReceipt(uncosigned(receipt), id, { keys: listing.keys }).valid, true);
  // A listing that asks for more witnesses than it names is refused whole.
  assert.equal(xinnuo.verifyReceipt(receipt, id, { ...listing, witness_quorum: 2 }).valid, false);

  // What the server answers later (the stored receipt, read back) is proved in a cosigned checkpoint too.
  const stored = await (await fetch(`${log.url}/api/v1/commitments/${id}`)).json();
  assert.equal(xinnuo.verifyReceipt(stored.receipt, id, listing).valid, true, JSON.stringify(stored.receipt));

  // The app: the verify page pins the keys, the witness and the quorum, and then refuses the bare receipt.
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${log.url}/#/verify`);
    const verify = async (shown, verdict) => {
      await page.locator("#verify-input").fill(JSON.stringify({ commitment: JSON.parse(commitment), receipt: shown }));
      await page.getByRole("button", { name: "验证", exact: true }).click();
      await page.locator("#verify-verdict", { hasText: verdict }).waitFor();
    };
    await verify(receipt, "验证通过");
    const quorum = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith("xinnuo-witness-quorum:")).map(([, v]) => v));
    assert.deepEqual(quorum, ["1"]);
    // A receipt whose checkpoint the witness did not cosign (as one made before the server asked for witnesses):
    // the page asks the server for the entry proved in a witnessed checkpoint, and believes it with that.
    await verify(uncosigned(receipt), "验证通过");
    // Where the server has no such proof to give (offline, or a fork), it is refused, and says why.
    await page.route("**/api/v1/log/proof**", (route) => route.fulfill({ status: 404, json: { code: "not_found" } }));
    await verify(uncosigned(receipt), "验证未通过");
    assert.match(await page.locator("#verify-problems").textContent(), /受信任的见证人联署/);
    await verify(receipt, "验证通过");

    // The server (or a fork of it) later lists a witness of its own beside the real one, quorum 1, and hands
    // out a receipt that witness alone cosigned: the browser pinned its witnesses with the quorum and adds none.
    const intruder = ownWitness("xinnuo.witness/intruder");
    await page.route("**/api/v1/server-keys", (route) =>
      route.fulfill({ json: { ...listing, witnesses: [...listing.witnesses, intruder.vkey], witness_quorum: 1 } }));
    const [body] = uncosigned(receipt).proof.split("\n\n").slice(1).join("\n\n").split("\n\n");
    const forged = { ...uncosigned(receipt), proof: `${uncosigned(receipt).proof}${intruder.cosign(`${body}\n`)}` };
    assert.equal(xinnuo.verifyReceipt(forged, id, { ...listing, witnesses: [...listing.witnesses, intruder.vkey] }).valid, true,
      "against the altered listing it would pass");
    await verify(forged, "验证未通过");
    const pinnedWitnesses = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith("xinnuo-witnesses:")).map(([, v]) => v).join(""));
    assert.ok(pinnedWitnesses.includes(witnessKey.split("+")[0]) && !pinnedWitnesses.includes("intruder"), pinnedWitnesses);
    // A listing that drops the witnesses does not lower what is required either.
    await page.unroute("**/api/v1/server-keys");
    await page.route("**/api/v1/server-keys", (route) => route.fulfill({ json: { keys: listing.keys } }));
    await verify(uncosigned(receipt), "验证未通过");
    await verify(receipt, "验证通过");
  } finally {
    await browser.close();
  }
});

test("under a witness quorum a credit report counts only with its issue's log entry, which the app's file carries", async () => {
  const [code, otherCode] = [randomCreditCode("140105"), randomCreditCode("140106")];
  const name = "晋示例见证报告有限公司";
  const subjects = join(scratch, `${code}.json`);
  await writeFile(subjects, JSON.stringify({ subjects: [{ credit_code: code, name, records: [] },
    { credit_code: otherCode, name: "晋示例另一报告有限公司", records: [] }] }));
  serverCli("import", subjects, "--db", logDb);
  const answer = await (await fetch(`${log.url}/api/v1/subjects/${code}/report`)).json();
  const otherReport = await (await fetch(`${log.url}/api/v1/subjects/${otherCode}/report`)).json();
  const listing = await (await fetch(`${log.url}/api/v1/server-keys`)).json();

  // The npm package: the server's answer carries the entry (proved in a cosigned checkpoint); the signed report
  // alone, or with its entry in a checkpoint the witness did not cosign, is refused under the quorum.
  const whole = xinnuo.verifyReport(answer, listing);
  assert.equal(whole.valid, true, JSON.stringify(whole.errors));
  assert.equal(whole.log.index, Number(answer.log.proof.split("\n")[1].split(" ")[1]));
  const alone = xinnuo.verifyReport(answer.file, listing);
  assert.deepEqual(alone.errors.map((e) => e.code), ["report_not_logged"]);
  assert.deepEqual(xinnuo.verifyReport({ ...answer, log: uncosigned(answer.log) }, listing).errors.map((e) => e.code), ["log_not_witnessed"]);
  // The answer as text, as fetched: the same.
  assert.equal(xinnuo.verifyReport(JSON.stringify(answer), listing).valid, true);
  // Another report's issue beside it, or an entry that is no report's issue: refused, and why.
  const others = xinnuo.verifyReport({ ...answer, log: otherReport.log }, listing);
  assert.deepEqual(others.errors.map((e) => e.code), ["report_log_other_issue"]);
  assert.match(others.errors[0].message_zh, /属于另一份报告/);
  const receiptEntry = (await (await post(log.url, signedCommitment())).json()).log;
  assert.deepEqual(xinnuo.verifyReport({ ...answer, log: receiptEntry }, listing).errors.map((e) => e.code), ["log_not_an_entry"]);
  // An entry that does not read is refused, even where no witness is required (never dropped).
  const unreadable = xinnuo.verifyReport({ ...answer, log: 5 }, { keys: listing.keys });
  assert.deepEqual([unreadable.valid, unreadable.errors.map((e) => e.code)], [false, ["log_not_an_entry"]]);
  // A verifier that pins no witness takes the signed report alone, as before reports were logged.
  assert.equal(xinnuo.verifyReport(answer.file, { keys: listing.keys }).valid, true);

  // The app: the report page says where the log holds it and downloads the report with its entry; a verify page
  // that pinned the witness believes that file and refuses the signed report alone.
  const browser = await launchBrowser();
  try {
    const page = await (await browser.newContext({ acceptDownloads: true })).newPage();
    await page.goto(`${log.url}/#/report/${code}`);
    await page.locator("#report-verdict", { hasText: "✓ 报告已由服务器签名" }).waitFor({ timeout: 30_000 });
    assert.match(await page.locator("#report-verdict").textContent(), /已记入公开日志 第 \d+ 条/);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#report-download").click()]);
    const file = await readFile(await download.path(), "utf8");
    assert.deepEqual(Object.keys(JSON.parse(file)).sort(), ["log", "report"]);
    assert.equal(xinnuo.verifyReport(file, listing).valid, true);
    await page.goto(`${log.url}/#/verify`);
    const verify = async (text, verdict) => {
      await page.locator("#verify-input").fill(text);
      await page.getByRole("button", { name: "验证", exact: true }).click();
      await page.locator("#verify-verdict", { hasText: verdict }).waitFor();
    };
    await verify(file, "✓ 信用报告完整");
    await verify(JSON.stringify(answer.file), "报告没有附公开日志记录");
    await verify(file, "✓ 信用报告完整");
  } finally {
    await browser.close();
  }
});

test("witnesses change only as the log records it, cosigned by those a browser pinned: one added beside the old with the quorum raised, then, a week later, the old retired", async () => {
  const at = { addr: new URL(log.url).host };
  const browser = await launchBrowser();
  try {
    // Two browsers meet L while it asks W alone (quorum 1) and pin W, verifying a receipt.
    const commitment = signedCommitment();
    const first = await (await post(log.url, commitment)).json();
    const pages = [];
    for (let n = 0; n < 2; n++) pages.push(await (await browser.newContext()).newPage());
    const verify = async (page, signed, shown, verdict) => {
      await page.goto(`${log.url}/#/verify`);
      await page.locator("#verify-input").fill(JSON.stringify({ commitment: JSON.parse(signed), receipt: shown }));
      await page.getByRole("button", { name: "验证", exact: true }).click();
      await page.locator("#verify-verdict", { hasText: verdict }).waitFor({ timeout: 30_000 });
    };
    const pinned = (page) => page.evaluate(() => {
      const stored = (prefix) => Object.entries(localStorage).find(([key]) => key.startsWith(prefix))?.[1];
      const witnesses = JSON.parse(stored("xinnuo-witnesses:") ?? "[]").sort();
      return { witnesses, quorum: Number(stored("xinnuo-witness-quorum:") ?? 0) };
    });
    for (const page of pages) {
      await verify(page, commitment, first.receipt, "验证通过");
      assert.deepEqual(await pinned(page), { witnesses: [witnessKey], quorum: 1 });
    }
    const [moved, away] = pages;
    const line = (key) => `\n— ${key.split("+")[0]} `;
    const logged = (server) => Number(server.printed.find((text) => text.startsWith("见证人及法定人数已记入公开日志第"))?.match(/第 (\d+) 条/)?.[1]);
    /** The entry naming `witnesses` and `quorum`, once every witness asked cosigned the checkpoint it is proved in. */
    const policyProof = async (witnesses, quorum, cosigners) => {
      let proof = "";
      for (let tries = 0; tries < 50 && !cosigners.every((key) => proof.includes(line(key))); tries++) {
        if (tries) await new Promise((resolve) => setTimeout(resolve, 200));
        proof = (await (await fetch(`${log.url}/api/v1/log/proof?ref=${policyReference(witnesses, quorum)}`)).json()).proof ?? "";
      }
      assert.match(proof, /^c2sp\.org\/tlog-proof@v1\n/, "the logged witnesses' entry, found by its reference");
      for (const key of cosigners) assert.ok(proof.includes(line(key)), `cosigned by ${key}: ${proof}`);
    };

    // Step one: L asks a second witness beside W with the quorum raised to 2 (a newcomer never vouches alone).
    // It logs its witnesses at start, and W cosigns that entry.
    const second = await start(["--db", join(scratch, "witness2.db"), "--witness-for", logKey]);
    const secondKey = printedKey(second, "见证人密钥 / witness key");
    await stop(log);
    log = await start(["--db", logDb, "--dist", DIST, "--witness", `${witness.url}=${witnessKey}`,
      "--witness", `${second.url}=${secondKey}`, "--witness-quorum", "2"], at);
    const both = logged(log);
    assert.ok(both > 0, log.printed.join("\n"));
    await witnessed(log.url, both);
    await policyProof([witnessKey, secondKey], 2, [witnessKey, secondKey]);
    const listing = await (await fetch(`${log.url}/api/v1/server-keys`)).json();
    assert.deepEqual([listing.witnesses, listing.witness_quorum], [[witnessKey, secondKey], 2]);
    // The browser that comes back takes both (the log says so after what it pinned, and W cosigned that).
    await verify(moved, commitment, first.receipt, "验证通过");
    assert.deepEqual(await pinned(moved), { witnesses: [witnessKey, secondKey].sort(), quorum: 2 });
    // The monitor finds the listed witnesses recorded in the log, and names each change for people to judge.
    const checked = monitor(log.url);
    assert.equal(checked.status, 0, checked.out);
    assert.match(checked.out, new RegExp(`日志第 ${both} 条更改了见证人：须 2 个联署`), checked.out);

    // Step two: W retired (still asked and cosigning, no longer listed), the quorum back to 1. Both cosign the
    // entry saying so, and every checkpoint served while W retires.
    await stop(log);
    log = await start(["--db", logDb, "--dist", DIST, "--witness", `${second.url}=${secondKey}`,
      "--witness-retiring", `${witness.url}=${witnessKey}`, "--witness-quorum", "1"], at);
    const alone = logged(log);
    assert.ok(alone > both, log.printed.join("\n"));
    await witnessed(log.url, alone);
    await policyProof([secondKey], 1, [secondKey, witnessKey]);
    assert.deepEqual((await (await fetch(`${log.url}/api/v1/server-keys`)).json()).witnesses, [secondKey]);
    const meanwhile = signedCommitment();
    const retiring = await (await post(log.url, meanwhile)).json();
    assert.ok(retiring.receipt.proof.includes(line(witnessKey)), "the retiring witness cosigns what is served");
    // Dropping W comes a week after the browser took the second witness: until then it keeps both (and believes
    // the receipts, which both cosign).
    await verify(moved, meanwhile, retiring.receipt, "验证通过");
    assert.deepEqual(await pinned(moved), { witnesses: [witnessKey, secondKey].sort(), quorum: 2 });
    await moved.evaluate((weekAgo) => {
      const key = Object.keys(localStorage).find((name) => name.startsWith("xinnuo-witnesses-since:"));
      localStorage.setItem(key, String(weekAgo));
    }, Date.now() - 8 * 86_400_000);
    await verify(moved, meanwhile, retiring.receipt, "验证通过");
    assert.deepEqual(await pinned(moved), { witnesses: [secondKey], quorum: 1 });
    // The one that missed step one still pins W, which still cosigns: it believes them too.
    await verify(away, meanwhile, retiring.receipt, "验证通过");

    // Step three: W no longer asked at all (nothing new to log). Receipts are cosigned by the second witness only.
    await stop(log);
    log = await start(["--db", logDb, "--dist", DIST, "--witness", `${second.url}=${secondKey}`, "--witness-quorum", "1"], at);
    assert.ok(Number.isNaN(logged(log)), "the same witnesses: nothing logged");
    const later = signedCommitment();
    const answer = await post(log.url, later);
    assert.equal(answer.status, 201, await answer.clone().text());
    const { receipt } = await answer.json();
    assert.ok(receipt.proof.includes(line(secondKey)) && !receipt.proof.includes(line(witnessKey)), receipt.proof);
    // The browser that followed takes its receipts.
    await verify(moved, later, receipt, "验证通过");
    // The one that missed step one still pins W: the second witness alone cannot vouch for itself to it, so it
    // refuses receipts W did not cosign (until its site data is cleared), rather than trust a newcomer.
    await verify(away, later, receipt, "验证未通过");
    assert.match(await away.locator("#verify-problems").textContent(), /受信任的见证人联署/);
    assert.deepEqual(await pinned(away), { witnesses: [witnessKey], quorum: 1 });
    // An older policy shown again (the log's own entry of step one, cosigned by the second witness today) does not
    // move the browser back; nor does a listing that drops witnesses altogether.
    for (const shown of [{ witnesses: [witnessKey, secondKey], witness_quorum: 2 }, { witnesses: [], witness_quorum: 0 }]) {
      await moved.route("**/api/v1/server-keys", (route) => route.fulfill({ json: { ...listing, ...shown } }));
      await verify(moved, later, receipt, "验证通过");
      assert.deepEqual(await pinned(moved), { witnesses: [secondKey], quorum: 1 });
      await moved.unroute("**/api/v1/server-keys");
    }
  } finally {
    await browser.close();
  }
});
