// Holiday schedules published after a release: added to the npm package at run time, and imported into a
// running deployment (its own server here, on a scratch database), after which the server and the app give
// exact dates in that year instead of "not before". The schedule used is test data for the first year this
// build does not know (2027 when written), never presented as the State Council's.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { xinnuo, randomCreditCode } from "./support/fixtures.mjs";
import { launchBrowser } from "./support/browser.mjs";

const fixture = await readFile(new URL("./fixtures/holidays-2027-test.json", import.meta.url), "utf8");
const builtIn = new Set(xinnuo.holidayYears().filter((y) => y.built_in).map((y) => y.year));
const thisYear = Number(new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 4));
let year = thisYear;
while (builtIn.has(year)) year++;
/** The test schedule moved to `year` (its checks only need 1 January and 1 October off). */
const schedule = fixture.replaceAll("2027", String(year));

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

test("the package adds a year's schedule at run time, checked, and never over a built-in year", () => {
  assert.throws(() => xinnuo.addWorkingDays(`${year}-03-01`, 1), new RegExp(`${year} 年的节假日安排尚未公布`));
  const parsed = JSON.parse(schedule);
  assert.throws(() => xinnuo.addHolidaySchedule({ ...parsed, days: [...parsed.days, { name: "x", date: `${year - 1}-12-31`, isOffDay: true }] }), /不属于该年/);
  assert.throws(() => xinnuo.addHolidaySchedule({ ...parsed, days: [...parsed.days, parsed.days[0]] }), /出现两次/);
  assert.throws(() => xinnuo.addHolidaySchedule({ ...parsed, days: parsed.days.slice(0, 3) }), /不完整/);
  const shipped = [...builtIn].at(-1);
  const altered = { year: shipped, days: [{ name: "元旦", date: `${shipped}-01-01`, isOffDay: true }, { name: "国庆节", date: `${shipped}-10-01`, isOffDay: true }] };
  assert.throws(() => xinnuo.addHolidaySchedule(altered, true), /已内置，不能替换/);

  assert.deepEqual(xinnuo.addHolidaySchedule(schedule), { year, added: "new", source: parsed.papers[0] });
  assert.equal(xinnuo.addHolidaySchedule(parsed).added, "same");
  assert.ok(xinnuo.holidayYears().some((y) => y.year === year && !y.built_in));
  // A listed day off and a listed make-up working day count as listed.
  const off = parsed.days.find((d) => d.isOffDay && new Date(`${d.date}T00:00:00Z`).getUTCDay() % 6 !== 0).date;
  assert.equal(xinnuo.workingDaysBetween(off, off), 0);
  const before = xinnuo.addWorkingDays(`${year}-01-04`, 0);
  assert.equal(before, `${year}-01-04`);
  assert.match(xinnuo.addWorkingDays(`${year}-03-01`, 5), new RegExp(`^${year}-03-0\\d$`));
});

async function startServer(db) {
  const child = spawn(process.env.XINNUO_SERVER_BIN, ["serve", "--addr", "127.0.0.1:0", "--db", db, "--dist", "dist"],
    { stdio: ["ignore", "pipe", "ignore"], cwd: new URL("..", import.meta.url).pathname });
  const url = await new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (line) => { const m = line.match(/listening on (http:\/\/\S+?)\/?$/); if (m) resolve(m[1]); });
    child.on("exit", () => reject(new Error("server exited before listening")));
  });
  return { child, url };
}

test("a year imported into a running deployment: the server and the app then give exact dates in it", async () => {
  const dir = await mkdtemp(join(tmpdir(), "xinnuo-holidays-"));
  const db = join(dir, "xinnuo.db");
  const cli = (...args) => execFileSync(process.env.XINNUO_SERVER_BIN, [...args, "--db", db], { encoding: "utf8", stdio: "pipe" });
  // A general penalty whose one-year maximum ends in the unknown year.
  const code = randomCreditCode("140105");
  const decided = `${year - 1}-06-10`;
  const subjects = { subjects: [{ credit_code: code, name: "晋示例节假日测试有限公司", records: [{ id: "h-1", kind: "administrative_penalty",
    decision_no: "晋测试罚〔2026〕40号", authority: "示例局", decided_on: decided, class: "general", penalties: ["fine"], obligations_met_on: decided }] }] };
  const subjectFile = join(dir, "subjects.json");
  await writeFile(subjectFile, JSON.stringify(subjects));
  cli("import", subjectFile);
  const server = await startServer(db);
  try {
    const evaluation = async () => (await (await fetch(`${server.url}/api/v1/subjects/${code}`)).json()).evaluations[0];
    const unknown = await evaluation();
    assert.equal(unknown.publication_ends, null);
    assert.equal(unknown.publication_ends_not_before, `${year}-06-10`);
    const page = await (await browser.newContext()).newPage();
    await page.goto(`${server.url}/#/status/${code}`);
    await page.locator(".repair-panel .ends", { hasText: `公示截止不早于：${year}-06-10` }).waitFor({ timeout: 30_000 });

    // Bad files are refused with the reason, and change nothing.
    const bad = join(dir, "bad.json");
    await writeFile(bad, schedule.replace(`"${year}-10-01"`, `"${year - 1}-10-01"`));
    assert.throws(() => cli("holidays", "import", bad), (error) => /不属于该年/.test(error.stderr));
    const file = join(dir, `${year}.json`);
    await writeFile(file, schedule);
    assert.match(cli("holidays", "import", file), new RegExp(`${year} 已导入 / imported`));
    assert.match(cli("holidays", "list"), new RegExp(`${year}\\s+导入 imported\\s+https://example.invalid`));

    // The running server picks it up within seconds, without a restart.
    let years = [];
    for (let i = 0; i < 50 && !years.some((y) => y.year === year); i++) {
      await new Promise((r) => setTimeout(r, 200));
      years = (await (await fetch(`${server.url}/api/v1/holidays`)).json()).years;
    }
    assert.deepEqual(years.find((y) => y.year === year), { year, source: JSON.parse(schedule).papers[0], built_in: false });
    const exact = await evaluation();
    assert.match(exact.publication_ends ?? "", new RegExp(`^${year}-06-1\\d$`), "an exact date, moved off a weekend if need be");
    // The app adds the server's schedule before computing.
    await page.reload();
    await page.locator(".repair-panel .ends", { hasText: `公示截止（到期自动停止）：${exact.publication_ends}` }).waitFor({ timeout: 30_000 });
    await page.context().close();
  } finally {
    server.child.kill();
  }
});
