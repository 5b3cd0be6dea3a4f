// Shared helpers for the API tests: the server's base URL and the RFC 9457 problem assertions.
import assert from "node:assert/strict";

export const base = process.env.XINNUO_URL;
if (!base) throw new Error("XINNUO_URL is not set: run these tests with `cargo xtask test`");

/** Asserts a problem+json answer with a Chinese title first; returns its body. */
export async function problem(response, status, slug) {
  assert.equal(response.status, status);
  assert.match(response.headers.get("content-type"), /^application\/problem\+json/);
  const body = await response.json();
  assert.equal(body.status, status);
  assert.ok(body.title && body.detail && body.detail_zh && body.type, JSON.stringify(body));
  assert.match(body.title, /[\u4e00-\u9fff]/, "Chinese title first");
  if (slug) assert.equal(body.type, `urn:xinnuo:problem:${slug}`, JSON.stringify(body));
  return body;
}

export function postJson(path, body, headers = {}) {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}
