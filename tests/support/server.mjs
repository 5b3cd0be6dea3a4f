// What tests do to the running server besides HTTP: its command line (officers, imports) and the demo
// department site on a second origin.
import { execFileSync, spawn } from "node:child_process";
import { createInterface } from "node:readline";
import assert from "node:assert/strict";
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { postJson } from "./http.mjs";
import { signFlattenedJws, thumbprint } from "./jose.mjs";

if (!process.env.XINNUO_DEMO_URL) throw new Error("XINNUO_DEMO_URL is not set: run these tests with `cargo xtask test`");
/** The demo page's link as the server prints it, without its demo enterprise: tests add `&code=` themselves. */
export const demo = process.env.XINNUO_DEMO_URL.replace(/&code=[^&]*/, "");
export const demoOrigin = new URL(demo).origin;

/** Runs `xinnuo-server ARGS` on the test database's server binary. */
export function serverCli(...args) {
  return execFileSync(process.env.XINNUO_SERVER_BIN, args, { encoding: "utf8" });
}

/**
 * Starts a server of a test's own: `xinnuo-server serve --addr 127.0.0.1:0 ARGS` (or at `addr`, e.g. where a
 * server stopped before listened, so that a browser meets it as the same site). Answers its URL, the process,
 * and the lines it printed until it listened (its keys among them).
 */
export async function spawnServer(args, { addr = "127.0.0.1:0" } = {}) {
  const child = spawn(process.env.XINNUO_SERVER_BIN, ["serve", "--addr", addr, ...args], { stdio: ["ignore", "pipe", "inherit"] });
  const lines = createInterface({ input: child.stdout });
  const printed = [];
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("the server did not start within 30 s")), 30_000);
    lines.on("line", (line) => {
      printed.push(line);
      const m = line.match(/listening on (http:\/\/\S+?)\/?$/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on("exit", (code, signal) => { clearTimeout(timer); reject(new Error(`server exited before listening (${code ?? signal})`)); });
  });
  return { child, url, printed };
}

async function scratchFile(name, content) {
  const file = join(await mkdtemp(join(tmpdir(), "xinnuo-test-")), name);
  await writeFile(file, content);
  return file;
}

/**
 * Registers a public JWK as an officer of `department` (`officers add`, with `--roles` when given); returns
 * the command's output.
 */
export async function registerOfficer(jwk, department, name = "王五", roles) {
  const file = await scratchFile("officer.jwk", JSON.stringify(jwk));
  const extra = roles ? ["--roles", roles] : [];
  return serverCli("officers", "--db", process.env.XINNUO_DB, "add", "--department", department, "--name", name, "--public-jwk", file, ...extra);
}

/** An officer with a key pair made here (Node's Ed25519, outside Xinnuo), registered for `department`. */
export async function newOfficer(department, name, roles) {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  const jwk = { kty, crv, x };
  const out = await registerOfficer(jwk, department, name, roles);
  return { privateKey, jwk, out };
}

/** The date `daysAgo` days before today in Beijing, `YYYY-MM-DD`. */
export function chinaDay(daysAgo = 0) {
  return new Date(Date.now() + 8 * 3_600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

/**
 * Imports a subject of a test's own with one general penalty whose minimum period is over and whose
 * obligations are met (like the demo's 可修复餐饮), so that what the test changes touches no shared data.
 */
export async function importEligibleSubject({ code, name, authority, decisionNo }) {
  const record = { id: "r-1", kind: "administrative_penalty", decision_no: decisionNo, authority, decided_on: chinaDay(150),
    class: "general", penalties: ["fine"], obligations_met_on: chinaDay(140), summary: "未按规定明码标价（测试）" };
  const file = await scratchFile("subject.json", JSON.stringify({ subjects: [{ credit_code: code, name, records: [record] }] }));
  serverCli("import", file, "--db", process.env.XINNUO_DB);
  return record;
}

/**
 * Enrols a key of the package (`xinnuo.unlockKey(…)`) for `code` and approves it on the command line, as a
 * department does after checking who holds it; only then may it apply for repair, object or withdraw.
 */
export async function approvePackageKey(key, code, name, fingerprintGroups) {
  const response = await fetch(`${process.env.XINNUO_URL}/api/v1/keys`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: key.signEnrolment(code, name),
  });
  if (![200, 201].includes(response.status)) throw new Error(`enrolment refused: ${await response.text()}`);
  serverCli("keys", "--db", process.env.XINNUO_DB, "approve", ...fingerprintGroups(key.kid).split(" "), "--credit-code", code);
}

/**
 * A key made with Node's own Ed25519, enrolled for `code` and approved on the command line: `{ privateKey,
 * jwk, kid }`.
 */
export async function approvedNodeKey(code, name, fingerprintGroups) {
  const { generateKeyPairSync, randomBytes } = await import("node:crypto");
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  const { kty, crv, x } = publicKey.export({ format: "jwk" });
  const jwk = { kty, crv, x };
  const request = signFlattenedJws({ type: "xinnuo.key-enrolment/1", credit_code: code, subject_name: name, requested_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") }, privateKey);
  const response = await fetch(`${process.env.XINNUO_URL}/api/v1/keys`, { method: "POST", headers: { "content-type": "application/json" }, body: request });
  if (response.status !== 201) throw new Error(`enrolment refused: ${await response.text()}`);
  const kid = thumbprint(jwk);
  serverCli("keys", "--db", process.env.XINNUO_DB, "approve", ...fingerprintGroups(kid).split(" "), "--credit-code", code);
  return { privateKey, jwk, kid };
}

/** Imports a subject of the register with no records (a company in good standing), with a line if given. */
export async function importSubject({ code, name, situation }) {
  const file = await scratchFile("subject.json", JSON.stringify({ subjects: [{ credit_code: code, name, situation, records: [] }] }));
  serverCli("import", file, "--db", process.env.XINNUO_DB);
}

/**
 * Approves every pending key enrolment for `code` as a department's key officer would after checking who
 * holds the key: an officer with the keys role, signed in, signs `key_approved` for each.
 */
export async function approvePendingEnrolments(code) {
  return decideEnrolments(code, "pending", "key_approved");
}

/** A key officer revokes every key approved for `code`; returns how many. */
export async function revokeApprovedEnrolments(code) {
  return decideEnrolments(code, "approved", "key_revoked", "密钥保管人已离职");
}

async function decideEnrolments(code, state, action, reason = "") {
  const { randomBytes } = await import("node:crypto");
  const url = process.env.XINNUO_URL;
  const checker = await newOfficer("山西省市场监督管理局", "密钥核验员", "keys");
  const { challenge } = await (await fetch(`${url}/api/v1/officer-sessions/challenge`, { method: "POST" })).json();
  const signIn = signFlattenedJws({ type: "xinnuo.officer-sign-in/1", challenge, signed_at: new Date().toISOString() }, checker.privateKey);
  const { token } = await (await fetch(`${url}/api/v1/officer-sessions`, { method: "POST", headers: { "content-type": "application/json" }, body: signIn })).json();
  const { enrolments } = await (await fetch(`${url}/api/v1/dept/key-enrolments?state=${state}&q=${code}`, { headers: { authorization: `Bearer ${token}` } })).json();
  for (const enrolment of enrolments) {
    const decision = { type: "xinnuo.decision/1", action, target: enrolment.request_id, reason, decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url") };
    const answer = await fetch(`${url}/api/v1/decisions`, { method: "POST", headers: { "content-type": "application/json" }, body: signFlattenedJws(decision, checker.privateKey) });
    if (answer.status !== 201) throw new Error(`${action} refused: ${await answer.text()}`);
  }
  return enrolments.length;
}

/** Signs a decision with an officer's Node key (an accept says the signer was identified at the counter), posts
 * it and returns the recorded decision (201 expected). */
export async function decide(officer, action, target, reason = "") {
  const identity = action === "accept" ? { identity_checked: "counter" } : {};
  const decision = { type: "xinnuo.decision/1", action, target, reason, decided_at: new Date().toISOString(), nonce: randomBytes(16).toString("base64url"), ...identity };
  const answer = await postJson("/api/v1/decisions", signFlattenedJws(decision, officer.privateKey));
  assert.equal(answer.status, 201, await answer.clone().text());
  return answer.json();
}
