// Ed25519 in headless Chromium, one run: our wasm package, @noble/ed25519 (pure JS) and WebCrypto.
// Signs and verifies the signing input of a real 纳税服务 commitment. Prints JSON.
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { launchBrowser } from "../support/browser.mjs";
import { serveFiles } from "./static-server.mjs";

const [pkgDir] = process.argv.slice(2);
const modules = fileURLToPath(new URL("../node_modules/", import.meta.url));
const server = await serveFiles((path) => {
  if (path === "/") return null;
  if (path.startsWith("/node_modules/")) return join(modules, path.slice("/node_modules/".length));
  return join(pkgDir, path.replace(/^\/+/, ""));
});
const browser = await launchBrowser();
try {
  const page = await browser.newPage();
  await page.goto(`${server.base}/`);
  const result = await page.evaluate(async () => {
    const pkg = await import("/xinnuo.js");
    await pkg.default();
    const ed = await import("/node_modules/@noble/ed25519/index.js");
    const { sha512 } = await import("/node_modules/@noble/hashes/sha2.js");
    ed.hashes.sha512 = sha512;

    const PASS = "benchmark passphrase";
    const key = pkg.unlockKey(pkg.createKey(PASS).keyFile, PASS);
    const filled = { template_id: "tax-service", values: {
      subject_name: "山西示例科技有限公司", credit_code: "91140105123456788F", legal_rep: "张三", phone: "0351-1234567",
      matter: "办理涉税事项", tax_authority: "国家税务总局太原市小店区税务局", filer: "self", confirm_read: true, confirm_publish: true } };
    const jwsText = key.signCommitment(filled);
    const jws = JSON.parse(jwsText);
    const message = new TextEncoder().encode(`${jws.protected}.${jws.payload}`);

    /** Calls per second of `work` (sync) for about `ms` milliseconds. */
    const rate = (work, ms = 1500) => {
      let calls = 0;
      const start = performance.now();
      while (performance.now() - start < ms) {
        for (let i = 0; i < 20; i++) work();
        calls += 20;
      }
      return calls / ((performance.now() - start) / 1000);
    };
    /** Calls per second of an async `work`, 64 in flight at a time. */
    const rateAsync = async (work, ms = 1500) => {
      let calls = 0;
      const start = performance.now();
      while (performance.now() - start < ms) {
        await Promise.all(Array.from({ length: 64 }, work));
        calls += 64;
      }
      return calls / ((performance.now() - start) / 1000);
    };

    const ours = { publicKey: key.publicKey };
    const oursSig = key.signBytes(message);
    const nobleSecret = ed.utils.randomSecretKey();
    const noblePublic = ed.getPublicKey(nobleSecret);
    const nobleSig = ed.sign(message, nobleSecret);
    const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, false, ["sign", "verify"]);
    const webSig = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, message));
    if (!pkg.verifyBytes(ours.publicKey, message, oursSig) || !ed.verify(nobleSig, message, noblePublic)
      || !(await crypto.subtle.verify("Ed25519", pair.publicKey, webSig, message))) {
      throw new Error("a signature did not verify");
    }
    return {
      message_bytes: message.length,
      wasm_sign_per_s: rate(() => key.signBytes(message)),
      wasm_verify_per_s: rate(() => pkg.verifyBytes(ours.publicKey, message, oursSig)),
      wasm_verify_envelope_per_s: rate(() => pkg.verifyEnvelope(jwsText)),
      noble_sign_per_s: rate(() => ed.sign(message, nobleSecret)),
      noble_verify_per_s: rate(() => ed.verify(nobleSig, message, noblePublic)),
      webcrypto_sign_per_s: await rateAsync(() => crypto.subtle.sign("Ed25519", pair.privateKey, message)),
      webcrypto_verify_per_s: await rateAsync(() => crypto.subtle.verify("Ed25519", pair.publicKey, webSig, message)),
      unlock_key_ms: (() => { const t = performance.now(); pkg.unlockKey(pkg.createKey(PASS).keyFile, PASS).free(); return (performance.now() - t) / 2; })(),
    };
  });
  console.log(JSON.stringify(result));
} finally {
  await browser.close();
  server.close();
}
