// The status page and the repair wizard in real Chromium, on the server's demo data.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { launchBrowser } from "./support/browser.mjs";
import { base, postJson } from "./support/http.mjs";
import { randomBytes } from "node:crypto";
import { signFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, randomCreditCode, commitmentPayload } from "./support/fixtures.mjs";
import { openContext } from "./support/app.mjs";
import { approvePendingEnrolments, importSubject, approvedNodeKey, newOfficer } from "./support/server.mjs";

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

const open = (path) => openContext(browser, path);

test("every demo enterprise: the right tier, its label, and each record's repair answer with its source", async () => {
  const { subjects } = await (await fetch(`${base}/api/v1/subjects?per_page=100&q=${encodeURIComponent("示例")}`)).json();
  assert.ok(subjects.length >= 30);
  const { page, context, errors } = await open("#/status");
  await page.locator("#subject-list").waitFor();
  for (const subject of subjects) {
    const view = await (await fetch(`${base}/api/v1/subjects/${subject.credit_code}`)).json();
    await page.evaluate((code) => { location.hash = `#/status/${code}`; }, subject.credit_code);
    await page.locator("#subject-code", { hasText: subject.credit_code }).waitFor();
    assert.equal(await page.locator("#tier-name").textContent(), view.summary.name.zh, subject.name);
    assert.equal(await page.locator("#tier-label").textContent(), "本工具汇总，非官方评级");
    // Demo subjects have a line; subjects other tests imported may have none.
    if (subject.situation) {
      assert.equal(await page.locator("#subject-situation").textContent(), subject.situation, "the Chinese page shows the Chinese line");
    }
    for (const evaluation of view.evaluations) {
      const panel = page.locator(`#record-${evaluation.record_id} .repair-panel`);
      // A record with an application under review says so instead (other tests apply for some).
      const pending = (view.repair_applications ?? []).some((a) => a.record_id === evaluation.record_id && a.state === "received");
      const verdict = pending ? "已申请信用修复，等待认定机关审核（结果会显示在此）" : evaluation.outcome_label.zh;
      assert.equal(await panel.locator(".verdict").textContent(), verdict, `${subject.name} ${evaluation.record_id}`);
      const sources = await panel.locator(".rule-source").allTextContents();
      const expected = evaluation.blocking.length + evaluation.steps.length + evaluation.materials.length + evaluation.notes.length;
      assert.equal(sources.length, expected, `${subject.name}: every conclusion shows its source`);
      // One language at a time: the Chinese page says 依据, never "依据 / source".
      assert.ok(sources.every((s) => /^依据：\S/.test(s)), sources.join(" | "));
      // Which article decided each answer, beside it: the verdict (unless an application is under review),
      // the earliest date, the end of publication and the class; an unconfirmed rule says so.
      const said = (rule) => `依据：${rule.source}${{ C: "", S: "（二手资料）", U: "（待核实）" }[rule.confidence]}`;
      const verdictSource = panel.locator(".verdict-source .answer-source");
      if (evaluation.outcome_rule && !pending) {
        assert.equal(await verdictSource.textContent(), said(evaluation.outcome_rule), `${subject.name}: verdict's rule`);
      } else {
        assert.equal(await verdictSource.count(), 0, `${subject.name}: no rule beside a verdict no rule decided`);
      }
      for (const [line, rule] of [[".earliest", evaluation.earliest_rule], [".ends", evaluation.publication_rule], [".class", evaluation.class_rule]]) {
        const source = panel.locator(`${line} .answer-source`);
        if (rule && (await panel.locator(line).count()) > 0) assert.equal(await source.textContent(), said(rule), `${subject.name} ${line}`);
      }
    }
  }
  assert.deepEqual(errors, []);
  await context.close();
});

test("the wizard: search, see why and when, then a prefilled repair commitment signed and submitted", async () => {
  const { page, context, errors } = await open("#/keys");
  const PASS = "修复申请 passphrase";
  await page.getByLabel("口令（至少 8 个字符）").fill(PASS);
  await page.getByLabel("再次输入口令").fill(PASS);
  await page.getByRole("button", { name: "生成密钥" }).click();
  await page.locator("#key-notice", { hasText: "已创建密钥" }).waitFor({ timeout: 30_000 });
  // Only a key a department approved for the code applies for repair: enrol it, and a key officer approves.
  const { subjects: [restaurant] } = await (await fetch(`${base}/api/v1/subjects?q=${encodeURIComponent("可修复餐饮")}`)).json();
  await page.getByRole("button", { name: "向服务器登记" }).click();
  await page.getByLabel("统一社会信用代码").fill(restaurant.credit_code);
  await page.getByLabel("主体名称").fill(restaurant.name);
  await page.locator("form.enrol").getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并登记" }).click();
  await page.locator("[id^=enrol-notice]", { hasText: "待审核" }).waitFor({ timeout: 30_000 });
  assert.equal(await approvePendingEnrolments(restaurant.credit_code), 1);

  await page.getByRole("link", { name: "信用状况" }).click();
  await page.getByLabel("企业名称或统一社会信用代码").fill("未满期建筑");
  await page.getByRole("button", { name: "查询" }).click();
  await page.getByRole("link", { name: /晋示例未满期建筑/ }).click();
  const waiting = page.locator("article.record .repair-panel");
  await waiting.locator(".verdict", { hasText: "最短公示期未满" }).waitFor();
  assert.match(await waiting.locator(".earliest").textContent(), /最早可申请日期：(不早于 )?\d{4}-\d\d-\d\d/);
  assert.equal(await waiting.locator(".start-repair").count(), 0, "no application before it can succeed");

  await page.getByRole("link", { name: "← 返回查询" }).click();
  await page.getByLabel("企业名称或统一社会信用代码").fill("可修复餐饮");
  await page.getByRole("button", { name: "查询" }).click();
  await page.getByRole("link", { name: /晋示例可修复餐饮/ }).click();
  const panel = page.locator("article.record .repair-panel");
  await panel.locator(".verdict", { hasText: "现在可以申请信用修复" }).waitFor();
  assert.match(await panel.locator("ol.checklist").textContent(), /☑ 已于 \d{4}-\d\d-\d\d 全面履行/);
  assert.match(await panel.textContent(), /“信用中国”网站/);
  await panel.getByRole("link", { name: "填写信用修复承诺书并申请" }).click();

  await page.locator("#repair-eligibility", { hasText: "现在可以申请信用修复" }).waitFor();
  assert.equal(await page.locator("#repair-eligibility-source").textContent(), "依据：国家发展改革委令2025年第36号（待核实）", "the conditions of 36号 decided it (read only as quoted: unconfirmed)");
  assert.equal(await page.locator("#template-select").inputValue(), "credit-repair");
  assert.match(await page.getByLabel("决定书文号").inputValue(), /^晋示例罚〔2026〕6号$/);
  assert.match(await page.getByLabel("统一社会信用代码", { exact: true }).inputValue(), /^91140110/);
  await page.getByLabel("法定代表人（负责人）", { exact: true }).fill("王五");
  await page.getByLabel("联系电话", { exact: true }).fill("13912345678");
  await page.getByLabel("办理人").selectOption("self");
  await page.getByLabel("本单位已认真阅读并完全理解上述承诺内容").check();
  await page.getByLabel("同意本承诺书向社会公示并记入本单位信用记录").check();
  assert.match(await page.locator("#preview-text").textContent(), /申请信用修复，郑重承诺如下/);
  await page.getByLabel("密钥口令").fill(PASS);
  await page.getByRole("button", { name: "签名并提交" }).click();
  await page.locator("#receipt", { hasText: "已提交，回执序号" }).waitFor({ timeout: 30_000 });
  assert.match(await page.locator("#receipt-next-step").textContent(), /认定机关审核您的修复申请/);
  // Back on the subject's page: the application is under review, and nothing more to apply for.
  await page.getByRole("link", { name: "← 返回信用状况" }).click();
  await page.locator("article.record .repair-application", { hasText: "修复申请：修复审核中" }).waitFor();
  assert.equal(await page.locator("article.record .start-repair").count(), 0);
  // The review's limit (36号 第十六条), then each stage with its date: accept in 3 working days, decide in 7
  // after acceptance, Credit China's answer in 10 (the extension is listed when its year's holidays are known).
  // The article was read only as quoted, so the limit says it is the authority's own notice that counts.
  const headline = await page.locator("article.record .repair-application").textContent();
  const [, due] = headline.match(/^修复申请：修复审核中 · 办理期限 (\d{4}-\d\d-\d\d)（10 个工作日；期限以办理单位告知为准）$/) ?? [];
  assert.ok(due, headline);
  const stages = await page.locator("article.record ol.deadline-stages li").allTextContents();
  assert.equal(stages.length >= 3, true, stages.join(" | "));
  assert.match(stages[0], /^受理（3 个工作日）：\d{4}-\d\d-\d\d$/);
  assert.equal(stages[1], `受理后作出决定（7 个工作日）：${due}`);
  assert.equal(stages[2], `“信用中国”网站反馈结果（10 个工作日）：${due}`);
  assert.ok(stages[0].slice(-10) < due, "acceptance comes first");
  if (stages[3]) assert.match(stages[3], /^复杂情形可延长 10 个工作日：\d{4}-\d\d-\d\d$/);
  const verdict = await page.locator("article.record .repair-panel .verdict").textContent();
  assert.match(verdict, /已申请信用修复，等待认定机关审核/);
  assert.doesNotMatch(verdict, /现在可以申请/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("special situations read clearly: the court path and a year whose holidays are not yet published", async () => {
  const { page, context } = await open("#/status");
  const show = async (q) => {
    await page.getByLabel("企业名称或统一社会信用代码").fill(q);
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByRole("link", { name: new RegExp(q) }).click();
    await page.locator("article.record").first().waitFor();
  };
  await show("失信被执行机械");
  assert.match(await page.locator("#tier-name").textContent(), /严重失信/);
  assert.match(await page.locator(".repair-panel .verdict").textContent(), /由执行法院删除/);
  await page.getByRole("link", { name: "← 返回查询" }).click();
  await show("严重处罚化工");
  assert.match(await page.locator(".repair-panel").textContent(), /年节假日安排尚未公布/);
  assert.match(await page.locator(".repair-panel .earliest").textContent(), /最早可申请日期：不早于 \d{4}-\d\d-\d\d（确切日期待节假日安排公布后确定）/);
  await context.close();
});

test("issue 30: each new field reads as a person reads it, with the article that decided the answer", async () => {
  const { page, context, errors } = await open("#/status");
  const show = async (q) => {
    await page.getByLabel("企业名称或统一社会信用代码").fill(q);
    await page.getByRole("button", { name: "查询" }).click();
    await page.getByRole("link", { name: new RegExp(q) }).click();
    await page.locator("article.record").first().waitFor();
    return page.locator("article.record").first();
  };
  const back = () => page.getByRole("link", { name: "← 返回查询" }).click();

  // A penalty with a term not yet over (36号 第十二条第三款): not yet, and why, with the day after the term.
  let record = await show("限期处罚培训");
  assert.match(await record.locator(".record-facts").textContent(), /处罚所附期限至 \d{4}-\d\d-\d\d/);
  assert.equal(await record.locator(".verdict").textContent(), "暂不能申请：处罚所附期限未届满");
  // 36号 was read only as quoted (第一条至第四条 aside): its articles are shown as unconfirmed.
  assert.equal(await record.locator(".verdict-source").textContent(), "依据：国家发展改革委令2025年第36号 第十二条第三款（待核实）");
  assert.match(await record.locator(".earliest").textContent(), /^最早可申请日期：\d{4}-\d\d-\d\d 依据：国家发展改革委令2025年第36号 第十二条第三款（待核实）$/);
  assert.match(await record.locator(".blocking").textContent(), /届满前不得提前终止公示/);
  await back();

  // No class from the department: 降低资质等级 is serious by 36号 第十条第（二）项 and 第十一条.
  record = await show("降级资质建设");
  assert.equal(await record.locator(".class").textContent(), "失信程度：严重 依据：国家发展改革委令2025年第36号 第十条第（二）项、第十一条（待核实）");
  await back();

  // A non-market penalty by simplified procedure: minor (第八条第（一）项), “原则上” not published — so maybe
  // published: answered as a published minor record, repairable once obligations are met, and said so.
  record = await show("简易程序餐饮");
  assert.match(await record.locator(".record-facts").textContent(), /简易程序/);
  assert.equal(await record.locator(".verdict").textContent(), "现在可以申请信用修复");
  assert.match(await record.locator(".notes").textContent(), /原则上不予公示；未注明是否已公示（published_on），可能已公示/);
  await back();

  // A penalty with a term whose last day is not given (暂扣许可证件): not yet, no earliest day, the decision's
  // words beside the record (36号 第十二条第三款).
  record = await show("暂扣许可运输");
  assert.match(await record.locator(".record-facts").textContent(), /决定书载明：罚款人民币 5000 元，暂扣《道路运输经营许可证》/);
  assert.equal(await record.locator(".verdict").textContent(), "暂不能申请：处罚期限届满日未知，请核对决定书");
  assert.match(await record.locator(".blocking").textContent(), /不早于处罚期限届满之日.*请核对决定书载明的期限/);
  await back();

  // A lower-amount fine (45号 第十三条第一款): ends by itself after 3 months.
  record = await show("较低罚款日化");
  assert.match(await record.locator(".record-facts").textContent(), /较低数额罚款/);
  assert.equal(await record.locator(".verdict").textContent(), "无需申请：到期自动停止公示");
  // (Three months may end in a year whose holidays are not published yet: then "not before" that day.)
  assert.match(await record.locator(".ends").textContent(), /^公示截止(（到期自动停止）|不早于)：\d{4}-\d\d-\d\d 依据：市场监管总局令第45号 第九条、第十三条第一款$/);
  await back();

  // Decided in another province without its publication date: the latest case, by 45号 第十条.
  record = await show("跨省处罚物流");
  assert.match(await record.locator(".record-facts").textContent(), /外省作出/);
  assert.match(await record.locator(".notes").textContent(), /跨省作出的处罚，10 个工作日内告知登记地、收到后 10 个工作日内公示，故按最晚情形计算 依据：市场监管总局令第45号 第十条/);
  await back();

  // 限制从业 for four years: never stopped early (45号 第十四条第三款), published for the term (第十三条第三款).
  record = await show("限制从业检测");
  assert.equal(await record.locator(".verdict").textContent(), "不能申请信用修复");
  assert.equal(await record.locator(".verdict-source").textContent(), "依据：市场监管总局令第45号 第十四条第三款");
  assert.match(await record.locator(".ends").textContent(), /依据：市场监管总局令第45号 第十三条第三款$/);
  await back();

  // The serious illegal list with a ban beyond three years (44号): not lifted before the ban ends, by itself;
  // 44号's text was not read, so the article is shown as unconfirmed.
  record = await show("严重违法限业矿产");
  assert.match(await record.locator(".ends").textContent(), /依据：市场监管总局令第44号 第十六条第二款、第二十一条（待核实）$/);
  await back();

  // A court listing with a term, obligations met: not deleted by performance alone (法释〔2017〕7号).
  record = await show("法院限期纳入贸易");
  assert.match(await record.locator(".record-facts").textContent(), /纳入依据：第一条第三项/);
  // 第十条 was read only as quoted: unconfirmed, and said so.
  assert.match(await record.locator(".verdict-source").textContent(), /第二条第二款、第十条第二款（待核实）$/);
  assert.deepEqual(errors, []);
  await context.close();
});

// The texts of `selector` holding a full-width bracket or "；" that are not marked as Chinese: on an English
// page those are Chinese punctuation around English words (quoted Chinese data is marked lang="zh-CN").
async function fullWidthInEnglish(page, selector) {
  return page.locator(selector).evaluate((root) => {
    const found = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (/[（）；]/.test(node.data) && node.parentElement?.closest("[lang]")?.getAttribute("lang") !== "zh-CN") found.push(node.data.trim());
    }
    return found;
  });
}

test("in English, departments have their English names and no Chinese punctuation sits around English words", async () => {
  // A commitment to the tax bureau, accepted: in the column.
  const code = randomCreditCode("140105");
  const name = "晋示例英文页面有限公司";
  await importSubject({ code, name });
  const enterprise = await approvedNodeKey(code, name, xinnuo.fingerprintGroups);
  const made = await postJson("/api/v1/commitments", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code, subject_name: name }), enterprise.privateKey));
  assert.equal(made.status, 201);
  const { submission_id: id } = await made.json();
  const officer = await newOfficer("国家税务总局山西省税务局", "吴科长", "review");
  const decision = { type: "xinnuo.decision/1", action: "accept", target: id, reason: "", decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  assert.equal((await postJson("/api/v1/decisions", signFlattenedJws(decision, officer.privateKey))).status, 201);
  // A demo enterprise with a record, an official grade and a Chinese line with brackets of its own: its
  // English line shows. A subject whose line is in Chinese only says so and quotes it, marked as Chinese.
  const { subjects } = await (await fetch(`${base}/api/v1/subjects?per_page=100&q=${encodeURIComponent("示例")}`)).json();
  const demo = subjects.find((s) => s.demo && s.situation?.includes("（") && s.tier);
  assert.ok(demo, "a demo subject whose line has brackets");
  assert.ok(demo.situation_en, "the demo line in English");
  const chineseOnly = randomCreditCode("140105");
  const chineseLine = "仅有中文说明（测试）：无失信记录";
  await importSubject({ code: chineseOnly, name: "晋示例仅中文说明有限公司", situation: chineseLine });
  const cjk = /[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]/;

  const { page, context, errors } = await open("#/publications");
  await page.locator("#lang-toggle").click();
  await page.locator("#lang-toggle").filter({ hasText: "中文" }).waitFor();
  await page.locator("#pub-q").fill(code);
  await page.locator("#pub-search").click();
  const row = page.locator("#publications tbody tr").first();
  await row.waitFor();
  assert.equal(await row.locator("td.department").textContent(), "Shanxi Provincial Tax Service, State Taxation Administration");
  assert.deepEqual(await fullWidthInEnglish(page, "main"), []);

  await page.evaluate((c) => { location.hash = `#/status/${c}`; }, demo.credit_code);
  await page.locator("#subject-code", { hasText: demo.credit_code }).waitFor();
  await page.locator("#tier-name").waitFor();
  assert.equal(await page.locator("#subject-situation").textContent(), demo.situation_en);
  assert.ok(!(await page.locator("main").textContent()).includes(demo.situation), "no Chinese demo line");
  assert.deepEqual(await fullWidthInEnglish(page, "main"), []);
  await page.evaluate((c) => { location.hash = `#/status/${c}`; }, chineseOnly);
  await page.locator("#subject-code", { hasText: chineseOnly }).waitFor();
  assert.equal(await page.locator("#subject-situation").textContent(), `Demo situation (in Chinese): ${chineseLine}`);
  assert.equal(await page.locator("#subject-situation [lang=zh-CN]").textContent(), chineseLine);
  assert.deepEqual(await fullWidthInEnglish(page, "main"), []);
  // The demo list, too: the demo enterprises on its first page have their lines in English, and the one
  // searched for by name shows its own.
  await page.evaluate(() => { location.hash = "#/status"; });
  await page.locator("#subject-list").waitFor();
  assert.deepEqual(await fullWidthInEnglish(page, "main"), []);
  const demoLines = await page.locator("#subject-list tbody tr:has(.demo-badge) .situation").allTextContents();
  assert.deepEqual(demoLines.filter((line) => cjk.test(line)), [], "no Chinese demo line");
  await page.locator("#subject-query").fill(demo.name);
  await page.locator("#subject-query").press("Enter");
  // The list before the search holds the subject too: wait for the search's answer, a list of one.
  await page.waitForFunction(() => document.querySelectorAll("#subject-list tbody tr").length === 1);
  await page.locator("#subject-list tbody tr", { hasText: demo.credit_code }).waitFor();
  assert.deepEqual(await page.locator("#subject-list tbody tr .situation").allTextContents(), [demo.situation_en]);
  assert.ok(!(await page.locator("main").textContent()).includes(demo.situation), "no Chinese demo line");
  assert.deepEqual(errors, []);
  await context.close();
});
