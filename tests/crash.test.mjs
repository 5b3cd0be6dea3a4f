// Crash safety: submissions under load while the server is killed with SIGKILL again and again. After a
// restart, every submission that got a receipt is there, intact (same envelope, same receipt), and none is
// duplicated — also after every submission is sent once more.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn, execFileSync } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { signFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, commitmentPayload, randomCreditCode } from "./support/fixtures.mjs";

// 20 a round keeps the subject under the 500 the publication list returns.
const KILLS = Number(process.env.XINNUO_CRASH_KILLS ?? 20);

async function startServer(db) {
  const child = spawn(process.env.XINNUO_SERVER_BIN, ["serve", "--addr", "127.0.0.1:0", "--db", db], { stdio: ["ignore", "pipe", "ignore"] });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise((resolve, reject) => {
    // A timer keeps the test waiting (and says why) if the server neither listens nor exits.
    const timer = setTimeout(() => reject(new Error("the server did not start within 30 s")), 30_000);
    lines.on("line", (line) => {
      const m = line.match(/listening on (http:\/\/\S+?)\/?$/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("error", (error) => { clearTimeout(timer); reject(error); });
    child.on("exit", (code, signal) => { clearTimeout(timer); reject(new Error(`server exited before listening (${code ?? signal})`)); });
  });
  return { child, url };
}

const post = (url, body) => fetch(`${url}/api/v1/commitments`, { method: "POST", headers: { "content-type": "application/json" }, body })
  .then(async (r) => ({ status: r.status, body: await r.json() }))
  .catch(() => null);

test(`crash safety: ${KILLS} kills under load`, { timeout: 300_000 }, async () => {
  // On the suite's PostgreSQL database when it runs on one (servers share it; this test's subject is its own),
  // else a SQLite file of its own.
  const db = process.env.XINNUO_DB?.startsWith("postgres")
    ? process.env.XINNUO_DB
    : join(await mkdtemp(join(tmpdir(), "xinnuo-crash-")), "crash.db");
  const code = randomCreditCode("140105");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const sent = new Map(); // submission id → { jws, receipt }
  const all = [];
  const inFlightAtKills = [];
  for (let round = 0; round < KILLS; round++) {
    const server = await startServer(db);
    const bodies = Array.from({ length: 20 }, () => signFlattenedJws(commitmentPayload({ ...TAX_VALUES, credit_code: code }), privateKey));
    all.push(...bodies);
    // Sent a millisecond apart, so that the kill, right after the round's first receipt, finds the rest on
    // their way: some not yet read, some being verified, some in a commit.
    let settled = 0;
    let firstReceipt;
    const receipted = new Promise((resolve) => { firstReceipt = resolve; });
    const answers = [];
    for (const body of bodies) {
      answers.push(post(server.url, body).then((answer) => {
        settled += 1;
        if (answer && (answer.status === 201 || answer.status === 200)) {
          sent.set(answer.body.submission_id, { jws: body, receipt: answer.body.receipt });
          firstReceipt();
        }
      }));
      await new Promise((r) => setTimeout(r, 1));
    }
    await Promise.race([receipted, new Promise((r) => setTimeout(r, 5_000))]);
    inFlightAtKills.push(bodies.length - settled);
    server.child.kill("SIGKILL");
    await Promise.all(answers);
    await new Promise((r) => (server.child.exitCode !== null || server.child.signalCode !== null ? r() : server.child.on("exit", r)));
  }
  assert.ok(sent.size > 0, "some submissions were receipted before the kills");
  assert.ok(inFlightAtKills.some((n) => n > 0), `a kill found requests in flight (per kill: ${inFlightAtKills.join(", ")})`);

  const server = await startServer(db);
  try {
    // The subject's list publishes only known signers' commitments: a department approves the key first.
    const enrolment = signFlattenedJws({ type: "xinnuo.key-enrolment/1", credit_code: code, subject_name: TAX_VALUES.subject_name, requested_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }, privateKey);
    await fetch(`${server.url}/api/v1/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: enrolment });
    const { kty, crv, x } = publicKey.export({ format: "jwk" });
    execFileSync(process.env.XINNUO_SERVER_BIN, ["keys", "--db", db, "approve", ...xinnuo.fingerprintGroups(thumbprint({ kty, crv, x })).split(" "), "--credit-code", code]);
    for (const [id, { jws, receipt }] of sent) {
      const stored = await (await fetch(`${server.url}/api/v1/commitments/${id}`)).json();
      // Published without its disclosures (the personal values are kept apart).
      const { header: _disclosures, ...published } = JSON.parse(jws);
      assert.deepEqual(stored.envelope, published, `envelope of ${id} intact`);
      assert.deepEqual(stored.receipt, receipt, `receipt of ${id} intact`);
    }
    const list = async () => (await (await fetch(`${server.url}/api/v1/subjects/${code}/commitments`)).json()).commitments;
    const stored = await list();
    const ids = new Set(stored.map((c) => c.submission_id));
    assert.equal(ids.size, stored.length, "no submission stored twice");
    assert.equal(new Set(stored.map((c) => c.sequence)).size, stored.length, "sequence numbers unique");
    for (const id of sent.keys()) assert.ok(ids.has(id), `${id} present`);
    // Everything again: each is answered, nothing is duplicated.
    for (const body of all) {
      const answer = await post(server.url, body);
      assert.ok(answer && [200, 201].includes(answer.status), `resend answered ${answer?.status}`);
    }
    const after = await list();
    assert.equal(after.length, all.length, "every submission exactly once");
    console.log(`crash: ${KILLS} kills (requests in flight at each: ${inFlightAtKills.join(", ")}), ${sent.size} receipted before a kill, all intact; ${all.length} after resending, none twice`);
  } finally {
    server.child.kill("SIGKILL");
  }
});
