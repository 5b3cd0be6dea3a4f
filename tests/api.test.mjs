// The REST API against a real running server (XINNUO_URL, started by `cargo xtask test`).
import { test } from "node:test";
import assert from "node:assert/strict";
import { request } from "node:http";

import { base, problem } from "./support/http.mjs";

test("health check reads the database", async () => {
  const response = await fetch(`${base}/healthz`);
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.equal(body.status, "ok");
  assert.ok(body.schema_version >= 1);
});

test("GET /api/v1/codes/{code} returns the same report as the package", async () => {
  const response = await fetch(`${base}/api/v1/codes/${encodeURIComponent("９１３５０１００Ｍ０００１００Ｙ４３")}`);
  assert.equal(response.status, 200);
  const report = await response.json();
  assert.equal(report.valid, true);
  assert.equal(report.normalized, "91350100M000100Y43");
  assert.equal(report.parts.org_code, "M000100Y-4");

  const wrong = await (await fetch(`${base}/api/v1/codes/91140105123456788E`)).json();
  assert.equal(wrong.errors[0].code, "check_symbol_wrong");
  assert.equal(wrong.errors[0].position, 18);
  assert.equal(wrong.suggestions[0], "91140105123456788F");
});

test("province query: warning, and a clear 400 for an unknown province", async () => {
  const report = await (await fetch(`${base}/api/v1/codes/91350100M000100Y43?province=14`)).json();
  assert.equal(report.warnings[0].code, "outside_province");
  const body = await problem(await fetch(`${base}/api/v1/codes/91350100M000100Y43?province=${encodeURIComponent("火星")}`), 400);
  assert.match(body.detail_zh, /未知的省份/);
});

test("POST /api/v1/codes:check with a JSON array", async () => {
  const response = await fetch(`${base}/api/v1/codes:check`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(["91350100M000100Y43", "91140105123456788E", "", "M000100Y-4"]),
  });
  assert.equal(response.status, 200);
  const body = await response.json();
  assert.deepEqual(body.summary, { total: 4, valid: 2, invalid: 2, with_warnings: 1 });
  assert.equal(body.reports[2].errors[0].code, "empty");
});

test("POST /api/v1/codes:check with text/plain lines and CSV cells", async () => {
  const response = await fetch(`${base}/api/v1/codes:check`, {
    method: "POST",
    headers: { "content-type": "text/plain; charset=utf-8" },
    body: "91350100M000100Y43,11010519491231002X\n\n110108000000016\n",
  });
  const body = await response.json();
  assert.equal(body.summary.total, 3);
  assert.deepEqual(body.reports.map((r) => r.kind), ["uscc", "resident_id", "reg_no_15"]);
});

test("batch limits: over 100,000 codes or 4 MiB → 413 problem", async () => {
  const many = Array.from({ length: 100_001 }, () => "1");
  const body = await problem(await fetch(`${base}/api/v1/codes:check`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(many) }), 413);
  assert.match(body.detail_zh, /100000/);
  const huge = "91350100M000100Y43\n".repeat(250_000);
  await problem(await fetch(`${base}/api/v1/codes:check`, { method: "POST", headers: { "content-type": "text/plain" }, body: huge }), 413);
});

test("a body without Content-Length that grows past the limit is cut off with 413", async () => {
  const status = await new Promise((resolve, reject) => {
    const url = new URL(`${base}/api/v1/codes:check`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "content-type": "text/plain", "transfer-encoding": "chunked" } }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on("error", reject);
    const chunk = "91350100M000100Y43\n".repeat(10_000);
    for (let i = 0; i < 30; i++) req.write(chunk);
    req.end();
  });
  assert.equal(status, 413);
});

test("bad requests get problem+json with a clear message", async () => {
  const post = (body, type) => fetch(`${base}/api/v1/codes:check`, { method: "POST", headers: type ? { "content-type": type } : {}, body });
  let body = await problem(await post("[\"91350100M000100Y43\",", "application/json"), 400);
  assert.match(body.detail_zh, /JSON/);
  await problem(await post("{\"codes\": []}", "application/json"), 400);
  await problem(await post("[1, 2]", "application/json"), 400);
  await problem(await post("<codes/>", "application/xml"), 415);
  await problem(await post(new Uint8Array([0xff, 0xfe, 0x00, 0x41]), "text/plain"), 400);
  body = await problem(await fetch(`${base}/api/v1/nothing-here`), 404);
  assert.match(body.detail, /\/api\/v1\/nothing-here/);
  await problem(await fetch(`${base}/api/v1/codes/91350100M000100Y43`, { method: "DELETE" }), 405);
});

test("hostile single codes never break the server", async () => {
  const rlo = await (await fetch(`${base}/api/v1/codes/%E2%80%AE91350100M000100Y43`)).json();
  assert.equal(rlo.valid, true);
  assert.equal(rlo.warnings[0].code, "invisible_removed");
  // Each a report that refuses it for the named reason (a traversal is just an odd code here)…
  const refused = [["%00", "unknown_length"], ["%F0%9F%98%80", "symbol_not_allowed"], ["a".repeat(5000), "too_long"], ["..%2F..%2Fetc%2Fpasswd", "wrong_length"]];
  for (const [input, code] of refused) {
    const response = await fetch(`${base}/api/v1/codes/${input}`);
    assert.equal(response.status, 200, input.slice(0, 30));
    const report = await response.json();
    assert.equal(report.valid, false, input.slice(0, 30));
    assert.equal(report.errors[0].code, code, input.slice(0, 30));
    assert.match(report.errors[0].message_zh, /\p{Script=Han}/u);
  }
  // …and bytes that are not UTF-8 a problem saying so.
  await problem(await fetch(`${base}/api/v1/codes/%FF%FE`), 400, "bad_path");
});

test("the app is served at / (its routes are hash routes); any other missing path is a 404 page", async () => {
  for (const path of ["/", "/index.html"]) {
    const response = await fetch(`${base}${path}`);
    assert.equal(response.status, 200);
    assert.match(await response.text(), /信诺/);
  }
  const missing = await fetch(`${base}/some/deep/link`);
  assert.equal(missing.status, 404);
  assert.match(await missing.text(), /未找到页面/);
  const wasm = await fetch(`${base}/app_bg.wasm`);
  assert.equal(wasm.headers.get("content-type"), "application/wasm");
});

/** GET `path` with exactly these request headers (no client-side decoding): status, headers and raw bytes. */
function rawGet(path, headers) {
  return new Promise((resolve, reject) => {
    request(new URL(path, base), { headers }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

test("static files travel compressed (Brotli, else gzip, else as they are); API answers too", async () => {
  const { brotliDecompressSync, gunzipSync } = await import("node:zlib");
  const plain = await rawGet("/app_bg.wasm", {});
  assert.equal(plain.status, 200);
  assert.equal(plain.headers["content-encoding"], undefined);
  assert.equal(plain.headers["content-type"], "application/wasm");
  const brotli = await rawGet("/app_bg.wasm", { "accept-encoding": "gzip, deflate, br" });
  assert.equal(brotli.headers["content-encoding"], "br");
  assert.equal(brotli.headers["content-type"], "application/wasm");
  assert.match(brotli.headers.vary ?? "", /accept-encoding/i);
  assert.ok(brotli.body.length < plain.body.length / 2, `${brotli.body.length} of ${plain.body.length} bytes`);
  assert.ok(brotliDecompressSync(brotli.body).equals(plain.body), "the same file once decoded");
  const gzip = await rawGet("/app_bg.wasm", { "accept-encoding": "gzip" });
  assert.equal(gzip.headers["content-encoding"], "gzip");
  assert.ok(gunzipSync(gzip.body).equals(plain.body));
  // The page itself (and the app's route fallback) too.
  const page = await rawGet("/", { "accept-encoding": "br" });
  assert.equal(page.headers["content-encoding"], "br");
  assert.match(brotliDecompressSync(page.body).toString(), /<html/);
  // API JSON is compressed on the fly for clients that ask.
  const templates = await rawGet("/api/v1/templates", { "accept-encoding": "gzip" });
  assert.equal(templates.headers["content-encoding"], "gzip");
  assert.ok(JSON.parse(gunzipSync(templates.body).toString()).length >= 15);
  assert.equal((await rawGet("/api/v1/templates", {})).headers["content-encoding"], undefined);
});
