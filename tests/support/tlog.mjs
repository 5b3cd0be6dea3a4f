// The public log checked with Node's own crypto (RFC 9162 hashing, C2SP signed notes and tlog-proof), not with
// our code: for every test that reads a receipt or a log proof.
import assert from "node:assert/strict";
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";

export const sha256 = (...parts) => createHash("sha256").update(Buffer.concat(parts)).digest();
export const leafHash = (entry) => sha256(Buffer.from([0]), Buffer.from(entry));
export const nodeHash = (left, right) => sha256(Buffer.from([1]), left, right);

/** C2SP signed-note verifier key `<name>+<hex key id>+<base64(0x01 ‖ key)>`. */
export function parseVerifierKey(vkey) {
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
export function openCheckpoint(note, vkey) {
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
export function rootFromInclusion(index, size, leaf, proof) {
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
export function parseTlogProof(text) {
  const [head, ...rest] = text.split("\n\n");
  const lines = head.split("\n");
  assert.equal(lines.shift(), "c2sp.org/tlog-proof@v1");
  if (lines[0].startsWith("extra ")) lines.shift();
  const index = Number(lines.shift().replace(/^index /, ""));
  return { index, proof: lines.map((l) => Buffer.from(l, "base64")), checkpoint: rest.join("\n\n") };
}

export function checkLogged(logged, logKey) {
  const { index, proof, checkpoint } = parseTlogProof(logged.proof);
  const head = openCheckpoint(checkpoint, logKey);
  assert.deepEqual(rootFromInclusion(index, head.size, leafHash(logged.entry), proof), head.root, "the entry is in the checkpoint");
  return { index, head, event: JSON.parse(logged.entry) };
}

/** The log's entries from its entry bundles (C2SP tlog-tiles: big-endian uint16 length, entry; full bundles at
 * `tile/entries/N`, the last at `.p/W`), each read with `read(path)` → bytes. */
export async function readEntries(size, read) {
  const entries = [];
  for (let n = 0; n * 256 < size; n++) {
    const width = Math.min(256, size - n * 256);
    const name = String(n).padStart(3, "0");
    const bytes = await read(width === 256 ? `tile/entries/${name}` : `tile/entries/${name}.p/${width}`);
    for (let at = 0; at < bytes.length;) {
      const length = bytes.readUInt16BE(at);
      entries.push(bytes.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
  }
  assert.ok(entries.length >= size, "the bundles hold every entry");
  return entries;
}

/** RFC 9162 MTH of the entries, computed here. */
export function treeHead(entries) {
  const mth = (leaves) => {
    if (leaves.length === 1) return leaves[0];
    let k = 1;
    while (k * 2 < leaves.length) k *= 2;
    return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
  };
  return mth(entries.map(leafHash));
}
