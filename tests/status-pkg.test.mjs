// Status, repair and working days through the npm package in Node.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { xinnuo } from "./support/fixtures.mjs";

const penalty = (over = {}) => ({
  id: "r1", kind: "administrative_penalty", decision_no: "晋示例罚〔2026〕1号", authority: "示例局",
  decided_on: "2026-05-10", class: "general", obligations_met_on: "2026-05-20", ...over,
});

test("working days follow the official schedule, make-up days included; unpublished years throw", () => {
  assert.equal(xinnuo.addWorkingDays("2026-02-13", 7), "2026-03-02");
  assert.equal(xinnuo.addWorkingDays("2026-02-13", 1), "2026-02-14", "a make-up working Saturday");
  assert.equal(xinnuo.workingDaysBetween("2026-09-30", "2026-10-09"), 2);
  assert.throws(() => xinnuo.addWorkingDays("2026-12-28", 5), /2027 年的节假日安排尚未公布/);
  assert.throws(() => xinnuo.addWorkingDays("2026-02-30", 1), /YYYY-MM-DD/);
});

test("evaluateRepair at the boundary of the minimum period, with the rule and source of each conclusion", () => {
  const before = xinnuo.evaluateRepair(penalty(), "2026-08-09");
  assert.equal(before.outcome, "not_yet");
  assert.equal(before.earliest_date, "2026-08-10");
  assert.equal(before.blocking[0].rule.source, "国家发展改革委令2025年第36号");
  const on = xinnuo.evaluateRepair(penalty(), "2026-08-10");
  assert.equal(on.outcome, "eligible_now");
  assert.equal(on.eligible_now, true);
  assert.equal(on.channel, "credit_china");
  assert.ok(on.steps.length > 0 && on.steps.every((s) => s.rule.source));
  const listed = { id: "l1", kind: "abnormal_operation_list", decision_no: "异常1", authority: "示例市场监管局", market_regulation: true, decided_on: "2026-03-01" };
  const market = xinnuo.evaluateRepair(penalty({ market_regulation: true, decided_on: "2026-01-10" }), "2026-07-10", [listed]);
  assert.equal(market.outcome, "not_yet");
  assert.ok(market.blocking.some((b) => b.code === "listed"));
  assert.equal(xinnuo.evaluateRepair({ ...listed, id: "c", kind: "court_dishonest_debtor", market_regulation: false }, "2026-11-26").outcome, "court_only");
});

test("bad records name the field; a decision after the evaluation date is refused", () => {
  assert.throws(() => xinnuo.evaluateRepair(penalty({ kind: "parking_ticket" }), "2026-11-26"), /字段 kind 有误/);
  assert.throws(() => xinnuo.evaluateRepair(penalty({ decided_on: "2026/05/10" }), "2026-11-26"), /字段 decided_on 有误/);
  assert.throws(() => xinnuo.evaluateRepair(penalty(), "2026-05-01"), /晚于评估日期/);
  assert.throws(() => xinnuo.evaluateRepair(penalty({ class: undefined }), "2026-11-26"), /缺少失信程度/);
});

test("summarizeStatus: the labelled tier, its reasons and measures with sources", () => {
  const profile = { credit_code: "91140105123456788F", name: "山西示例科技有限公司", records: [penalty()],
    grades: [{ scheme: "tax_credit", grade: "A", year: 2025, authority: "国家税务总局山西省税务局", source: "示例" }] };
  const summary = xinnuo.summarizeStatus(profile, "2026-11-26");
  assert.equal(summary.tier, "attention");
  assert.equal(summary.label.zh, "本工具汇总，非官方评级");
  assert.match(summary.reasons[0].message.zh, /仍在公示期内/);
  assert.ok(summary.measures.length > 0 && summary.measures.every((m) => m.source));
  assert.equal(xinnuo.summarizeStatus({ ...profile, records: [] }, "2026-11-26").tier, "trustworthy");
  assert.throws(() => xinnuo.summarizeStatus({ ...profile, credit_code: "91140105123456788E" }), /统一社会信用代码无效/);
});

test("the xinnuo/status entry gives the same answers as the full package, without templates or signing", async () => {
  const status = await import("../pkg/status/xinnuo_status.js");
  status.initSync({ module: await readFile(new URL("../pkg/status/xinnuo_status_bg.wasm", import.meta.url)) });
  const profile = { credit_code: "91140105123456788F", name: "山西示例科技有限公司", records: [penalty()], grades: [] };
  assert.deepEqual(status.summarizeStatus(profile, "2026-11-26"), xinnuo.summarizeStatus(profile, "2026-11-26"));
  assert.deepEqual(status.evaluateRepair(penalty(), "2026-08-10"), xinnuo.evaluateRepair(penalty(), "2026-08-10"));
  assert.equal(status.addWorkingDays("2026-02-13", 7), "2026-03-02");
  assert.deepEqual(status.validateCode("91140105123456788E"), xinnuo.validateCode("91140105123456788E"));
  for (const name of ["signCommitment", "listTemplates", "createKey", "verifyEnvelope"]) {
    assert.equal(status[name], undefined, `${name} is not in the status entry`);
  }
});
