// Hostile input: over 200 malformed or malicious requests against the running server. Each gets the right
// status and an RFC 9457 problem (Chinese title first), and the database is byte-for-byte unchanged afterwards
// (checked with `xinnuo-server digest`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { request } from "node:http";
import { generateKeyPairSync } from "node:crypto";
import { base } from "./support/http.mjs";
import { xinnuo, PASSPHRASE, TAX_VALUES, commitmentPayload } from "./support/fixtures.mjs";
import { signFlattenedJws, canonicalize } from "./support/jose.mjs";

const digest = () => execFileSync(process.env.XINNUO_SERVER_BIN, ["digest", "--db", process.env.XINNUO_DB], { encoding: "utf8" });

/** A raw HTTP request (no URL normalisation, any header, body in chunks with pauses). */
function raw({ method = "GET", path, headers = {}, chunks = [], pauseMs = 0 }) {
  const target = new URL(base);
  return new Promise((resolve, reject) => {
    const req = request({ host: target.hostname, port: target.port, method, path, headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (d) => { body += d; });
      res.on("end", () => resolve({ status: res.statusCode, type: res.headers["content-type"] ?? "", body }));
    });
    req.on("error", reject);
    (async () => {
      for (const chunk of chunks) {
        req.write(chunk);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
      req.end();
    })();
  });
}

const json = { "content-type": "application/json" };
const b64 = (text) => Buffer.from(text).toString("base64url");

test("200+ hostile requests: right status, problem+json, and the database unchanged", { timeout: 120_000 }, async () => {
  // A real submission made before the snapshot: replaying it must change nothing.
  const key = xinnuo.unlockKey(xinnuo.createKey(PASSPHRASE).keyFile, PASSPHRASE);
  const good = key.signCommitment({ template_id: "tax-service", values: TAX_VALUES });
  const first = await fetch(`${base}/api/v1/commitments`, { method: "POST", headers: json, body: good });
  assert.ok([200, 201].includes(first.status));
  const receipt = await first.json();
  const goodJws = JSON.parse(good);
  const header = JSON.parse(Buffer.from(goodJws.protected, "base64url"));
  const { privateKey } = generateKeyPairSync("ed25519");
  const enrolment = key.signEnrolment(TAX_VALUES.credit_code, "山西示例科技有限公司");
  const before = digest();

  const cases = [];
  const add = (name, req, status, slug) => cases.push({ name, req, status, slug });
  const postTo = ["/api/v1/commitments", "/api/v1/keys", "/api/v1/repair-applications", "/api/v1/decisions", "/api/v1/objections"];

  // Malformed JSON and wrong shapes.
  const badJson = ["", "{", "[", "}", "{\"a\":}", "nul", "tru", "{'a':1}", "\u0000", "[1,2,", "{\"protected\":\"a\" \"payload\":1}", "\ufeff{}x", "{\"a\":1}}", "[}", "\"unterminated", "{\"a\":NaN}"];
  for (const path of postTo) for (const body of badJson) add(`bad json ${JSON.stringify(body)} → ${path}`, { method: "POST", path, headers: json, body }, 400, "malformed_json");
  const badShapes = ["{}", "[]", "null", "1", "\"jws\"", "{\"protected\":1,\"payload\":2,\"signature\":3}", "{\"protected\":\"!!\",\"payload\":\"x\",\"signature\":\"y\"}"];
  for (const path of postTo) for (const body of badShapes) add(`bad shape ${body} → ${path}`, { method: "POST", path, headers: json, body }, 400, "bad_envelope");
  // Deep nesting and huge strings inside the size limit.
  for (const path of postTo) {
    add(`deep arrays → ${path}`, { method: "POST", path, headers: json, body: "[".repeat(5_000) + "]".repeat(5_000) }, 400, "malformed_json");
    add(`deep objects → ${path}`, { method: "POST", path, headers: json, body: "{\"a\":".repeat(2_000) + "1" + "}".repeat(2_000) }, 400, "malformed_json");
    add(`huge string → ${path}`, { method: "POST", path, headers: json, body: JSON.stringify({ protected: "x".repeat(15_000), payload: "y", signature: "z" }) }, 400, "bad_envelope");
  }
  // Oversize bodies, with and without Content-Length.
  for (const [path, size] of [["/api/v1/commitments", 70_000], ["/api/v1/keys", 20_000], ["/api/v1/repair-applications", 70_000], ["/api/v1/decisions", 20_000], ["/api/v1/objections", 20_000], ["/api/v1/commitments", 5_000_000]]) {
    add(`oversize ${size} → ${path}`, { method: "POST", path, headers: json, body: JSON.stringify({ pad: "x".repeat(size) }) }, 413, "too_large");
    add(`oversize chunked ${size} → ${path}`, { raw: { method: "POST", path, headers: { ...json, "transfer-encoding": "chunked" }, chunks: ["{\"pad\":\"", "x".repeat(size), "\"}"] } }, 413, "too_large");
  }
  // A body declared far too large is refused before a byte of it is read.
  add("declared 100 MiB", { raw: { method: "POST", path: "/api/v1/commitments", headers: { ...json, "content-length": String(100 * 1024 * 1024) }, chunks: ["{"] } }, 413, "too_large");
  add("codes:check over 4 MiB", { method: "POST", path: "/api/v1/codes:check", headers: { "content-type": "text/plain" }, body: "9".repeat(5 * 1024 * 1024) }, 413, "too_large");
  // Wrong content types.
  for (const path of postTo) {
    for (const type of ["text/plain", "application/xml", "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "application/jsonx"]) {
      add(`content type ${type} → ${path}`, { method: "POST", path, headers: { "content-type": type }, body: good }, 415, "unsupported_media_type");
    }
    add(`no content type → ${path}`, { raw: { method: "POST", path, chunks: [good], headers: { "content-length": Buffer.byteLength(good) } } }, 415, "unsupported_media_type");
  }
  add("codes:check xml", { method: "POST", path: "/api/v1/codes:check", headers: { "content-type": "application/xml" }, body: "<a/>" }, 415, "unsupported_media_type");
  // Forged signatures and keys.
  const flip = (text) => text.slice(0, -2) + (text.at(-2) === "A" ? "B" : "A") + text.at(-1);
  const forged = [
    ["flipped signature", { ...goodJws, signature: flip(goodJws.signature) }, 422, "bad_signature"],
    ["signature of another message", { ...goodJws, payload: b64(canonicalize({ ...JSON.parse(Buffer.from(goodJws.payload, "base64url")), nonce: "AAAAAAAAAAAAAAAAAAAAAA" })) }, 422, "bad_signature"],
    ["short signature", { ...goodJws, signature: "AAAA" }, 422, "bad_signature"],
    ["alg none", { ...goodJws, protected: b64(JSON.stringify({ ...header, alg: "none" })) }, 400, "bad_envelope"],
    ["alg HS256", { ...goodJws, protected: b64(JSON.stringify({ ...header, alg: "HS256" })) }, 400, "bad_envelope"],
    ["kid of another key", { ...goodJws, protected: b64(JSON.stringify({ ...header, kid: "x".repeat(43) })) }, 400, "bad_envelope"],
    ["jwk on another curve", { ...goodJws, protected: b64(JSON.stringify({ ...header, jwk: { ...header.jwk, crv: "X25519" } })) }, 400, "bad_envelope"],
    ["jwk x too short", { ...goodJws, protected: b64(JSON.stringify({ ...header, jwk: { ...header.jwk, x: "AAAA" } })) }, 400, "bad_envelope"],
    ["non-canonical payload", { ...goodJws, payload: b64(JSON.stringify(JSON.parse(Buffer.from(goodJws.payload, "base64url")), null, 1)) }, 422, "bad_signature"],
    ["claims our key, signed by another", JSON.parse(signFlattenedJws(commitmentPayload(), privateKey, header.jwk)), 422, "bad_signature"],
  ];
  // Enrolments, decisions and objections are never files with disclosures: their forgeries go without the header.
  const withoutDisclosures = ({ header: _disclosures, ...jws }) => jws;
  for (const path of postTo) for (const [name, body, status, slug] of forged) {
    const sent = ["/api/v1/keys", "/api/v1/decisions", "/api/v1/objections"].includes(path) ? withoutDisclosures(body) : body;
    add(`${name} → ${path}`, { method: "POST", path, headers: json, body: JSON.stringify(sent) }, status, slug);
  }
  // Validly signed by a foreign key, wrong in content.
  const foreign = (payload) => signFlattenedJws(payload, privateKey);
  add("unknown template", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign(commitmentPayload(TAX_VALUES, { id: "x" })) }, 422, "unknown_template");
  add("text hash mismatch", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign(commitmentPayload(TAX_VALUES, { text_sha256: "0".repeat(64) })) }, 422, "text_hash_mismatch");
  add("future signature", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), signed_at: "2099-01-01T00:00:00Z" }) }, 422, "signed_in_future");
  // Backdated beyond the week a device may stay offline.
  const eightDaysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString();
  add("backdated signature", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), signed_at: eightDaysAgo }) }, 422, "signed_too_long_ago");
  add("signed a year ago", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), signed_at: "2025-11-26T02:00:00Z" }) }, 422, "signed_too_long_ago");
  // Members nobody signed, or nobody defined: never stored beside a signature.
  const withMember = (extra) => JSON.stringify({ ...JSON.parse(foreign(commitmentPayload())), ...extra });
  add("unprotected header", { method: "POST", path: "/api/v1/commitments", headers: json, body: withMember({ header: { note: "未签名的说明" } }) }, 400, "unexpected_member");
  add("extra JWS member", { method: "POST", path: "/api/v1/commitments", headers: json, body: withMember({ remark: "x" }) }, 400, "unexpected_member");
  add("extra payload member", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), remark: "另行约定" }) }, 400, "unexpected_member");
  add("extra template member", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign(commitmentPayload(TAX_VALUES, { url: "https://example.invalid" })) }, 400, "unexpected_member");
  // Personal values: in clear, stripped, or swapped for others.
  add("personal value in clear", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), values: { ...commitmentPayload().values, phone: "0351-1234567" } }) }, 422, "bad_disclosure");
  const { header: _stripped, ...noDisclosures } = JSON.parse(foreign(commitmentPayload()));
  add("disclosures stripped", { method: "POST", path: "/api/v1/commitments", headers: json, body: JSON.stringify(noDisclosures) }, 422, "disclosures_missing");
  add("disclosure swapped", { method: "POST", path: "/api/v1/commitments", headers: json, body: JSON.stringify({ ...noDisclosures, header: { disclosures: [b64(JSON.stringify(["AAAAAAAAAAAAAAAAAAAAAA", "phone", "0351-7654321"]))] } }) }, 422, "bad_disclosure");
  add("disclosures not a list", { method: "POST", path: "/api/v1/commitments", headers: json, body: JSON.stringify({ ...noDisclosures, header: { disclosures: "x" } }) }, 400, "bad_envelope");
  add("credit code mismatch", { method: "POST", path: "/api/v1/commitments", headers: json, body: foreign({ ...commitmentPayload(), credit_code: "91350100M000100Y43" }) }, 422, "credit_code_mismatch");
  add("not a repair commitment", { method: "POST", path: "/api/v1/repair-applications", headers: json, body: good }, 422, "not_a_repair_commitment");
  add("enrolment as commitment", { method: "POST", path: "/api/v1/commitments", headers: json, body: enrolment }, 422, "not_a_commitment");
  add("commitment as enrolment", { method: "POST", path: "/api/v1/keys", headers: json, body: JSON.stringify(withoutDisclosures(goodJws)) }, 422, "not_an_enrolment");
  add("commitment as decision", { method: "POST", path: "/api/v1/decisions", headers: json, body: JSON.stringify(withoutDisclosures(goodJws)) }, 422, "not_a_decision");
  add("decision by a stranger", { method: "POST", path: "/api/v1/decisions", headers: json, body: signFlattenedJws({ type: "xinnuo.decision/1", action: "accept", target: "ab".repeat(32), reason: "", decided_at: new Date().toISOString(), nonce: "AAAAAAAAAAAAAAAAAAAAAA" }, privateKey) }, 403, "not_an_officer");
  const objection = { type: "xinnuo.objection/1", credit_code: TAX_VALUES.credit_code, record_id: "r-1", grounds: "该记录所依据的决定已被撤销，附证明。", signed_at: new Date().toISOString(), nonce: "AAAAAAAAAAAAAAAAAAAAAA" };
  add("objection by an unapproved key", { method: "POST", path: "/api/v1/objections", headers: json, body: signFlattenedJws(objection, privateKey) }, 403, "key_not_approved");
  add("objection with a short reason", { method: "POST", path: "/api/v1/objections", headers: json, body: signFlattenedJws({ ...objection, grounds: "错" }, privateKey) }, 422, "bad_grounds");
  add("objection with an unsigned member", { method: "POST", path: "/api/v1/objections", headers: json, body: signFlattenedJws({ ...objection, record_id: "../../etc" }, privateKey) }, 422, "bad_record_id");
  add("objection signed eight days ago", { method: "POST", path: "/api/v1/objections", headers: json, body: signFlattenedJws({ ...objection, signed_at: eightDaysAgo }, privateKey) }, 422, "signed_too_long_ago");
  add("commitment as objection", { method: "POST", path: "/api/v1/objections", headers: json, body: JSON.stringify(withoutDisclosures(goodJws)) }, 422, "not_an_objection");
  add("decision on an objection by a stranger", { method: "POST", path: "/api/v1/decisions", headers: json, body: signFlattenedJws({ type: "xinnuo.decision/1", action: "objection_upheld", target: "cd".repeat(32), reason: "成立", decided_at: new Date().toISOString(), nonce: "AAAAAAAAAAAAAAAAAAAAAA" }, privateKey) }, 403, "not_an_officer");
  for (const inbox of ["commitments", "repair-applications", "objections", "key-enrolments"]) {
    for (const auth of [undefined, "Bearer", "Bearer forged-token", `Bearer ${process.env.XINNUO_ADMIN_TOKEN}`]) {
      add(`inbox ${inbox} with ${String(auth).slice(0, 20)}`, { method: "GET", path: `/api/v1/dept/${inbox}`, headers: auth ? { authorization: auth } : {} }, 401, "unauthorized");
    }
  }
  add("commitment with disclosures as enrolment", { method: "POST", path: "/api/v1/keys", headers: json, body: good }, 400, "unexpected_member");
  // Replays change nothing.
  for (let i = 0; i < 5; i++) add(`replay ${i}`, { method: "POST", path: "/api/v1/commitments", headers: json, body: good }, 200);
  // Admin without the right token.
  for (const auth of [undefined, "Bearer", "Bearer ", "Bearer wrong", `Bearer ${"x".repeat(10_000)}`, "Basic YWRtaW46YWRtaW4=", `bearer ${process.env.XINNUO_ADMIN_TOKEN}`, `Bearer ${process.env.XINNUO_ADMIN_TOKEN}x`]) {
    add(`admin approve with ${String(auth).slice(0, 20)}`, { method: "POST", path: `/api/v1/admin/keys/${key.kid}/approve`, headers: auth ? { authorization: auth } : {}, body: "" }, 401, "unauthorized");
  }
  // Path tricks.
  for (const path of ["/api/v1/commitments/..%2F..%2Fetc%2Fpasswd", "/api/v1/commitments/%00", "/api/v1/commitments/" + "a".repeat(65), "/api/v1/commitments/ZZ" + "0".repeat(62), "/api/v1/commitments/' OR 1=1 --".replace(/ /g, "%20")]) {
    add(`path ${path.slice(0, 40)}`, { raw: { path } }, 400, "bad_submission_id");
  }
  for (const path of ["/api/v1/subjects/%00/commitments", "/api/v1/subjects/..%2F..%2Fetc/commitments", "/api/v1/subjects/91140105123456788E", "/api/v1/subjects/9114010512345678%2F"]) {
    add(`subject path ${path.slice(0, 40)}`, { raw: { path } }, 400, "invalid_credit_code");
  }
  // Invisible direction marks are stripped like any pasted code: an unknown subject, not a different one.
  add("subject path with RTL marks", { raw: { path: "/api/v1/subjects/%E2%80%AE91140105123456788F%E2%80%AC" } }, 404, "subject_not_found");
  for (const path of ["/api/v1/../../etc/passwd", "/api/v1/%2e%2e/%2e%2e/Cargo.toml", "/api/v2/commitments", "/api/v1/admin", "/api/v1/admin/keys", "/api/v1/commitments/a/b"]) {
    add(`unknown ${path}`, { raw: { path } }, 404, "not_found");
  }
  // Queries.
  for (const query of ["on=2026-02-30", "on=2026-1-1", "on=yesterday", "on=%00"]) {
    add(`subject ?${query}`, { method: "GET", path: `/api/v1/subjects/${TAX_VALUES.credit_code}?${query}` }, 400, "bad_date");
  }
  for (const query of ["per_page=-1", "page=abc", "per_page=1e9", "page=-5", "page=4294967295&per_page=100", "page=42949674&per_page=100"]) {
    add(`search ?${query}`, { method: "GET", path: `/api/v1/subjects?${query}` }, 400, "bad_query");
  }
  for (const query of ["decided_on=2026-13-01", "decided_on=", "working_days=-1&decided_on=2026-01-05", "working_days=x&decided_on=2026-01-05"]) {
    add(`deadline ?${query}`, { method: "GET", path: `/api/v1/deadlines?${query}` }, 400);
  }
  add("deadline out of range", { method: "GET", path: "/api/v1/deadlines?decided_on=2026-01-05&working_days=100000" }, 422, "working_days_out_of_range");
  // Methods.
  for (const path of ["/api/v1/commitments", "/api/v1/keys", "/api/v1/server-keys", "/api/v1/templates", "/healthz"]) {
    for (const method of ["PUT", "DELETE", "PATCH"]) add(`${method} ${path}`, { method, path }, 405, "method_not_allowed");
  }
  // Codes.
  for (const body of ["{\"codes\":[]}", "[1,2,3]", "[null]", "[[\"a\"]]", "{"]) {
    add(`codes:check ${body}`, { method: "POST", path: "/api/v1/codes:check", headers: json, body }, 400, "bad_json");
  }
  add("codes:check bad utf-8", { method: "POST", path: "/api/v1/codes:check", headers: { "content-type": "text/plain" }, body: Buffer.from([0xff, 0xfe, 0x39]) }, 400, "bad_encoding");
  add("province 火星", { method: "GET", path: `/api/v1/codes/91350100M000100Y43?province=${encodeURIComponent("火星")}` }, 400, "unknown_province");
  // A slow body, trickled in 20 pieces: still answered properly.
  add("slow body", { raw: { method: "POST", path: "/api/v1/commitments", headers: { ...json, "transfer-encoding": "chunked" }, chunks: Array.from({ length: 20 }, (_, i) => (i === 0 ? "{\"protected\":\"a\"" : " ")).concat(["}"]), pauseMs: 50 } }, 400, "bad_envelope");

  assert.ok(cases.length >= 200, `${cases.length} cases`);
  const failures = [];
  for (const { name, req, status, slug } of cases) {
    let res;
    if (req.raw) {
      res = await raw(req.raw);
    } else {
      const response = await fetch(`${base}${req.path}`, { method: req.method, headers: req.headers, body: req.body });
      res = { status: response.status, type: response.headers.get("content-type") ?? "", body: await response.text() };
    }
    if (res.status !== status) {
      failures.push(`${name}: status ${res.status}, expected ${status}: ${res.body.slice(0, 160)}`);
      continue;
    }
    if (status >= 400) {
      const problem = res.type.startsWith("application/problem+json") ? JSON.parse(res.body) : null;
      if (!problem || problem.status !== status || !/[\u4e00-\u9fff]/.test(problem.title) || !problem.detail_zh) {
        failures.push(`${name}: not a proper problem: ${res.type} ${res.body.slice(0, 160)}`);
      } else if (slug && problem.type !== `urn:xinnuo:problem:${slug}`) {
        failures.push(`${name}: ${problem.type}, expected ${slug}`);
      }
    } else if (name.startsWith("replay")) {
      assert.equal(JSON.parse(res.body).sequence, receipt.sequence);
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${cases.length} failed`);
  assert.equal(digest(), before, "the database is unchanged");
  console.log(`hostile: ${cases.length} requests, all answered as expected, database unchanged`);
  key.free();
});
