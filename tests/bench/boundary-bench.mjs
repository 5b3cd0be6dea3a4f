// The package's JS boundary measured in Node: the same calls on a package directory given on the command
// line (built with JSON text or with serde-wasm-bindgen). Prints JSON: calls per second and the wasm's size.
import { readFile, stat } from "node:fs/promises";
import { gzipSync } from "node:zlib";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const [pkgDir] = process.argv.slice(2);
const pkg = await import(pathToFileURL(join(pkgDir, "xinnuo.js")).href);
const wasmBytes = await readFile(join(pkgDir, "xinnuo_bg.wasm"));
pkg.initSync({ module: wasmBytes });

const filled = { template_id: "tax-service", values: {
  subject_name: "山西示例科技有限公司", credit_code: "91140105123456788F", legal_rep: "张三", phone: "0351-1234567",
  matter: "办理涉税事项", tax_authority: "国家税务总局太原市小店区税务局", filer: "self", confirm_read: true, confirm_publish: true } };
const lines = Array.from({ length: 2000 }, (_, i) => (i % 3 ? "91140105123456788F" : "91140105123456788E")).join("\n");

function rate(fn, seconds = 1.5) {
  for (let i = 0; i < 20; i++) fn();
  let calls = 0;
  const start = performance.now();
  while (performance.now() - start < seconds * 1000) { fn(); calls++; }
  return calls / ((performance.now() - start) / 1000);
}

const result = {
  wasm_bytes: (await stat(join(pkgDir, "xinnuo_bg.wasm"))).size,
  wasm_gzip_bytes: gzipSync(wasmBytes, { level: 9 }).length,
  validate_code_per_s: rate(() => pkg.validateCode("91140105123456788E")),
  validate_codes_2000_per_s: rate(() => pkg.validateCodes(lines)),
  list_templates_per_s: rate(() => pkg.listTemplates()),
  get_template_per_s: rate(() => pkg.getTemplate("tax-service")),
  validate_commitment_per_s: rate(() => pkg.validateCommitment(filled)),
  render_commitment_per_s: rate(() => pkg.renderCommitment(filled)),
};
console.log(JSON.stringify(result));
