// Commitments, keys and envelopes through the npm package in Node, checked by a verifier that is not ours.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { generateKeyPairSync, createPublicKey, sign as cryptoSign, verify as cryptoVerify } from "node:crypto";
import { canonicalize, verifyFlattenedJws, signFlattenedJws, thumbprint } from "./support/jose.mjs";
import { xinnuo, TAX_VALUES, PASSPHRASE as PASS, inForce } from "./support/fixtures.mjs";

const filled = { template_id: "tax-service", values: TAX_VALUES };

test("twelve or more templates: the pilot fields and every kind", () => {
  const list = xinnuo.listTemplates();
  assert.ok(list.length >= 12, `${list.length}`);
  const fields = list.map((t) => t.field.zh);
  for (const f of ["纳税服务", "电力", "科研", "会计", "注册登记", "食品药品", "证明事项", "不动产登记", "投资项目", "容缺受理"]) {
    assert.ok(fields.includes(f), f);
  }
  // People sign too (证明事项, 不动产登记): name and resident ID number, no credit code.
  const people = [...new Set(list.filter((t) => t.signer === "person").map((t) => t.id))].sort();
  assert.deepEqual(people, ["certification-notice-person", "real-estate-person"]);
  assert.ok(list.filter((t) => t.signer === "entity").length >= 12);
  const person = xinnuo.getTemplate("real-estate-person");
  assert.deepEqual(["person_name", "person_id"].map((id) => person.fields.find((f) => f.id === id).type), ["person_name", "id_number"]);
  assert.ok(!person.fields.some((f) => f.id === "credit_code"));
  // A registration of establishment has no credit code yet; a change or deregistration needs one.
  const registration = xinnuo.getTemplate("registration", "1.1.0");
  assert.deepEqual(registration.fields.find((f) => f.id === "credit_code").required_if, { field: "registration_type", one_of: ["change", "deregister"] });
  assert.match(registration.notes.map((n) => n.zh).join(""), /第二十一条/);
  const deferred = list.find((t) => t.id === "deferred-materials");
  assert.equal(deferred.kind, "deferred");
  assert.deepEqual(["missing_materials", "supply_by"].map((id) => xinnuo.getTemplate("deferred-materials").fields.find((f) => f.id === id).required), [true, true]);
  const tax = xinnuo.getTemplate("tax-service");
  assert.equal(tax.title.zh, "纳税服务信用承诺书");
  assert.match(tax.text_sha256, /^[0-9a-f]{64}$/);
  assert.equal(tax.fields.find((f) => f.id === "credit_code").type, "credit_code");
  assert.throws(() => xinnuo.getTemplate("tax-service", "0.0.1"), /没有版本.*has no version/);
  assert.throws(() => xinnuo.getTemplate("nope"), /没有编号为 "nope" 的承诺书模板/);
});

test("validation names the field, in Chinese and English", () => {
  assert.deepEqual(xinnuo.validateCommitment(filled), []);
  const issues = xinnuo.validateCommitment({ template_id: "tax-service", values: { ...TAX_VALUES, phone: "123", confirm_read: false } });
  assert.deepEqual(issues.map((i) => [i.field, i.code]), [["phone", "invalid_phone"], ["confirm_read", "not_confirmed"]]);
  assert.match(issues[0].message_zh, /手机号/);
  assert.match(issues[0].message_en, /mobile number/);
  assert.throws(() => xinnuo.validateCommitment({ values: {} }), /template_id/);
  // A wrong JavaScript type is named; no position in JSON text the caller never wrote.
  assert.throws(() => xinnuo.validateCommitment({ template_id: 3, values: {} }), (error) => {
    assert.match(error.message, /承诺书内容格式不正确.*invalid type: integer `3`, expected a string$/);
    return true;
  });
  assert.throws(() => xinnuo.validateCommitment(5n), /承诺书内容格式不正确.*not representable as JSON/);
});

test("rendering: the draft shows blanks, the complete form the values", () => {
  const draft = xinnuo.renderCommitment({ template_id: "tax-service", values: {} });
  assert.match(draft.text, /〔承诺主体名称〕/);
  const full = xinnuo.renderCommitment(filled, { signedOn: "2026-11-26" });
  assert.equal(full.title, "纳税服务信用承诺书");
  assert.match(full.text, /本单位山西示例科技有限公司（统一社会信用代码：91140105123456788F）/);
  assert.match(full.text, /承诺日期：2026年11月26日/);
  assert.match(xinnuo.renderCommitment(filled, { lang: "en" }).text, /Credit commitment for tax services/);
});

test("key files are encrypted; a wrong passphrase says so", () => {
  const key = xinnuo.createKey(PASS, "财务部");
  const file = JSON.parse(key.keyFile);
  assert.equal(file.kdf.alg, "argon2id");
  assert.ok(file.kdf.m >= 19456);
  assert.equal(file.cipher.alg, "A256GCM");
  assert.equal(key.kid, thumbprint(key.publicKeyJwk));
  assert.match(key.fingerprint, /^([A-Z2-7]{4} ){12}[A-Z2-7]{4}$/);
  assert.equal(xinnuo.readKeyFile(key.keyFile).label, "财务部");
  assert.throws(() => xinnuo.signCommitment(key.keyFile, "wrong passphrase", filled), (error) => {
    // The thrown error names its code and carries each language apart.
    assert.equal(error.code, "wrong_passphrase");
    assert.equal(error.message_zh, "口令不正确（或密钥文件已被改动）");
    assert.equal(error.message_en, "wrong passphrase (or the key file was altered)");
    return /口令不正确.*wrong passphrase/.test(error.message);
  });
  assert.throws(() => xinnuo.createKey("short"), /至少 8 个字符/);
  assert.throws(() => xinnuo.readKeyFile("{}"), /密钥文件格式不正确/);
});

test("a signed commitment verifies with Node's own Ed25519, and its payload is RFC 8785 canonical", () => {
  const key = xinnuo.createKey(PASS);
  const jws = xinnuo.signCommitment(key.keyFile, PASS, filled);
  const { header, payload, payloadBytes, submissionId, disclosed } = verifyFlattenedJws(jws);
  assert.deepEqual(header.jwk, key.publicKeyJwk);
  assert.equal(header.kid, key.kid);
  assert.equal(payloadBytes.toString("utf8"), canonicalize(payload));
  assert.equal(payload.type, "xinnuo.commitment/2");
  assert.equal(payload._sd_alg, "sha-256");
  // The phone is personal: a salted digest in the payload, its value disclosed beside the JWS (SD-JWT).
  assert.equal(payload.values.phone, undefined);
  assert.equal(payload.values._sd.length, 1);
  assert.deepEqual(disclosed, { phone: TAX_VALUES.phone });
  assert.deepEqual(payload.template, { id: "tax-service", version: inForce("tax-service").version, text_sha256: inForce("tax-service").text_sha256 });
  assert.equal(payload.credit_code, "91140105123456788F");
  assert.match(payload.signed_at, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal(Buffer.from(payload.nonce, "base64url").length, 16);
  const ours = xinnuo.verifyEnvelope(jws);
  assert.equal(ours.valid, true, JSON.stringify(ours.errors));
  assert.equal(ours.submissionId, submissionId);
  assert.match(ours.text, /纳税服务信用承诺书/);
  // Two signatures of the same form differ (fresh nonce): each is its own submission.
  assert.notEqual(xinnuo.verifyEnvelope(xinnuo.signCommitment(key.keyFile, PASS, filled)).submissionId, submissionId);
});

test("verifyEnvelope reports tampering, foreign keys and malformed input without throwing", () => {
  const key = xinnuo.createKey(PASS);
  const jws = JSON.parse(xinnuo.signCommitment(key.keyFile, PASS, filled));
  const payload = JSON.parse(Buffer.from(jws.payload, "base64url"));
  payload.values.subject_name = "别的公司";
  const tampered = { ...jws, payload: Buffer.from(canonicalize(payload)).toString("base64url") };
  const result = xinnuo.verifyEnvelope(JSON.stringify(tampered));
  assert.equal(result.valid, false);
  assert.equal(result.errors[0].code, "bad_signature");
  assert.match(result.errors[0].message_zh, /签名无效/);
  const unreadable = xinnuo.verifyEnvelope("not json").errors[0];
  assert.equal(unreadable.code, "bad_envelope", "unreadable is not the same as a wrong signature");
  assert.match(unreadable.message_zh, /^签名文件不是有效的 JSON（解析器：/, "the parser's words only as its marked detail");
  assert.match(unreadable.message_en, /^the signed file is not valid JSON \(/);
  // Signed properly by a key made outside Xinnuo, but for a template text that does not exist.
  const { privateKey } = generateKeyPairSync("ed25519");
  const forged = { ...payload, values: TAX_VALUES, template: { ...payload.template, text_sha256: "0".repeat(64) } };
  const foreign = xinnuo.verifyEnvelope(signFlattenedJws(forged, privateKey));
  assert.equal(foreign.signatureValid, true);
  assert.equal(foreign.valid, false);
  assert.equal(foreign.errors[0].code, "text_hash_mismatch");
});

test("signBytes signs under its label, interoperates with Node, and never signs a commitment", () => {
  const key = xinnuo.unlockKey(xinnuo.createKey(PASS).keyFile, PASS);
  const message = new TextEncoder().encode("信诺");
  const label = Buffer.from("xinnuo signed bytes/1\n");
  const signature = key.signBytes(message);
  const { header } = verifyFlattenedJws(JSON.parse(key.signEnrolment("91140105123456788F", "山西示例科技有限公司")));
  const publicKey = createPublicKey({ key: header.jwk, format: "jwk" });
  // Node verifies the label and the message, and signs them for us to verify.
  assert.ok(cryptoVerify(null, Buffer.concat([label, message]), publicKey, signature));
  assert.ok(!cryptoVerify(null, Buffer.from(message), publicKey, signature), "the bare message was not signed");
  const { privateKey, publicKey: nodePublic } = generateKeyPairSync("ed25519");
  const nodeSignature = cryptoSign(null, Buffer.concat([label, message]), privateKey);
  const nodeX = Buffer.from(nodePublic.export({ format: "jwk" }).x, "base64url");
  assert.ok(xinnuo.verifyBytes(nodeX, message, nodeSignature));
  assert.ok(!xinnuo.verifyBytes(nodeX, new TextEncoder().encode("别的"), nodeSignature));
  // The oracle attack: a commitment's signing input given to signBytes yields no valid envelope.
  const jws = JSON.parse(xinnuo.signCommitment(xinnuo.createKey(PASS).keyFile, PASS, filled));
  const mine = JSON.parse(key.signEnrolment("91140105123456788F", "山西示例科技有限公司"));
  const input = new TextEncoder().encode(`${mine.protected}.${jws.payload}`);
  const forged = { protected: mine.protected, payload: jws.payload, signature: Buffer.from(key.signBytes(input)).toString("base64url") };
  assert.equal(xinnuo.verifyEnvelope(JSON.stringify(forged)).signatureValid, false);
  key.free();
});

/** The blank text of a template as the README defines it, written here from scratch (not the package's code). */
function blankText(template, lang) {
  const numerals = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九", "二十"];
  const field = (id) => template.fields.find((f) => f.id === id);
  const valueOf = (spec) => (spec.type === "confirm" ? "☐" : `〔${spec.label[lang]}〕`);
  const fill = (text) => text[lang].replace(/\{([^{}]*)\}/g, (whole, id) => (field(id) ? valueOf(field(id)) : whole));
  let out = `${template.title[lang]}\n\n${fill(template.preamble)}\n\n`;
  template.clauses.forEach((clause, i) => { out += lang === "zh" ? `${numerals[i]}、${fill(clause)}\n` : `${i + 1}. ${fill(clause)}\n`; });
  out += `\n${fill(template.closing)}\n\n`;
  for (const spec of template.fields) {
    out += spec.type === "confirm" ? `☐ ${spec.label[lang]}\n` : `${spec.label[lang]}${lang === "zh" ? "：" : ": "}${valueOf(spec)}\n`;
  }
  return out + (lang === "zh" ? "承诺日期：　　年　　月　　日\n" : "Date of commitment: ____-__-__\n");
}

test("every template's text_sha256 is the SHA-256 of its blank text, recomputed here independently", async () => {
  const { createHash } = await import("node:crypto");
  const list = xinnuo.listTemplates();
  assert.ok(list.length >= 15);
  for (const summary of list) {
    const template = xinnuo.getTemplate(summary.id, summary.version);
    const hash = createHash("sha256").update(`${blankText(template, "zh")}\n${blankText(template, "en")}`).digest("hex");
    assert.equal(hash, template.text_sha256, `${template.id} ${template.version}`);
    assert.equal(summary.text_sha256, template.text_sha256);
  }
});

test("the xinnuo/commitments entry signs and verifies as the full package does, without status rules", async () => {
  const entry = await import("../pkg/commitments/xinnuo_commitments.js");
  entry.initSync({ module: await readFile(new URL("../pkg/commitments/xinnuo_commitments_bg.wasm", import.meta.url)) });
  assert.deepEqual(entry.listTemplates(), xinnuo.listTemplates());
  assert.deepEqual(entry.validateCommitment(filled), xinnuo.validateCommitment(filled));
  // A key made by this entry signs what the full package verifies, and the other way round.
  const key = entry.createKey(PASS);
  const jws = entry.signCommitment(key.keyFile, PASS, filled);
  assert.equal(xinnuo.verifyEnvelope(jws).valid, true);
  const theirs = xinnuo.signCommitment(xinnuo.createKey(PASS).keyFile, PASS, filled);
  assert.deepEqual(entry.verifyEnvelope(theirs), xinnuo.verifyEnvelope(theirs));
  // A credit code in a field is checked as in the full package; the code-check functions are xinnuo/codes'.
  const badCode = { ...filled, values: { ...filled.values, credit_code: "91140105123456788E" } };
  assert.deepEqual(entry.validateCommitment(badCode), xinnuo.validateCommitment(badCode));
  assert.ok(entry.validateCommitment(badCode).some((issue) => issue.field === "credit_code"));
  for (const name of ["summarizeStatus", "evaluateRepair", "addWorkingDays", "validateCode", "checkCodes"]) {
    assert.equal(entry[name], undefined, `${name} is not in the commitments entry`);
  }
});
