// Load on a running server: pre-signed 纳税服务 commitments (Node's Ed25519, many keys and subjects'
// nonces) posted with keep-alive connections, N in flight. Prints JSON: accepted/s and latency percentiles.
import { request, Agent } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { signFlattenedJws } from "../support/jose.mjs";
import { commitmentPayload } from "../support/fixtures.mjs";

const [url, countText = "20000", concurrencyText = "32"] = process.argv.slice(2);
const count = Number(countText);
const concurrency = Number(concurrencyText);
const target = new URL("/api/v1/commitments", url);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency });

const keys = Array.from({ length: 16 }, () => generateKeyPairSync("ed25519").privateKey);
const bodies = Array.from({ length: count }, (_, i) => Buffer.from(signFlattenedJws(commitmentPayload(), keys[i % keys.length])));

function post(body) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const req = request(target, { method: "POST", agent, headers: { "content-type": "application/json", "content-length": body.length } }, (res) => {
      res.resume();
      res.on("end", () => resolve({ status: res.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6 }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

// Warm up connections and the server's caches with a few submissions that are not counted.
for (let i = 0; i < 50; i++) await post(Buffer.from(signFlattenedJws(commitmentPayload(), keys[0])));

const latencies = [];
let next = 0;
let accepted = 0;
const statuses = {};
const start = process.hrtime.bigint();
await Promise.all(Array.from({ length: concurrency }, async () => {
  while (next < bodies.length) {
    const { status, ms } = await post(bodies[next++]);
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status === 201) accepted++;
    latencies.push(ms);
  }
}));
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
latencies.sort((a, b) => a - b);
const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))];
console.log(JSON.stringify({ submissions: count, concurrency, seconds, accepted, statuses, accepted_per_s: accepted / seconds, p50_ms: pct(50), p99_ms: pct(99) }));
agent.destroy();
