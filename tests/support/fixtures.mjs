// Shared test data and the npm package loaded for Node.
import { readFile } from "node:fs/promises";
import { randomBytes } from "node:crypto";
import * as xinnuo from "../../pkg/xinnuo.js";

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

/** A commitment payload as the core signs it, built by hand so tests can break it on purpose. */
export function commitmentPayload(values = TAX_VALUES, template = {}) {
  const t = xinnuo.getTemplate("tax-service");
  return {
    type: "xinnuo.commitment/1",
    template: { id: t.id, version: t.version, text_sha256: t.text_sha256, ...template },
    credit_code: values.credit_code,
    values,
    signed_at: new Date().toISOString(),
    nonce: randomBytes(16).toString("base64url"),
  };
}
