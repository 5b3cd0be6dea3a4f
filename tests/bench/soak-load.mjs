// A bounded load soak on loopback: signed submissions and batch code checks against a running server for
// `seconds`, sampling the server's resident memory (/proc/PID/status) every 10 s. Prints JSON: throughput,
// p50/p99 per kind, and the memory samples (flat memory = no growth after warm-up).
import { request, Agent } from "node:http";
import { readFileSync } from "node:fs";
import { generateKeyPairSync } from "node:crypto";
import { signFlattenedJws } from "../support/jose.mjs";
import { commitmentPayload, randomCreditCode, TAX_VALUES } from "../support/fixtures.mjs";

const [url, pid, secondsText = "300"] = process.argv.slice(2);
const seconds = Number(secondsText);
const agent = new Agent({ keepAlive: true, maxSockets: 16 });
const key = generateKeyPairSync("ed25519").privateKey;
const codes = Array.from({ length: 1000 }, () => randomCreditCode()).join("\n");

function send(path, type, body) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const req = request(new URL(path, url), { method: "POST", agent, headers: { "content-type": type, "content-length": Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ ok: res.statusCode < 300, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on("error", () => resolve({ ok: false, ms: 0 }));
    req.end(body);
  });
}

const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;
const stats = { submit: [], check: [] };
let failures = 0;
const samples = [{ t: 0, rss_mb: rss() }];
const start = Date.now();
const deadline = start + seconds * 1000;
const sampler = setInterval(() => samples.push({ t: Math.round((Date.now() - start) / 1000), rss_mb: rss() }), 10_000);
await Promise.all(Array.from({ length: 12 }, async (_, worker) => {
  while (Date.now() < deadline) {
    const kind = worker % 4 === 0 ? "check" : "submit";
    const answer = kind === "check"
      ? await send("/api/v1/codes:check", "text/plain", codes)
      : await send("/api/v1/commitments", "application/json", signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: randomCreditCode() }), key));
    if (answer.ok) stats[kind].push(answer.ms); else failures++;
  }
}));
clearInterval(sampler);
samples.push({ t: seconds, rss_mb: rss() });
const summary = (list) => {
  list.sort((a, b) => a - b);
  return { count: list.length, per_s: list.length / seconds, p50_ms: list[Math.floor(list.length / 2)] ?? 0, p99_ms: list[Math.floor(list.length * 0.99)] ?? 0 };
};
console.log(JSON.stringify({ seconds, failures, submit: summary(stats.submit), check_1000_codes: summary(stats.check), memory: samples }));
agent.destroy();
