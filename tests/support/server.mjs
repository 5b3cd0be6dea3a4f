// What tests do to the running server besides HTTP: its command line (officers, imports) and the demo
// department site on a second origin.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync } from "node:crypto";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const demo = process.env.XINNUO_DEMO_URL;
if (!demo) throw new Error("XINNUO_DEMO_URL is not set: run these tests with `cargo xtask test`");
export const demoOrigin = new URL(demo).origin;

/** Runs `xinnuo-server ARGS` on the test database's server binary. */
export function serverCli(...args) {
  return execFileSync(process.env.XINNUO_SERVER_BIN, args, { encoding: "utf8" });
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
