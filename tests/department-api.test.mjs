// The rest of the department side against a real server: officers' roles, key approval as an officer's
// signed decision, objections (signed by an approved key, decided by the record's authority), the department
// a commitment is made to, the inboxes and the deadlines. Keys are made here with Node's own Ed25519.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { base, problem, postJson } from "./support/http.mjs";
import { signFlattenedJws, verifyFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode, commitmentPayload, inForce } from "./support/fixtures.mjs";
import { newOfficer, serverCli, importEligibleSubject, chinaDay } from "./support/server.mjs";
import { checkLogged } from "./support/tlog.mjs";

const MARKET = "山西省市场监督管理局";

async function officer(department, roles) {
  const made = await newOfficer(department, "赵六", roles);
  return { ...made, kid: thumbprint(made.jwk) };
}

/** A decision; accepting says how the signer was identified (these commitments' keys are not approved). */
function decision(action, target, reason = "") {
  const identity = action === "accept" ? { identity_checked: "counter" } : {};
  return { type: "xinnuo.decision/1", action, target, reason, decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url"), ...identity };
}

const decide = (who, action, target, reason) => postJson("/api/v1/decisions", signFlattenedJws(decision(action, target, reason), who.privateKey));

async function signIn(who) {
  const { challenge } = await (await postJson("/api/v1/officer-sessions/challenge", "")).json();
  const body = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge, signed_at: new Date().toISOString() }, who.privateKey);
  return (await (await postJson("/api/v1/officer-sessions", body)).json()).token;
}

const inbox = async (token, name, query = "") =>
  fetch(`${base}/api/v1/dept/${name}?${query}`, { headers: { authorization: `Bearer ${token}` } });

/** An enterprise key made here, enrolled for `code`; returns the key and the enrolment's id. */
async function enrolledKey(code, name) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  const request = signFlattenedJws({ type: "xinnuo.key-enrolment/1", credit_code: code, subject_name: name, requested_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }, privateKey);
  assert.equal((await postJson("/api/v1/keys", request)).status, 201);
  return { privateKey, kid: thumbprint({ kty, crv, x }), requestId: verifyFlattenedJws(request).submissionId };
}

function objection(code, recordId, grounds = "该处罚决定已被行政复议决定撤销，附复议决定书。") {
  return { type: "xinnuo.objection/1", credit_code: code, record_id: recordId, grounds, signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
}

test("roles: an officer decides only what the operator allowed; key approval is a keys officer's signed decision", async () => {
  assert.throws(() => serverCli("officers", "--db", process.env.XINNUO_DB, "add", "--department", MARKET, "--name", "甲", "--public-jwk", "/dev/null", "--roles", "review,admin"), /--roles/);
  const reviewer = await officer("国家税务总局山西省税务局", "review");
  assert.match(reviewer.out, /受理\(review\)\s+在用 active/);
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const { submission_id: id } = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: randomCreditCode() } }))).json();
  key.free();
  assert.equal((await decide(reviewer, "accept", id)).status, 201);
  const refused = await problem(await decide(reviewer, "broken", id, "未履约"), 403, "role_missing");
  assert.match(refused.detail_zh, /认定与决定/);

  const code = randomCreditCode();
  const enterprise = await enrolledKey(code, "晋示例密钥核验有限公司");
  const plain = await officer(MARKET);
  await problem(await decide(plain, "key_approved", enterprise.requestId), 403, "role_missing");
  await problem(await inbox(await signIn(plain), "key-enrolments"), 403, "role_missing");
  // The same key enrolled for another company too: the key officer sees it beside the request (issue 33).
  const otherCode = randomCreditCode();
  const second = signFlattenedJws({ type: "xinnuo.key-enrolment/1", credit_code: otherCode, subject_name: "晋示例另一单位有限公司",
    requested_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }, enterprise.privateKey);
  assert.equal((await postJson("/api/v1/keys", second)).status, 201);
  const checker = await officer(MARKET, "keys");
  const pending = await (await inbox(await signIn(checker), "key-enrolments", `state=pending&q=${code}`)).json();
  assert.deepEqual(pending.enrolments.map((e) => [e.kid, e.request_id, e.status]), [[enterprise.kid, enterprise.requestId, "pending"]]);
  assert.deepEqual(pending.enrolments[0].same_key_elsewhere, [{ credit_code: otherCode, subject_name: "晋示例另一单位有限公司", status: "pending" }]);
  await problem(await decide(checker, "key_approved", "cd".repeat(32)), 422, "unknown_target");
  const approved = await decide(checker, "key_approved", enterprise.requestId);
  assert.equal(approved.status, 201);
  assert.equal((await approved.json()).state, "approved");
  const enrolment = await (await fetch(`${base}/api/v1/keys/${enterprise.kid}?credit_code=${code}`)).json();
  assert.equal(enrolment.enrolments[0].status, "approved");
  assert.match(serverCli("keys", "--db", process.env.XINNUO_DB, "log"), new RegExp(`officer:赵六（${MARKET}）\\s+approve`));
  await problem(await decide(checker, "key_revoked", enterprise.requestId), 422, "reason_required");
  assert.equal((await (await decide(checker, "key_revoked", enterprise.requestId, "营业执照已注销")).json()).state, "revoked");
  await problem(await decide(checker, "key_approved", enterprise.requestId), 409, "transition_not_allowed");
});

test("an objection marks its record 异议处理中 until the record's authority decides; upheld, the record leaves the credit record", async () => {
  const code = randomCreditCode();
  const authority = `太原市示例异议局${randomBytes(2).toString("hex")}（测试）`;
  const record = await importEligibleSubject({ code, name: "晋示例异议有限公司", authority, decisionNo: "晋测试罚〔2026〕21号" });
  const before = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(before.summary.tier, "attention");
  const enterprise = await enrolledKey(code, "晋示例异议有限公司");
  const send = (payload, who = enterprise) => postJson("/api/v1/objections", signFlattenedJws(payload, who.privateKey));

  // Only a key a department approved for the code may object (else anyone could mark any record).
  const digest = () => execFileSync(process.env.XINNUO_SERVER_BIN, ["digest", "--db", process.env.XINNUO_DB], { encoding: "utf8" });
  const untouched = digest();
  await problem(await send(objection(code, record.id)), 403, "key_not_approved");
  await problem(await send(objection(code, record.id), { privateKey: generateKeyPairSync("ed25519").privateKey }), 403, "key_not_approved");
  await problem(await send(objection(code, record.id, "不对")), 422, "bad_grounds");
  await problem(await send({ ...objection(code, record.id), extra: 1 }), 422, "not_an_objection");
  assert.equal(digest(), untouched, "refused objections store nothing");
  const checker = await officer(MARKET, "keys");
  assert.equal((await decide(checker, "key_approved", enterprise.requestId)).status, 201);
  await problem(await send(objection(code, "no-such-record")), 422, "record_not_found");

  const sent = objection(code, record.id);
  const created = await send(sent);
  assert.equal(created.status, 201);
  const body = await created.json();
  assert.deepEqual([body.state, body.authority, body.record_id], ["under_review", authority, record.id]);
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  // Its receipt: the objection's entry in the public log with the proof (checked with Node's crypto); what it
  // is about, never the grounds.
  const { event } = checkLogged(body.receipt, keys.find((k) => k.current).log_key);
  assert.deepEqual([event.event, event.objection_id, event.record_id, event.credit_code], ["objection_received", body.objection_id, record.id, code]);
  assert.ok(!body.receipt.entry.includes(sent.grounds), "the grounds are not in the public entry");
  // 36号 第十八条: forwarded within 1 working day, checked within 7 of acceptance — counted as 1 + 7 from filing
  // (no acceptance step); the article was read only as quoted, so the limit is unconfirmed.
  assert.equal(body.deadline.working_days, 8, "36号 第十八条");
  assert.deepEqual(body.deadline.stages.map((s) => [s.code, s.working_days]), [["forward", 1], ["check", 7]]);
  assert.equal(body.deadline.unconfirmed, true, "36号 第十八条 was read only as quoted");
  assert.equal((await send(sent)).status, 200, "the same objection again");
  await problem(await send(objection(code, record.id, "另一份异议：处罚所依据的事实有误，附证明材料。")), 409, "objection_pending");

  const shown = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.deepEqual(shown.objections.map((o) => [o.objection_id, o.state, o.state_label_zh]), [[body.objection_id, "under_review", "异议处理中"]]);
  assert.ok(!JSON.stringify(shown).includes("复议决定书"), "the grounds are not published");

  // The record's authority decides; another department may not.
  await problem(await decide(await officer(MARKET), "objection_upheld", body.objection_id, "核实"), 403, "other_department");
  const deciding = await officer(authority);
  const token = await signIn(deciding);
  const listed = await (await inbox(token, "objections", "state=under_review")).json();
  assert.deepEqual(listed.objections.map((o) => [o.objection_id, o.grounds, o.record.decision_no]), [[body.objection_id, sent.grounds, record.decision_no]]);
  await problem(await decide(deciding, "objection_rejected", body.objection_id), 422, "reason_required");
  const upheld = await decide(deciding, "objection_upheld", body.objection_id, "经核实，处罚决定已被撤销");
  assert.equal(upheld.status, 201);
  assert.equal((await upheld.json()).state, "upheld");
  await problem(await decide(deciding, "objection_rejected", body.objection_id, "重复"), 409, "transition_not_allowed");

  const after = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.deepEqual(after.profile.records, [], "the wrong record is no longer on the credit record");
  assert.notEqual(after.summary.tier, "attention", "the tier is recomputed");
  assert.deepEqual(after.objections.map((o) => [o.state, o.reason]), [["upheld", "经核实，处罚决定已被撤销"]]);
  // The register imported again, the wrong record in it: the decision still holds.
  await importEligibleSubject({ code, name: "晋示例异议有限公司", authority, decisionNo: "晋测试罚〔2026〕21号" });
  const reimported = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.deepEqual(reimported.profile.records, [], "an upheld objection outlives a new import of the record");
  const history = (await (await inbox(token, "objections", "state=upheld")).json()).objections[0].decisions;
  assert.deepEqual(history.map((d) => [d.action, d.state]), [["objection_upheld", "upheld"]]);
});

test("a rejected objection keeps the record and says why", async () => {
  const code = randomCreditCode();
  const authority = `太原市示例驳回局${randomBytes(2).toString("hex")}（测试）`;
  const record = await importEligibleSubject({ code, name: "晋示例驳回有限公司", authority, decisionNo: "晋测试罚〔2026〕22号" });
  const enterprise = await enrolledKey(code, "晋示例驳回有限公司");
  await decide(await officer(MARKET, "keys"), "key_approved", enterprise.requestId);
  const body = await (await postJson("/api/v1/objections", signFlattenedJws(objection(code, record.id), enterprise.privateKey))).json();
  const rejected = await decide(await officer(authority), "objection_rejected", body.objection_id, "复议维持原处罚决定");
  assert.equal((await rejected.json()).state, "rejected");
  const after = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(after.profile.records.length, 1);
  assert.deepEqual(after.objections.map((o) => [o.state, o.state_label_zh, o.reason]), [["rejected", "异议不成立", "复议维持原处罚决定"]]);
});

test("a commitment goes to the department the enterprise chose and signed; only that department decides it", async () => {
  // Chosen: the NEA's Shanxi office, a department of every version in force (晋政办发〔2020〕10号 第2项); from
  // 2026-12-08 (electricity@1.4.0) the grid company is no department at all, only the supplier in the text.
  const NEA_OFFICE = "国家能源局山西监管办公室";
  assert.ok(inForce("electricity").departments.some((d) => d.zh === NEA_OFFICE), "the electricity template names the NEA office");
  assert.ok(xinnuo.getTemplate("electricity", "1.4.0").departments.every((d) => !d.zh.includes("公司")), "no company decides");
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const values = { subject_name: "晋示例用电有限公司", credit_code: randomCreditCode(), legal_rep: "张三", phone: "0351-1234567",
    matter: "用电报装", filer: "self", confirm_read: true, confirm_publish: true };
  assert.throws(() => key.signCommitment({ template_id: "electricity", values }), /填写有误/);
  const issues = (department) => xinnuo.validateCommitment({ template_id: "electricity", values, department }).filter((i) => i.field === "department");
  assert.deepEqual(issues(undefined).map((i) => i.code), ["required"]);
  assert.deepEqual(issues("山西省财政厅").map((i) => i.code), ["not_an_option"]);
  assert.deepEqual(issues(NEA_OFFICE), []);
  const signed = key.signCommitment({ template_id: "electricity", values, department: NEA_OFFICE });
  key.free();
  assert.equal(verifyFlattenedJws(JSON.stringify(JSON.parse(signed))).payload.department, NEA_OFFICE);
  const stored = await (await postJson("/api/v1/commitments", signed)).json();
  const published = await (await fetch(`${base}/api/v1/commitments/${stored.submission_id}`)).json();
  assert.equal(published.department, NEA_OFFICE);
  assert.equal(published.department_name, NEA_OFFICE);
  // The review deadline: five working days (行政许可法), shown to both sides.
  assert.equal(published.deadline.step, "commitment_review");
  assert.equal(published.deadline.working_days, 5);
  assert.match(published.deadline.source, /行政许可法/);
  assert.ok(published.deadline.due_on > chinaDay(0));

  const energy = await officer("山西省能源局");
  const other = await problem(await decide(energy, "accept", stored.submission_id), 403, "other_department");
  assert.match(other.detail_zh, new RegExp(NEA_OFFICE));
  const office = await officer(NEA_OFFICE);
  assert.equal((await decide(office, "accept", stored.submission_id)).status, 201);
  const list = async (department) => (await fetch(`${base}/api/v1/publications?${new URLSearchParams({ department, q: values.credit_code })}`)).json();
  assert.equal((await list(NEA_OFFICE)).total, 1);
  assert.equal((await list("山西省能源局")).total, 0);
  const energyInbox = await (await inbox(await signIn(energy), "commitments", `state=&q=${values.credit_code}`)).json();
  assert.equal(energyInbox.total, 0, "the department not chosen does not see it");
});

test("an officer registered under a template's English name is that department's: its inbox, offers and decisions agree", async () => {
  const english = await officer("Shanxi Provincial Tax Service, State Taxation Administration");
  assert.match(english.out, /国家税务总局山西省税务局/, "registered under the department's Chinese name");
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const code = randomCreditCode();
  const { submission_id: id } = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: code } }))).json();
  key.free();
  const mine = await (await inbox(await signIn(english), "commitments", `state=submitted&q=${code}`)).json();
  assert.equal(mine.department, "国家税务总局山西省税务局");
  assert.deepEqual(mine.commitments.map((c) => c.submission_id), [id]);
  assert.ok(mine.commitments[0].offers.some((o) => o.action === "accept"), "offered what it may decide");
  assert.equal((await decide(english, "accept", id)).status, 201);
  // A department no template and no record of the register names is refused, with the known ones.
  await assert.rejects(officer("不存在的部门（测试）"), /--other-department/);
});

test("inboxes refuse unknown states and anyone without a session", async () => {
  for (const name of ["commitments", "repair-applications", "objections", "key-enrolments"]) {
    await problem(await fetch(`${base}/api/v1/dept/${name}`), 401, "unauthorized");
  }
  const token = await signIn(await officer(MARKET, "review,decide,keys"));
  await problem(await inbox(token, "objections", "state=pending"), 400, "bad_query");
  await problem(await inbox(token, "repair-applications", "state=in_force"), 400, "bad_query");
  assert.equal((await inbox(token, "repair-applications", "state=received")).status, 200);
});

test("the enterprise withdraws its own commitment with the key that signed it; nobody else can, and a finding stands", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const send = async () => (await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, credit_code: randomCreditCode() } }))).json()).submission_id;
  const first = await send();
  const kept = await send();
  key.free();
  // A withdrawal is signed with the commitment's own key: here a Node key signs both.
  const { privateKey } = generateKeyPairSync("ed25519");
  const own = await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: randomCreditCode() }), privateKey));
  const id = (await own.json()).submission_id;
  const stranger = generateKeyPairSync("ed25519").privateKey;
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", id, "重复提交"), stranger)), 403, "not_the_signer");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", "ab".repeat(32)), privateKey)), 422, "unknown_target");
  const withdrawn = await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", id, "重复提交"), privateKey));
  assert.equal(withdrawn.status, 201);
  const body = await withdrawn.json();
  assert.deepEqual([body.state, body.state_label_zh, body.department], ["withdrawn", "已撤回", "国家税务总局山西省税务局"]);
  const published = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.equal(published.status_label_zh, "已撤回");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", id), privateKey)), 409, "transition_not_allowed");
  const tax = await officer("国家税务总局山西省税务局");
  await problem(await decide(tax, "accept", id), 409, "transition_not_allowed");
  // An officer's key cannot withdraw an enterprise's commitment.
  await problem(await decide(tax, "withdraw", first), 403, "not_the_signer");
  // Once found kept, it stays kept.
  await decide(tax, "accept", kept);
  await decide(tax, "kept", kept, "按期履约");
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${kept}`)).json()).state, "kept");

  // Every decision has a page of its own: the signed document and the receipt.
  const one = await fetch(`${base}/api/v1/decisions/${body.decision_id}`);
  assert.equal(one.status, 200);
  const fetched = await one.json();
  assert.deepEqual([fetched.decision_id, fetched.action, fetched.target], [body.decision_id, "withdraw", id]);
  assert.equal(verifyFlattenedJws(fetched.envelope).payload.action, "withdraw");
  await problem(await fetch(`${base}/api/v1/decisions/${"ab".repeat(32)}`), 404, "decision_not_found");
  await problem(await fetch(`${base}/api/v1/decisions/..%2Fetc`), 400, "bad_submission_id");
});

test("a person's commitment: no credit code, never in the public list, read in full and decided by its department", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const name = `王${randomBytes(3).toString("hex")}`;
  const values = { person_name: name, person_id: "11010519491231002X", phone: "13800138000", authority: "太原市小店区民政局",
    certificate: "无犯罪记录证明", basis: "《社会组织登记管理条例》第十三条", proof_content: "申请人无故意犯罪记录",
    matter: "申请担任社会组织负责人", filer: "self", confirm_read_person: true, confirm_record_person: true };
  const person = xinnuo.listTemplates().find((t) => t.id === "certification-notice-person");
  assert.equal(person.signer, "person");
  assert.equal(person.signer_label.zh, "个人");
  const signed = key.signCommitment({ template_id: "certification-notice-person", values, department: "山西省司法厅" });
  key.free();
  const independent = verifyFlattenedJws(signed);
  assert.equal(independent.payload.credit_code, null);
  for (const secret of [name, "11010519491231002X", "13800138000"]) {
    assert.ok(!independent.payloadBytes.toString().includes(secret), `${secret} is only a digest in the signed payload`);
  }
  const created = await postJson("/api/v1/commitments", signed);
  assert.equal(created.status, 201);
  const receipt = await created.json();
  assert.equal(receipt.key_status, "no_credit_code");
  assert.match(receipt.key_status_label_zh, /受理部门核验/);
  const id = receipt.submission_id;
  // Its holder can show it by id: masked, nothing personal in clear.
  const shownText = await (await fetch(`${base}/api/v1/commitments/${id}`)).text();
  const shown = JSON.parse(shownText);
  assert.equal(shown.subject_name, "王******");
  for (const secret of [name, "11010519491231002X", "13800138000"]) assert.ok(!shownText.includes(secret), secret);
  // Not in the commitments column, by department or by search.
  const listed = await (await fetch(`${base}/api/v1/publications?${new URLSearchParams({ department: "山西省司法厅", per_page: "100" })}`)).json();
  assert.ok(!listed.publications.some((p) => p.submission_id === id));
  assert.equal((await (await fetch(`${base}/api/v1/publications?q=${encodeURIComponent("王***")}`)).json()).total, 0);
  // The department it was made to reads the name and number, and decides.
  const justice = await officer("山西省司法厅");
  const token = await signIn(justice);
  const items = (await (await inbox(token, "commitments", "state=submitted&per_page=100")).json()).commitments;
  const item = items.find((c) => c.submission_id === id);
  assert.ok(item, "in the department's inbox");
  assert.deepEqual(Object.values(verifyFlattenedJws(JSON.stringify(item.signed_file)).disclosed).sort(), ["11010519491231002X", "13800138000", name].sort());
  const other = await officer("山西省市场监督管理局");
  const otherItems = (await (await inbox(await signIn(other), "commitments", "state=submitted&per_page=100")).json()).commitments;
  assert.ok(!otherItems.some((c) => c.submission_id === id), "no other department sees it");
  assert.equal((await decide(justice, "accept", id)).status, 201);
  const broken = await decide(justice, "broken", id, "核查发现承诺不实");
  assert.equal(broken.status, 201);
  // No subject in the register without a credit code: the decision is the department's record.
  const subjects = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("王*")}`)).json();
  assert.equal(subjects.total, 0);
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${id}`)).json()).state, "broken");
});
