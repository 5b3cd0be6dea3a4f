// Keys, commitments and receipts against a real server; every receipt is checked with Node's own crypto.
import { test } from "node:test";
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { execFileSync } from "node:child_process";
import { base, problem, postJson } from "./support/http.mjs";
import { serverCount } from "./support/app.mjs";
import { verifyFlattenedJws, signFlattenedJws, canonicalize } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, commitmentPayload, randomCreditCode, inForce } from "./support/fixtures.mjs";
import { checkLogged } from "./support/tlog.mjs";

const CODE = TAX_VALUES.credit_code;
const filled = { template_id: "tax-service", values: TAX_VALUES };
const adminToken = process.env.XINNUO_ADMIN_TOKEN;

function newKey() {
  return xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
}

test("a receipt signed by any key but the server's is refused, however it is dressed", async () => {
  const serverKeys = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const { privateKey } = generateKeyPairSync("ed25519");
  const claims = {
    type: "xinnuo.receipt/1", submission_id: "ab".repeat(32), received_at: "2026-11-26T02:00:01.000Z", sequence: 1,
    key_status: "verified", signer_kid: "x", credit_code: CODE, template_id: "tax-service", template_version: "1.0.0",
  };
  const forged = signFlattenedJws(claims, privateKey);
  const result = xinnuo.verifyReceipt(forged, "ab".repeat(32), serverKeys);
  assert.equal(result.valid, false);
  assert.equal(result.errors[0].code, "unknown_server_key");
  assert.match(result.errors[0].message_zh, /受信任的服务器密钥/);
  // A key list that lies about a kid is trusted for nothing.
  const lying = { keys: [{ ...serverKeys.keys[0], kid: "someone-else" }] };
  assert.equal(xinnuo.verifyReceipt(forged, undefined, lying).errors[0].code, "bad_server_keys");
});

test("a receipt signed alone, as servers made them before receipts were log entries, still verifies against the key that signed it", () => {
  // A server key pinned the way a verifier pins the published list; its receipt for a submission.
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const jwk = publicKey.export({ format: "jwk" });
  const claims = {
    type: "xinnuo.receipt/1", submission_id: "cd".repeat(32), received_at: "2026-11-26T02:00:01.000Z", sequence: 7,
    key_status: "verified", signer_kid: "k", credit_code: CODE, template_id: "tax-service", template_version: "1.0.0",
  };
  const old = signFlattenedJws(claims, privateKey);
  const pinned = { keys: [{ jwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } }] };
  const checked = xinnuo.verifyReceipt(old, "cd".repeat(32), pinned);
  assert.equal(checked.valid, true, JSON.stringify(checked.errors));
  assert.deepEqual([checked.receipt.type, checked.receipt.sequence, checked.receipt.credit_code], ["xinnuo.receipt/1", 7, CODE]);
  assert.match(checked.serverFingerprint, /\S{4} \S{4}/);
  assert.equal(checked.log, undefined);
  assert.equal(xinnuo.verifyReceipt(old, "ef".repeat(32), pinned).errors[0].code, "other_submission");
});

/** How many commitments the server stored for the code (the tax bureau's inbox counts those nobody verified). */
async function subjectCount(code = CODE) {
  return serverCount(code);
}

test("personal data stays private: every public answer carries digests and masks, the operator the disclosures", async () => {
  const key = newKey();
  const values = {
    ...TAX_VALUES, legal_rep_id: "11010519491231002X", address: "太原市小店区示例路 8 号", filer: "agent",
    agent_name: "李四", agent_id: "140105199001011238", agent_phone: "13812348000",
  };
  const file = key.signCommitment({ template_id: "tax-service", values });
  // The signed file: personal values only as digests in what is signed, disclosed beside it (SD-JWT JSON).
  const independent = verifyFlattenedJws(file);
  for (const secret of ["11010519491231002X", "140105199001011238", "13812348000", "0351-1234567", "示例路"]) {
    assert.ok(!independent.payloadBytes.toString().includes(secret), `${secret} is not in the signed payload`);
  }
  assert.deepEqual(Object.keys(independent.disclosed).sort(), ["address", "agent_id", "agent_name", "agent_phone", "legal_rep_id", "phone"]);
  assert.ok(!independent.payloadBytes.toString().includes("李四"), "the agent's name is a digest too");
  const created = await postJson("/api/v1/commitments", file);
  assert.equal(created.status, 201);
  const { submission_id: id } = await created.json();
  const answers = [
    await (await fetch(`${base}/api/v1/commitments/${id}`)).text(),
    await (await fetch(`${base}/api/v1/subjects/${CODE}/commitments`)).text(),
  ];
  for (const text of answers) {
    for (const secret of ["11010519491231002X", "140105199001011238", "13812348000", "0351-1234567", "示例路", "李四"]) {
      assert.ok(!text.includes(secret), `${secret} published`);
    }
  }
  const stored = JSON.parse(answers[0]);
  assert.deepEqual(stored.masked, {
    legal_rep_id: "110105********002X", agent_id: "140105********1238", agent_phone: "138****8000", phone: "0351-***4567",
    agent_name: "李*",
  });
  assert.equal(stored.envelope.header, undefined);
  // A third party holding only the public record verifies the signature; the personal values stay withheld.
  const published = xinnuo.verifyEnvelope(JSON.stringify(stored.envelope));
  assert.equal(published.valid, true);
  assert.equal(published.withheld, 6);
  assert.match(published.text, /联系电话：〔已隐去〕/);
  assert.equal(verifyFlattenedJws(stored.envelope).submissionId, id);
  // The enterprise's own file verifies everything, offline.
  const own = xinnuo.verifyEnvelope(file);
  assert.equal(own.valid, true);
  assert.equal(own.withheld, 0);
  assert.equal(own.disclosed.legal_rep_id, "11010519491231002X");
  // The operator reads the disclosures; nobody else.
  await problem(await fetch(`${base}/api/v1/admin/commitments/${id}`), 401, "unauthorized");
  const disclosed = await (await fetch(`${base}/api/v1/admin/commitments/${id}`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
  assert.equal(xinnuo.verifyEnvelope(JSON.stringify(disclosed.signed_file)).disclosed.agent_phone, "13812348000");
  // A key's enrolments are not a list of the companies it signs for.
  await problem(await fetch(`${base}/api/v1/keys/${key.kid}`), 400, "credit_code_required");
  key.free();
});

test("a submission must disclose every personal value it signed, in the current form", async () => {
  const key = newKey();
  const file = JSON.parse(key.signCommitment(filled));
  const { header, ...stripped } = file;
  const missing = await problem(await postJson("/api/v1/commitments", stripped), 422, "disclosures_missing");
  assert.match(missing.detail_zh, /缺少个人信息的披露/);
  const tampered = { ...file, header: { disclosures: [Buffer.from(JSON.stringify(["AAAAAAAAAAAAAAAAAAAAAA", "phone", "0351-7654321"])).toString("base64url")] } };
  await problem(await postJson("/api/v1/commitments", tampered), 422, "bad_disclosure");
  assert.equal(header.disclosures.length, 1);
  // The first payload type put every value in clear: no longer accepted.
  const { privateKey } = generateKeyPairSync("ed25519");
  const t = inForce("tax-service");
  const v1 = {
    type: "xinnuo.commitment/1", template: { id: t.id, version: t.version, text_sha256: t.text_sha256 }, credit_code: CODE,
    values: TAX_VALUES, signed_at: new Date().toISOString(), nonce: Buffer.alloc(16, 1).toString("base64url"),
  };
  await problem(await postJson("/api/v1/commitments", signFlattenedJws(v1, privateKey)), 422, "outdated_payload_type");
  // ... though a /1 file still verifies offline.
  assert.equal(xinnuo.verifyEnvelope(signFlattenedJws(v1, privateKey)).valid, true);
  key.free();
});

test("a commitment from an unenrolled key: 201, its receipt a public-log entry with its proof; replay: 200, the same receipt", async () => {
  const key = newKey();
  const jws = key.signCommitment(filled);
  const first = await postJson("/api/v1/commitments", jws);
  assert.equal(first.status, 201);
  const receipt = await first.json();
  assert.equal(receipt.key_status, "unenrolled");
  assert.match(receipt.key_status_label_zh, /密钥未核验/);
  assert.equal(receipt.submission_id, verifyFlattenedJws(jws).submissionId);
  // The receipt is the submission's entry in the public log with its inclusion proof, in a checkpoint signed
  // by the log key the server keys list (checked with Node's crypto): no signature of its own.
  const serverKeys = await (await fetch(`${base}/api/v1/server-keys`)).json();
  assert.deepEqual(Object.keys(receipt.receipt).sort(), ["entry", "proof"]);
  const { event, head } = checkLogged(receipt.receipt, serverKeys.keys.find((k) => k.current).log_key);
  assert.deepEqual(event, { type: "xinnuo.log/1", event: "received", submission_id: receipt.submission_id,
    sequence: receipt.sequence, received_at: receipt.received_at, key_status: "unenrolled" });
  assert.ok(head.size > receipt.sequence - 1);
  assert.deepEqual(receipt.log, receipt.receipt, "the answer's log entry is the receipt");
  assert.equal(xinnuo.verifyReceipt(JSON.stringify(receipt.receipt), receipt.submission_id, serverKeys).valid, true);
  assert.equal(xinnuo.verifyReceipt(JSON.stringify(receipt.receipt), receipt.submission_id, serverKeys.keys).valid, true);
  const checked = xinnuo.verifyReceipt(receipt, undefined, serverKeys);
  assert.deepEqual([checked.receipt.type, checked.receipt.sequence, checked.serverKid], ["xinnuo.log/1", receipt.sequence, undefined]);
  assert.equal(checked.log.index + 1 > 0, true);
  // Without the server's keys a receipt proves nothing, however well it is made.
  const unpinned = xinnuo.verifyReceipt(JSON.stringify(receipt.receipt), receipt.submission_id);
  assert.equal(unpinned.valid, false);
  assert.equal(unpinned.errors[0].code, "unknown_server_key");

  const again = await postJson("/api/v1/commitments", jws);
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), receipt);

  const stored = await (await fetch(`${base}/api/v1/commitments/${receipt.submission_id}`)).json();
  assert.equal(stored.title_zh, "纳税服务信用承诺书");
  assert.equal(stored.status_label_zh, "已提交");
  assert.deepEqual(stored.decisions, []);
  assert.equal(xinnuo.verifyEnvelope(JSON.stringify(stored.envelope)).valid, true);
  assert.deepEqual(stored.receipt, receipt.receipt);
  // The subject's public list shows it only once its signer is known (this key was never approved).
  const list = await (await fetch(`${base}/api/v1/subjects/${CODE.toLowerCase()}/commitments`)).json();
  assert.ok(!list.commitments.some((c) => c.submission_id === receipt.submission_id));
  key.free();
});

test("enrolment with proof of possession; approval per credit code, revocation and the admin log, by API and CLI", async () => {
  const key = newKey();
  const enrolment = key.signEnrolment(CODE, "山西示例科技有限公司");
  const created = await postJson("/api/v1/keys", enrolment);
  assert.equal(created.status, 201);
  const row = await created.json();
  assert.equal(row.status, "pending");
  assert.equal(row.kid, key.kid);
  assert.equal((await postJson("/api/v1/keys", enrolment)).status, 200);

  const pending = await (await postJson("/api/v1/commitments", key.signCommitment(filled))).json();
  assert.equal(pending.key_status, "pending");

  const admin = { authorization: `Bearer ${adminToken}` };
  const forCode = JSON.stringify({ credit_code: CODE });
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/approve`, forCode), 401, "unauthorized");
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/approve`, forCode, { authorization: "Bearer wrong" }), 401);
  await problem(await postJson(`/api/v1/admin/keys/nosuchkey/approve`, forCode, admin), 404, "key_not_found");
  // An approval names the credit code: there is no "approve everything this key ever asked for".
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/approve`, "", admin), 400);
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/approve`, "{}", admin), 400);
  const laterCode = randomCreditCode();
  assert.equal((await postJson("/api/v1/keys", key.signEnrolment(laterCode, "山西另一示例有限公司"))).status, 201);
  const approved = await postJson(`/api/v1/admin/keys/${key.kid}/approve`, forCode, admin);
  assert.equal(approved.status, 200);
  const decision = await approved.json();
  assert.equal(decision.enrolment.status, "approved");
  assert.equal(decision.enrolment.credit_code, CODE);
  assert.ok("registry_name" in decision);
  const verified = await (await postJson("/api/v1/commitments", key.signCommitment(filled))).json();
  assert.equal(verified.key_status, "verified");
  // The other credit code the key asked for stays pending.
  const later = await (await fetch(`${base}/api/v1/keys/${key.kid}?credit_code=${laterCode}`)).json();
  assert.equal(later.enrolments[0].status, "pending");

  // Which companies a key signs for is not listed to strangers.
  await problem(await fetch(`${base}/api/v1/keys/${key.kid}`), 400, "credit_code_required");
  const asked = await (await fetch(`${base}/api/v1/keys/${key.kid}?credit_code=${CODE}`)).json();
  assert.deepEqual(asked.enrolments.map((e) => e.credit_code), [CODE]);

  // Revoked: signatures from now on say so in their receipt; revocation is final.
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/revoke`, forCode, admin), 400);
  const revoked = await postJson(`/api/v1/admin/keys/${key.kid}/revoke`, JSON.stringify({ credit_code: CODE, reason: "密钥遗失" }), admin);
  assert.equal(revoked.status, 200);
  assert.equal((await revoked.json()).enrolment.status, "revoked");
  const afterRevocation = await (await postJson("/api/v1/commitments", key.signCommitment(filled))).json();
  assert.equal(afterRevocation.key_status, "revoked");
  const serverKeys = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const revokedReceipt = xinnuo.verifyReceipt(JSON.stringify(afterRevocation.receipt), afterRevocation.submission_id, serverKeys);
  assert.equal(revokedReceipt.receipt.key_status, "revoked");
  assert.equal(revokedReceipt.keyStatusLabel.zh, "密钥已吊销");
  await problem(await postJson(`/api/v1/admin/keys/${key.kid}/approve`, forCode, admin), 409, "enrolment_revoked");

  // The admin token never goes on a command line, where the process list shows it.
  assert.throws(() => execFileSync(process.env.XINNUO_SERVER_BIN, ["serve", "--admin-token", "x".repeat(40)], { stdio: "pipe" }), /unexpected argument '--admin-token'/);
  // Every admin action is on record, for the admin only.
  await problem(await fetch(`${base}/api/v1/admin/actions`), 401, "unauthorized");
  const log = await (await fetch(`${base}/api/v1/admin/actions`, { headers: admin })).json();
  const mine = log.actions.filter((a) => a.kid === key.kid).map((a) => [a.action, a.credit_code, a.actor, a.reason]);
  assert.deepEqual(mine, [["revoke", CODE, "admin-api", "密钥遗失"], ["approve", CODE, "admin-api", null]]);

  // The department's command line, given the fingerprint as people read it (groups with spaces).
  const other = newKey();
  assert.equal((await postJson("/api/v1/keys", other.signEnrolment(CODE, "山西示例科技有限公司"))).status, 201);
  const grouped = xinnuo.fingerprintGroups(other.kid);
  const cli = (...args) => execFileSync(process.env.XINNUO_SERVER_BIN, ["keys", "--db", process.env.XINNUO_DB, ...args], { encoding: "utf8" });
  assert.throws(() => cli("approve", ...grouped.split(" ")), /credit/i);
  const out = cli("approve", ...grouped.split(" "), "--credit-code", CODE);
  assert.match(out, /已核验 approved/);
  assert.match(out, /登记名称 \/ registry name:/);
  const view = await (await fetch(`${base}/api/v1/keys/${encodeURIComponent(grouped)}?credit_code=${CODE}`)).json();
  assert.equal(view.enrolments[0].status, "approved");
  assert.match(cli("revoke", ...grouped.split(" "), "--credit-code", CODE, "--reason", "员工离职"), /已吊销 revoked/);
  assert.match(cli("log"), new RegExp(`cli\\s+revoke\\s+${grouped}\\s+${CODE}\\s+员工离职`));
  key.free();
  other.free();
});

test("an enrolment not signed by the key it names is refused", async () => {
  const key = newKey();
  const enrolment = JSON.parse(key.signEnrolment(CODE, "山西示例科技有限公司"));
  const { privateKey } = generateKeyPairSync("ed25519");
  const header = JSON.parse(Buffer.from(enrolment.protected, "base64url"));
  const payload = JSON.parse(Buffer.from(enrolment.payload, "base64url"));
  const body = await problem(await postJson("/api/v1/keys", signFlattenedJws(payload, privateKey, header.jwk)), 422, "bad_signature");
  assert.match(body.detail_zh, /签名无效/);
  await problem(await fetch(`${base}/api/v1/keys/${key.kid}?credit_code=${CODE}`), 404, "key_not_found");
  key.free();
});

test("every bad submission is a clear problem and nothing is stored", async () => {
  const before = await subjectCount();
  const key = newKey();
  const good = JSON.parse(key.signCommitment(filled));
  const { privateKey } = generateKeyPairSync("ed25519");
  const post = (body) => postJson("/api/v1/commitments", body);

  // Tampered payload: the signature no longer matches.
  const tamperedPayload = JSON.parse(Buffer.from(good.payload, "base64url"));
  tamperedPayload.values = { ...tamperedPayload.values, subject_name: "别的公司" };
  const tampered = { ...good, payload: Buffer.from(canonicalize(tamperedPayload)).toString("base64url") };
  await problem(await post(tampered), 422, "bad_signature");
  // Wrong key: claims our key, signed by another.
  const header = JSON.parse(Buffer.from(good.protected, "base64url"));
  await problem(await post(signFlattenedJws(commitmentPayload(), privateKey, header.jwk)), 422, "bad_signature");
  // Properly signed by a foreign key but wrong in content.
  await problem(await post(signFlattenedJws(commitmentPayload(TAX_VALUES, { id: "no-such-template" }), privateKey)), 422, "unknown_template");
  await problem(await post(signFlattenedJws(commitmentPayload(TAX_VALUES, { version: "0.0.1" }), privateKey)), 422, "unknown_template_version");
  const hash = await problem(await post(signFlattenedJws(commitmentPayload(TAX_VALUES, { text_sha256: "0".repeat(64) }), privateKey)), 422, "text_hash_mismatch");
  assert.match(hash.detail_zh, /文本摘要/);
  const badCode = { ...TAX_VALUES, credit_code: "91140105123456788E" };
  const fields = await problem(await post(signFlattenedJws(commitmentPayload(badCode), privateKey)), 422, "invalid_fields");
  assert.equal(fields.errors[0].field, "credit_code");
  assert.match(fields.errors[0].message_zh, /统一社会信用代码有误/);
  const badPhone = await problem(await post(signFlattenedJws(commitmentPayload({ ...TAX_VALUES, phone: "12" }), privateKey)), 422, "invalid_fields");
  assert.equal(badPhone.errors[0].code, "invalid_phone");
  await problem(await post(signFlattenedJws({ ...commitmentPayload(), credit_code: "91350100M000100Y43" }, privateKey)), 422, "credit_code_mismatch");
  // Malformed, oversized, wrong media type.
  await problem(await post("{not json"), 400, "malformed_json");
  await problem(await post({ protected: "!!", payload: "x", signature: "y" }), 400, "bad_envelope");
  await problem(await post(JSON.stringify({ pad: "x".repeat(70 * 1024) })), 413, "too_large");
  await problem(await fetch(`${base}/api/v1/commitments`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(good) }), 415);
  assert.equal(await subjectCount(), before, "nothing stored by a refused submission");
  key.free();
});

test("look-ups: bad and unknown ids, invalid subject codes, templates, server keys", async () => {
  await problem(await fetch(`${base}/api/v1/commitments/xyz`), 400, "bad_submission_id");
  await problem(await fetch(`${base}/api/v1/commitments/${"0".repeat(64)}`), 404, "commitment_not_found");
  const bad = await problem(await fetch(`${base}/api/v1/subjects/91140105123456788E/commitments`), 400, "invalid_credit_code");
  assert.match(bad.detail_zh, /校验码/);
  const templates = await (await fetch(`${base}/api/v1/templates`)).json();
  assert.ok(templates.length >= 12);
  const tax = await (await fetch(`${base}/api/v1/templates/tax-service`)).json();
  assert.equal(tax.text_sha256, xinnuo.getTemplate("tax-service").text_sha256, "server and package share one core");
  await problem(await fetch(`${base}/api/v1/templates/nope`), 404, "unknown_template");
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  assert.equal(keys.filter((k) => k.current).length, 1);
  assert.equal(keys[0].jwk.crv, "Ed25519");
});
