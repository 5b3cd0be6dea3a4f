// The public log against a real server: every receipt carries its entry and an inclusion proof in a signed
// checkpoint, checked here with Node's own crypto (RFC 9162 hashing, C2SP signed notes), not with our code;
// the tiles the server publishes hold the same entries; a decision and an objection's record change land too.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify as verifySignature, randomBytes } from "node:crypto";
import { base, postJson } from "./support/http.mjs";
import { signFlattenedJws } from "./support/jose.mjs";
import { newOfficer } from "./support/server.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE } from "./support/fixtures.mjs";

const sha256 = (...parts) => createHash("sha256").update(Buffer.concat(parts)).digest();
const leafHash = (entry) => sha256(Buffer.from([0]), Buffer.from(entry));
const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);

/** C2SP signed-note verifier key `<name>+<hex key id>+<base64(0x01 ‖ key)>`. */
function parseVerifierKey(vkey) {
  // Base64 may hold "+": only the first two separate.
  const [name, id] = vkey.split("+", 2);
  const key = vkey.slice(name.length + id.length + 2);
  const bytes = Buffer.from(key, "base64");
  assert.equal(bytes[0], 1, "an Ed25519 note key");
  const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes.subarray(1).toString("base64url") }, format: "jwk" });
  // The key id is the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key).
  const expectedId = sha256(Buffer.from(`${name}\n`), bytes).subarray(0, 4).toString("hex");
  assert.equal(id, expectedId, "the key id is derived from the name and key");
  return { name, id: Buffer.from(id, "hex"), publicKey };
}

/** Opens a checkpoint note with `vkey`: its body (origin, size, root) once the signature verifies. */
function openCheckpoint(note, vkey) {
  const key = parseVerifierKey(vkey);
  const split = note.indexOf("\n\n");
  const body = note.slice(0, split + 1);
  const signatures = note.slice(split + 2).split("\n").filter(Boolean);
  const ours = signatures.map((line) => line.match(/^— (\S+) (\S+)$/)).find((m) => m && m[1] === key.name);
  assert.ok(ours, "signed by the log key");
  const bytes = Buffer.from(ours[2], "base64");
  assert.deepEqual(bytes.subarray(0, 4), key.id);
  assert.ok(verifySignature(null, Buffer.from(body), key.publicKey, bytes.subarray(4)), "the checkpoint's signature verifies");
  const [origin, size, root] = body.split("\n");
  return { origin, size: Number(size), root: Buffer.from(root, "base64") };
}

/** RFC 9162 §2.1.3.2: the root an inclusion proof leads to. */
function rootFromInclusion(index, size, leaf, proof) {
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    assert.ok(sn > 0, "proof not longer than the path");
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
    } else {
      r = nodeHash(r, p);
    }
    fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
  }
  assert.equal(sn, 0, "proof as long as the path");
  return r;
}

/** C2SP tlog-proof text → { index, proof, checkpoint }. */
function parseTlogProof(text) {
  const [head, ...rest] = text.split("\n\n");
  const lines = head.split("\n");
  assert.equal(lines.shift(), "c2sp.org/tlog-proof@v1");
  if (lines[0].startsWith("extra ")) lines.shift();
  const index = Number(lines.shift().replace(/^index /, ""));
  return { index, proof: lines.map((l) => Buffer.from(l, "base64")), checkpoint: rest.join("\n\n") };
}

function checkLogged(logged, logKey) {
  const { index, proof, checkpoint } = parseTlogProof(logged.proof);
  const head = openCheckpoint(checkpoint, logKey);
  assert.deepEqual(rootFromInclusion(index, head.size, leafHash(logged.entry), proof), head.root, "the entry is in the checkpoint");
  return { index, head, event: JSON.parse(logged.entry) };
}

async function logKey() {
  const { keys } = await (await fetch(`${base}/api/v1/server-keys`)).json();
  const current = keys.find((k) => k.current);
  assert.match(current.log_key ?? "", /^xinnuo\.log\/\S+\+[0-9a-f]{8}\+/, "the server keys list the log key");
  return { keys, logKey: current.log_key };
}

test("a receipt is an entry of the public log, proved in a signed checkpoint anyone can check", async () => {
  const { keys, logKey: vkey } = await logKey();
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const file = key.signCommitment({ template_id: "tax-service", values: TAX_VALUES });
  const response = await postJson("/api/v1/commitments", file);
  assert.equal(response.status, 201);
  const answer = await response.json();
  assert.ok(answer.log, "the answer carries its log entry");

  // Checked with Node's crypto alone.
  const { index, head, event } = checkLogged(answer.log, vkey);
  assert.deepEqual(event, { event: "received", key_status: answer.key_status, received_at: answer.received_at,
    sequence: answer.sequence, submission_id: answer.submission_id, type: "xinnuo.log/1" }, "the entry says what the receipt says, nothing more");
  assert.ok(!answer.log.entry.includes(TAX_VALUES.credit_code), "what it is about is not in the public entry");
  assert.equal(head.origin, vkey.split("+", 1)[0]);

  // Checked with the package, offline, against the pinned keys; old signed receipts still verify alone.
  const checked = xinnuo.verifyReceipt(answer, answer.submission_id, { keys });
  assert.equal(checked.valid, true, JSON.stringify(checked.errors));
  assert.deepEqual([checked.log.index, checked.log.checkpointSize], [index, head.size]);
  assert.equal(xinnuo.verifyReceipt(JSON.stringify(answer.receipt), answer.submission_id, { keys }).valid, true);
  // A proof bent by one hash, or another submission's entry, is refused.
  const bent = { ...answer, log: { ...answer.log, proof: answer.log.proof.replace(/\nindex (\d+)\n/, (_, n) => `\nindex ${Number(n) + 1}\n`) } };
  assert.equal(xinnuo.verifyReceipt(bent, answer.submission_id, { keys }).valid, false);
  const withoutLogKeys = { keys: keys.map(({ log_key, ...rest }) => rest) };
  assert.equal(xinnuo.verifyReceipt(answer, answer.submission_id, withoutLogKeys).errors[0].code, "unknown_server_key");

  // The same submission again: the same entry, proved in the newest checkpoint.
  const again = await (await postJson("/api/v1/commitments", file)).json();
  assert.equal(checkLogged(again.log, vkey).index, index);
  const byRef = await (await fetch(`${base}/api/v1/log/proof?ref=${answer.submission_id}`)).json();
  assert.equal(checkLogged(byRef, vkey).index, index);
  assert.equal((await fetch(`${base}/api/v1/log/proof?ref=nothing-here`)).status, 404);
});

test("the tiles the server publishes hold every entry and hash to the signed root (C2SP tlog-tiles)", async () => {
  const { logKey: vkey } = await logKey();
  const note = await (await fetch(`${base}/log/checkpoint`)).text();
  const head = openCheckpoint(note, vkey);
  assert.ok(head.size > 0);
  // Entry bundles: big-endian uint16 length, entry; full bundles at tile/entries/N, the last at .p/W.
  const entries = [];
  for (let n = 0; n * 256 < head.size; n++) {
    const width = Math.min(256, head.size - n * 256);
    const name = String(n).padStart(3, "0");
    const path = width === 256 ? `tile/entries/${name}` : `tile/entries/${name}.p/${width}`;
    const response = await fetch(`${base}/log/${path}`);
    assert.equal(response.status, 200, path);
    if (width === 256) assert.match(response.headers.get("cache-control"), /immutable/);
    const bytes = Buffer.from(await response.arrayBuffer());
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readUInt16BE(at);
      entries.push(bytes.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  assert.ok(entries.length >= head.size);
  // The root of the first `size` entries, computed here (RFC 9162 MTH).
  const mth = (leaves) => {
    if (leaves.length === 1) return leaves[0];
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  assert.deepEqual(mth(entries.slice(0, head.size).map(leafHash)), head.root, "the published entries make the signed root");
  const events = entries.map((e) => JSON.parse(e.toString()));
  assert.ok(events.some((e) => e.event === "server_key"), "the server key's start is logged");
  assert.ok(events.some((e) => e.event === "record" && e.change === "added"), "imported records are logged");
  assert.equal((await fetch(`${base}/log/tile/0/x001/../../etc`)).status, 404, "only canonical tile paths");
});

test("a decision and what it changes of the record are logged with it", async () => {
  const { logKey: vkey } = await logKey();
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const answer = await (await postJson("/api/v1/commitments", key.signCommitment({ template_id: "tax-service", values: TAX_VALUES }))).json();
  const officer = await newOfficer("国家税务总局山西省税务局", "日志测试员");
  const decision = { type: "xinnuo.decision/1", action: "return", target: answer.submission_id, reason: "请补充经办人信息（日志测试）",
    decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
  const decided = await postJson("/api/v1/decisions", signFlattenedJws(decision, officer.privateKey));
  assert.equal(decided.status, 201, await decided.clone().text());
  const published = await decided.json();
  const { decision_id } = published;
  const logged = await (await fetch(`${base}/api/v1/log/proof?ref=${decision_id}`)).json();
  const { event, index } = checkLogged(logged, vkey);
  assert.deepEqual([event.event, event.action, event.state, event.target], ["decision", "return", "returned", answer.submission_id]);
  // The decision's own answer carries the same entry with its proof, and so does the published decision.
  assert.equal(checkLogged(published.log, vkey).index, index);
  assert.equal(JSON.parse(published.log.entry).decision_id, decision_id);
  const fetched = await (await fetch(`${base}/api/v1/decisions/${decision_id}`)).json();
  assert.equal(checkLogged(fetched.log, vkey).index, index);
});
