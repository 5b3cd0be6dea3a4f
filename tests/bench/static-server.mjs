// A tiny local HTTP server for benchmark pages: `resolve(path)` maps a URL path to a file (or null for
// an empty HTML page). Returns { base, close }.
import { createServer } from "node:http";
import { readFile } from "node:fs/promises";

const types = { ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".txt": "text/plain; charset=utf-8", ".html": "text/html", ".css": "text/css" };

export async function serveFiles(resolve) {
  const server = createServer(async (request, response) => {
    const path = new URL(request.url, "http://x").pathname;
    try {
      const file = resolve(path);
      const body = file ? await readFile(file) : "<!doctype html><title>bench</title>";
      const ext = file ? file.slice(file.lastIndexOf(".")) : ".html";
      response.writeHead(200, { "content-type": types[ext] ?? "application/octet-stream" });
      response.end(body);
    } catch {
      response.writeHead(404);
      response.end();
    }
  });
  await new Promise((done) => server.listen(0, "127.0.0.1", done));
  return { base: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}
