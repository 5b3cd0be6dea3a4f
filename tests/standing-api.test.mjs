// What a signature may cause, tried as an attacker would against a real server: each test is one attack of
// the signer-standing issue (forged filings, stranger repairs, lockouts, leaks), and each failed on the code
// before the defence. Keys are made here (the package, or Node's own Ed25519); officers on the command line.
import { test } from "node:test";
import assert from "node:assert/strict";
import http from "node:http";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { base, problem, postJson } from "./support/http.mjs";
import { signFlattenedJws, verifyFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode, commitmentPayload, inForce } from "./support/fixtures.mjs";
import { newOfficer, serverCli, importEligibleSubject, approvePackageKey, approvedNodeKey } from "./support/server.mjs";

const TAX = "国家税务总局山西省税务局";
const MARKET = "山西省市场监督管理局";

async function officer(department, roles) {
  const made = await newOfficer(department, "赵六", roles);
  return { ...made, kid: thumbprint(made.jwk) };
}

function decision(action, target, { reason = "", decidedAt = new Date().toISOString(), identity } = {}) {
  const payload = { type: "xinnuo.decision/1", action, target, reason, decided_at: decidedAt, nonce: randomBytes(16).toString("base64url") };
  if (identity) payload.identity_checked = identity;
  return payload;
}

const decide = (who, action, target, options) => postJson("/api/v1/decisions", signFlattenedJws(decision(action, target, options), who.privateKey));
const newKey = () => xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
const subject = async (code) => fetch(`${base}/api/v1/subjects/${code}`);
const column = async (query) => (await fetch(`${base}/api/v1/publications?${new URLSearchParams(query)}`)).json();

/** A company of the register (imported), with one repairable record decided by `authority`. */
async function registered(authority = `太原市示例认定局${randomBytes(2).toString("hex")}（测试）`) {
  const code = randomCreditCode();
  const name = `晋示例真实${randomBytes(2).toString("hex")}有限公司`;
  const record = await importEligibleSubject({ code, name, authority, decisionNo: "晋测试罚〔2026〕28号" });
  return { code, name, record, authority };
}

function taxCommitment(key, code, name) {
  return key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: code, subject_name: name } });
}

test("attack 1: a stranger's signature gives a real company no record — accepting it needs an identity check, and no subject is made from a signature", async () => {
  const company = await registered();
  const forger = newKey();
  const filed = await (await postJson("/api/v1/commitments", taxCommitment(forger, company.code, company.name))).json();
  assert.equal(filed.key_status, "unenrolled");
  const tax = await officer(TAX);
  const refused = await problem(await decide(tax, "accept", filed.submission_id), 409, "signer_not_verified");
  assert.match(refused.detail_zh, /核验签署人身份/);
  // Nothing to find broken: it was never accepted.
  await problem(await decide(tax, "broken", filed.submission_id, { reason: "未履约" }), 409, "transition_not_allowed");
  assert.deepEqual((await (await subject(company.code)).json()).profile.records.map((r) => r.kind), ["administrative_penalty"]);

  // Identified at the counter: accepted, and the decision says how, publicly.
  const accepted = await decide(tax, "accept", filed.submission_id, { identity: "counter" });
  assert.equal(accepted.status, 201);
  const shown = await (await fetch(`${base}/api/v1/commitments/${filed.submission_id}`)).json();
  assert.equal(shown.decisions[0].identity_checked, "counter");
  assert.match(shown.decisions[0].identity_checked_label_zh, /窗口当面核验/);
  assert.equal(verifyFlattenedJws(shown.decisions[0].envelope).payload.identity_checked, "counter", "signed by the officer");
  assert.match(shown.signer_label_zh, /受理部门已核验签署人身份/);
  await problem(await decide(tax, "kept", filed.submission_id, { identity: "counter" }), 422, "identity_only_on_accept");
  assert.equal((await decide(tax, "broken", filed.submission_id, { reason: "未按期报送" })).status, 201, "an identified signer's breach is a record");
  const kinds = (await (await subject(company.code)).json()).profile.records.map((r) => r.kind).sort();
  assert.deepEqual(kinds, ["administrative_penalty", "broken_commitment"]);

  // A code the register does not hold: a signature never creates a subject, even with an approved key.
  const unknown = randomCreditCode();
  const holder = newKey();
  await approvePackageKey(holder, unknown, "晋示例名录外有限公司", xinnuo.fingerprintGroups);
  const outside = await (await postJson("/api/v1/commitments", taxCommitment(holder, unknown, "晋示例名录外有限公司"))).json();
  assert.equal(outside.key_status, "verified");
  assert.equal((await decide(tax, "accept", outside.submission_id)).status, 201);
  assert.equal((await decide(tax, "broken", outside.submission_id, { reason: "未履约" })).status, 201);
  await problem(await subject(unknown), 404, "subject_not_found");
  forger.free();
  holder.free();
});

test("attack 2: the 信用承诺 column lists only known signers' commitments, beside the register's name", async () => {
  const company = await registered();
  const forger = newKey();
  const typed = `某某知名集团有限公司${randomBytes(2).toString("hex")}`;
  const filed = await (await postJson("/api/v1/commitments", taxCommitment(forger, company.code, typed))).json();
  assert.equal((await column({ q: company.code })).total, 0, "an unverified filing is not published");
  assert.equal((await column({ q: typed })).total, 0);
  const { commitments } = await (await fetch(`${base}/api/v1/subjects/${company.code}/commitments`)).json();
  assert.deepEqual(commitments, [], "nor on the subject's list");
  assert.equal((await decide(await officer(TAX), "accept", filed.submission_id, { identity: "e-license" })).status, 201);
  const listed = await column({ q: company.code });
  assert.equal(listed.total, 1);
  const [item] = listed.publications;
  assert.deepEqual([item.registry_name, item.subject_name, item.identity_checked], [company.name, typed, "e-license"]);
  assert.match(item.signer_label_zh, /电子营业执照/);

  // An approved key's commitment is listed at once, standing said.
  const holder = newKey();
  await approvePackageKey(holder, company.code, company.name, xinnuo.fingerprintGroups);
  const own = await (await postJson("/api/v1/commitments", taxCommitment(holder, company.code, company.name))).json();
  const both = await column({ q: company.code });
  assert.equal(both.total, 2);
  const mine = both.publications.find((p) => p.submission_id === own.submission_id);
  assert.deepEqual([mine.signer_standing, mine.signer_label_zh], ["verified", "签署密钥已核验"]);
  forger.free();
  holder.free();
});

function repairApplication(key, company) {
  return key.signCommitment({ template_id: "credit-repair", values: {
    subject_name: company.name, credit_code: company.code, legal_rep: "张三", phone: "13812345678",
    decision_no: company.record.decision_no, decision_authority: company.record.authority, decision_date: company.record.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true,
  } });
}

test("attacks 3 and 4: repair applications need an approved key and never go down the commitment track", async () => {
  const company = await registered();
  const stranger = newKey();
  const refused = await problem(await postJson("/api/v1/repair-applications", repairApplication(stranger, company)), 403, "key_not_approved");
  assert.match(refused.detail_zh, /“密钥”页/, "says how to get a key approved");
  assert.deepEqual((await (await subject(company.code)).json()).repair_applications, [], "nothing shows 修复审核中");

  const holder = newKey();
  await approvePackageKey(holder, company.code, company.name, xinnuo.fingerprintGroups);
  const created = await postJson("/api/v1/repair-applications", repairApplication(holder, company));
  assert.equal(created.status, 201);
  const { submission_id: id } = await created.json();
  // One application under review per record (a second, even from the same key, waits for the decision).
  await problem(await postJson("/api/v1/repair-applications", repairApplication(holder, company)), 409, "repair_pending");
  assert.equal((await (await subject(company.code)).json()).repair_applications.length, 1);
  // A repair application is not a commitment: the commitment route refuses it.
  await problem(await postJson("/api/v1/commitments", repairApplication(stranger, company)), 422, "repair_application_elsewhere");
  const desk = await officer(company.authority);
  for (const action of ["accept", "return"]) await problem(await decide(desk, action, id, { reason: "试图", identity: action === "accept" ? "counter" : undefined }), 409, "not_a_commitment");
  await problem(await decide(desk, "broken", id, { reason: "试图" }), 409, "not_a_commitment");
  const anyone = generateKeyPairSync("ed25519").privateKey;
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", id), anyone)), 409, "not_a_commitment");
  assert.equal((await column({ q: company.code })).total, 0, "an application is not in the 信用承诺 column");
  assert.deepEqual((await (await subject(company.code)).json()).profile.records.map((r) => r.kind), ["administrative_penalty"]);
  assert.equal((await decide(desk, "repair_granted", id, { reason: "符合修复条件" })).status, 201);
  stranger.free();
  holder.free();
});

test("attack 5: a flood of sign-in challenges locks no officer out; a stranger's wrong admin tokens lock out only the stranger", async () => {
  for (let i = 0; i < 1100; i += 100) {
    const answers = await Promise.all(Array.from({ length: 100 }, () => postJson("/api/v1/officer-sessions/challenge", "")));
    assert.deepEqual([...new Set(answers.map((a) => a.status))], [201]);
  }
  const tax = await officer(TAX);
  const { challenge } = await (await postJson("/api/v1/officer-sessions/challenge", "")).json();
  const signIn = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge, signed_at: new Date().toISOString() }, tax.privateKey);
  assert.equal((await postJson("/api/v1/officer-sessions", signIn)).status, 201);
  await problem(await postJson("/api/v1/officer-sessions", signIn), 401, "unauthorized");
  const forged = Buffer.from(challenge, "base64url");
  forged[9] ^= 1;
  const other = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge: forged.toString("base64url"), signed_at: new Date().toISOString() }, tax.privateKey);
  await problem(await postJson("/api/v1/officer-sessions", other), 401, "unauthorized");

  // The stranger guesses from 127.0.0.2; the operator works from 127.0.0.1.
  const port = new URL(base).port;
  const adminGet = (token, localAddress) => new Promise((resolve, reject) => {
    const request = http.request({ host: "127.0.0.1", port, path: "/api/v1/admin/actions", localAddress, headers: { authorization: `Bearer ${token}` } }, (response) => {
      response.resume();
      response.on("end", () => resolve(response.statusCode));
    });
    request.on("error", reject);
    request.end();
  });
  for (let i = 0; i < 31; i++) await adminGet(`wrong-token-${i}`.padEnd(40, "x"), "127.0.0.2");
  assert.equal(await adminGet(process.env.XINNUO_ADMIN_TOKEN, "127.0.0.2"), 429, "the guesser is locked");
  assert.equal(await adminGet(process.env.XINNUO_ADMIN_TOKEN, "127.0.0.1"), 200, "the operator is not");
});

test("attack 6: a revoked key withdraws nothing, and a breach outlives the revocation", async () => {
  const company = await registered();
  const key = await approvedNodeKey(company.code, company.name, xinnuo.fingerprintGroups);
  const payload = commitmentPayload({ ...TAX_VALUES, credit_code: company.code, subject_name: company.name });
  const filed = await (await postJson("/api/v1/commitments", signFlattenedJws(payload, key.privateKey))).json();
  assert.equal(filed.key_status, "verified");
  assert.equal((await decide(await officer(TAX), "accept", filed.submission_id)).status, 201);
  serverCli("keys", "--db", process.env.XINNUO_DB, "revoke", ...xinnuo.fingerprintGroups(key.kid).split(" "), "--credit-code", company.code, "--reason", "密钥被盗");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", filed.submission_id), key.privateKey)), 403, "key_revoked");
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${filed.submission_id}`)).json()).state, "in_force");
  // Revoking the key ("lost") after acceptance does not make a breach impossible to find: acceptance fixed
  // who signed (the approved key's enrolment).
  const broken = await decide(await officer(TAX), "broken", filed.submission_id, { reason: "未按期履约" });
  assert.equal(broken.status, 201);
  assert.ok((await (await subject(company.code)).json()).profile.records.some((r) => r.kind === "broken_commitment"));

  // Once accepted, even a key in good standing withdraws nothing: the department relies on it.
  const other = await approvedNodeKey(company.code, company.name, xinnuo.fingerprintGroups);
  const second = await (await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: company.code, subject_name: company.name }), other.privateKey))).json();
  assert.equal((await decide(await officer(TAX), "accept", second.submission_id)).status, 201);
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", second.submission_id), other.privateKey)), 409, "transition_not_allowed");
});

test("attack 7: no agent's name, address or property in any public copy", async () => {
  const holder = newKey();
  const company = await registered();
  await approvePackageKey(holder, company.code, company.name, xinnuo.fingerprintGroups);
  const values = { ...TAX_VALUES, credit_code: company.code, subject_name: company.name, filer: "agent", agent_name: "欧阳经办", agent_id: "11010519491231002X", agent_phone: "13900001111", address: "太原市小店区示例路 8 号" };
  const filed = await (await postJson("/api/v1/commitments", holder.signCommitment({ template_id: "tax-service", values }))).json();
  assert.equal(filed.key_status, "verified");
  const answers = [
    await (await fetch(`${base}/api/v1/commitments/${filed.submission_id}`)).text(),
    JSON.stringify(await column({ q: company.code })),
    await (await fetch(`${base}/api/v1/subjects/${company.code}/commitments`)).text(),
  ];
  const published = JSON.parse(answers[0]);
  assert.equal(published.masked.agent_name, "欧***");
  for (const text of answers) {
    for (const secret of ["欧阳经办", "11010519491231002X", "13900001111", "示例路"]) assert.ok(!text.includes(secret), `${secret} published`);
    // Nor inside the signed payload, base64url-encoded.
    for (const match of text.matchAll(/"payload":"([A-Za-z0-9_-]+)"/g)) {
      const payload = Buffer.from(match[1], "base64url").toString("utf8");
      for (const secret of ["欧阳经办", "示例路"]) assert.ok(!payload.includes(secret), `${secret} in a public payload`);
    }
  }
  holder.free();
});

test("attack 8: a rejected objection is refiled only with new grounds, and not at once", async () => {
  const company = await registered();
  const key = await approvedNodeKey(company.code, company.name, xinnuo.fingerprintGroups);
  const objection = (grounds) => signFlattenedJws({ type: "xinnuo.objection/1", credit_code: company.code, record_id: company.record.id, grounds, signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }, key.privateKey);
  const grounds = "该处罚决定已被行政复议决定撤销，附复议决定书。";
  const first = await (await postJson("/api/v1/objections", objection(grounds))).json();
  assert.equal(first.state, "under_review");
  assert.equal((await decide(await officer(company.authority), "objection_rejected", first.objection_id, { reason: "复议决定书系伪造" })).status, 201);
  await problem(await postJson("/api/v1/objections", objection(grounds)), 409, "objection_same_grounds");
  const soon = await problem(await postJson("/api/v1/objections", objection("处罚所依据的事实有误，附证明材料。")), 409, "objection_too_soon");
  assert.match(soon.detail_zh, /15 日/);
  const history = (await (await subject(company.code)).json()).objections;
  assert.deepEqual(history.map((o) => [o.state, Boolean(o.received_at), Boolean(o.decided_at)]), [["rejected", true, true]]);
  assert.ok(!JSON.stringify(history).includes("复议决定书。"), "no grounds in public");
});

test("attack 9: a commitment to a template naming several departments must name one", async () => {
  const templates = xinnuo.listTemplates().filter((t) => (t.departments ?? []).length > 1 && t.signer !== "person" && t.kind !== "repair");
  assert.ok(templates.length > 0, "such a template exists");
  const t = inForce(templates[0].id);
  // Signed by hand without the department member (the package always writes it).
  const { privateKey } = generateKeyPairSync("ed25519");
  const values = {};
  for (const field of t.fields) values[field.id] = sampleValue(field);
  const payload = { type: "xinnuo.commitment/2", template: { id: t.id, version: t.version, text_sha256: t.text_sha256 }, credit_code: values.credit_code, values, _sd_alg: "sha-256", signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const personal = t.fields.filter((f) => ["id_number", "phone", "person_name"].includes(f.type) || f.personal).map((f) => f.id);
  const { disclose } = await import("./support/jose.mjs");
  const digests = [];
  for (const id of personal) if (values[id] !== undefined) { digests.push(disclose(id, values[id])); delete values[id]; }
  if (digests.length) values._sd = digests.sort();
  await problem(await postJson("/api/v1/commitments", signFlattenedJws(payload, privateKey)), 422, "department_required");
});

/** A value a field of this type accepts (for a template's form, filled by a person with no agent). */
function sampleValue(field) {
  switch (field.type) {
    case "credit_code": return randomCreditCode();
    case "id_number": return "11010519491231002X";
    case "phone": return "13812345678";
    case "date": return new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    case "amount": return "100.00";
    case "confirm": return true;
    case "choice": return field.options[0].value;
    case "person_name": return "王小明";
    default: return field.id === "filer" ? "self" : `示例内容${field.id}`.slice(0, Math.max(2, field.max_len ?? 20));
  }
}

test("attack 10: a decision is never dated before its target reached the server", async () => {
  const company = await registered();
  const holder = newKey();
  await approvePackageKey(holder, company.code, company.name, xinnuo.fingerprintGroups);
  const filed = await (await postJson("/api/v1/commitments", taxCommitment(holder, company.code, company.name))).json();
  const before = new Date(Date.parse(filed.received_at) - 1000).toISOString();
  const tax = await officer(TAX);
  await problem(await decide(tax, "accept", filed.submission_id, { decidedAt: before }), 422, "decided_before_received");
  const threeDaysAgo = new Date(Date.now() - 3 * 86_400_000).toISOString();
  await problem(await decide(tax, "accept", filed.submission_id, { decidedAt: threeDaysAgo }), 422, "signed_too_long_ago");
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${filed.submission_id}`)).json()).state, "submitted");
  holder.free();
});
