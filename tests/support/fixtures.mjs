// Shared test data and the npm package loaded for Node.
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import * as xinnuo from "../../pkg/xinnuo.js";
import { disclose } from "./jose.mjs";

xinnuo.initSync({ module: await readFile(new URL("../../pkg/xinnuo_bg.wasm", import.meta.url)) });

export { xinnuo };

/** A complete 纳税服务 commitment. */
export const TAX_VALUES = Object.freeze({
  subject_name: "山西示例科技有限公司",
  credit_code: "91140105123456788F",
  legal_rep: "张三",
  phone: "0351-1234567",
  matter: "办理涉税事项",
  tax_authority: "国家税务总局太原市小店区税务局",
  filer: "self",
  confirm_read: true,
  confirm_publish: true,
});

export const PASSPHRASE = "正确的口令 correct horse";

/**
 * The version of a template in force today in Beijing — the one `signCommitment` signs (`getTemplate(id)`
 * without a version is the newest, which may start tomorrow).
 */
export function inForce(id) {
  const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
  const versions = xinnuo.listTemplates()
    .filter((t) => t.id === id && t.effective_from <= today && (!t.effective_to || t.effective_to >= today))
    .sort((a, b) => (a.effective_from < b.effective_from ? -1 : 1));
  if (!versions.length) throw new Error(`no version of ${id} in force on ${today}`);
  return xinnuo.getTemplate(id, versions.at(-1).version);
}

/**
 * A commitment payload as the core signs it (xinnuo.commitment/2), built by hand so tests can break it on
 * purpose: personal values (ID numbers, phones, fields marked personal) become salted digests whose
 * disclosures `signFlattenedJws` attaches.
 */
export function commitmentPayload(values = TAX_VALUES, template = {}) {
  const t = inForce("tax-service");
  const personal = new Set(t.fields.filter((f) => f.type === "id_number" || f.type === "phone" || f.personal).map((f) => f.id));
  const clear = {};
  const digests = [];
  for (const [field, value] of Object.entries(values)) {
    if (personal.has(field)) digests.push(disclose(field, value));
    else clear[field] = value;
  }
  if (digests.length) clear._sd = digests.sort();
  return {
    type: "xinnuo.commitment/2",
    template: { id: t.id, version: t.version, text_sha256: t.text_sha256, ...template },
    credit_code: values.credit_code,
    values: clear,
    _sd_alg: "sha-256",
    signed_at: new Date().toISOString(),
    nonce: randomBytes(16).toString("base64url"),
  };
}

/** A valid 统一社会信用代码 with a random organisation-code body (GB 11714 + GB 32100, written here independently). */
export function randomCreditCode(region = "140105") {
  const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  const digits = "0123456789";
  const body = Array.from({ length: 8 }, (_, i) => (i === 0 ? "MA" : digits)[randomBytes(1)[0] % (i === 0 ? 2 : 10)]).join("");
  const orgValue = (c) => (c >= "0" && c <= "9" ? Number(c) : c.charCodeAt(0) - 55);
  const orgSum = [...body].reduce((sum, c, i) => sum + orgValue(c) * [3, 7, 9, 10, 5, 8, 4, 2][i], 0);
  const orgCheck = { 10: "X", 11: "0" }[11 - (orgSum % 11)] ?? String(11 - (orgSum % 11));
  const first17 = `91${region}${body}${orgCheck}`;
  const weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
  const sum = [...first17].reduce((s, c, i) => s + alphabet.indexOf(c) * weights[i], 0);
  return first17 + alphabet[(31 - (sum % 31)) % 31];
}
