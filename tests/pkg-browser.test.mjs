// The package README's browser example, pasted as it is into a page that serves the package at /pkg/, in
// Chromium: `init()` fetches the wasm next to the script, and the example logs what it says it logs.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";
import { launchBrowser } from "./support/browser.mjs";

const TYPES = { ".js": "text/javascript", ".wasm": "application/wasm", ".html": "text/html; charset=utf-8" };

test("the package README's browser example runs as written", async () => {
  const readme = await readFile(new URL("../pkg/README.md", import.meta.url), "utf8");
  const browserSection = readme.slice(readme.indexOf("## 浏览器 / Browser"));
  const example = browserSection.match(/```html\n([\s\S]*?)```/)[1];
  // A site that hosts the package under /pkg/ and the example as its page.
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://localhost").pathname;
    try {
      const body = path.startsWith("/pkg/")
        ? await readFile(new URL(`../pkg/${path.slice("/pkg/".length)}`, import.meta.url))
        : `<!doctype html><meta charset="utf-8"><title>example</title>\n${example}`;
      const type = path.startsWith("/pkg/") ? TYPES[path.slice(path.lastIndexOf("."))] : TYPES[".html"];
      response.writeHead(200, { "content-type": type ?? "application/octet-stream" }).end(body);
    } catch {
      response.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    const errors = [];
    page.on("pageerror", (error) => errors.push(error));
    const logged = new Promise((resolve) => page.on("console", (message) => resolve(message.text())));
    await page.goto(`http://127.0.0.1:${server.address().port}/`);
    assert.equal(await logged, "true uscc 行政区划码 350100 不在山西省。");
    assert.deepEqual(errors, []);
  } finally {
    await browser.close();
    server.close();
  }
});
