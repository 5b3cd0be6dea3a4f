// Subjects, repair applications, deadlines and imports against a real server seeded with demo data.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { base, problem, postJson } from "./support/http.mjs";
import { xinnuo, PASSPHRASE, randomCreditCode } from "./support/fixtures.mjs";
import { importEligibleSubject, approvePackageKey } from "./support/server.mjs";

async function findSubject(q) {
  const list = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent(q)}`)).json();
  assert.ok(list.subjects.length >= 1, q);
  return (await fetch(`${base}/api/v1/subjects/${list.subjects[0].credit_code}`)).json();
}

function repairCommitment(key, view, record) {
  return key.signCommitment({ template_id: "credit-repair", values: {
    subject_name: view.profile.name, credit_code: view.profile.credit_code, legal_rep: "李四", phone: "13812345678",
    decision_no: record.decision_no, decision_authority: record.authority, decision_date: record.decided_on,
    filer: "self", confirm_read: true, confirm_publish: true,
  } });
}

test("demo subjects: search, paging, every one marked 示例", async () => {
  const all = await (await fetch(`${base}/api/v1/subjects?per_page=10&page=2`)).json();
  assert.ok(all.total >= 30, `${all.total}`);
  assert.equal(all.subjects.length, 10);
  assert.equal(all.page, 2);
  // Other tests import subjects of their own (demo: false); the demo set is every subject marked demo.
  const everyone = [];
  for (let page = 1; everyone.length < all.total; page++) {
    everyone.push(...(await (await fetch(`${base}/api/v1/subjects?per_page=100&page=${page}`)).json()).subjects);
  }
  const demoSet = everyone.filter((s) => s.demo);
  assert.ok(demoSet.length >= 30, `${demoSet.length}`);
  assert.ok(demoSet.every((s) => s.name.includes("示例") && s.tier));
  const byCode = await (await fetch(`${base}/api/v1/subjects?q=${all.subjects[0].credit_code.slice(0, 12)}`)).json();
  assert.ok(byCode.subjects.some((s) => s.credit_code === all.subjects[0].credit_code));
});

test("a subject's profile: tier with its label, each record's evaluation from the core, any date", async () => {
  const view = await findSubject("可修复餐饮");
  assert.equal(view.summary.tier, "attention");
  assert.equal(view.summary.label.zh, "本工具汇总，非官方评级");
  const evaluation = view.evaluations[0];
  assert.equal(evaluation.outcome, "eligible_now");
  assert.equal(evaluation.regime.id, "36");
  assert.deepEqual(evaluation, xinnuo.evaluateRepair(view.profile.records[0], view.on, view.profile.records), "server and package agree");
  const earlier = await (await fetch(`${base}/api/v1/subjects/${view.profile.credit_code}?on=${view.profile.records[0].obligations_met_on}`)).json();
  assert.equal(earlier.evaluations[0].outcome, "not_yet");
  await problem(await fetch(`${base}/api/v1/subjects/${view.profile.credit_code}?on=2026-13-01`), 400, "bad_date");
  const unknown = randomCreditCode();
  assert.equal(xinnuo.validateCode(unknown).valid, true, unknown);
  await problem(await fetch(`${base}/api/v1/subjects/${unknown}`), 404, "subject_not_found");
  await problem(await fetch(`${base}/api/v1/subjects/91140105123456788E`), 400, "invalid_credit_code");
});

test("deadlines for 双公示 in working days; an unpublished year is an error", async () => {
  const deadline = await (await fetch(`${base}/api/v1/deadlines?decided_on=2026-02-13&working_days=7`)).json();
  assert.equal(deadline.deadline, "2026-03-02");
  await problem(await fetch(`${base}/api/v1/deadlines?decided_on=2026-12-28`), 422, "calendar_unavailable");
  await problem(await fetch(`${base}/api/v1/deadlines`), 400, "missing_parameter");
});

/** A subject of its own (imported), like the demo's 可修复餐饮: a general penalty, minimum period over, paid. */
async function eligibleSubject() {
  const code = randomCreditCode("140110");
  await importEligibleSubject({ code, name: "晋测试可修复有限公司", authority: "太原市测试局", decisionNo: "晋测试罚〔2026〕6号" });
  return (await fetch(`${base}/api/v1/subjects/${code}`)).json();
}

test("a signed repair application: accepted when eligible (201, receipt; replay 200), refused with reasons when not", async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  // A subject of this test's own: an application changes what the subject's page offers.
  const eligible = await eligibleSubject();
  // Only a key approved for the code applies for its repair; a stranger's is refused, and nothing shows.
  await problem(await postJson("/api/v1/repair-applications", repairCommitment(key, eligible, eligible.profile.records[0])), 403, "key_not_approved");
  assert.deepEqual((await (await fetch(`${base}/api/v1/subjects/${eligible.profile.credit_code}`)).json()).repair_applications, []);
  await approvePackageKey(key, eligible.profile.credit_code, eligible.profile.name, xinnuo.fingerprintGroups);
  const jws = repairCommitment(key, eligible, eligible.profile.records[0]);
  const created = await postJson("/api/v1/repair-applications", jws);
  assert.equal(created.status, 201);
  const receipt = await created.json();
  assert.equal(receipt.record_id, eligible.profile.records[0].id);
  assert.match(receipt.channel.zh, /信用中国/);
  const serverKeys = await (await fetch(`${base}/api/v1/server-keys`)).json();
  assert.equal(xinnuo.verifyReceipt(JSON.stringify(receipt.receipt), receipt.submission_id, serverKeys).valid, true);
  assert.equal((await postJson("/api/v1/repair-applications", jws)).status, 200);
  // The subject's page now says the application is under review.
  const after = await (await fetch(`${base}/api/v1/subjects/${eligible.profile.credit_code}`)).json();
  assert.deepEqual(after.repair_applications.map((a) => [a.submission_id, a.record_id, a.state]), [[receipt.submission_id, "r-1", "received"]]);

  const notYet = await findSubject("未满期建筑");
  await approvePackageKey(key, notYet.profile.credit_code, notYet.profile.name, xinnuo.fingerprintGroups);
  const refused = await problem(await postJson("/api/v1/repair-applications", repairCommitment(key, notYet, notYet.profile.records[0])), 422, "not_eligible");
  assert.match(refused.detail_zh, /最短公示期未满/);
  assert.equal(refused.errors[0].code, "minimum_period");
  const tax = key.signCommitment({ template_id: "tax-service", values: { subject_name: "晋示例", credit_code: eligible.profile.credit_code, legal_rep: "李四", phone: "13812345678", matter: "办税", tax_authority: "小店区税务局", filer: "self", confirm_read: true, confirm_publish: true } });
  await problem(await postJson("/api/v1/repair-applications", tax), 422, "not_a_repair_commitment");
  key.free();
});

test("import: a file with bad rows is refused whole with row numbers; a good one is imported", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xinnuo-import-"));
  const header = "credit_code,name,record_id,kind,decision_no,authority,decided_on,class,penalties,market_regulation,sector,fine_yuan,summary,obligations_met_on,removed_on";
  const code = randomCreditCode("140106");
  const good = `${code},晋导入测试公司,imp-1,administrative_penalty,晋导入罚〔2026〕1号,示例局,2026-05-10,general,fine,false,other,3000,导入测试,2026-05-20,`;
  const bad = good.replace("imp-1", "imp-2").replace("2026-05-10", "2026-05-32");
  const badFile = join(dir, "bad.csv");
  await writeFile(badFile, `${header}\n${good}\n${bad}\n`);
  const run = (file) => execFileSync(process.env.XINNUO_SERVER_BIN, ["import", file, "--db", process.env.XINNUO_DB], { encoding: "utf8", stdio: "pipe" });
  assert.throws(() => run(badFile), (error) => /第 3 行/.test(error.stderr) && /decided_on/.test(error.stderr));
  await problem(await fetch(`${base}/api/v1/subjects/${code}`), 404, "subject_not_found");
  const goodFile = join(dir, "good.csv");
  await writeFile(goodFile, `${header}\n${good}\n`);
  assert.match(run(goodFile), /imported: 1 subjects, 1 records/);
  const view = await (await fetch(`${base}/api/v1/subjects/${code}`)).json();
  assert.equal(view.profile.name, "晋导入测试公司");
  assert.equal(view.evaluations[0].record_id, "imp-1");

  // The newer columns: when publication began, the procedure, the ground of a court listing.
  const wide = `${header},published_on,procedure,listing_ground`;
  const other = randomCreditCode("140106");
  const rows = [
    `${other},晋导入新列公司,m-1,administrative_penalty,晋导入罚〔2026〕2号,示例市场监管局,2026-05-10,general,fine,true,other,3000,,2026-05-20,,2026-05-18,ordinary,`,
    `${other},晋导入新列公司,m-2,administrative_penalty,晋导入罚〔2026〕3号,示例市场监管局,2026-05-10,general,fine,true,other,200,,2026-05-10,,,simplified,`,
    `${other},晋导入新列公司,c-1,court_dishonest_debtor,(2026)晋01执9号,示例法院,2026-05-10,,,,,,,,,,,1`,
  ];
  const wideFile = join(dir, "wide.csv");
  await writeFile(wideFile, `${wide}\n${rows.join("\n")}\n`);
  assert.match(run(wideFile), /imported: 1 subjects, 3 records/);
  const added = await (await fetch(`${base}/api/v1/subjects/${other}?on=2026-11-26`)).json();
  const byId = Object.fromEntries(added.evaluations.map((e) => [e.record_id, e]));
  assert.equal(added.profile.records.find((r) => r.id === "m-1").published_on, "2026-05-18");
  assert.equal(byId["m-1"].earliest_date, "2026-11-18", "six months from publication, not from the decision");
  assert.equal(byId["m-2"].outcome, "not_published");
  assert.equal(byId["c-1"].outcome, "court_only");
  assert.equal(byId["c-1"].publication_ends_not_before, null, "item 1 has no fixed term");
  const badGround = join(dir, "bad-ground.csv");
  await writeFile(badGround, `${wide}\n${rows[2].replace(/,1$/, ",8").replace("c-1", "c-2")}\n`);
  assert.throws(() => run(badGround), (error) => /listing_ground/.test(error.stderr));
});

test("each demo subject shows the situation it is named for: tier and outcomes as subjects.json writes them down", async () => {
  const file = JSON.parse(await readFile(new URL("../crates/server/demo/subjects.json", import.meta.url), "utf8"));
  assert.ok(file.subjects.length >= 30);
  for (const subject of file.subjects) {
    assert.ok(subject.shows, `${subject.name} says what it shows`);
    const found = (await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent(subject.name)}`)).json()).subjects
      .filter((s) => s.demo && s.name === subject.name);
    assert.equal(found.length, 1, subject.name);
    assert.equal(found[0].situation, subject.situation);
    assert.equal(found[0].situation_en, subject.situation_en);
    const view = await (await fetch(`${base}/api/v1/subjects/${found[0].credit_code}`)).json();
    assert.deepEqual([view.situation, view.situation_en], [subject.situation, subject.situation_en]);
    assert.equal(view.summary.tier, subject.shows.tier, `${subject.name}: tier`);
    assert.deepEqual(view.evaluations.map((e) => e.outcome), subject.shows.outcomes, `${subject.name}: outcomes`);
  }
});
