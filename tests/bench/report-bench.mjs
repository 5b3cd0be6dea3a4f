// `cargo xtask bench reports`: credit reports a server makes, against a server of its own with SUBJECTS
// subjects imported (argv: url, database, server binary, subjects). First every subject's report is made
// (built, signed, stored, logged: one transaction each), then asked again (the same report, from the store),
// IN_FLIGHT requests at a time. Prints one JSON line.
import { execFileSync } from "node:child_process";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

const [url, db, bin, subjectsArg] = process.argv.slice(2);
const SUBJECTS = Number(subjectsArg ?? 2000);
const IN_FLIGHT = 16;

// Valid codes (GB 32100 check characters) for 9114010500000xxxxx bodies.
const ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY";
function uscc(n) {
  const org = String(10_000_000 + n).padStart(8, "0");
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) sum += Number(org[i]) * weights[i];
  const c = 11 - (sum % 11);
  const orgCheck = c === 10 ? "X" : c === 11 ? "0" : String(c);
  const body = `91140105${org}${orgCheck}`;
  let total = 0;
  for (let i = 0; i < 17; i++) total += ALPHABET.indexOf(body[i]) * (3 ** i % 31);
  return body + ALPHABET[(31 - (total % 31)) % 31];
}

const day = (daysAgo) => new Date(Date.now() + 8 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
const subjects = Array.from({ length: SUBJECTS }, (_, n) => ({
  credit_code: uscc(n),
  name: `晋示例报告基准${n}有限公司`,
  records: [{ id: `b-${n}`, kind: "administrative_penalty", decision_no: `晋示例罚〔2026〕${n}号`, authority: "太原市示例局",
    decided_on: day(30 + (n % 200)), class: "general", penalties: ["fine"], summary: "基准测试记录" }],
}));
const dir = await mkdtemp(join(tmpdir(), "xinnuo-report-bench-"));
await writeFile(join(dir, "subjects.json"), JSON.stringify({ subjects }));
execFileSync(bin, ["import", join(dir, "subjects.json"), "--db", db]);

async function pass() {
  let next = 0, failed = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < subjects.length) {
      const { credit_code } = subjects[next++];
      const answer = await fetch(`${url}/api/v1/subjects/${credit_code}/report`);
      if (answer.status !== 200) failed++;
      await answer.arrayBuffer();
    }
  }));
  const seconds = (performance.now() - started) / 1000;
  return { per_second: subjects.length / seconds, failed };
}

const made = await pass();
const cached = await pass();
console.log(JSON.stringify({ subjects: SUBJECTS, in_flight: IN_FLIGHT, made_per_second: made.per_second, cached_per_second: cached.per_second, failed: made.failed + cached.failed }));
