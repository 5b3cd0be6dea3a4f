// The npm package in Node ≥ 20, loaded with initSync({ module: bytes }) as the README says.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { initSync, validateCode, validateCodes, checkCodes, codeKinds, version } from "../pkg/xinnuo.js";

initSync({ module: await readFile(new URL("../pkg/xinnuo_bg.wasm", import.meta.url)) });

test("valid code with parts, from full-width input", () => {
  const report = validateCode("９１３５０１００Ｍ０００１００Ｙ４３");
  assert.equal(report.valid, true);
  assert.equal(report.kind, "uscc");
  assert.equal(report.normalized, "91350100M000100Y43");
  assert.equal(report.parts.org_code, "M000100Y-4");
  assert.equal(report.parts.region_name, "福州市");
  assert.deepEqual(report.errors, []);
});

test("wrong check symbol: position, both languages, suggestion", () => {
  const report = validateCode("91140105123456788E");
  assert.equal(report.valid, false);
  assert.equal(report.errors[0].code, "check_symbol_wrong");
  assert.equal(report.errors[0].position, 18);
  assert.match(report.errors[0].message_zh, /校验码应为 “F”/);
  assert.match(report.errors[0].message_en, /should be “F”/);
  assert.equal(report.suggestions[0], "91140105123456788F");
});

test("province option warns; an unknown province throws a clear error", () => {
  const report = validateCode("91350100M000100Y43", { province: "山西" });
  assert.equal(report.valid, true);
  assert.equal(report.warnings[0].code, "outside_province");
  assert.throws(() => validateCode("91350100M000100Y43", { province: "火星" }), /未知的省份/);
  assert.throws(() => validateCode("91350100M000100Y43", { province: 14 }), /province 应为字符串.*must be a string/);
  assert.throws(() => validateCodes("91350100M000100Y43", "山西"), /选项应为对象.*options must be an object/);
  assert.equal(validateCode("91350100M000100Y43", { province: undefined }).valid, true);
});

test("kind detection of legacy identifiers", () => {
  assert.equal(validateCode("M000100Y-4").kind, "org_code");
  assert.equal(validateCode("110108000000016").kind, "reg_no_15");
  const id = validateCode("11010519491231002x");
  assert.equal(id.kind, "resident_id");
  assert.equal(id.valid, true);
  assert.equal(id.parts.birth_date, "1949-12-31");
});

test("bad input never throws and always explains", () => {
  // Each input with the verdict it must get: refused with the named error (and a Chinese message), or —
  // the hidden bidi control — accepted with a warning that it was removed.
  const cases = [
    ["", "empty"], ["   ", "empty"], ["\u0000", "unknown_length"], ["😀😀😀", "symbol_not_allowed"],
    ["9".repeat(10 * 1024 * 1024), "too_long"], ["9.11401E+17", "scientific_notation"],
  ];
  for (const [input, code] of cases) {
    const report = validateCode(input);
    assert.equal(report.valid, false, input.slice(0, 20));
    assert.equal(report.errors[0].code, code, input.slice(0, 20));
    assert.match(report.errors[0].message_zh, /\p{Script=Han}/u, input.slice(0, 20));
  }
  const bidi = validateCode("\u202e91350100M000100Y43");
  assert.equal(bidi.valid, true);
  assert.equal(bidi.normalized, "91350100M000100Y43");
  assert.deepEqual(bidi.warnings.map((w) => w.code), ["invisible_removed"]);
});

test("batch: one report per line or CSV cell, and checkCodes agrees", () => {
  const text = "91350100M000100Y43, 91140105123456788E\n\n11010519491231002X\tM000100Y-4\n";
  const reports = validateCodes(text);
  assert.equal(reports.length, 4);
  const bytes = checkCodes(text);
  assert.ok(bytes instanceof Uint8Array);
  assert.equal(bytes.length, 4);
  const kinds = codeKinds();
  reports.forEach((report, i) => {
    assert.equal((bytes[i] & 0x80) !== 0, report.valid);
    assert.equal(kinds[bytes[i] & 0x7f], report.kind);
  });
  assert.match(version(), /^\d+\.\d+\.\d+/);
});

test("types are generated with the documented names", async () => {
  const types = await readFile(new URL("../pkg/xinnuo.d.ts", import.meta.url), "utf8");
  for (const name of ["export interface CodeReport", "export function validateCode(input: string, options?: ValidateOptions", "CodeReport[]", "export function checkCodes(text: string): Uint8Array"]) {
    assert.ok(types.includes(name), name);
  }
});

test("the codes-only entry gives the same answers as the full package, and nothing else", async () => {
  const codes = await import("../pkg/codes/xinnuo_codes.js");
  codes.initSync({ module: await readFile(new URL("../pkg/codes/xinnuo_codes_bg.wasm", import.meta.url)) });
  const text = ["91350100M000100Y43", "91140105123456788E", "１４０１０５１９９００３０７１２３Ｘ", "M000100Y-4", "garbage"].join("\n");
  assert.deepEqual(codes.validateCodes(text), validateCodes(text));
  assert.deepEqual(codes.validateCode("91140105123456788E", { province: "山西" }),
    validateCode("91140105123456788E", { province: "山西" }));
  assert.deepEqual([...codes.checkCodes(text)], [...checkCodes(text)]);
  assert.deepEqual(codes.codeKinds(), codeKinds());
  assert.throws(() => codes.validateCode("x", { province: "火星" }), /未知的省份/);
  for (const name of ["signCommitment", "listTemplates", "summarizeStatus", "verifyEnvelope"]) {
    assert.equal(codes[name], undefined, `${name} is not in the codes-only entry`);
  }
});

test("the package README's Node examples run as written in a project that installed the package", async () => {
  const readme = await readFile(new URL("../pkg/README.md", import.meta.url), "utf8");
  const nodeSection = readme.slice(readme.indexOf("## Node"));
  const example = nodeSection.match(/```js\n([\s\S]*?)```/)[1];
  // Each entry's "In Node:" line, with the entry it loads.
  const entryLoads = [...readme.matchAll(/In Node: `([^`]+)`/g)].map((m) => [m[1].match(/xinnuo\/(\w+)\//)[1], m[1]]);
  assert.deepEqual(entryLoads.map(([entry]) => entry), ["codes", "status", "commitments"]);
  // A project with the package in node_modules, as `npm install` leaves it.
  const project = await mkdtemp(join(tmpdir(), "xinnuo-readme-"));
  try {
    await mkdir(join(project, "node_modules"));
    await symlink(fileURLToPath(new URL("../pkg", import.meta.url)), join(project, "node_modules", "xinnuo"), "dir");
    await writeFile(join(project, "package.json"), '{ "type": "module" }');
    await writeFile(join(project, "full.mjs"), example);
    const run = (file) => promisify(execFile)(process.execPath, [file], { cwd: project });
    assert.equal((await run("full.mjs")).stdout, "91350100M000100Y43\n");
    // What each entry is for, asked the way its README section imports it.
    const probes = {
      codes: ["validateCode", 'validateCode("91140105123456788E").suggestions[0]', "91140105123456788F"],
      status: ["validateCode", 'validateCode("91140105123456788E").suggestions[0]', "91140105123456788F"],
      commitments: ["getTemplate", 'getTemplate("tax-service").title.zh', "纳税服务信用承诺书"],
    };
    for (const [entry, load] of entryLoads) {
      const [name, expression, expected] = probes[entry];
      await writeFile(join(project, `${entry}.mjs`), [
        'import { readFile } from "node:fs/promises";',
        `import { initSync, ${name} } from "xinnuo/${entry}";`,
        `${load};`,
        `console.log(${expression});`,
      ].join("\n"));
      assert.equal((await run(`${entry}.mjs`)).stdout, `${expected}\n`, entry);
    }
  } finally {
    await rm(project, { recursive: true, force: true });
  }
});
