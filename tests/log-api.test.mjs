// The public log against a real server: every receipt carries its entry and an inclusion proof in a signed
// checkpoint, checked here with Node's own crypto (RFC 9162 hashing, C2SP signed notes), not with our code;
// the tiles the server publishes hold the same entries; a decision and an objection's record change land too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { base, postJson } from "./support/http.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { newOfficer } from "./support/server.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";
import { checkLogged, openCheckpoint, readEntries, treeHead } from "./support/tlog.mjs";

async function logKey() {
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const current = keys.find((k) => k.current);
  assert.match(current.log_key ?? "", /^xinnuo\.log\/\S+\+[0-9a-f]{8}\+/, "the server keys list the log key");
  return { keys, logKey: current.log_key };
}

test("a receipt is an entry of the public log, proved in a signed checkpoint anyone can check", async () => {
  const { keys, logKey: vkey } = await logKey();
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const file = key.signCommitment({ template_id: "tax-service", values: TAX_VALUES });
  const response = await postJson("/api/v1/commitments", file);
  assert.equal(response.status, 201);
  const answer = await response.json();
  assert.ok(answer.log, "the answer carries its log entry");

  // Checked with Node's crypto alone.
  const { index, head, event } = checkLogged(answer.log, vkey);
  assert.deepEqual(event, { event: "received", key_status: answer.key_status, received_at: answer.received_at,
    sequence: answer.sequence, submission_id: answer.submission_id, type: "xinnuo.log/1" }, "the entry says what the receipt says, nothing more");
  assert.ok(!answer.log.entry.includes(TAX_VALUES.credit_code), "what it is about is not in the public entry");
  assert.equal(head.origin, vkey.split("+", 1)[0]);

  // The receipt is that entry with its proof; checked with the package, offline, against the pinned keys.
  assert.deepEqual(answer.receipt, answer.log);
  const checked = xinnuo.verifyReceipt(answer, answer.submission_id, { keys });
  assert.equal(checked.valid, true, JSON.stringify(checked.errors));
  assert.deepEqual([checked.log.index, checked.log.checkpointSize], [index, head.size]);
  assert.equal(xinnuo.verifyReceipt(JSON.stringify(answer.receipt), answer.submission_id, { keys }).valid, true);
  // A proof bent by one hash, or another submission's entry, is refused.
  const bent = { ...answer, log: { ...answer.log, proof: answer.log.proof.replace(/\nindex (\d+)\n/, (_, n) => `\nindex ${Number(n) + 1}\n`) } };
  assert.equal(xinnuo.verifyReceipt(bent, answer.submission_id, { keys }).valid, false);
  const withoutLogKeys = { keys: keys.map(({ log_key, ...rest }) => rest) };
  assert.equal(xinnuo.verifyReceipt(answer, answer.submission_id, withoutLogKeys).errors[0].code, "unknown_server_key");

  // The same submission again: the same entry, proved in the newest checkpoint.
  const again = await (await postJson("/api/v1/commitments", file)).json();
  assert.equal(checkLogged(again.log, vkey).index, index);
  const byRef = await (await fetch(`${base}/api/v1/log/proof?ref=${answer.submission_id}`)).json();
  assert.equal(checkLogged(byRef, vkey).index, index);
  assert.equal((await fetch(`${base}/api/v1/log/proof?ref=nothing-here`)).status, 404);
});

test("the tiles the server publishes hold every entry and hash to the signed root (C2SP tlog-tiles)", async () => {
  const { logKey: vkey } = await logKey();
  const note = await (await fetch(`${base}/log/checkpoint`)).text();
  const head = openCheckpoint(note, vkey);
  assert.ok(head.size > 0);
  const entries = await readEntries(head.size, async (path) => {
    const response = await fetch(`${base}/log/${path}`);
    assert.equal(response.status, 200, path);
    if (!path.includes(".p/")) assert.match(response.headers.get("cache-control"), /immutable/);
    return Buffer.from(await response.arrayBuffer());
  });
  assert.deepEqual(treeHead(entries.slice(0, head.size)), head.root, "the published entries make the signed root");
  const events = entries.map((e) => JSON.parse(e.toString()));
  assert.ok(events.some((e) => e.event === "server_key"), "the server key's start is logged");
  assert.ok(events.some((e) => e.event === "record" && e.change === "added"), "imported records are logged");
  assert.equal((await fetch(`${base}/log/tile/0/x001/../../etc`)).status, 404, "only canonical tile paths");
});

test("a decision and what it changes of the record are logged with it", async () => {
  const { logKey: vkey } = await logKey();
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const answer = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }))).json();
  const officer = await newOfficer("国家税务总局山西省税务局", "日志测试员");
  const decision = { type: "xinnuo.decision/1", action: "return", target: answer.submission_id, reason: "请补充经办人信息（日志测试）",
    decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const decided = await postJson("/api/v1/decisions", signFlattenedJws(decision, officer.privateKey));
  assert.equal(decided.status, 201, await decided.clone().text());
  const published = await decided.json();
  const { decision_id } = published;
  const logged = await (await fetch(`${base}/api/v1/log/proof?ref=${decision_id}`)).json();
  const { event, index } = checkLogged(logged, vkey);
  assert.deepEqual([event.event, event.action, event.state, event.target], ["decision", "return", "returned", answer.submission_id]);
  // The decision's own answer carries the same entry with its proof, and so does the published decision.
  assert.equal(checkLogged(published.log, vkey).index, index);
  assert.equal(JSON.parse(published.log.entry).decision_id, decision_id);
  const fetched = await (await fetch(`${base}/api/v1/decisions/${decision_id}`)).json();
  assert.equal(checkLogged(fetched.log, vkey).index, index);
});
