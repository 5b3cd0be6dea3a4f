// The department side against a real server: officers registered on the command line with keys made
// outside Xinnuo, decisions signed with them (by Node's own Ed25519), each refusal a clear problem.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { base, problem, postJson } from "./support/http.mjs";
import { signFlattenedJws, verifyFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE, randomCreditCode, commitmentPayload, inForce } from "./support/fixtures.mjs";
import { newOfficer, serverCli, importEligibleSubject, importSubject, approvedNodeKey, chinaDay } from "./support/server.mjs";
import { checkLogged } from "./support/tlog.mjs";

const TAX_DEPARTMENT = "国家税务总局山西省税务局";
const cli = (...args) => serverCli("officers", "--db", process.env.XINNUO_DB, ...args);

/** An officer: a key pair made here, its public JWK registered with `officers add`. */
async function officer(department) {
  const made = await newOfficer(department);
  return { ...made, kid: thumbprint(made.jwk) };
}

/** A decision; accepting says how the signer was identified (these commitments' keys are not approved). */
function decision(action, target, reason = "", decidedAt = new Date().toISOString()) {
  const identity = action === "accept" ? { identity_checked: "counter" } : {};
  return { type: "xinnuo.decision/1", action, target, reason, decided_at: decidedAt, nonce: randomBytes(16).toString("base64url"), ...identity };
}

async function submitCommitment(values = { ...TAX_VALUES, credit_code: randomCreditCode("140105") }) {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const answer = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values }))).json();
  key.free();
  return answer.submission_id;
}

let tax;
before(async () => { tax = await officer(TAX_DEPARTMENT); });

test("an officer's signed decisions move a commitment through its lifecycle, publicly and verifiably", async () => {
  assert.match(tax.out, new RegExp(`${TAX_DEPARTMENT}\\s+王五\\s+受理\\(review\\),认定与决定\\(decide\\)\\s+在用 active`));
  const id = await submitCommitment();
  const before = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.equal(before.state, "submitted");
  assert.equal(before.status_label_zh, "已提交");

  const accept = signFlattenedJws(decision("accept", id), tax.privateKey);
  const created = await postJson("/api/v1/decisions", accept);
  assert.equal(created.status, 201);
  const accepted = await created.json();
  assert.equal(accepted.state, "in_force");
  assert.equal(accepted.department, TAX_DEPARTMENT);
  assert.equal(accepted.decision_id, verifyFlattenedJws(accept).submissionId);
  // The receipt is the decision's entry in the server's public log, proved in a checkpoint its log key signed
  // (checked with Node's crypto): no signature of its own.
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const { event } = checkLogged(accepted.receipt, keys.find((k) => k.current).log_key);
  assert.deepEqual([event.type, event.event, event.decision_id, event.target, event.action, event.state],
    ["xinnuo.log/1", "decision", accepted.decision_id, id, "accept", "in_force"]);
  // The same decision again: the same answer, nothing new.
  const again = await postJson("/api/v1/decisions", accept);
  assert.equal(again.status, 200);
  assert.deepEqual(await again.json(), accepted);

  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), tax.privateKey)), 409, "transition_not_allowed");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("broken", id), tax.privateKey)), 422, "reason_required");
  const kept = await postJson("/api/v1/decisions", signFlattenedJws(decision("kept", id, "按期报送，核查无误"), tax.privateKey));
  assert.equal(kept.status, 201);
  const published = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.equal(published.state, "kept");
  assert.equal(published.status_label_zh, "已履诺");
  assert.deepEqual(published.decisions.map((d) => [d.action, d.state, d.action_label_zh]), [["accept", "in_force", "受理"], ["kept", "kept", "认定已履诺"]]);
  // Anyone verifies each published decision with the officer's key alone.
  for (const d of published.decisions) assert.equal(verifyFlattenedJws(d.envelope).payload.target, id);
});

test("a return needs its reason; a broken commitment is found only once it is in force", async () => {
  const id = await submitCommitment();
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("broken", id, "未按期履约"), tax.privateKey)), 409, "transition_not_allowed");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("return", id), tax.privateKey)), 422, "reason_required");
  const returned = await (await postJson("/api/v1/decisions", signFlattenedJws(decision("return", id, "请补正经办人信息"), tax.privateKey))).json();
  assert.equal(returned.state, "returned");
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${id}`)).json()).status_label_zh, "需补正");
});

test("decisions by strangers, other departments, revoked officers, on unknown targets, forged or stale are refused", async () => {
  const id = await submitCommitment();
  const before = execFileSync(process.env.XINNUO_SERVER_BIN, ["digest", "--db", process.env.XINNUO_DB], { encoding: "utf8" });
  const stranger = generateKeyPairSync("ed25519").privateKey;
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), stranger)), 403, "not_an_officer");
  const market = await officer("山西省市场监督管理局");
  const other = await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), market.privateKey)), 403, "other_department");
  assert.match(other.detail_zh, /国家税务总局山西省税务局/);
  const leaving = await officer(TAX_DEPARTMENT);
  assert.match(cli("revoke", leaving.kid), /已停用 revoked/);
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), leaving.privateKey)), 403, "not_an_officer");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", "ab".repeat(32)), tax.privateKey)), 422, "unknown_target");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", "../etc"), tax.privateKey)), 422, "bad_target");
  // Claims the tax officer's key, signed by another.
  const taxJwk = JSON.parse(Buffer.from(JSON.parse(signFlattenedJws(decision("accept", id), tax.privateKey)).protected, "base64url")).jwk;
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), stranger, taxJwk)), 422, "bad_signature");
  const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString();
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id, "", yearAgo), tax.privateKey)), 422, "signed_too_long_ago");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws({ ...decision("accept", id), remark: "x" }, tax.privateKey)), 422, "not_a_decision");
  await problem(await postJson("/api/v1/decisions", JSON.stringify({ ...JSON.parse(signFlattenedJws(decision("accept", id), tax.privateKey)), header: { note: "x" } })), 400, "unexpected_member");
  const after = execFileSync(process.env.XINNUO_SERVER_BIN, ["digest", "--db", process.env.XINNUO_DB], { encoding: "utf8" });
  const changed = Object.keys(JSON.parse(after)).filter((table) => JSON.stringify(JSON.parse(after)[table]) !== JSON.stringify(JSON.parse(before)[table]));
  assert.deepEqual(changed, ["officers"], "refusals store nothing (the officers added meanwhile aside)");
  assert.equal((await (await fetch(`${base}/api/v1/commitments/${id}`)).json()).state, "submitted");
  assert.throws(() => cli("add", "--department", "x", "--name", "王五", "--public-jwk", "/nonexistent"), /nonexistent/);
});

test("the 信用承诺 column lists published commitments by department, template, state and search, without personal data", async () => {
  const code = randomCreditCode("140105");
  const name = `晋示例公示${randomBytes(3).toString("hex")}有限公司`;
  const values = { ...TAX_VALUES, credit_code: code, subject_name: name, legal_rep_id: "11010519491231002X" };
  const id = await submitCommitment(values);
  await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), tax.privateKey));
  const list = async (query) => (await fetch(`${base}/api/v1/publications?${new URLSearchParams(query)}`)).json();
  const found = await list({ department: TAX_DEPARTMENT, q: name });
  assert.equal(found.total, 1);
  const [item] = found.publications;
  assert.deepEqual([item.submission_id, item.subject_name, item.credit_code, item.state, item.status_label_zh], [id, name, code, "in_force", "在诺"]);
  assert.equal(item.masked.legal_rep_id, "110105********002X");
  const text = JSON.stringify(found);
  for (const secret of ["11010519491231002X", TAX_VALUES.phone]) assert.ok(!text.includes(secret), `${secret} published`);
  assert.equal((await list({ q: code, state: "in_force", template: "tax-service" })).total, 1);
  assert.equal((await list({ q: code, state: "kept" })).total, 0);
  assert.equal((await list({ q: code, department: "山西省市场监督管理局" })).total, 0);
  assert.equal((await list({ q: code, template: "electricity" })).total, 0);
  const newest = await list({ department: TAX_DEPARTMENT, per_page: "1" });
  assert.equal(newest.publications.length, 1);
  assert.ok(newest.total >= 1);
  await problem(await fetch(`${base}/api/v1/publications?state=pending`), 400, "bad_query");
  await problem(await fetch(`${base}/api/v1/publications?page=4294967295&per_page=100`), 400, "bad_query");
});

test("officers sign in by signing a one-time challenge, and see their department's commitments with personal values", async () => {
  const signIn = async (who) => {
    const { challenge } = await (await postJson("/api/v1/officer-sessions/challenge", "")).json();
    const body = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge, signed_at: new Date().toISOString() }, who.privateKey);
    return { body, answer: await postJson("/api/v1/officer-sessions", body) };
  };
  const values = { ...TAX_VALUES, credit_code: randomCreditCode("140105"), legal_rep_id: "11010519491231002X" };
  const id = await submitCommitment(values);
  const { body, answer } = await signIn(tax);
  assert.equal(answer.status, 201);
  const session = await answer.json();
  assert.equal(session.officer.department, TAX_DEPARTMENT);
  assert.match(session.token, /^[A-Za-z0-9_-]{43}$/);
  // A challenge works once.
  await problem(await postJson("/api/v1/officer-sessions", body), 401, "unauthorized");
  const inbox = async (token, query = "") => fetch(`${base}/api/v1/dept/commitments?${query}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const mine = await (await inbox(session.token, `q=${values.credit_code}`)).json();
  assert.equal(mine.department, TAX_DEPARTMENT);
  assert.equal(mine.total, 1);
  assert.equal(mine.commitments[0].submission_id, id);
  // The department sees the personal values, each checked against its signed digest.
  const seen = xinnuo.verifyEnvelope(JSON.stringify(mine.commitments[0].signed_file));
  assert.equal(seen.valid, true);
  assert.equal(seen.disclosed.legal_rep_id, "11010519491231002X");
  // Nobody else does.
  await problem(await inbox(undefined), 401, "unauthorized");
  await problem(await inbox("not-a-token"), 401, "unauthorized");
  const stranger = { privateKey: generateKeyPairSync("ed25519").privateKey };
  await problem((await signIn(stranger)).answer, 401, "unauthorized");
  const market = await officer("山西省市场监督管理局");
  const marketSession = await (await signIn(market)).answer.json();
  assert.equal((await (await inbox(marketSession.token, `q=${values.credit_code}`)).json()).total, 0, "another department sees none of it");
  // A revoked officer's session ends with the revocation.
  cli("revoke", market.kid);
  await problem(await inbox(marketSession.token), 401, "unauthorized");
});

test("a commitment found broken becomes a record of the subject: its tier changes and the repair wizard sees it", async () => {
  const code = randomCreditCode("140105");
  await importSubject({ code, name: "晋示例违诺认定有限公司" });
  const id = await submitCommitment({ ...TAX_VALUES, credit_code: code, subject_name: "晋示例违诺认定有限公司" });
  const before = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.deepEqual(before.profile.records, [], "in the register, with no record before");
  await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), tax.privateKey));
  const broken = await postJson("/api/v1/decisions", signFlattenedJws(decision("broken", id, "未按承诺期限补交材料"), tax.privateKey));
  assert.equal(broken.status, 201);
  const subject = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(subject.profile.name, "晋示例违诺认定有限公司");
  const [record] = subject.profile.records;
  assert.equal(record.kind, "broken_commitment");
  assert.equal(record.authority, TAX_DEPARTMENT);
  assert.match(record.summary, /违背《纳税服务信用承诺书》：未按承诺期限补交材料/);
  assert.equal(subject.summary.tier, "attention");
  const evaluation = subject.evaluations.find((e) => e.record_id === record.id) ?? subject.evaluations[0];
  assert.equal(evaluation.class, "general");
  assert.equal(evaluation.class_guessed, true);
  // The register's next file knows nothing of the decision: the record it added stays (the review of issue 29).
  await importSubject({ code, name: "晋示例违诺认定有限公司" });
  const reimported = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.deepEqual(reimported.profile.records.map((r) => r.id), [record.id], "a new import keeps the decision's record");
});

test("the authority that decided a record grants its repair: the record's publication ends and the tier is recomputed", async () => {
  const code = randomCreditCode("140105");
  const authority = "太原市示例市场监管局（测试）";
  const record = await importEligibleSubject({ code, name: "晋测试修复决定有限公司", authority, decisionNo: "晋测试罚〔2026〕9号" });
  const before = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(before.evaluations[0].outcome, "eligible_now");
  assert.equal(before.summary.tier, "attention");

  // Signed here with a Node key (the payload as the core builds it), so the test can sign more with it; a
  // department approved it for the code (only such a key applies for repair).
  const applicant = (await approvedNodeKey(code, "晋测试修复决定有限公司", xinnuo.fingerprintGroups)).privateKey;
  const repairTemplate = inForce("credit-repair");
  const application = signFlattenedJws(commitmentPayload({
    subject_name: "晋测试修复决定有限公司", credit_code: code, legal_rep: "李四", phone: "13812345678",
    decision_no: record.decision_no, decision_authority: authority, decision_date: record.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true,
  }, { id: repairTemplate.id, version: repairTemplate.version, text_sha256: repairTemplate.text_sha256 }), applicant);
  const { submission_id: id } = await (await postJson("/api/v1/repair-applications", application)).json();

  // The enterprise sees the application under review, with the authority's deadline (36号 第十六条, read only
  // as quoted, so unconfirmed: accept in 3 working days, decide in 7 after acceptance).
  const waiting = (await (await fetch(`${base}/api/v1/subjects/${code}`)).json()).repair_applications;
  assert.deepEqual(waiting.map((a) => [a.submission_id, a.state, a.deadline.step, a.deadline.working_days, a.deadline.unconfirmed]),
    [[id, "received", "repair_decision", 10, true]]);
  assert.deepEqual(waiting[0].deadline.stages.map((s) => [s.code, s.working_days]), [["accept", 3], ["decide", 7], ["credit_china", 10]]);
  assert.equal(waiting[0].deadline.extension_working_days, 10);
  // The applicant cannot take it off the authority's desk by "withdrawing" it as a commitment.
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("withdraw", id), applicant)), 409, "not_a_commitment");
  // Only the authority that decided the record decides its repair (谁认定、谁修复).
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("repair_granted", id), tax.privateKey)), 403, "other_department");
  const deciding = await officer(authority);
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("repair_refused", id), deciding.privateKey)), 422, "reason_required");
  const granted = await postJson("/api/v1/decisions", signFlattenedJws(decision("repair_granted", id, "已履行义务，公示期满"), deciding.privateKey));
  assert.equal(granted.status, 201);
  assert.equal((await granted.json()).state, "granted");
  await problem(await postJson("/api/v1/decisions", signFlattenedJws(decision("repair_refused", id, "重复"), deciding.privateKey)), 409, "transition_not_allowed");

  const after = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(after.profile.records[0].removed_on, chinaDay(0));
  assert.equal(after.evaluations[0].outcome, "already_removed");
  assert.notEqual(after.summary.tier, "attention", "the tier is recomputed without the repaired record");
  const published = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.deepEqual(published.decisions.map((d) => [d.action, d.state, d.state_label_zh]), [["repair_granted", "granted", "已修复"]]);
  // The register's next file knows nothing of the repair: the record's publication stays ended (the review of issue 29).
  await importEligibleSubject({ code, name: "晋测试修复决定有限公司", authority, decisionNo: "晋测试罚〔2026〕9号" });
  const reimported = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(reimported.profile.records[0].removed_on, chinaDay(0), "a new import keeps the repair's end of publication");
  assert.equal(reimported.evaluations[0].outcome, "already_removed");
  // A repair application, granted or not, is never a commitment of the 信用承诺 column (its key is approved,
  // so only its kind keeps it out), under any filter.
  for (const query of [{ q: code }, { q: code, department: "作出失信认定的单位" }, { q: code, template: "credit-repair" }]) {
    const column = await (await fetch(`${base}/api/v1/publications?${new URLSearchParams(query)}`)).json();
    assert.equal(column.total, 0, JSON.stringify(query));
  }
});

test("a breach finding whose record an upheld objection removed no longer reads as 违诺 in the column (issue 33)", async () => {
  const code = randomCreditCode("140105");
  const name = "晋示例违诺撤销有限公司";
  await importSubject({ code, name });
  // Signed with a key approved for the code: the column lists it.
  const enterprise = await approvedNodeKey(code, name, xinnuo.fingerprintGroups);
  const made = await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code, subject_name: name }), enterprise.privateKey));
  assert.equal(made.status, 201);
  const { submission_id: id } = await made.json();
  assert.equal((await postJson("/api/v1/decisions", signFlattenedJws(decision("accept", id), tax.privateKey))).status, 201);
  assert.equal((await postJson("/api/v1/decisions", signFlattenedJws(decision("broken", id, "未按承诺期限补交材料"), tax.privateKey))).status, 201);
  const column = async () => (await (await fetch(`${base}/api/v1/publications?q=${code}`)).json()).publications;
  const [standing] = await column();
  assert.deepEqual([standing.submission_id, standing.state, standing.status_label_zh, standing.finding_overturned_by], [id, "broken", "违诺", undefined]);

  // The enterprise objects to the record the finding added; the tax bureau upholds the objection.
  const [record] = (await (await fetch(`${base}/api/v1/subjects/${code}`)).json()).profile.records;
  assert.equal(record.kind, "broken_commitment");
  const objection = { type: "xinnuo.objection/1", credit_code: code, record_id: record.id, grounds: "材料已于承诺期限内补交，附提交回执。",
    signed_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const objected = await postJson("/api/v1/objections", signFlattenedJws(objection, enterprise.privateKey));
  assert.equal(objected.status, 201, await objected.clone().text());
  const { objection_id: objectionId } = await objected.json();
  const upheld = await postJson("/api/v1/decisions", signFlattenedJws(decision("objection_upheld", objectionId, "核实材料已按期补交"), tax.privateKey));
  assert.equal(upheld.status, 201);
  const { decision_id: upheldId } = await upheld.json();

  // The finding was made (its state and signed decision stay public), but it no longer stands, and says why.
  const [overturned] = await column();
  assert.deepEqual([overturned.state, overturned.status_label_zh, overturned.status_label_en, overturned.finding_overturned_by],
    ["broken", "违诺认定已撤销", "breach finding withdrawn", upheldId]);
  const one = await (await fetch(`${base}/api/v1/commitments/${id}`)).json();
  assert.equal(one.finding_overturned_by, upheldId);
  assert.deepEqual(one.decisions.map((d) => d.action), ["accept", "broken"]);
});
