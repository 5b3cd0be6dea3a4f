// The package's batch API in headless Chromium: serves pkg/ and the codes file from a local server,
// loads the package in a page and times checkCodes (and validateCodes on a slice). Prints JSON.
import { join } from "node:path";
import { launchBrowser } from "../support/browser.mjs";
import { serveFiles } from "./static-server.mjs";

const [codesPath, pkgDir] = process.argv.slice(2);
const server = await serveFiles((path) =>
  path === "/codes.txt" ? codesPath : path === "/" ? null : join(pkgDir, path.replace(/^\/+/, "")));
const base = server.base;
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${base}/`);
  const result = await page.evaluate(async () => {
    const pkg = await import("/xinnuo.js");
    await pkg.default();
    const text = await (await fetch("/codes.txt")).text();
    const count = pkg.checkCodes(text).length;
    let rounds = 0;
    const start = performance.now();
    while (performance.now() - start < 2000 || rounds === 0) {
      pkg.checkCodes(text);
      rounds++;
    }
    const checkRate = (count * rounds) / ((performance.now() - start) / 1000);
    const slice = text.split("\n").slice(0, 100000).join("\n");
    const t0 = performance.now();
    const reports = pkg.validateCodes(slice);
    const validateRate = reports.length / ((performance.now() - t0) / 1000);
    return { codes: count, check_codes_per_s: checkRate, validate_codes_per_s: validateRate };
  });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  server.close();
}
