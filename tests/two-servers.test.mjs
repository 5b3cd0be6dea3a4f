// Two servers on one PostgreSQL database behave as one service. `cargo xtask test` starts both at the same
// moment on a fresh database (so they also race to migrate it and to create the server key) and runs this file
// with XINNUO_URL and XINNUO_URL_2; elsewhere it is skipped and says why.
import { test } from "node:test";
import assert from "node:assert/strict";
import { verifyFlattenedJws } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";
import { checkLogged } from "./support/tlog.mjs";

const servers = [process.env.XINNUO_URL, process.env.XINNUO_URL_2];
const skip = !process.env.XINNUO_URL_2 && "needs two servers on one PostgreSQL database (cargo xtask test starts them)";

function post(server, path, body) {
  return fetch(`${server}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body });
}

/// Sends `body` to both servers at once; answers [status, JSON] from each.
async function toBoth(path, body) {
  return Promise.all(servers.map(async (server) => {
    const response = await post(server, path, body);
    return [response.status, await response.json()];
  }));
}

test("two servers, one database: one server key, created once", { skip }, async () => {
  const [a, b] = await Promise.all(servers.map(async (server) => (await fetch(`${server}/api/v1/server-keys`)).json()));
  assert.equal(a.keys.length, 1, "the servers started together and made one key between them");
  assert.deepEqual(a, b);
});

test("a submission sent to both servers at once is stored once, with one sequence number and the same receipt", { skip }, async () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const { keys: [serverKey] } = await (await fetch(`${servers[0]}/api/v1/server-keys`)).json();
  const files = Array.from({ length: 80 }, () => key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }));
  // All at once: 160 requests in flight, each submission on both servers.
  const answers = await Promise.all(files.map((file) => toBoth("/api/v1/commitments", file)));
  const sequences = new Set();
  for (const [index, [[statusA, receiptA], [statusB, receiptB]]] of answers.entries()) {
    assert.deepEqual([statusA, statusB].sort(), [200, 201], `submission ${index}: stored by one server, found by the other`);
    // The same receipt and the same log entry; each answer proves it in the newest checkpoint it saw.
    const { log: logA, ...restA } = receiptA;
    const { log: logB, ...restB } = receiptB;
    assert.deepEqual(restA, restB, `submission ${index}: the same receipt from both`);
    assert.equal(logA.entry, logB.entry, `submission ${index}: the same log entry from both`);
    const place = (log) => log.proof.match(/\nindex (\d+)\n/)[1];
    assert.equal(place(logA), place(logB), `submission ${index}: at one place in the log`);
    assert.equal(receiptA.submission_id, verifyFlattenedJws(files[index]).submissionId);
    // The receipt: its entry, proved in a checkpoint the one log key signed (checked with Node's crypto).
    const { event } = checkLogged(receiptA.receipt, serverKey.log_key);
    assert.equal(event.sequence, receiptA.sequence);
    sequences.add(receiptA.sequence);
  }
  assert.equal(sequences.size, files.length, "sequence numbers are unique");
  // Each server reads what the other stored.
  for (const [[, receipt]] of answers.slice(0, 5)) {
    for (const server of servers) {
      const stored = await (await fetch(`${server}/api/v1/commitments/${receipt.submission_id}`)).json();
      assert.deepEqual(stored.receipt, receipt.receipt);
    }
  }
  key.free();
});

test("an enrolment sent to both servers at once is recorded once", { skip }, async () => {
  const keys = Array.from({ length: 20 }, () => xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE));
  const answers = await Promise.all(keys.map((key) => toBoth("/api/v1/keys", key.signEnrolment(TAX_VALUES.credit_code, "山西示例科技有限公司"))));
  for (const [index, [[statusA, rowA], [statusB, rowB]]] of answers.entries()) {
    assert.deepEqual([statusA, statusB].sort(), [200, 201], `enrolment ${index}`);
    assert.deepEqual(rowA, rowB);
    assert.equal(rowA.status, "pending");
  }
  for (const key of keys) key.free();
});
